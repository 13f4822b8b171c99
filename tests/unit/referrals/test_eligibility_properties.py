"""Eligibility properties: over every combination of valid values and missing facts.

The reference rows are made once per test and only read by `assess`, so sharing them across
Hypothesis examples is safe (hence the function-scoped fixture health check is suppressed).
"""

import datetime
import itertools
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from imhs.models import AuditEvent
from patients.catchment import CATCHMENT
from patients.models import GPPractice, Postcode
from referrals.eligibility import (
    DOMAINS,
    INDICATOR_THRESHOLDS,
    REFERRER_TYPES,
    RULES,
    ReferralFacts,
    assess,
)
from tests.factories import GPPracticeFactory, PostcodeFactory

pytestmark = pytest.mark.django_db

GREATER_GLASGOW = "S08000031"

PROPERTY_SETTINGS = settings(
    suppress_health_check=[HealthCheck.function_scoped_fixture],
    max_examples=200,
    deadline=None,
    database=None,
)

POSTCODES = [
    "ML5 9ZZ",  # table: Lanarkshire, inside district
    "ml5 9zz",
    "ML5 1ZZ",  # table: Greater Glasgow, inside district
    "G1 1ZZ",  # table: Lanarkshire, outside district
    "G69 1ZZ",  # table: Lanarkshire, straddling district
    "ML3 9ZZ",  # no record, inside
    "G69 9ZZ",  # no record, straddling
    "EH47 9ZZ",
    "G1 9ZZ",  # no record, outside
    "KA1 9ZZ",
    "GIR 0AA",
    "not a postcode",
    "ML5",
    "",
    "   ",
]
PRACTICE_CODES = ["99001", "99002", "99003", "99004", "99999", " 99001 ", ""]


@pytest.fixture
def reference_data(db):
    GPPracticeFactory(code="99001", health_board_code=CATCHMENT.board_code)
    GPPracticeFactory(code="99002", health_board_code=GREATER_GLASGOW)
    GPPracticeFactory(code="99003", health_board_code=CATCHMENT.board_code, active=False)
    GPPracticeFactory(code="99004", health_board_code=GREATER_GLASGOW, active=False)
    PostcodeFactory(postcode="ML5 9ZZ", health_board_code=CATCHMENT.board_code)
    PostcodeFactory(postcode="ML5 1ZZ", health_board_code=GREATER_GLASGOW)
    PostcodeFactory(postcode="G1 1ZZ", health_board_code=CATCHMENT.board_code)
    PostcodeFactory(postcode="G69 1ZZ", health_board_code=CATCHMENT.board_code)


def optional(strategy):
    return st.none() | strategy


dates = optional(
    st.dates(min_value=datetime.date(2015, 1, 1), max_value=datetime.date(2035, 12, 31))
)
indicator_counts = optional(
    st.dictionaries(
        keys=st.sampled_from(sorted(DOMAINS)),
        values=optional(st.integers(min_value=0, max_value=8)),
    )
)
facts_strategy = st.builds(
    ReferralFacts,
    date_of_birth=dates,
    referral_date=dates,
    postcode=optional(st.sampled_from(POSTCODES) | st.text(max_size=10)),
    gp_practice_code=optional(st.sampled_from(PRACTICE_CODES)),
    referrer_type=optional(st.sampled_from(sorted(REFERRER_TYPES))),
    discussed_with_health_visitor=optional(st.booleans()),
    lives_with=optional(st.sampled_from(["parents", "kinship_carers", "foster_carers", "other"])),
    indicator_counts=indicator_counts,
    consent_given=optional(st.booleans()),
    gp_registration=st.sampled_from([None, "listed", "not_listed", "not_registered", ""]),
)

# What every fail tells the referrer to do instead.
SIGNPOSTS = (
    "can help",
    "can refer",
    "help the family register",
    "Ask the family's",
    "phone the team",
)


def expected_outcome(check_outcomes):
    if "fail" in check_outcomes:
        return "ineligible"
    if "review" in check_outcomes:
        return "needs_review"
    return "eligible"


def threshold_met(values):
    """An independent statement of the rule: at least N in each of at least M domains."""
    return any(
        sum(1 for value in values if value >= at_least) >= domains
        for at_least, domains in ((5, 3), (4, 4), (3, 5))
    )


def one_short(values):
    return any(
        threshold_met([value + (1 if i == j else 0) for j, value in enumerate(values)])
        for i in range(len(values))
    )


def legal_third_birthday(date_of_birth):
    try:
        return date_of_birth.replace(year=date_of_birth.year + 3)
    except ValueError:  # 29 February: 1 March in a non-leap year
        return datetime.date(date_of_birth.year + 3, 3, 1)


@PROPERTY_SETTINGS
@given(facts=facts_strategy)
def test_assess_any_valid_or_missing_facts_never_raises_and_outcome_follows(reference_data, facts):
    with CaptureQueriesContext(connection) as queries:
        result = assess(facts)

    # Exactly one check per rule, in RULES order, each with a known outcome and a message.
    assert tuple(check.rule for check in result.checks) == RULES
    outcomes = [check.outcome for check in result.checks]
    assert set(outcomes) <= {"pass", "review", "fail"}
    assert all(check.message.strip() for check in result.checks)

    # The overall outcome follows from the checks.
    assert result.outcome == expected_outcome(outcomes)
    assert (result.outcome == "ineligible") == ("fail" in outcomes)
    assert (result.outcome == "needs_review") == ("fail" not in outcomes and "review" in outcomes)

    # JSON-ready.
    data = json.loads(json.dumps(result.as_dict()))
    assert data["outcome"] == result.outcome
    assert [check["rule"] for check in data["checks"]] == list(RULES)
    assert [check["outcome"] for check in data["checks"]] == outcomes

    # Reads at most two rows' worth of reference data, and only reads.
    assert len(queries) <= 2
    assert all(q["sql"].lstrip().upper().startswith("SELECT") for q in queries.captured_queries)

    # Every review says what is still needed or what the team will look at; every fail says
    # what to do instead.
    for check in result.checks:
        if check.outcome == "review":
            assert check.message.startswith(("Still needed:", "Close to the threshold")) or (
                "The team will" in check.message
            ), check
        if check.outcome == "fail":
            assert any(signpost in check.message for signpost in SIGNPOSTS), check


@PROPERTY_SETTINGS
@given(facts=facts_strategy)
def test_assess_age_check_follows_the_rule(reference_data, facts):
    result = assess(facts)

    check = result.check("age")
    dob, on = facts.date_of_birth, facts.referral_date
    if dob is None or on is None:
        assert check.outcome == "review"
        assert check.message.startswith("Still needed:")
    elif dob > on:
        assert check.outcome == "fail"
    elif on >= legal_third_birthday(dob):
        assert check.outcome == "fail"
        assert "CAMHS" in check.message
    else:
        assert check.outcome == "pass"
    if dob is not None:
        assert result.third_birthday == legal_third_birthday(dob)
        assert data_third_birthday(result) == legal_third_birthday(dob).isoformat()
    else:
        assert result.third_birthday is None


def data_third_birthday(result):
    return json.loads(json.dumps(result.as_dict()))["third_birthday"]


@PROPERTY_SETTINGS
@given(counts=indicator_counts)
def test_assess_indicator_check_follows_the_thresholds(db, counts):
    # No postcode and no GP answer: the assessment touches no table.
    result = assess(ReferralFacts(indicator_counts=counts, gp_registration=""))

    check = result.check("indicator_threshold")
    if counts is None:
        assert check.outcome == "review"
        return
    known = [counts.get(domain) for domain in DOMAINS]
    present = [value for value in known if value is not None]
    if threshold_met(present):
        assert check.outcome == "pass"
    elif None in known:
        assert check.outcome == "review"
        assert check.message.startswith("Still needed:")
    elif one_short(known):
        assert check.outcome == "review"
        assert check.message.startswith("Close to the threshold")
    else:
        assert check.outcome == "fail"


def test_assess_indicator_check_every_count_up_to_six(db):
    """Exhaustive over 0..6 in each domain (7^5 combinations) against the independent rule."""
    assert tuple(INDICATOR_THRESHOLDS) == ((5, 3), (4, 4), (3, 5))
    for values in itertools.product(range(7), repeat=len(DOMAINS)):
        facts = ReferralFacts(
            indicator_counts=dict(zip(DOMAINS, values, strict=True)), gp_registration=""
        )
        outcome = assess(facts).check("indicator_threshold").outcome
        if threshold_met(values):
            expected = "pass"
        elif one_short(values):
            expected = "review"
        else:
            expected = "fail"
        assert outcome == expected, values


def test_assess_property_runs_write_nothing(reference_data):
    before = (GPPractice.objects.count(), Postcode.objects.count(), AuditEvent.objects.count())

    @PROPERTY_SETTINGS
    @given(facts=facts_strategy)
    def run(facts):
        assess(facts)

    run()

    after = (GPPractice.objects.count(), Postcode.objects.count(), AuditEvent.objects.count())
    assert after == before
