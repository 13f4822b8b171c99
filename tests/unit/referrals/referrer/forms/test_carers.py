"""Parents and carers: one carer's page (every answer, its messages, its save) and the list
page's "Save and continue"."""

import pytest
from crispy_forms.utils import render_crispy_form
from django.utils.datastructures import MultiValueDict

from patients.models import Carer, CareRelationship, ContactMethod, Relationship
from referrals import drafts
from referrals.referrer.forms.carers import (
    CONTACT_REQUIRED,
    UK_PHONE_MESSAGE,
    CarerForm,
    CarersDoneForm,
    is_mobile,
    is_uk_phone,
)
from tests.factories import CareRelationshipFactory, CarerFactory, ReferrerFactory

pytestmark = pytest.mark.django_db

VALID = {
    "given_name": "Parenttest",
    "family_name": "Example",
    "relationship": "mother",
    "relationship_other": "",
    "has_parental_responsibility": "yes",
    "lives_with_infant": "yes",
    "is_main_carer": "yes",
    "phone": "07700 900123",
    "email": "parenttest@example.org",
    "preferred_contact_method": "text",
    "interpreter_needed": "no",
    "first_language": "",
    "at_baby_address": "yes",
    "address_line_1": "",
    "address_line_2": "",
    "town": "",
    "postcode": "",
}


@pytest.fixture
def referral():
    return drafts.start_draft(by=ReferrerFactory())


def carer_form(referral, changing=None, **changes):
    return CarerForm(data={**VALID, **changes}, referral=referral, relationship=changing)


def errors_of(form):
    assert not form.is_valid()
    return form.errors


def add_carer(referral, **changes):
    form = carer_form(referral, **changes)
    assert form.is_valid(), form.errors
    return form.save()


def test_valid_carer_is_cleaned():
    form = carer_form(drafts.start_draft(by=ReferrerFactory()))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["phone"].as_e164 == "+447700900123"


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("given_name", "Enter the parent's or carer's first name"),
        ("family_name", "Enter the parent's or carer's last name"),
        ("relationship", "Select their relationship to the baby"),
        (
            "has_parental_responsibility",
            "Select yes if they have parental responsibility for the baby",
        ),
        ("lives_with_infant", "Select yes if they live with the baby"),
        ("is_main_carer", "Select yes if they are the baby's main carer"),
        ("preferred_contact_method", "Select how they would like the team to contact them"),
        ("interpreter_needed", "Select yes if they need an interpreter"),
        ("at_baby_address", "Select yes if they live at the baby's address"),
    ],
)
def test_each_required_answer_has_its_own_message(referral, field, message):
    assert errors_of(carer_form(referral, **{field: ""}))[field] == [message]


def test_a_blank_name_of_spaces_is_refused(referral):
    errors = errors_of(carer_form(referral, given_name="   "))
    assert errors["given_name"] == ["Enter the parent's or carer's first name"]


def test_a_too_long_name_says_how_long_it_may_be(referral):
    errors = errors_of(carer_form(referral, family_name="x" * 151))
    assert errors["family_name"] == ["Last name must be 150 characters or fewer"]


def test_an_unknown_relationship_is_refused(referral):
    errors = errors_of(carer_form(referral, relationship="uncle"))
    assert errors["relationship"] == ["Select their relationship to the baby"]


def test_other_relationship_needs_saying_what_it_is(referral):
    errors = errors_of(carer_form(referral, relationship="other"))
    assert errors["relationship_other"] == ["Enter their relationship to the baby"]


def test_other_relationship_text_is_ignored_for_a_listed_relationship(referral):
    form = carer_form(referral, relationship="father", relationship_other="Stepfather")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["relationship_other"] == ""


@pytest.mark.parametrize(
    "phone", ["07700 900123", "07700900999", "+44 7700 900123", "01698 754609", "(01698) 754 609"]
)
def test_uk_phone_numbers_are_accepted(referral, phone):
    form = carer_form(referral, phone=phone, preferred_contact_method="phone")
    assert form.is_valid(), form.errors


@pytest.mark.parametrize(
    "phone",
    ["0770090012", "07700 900 1234", "not a number", "+1 212 555 2368", "+33 6 12 34 56 78"],
)
def test_a_number_that_is_not_a_uk_phone_number_is_refused(referral, phone):
    errors = errors_of(carer_form(referral, phone=phone, preferred_contact_method="email"))
    assert errors["phone"] == [UK_PHONE_MESSAGE]


@pytest.mark.parametrize("email", ["parent", "parent@", "parent@example", "a b@example.org"])
def test_an_email_address_in_the_wrong_format_is_refused(referral, email):
    errors = errors_of(carer_form(referral, email=email))
    assert errors["email"] == [
        "Enter an email address in the correct format, like name@example.org"
    ]


def test_a_way_to_contact_them_is_needed_with_the_message_at_both(referral):
    errors = errors_of(carer_form(referral, phone="", email="", preferred_contact_method="letter"))
    assert errors["phone"] == [CONTACT_REQUIRED]
    assert errors["email"] == [CONTACT_REQUIRED]


def test_either_phone_or_email_is_enough(referral):
    assert carer_form(referral, phone="", preferred_contact_method="email").is_valid()
    assert carer_form(referral, email="", preferred_contact_method="phone").is_valid()


def test_contact_by_email_needs_an_email_address(referral):
    errors = errors_of(carer_form(referral, email="", preferred_contact_method="email"))
    assert errors["email"] == ["Enter an email address, or choose another way to contact them"]


@pytest.mark.parametrize("method", ["phone", "text"])
def test_contact_by_phone_or_text_needs_a_phone_number(referral, method):
    errors = errors_of(carer_form(referral, phone="", preferred_contact_method=method))
    assert errors["phone"] == ["Enter a phone number, or choose another way to contact them"]


def test_contact_by_text_needs_a_mobile_number(referral):
    errors = errors_of(carer_form(referral, phone="01698 754609", preferred_contact_method="text"))
    assert errors["phone"] == [
        "Enter a mobile phone number to contact them by text message, or choose another way "
        "to contact them"
    ]
    assert carer_form(referral, phone="01698 754609", preferred_contact_method="phone").is_valid()


def test_an_interpreter_needs_the_language(referral):
    errors = errors_of(carer_form(referral, interpreter_needed="yes"))
    assert errors["first_language"] == ["Enter the language they need an interpreter for"]


def test_the_language_is_ignored_without_an_interpreter(referral):
    form = carer_form(referral, interpreter_needed="no", first_language="Polish")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["first_language"] == ""


def test_an_address_is_needed_when_they_live_elsewhere(referral):
    errors = errors_of(carer_form(referral, at_baby_address="no"))
    assert errors["address_line_1"] == ["Enter the first line of their address"]
    assert errors["town"] == ["Enter their town or city"]
    assert errors["postcode"] == ["Enter their postcode"]
    assert "address_line_2" not in errors


def test_a_postcode_that_is_not_one_is_refused(referral):
    errors = errors_of(
        carer_form(
            referral,
            at_baby_address="no",
            address_line_1="1 Test Street",
            town="Testville",
            postcode="ML5",
        )
    )
    assert errors["postcode"] == ["Enter a real postcode, like ML5 3BJ"]


def test_a_hidden_address_is_ignored_even_when_it_is_wrong(referral):
    form = carer_form(referral, at_baby_address="yes", address_line_1="1 Test St", postcode="x")
    assert form.is_valid(), form.errors
    assert (form.cleaned_data["address_line_1"], form.cleaned_data["postcode"]) == ("", "")


@pytest.mark.parametrize("bound", [False, True])
def test_sometimes_required_questions_are_not_labelled_optional(referral, bound):
    form = carer_form(referral) if bound else CarerForm(referral=referral)
    if bound:
        assert form.is_valid(), form.errors
    html = render_crispy_form(form)
    assert "Address line 1 (optional)" not in html
    assert "Address line 2 (optional)" in html
    assert "Which language do they need an interpreter for? (optional)" not in html
    assert "Phone number (optional)" not in html
    assert "Email address (optional)" not in html


def test_a_new_carer_is_saved_with_their_relationship_to_the_baby(referral):
    relationship = add_carer(
        referral,
        relationship="other",
        relationship_other="Step-parent",
        has_parental_responsibility="no",
        lives_with_infant="no",
        is_main_carer="no",
        phone="+447700900124",
        preferred_contact_method="letter",
        interpreter_needed="yes",
        first_language="Polish",
        at_baby_address="no",
        address_line_1="1 Test Street",
        town="Testville",
        postcode="ml5 9zz",
    )

    relationship = CareRelationship.objects.select_related("carer").get(pk=relationship.pk)
    assert relationship.infant == referral.infant
    assert (relationship.relationship, relationship.relationship_other) == ("other", "Step-parent")
    assert not relationship.has_parental_responsibility
    assert not relationship.lives_with_infant
    assert not relationship.is_main_carer
    carer = relationship.carer
    assert (carer.given_name, carer.family_name) == ("Parenttest", "Example")
    assert carer.phone.as_national == "07700 900124"
    assert carer.preferred_contact_method == ContactMethod.LETTER
    assert (carer.interpreter_needed, carer.first_language) == (True, "Polish")
    assert (carer.address_line_1, carer.town, carer.postcode) == (
        "1 Test Street",
        "Testville",
        "ML5 9ZZ",
    )


def test_changing_a_carer_updates_them_in_place(referral):
    relationship = add_carer(
        referral,
        at_baby_address="no",
        address_line_1="1 Test Street",
        town="Testville",
        postcode="ML5 9ZZ",
    )
    relationship = CareRelationship.objects.select_related("carer").get(pk=relationship.pk)

    form = carer_form(referral, relationship, given_name="Changed", relationship="father")
    assert form.is_valid(), form.errors
    form.save()

    assert Carer.objects.count() == CareRelationship.objects.count() == 1
    relationship.refresh_from_db()
    relationship.carer.refresh_from_db()
    assert relationship.relationship == Relationship.FATHER
    assert relationship.carer.given_name == "Changed"
    assert relationship.carer.address_line_1 == ""  # lives at the baby's address now


def test_the_change_page_starts_from_the_saved_answers(referral):
    relationship = CareRelationshipFactory(
        infant=referral.infant,
        carer=CarerFactory(given_name="Jo", phone="+447700900125", town="Testville"),
        relationship=Relationship.KINSHIP_CARER,
        has_parental_responsibility=False,
        is_main_carer=True,
    )

    initial = CarerForm(referral=referral, relationship=relationship).initial

    assert initial["given_name"] == "Jo"
    assert initial["relationship"] == "kinship_carer"
    assert initial["has_parental_responsibility"] == "no"
    assert initial["is_main_carer"] == "yes"
    assert initial["phone"] == "07700 900125"
    assert initial["at_baby_address"] == "no"
    assert CarerForm(referral=referral).initial == {}


def test_only_one_main_carer_with_a_clear_message(referral):
    CareRelationshipFactory(
        infant=referral.infant, carer=CarerFactory(given_name="Jo", family_name="Example")
    )

    errors = errors_of(carer_form(referral, is_main_carer="yes"))

    assert errors["is_main_carer"] == [
        "Jo Example is already the baby's main carer. Select no, or change Jo Example's "
        "answer first"
    ]
    assert carer_form(referral, is_main_carer="no").is_valid()


def test_the_main_carer_may_keep_being_the_main_carer(referral):
    relationship = CareRelationshipFactory(infant=referral.infant, is_main_carer=True)
    assert carer_form(referral, relationship, is_main_carer="yes").is_valid()


def test_a_main_carer_of_another_baby_does_not_count(referral):
    CareRelationshipFactory(is_main_carer=True)
    assert carer_form(referral, is_main_carer="yes").is_valid()


def test_typed_answers_kept_as_a_draft_come_back_as_typed(referral):
    typed = MultiValueDict({**{k: [v] for k, v in VALID.items()}, "phone": ["0770"]})
    form = CarerForm(typed, referral=referral)
    assert not form.is_valid()
    assert 'value="0770"' in render_crispy_form(form)


@pytest.mark.parametrize(
    ("number", "uk", "mobile"),
    [
        ("07700 900123", True, True),
        ("01632 960123", True, False),
        ("01698 754609", True, False),
        ("07911 123456", True, True),
        ("+1 212 555 2368", False, False),
    ],
)
def test_uk_and_mobile_numbers(number, uk, mobile):
    from phonenumber_field.phonenumber import to_python

    parsed = to_python(number, region="GB")
    assert is_uk_phone(parsed) is uk
    assert is_mobile(parsed) is mobile


# The list page: "Save and continue" once the carers are added.


def test_done_needs_at_least_one_carer(referral):
    form = CarersDoneForm({}, referral=referral)
    assert not form.is_valid()
    assert form.non_field_errors() == ["Add the baby's parents or carers"]


def test_done_needs_someone_with_parental_responsibility(referral):
    CareRelationshipFactory(infant=referral.infant, has_parental_responsibility=False)
    form = CarersDoneForm({}, referral=referral)
    assert not form.is_valid()
    assert form.non_field_errors() == [
        "Add a parent or carer who has parental responsibility for the baby, or change the "
        "answer for one who has"
    ]


def test_done_with_a_parent_with_parental_responsibility(referral):
    CareRelationshipFactory(infant=referral.infant, has_parental_responsibility=False)
    CareRelationshipFactory(
        infant=referral.infant, has_parental_responsibility=True, is_main_carer=False
    )
    form = CarersDoneForm({}, referral=referral)
    assert form.is_valid(), form.errors
    form.save()  # writes nothing
    assert CarersDoneForm.initial_for(referral) == {}


def test_done_refused_while_a_carer_page_is_unsaved(referral):
    relationship = CareRelationshipFactory(infant=referral.infant)
    referral.section_drafts = {
        "carers:new": {"given_name": ["Sam"], "family_name": ["Example"]},
        f"carers:{relationship.pk}": {"given_name": [""]},
        "carers:999999": {"given_name": ["Removed since"]},
    }

    form = CarersDoneForm({}, referral=referral)

    assert not form.is_valid()
    name = relationship.carer.full_name
    assert sorted(form.non_field_errors()) == sorted(
        [
            "Finish adding Sam Example: save it, or cancel it",
            f"Finish changing {name}'s details: save it, or cancel it",
        ]
    )


def test_summary_has_a_row_per_carer(referral):
    CareRelationshipFactory(
        infant=referral.infant,
        carer=CarerFactory(
            given_name="Jo",
            family_name="Example",
            phone="+447700900126",
            email="jo@example.org",
            preferred_contact_method="email",
            interpreter_needed=True,
            first_language="Polish",
        ),
    )
    CareRelationshipFactory(
        infant=referral.infant,
        carer=CarerFactory(
            given_name="Sam",
            family_name="Example",
            phone="",
            address_line_1="1 Test Street",
            town="Testville",
            postcode="ML5 9ZZ",
        ),
        relationship=Relationship.OTHER,
        relationship_other="Step-parent",
        has_parental_responsibility=False,
        lives_with_infant=False,
        is_main_carer=False,
    )

    rows = CarersDoneForm.summary(referral)

    assert rows == [
        (
            "Jo Example",
            "Mother\nMain carer\nParental responsibility: Yes\nLives with the baby: Yes\n"
            "Phone: 07700 900126\nEmail: jo@example.org\nContact by: Email\n"
            "Interpreter: needed (Polish)\nAddress: Same as the baby",
        ),
        (
            "Sam Example",
            "Step-parent\nParental responsibility: No\nLives with the baby: No\n"
            "Phone: Not given\nEmail: sam@example.org\nContact by: Phone call\n"
            "Interpreter: not needed\nAddress: 1 Test Street, Testville, ML5 9ZZ",
        ),
    ]
    assert CarerForm.summary(referral) == rows


def test_summary_of_no_carers_is_empty(referral):
    assert CarersDoneForm.summary(referral) == []
