from patients.catchment import CATCHMENT


def catchment(request):
    """The service's area, for pages that name it (the start page, the practice search)."""
    return {"catchment": CATCHMENT}
