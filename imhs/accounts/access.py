"""Who may see what: role predicates and the view decorators built on them.

Anonymous people are sent to sign in; a signed-in person in the wrong role gets 403 (and an
audit event), never the page.
"""

from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from imhs import audit
from imhs.models import AuditAction


def is_referrer(user):
    return user.is_authenticated and user.is_active and user.is_referrer


def is_team(user):
    """Team members and service leads."""
    return user.is_authenticated and user.is_active and user.is_team


def is_service_lead(user):
    return user.is_authenticated and user.is_active and user.is_service_lead


def deny(request, obj=None):
    """Refuse the request with 403, leaving an audit event naming the view that was tried and
    the record asked for: `obj`, or the record the URL names (settings.ACCESS_DENIED_RECORDS)."""
    match = request.resolver_match
    object_type = object_id = ""
    if obj is not None:
        object_type, object_id = obj._meta.label_lower, obj.pk
    elif match.namespace in settings.ACCESS_DENIED_RECORDS:
        label, url_parts = settings.ACCESS_DENIED_RECORDS[match.namespace]
        asked = next((match.kwargs[p] for p in url_parts if p in match.kwargs), "")
        object_type, object_id = (label, asked) if asked else ("", "")
    audit.record(
        AuditAction.ACCESS_DENIED,
        by=request.user,
        object_type=object_type,
        object_id=object_id,
        request=request,
        detail={"view": match.view_name},
    )
    raise PermissionDenied


def record_refusal(request, object_type, object_id, *, lookup="pk"):
    """Leave an ACCESS_DENIED event for a record that was asked for and not given.

    Names only the object type and the id (or reference) that was asked for: an object outside
    the user's scope and one that does not exist look the same, to the user and here.
    """
    match = request.resolver_match
    audit.record(
        AuditAction.ACCESS_DENIED,
        by=request.user,
        object_type=object_type,
        # The column's size, and no NUL (PostgreSQL refuses it): an URL can hold anything.
        object_id=str(object_id).replace("\x00", "")[:100],
        request=request,
        detail={"view": match.view_name if match else "", "lookup": lookup},
    )


def get_or_404(request, queryset, **lookup):
    """The one object of `queryset` (already scoped to the user) matching the single `lookup`;
    otherwise a 404 that is audited. Every scoped lookup of a referral or patient record goes
    through here, so a refused access is recorded once, in one place."""
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, ValidationError):
        # ValueError/ValidationError: a value no record could have (a NUL character, which
        # PostgreSQL refuses; a malformed id). Not there, like any other.
        [(name, value)] = lookup.items()
        record_refusal(request, queryset.model._meta.label_lower, value, lookup=name)
        raise Http404 from None


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
# Pages for everyone who works with referrals (the blank paper form): referrers and the team.
referrer_or_team_required = _role_required(lambda user: is_referrer(user) or is_team(user))


def service_lead_or_404(view):
    """For pages whose very existence is for service leads only (subject access): anyone else
    signed in gets the 404 an unknown address gets, recorded as a refused access."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not is_service_lead(request.user):
            record_refusal(request, "", "", lookup="service_lead")
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped
