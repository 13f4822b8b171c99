from django.conf import settings


def service(request):
    """The service's name and contact details, for the header, footer and public pages."""
    return {"service": settings.SERVICE}
