"""Eligibility: every cell of the design's rule table, its boundaries and its messages.

Reference data (GP practices, full postcodes) is real rows in PostgreSQL, made by the factories.
Property-based tests are in test_eligibility_properties.py.
"""

import dataclasses
import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from imhs.models import AuditEvent
from patients.catchment import CATCHMENT
from patients.models import GPPractice, Postcode
from patients.reference_data import ReferenceFacts
from referrals.eligibility import (
    ACCEPTED_REFERRERS,
    INDICATOR_THRESHOLDS,
    RULES,
    ReferralFacts,
    assess,
)
from tests.factories import GPPracticeFactory, PostcodeFactory

pytestmark = pytest.mark.django_db

NHS_LANARKSHIRE = CATCHMENT.board_code

GREATER_GLASGOW = "S08000031"
LOTHIAN = "S08000024"
UNNAMED_BOARD = "S08000099"  # not a board in HEALTH_BOARD_NAMES: synthetic

LANARKSHIRE_PRACTICE = "99001"
OTHER_BOARD_PRACTICE = "99002"
INACTIVE_LANARKSHIRE_PRACTICE = "99003"
INACTIVE_OTHER_BOARD_PRACTICE = "99004"
UNNAMED_BOARD_PRACTICE = "99005"
UNKNOWN_PRACTICE = "99999"

HOME_POSTCODE = "ML5 9ZZ"  # in the table as Lanarkshire, and in an inside district
DOMAIN_KEYS = ("relationship", "emotional", "cognitive", "sense_of_self", "social_interaction")
PHONE = "01698 754609"


@pytest.fixture
def reference_data(db):
    GPPracticeFactory(code=LANARKSHIRE_PRACTICE, health_board_code=NHS_LANARKSHIRE)
    GPPracticeFactory(code=OTHER_BOARD_PRACTICE, health_board_code=GREATER_GLASGOW)
    GPPracticeFactory(
        code=INACTIVE_LANARKSHIRE_PRACTICE, health_board_code=NHS_LANARKSHIRE, active=False
    )
    GPPracticeFactory(
        code=INACTIVE_OTHER_BOARD_PRACTICE, health_board_code=GREATER_GLASGOW, active=False
    )
    GPPracticeFactory(code=UNNAMED_BOARD_PRACTICE, health_board_code=UNNAMED_BOARD)
    PostcodeFactory(postcode=HOME_POSTCODE, health_board_code=NHS_LANARKSHIRE)
    # The full-postcode table overriding the district rule, both ways, and deciding straddlers.
    PostcodeFactory(
        postcode="ML5 1ZZ", health_board_code=GREATER_GLASGOW, council_area_code="S12000049"
    )
    PostcodeFactory(postcode="G1 1ZZ", health_board_code=NHS_LANARKSHIRE)
    PostcodeFactory(postcode="G69 1ZZ", health_board_code=NHS_LANARKSHIRE)
    PostcodeFactory(
        postcode="G69 2ZZ", health_board_code=GREATER_GLASGOW, council_area_code="S12000049"
    )
    PostcodeFactory(postcode="EH47 1ZZ", health_board_code=LOTHIAN, council_area_code="S12000040")
    PostcodeFactory(postcode="ML5 2ZZ", health_board_code=UNNAMED_BOARD)


def counts(*values):
    """Indicator counts in domain order: counts(5, 5, 5, 0, 0)."""
    return dict(zip(DOMAIN_KEYS, values, strict=True))


def eligible_facts(**changes):
    """A referral that meets every rule; `changes` vary one fact at a time."""
    facts = ReferralFacts(
        date_of_birth=datetime.date(2025, 2, 14),
        referral_date=datetime.date(2026, 11, 22),
        postcode=HOME_POSTCODE,
        gp_practice_code=LANARKSHIRE_PRACTICE,
        referrer_type="health_visitor",
        discussed_with_health_visitor=None,
        lives_with="parents",
        indicator_counts=counts(5, 5, 5, 0, 0),
        consent_given=True,
    )
    return dataclasses.replace(facts, **changes)


def check_for(rule, **changes):
    return assess(eligible_facts(**changes)).check(rule)


# --- the baseline and the overall outcome ---------------------------------------------------


def test_assess_baseline_facts_are_eligible(reference_data):
    result = assess(eligible_facts())

    assert result.outcome == "eligible"
    assert [check.outcome for check in result.checks] == ["pass"] * len(RULES)


def test_assess_checks_one_per_rule_in_rules_order(reference_data):
    result = assess(eligible_facts())

    assert [check.rule for check in result.checks] == list(RULES)
    assert RULES == (
        "age",
        "residence",
        "gp_practice",
        "referrer_type",
        "living_arrangement",
        "indicator_threshold",
        "consent",
    )


def test_assess_one_review_gives_needs_review(reference_data):
    result = assess(eligible_facts(lives_with="foster_carers"))

    assert result.check("living_arrangement").outcome == "review"
    assert result.outcome == "needs_review"


def test_assess_one_fail_gives_ineligible(reference_data):
    result = assess(eligible_facts(consent_given=False))

    assert result.outcome == "ineligible"


def test_assess_fail_outweighs_reviews(reference_data):
    result = assess(
        eligible_facts(lives_with="other", postcode=None, referrer_type="other", consent_given=None)
    )

    outcomes = [check.outcome for check in result.checks]
    assert outcomes.count("review") == 3
    assert outcomes.count("fail") == 1
    assert result.outcome == "ineligible"


def test_assess_no_facts_at_all_is_needs_review_saying_what_is_still_needed(db):
    result = assess(ReferralFacts(gp_registration=""))

    assert result.outcome == "needs_review"
    for check in result.checks:
        assert check.outcome == "review"
        assert check.message.startswith("Still needed:")


def test_assess_all_none_reads_missing_practice_as_not_registered(db):
    # ADR 0004: with no gp_registration answer, a None practice code means "not registered".
    result = assess(ReferralFacts())

    assert result.check("gp_practice").outcome == "fail"
    assert result.outcome == "ineligible"
    assert all(c.outcome == "review" for c in result.checks if c.rule != "gp_practice")


def test_check_unknown_rule_raises_key_error(reference_data):
    result = assess(eligible_facts())

    with pytest.raises(KeyError, match="nope"):
        result.check("nope")


def test_as_dict_round_trips_through_json(reference_data):
    result = assess(eligible_facts(lives_with="other"))

    data = json.loads(json.dumps(result.as_dict()))

    assert data["outcome"] == "needs_review"
    assert data["third_birthday"] == "2028-02-14"
    assert [check["rule"] for check in data["checks"]] == list(RULES)
    assert data["checks"][4] == {
        "rule": "living_arrangement",
        "outcome": "review",
        "message": result.check("living_arrangement").message,
    }
    assert set(data) == {"outcome", "third_birthday", "checks"}


def test_as_dict_without_date_of_birth_has_null_third_birthday(reference_data):
    result = assess(eligible_facts(date_of_birth=None))

    data = json.loads(json.dumps(result.as_dict()))

    assert result.third_birthday is None
    assert data["third_birthday"] is None
    assert data["outcome"] == "needs_review"


# --- reads reference data with at most two queries, writes nothing ---------------------------


def test_assess_full_facts_at_most_two_queries(reference_data, django_assert_max_num_queries):
    facts = eligible_facts()

    with django_assert_max_num_queries(2):
        assess(facts)


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"postcode": "G69 9ZZ", "gp_practice_code": UNKNOWN_PRACTICE},
        {"postcode": "ML5 1ZZ", "gp_practice_code": OTHER_BOARD_PRACTICE},
        {"postcode": "KA1 9ZZ", "gp_practice_code": INACTIVE_LANARKSHIRE_PRACTICE},
    ],
)
def test_assess_only_selects_and_writes_nothing(reference_data, changes):
    before = (GPPractice.objects.count(), Postcode.objects.count(), AuditEvent.objects.count())
    facts = eligible_facts(**changes)

    with CaptureQueriesContext(connection) as queries:
        assess(facts)

    assert 1 <= len(queries) <= 2
    assert all(q["sql"].lstrip().upper().startswith("SELECT") for q in queries.captured_queries)
    after = (GPPractice.objects.count(), Postcode.objects.count(), AuditEvent.objects.count())
    assert after == before


# --- age ------------------------------------------------------------------------------------


def test_age_under_three_passes_naming_the_third_birthday(reference_data):
    result = assess(eligible_facts())

    assert result.check("age").outcome == "pass"
    assert "14 February 2028" in result.check("age").message
    assert "21 months old" in result.check("age").message
    assert result.third_birthday == datetime.date(2028, 2, 14)


def test_age_born_on_the_referral_date_passes(reference_data):
    day = datetime.date(2026, 11, 22)

    check = check_for("age", date_of_birth=day, referral_date=day)

    assert check.outcome == "pass"
    assert "0 months old" in check.message
    assert "22 November 2029" in check.message


def test_age_one_month_is_singular(reference_data):
    check = check_for(
        "age", date_of_birth=datetime.date(2026, 10, 22), referral_date=datetime.date(2026, 11, 22)
    )

    assert check.outcome == "pass"
    assert "1 month old" in check.message


def test_age_day_before_third_birthday_passes(reference_data):
    check = check_for("age", referral_date=datetime.date(2028, 2, 13))

    assert check.outcome == "pass"
    assert "14 February 2028" in check.message


def test_age_on_third_birthday_fails_naming_the_date_and_camhs(reference_data):
    result = assess(eligible_facts(referral_date=datetime.date(2028, 2, 14)))

    check = result.check("age")
    assert check.outcome == "fail"
    assert "14 February 2028" in check.message
    assert "CAMHS" in check.message
    assert "Health Visitor can refer" in check.message
    assert "GP" in check.message
    assert result.outcome == "ineligible"


def test_age_well_over_three_fails(reference_data):
    check = check_for("age", date_of_birth=datetime.date(2021, 6, 1))

    assert check.outcome == "fail"
    assert "1 June 2024" in check.message
    assert "CAMHS" in check.message


@pytest.mark.parametrize(
    ("referral_date", "outcome"),
    [
        (datetime.date(2024, 2, 29), "pass"),  # born today, on a leap day
        (datetime.date(2027, 2, 28), "pass"),  # the day before the legal 3rd birthday
        (datetime.date(2027, 3, 1), "fail"),  # 1 March in a non-leap year (1991 Act, s.6)
    ],
)
def test_age_born_29_february_third_birthday_is_1_march(reference_data, referral_date, outcome):
    result = assess(
        eligible_facts(date_of_birth=datetime.date(2024, 2, 29), referral_date=referral_date)
    )

    assert result.third_birthday == datetime.date(2027, 3, 1)
    assert result.check("age").outcome == outcome
    assert "1 March 2027" in result.check("age").message


def test_age_born_29_february_in_a_later_leap_year(reference_data):
    result = assess(
        eligible_facts(
            date_of_birth=datetime.date(2028, 2, 29), referral_date=datetime.date(2031, 2, 28)
        )
    )

    assert result.third_birthday == datetime.date(2031, 3, 1)
    assert result.check("age").outcome == "pass"


@pytest.mark.parametrize(
    ("date_of_birth", "third_birthday", "outcome"),
    [
        # Born in a non-leap year; the 3rd birthday falls in a leap year (2028).
        (datetime.date(2025, 2, 28), datetime.date(2028, 2, 28), "fail"),
        (datetime.date(2025, 3, 1), datetime.date(2028, 3, 1), "pass"),
    ],
)
def test_age_referred_on_29_february_of_a_leap_year(
    reference_data, date_of_birth, third_birthday, outcome
):
    result = assess(
        eligible_facts(date_of_birth=date_of_birth, referral_date=datetime.date(2028, 2, 29))
    )

    assert result.third_birthday == third_birthday
    assert result.check("age").outcome == outcome


@pytest.mark.parametrize("days_ahead", [1, 400])
def test_age_date_of_birth_in_the_future_fails(reference_data, days_ahead):
    referral_date = datetime.date(2026, 11, 22)
    date_of_birth = referral_date + datetime.timedelta(days=days_ahead)

    check = check_for("age", date_of_birth=date_of_birth, referral_date=referral_date)

    assert check.outcome == "fail"
    assert "not born yet" in check.message
    assert f"{date_of_birth.day} {date_of_birth:%B %Y}" in check.message
    assert "Perinatal Mental Health Team" in check.message  # what to do instead


def test_age_missing_date_of_birth_is_review_still_needed(reference_data):
    result = assess(eligible_facts(date_of_birth=None))

    assert result.check("age").outcome == "review"
    assert result.check("age").message == "Still needed: the baby's date of birth."
    assert result.outcome == "needs_review"


def test_age_missing_referral_date_is_review_still_needed(reference_data):
    result = assess(eligible_facts(referral_date=None))

    assert result.check("age").outcome == "review"
    assert result.check("age").message.startswith("Still needed: the date of the referral")
    assert result.third_birthday == datetime.date(2028, 2, 14)


# --- residence ------------------------------------------------------------------------------


def test_residence_table_lanarkshire_passes(reference_data):
    check = check_for("residence", postcode=HOME_POSTCODE)

    assert check.outcome == "pass"
    assert "ML5 9ZZ is in NHS Lanarkshire" in check.message


def test_residence_table_lanarkshire_overrides_outside_district(reference_data):
    check = check_for("residence", postcode="G1 1ZZ")

    assert check.outcome == "pass"


def test_residence_table_other_board_overrides_inside_district(reference_data):
    check = check_for("residence", postcode="ML5 1ZZ")

    assert check.outcome == "fail"
    assert "NHS Greater Glasgow and Clyde" in check.message
    assert "own health board" in check.message
    assert "infant mental health service" in check.message


def test_residence_table_record_found_from_unnormalised_input(reference_data):
    check = check_for("residence", postcode="  ml51zz ")

    assert check.outcome == "fail"
    assert "ML5 1ZZ" in check.message


@pytest.mark.parametrize(("postcode", "outcome"), [("G69 1ZZ", "pass"), ("G69 2ZZ", "fail")])
def test_residence_table_decides_straddling_district(reference_data, postcode, outcome):
    check = check_for("residence", postcode=postcode)

    assert check.outcome == outcome


def test_residence_table_other_named_board_fails_naming_it(reference_data):
    check = check_for("residence", postcode="EH47 1ZZ")

    assert check.outcome == "fail"
    assert "NHS Lothian" in check.message
    assert "own health board" in check.message


def test_residence_table_board_without_a_name_fails_with_its_code(reference_data):
    check = check_for("residence", postcode="ML5 2ZZ")

    assert check.outcome == "fail"
    assert UNNAMED_BOARD in check.message


@pytest.mark.parametrize("district", sorted(CATCHMENT.districts_straddling))
def test_residence_straddling_district_without_record_is_review(reference_data, district):
    check = check_for("residence", postcode=f"{district} 9ZZ")

    assert check.outcome == "review"
    assert district in check.message
    assert "The team will check the address" in check.message


@pytest.mark.parametrize("district", sorted(CATCHMENT.districts_inside))
def test_residence_inside_district_without_record_passes(reference_data, district):
    check = check_for("residence", postcode=f"{district} 9ZZ")

    assert check.outcome == "pass"
    assert district in check.message


@pytest.mark.parametrize(
    "postcode",
    [
        "G1 9ZZ",
        "G7 9ZZ",  # a prefix of G71..G76 is not one of them
        "G70 9ZZ",
        "ML13 9ZZ",  # ML1 is inside; ML13 is not listed
        "EH1 9ZZ",
        "KA1 9ZZ",
        "SW1A 1AA",
        "GIR 0AA",
    ],
)
def test_residence_outside_district_without_record_fails(reference_data, postcode):
    check = check_for("residence", postcode=postcode)

    assert check.outcome == "fail"
    assert "not in Lanarkshire" in check.message
    assert "own health board" in check.message


@pytest.mark.parametrize("postcode", [None, "", "   "])
def test_residence_missing_postcode_is_review_still_needed(reference_data, postcode):
    check = check_for("residence", postcode=postcode)

    assert check.outcome == "review"
    assert check.message == "Still needed: the postcode of the baby's home."


@pytest.mark.parametrize("postcode", ["not a postcode", "ML5", "ML5 3CJ", "12345", "ML5-9ZZ"])
def test_residence_unparseable_postcode_is_review(reference_data, postcode):
    check = check_for("residence", postcode=postcode)

    assert check.outcome == "review"
    assert "does not look like a UK postcode" in check.message
    assert "The team will confirm" in check.message


# --- gp_practice ----------------------------------------------------------------------------


def test_gp_practice_active_lanarkshire_passes(reference_data):
    check = check_for("gp_practice")

    assert check.outcome == "pass"


def test_gp_practice_code_with_spaces_is_stripped(reference_data):
    check = check_for("gp_practice", gp_practice_code=f" {LANARKSHIRE_PRACTICE} ")

    assert check.outcome == "pass"


def test_gp_practice_other_board_fails_naming_it(reference_data):
    check = check_for("gp_practice", gp_practice_code=OTHER_BOARD_PRACTICE)

    assert check.outcome == "fail"
    assert "NHS Greater Glasgow and Clyde" in check.message
    assert "own health board can help instead" in check.message


def test_gp_practice_board_without_a_name_fails_with_its_code(reference_data):
    check = check_for("gp_practice", gp_practice_code=UNNAMED_BOARD_PRACTICE)

    assert check.outcome == "fail"
    assert UNNAMED_BOARD in check.message


def test_gp_practice_unknown_code_is_review(reference_data):
    check = check_for("gp_practice", gp_practice_code=UNKNOWN_PRACTICE)

    assert check.outcome == "review"
    assert UNKNOWN_PRACTICE in check.message
    assert "The team will check" in check.message


@pytest.mark.parametrize("code", [INACTIVE_LANARKSHIRE_PRACTICE, INACTIVE_OTHER_BOARD_PRACTICE])
def test_gp_practice_inactive_is_review(reference_data, code):
    check = check_for("gp_practice", gp_practice_code=code)

    assert check.outcome == "review"
    assert code in check.message
    assert "closed or merged" in check.message
    assert "The team will check" in check.message


def test_gp_practice_none_is_not_registered_fail(reference_data):
    check = check_for("gp_practice", gp_practice_code=None)

    assert check.outcome == "fail"
    assert "not registered with a GP" in check.message
    assert "help the family register" in check.message


def test_gp_practice_answer_not_registered_fails(reference_data):
    check = check_for("gp_practice", gp_practice_code=None, gp_registration="not_registered")

    assert check.outcome == "fail"
    assert "not registered with a GP" in check.message


def test_gp_practice_answer_listed_passes(reference_data):
    check = check_for("gp_practice", gp_registration="listed")

    assert check.outcome == "pass"


def test_gp_practice_answer_not_listed_is_review(reference_data):
    check = check_for("gp_practice", gp_practice_code=None, gp_registration="not_listed")

    assert check.outcome == "review"
    assert "not in our list" in check.message
    assert "The team will check" in check.message


def test_gp_practice_answer_blank_is_review_still_needed(reference_data):
    check = check_for("gp_practice", gp_practice_code=None, gp_registration="")

    assert check.outcome == "review"
    assert check.message == "Still needed: the baby's GP practice."


def test_gp_practice_answer_listed_without_code_is_review_still_needed(reference_data):
    check = check_for("gp_practice", gp_practice_code=None, gp_registration="listed")

    assert check.outcome == "review"
    assert check.message.startswith("Still needed:")


def test_gp_practice_blank_code_is_review_still_needed(reference_data):
    check = check_for("gp_practice", gp_practice_code="  ")

    assert check.outcome == "review"
    assert check.message.startswith("Still needed:")


# --- referrer_type --------------------------------------------------------------------------


@pytest.mark.parametrize("referrer_type", sorted(ACCEPTED_REFERRERS - {"nursery"}))
def test_referrer_type_accepted_passes(reference_data, referrer_type):
    check = check_for("referrer_type", referrer_type=referrer_type)

    assert check.outcome == "pass"


def test_referrer_type_accepted_set_is_the_designs():
    assert {"health_visitor", "family_nurse", "nursery", "mnpi", "pmht"} == ACCEPTED_REFERRERS


def test_referrer_type_nursery_discussed_passes(reference_data):
    check = check_for("referrer_type", referrer_type="nursery", discussed_with_health_visitor=True)

    assert check.outcome == "pass"


def test_referrer_type_nursery_not_discussed_is_review(reference_data):
    check = check_for("referrer_type", referrer_type="nursery", discussed_with_health_visitor=False)

    assert check.outcome == "review"
    assert "Health Visitor or Family Nurse" in check.message
    assert "The team will contact them" in check.message


def test_referrer_type_nursery_discussion_unanswered_is_review_still_needed(reference_data):
    check = check_for("referrer_type", referrer_type="nursery", discussed_with_health_visitor=None)

    assert check.outcome == "review"
    assert check.message.startswith("Still needed:")


def test_referrer_type_other_fails_signposting_health_visitor(reference_data):
    result = assess(eligible_facts(referrer_type="other"))

    check = result.check("referrer_type")
    assert check.outcome == "fail"
    assert "Ask the family's Health Visitor or Family Nurse" in check.message
    assert result.outcome == "ineligible"


def test_referrer_type_missing_is_review_still_needed(reference_data):
    check = check_for("referrer_type", referrer_type=None)

    assert check.outcome == "review"
    assert check.message == "Still needed: who is making the referral."


def test_referrer_type_unknown_value_raises_value_error(reference_data):
    with pytest.raises(ValueError, match="social_worker"):
        assess(eligible_facts(referrer_type="social_worker"))


# --- living_arrangement ---------------------------------------------------------------------


@pytest.mark.parametrize("lives_with", ["parents", "kinship_carers"])
def test_living_arrangement_parents_or_kinship_passes(reference_data, lives_with):
    check = check_for("living_arrangement", lives_with=lives_with)

    assert check.outcome == "pass"


@pytest.mark.parametrize("lives_with", ["foster_carers", "other"])
def test_living_arrangement_foster_or_other_is_review(reference_data, lives_with):
    check = check_for("living_arrangement", lives_with=lives_with)

    assert check.outcome == "review"
    assert "The team will look at" in check.message


def test_living_arrangement_missing_is_review_still_needed(reference_data):
    check = check_for("living_arrangement", lives_with=None)

    assert check.outcome == "review"
    assert check.message == "Still needed: who the baby lives with."


def test_living_arrangement_unknown_value_raises_value_error(reference_data):
    with pytest.raises(ValueError, match="grandparents"):
        assess(eligible_facts(lives_with="grandparents"))


# --- indicator_threshold --------------------------------------------------------------------


def test_indicator_thresholds_are_the_designs():
    assert tuple(INDICATOR_THRESHOLDS) == ((5, 3), (4, 4), (3, 5))


@pytest.mark.parametrize(
    ("values", "described"),
    [
        ((5, 5, 5, 0, 0), "5 or more indicators in each of 3 or more domains"),
        ((0, 0, 5, 5, 5), "5 or more indicators in each of 3 or more domains"),
        ((4, 4, 4, 4, 0), "4 or more indicators in each of 4 or more domains"),
        ((0, 4, 4, 4, 4), "4 or more indicators in each of 4 or more domains"),
        ((5, 5, 4, 4, 0), "4 or more indicators in each of 4 or more domains"),
        ((3, 3, 3, 3, 3), "3 or more indicators in each of all 5 domains"),
        ((5, 5, 3, 3, 3), "3 or more indicators in each of all 5 domains"),
        ((8, 8, 8, 8, 8), "5 or more indicators in each of 3 or more domains"),
    ],
)
def test_indicator_threshold_met_exactly_passes(reference_data, values, described):
    check = check_for("indicator_threshold", indicator_counts=counts(*values))

    assert check.outcome == "pass"
    assert described in check.message


@pytest.mark.parametrize(
    ("values", "short_domain", "described"),
    [
        # (5, 3) missed by one indicator
        ((5, 5, 4, 0, 0), "cognitive", "5 or more indicators in each of 3 or more domains"),
        ((4, 0, 5, 0, 5), "relationship with main carer", "5 or more indicators in each of 3"),
        ((6, 6, 4, 0, 0), "cognitive", "5 or more indicators in each of 3 or more domains"),
        # (4, 4) missed by one indicator
        ((4, 4, 4, 3, 0), "sense of self", "4 or more indicators in each of 4 or more domains"),
        ((4, 4, 4, 3, 2), "sense of self", "4 or more indicators in each of 4 or more domains"),
        ((0, 4, 3, 4, 4), "cognitive", "4 or more indicators in each of 4 or more domains"),
        # (3, 5) missed by one indicator, in each domain in turn
        ((2, 3, 3, 3, 3), "relationship with main carer", "3 or more indicators in each of all 5"),
        ((3, 2, 3, 3, 3), "emotional", "3 or more indicators in each of all 5 domains"),
        ((3, 3, 2, 3, 3), "cognitive", "3 or more indicators in each of all 5 domains"),
        ((3, 3, 3, 2, 3), "sense of self", "3 or more indicators in each of all 5 domains"),
        ((3, 3, 3, 3, 2), "social interaction", "3 or more indicators in each of all 5 domains"),
    ],
)
def test_indicator_threshold_one_short_is_review_offering_consultation(
    reference_data, values, short_domain, described
):
    result = assess(eligible_facts(indicator_counts=counts(*values)))

    check = result.check("indicator_threshold")
    assert check.outcome == "review"
    assert check.message.startswith("Close to the threshold")
    assert f"one more indicator in {short_domain} would meet" in check.message
    assert described in check.message
    assert "consultation" in check.message
    assert result.outcome == "needs_review"


@pytest.mark.parametrize(
    "values",
    [
        (0, 0, 0, 0, 0),
        (2, 2, 2, 2, 2),  # +1 anywhere gives only one domain at 3
        (3, 3, 3, 3, 0),  # four at 3: the fifth needs 3 more
        (3, 3, 3, 2, 2),  # two domains short of (3, 5)
        (4, 4, 4, 0, 0),  # three at 4: the fourth needs 4 more
        (4, 4, 4, 2, 2),  # a fourth domain needs 2 more for (4, 4)
        (5, 5, 0, 0, 0),
        (5, 5, 3, 3, 0),  # +1 on a 3 gives (5, 5, 4, 3, 0): still only three at 4
        (5, 5, 3, 2, 2),
        (8, 8, 0, 0, 0),
        (4, 4, 3, 3, 0),  # near-looking but two indicators short of (4, 4)
    ],
)
def test_indicator_threshold_clear_miss_fails_giving_the_team_phone(reference_data, values):
    result = assess(eligible_facts(indicator_counts=counts(*values)))

    check = result.check("indicator_threshold")
    assert check.outcome == "fail"
    assert PHONE in check.message
    assert "Health Visitor can phone the team" in check.message
    assert result.outcome == "ineligible"


def test_indicator_threshold_counts_missing_is_review_still_needed(reference_data):
    check = check_for("indicator_threshold", indicator_counts=None)

    assert check.outcome == "review"
    assert check.message.startswith("Still needed:")


def test_indicator_threshold_empty_counts_is_review_naming_every_domain(reference_data):
    check = check_for("indicator_threshold", indicator_counts={})

    assert check.outcome == "review"
    assert check.message == (
        "Still needed: the number of indicators for relationship with main carer, emotional, "
        "cognitive, sense of self and social interaction."
    )


def test_indicator_threshold_missing_domains_not_yet_met_is_review_naming_them(reference_data):
    check = check_for(
        "indicator_threshold", indicator_counts={"relationship": 5, "emotional": 5, "cognitive": 4}
    )

    assert check.outcome == "review"
    assert check.message == (
        "Still needed: the number of indicators for sense of self and social interaction."
    )


def test_indicator_threshold_none_count_is_treated_as_missing(reference_data):
    check = check_for(
        "indicator_threshold", indicator_counts={**counts(3, 3, 3, 3, 0), "emotional": None}
    )

    assert check.outcome == "review"
    assert check.message == "Still needed: the number of indicators for emotional."


def test_indicator_threshold_missing_domains_already_met_passes(reference_data):
    check = check_for(
        "indicator_threshold", indicator_counts={"relationship": 5, "emotional": 6, "cognitive": 5}
    )

    assert check.outcome == "pass"


def test_indicator_threshold_unknown_domain_raises_value_error(reference_data):
    with pytest.raises(ValueError, match="attachment"):
        assess(eligible_facts(indicator_counts={**counts(5, 5, 5, 0, 0), "attachment": 1}))


def test_indicator_threshold_negative_count_raises_value_error(reference_data):
    with pytest.raises(ValueError, match="negative"):
        assess(eligible_facts(indicator_counts=counts(5, 5, 5, 0, -1)))


@pytest.mark.parametrize("bad", ["3", 3.0, True])
def test_indicator_threshold_non_integer_count_raises_value_error(reference_data, bad):
    with pytest.raises(ValueError, match="whole number"):
        assess(eligible_facts(indicator_counts={**counts(5, 5, 5, 0, 0), "cognitive": bad}))


# --- consent --------------------------------------------------------------------------------


def test_consent_given_passes(reference_data):
    assert check_for("consent", consent_given=True).outcome == "pass"


def test_consent_refused_fails_saying_what_to_do(reference_data):
    check = check_for("consent", consent_given=False)

    assert check.outcome == "fail"
    assert "Talk it through with the family" in check.message
    assert PHONE in check.message


def test_consent_missing_is_review_still_needed(reference_data):
    check = check_for("consent", consent_given=None)

    assert check.outcome == "review"
    assert check.message.startswith("Still needed:")


# --- every fail says what to do instead -----------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "changes", "signpost"),
    [
        ("age", {"referral_date": datetime.date(2028, 3, 1)}, "CAMHS"),
        ("age", {"date_of_birth": datetime.date(2027, 1, 1)}, "Perinatal Mental Health Team"),
        ("residence", {"postcode": "KA1 9ZZ"}, "own health board"),
        ("residence", {"postcode": "ML5 1ZZ"}, "own health board"),
        ("gp_practice", {"gp_practice_code": OTHER_BOARD_PRACTICE}, "own health board"),
        ("gp_practice", {"gp_practice_code": None}, "help the family register"),
        ("referrer_type", {"referrer_type": "other"}, "Health Visitor or Family Nurse"),
        ("indicator_threshold", {"indicator_counts": counts(1, 1, 1, 1, 1)}, PHONE),
        ("consent", {"consent_given": False}, PHONE),
    ],
)
def test_every_fail_says_what_to_do_instead(reference_data, rule, changes, signpost):
    result = assess(eligible_facts(**changes))

    assert [c.rule for c in result.checks if c.outcome == "fail"] == [rule]
    assert signpost in result.check(rule).message
    assert result.outcome == "ineligible"


def test_age_message_for_a_leap_day_baby_counts_months_to_the_legal_birthday(reference_data):
    facts = eligible_facts(
        date_of_birth=datetime.date(2024, 2, 29), referral_date=datetime.date(2027, 2, 28)
    )

    check = assess(facts).check("age")

    assert check.outcome == "pass"
    assert check.message.startswith("The baby is 35 months old.")
    assert "1 March 2027" in check.message


def test_assess_reads_only_through_the_lookup_it_is_given(django_assert_num_queries):
    # Pure: what it reads is handed to it, so a lookup without a database gives the same rules.
    asked = []

    def lookup(*, postcode, practice_code):
        asked.append((postcode, practice_code))
        return ReferenceFacts(postcode_board=NHS_LANARKSHIRE, practice=(NHS_LANARKSHIRE, True))

    with django_assert_num_queries(0):
        result = assess(eligible_facts(postcode="ml5 9zz"), lookup=lookup)

    assert asked == [("ML5 9ZZ", LANARKSHIRE_PRACTICE)]
    assert result.outcome == "eligible"


def test_no_query_when_neither_postcode_nor_practice_is_known(
    reference_data, django_assert_num_queries
):
    facts = eligible_facts(postcode=None, gp_practice_code=None, gp_registration="")
    with django_assert_num_queries(0):
        result = assess(facts)
    assert result.check("residence").outcome == "review"


def test_date_of_birth_mistyped_centuries_ahead_fails_as_not_yet_born(reference_data):
    facts = eligible_facts(date_of_birth=datetime.date(9999, 12, 31))

    result = assess(facts)

    assert result.check("age").outcome == "fail"
    assert "not born yet" in result.check("age").message
    assert result.third_birthday is None
