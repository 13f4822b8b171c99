"""Pages for referrers: health visitors, family nurses, nursery, MNPI and PMHT practitioners.

Every lookup is scoped to the signed-in referrer (another person's referral is a 404, and an
ACCESS_DENIED audit event), every state change is a POST, and every view or change of a referral
is audited: a page drawn for a GET is a VIEW; a POST leaves its write's event (CHANGE, DELETE,
...), or a VIEW when it only draws the page again.
"""

from functools import partial

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.views.decorators.http import require_http_methods, require_POST

from imhs import audit, search_terms
from imhs.accounts.access import referrer_required
from imhs.models import AuditAction
from referrals import drafts, presenters, workflow
from referrals.assessment import assessment_for
from referrals.models import Referral
from referrals.pagination import pagination
from referrals.referrer import presenters as referrer_presenters
from referrals.referrer.forms.answer import AnswerQuestionForm
from referrals.referrer.forms.baby import FIND_PRACTICE_BUTTON
from referrals.referrer.forms.check import CheckAnswersForm
from referrals.referrer.forms.my_referrals import MyReferralsFilterForm
from referrals.referrer.pages import (
    draft_write,
    kept,
    own_referral,
    record_view,
    section_page,
    stale_message,
)
from referrals.sections import SECTIONS_BY_SLUG

MY_REFERRALS_PAGE_SIZE = 25


@referrer_required
@require_http_methods(["GET", "POST"])
def my_referrals(request):
    """The referrer's own referrals, most recently changed first: searched, filtered and paged
    in the database, so the queries stay the same however many there are."""
    if request.method == "POST":
        # The search posts, so a baby's name stays out of the address (imhs.search_terms).
        return search_terms.posted(request, keep=["status"])
    data, links, _key = search_terms.unfold(request)
    form = MyReferralsFilterForm(data if (data.get("q") or data.get("status")) else None)
    search, status = form.narrowing()
    referrals = Referral.objects.visible_to(request.user).select_related("infant")
    if search:
        referrals = referrals.search(search)
    if status:
        referrals = referrals.filter(status=status)
    # Numbered pages (OFFSET), not the dashboard's keyset pages: the list is one referrer's own
    # referrals, read by referrals_mine_idx (referrer, ...), so its deepest page skips that
    # referrer's referrals only (tens to a few hundred over years), never the service's history.
    page = Paginator(referrals.order_by("-updated_at", "-pk"), MY_REFERRALS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    # A list of the referrer's own referrals: one event for the list (search text not kept).
    audit.record(
        AuditAction.VIEW,
        by=request.user,
        object_type=Referral._meta.label_lower,
        request=request,
        detail={"list": True, "count": page.paginator.count},
    )
    return render(
        request,
        "referrals/my_referrals.html",
        {
            "form": form,
            "narrowed": bool(search or status),
            "rows": referrer_presenters.my_referral_rows(page.object_list),
            "page": page,
            "pagination": pagination(page, links),
            "empty_drafts": drafts.empty_drafts_of(request.user).count(),
        },
    )


@referrer_required
@require_http_methods(["GET", "POST"])
def delete_empty_drafts(request):
    """Delete the referrer's own empty drafts older than a day, after asking (GET)."""
    if request.method == "POST":
        count = drafts.delete_empty_drafts(by=request.user, request=request)
        messages.success(request, f"{_drafts(count)} deleted.")
        return redirect("referrals:mine")
    count = drafts.empty_drafts_of(request.user).count()
    if not count:
        return redirect("referrals:mine")
    return render(request, "referrals/delete_empty_drafts.html", {"count": count})


def _drafts(count):
    return "1 empty draft" if count == 1 else f"{count} empty drafts"


@referrer_required
@require_http_methods(["GET", "POST"])
def new(request):
    if request.method == "POST":
        referral = drafts.start_draft(by=request.user, request=request)
        return redirect("referrals:detail", referral.pk)
    return render(request, "referrals/start.html")


@referrer_required
def detail(request, pk):
    referral = own_referral(request, pk)
    if referral.is_draft:
        assessment = assessment_for(referral)
        return render(
            request,
            "referrals/task_list.html",
            {
                "referral": referral,
                "heading": presenters.baby_heading(referral),
                "tasks": presenters.task_rows(referral),
                "completed": presenters.completed_count(referral),
                "eligibility": presenters.eligibility(assessment, referral),
            },
        )
    return _sent_referral_page(request, referral)


def _sent_referral_page(request, referral, answer_form=None):
    """A sent referral as its referrer sees it: status, the decision meant for them, the team's
    open question with the answer form, what has happened, and their answers. Never the
    team's notes."""
    question = referrer_presenters.open_question(referral)
    return render(
        request,
        "referrals/detail.html",
        {
            "referral": referral,
            "heading": presenters.baby_heading(referral),
            "status": referrer_presenters.status(referral),
            "decision": referrer_presenters.decision_summary(referral),
            "question": question,
            # Named `form` so the page title and error summary show its errors.
            "form": (answer_form or AnswerQuestionForm()) if question else None,
            "timeline": referrer_presenters.timeline(referral.events.all()),
            "answers": presenters.answers(referral, editable=False),
        },
    )


@referrer_required
@require_POST
def answer_question(request, pk):
    """The referrer's answer to the team's question: the referral goes back to the team."""
    referral = own_referral(request, pk, draft=False)
    form = AnswerQuestionForm(request.POST)
    if not form.is_valid():
        # Shown again on the referral's page with what was typed and the error.
        record_view(request, referral)
        return _sent_referral_page(request, referral, answer_form=form)
    try:
        workflow.answer_information_request(
            referral, by=request.user, answer=form.cleaned_data["answer"], request=request
        )
    except workflow.Conflict as conflict:
        messages.error(request, conflict.message)
    else:
        messages.success(request, "Your answer has been sent to the team.")
    return redirect("referrals:detail", pk)


@referrer_required
@require_http_methods(["GET", "POST"])
def section(request, pk, slug):
    section = SECTIONS_BY_SLUG.get(slug)
    if section is None or section.url_name != "referrals:section":
        raise Http404
    referral = own_referral(request, pk, draft=True)
    form_class = section.form_class
    if request.method == "POST":
        form = form_class(request.POST, referral=referral)
        saved, refused = draft_write(
            request,
            referral,
            partial(drafts.save_section, referral, key=slug, form=form),
            back=lambda: redirect("referrals:section", pk, slug),
            redraw=lambda latest: section_page(request, latest, section, kept(form), stale=True),
        )
        if refused:
            return refused
        if saved:
            return redirect("referrals:detail", pk)
    else:
        typed = referral.section_drafts.get(slug)
        form = form_class(_as_data(typed), referral=referral) if typed else None
        if typed and FIND_PRACTICE_BUTTON in typed:
            # Kept on the way to a sub-page (finding the GP practice), not a failed "Save and
            # continue": show what was typed without errors for questions not reached yet.
            form.errors.clear()
        form = form or form_class(referral=referral)
    return section_page(request, referral, section, form)


def _as_data(typed):
    return MultiValueDict(typed)


@referrer_required
@require_http_methods(["GET", "POST"])
def check(request, pk):
    referral = own_referral(request, pk, draft=None)
    if not referral.is_draft:
        return redirect("referrals:submitted", pk)
    form = CheckAnswersForm(request.POST or None, referral=referral)
    refusal = None
    if request.method == "POST":
        if form.is_valid():
            try:
                workflow.submit(
                    referral,
                    by=request.user,
                    version=request.POST.get("version"),
                    overrides=form.overrides(),
                    confirm_duplicate=form.cleaned_data["confirm_duplicate"],
                    request=request,
                )
                return redirect("referrals:submitted", pk)
            except workflow.SubmissionRefused as refused:
                refusal = refused.reasons
            except drafts.StaleDraft as stale:
                # Not sent: the answers changed since this page was drawn. The page again, with
                # the latest answers to check and any reason typed still in its box.
                messages.error(
                    request,
                    "This referral was changed in another tab or window at "
                    f"{timezone.localtime(stale.referral.updated_at):%H:%M}, so it has not been "
                    "sent: check the latest answers below, then send it.",
                )
            except workflow.TransitionNotAllowed:
                return redirect("referrals:detail", pk)
        referral.refresh_from_db()
        referral.infant.refresh_from_db()  # another tab may have changed the baby's answers
        form = CheckAnswersForm(request.POST, referral=referral)  # what was typed, checked again
        record_view(request, referral)  # refused: the page is drawn again, nothing written
    assessment = assessment_for(referral)
    return render(
        request,
        "referrals/check.html",
        {
            "referral": referral,
            "heading": presenters.baby_heading(referral),
            "answers": presenters.answers(referral, editable=True),
            "eligibility": presenters.eligibility(assessment, referral),
            "incomplete": [
                t.title for t in presenters.task_rows(referral) if t.state != "completed"
            ],
            "possible_duplicate": Referral.objects.possible_duplicates_of(referral).exists(),
            "form": form,
            "refusal": refusal,
        },
    )


@referrer_required
def submitted(request, pk):
    referral = own_referral(request, pk, draft=False)
    return render(request, "referrals/confirmation.html", {"referral": referral})


@referrer_required
@require_http_methods(["GET", "POST"])
def delete(request, pk):
    referral = own_referral(request, pk, draft=True)
    if request.method == "POST":
        drafts.delete_draft(referral, by=request.user, request=request)
        messages.success(request, "The draft referral has been deleted.")
        return redirect("referrals:mine")
    return render(
        request,
        "referrals/delete.html",
        {"referral": referral, "heading": presenters.baby_heading(referral)},
    )


@referrer_required
@require_POST
def discard(request, pk, key):
    """Cancel on a sub-page: forget what was typed there."""
    referral = own_referral(request, pk, draft=True)
    try:
        drafts.discard_section_draft(
            referral, key=key, by=request.user, version=request.POST.get("version"), request=request
        )
    except drafts.StaleDraft as stale:
        stale_message(request, stale.referral)
    # Cancel on one carer's page goes back to the carers list, not out of the section.
    if key.startswith("carers:"):
        return redirect("referrals:carers", pk)
    return redirect("referrals:detail", pk)
