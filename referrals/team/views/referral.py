"""The team's referral page: everything the referral says, its eligibility, waiting times,
notes and history, and the actions open now; and the outcome letters.

Every lookup goes through `Referral.objects.visible_to` (drafts and unknown references are a
404, and an ACCESS_DENIED audit event), every view is audited, every change is a POST through
`referrals.workflow`. An action that is no longer allowed, or a page that is out of date,
becomes a friendly message naming who did what and when, never a 500 and never a lost update.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from imhs import audit
from imhs.accounts.access import get_or_404, team_member_required
from imhs.models import AuditAction
from referrals import workflow
from referrals.drafts import parse_version
from referrals.team import access_log, invitation_presenters, presenters
from referrals.team.forms.appointments import RemoveUnavailabilityForm, UnavailabilityForm
from referrals.team.forms.invitations import InviteForm
from referrals.team.forms.triage import FORMS, NoteForm
from referrals.team.pages import (
    find_referral,
    get_shows_page,
    page_url,
    record_view,
    team_lookup,
)


@dataclass(frozen=True)
class ActionPanel:
    action: str
    title: str
    form: object
    url: str
    submit_label: str
    button_class: str
    has_fields: bool
    open: bool


def _action_panels(referral, bound=None, open_action=None):
    """The forms of the actions open now, in `workflow.allowed_actions` order. `bound` is a form
    that came back with errors: it takes its action's place, opened. `open_action` is opened
    too (its URL was loaded with GET: a reload after a refused action)."""
    panels = []
    for action in workflow.allowed_actions(referral):
        if bound is not None and bound.action == action:
            form = bound
        else:
            form = FORMS[action](referral=referral)
        panels.append(
            ActionPanel(
                action=action,
                title=form.title,
                form=form,
                url=reverse("referrals:team_action", args=[referral.reference, action]),
                submit_label=form.submit_label,
                button_class=form.button_class,
                has_fields=bool(form.fields),
                open=(form.is_bound and bool(form.errors)) or action == open_action,
            )
        )
    return panels


def render_page(
    request,
    referral,
    *,
    bound=None,
    note_form=None,
    unavailability_form=None,
    reassess=False,
    open_action=None,
):
    today = timezone.localdate()
    note_form = note_form or NoteForm(referral=referral)
    if unavailability_form is None and workflow.allowed(referral, "record_unavailability"):
        unavailability_form = UnavailabilityForm(referral=referral)
    failed = next(
        (
            form
            for form in (bound, note_form, unavailability_form)
            if form is not None and form.errors
        ),
        None,
    )
    eligibility = presenters.eligibility(referral, reassess=reassess, today=today)
    parents = invitation_presenters.section(referral)
    choices = parents["invite_choices"]
    invite_form = (
        InviteForm(relationships=choices, initial={"seen": parents["invite_seen"]})
        if choices
        else None
    )
    return render(
        request,
        "referrals/team/referral.html",
        {
            "referral": referral,
            "heading": presenters.heading(referral),
            "glance": presenters.at_a_glance(
                referral, today=today, eligibility=eligibility, parents=parents
            ),
            "status": presenters.status_tag(referral),
            "waiting_times": presenters.waiting_times_rows(referral, today),
            "decision": presenters.decision(referral),
            "actions": _action_panels(referral, bound, open_action),
            "letters": presenters.letter_links(referral),
            "appointments": presenters.appointments(referral),
            "unavailability": presenters.unavailability(referral),
            "unavailability_form": unavailability_form,
            "information_requests": presenters.information_requests(referral),
            "notes": presenters.notes(referral),
            "note_form": note_form,
            "timeline": presenters.timeline(referral.events.select_related("by")),
            "eligibility": eligibility,
            "parent_views": presenters.parent_views(referral),
            "invitations": {**parents, "invite_form": invite_form},
            "answers": presenters.answers(referral),
            "access_log": access_log.section(referral, request.user),
            "failed_form": failed,
            "form": failed,  # base.html starts the title with "Error: " while a form has errors
        },
    )


def show(request, reference, *, open_action=None):
    """The referral page on a GET: recorded as viewed, and any answer it was waiting for is now
    seen (the dashboard stops marking it "Answer received")."""
    referral = team_lookup(request, reference)
    # Drawn first, so this visit still says the answer is new; later ones do not.
    response = render_page(request, referral, open_action=open_action)
    workflow.mark_answer_seen(referral, by=request.user)
    return response


@team_member_required
@require_GET
def team_referral(request, reference):
    # ?open=<action>: that action's form, opened (where a GET on the action's URL leads).
    opened = request.GET.get("open")
    return show(request, reference, open_action=opened if opened in FORMS else None)


def _conflict(referral, action, version):
    """Why `action` cannot be applied from a page showing `version`, or None."""
    if not workflow.allowed(referral, action):
        return workflow.TransitionNotAllowed(referral, action)
    if parse_version(version) != referral.version:
        return workflow.StaleVersion(referral)
    return None


@team_member_required
@require_http_methods(["GET", "POST"])
def team_action(request, reference, action):
    form_class = FORMS.get(action)
    if form_class is None:
        raise Http404
    if request.method == "GET":
        # A refused action's page is shown at its URL: a reload or Enter there is a GET. Go to
        # the referral page with that action's form open and in view, not a blank 405.
        referral = find_referral(request, reference)
        url = reverse("referrals:team_referral", args=[referral.reference])
        return redirect(f"{url}?{urlencode({'open': action})}#action-{action}")
    referral = find_referral(request, reference)
    version = request.POST.get("version")
    form = form_class(request.POST, referral=referral)
    if not form.is_valid():
        conflict = _conflict(referral, action, version)
        if conflict is None:
            # Show what was typed with its errors, on the latest version of the page.
            record_view(request, referral)
            return render_page(request, referral, bound=form)
        messages.error(request, conflict.message)
        return redirect(page_url(referral))
    try:
        updated = form.apply(referral, by=request.user, version=version, request=request)
    except workflow.Conflict as conflict:
        messages.error(request, conflict.message)
    else:
        messages.success(request, form.success(updated))
    return redirect(page_url(referral))


@team_member_required
@require_http_methods(["GET", "POST"])
def add_note(request, reference):
    if request.method == "GET":
        return show(request, reference)  # a reload after a note with errors
    referral = find_referral(request, reference)
    form = NoteForm(request.POST, referral=referral)
    if not form.is_valid():
        record_view(request, referral)
        return render_page(request, referral, note_form=form)
    form.apply(referral, by=request.user, request=request)
    messages.success(request, form.success(referral))
    return redirect(page_url(referral, "notes"))


@team_member_required
@require_http_methods(["GET", "POST"])
def reassess(request, reference):
    """Today's assessment, on the page: nothing is saved but the audit event. (A GET, a reload
    of this page, shows the referral as stored.)"""
    if request.method == "GET":
        return show(request, reference)
    referral = team_lookup(request, reference, detail={"reassessed": True})
    return render_page(request, referral, reassess=True)


@team_member_required
@get_shows_page("unavailability")
def add_unavailability(request, reference):
    """A period when the family cannot come: on a refused or stale save, the page again with
    what was typed."""
    referral = find_referral(request, reference)
    form = UnavailabilityForm(request.POST, referral=referral)
    if form.is_valid():
        try:
            form.apply(
                referral, by=request.user, version=request.POST.get("version"), request=request
            )
        except workflow.Conflict as conflict:
            messages.error(request, conflict.message)
        else:
            messages.success(request, form.success(referral))
            return redirect(page_url(referral, "unavailability"))
    record_view(request, referral)
    return render_page(request, referral, unavailability_form=form)


@team_member_required
@get_shows_page("unavailability")
def remove_unavailability(request, reference, period_id):
    referral = find_referral(request, reference)
    period = get_or_404(request, referral.unavailability.all(), pk=period_id)
    form = RemoveUnavailabilityForm(request.POST, referral=referral, period=period)
    form.full_clean()
    try:
        form.apply(referral, by=request.user, version=request.POST.get("version"), request=request)
    except workflow.Conflict as conflict:
        messages.error(request, conflict.message)
    else:
        messages.success(request, form.success(referral))
    return redirect(page_url(referral, "unavailability"))


@team_member_required
@require_GET
def letter(request, reference, recipient):
    """A printable outcome letter (accepted or declined) to the referrer or the GP practice."""
    referral = find_referral(request, reference)
    content = presenters.letter(referral, recipient, timezone.localdate())
    if content is None:
        raise Http404
    audit.record(
        AuditAction.EXPORT,
        by=request.user,
        obj=referral,
        request=request,
        detail={"letter": recipient},
    )
    return render(
        request,
        "referrals/letters/outcome.html",
        {"referral": referral, "letter": content, "back_url": page_url(referral)},
    )
