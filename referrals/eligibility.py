"""The service's referral criteria as one pure, explained assessment.

    from referrals.eligibility import ReferralFacts, assess
    result = assess(ReferralFacts(date_of_birth=..., referral_date=..., ...))
    result.outcome          # "eligible" | "needs_review" | "ineligible"
    result.checks           # one Check(rule, outcome, message) per rule, in RULES order
    result.check("age")     # the Check for one rule
    result.as_dict()        # JSON-ready, stored on the referral at submission

`assess` reads reference data (one postcode, one GP practice: a single query, made by
`patients.reference_data.lookup`) and writes nothing. The same call serves the form as the
referrer types (facts half known), submission, and the team's re-assessment against today's
reference data.

Overall: any fail → ineligible; else any review → needs_review; else eligible. A missing fact is
a `review` check saying what is still needed, never an exception. Every `fail` says what to do
instead; every `review` says what the team will look at. Messages are written for a health
visitor.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings

from imhs.nhsuk.text import nhs_date
from patients import ages, postcodes, reference_data
from patients.catchment import CATCHMENT, INSIDE, STRADDLING
from patients.models import HEALTH_BOARD_NAMES

PASS, REVIEW, FAIL = "pass", "review", "fail"
# Every `review` for a fact not given yet starts with these words (the pages tag it so).
STILL_NEEDED = "Still needed"
ELIGIBLE, NEEDS_REVIEW, INELIGIBLE = "eligible", "needs_review", "ineligible"

RULES = (
    "age",
    "residence",
    "gp_practice",
    "referrer_type",
    "living_arrangement",
    "indicator_threshold",
    "consent",
)

ACCEPTED_REFERRERS = {"health_visitor", "family_nurse", "nursery", "mnpi", "pmht"}
REFERRER_TYPES = ACCEPTED_REFERRERS | {"other"}
LIVES_WITH_PASS = {"parents", "kinship_carers"}
LIVES_WITH_REVIEW = {"foster_carers", "other"}

# The IMH Observational Indicator Set's five domains, and how they are named to
# the referrer.
DOMAINS = {
    "relationship": "relationship with main carer",
    "emotional": "emotional",
    "cognitive": "cognitive",
    "sense_of_self": "sense of self",
    "social_interaction": "social interaction",
}

# At least N indicators in each of at least M domains. The service's published thresholds:
# kept as data so a change of criteria is a change of this line.
INDICATOR_THRESHOLDS = ((5, 3), (4, 4), (3, 5))

# GP registration answers (patients.models.GPRegistration, ADR 0004).
LISTED, NOT_LISTED, NOT_REGISTERED = "listed", "not_listed", "not_registered"


@dataclass(frozen=True)
class ReferralFacts:
    """What the assessment needs to know. Any fact may be None while a form is half filled.

    `gp_practice_code`: the PHS code, or None for "not registered with a GP". Where the form
    knows more, `gp_registration` says so ("not_listed": registered, but the practice could not
    be found; "" : not answered yet); left as None it is read from `gp_practice_code`.
    """

    date_of_birth: datetime.date | None = None
    referral_date: datetime.date | None = None
    postcode: str | None = None
    gp_practice_code: str | None = None
    referrer_type: str | None = None
    discussed_with_health_visitor: bool | None = None
    lives_with: str | None = None
    indicator_counts: dict | None = None
    consent_given: bool | None = None
    gp_registration: str | None = None


@dataclass(frozen=True)
class Check:
    rule: str
    outcome: str
    message: str


@dataclass(frozen=True)
class Assessment:
    checks: tuple
    third_birthday: datetime.date | None = None
    facts: ReferralFacts = field(default=None, repr=False, compare=False)

    @property
    def outcome(self):
        outcomes = {check.outcome for check in self.checks}
        if FAIL in outcomes:
            return INELIGIBLE
        if REVIEW in outcomes:
            return NEEDS_REVIEW
        return ELIGIBLE

    def check(self, rule):
        for check in self.checks:
            if check.rule == rule:
                return check
        raise KeyError(f"No eligibility rule called {rule!r}; the rules are {', '.join(RULES)}.")

    def as_dict(self):
        return {
            "outcome": self.outcome,
            "third_birthday": self.third_birthday.isoformat() if self.third_birthday else None,
            "checks": [
                {"rule": c.rule, "outcome": c.outcome, "message": c.message} for c in self.checks
            ],
        }


def assess(facts, *, lookup=reference_data.lookup):
    """Assess `facts` against every rule. Reads reference data through `lookup` (one query, or
    none when neither postcode nor practice is known), writes nothing."""
    third_birthday = _third_birthday(facts.date_of_birth)
    postcode = _normalised_postcode(facts.postcode)
    practice_code = _practice_code(facts)
    found = lookup(postcode=postcode, practice_code=practice_code)
    checks = (
        _age(facts, third_birthday),
        _residence(facts, postcode, found.postcode_board),
        _gp_practice(facts, practice_code, found.practice),
        _referrer_type(facts),
        _living_arrangement(facts),
        _indicator_threshold(facts),
        _consent(facts),
    )
    return Assessment(checks=checks, third_birthday=third_birthday, facts=facts)


def _third_birthday(date_of_birth):
    if date_of_birth is None or date_of_birth.year > datetime.MAXYEAR - 3:
        return None  # unknown, or a mistyped year so far ahead it has no 3rd birthday
    return ages.third_birthday(date_of_birth)


def _normalised_postcode(value):
    try:
        return postcodes.normalise(value) if (value or "").strip() else None
    except ValueError:
        return None


def _practice_code(facts):
    """The code to look up: only when the answer is "registered at this listed practice"."""
    code = (facts.gp_practice_code or "").strip()
    return code if code and _gp_registration(facts) == LISTED else None


# --- the rules --------------------------------------------------------------------------------


def _team_phone():
    return settings.SERVICE["phone"]


def _age(facts, third_birthday):
    if facts.date_of_birth is None:
        return Check("age", REVIEW, "Still needed: the baby's date of birth.")
    if facts.referral_date is None:
        return Check("age", REVIEW, "Still needed: the date of the referral.")
    if facts.date_of_birth > facts.referral_date:
        return Check(
            "age",
            FAIL,
            f"The date of birth ({nhs_date(facts.date_of_birth)}) is after the referral date, so "
            "the baby is not born yet: check the date. The service starts once the baby is born; "
            "in pregnancy, the Perinatal Mental Health Team or the Maternity and Neonatal "
            "Psychological Intervention team can help.",
        )
    if third_birthday is None:  # only for dates thousands of years ahead: a typing slip
        return Check("age", REVIEW, "Check the date of birth: the year looks mistyped.")
    if facts.referral_date >= third_birthday:
        return Check(
            "age",
            FAIL,
            f"The baby's 3rd birthday was on {nhs_date(third_birthday)}. The service sees babies "
            "up to their 3rd birthday. The family's Health Visitor can refer to Child and "
            "Adolescent Mental Health Services (CAMHS) through the family's GP.",
        )
    months = ages.age_in_months(facts.date_of_birth, facts.referral_date)
    return Check(
        "age",
        PASS,
        f"The baby is {months} {'month' if months == 1 else 'months'} old. Their 3rd birthday "
        f"is on {nhs_date(third_birthday)}: the service can see them until then.",
    )


def _residence(facts, postcode, board):
    if not (facts.postcode or "").strip():
        return Check("residence", REVIEW, "Still needed: the postcode of the baby's home.")
    if postcode is None:
        return Check(
            "residence",
            REVIEW,
            f"“{facts.postcode.strip()}” does not look like a UK postcode: check it. The team "
            "will confirm where the family lives.",
        )
    elsewhere = (
        "The family's own health board's infant mental health service (or their Health "
        "Visitor) can help instead."
    )
    area = CATCHMENT.name
    if board == CATCHMENT.board_code:
        return Check("residence", PASS, f"{postcode} is in {CATCHMENT.board_name}.")
    if board is not None:
        return Check(
            "residence",
            FAIL,
            f"{postcode} is in {_board_name(board)}, not {CATCHMENT.board_name}. The service is "
            f"for families living in {area}. {elsewhere}",
        )
    status = CATCHMENT.district_status(postcode)
    district = postcodes.outward_code(postcode)
    if status == INSIDE:
        return Check(
            "residence", PASS, f"{postcode} is in {district}, a district wholly in {area}."
        )
    if status == STRADDLING:
        return Check(
            "residence",
            REVIEW,
            f"{district} crosses the boundary of {CATCHMENT.board_name}, and our postcode list "
            f"does not say which side {postcode} is on. The team will check the address.",
        )
    return Check(
        "residence",
        FAIL,
        f"{postcode} is not in {area}. The service is for families living in "
        f"{CATCHMENT.councils_in_words}. {elsewhere}",
    )


def _gp_registration(facts):
    if facts.gp_registration is not None:
        return facts.gp_registration
    return LISTED if facts.gp_practice_code is not None else NOT_REGISTERED


def _gp_practice(facts, code, practice):
    registration = _gp_registration(facts)
    if registration == NOT_REGISTERED:
        return Check(
            "gp_practice",
            FAIL,
            "The baby is not registered with a GP. The service sees babies registered with a GP "
            f"practice in {CATCHMENT.board_name}: help the family register with a practice near "
            "them, then refer.",
        )
    if registration == NOT_LISTED:
        return Check(
            "gp_practice",
            REVIEW,
            "The GP practice is not in our list. The team will check where the baby is registered.",
        )
    if code is None:
        return Check("gp_practice", REVIEW, "Still needed: the baby's GP practice.")
    if practice is None:
        return Check(
            "gp_practice",
            REVIEW,
            f"Practice code {code} is not in our list of GP practices. The team will check "
            "where the baby is registered.",
        )
    board, active = practice
    if not active:
        return Check(
            "gp_practice",
            REVIEW,
            f"Practice {code} is no longer in Public Health Scotland's list: it may have closed "
            "or merged. The team will check where the baby is registered.",
        )
    if board == CATCHMENT.board_code:
        return Check("gp_practice", PASS, f"The baby's GP practice is in {CATCHMENT.board_name}.")
    return Check(
        "gp_practice",
        FAIL,
        f"The baby's GP practice is in {_board_name(board)}. The service sees babies registered "
        f"with a GP practice in {CATCHMENT.board_name}. The infant mental health service of the "
        "practice's own health board can help instead.",
    )


def _referrer_type(facts):
    referrer = facts.referrer_type
    if referrer is None:
        return Check("referrer_type", REVIEW, "Still needed: who is making the referral.")
    if referrer not in REFERRER_TYPES:
        raise ValueError(f"Unknown referrer type {referrer!r}.")
    if referrer == "nursery":
        if facts.discussed_with_health_visitor is True:
            return Check(
                "referrer_type",
                PASS,
                "Nursery and early learning centre referrals are accepted, and this one has been "
                "discussed with the family's Health Visitor or Family Nurse.",
            )
        if facts.discussed_with_health_visitor is None:
            return Check(
                "referrer_type",
                REVIEW,
                "Still needed: whether the referral has been discussed with the family's Health "
                "Visitor or Family Nurse.",
            )
        return Check(
            "referrer_type",
            REVIEW,
            "Nursery referrals are usually discussed with the family's Health Visitor or Family "
            "Nurse first. The team will contact them as part of looking at the referral.",
        )
    if referrer in ACCEPTED_REFERRERS:
        return Check("referrer_type", PASS, "Referrals from your service are accepted.")
    return Check(
        "referrer_type",
        FAIL,
        "The service accepts referrals from Health Visitors, Family Nurses, nursery and early "
        "learning centre practitioners, and the MNPI and Perinatal Mental Health teams. Ask the "
        "family's Health Visitor or Family Nurse to make the referral.",
    )


def _living_arrangement(facts):
    lives_with = facts.lives_with
    if lives_with is None:
        return Check("living_arrangement", REVIEW, "Still needed: who the baby lives with.")
    if lives_with in LIVES_WITH_PASS:
        return Check(
            "living_arrangement",
            PASS,
            "The baby lives with their parents or kinship carers.",
        )
    if lives_with in LIVES_WITH_REVIEW:
        return Check(
            "living_arrangement",
            REVIEW,
            "The service works with babies living with their parents or kinship carers. The "
            "team will look at the baby's living arrangements and who is best placed to help.",
        )
    raise ValueError(f"Unknown living arrangement {lives_with!r}.")


def _indicator_threshold(facts):
    counts = facts.indicator_counts
    if counts is None:
        return Check(
            "indicator_threshold",
            REVIEW,
            "Still needed: the number of indicators observed in each domain.",
        )
    _validate_counts(counts)
    known = {domain: counts[domain] for domain in DOMAINS if counts.get(domain) is not None}
    met = _threshold_met(known)
    if met:
        return Check(
            "indicator_threshold",
            PASS,
            f"The indicators meet the threshold: {_describe(met)}.",
        )
    missing = [DOMAINS[domain] for domain in DOMAINS if domain not in known]
    if missing:
        return Check(
            "indicator_threshold",
            REVIEW,
            f"Still needed: the number of indicators for {_join(missing)}.",
        )
    near = _one_short(known)
    if near:
        domain, threshold = near
        return Check(
            "indicator_threshold",
            REVIEW,
            f"Close to the threshold: one more indicator in {DOMAINS[domain]} would meet "
            f"{_describe(threshold)}. The team will offer a consultation to talk it through.",
        )
    return Check(
        "indicator_threshold",
        FAIL,
        "The indicators observed do not meet the service's threshold (5 or more in each of 3 "
        "domains, 4 or more in each of 4, or 3 or more in each of all 5). The Health Visitor "
        f"can phone the team on {_team_phone()} to talk it through.",
    )


def _validate_counts(counts):
    unknown = set(counts) - set(DOMAINS)
    if unknown:
        raise ValueError(f"Unknown indicator domains: {', '.join(sorted(map(str, unknown)))}.")
    for domain, count in counts.items():
        if count is None:
            continue
        if isinstance(count, bool) or not isinstance(count, int):
            raise ValueError(f"The count for {domain} must be a whole number, not {count!r}.")
        if count < 0:
            raise ValueError(f"The count for {domain} cannot be negative ({count}).")


def _threshold_met(counts):
    """The first threshold (N, M) met: at least N indicators in each of at least M domains."""
    for at_least, domains in INDICATOR_THRESHOLDS:
        if sum(1 for count in counts.values() if count >= at_least) >= domains:
            return (at_least, domains)
    return None


def _one_short(counts):
    """(domain, threshold) when one more indicator in that single domain meets a threshold."""
    for domain in DOMAINS:
        met = _threshold_met({**counts, domain: counts[domain] + 1})
        if met:
            return domain, met
    return None


def _describe(threshold):
    at_least, domains = threshold
    if domains == len(DOMAINS):
        return f"{at_least} or more indicators in each of all {domains} domains"
    return f"{at_least} or more indicators in each of {domains} or more domains"


def _consent(facts):
    if facts.consent_given is None:
        return Check(
            "consent",
            REVIEW,
            "Still needed: whether a parent or carer with parental responsibility has agreed to "
            "the referral.",
        )
    if facts.consent_given:
        return Check(
            "consent",
            PASS,
            "A parent or carer with parental responsibility has agreed to the referral.",
        )
    return Check(
        "consent",
        FAIL,
        "A parent or carer with parental responsibility must agree to the referral before it is "
        "sent. Talk it through with the family; if they have questions, they or you can phone "
        f"the team on {_team_phone()}.",
    )


def _board_name(code):
    name = HEALTH_BOARD_NAMES.get(code)
    return f"NHS {name}" if name else f"another health board ({code})"


def _join(items):
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"
