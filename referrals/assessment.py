"""A referral's eligibility: its facts for `eligibility.assess`, and the referrer's overrides.

A referrer may override a failed `residence` or `gp_practice` check with a written reason (the
family has just moved, say): the check then counts as `review` and the reason goes to the team.
Age, referrer and consent failures cannot be overridden.
"""

import dataclasses

from django.utils import timezone

from referrals.eligibility import FAIL, REVIEW, Assessment, ReferralFacts, assess

OVERRIDABLE = {
    "residence": "residence_override_reason",
    "gp_practice": "gp_practice_override_reason",
}


def facts_for(referral, *, on=None):
    """What the referral says so far, as the eligibility check reads it."""
    infant = referral.infant
    gp_registration = infant.gp_registration  # "" until the baby's section answers it
    return ReferralFacts(
        date_of_birth=infant.date_of_birth,
        referral_date=on or timezone.localdate(),
        postcode=infant.postcode or None,
        gp_practice_code=infant.gp_practice.code if infant.gp_practice_id else None,
        gp_registration=gp_registration,
        referrer_type=referral.referrer_profession or None,
        discussed_with_health_visitor=referral.discussed_with_health_visitor,
        lives_with=infant.lives_with or None,
        indicator_counts=_counts(referral),
        consent_given=referral.consent_given,
    )


def _counts(referral):
    counts = {domain: n for domain, n in referral.indicator_counts.items() if n is not None}
    return counts or None


def assessment_for(referral, *, on=None):
    """The eligibility assessment with the referral's overrides applied."""
    result = assess(facts_for(referral, on=on))
    checks = tuple(_with_override(check, referral) for check in result.checks)
    return dataclasses.replace(result, checks=checks)


def overridable_failures(assessment):
    """The failed checks a referrer may override (each needs a reason)."""
    return [c for c in assessment.checks if c.rule in OVERRIDABLE and c.outcome == FAIL]


def _with_override(check, referral):
    field = OVERRIDABLE.get(check.rule)
    reason = getattr(referral, field, "") if field else ""
    if check.outcome != FAIL or not reason.strip():
        return check
    return dataclasses.replace(
        check,
        outcome=REVIEW,
        message=f"{check.message} The referrer explained: “{reason.strip()}”. The team will "
        "look at this.",
    )


def is_overridden(check, referral):
    field = OVERRIDABLE.get(check.rule)
    return bool(field and getattr(referral, field, "").strip())


__all__ = [
    "Assessment",
    "assessment_for",
    "facts_for",
    "is_overridden",
    "overridable_failures",
]
