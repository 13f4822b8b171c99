"""Parents and carers: the list of the baby's carers, a page to add or change one, and removing
one. Each carer is saved on their own page; the list's "Save and continue" completes the section.

Lookups are scoped like every referrer page: another referrer's draft, or a carer of another
baby, is a 404 (and an ACCESS_DENIED audit event).
"""

from functools import partial

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from django.views.decorators.http import require_http_methods

from imhs.accounts.access import get_or_404, referrer_required
from patients.models import CareRelationship
from referrals import drafts, presenters
from referrals.referrer import presenters as referrer_presenters
from referrals.referrer.forms.carers import (
    CarerForm,
    CarersDoneForm,
    care_relationships,
    carer_details,
    unsaved_carer_pages,
)
from referrals.referrer.pages import draft_write, kept, own_referral, record_get
from referrals.sections import SECTIONS_BY_SLUG

SECTION = SECTIONS_BY_SLUG["carers"]


@referrer_required
@require_http_methods(["GET", "POST"])
def carers(request, pk):
    referral = own_referral(request, pk, draft=True)
    form = None
    if request.method == "POST":
        form = CarersDoneForm(request.POST, referral=referral)
        saved, refused = draft_write(
            request,
            referral,
            partial(drafts.save_section, referral, key=SECTION.slug, form=form),
            back=lambda: redirect("referrals:carers", pk),
        )
        if refused:
            return refused
        if saved:
            return redirect("referrals:detail", pk)
    return render(
        request,
        "referrals/carers/list.html",
        {
            "referral": referral,
            "section": SECTION,
            "heading": presenters.baby_heading(referral),
            "form": form,
            "problems": _problems(form),
            "rows": _rows(referral),
            "unsaved": _unsaved(referral),
        },
    )


@referrer_required
@require_http_methods(["GET", "POST"])
def carer(request, pk, relationship_id=None):
    referral = own_referral(request, pk, draft=True, viewed=False)
    relationship = _relationship(request, referral, relationship_id)
    record_get(request, referral)
    key = _key(relationship_id)
    if request.method == "POST":
        form = CarerForm(request.POST, referral=referral, relationship=relationship)
        saved, refused = draft_write(
            request,
            referral,
            partial(drafts.save_section, referral, key=key, form=form, mark=drafts.IN_PROGRESS),
            back=lambda: _latest_page(referral, relationship_id),
            redraw=lambda latest: _carer_page(
                request, latest, kept(form), relationship, key, stale=True
            ),
        )
        if refused:
            return refused
        if saved:
            name = form.relationship.carer.full_name
            messages.success(request, f"{name} {'added' if relationship is None else 'updated'}")
            return redirect("referrals:carers", pk)
    else:
        typed = referral.section_drafts.get(key)
        if typed:
            # Answers typed earlier that could not be saved: shown again, with their errors.
            form = CarerForm(MultiValueDict(typed), referral=referral, relationship=relationship)
        else:
            form = CarerForm(referral=referral, relationship=relationship)
    return _carer_page(request, referral, form, relationship, key)


def _carer_page(request, referral, form, relationship, key, *, stale=False):
    return render(
        request,
        "referrals/carers/carer.html",
        {
            "referral": referral,
            "section": SECTION,
            "heading": presenters.baby_heading(referral),
            "form": form,
            "relationship": relationship,
            "draft_key": key,
            "stale": referrer_presenters.saved_meanwhile(referral, SECTION) if stale else None,
        },
    )


@referrer_required
@require_http_methods(["GET", "POST"])
def remove(request, pk, relationship_id):
    referral = own_referral(request, pk, draft=True, viewed=False)
    relationship = _relationship(request, referral, relationship_id)
    record_get(request, referral)
    name = relationship.carer.full_name
    if request.method == "POST":
        _removed, refused = draft_write(
            request,
            referral,
            partial(drafts.remove_carer, referral, relationship_id=relationship.pk),
            back=lambda: redirect("referrals:carers", pk),
        )
        if refused:
            return refused
        messages.success(request, f"{name} removed")
        return redirect("referrals:carers", pk)
    return render(
        request,
        "referrals/carers/remove.html",
        {
            "referral": referral,
            "section": SECTION,
            "heading": presenters.baby_heading(referral),
            "name": name,
        },
    )


def _relationship(request, referral, relationship_id):
    if relationship_id is None:
        return None
    of_this_baby = CareRelationship.objects.select_related("carer").filter(infant=referral.infant)
    return get_or_404(request, of_this_baby, pk=relationship_id)


def _key(relationship_id):
    return f"{SECTION.slug}:{relationship_id or 'new'}"


def _latest_page(referral, relationship_id):
    """After a refused (stale) save: the same page, unless that carer has since been removed."""
    if relationship_id is None:
        return redirect("referrals:carer_add", referral.pk)
    if CareRelationship.objects.filter(pk=relationship_id, infant=referral.infant).exists():
        return redirect("referrals:carer_change", referral.pk, relationship_id)
    return redirect("referrals:carers", referral.pk)


def _rows(referral):
    return [
        {
            "name": relationship.carer.full_name,
            "details": carer_details(relationship),
            "change_url": reverse("referrals:carer_change", args=[referral.pk, relationship.pk]),
            "remove_url": reverse("referrals:carer_remove", args=[referral.pk, relationship.pk]),
        }
        for relationship in care_relationships(referral)
    ]


def _unsaved(referral):
    rows = []
    for key, relationship, name in unsaved_carer_pages(referral):
        if relationship is None:
            url = reverse("referrals:carer_add", args=[referral.pk])
            title = name or "A new parent or carer"
        else:
            url = reverse("referrals:carer_change", args=[referral.pk, relationship.pk])
            title = relationship.carer.full_name
        rows.append({"key": key, "title": title, "url": url})
    return rows


# Where each of the list page's problems is fixed, for the error summary's links.
_PROBLEM_TARGETS = {"unsaved": "#unsaved-carers"}


def _problems(form):
    if form is None or not form.errors:
        return []
    return [
        {"text": message, "href": _PROBLEM_TARGETS.get(error.code, "#add-carer")}
        for error in form.non_field_errors().as_data()
        for message in error
    ]
