"""What the referral pages show, worked out here so templates hold no decisions."""

from dataclasses import dataclass

from patients.chi import format_chi
from referrals.assessment import OVERRIDABLE, is_overridden, overridable_failures
from referrals.drafts import COMPLETED
from referrals.eligibility import STILL_NEEDED
from referrals.labels import (
    CHECK_TAGS,
    OUTCOME_HEADLINES,
    RULE_TITLES,
    SECTION_STATE_LABELS,
    SECTION_STATE_TAGS,
)
from referrals.sections import SECTIONS


@dataclass(frozen=True)
class TaskRow:
    title: str
    url: str
    state: str
    state_label: str
    tag_class: str


def task_rows(referral):
    rows = []
    for section in SECTIONS:
        state = section.state(referral)
        rows.append(
            TaskRow(
                title=section.title,
                url=section.url(referral),
                state=state,
                state_label=SECTION_STATE_LABELS[state],
                tag_class=SECTION_STATE_TAGS.get(state, "nhsuk-tag--white"),
            )
        )
    return rows


def completed_count(referral):
    return sum(1 for section in SECTIONS if section.state(referral) == COMPLETED)


@dataclass(frozen=True)
class CheckRow:
    rule: str
    title: str
    outcome: str
    tag_label: str
    tag_class: str
    message: str
    overridden: bool


def _tag(check):
    missing = check.outcome == "review" and check.message.startswith(STILL_NEEDED)
    return "missing" if missing else check.outcome


def eligibility(assessment, referral=None):
    """The assessment as the pages show it: a headline, the 3rd birthday, one row a rule."""
    rows = [
        CheckRow(
            rule=check.rule,
            title=RULE_TITLES[check.rule],
            outcome=check.outcome,
            tag_label=CHECK_TAGS[_tag(check)][0],
            tag_class=CHECK_TAGS[_tag(check)][1],
            message=check.message,
            overridden=bool(referral and is_overridden(check, referral)),
        )
        for check in assessment.checks
    ]
    return {
        "outcome": assessment.outcome,
        "headline": OUTCOME_HEADLINES[assessment.outcome],
        "third_birthday": assessment.third_birthday,
        "rows": rows,
        "failures": [row for row in rows if row.outcome == "fail"],
        "overridable": [RULE_TITLES[c.rule] for c in overridable_failures(assessment)],
        "ineligible": assessment.outcome == "ineligible",
        # A failure no reason can override (age, referrer, consent, threshold): nothing to send.
        "blocked": any(row.outcome == "fail" and row.rule not in OVERRIDABLE for row in rows),
    }


def answers(referral, *, editable):
    """Every section's answers: title, change link (drafts only), rows of (label, value)."""
    return [
        {
            "title": section.title,
            "change_url": section.url(referral) if editable else "",
            "rows": [
                (label, value if value not in (None, "") else "Not given")
                for label, value in section.form_class.summary(referral)
            ],
        }
        for section in SECTIONS
    ]


def baby_heading(referral):
    """How the pages name the referral: the baby's name once given, else "New referral"."""
    infant = referral.infant
    name = infant.full_name
    if referral.reference:
        return f"{referral.reference}: {name}" if name else referral.reference
    return name or "New referral"


def chi(value):
    return format_chi(value) if value else ""
