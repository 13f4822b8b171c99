from django.utils.functional import SimpleLazyObject

from patients.catchment import CATCHMENT
from patients.reference_data import freshness


def catchment(request):
    """The service's area, for pages that name it (the start page, the practice search)."""
    return {"catchment": CATCHMENT}


def reference_data(request):
    """The reference data's age for the pages that show eligibility. Lazy: read (one query)
    only by a template that shows it, and at most once a render."""
    return {"reference_data": SimpleLazyObject(freshness)}
