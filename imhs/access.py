"""Who may see what: role predicates and the view decorators built on them.

Anonymous people are sent to sign in; a signed-in person in the wrong role gets 403 (and an
audit event), never the page.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from imhs import audit
from imhs.models import AuditAction


def is_referrer(user):
    return user.is_authenticated and user.is_active and user.is_referrer


def is_team(user):
    """Team members and service leads."""
    return user.is_authenticated and user.is_active and user.is_team


def is_service_lead(user):
    return user.is_authenticated and user.is_active and user.is_service_lead


def deny(request):
    """Refuse the request with 403, leaving an audit event naming the view that was tried."""
    audit.record(
        AuditAction.ACCESS_DENIED,
        by=request.user,
        request=request,
        detail={"view": request.resolver_match.view_name},
    )
    raise PermissionDenied


def _role_required(predicate):
    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not predicate(request.user):
                deny(request)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


referrer_required = _role_required(is_referrer)
team_member_required = _role_required(is_team)
service_lead_required = _role_required(is_service_lead)
