from django.conf import settings


def service(request):
    """The service's name and contact details, for the header, footer and public pages, and
    whether the development demo has switched off the second factor (every page then says so)."""
    return {
        "service": settings.SERVICE,
        "second_factor_relaxed": settings.SECOND_FACTOR_RELAXED,
    }
