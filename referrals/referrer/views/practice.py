"""Finding the baby's GP practice, a page of the "About the baby" section.

GET searches the PHS practice table (`?q=`); POST either chooses a practice (saved to the
infant at once, through `drafts.save_section`) or arrives from the baby's page by its "Find the
GP practice" button, carrying what was typed there, which is kept before the search is shown.
"""

from functools import partial

from django.contrib import messages
from django.db.models import Case, IntegerField, Q, Value, When
from django.db.models.functions import Replace, Upper
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods

from imhs.accounts.access import referrer_required
from patients.catchment import CATCHMENT
from patients.models import HEALTH_BOARD_NAMES, GPPractice
from referrals import drafts, presenters
from referrals.referrer.forms.baby import (
    FIND_PRACTICE_BUTTON,
    SECTION,
    BabyForm,
    ChoosePracticeForm,
    PracticeSearchForm,
)
from referrals.referrer.pages import draft_write, kept, own_referral, record_view, section_page
from referrals.sections import SECTIONS_BY_SLUG

MAX_RESULTS = 20
MAX_WORDS = 6  # enough for any practice's name and town; bounds the query's size


def search_practices(query):
    """Active practices matching every word of `query` in their name, address, postcode or
    code (or the whole query as a postcode typed without its space): the catchment's board's first,
    then other boards', each by name."""
    words = query.split()[:MAX_WORDS]
    every_word = Q()
    for word in words:
        every_word &= (
            Q(name__icontains=word)
            | Q(address_line_1__icontains=word)
            | Q(address_line_2__icontains=word)
            | Q(address_line_3__icontains=word)
            | Q(address_line_4__icontains=word)
            | Q(postcode__icontains=word)
            | Q(code__startswith=word)
        )
    compact_postcode = "".join(words).upper()
    return (
        GPPractice.objects.filter(active=True)
        .annotate(
            compact_postcode=Upper(Replace("postcode", Value(" "), Value(""))),
            elsewhere=Case(
                When(health_board_code=CATCHMENT.board_code, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
        )
        .filter(every_word | Q(compact_postcode__startswith=compact_postcode))
        .order_by("elsewhere", "name", "code")
    )


@referrer_required
@require_http_methods(["GET", "POST"])
def find_practice(request, pk):
    referral = own_referral(request, pk, draft=True)
    if request.method == "POST":
        if FIND_PRACTICE_BUTTON in request.POST:
            return _keep_baby_answers(request, referral)
        return _choose(request, referral)
    search_form = PracticeSearchForm(request.GET if "q" in request.GET else None)
    return _page(request, referral, search_form, ChoosePracticeForm(referral=referral))


def _keep_baby_answers(request, referral):
    """Save what was typed on the baby's page (as its draft when it has errors: a practice is
    still to be chosen, for one), then show the search."""
    form = BabyForm(request.POST, referral=referral)
    _saved, refused = draft_write(
        request,
        referral,
        partial(drafts.save_section, referral, key=SECTION, form=form),
        back=lambda: redirect("referrals:section", referral.pk, SECTION),
        redraw=lambda latest: section_page(
            request, latest, SECTIONS_BY_SLUG[SECTION], kept(form), stale=True
        ),
    )
    return refused or redirect("referrals:find_practice", referral.pk)


def _choose(request, referral):
    query = request.POST.get("q", "")
    form = ChoosePracticeForm(request.POST, referral=referral)
    # Checked first, so that a click on "Choose" with nothing selected neither stores a draft
    # nor turns a completed section back to "in progress".
    if not form.is_valid():
        record_view(request, referral)  # nothing written: the page is drawn again
        return _page(request, referral, PracticeSearchForm({"q": query}), form)
    # Choosing a practice completes nothing, but does not undo a completed section either.
    done = referral.section_states.get(SECTION) == drafts.COMPLETED
    url = reverse("referrals:find_practice", args=[referral.pk])
    _saved, refused = draft_write(
        request,
        referral,
        partial(
            drafts.save_section,
            referral,
            key=f"{SECTION}:practice",
            form=form,
            mark=drafts.COMPLETED if done else drafts.IN_PROGRESS,
        ),
        back=lambda: redirect(f"{url}?{urlencode({'q': query})}" if query else url),
    )
    if refused:
        return refused
    messages.success(request, f"GP practice chosen: {form.cleaned_data['practice'].name}")
    return redirect("referrals:section", referral.pk, SECTION)


def _page(request, referral, search_form, choose_form):
    searched = search_form.is_bound and search_form.is_valid()
    found = []
    if searched:
        found = list(search_practices(search_form.cleaned_data["q"])[: MAX_RESULTS + 1])
    current = referral.infant.gp_practice
    if choose_form.is_bound:
        selected = choose_form.data.get("practice", "")
    else:
        selected = current.code if current else ""
    section_url = reverse("referrals:section", args=[referral.pk, SECTION])
    return render(
        request,
        "referrals/find_practice.html",
        {
            "referral": referral,
            "heading": presenters.baby_heading(referral),
            # The page's error summary (and "Error:" title) is for whichever form has errors.
            "form": choose_form if choose_form.errors else search_form,
            "search_form": search_form,
            "choose_form": choose_form,
            "choose_errors": choose_form.errors.get("practice", []),
            "searched": searched,
            "query": search_form.cleaned_data["q"] if searched else "",
            "results": [
                _result(practice, index, selected)
                for index, practice in enumerate(found[:MAX_RESULTS])
            ],
            "more": len(found) > MAX_RESULTS,
            "max_results": MAX_RESULTS,
            "current": current,
            "section_url": section_url,
            # The "Registered, but I can't find the practice" radio, second of three.
            "not_listed_url": f"{section_url}#id_gp_registration_1",
        },
    )


def _result(practice, index, selected):
    board = ""
    if not practice.in_catchment:
        name = HEALTH_BOARD_NAMES.get(practice.health_board_code)
        board = f"NHS {name}" if name else "Another health board"
    return {
        "id": f"id_practice_{index}",
        "code": practice.code,
        "name": practice.name,
        "address": practice.address,
        "board": board,
        "checked": practice.code == selected,
    }
