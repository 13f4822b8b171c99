"""Parents' pages: the secure link, then token-free pages bound to one invitation's session.

- `/views/<token>/` asks only for the baby's date of birth. Opening it changes nothing (mail
  scanners open links). The right date starts a short session that holds only the invitation's
  id and when it was last used, then redirects to a URL without the token.
- `/views/your-views/` is the parent's form: save and come back, or go on to check them.
- `/views/check/` shows the saved answers to check before sending them, once: sending cannot be
  undone.
- `/views/sent/` says what happens next.

Every closed link (unknown, expired, revoked, locked, sent, re-sent) gets the same page, with
the same status. Nobody is signed in by these pages: the parent session is not a user.

Every response sends `Referrer-Policy: no-referrer` (and, like every page, `Cache-Control:
no-store`, from imhs.middleware.NoStoreMiddleware). A page with
`no-referrer` makes the browser send `Origin: null` with its own form posts, which Django's CSRF
check refuses; `NoReferrerCsrfMiddleware` accepts that null origin only when the browser's
`Sec-Fetch-Site` header does not say the post came from another site (the CSRF token is still
checked, and the cookies are SameSite=Lax).
"""

import datetime
from functools import wraps

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.decorators import decorator_from_middleware
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from imhs import audit
from imhs.models import AuditAction
from referrals import invitations
from referrals.models import ParentInvitation
from referrals.parents.forms import DateOfBirthForm, ParentViewsForm

# The parent session holds these and nothing else (no token, no date, no name).
INVITATION_KEY = "parent_invitation_id"
LAST_SEEN_KEY = "parent_last_seen"
SENT_KEY = "parent_views_sent"

OBJECT_TYPE = "referrals.parentinvitation"
CLOSED_STATUS = 404  # the same for every closed link, whatever the reason


class NoReferrerCsrfMiddleware(CsrfViewMiddleware):
    """Django's CSRF check, for pages that send `Referrer-Policy: no-referrer`.

    Browsers send `Origin: null` with a form posted from such a page, even to its own site.
    That null origin is accepted unless `Sec-Fetch-Site` (set by the browser, never by a page)
    says the request came from another site or nowhere; the token check still applies.
    """

    def _origin_verified(self, request):
        if request.META.get("HTTP_ORIGIN") == "null":
            return request.META.get("HTTP_SEC_FETCH_SITE", "same-origin") == "same-origin"
        return super()._origin_verified(request)


_csrf_protect = decorator_from_middleware(NoReferrerCsrfMiddleware)


def parent_page(view):
    """No referrer, GET and POST only, and the CSRF check above."""
    checked = _csrf_protect(require_http_methods(["GET", "POST"])(view))

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = checked(request, *args, **kwargs)
        # SecurityMiddleware only sets its (same-origin) policy when none is set.
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    # The site-wide check would refuse the null origin before `checked` could run.
    return csrf_exempt(wrapped)


def closed(request, *, session_ended=False):
    """The one page for every link that cannot be used."""
    return render(
        request,
        "parents/closed.html",
        {"session_ended": session_ended},
        status=CLOSED_STATUS,
    )


def _start_session(request, invitation):
    """A fresh session for this invitation alone. A staff member signed in on the same device
    (a shared tablet at a home visit) is signed out first, so the parent cannot reach staff
    pages; `flush()` also gives the session a new key."""
    if request.user.is_authenticated:
        audit.record(AuditAction.SIGN_OUT, by=request.user, request=request)
        logout(request)  # flushes the session
    else:
        request.session.flush()
    request.session[INVITATION_KEY] = invitation.pk
    request.session[LAST_SEEN_KEY] = timezone.now().timestamp()


def _end_session(request):
    request.session.flush()


def _session_invitation(request):
    """(invitation, session_ended): the usable invitation this parent session is for, or None.

    Only the id stored in the session is used, so a parent session reaches no other
    invitation. An idle session (over PARENT_SESSION_IDLE_MINUTES) is ended."""
    invitation_id = request.session.get(INVITATION_KEY)
    if invitation_id is None or request.user.is_authenticated:
        return None, False
    now = timezone.now()
    last_seen = request.session.get(LAST_SEEN_KEY)
    idle = datetime.timedelta(minutes=settings.PARENT_SESSION_IDLE_MINUTES)
    if last_seen is None or now - datetime.datetime.fromtimestamp(last_seen, datetime.UTC) > idle:
        _end_session(request)
        return None, True
    invitation = (
        ParentInvitation.objects.select_related("referral", "carer")
        .filter(pk=invitation_id)
        .first()
    )
    views = invitations.views_for(invitation) if invitation else None
    if invitation is None or not invitation.usable(now) or (views and views.submitted_at):
        _end_session(request)
        return None, False
    request.session[LAST_SEEN_KEY] = now.timestamp()
    return invitation, False


@parent_page
def open_link(request, token):
    """The secure link: one question, the baby's date of birth."""
    invitation = invitations.find(token)
    usable = invitation is not None and invitation.usable(timezone.now())
    if request.method == "GET":
        audit.record(
            AuditAction.VIEW,
            object_type=OBJECT_TYPE,
            object_id=invitation.pk if invitation else "",
            request=request,
            detail={"page": "link"},
        )
        if not usable:
            return closed(request)
        return render(request, "parents/date_of_birth.html", {"form": DateOfBirthForm()})

    if not usable:
        # Counted against the IP limit like any other answer, and refused the same way.
        invitations.check_date_of_birth(
            token, None, ip=get_client_ip_address(request), request=request
        )
        return closed(request)
    form = DateOfBirthForm(request.POST)
    if not form.is_valid():
        return render(request, "parents/date_of_birth.html", {"form": form})
    check = invitations.check_date_of_birth(
        token,
        form.cleaned_data["date_of_birth"],
        ip=get_client_ip_address(request),
        request=request,
    )
    if check.outcome == "ok":
        _start_session(request, check.invitation)
        return redirect("parents:views")
    if check.outcome == "wrong":
        form.wrong_answer(check.tries_left)
        return render(request, "parents/date_of_birth.html", {"form": form})
    if check.outcome == "locked":
        return render(request, "parents/locked.html")
    return closed(request)  # "closed" or "too_many"


def in_parent_session(page):
    """The view runs only for the usable invitation of this parent session, passed to it;
    anything else (no session, an idle one, a closed link) gets the closed page, audited as a
    refusal of `page`."""

    def decorate(view):
        @wraps(view)
        def wrapped(request):
            asked_for = request.session.get(INVITATION_KEY, "")
            invitation, session_ended = _session_invitation(request)
            if invitation is None:
                audit.record(
                    AuditAction.ACCESS_DENIED,
                    by=request.user,
                    object_type=OBJECT_TYPE,
                    object_id=asked_for,
                    request=request,
                    detail={"page": page, "session_ended": session_ended},
                )
                return closed(request, session_ended=session_ended)
            return view(request, invitation)

        return wrapped

    return decorate


@parent_page
@in_parent_session("views")
def your_views(request, invitation):
    """The parent's views: save and come back, or go on to check and send them (once)."""

    if request.method == "POST":
        # "Continue" (or "send", from a page loaded before the check step existed) saves the
        # answers and goes on to check them; only the check page sends.
        checking = "save" not in request.POST
        form = ParentViewsForm(request.POST, sending=checking)
        if form.is_valid():
            try:
                invitations.save_views(
                    invitation.pk, answers=form.answers(), submit=False, request=request
                )
            except invitations.LinkClosed:
                _end_session(request)
                return closed(request)
            if checking:
                return redirect("parents:check")
            messages.success(
                request,
                "Saved. You can come back and finish later, using the link in your email and "
                "your baby's date of birth.",
            )
            return redirect("parents:views")
    else:
        audit.record(AuditAction.VIEW, obj=invitation, request=request, detail={"page": "views"})
        saved = invitations.views_for(invitation)
        form = ParentViewsForm(initial=ParentViewsForm.initial_for(saved))
    return render(
        request,
        "parents/views.html",
        {
            "form": form,
            "expires_at": invitation.expires_at,
            "idle_minutes": settings.PARENT_SESSION_IDLE_MINUTES,
        },
    )


@parent_page
@in_parent_session("check")
def check_answers(request, invitation):
    """The saved answers, to check before sending. Sending sends what was checked: if the
    answers changed since this page was drawn (another tab), it is drawn again to check."""
    views = invitations.views_for(invitation)
    if views is None or not ParentViewsForm.has_story(views):
        return redirect("parents:views")
    version = views.saved_at.isoformat()
    changed = False
    if request.method == "POST":
        if request.POST.get("version") == version:
            try:
                invitations.save_views(
                    invitation.pk,
                    answers={name: getattr(views, name) for name in invitations.VIEW_FIELDS},
                    submit=True,
                    request=request,
                )
            except invitations.LinkClosed:
                _end_session(request)
                return closed(request)
            _end_session(request)
            request.session[SENT_KEY] = True
            return redirect("parents:sent")
        changed = True
    else:
        audit.record(AuditAction.VIEW, obj=views, request=request, detail={"page": "check"})
    return render(
        request,
        "parents/check.html",
        {"rows": ParentViewsForm.summary(views), "version": version, "changed": changed},
    )


@parent_page
def sent(request):
    """Confirmation, in a session that no longer holds the invitation."""
    if not request.session.get(SENT_KEY):
        return closed(request)
    return render(request, "parents/sent.html")
