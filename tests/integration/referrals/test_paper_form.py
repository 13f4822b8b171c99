"""The blank paper Request for Assistance (referrals.blank_form): every question of every
section form, for referrers and the team, and as a standalone file for outages."""

import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils.html import escape

from referrals import blank_form
from referrals.models import Referral
from referrals.sections import SECTIONS
from tests.factories import ReferrerFactory, TeamMemberFactory
from tests.sign_in import sign_in

pytestmark = pytest.mark.django_db

URL = reverse("referrals:paper_form")


def every_field():
    """(section title, field name, label) for every question the screens ask, read from the
    forms as the screens build them (the safety form's agency rows exist only on an instance)."""
    for section in SECTIONS:
        form_class = section.questions
        form_fields = (
            form_class(referral=Referral(), initial={}).fields
            if form_class.layout is None
            else form_class.base_fields
        )
        for name, form_field in form_fields.items():
            yield section.title, name, str(form_field.label)


def test_the_blank_form_asks_every_question_of_every_section_once():
    paper = {section.title: section for section in blank_form.sections()}

    assert list(paper) == [section.title for section in SECTIONS]
    for title, name, label in every_field():
        asked = [q for q in paper[title].questions if q.name == name]
        assert len(asked) == 1, (title, name)
        assert asked[0].label == label
    assert sum(len(s.questions) for s in paper.values()) == len(list(every_field()))


def test_the_blank_form_keeps_choices_and_says_which_answer_asks_a_follow_up():
    paper = {section.title: section for section in blank_form.sections()}
    baby = {q.name: q for q in paper["About the baby"].questions}
    consent = {q.name: q for q in paper["Consent and the family's views"].questions}

    assert baby["sex"].kind == "choice"
    assert "Not known" in baby["sex"].choices
    assert baby["date_of_birth"].kind == "date"
    assert baby["additional_needs"].kind == "long"
    assert consent["appointment_places"].kind == "choices"
    assert consent["consent_given_by"].asked_when == "Answer if “Yes” above"


@pytest.mark.parametrize("who", [ReferrerFactory, TeamMemberFactory])
def test_referrers_and_the_team_can_print_the_blank_form(client, who):
    sign_in(client, who())

    page = client.get(URL).content.decode()

    for _title, name, label in every_field():
        assert f'data-question="{name}"' in page
        assert escape(label) in page
    assert "For the team: date received" in page


def test_the_blank_form_needs_signing_in(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_standalone_copy_asks_every_question_and_fetches_nothing(tmp_path):
    path = tmp_path / "paper-form.html"

    call_command("paper_form", str(path))

    html = path.read_text(encoding="utf-8")
    for _title, name, _label in every_field():
        assert f'data-question="{name}"' in html
    assert not re.search(r"<(link|script|img)\b", html)
    assert "01698 754609" in html
