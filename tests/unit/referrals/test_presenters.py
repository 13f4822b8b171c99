from referrals.eligibility import Assessment, Check
from referrals.presenters import eligibility


def test_missing_answers_and_matters_for_the_team_are_tagged_apart():
    assessment = Assessment(
        checks=(
            Check("age", "review", "Still needed: the baby's date of birth."),
            Check("residence", "review", "G33 crosses the boundary. The team will check."),
            Check("consent", "fail", "A parent or carer must agree."),
            Check("gp_practice", "pass", "In NHS Lanarkshire."),
        )
    )

    rows = {row.rule: (row.tag_label, row.tag_class) for row in eligibility(assessment)["rows"]}

    assert rows["age"] == ("Still needed", "nhsuk-tag--grey")
    assert rows["residence"] == ("For the team to look at", "nhsuk-tag--yellow")
    assert rows["consent"] == ("Not met", "nhsuk-tag--red")
    assert rows["gp_practice"] == ("Met", "nhsuk-tag--green")


def test_a_failure_no_reason_can_override_blocks_sending():
    age_fail = Assessment(checks=(Check("age", "fail", "Over 3."),))
    gp_fail = Assessment(checks=(Check("gp_practice", "fail", "Another board."),))

    assert eligibility(age_fail)["blocked"] is True
    assert eligibility(gp_fail)["blocked"] is False
    assert eligibility(gp_fail)["overridable"] == ["GP practice"]
