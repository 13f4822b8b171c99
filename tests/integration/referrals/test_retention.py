"""Retention (issue 16; ADR 0013): every rule applied at its boundary (the day before: kept; the
day of: deleted or queued), the dry run, two runs at once, legal hold, and a destroyed referral
leaving nothing personal in any table."""

import datetime
import threading

import pytest
from axes.models import AccessAttempt, AccessLog
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.db.utils import ProgrammingError
from django.utils import timezone

from imhs.models import AuditEvent
from patients.chi import make_chi
from patients.models import Carer, Infant
from referrals import retention, workflow
from referrals.models import (
    Appointment,
    DateOfBirthAttempt,
    DestructionRecord,
    InformationRequest,
    LegalHold,
    ParentInvitation,
    ParentViews,
    Referral,
    ReferralEvent,
    RetentionAction,
    RetentionReview,
    RetentionRule,
    TeamNote,
    Unavailability,
)
from tests.factories import (
    CareRelationshipFactory,
    CarerFactory,
    InfantFactory,
    ReferralFactory,
    ServiceLeadFactory,
    TeamMemberFactory,
)

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(datetime.datetime(2026, 12, 2, 12, 0))
TODAY = timezone.localdate(NOW)
DAY = datetime.timedelta(days=1)
TEXT_TYPES = ("text", "character varying", "character", "json", "jsonb", "bytea")


@pytest.fixture(autouse=True)
def _rules(db):
    retention.ensure_default_rules()  # a transactional test elsewhere empties the table


def run(**kwargs):
    return retention.apply(now=NOW, **kwargs)


def rule(kind):
    return RetentionRule.objects.get(kind=kind)


def back(kind, extra=datetime.timedelta(0)):
    """The moment `kind`'s period ago (plus `extra`: a day later is the day before it is due)."""
    r = rule(kind)
    return retention.shift(NOW, r.period, r.unit, back=True) + extra


# The period


def test_shift_keeps_month_ends_in_range():
    assert retention.shift(datetime.date(2024, 1, 31), 1, "months") == datetime.date(2024, 2, 29)
    assert retention.shift(datetime.date(2000, 2, 29), 25, "years") == datetime.date(2025, 2, 28)
    assert retention.shift(datetime.date(2026, 3, 31), 1, "months", back=True) == datetime.date(
        2026, 2, 28
    )


def test_every_kind_has_a_default_rule_with_its_source_to_be_confirmed():
    rules = RetentionRule.objects.all()
    assert {r.kind for r in rules} == {
        k for k, _label in RetentionRule._meta.get_field("kind").choices
    }
    assert all(r.source and r.to_be_confirmed for r in rules)
    assert (rule("accepted").period, rule("accepted").unit) == (25, "years")
    assert "Annex B" in rule("accepted").source


# Operational kinds, at their boundary


def test_date_of_birth_attempts_go_on_the_day_their_period_ends():
    kept = DateOfBirthAttempt.objects.create(ip_address="192.0.2.1", at=back("dob_attempts", DAY))
    gone = DateOfBirthAttempt.objects.create(ip_address="192.0.2.2", at=back("dob_attempts"))
    run()
    assert list(DateOfBirthAttempt.objects.all()) == [kept]
    assert not DateOfBirthAttempt.objects.filter(pk=gone.pk).exists()


def test_sessions_go_at_expiry():
    Session.objects.create(session_key="k" * 32, session_data="x", expire_date=NOW + DAY)
    Session.objects.create(session_key="g" * 32, session_data="x", expire_date=NOW)
    run()
    assert list(Session.objects.values_list("session_key", flat=True)) == ["k" * 32]


def test_sign_in_attempts_and_the_sign_in_log_go_after_their_period():
    for username, at in (("kept@example.org", back("sign_in_attempts", DAY)),
                         ("gone@example.org", back("sign_in_attempts"))):  # fmt: skip
        attempt = AccessAttempt.objects.create(username=username, failures_since_start=1)
        log = AccessLog.objects.create(username=username)
        AccessAttempt.objects.filter(pk=attempt.pk).update(attempt_time=at)
        AccessLog.objects.filter(pk=log.pk).update(attempt_time=at)
    run()
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["kept@example.org"]
    assert list(AccessLog.objects.values_list("username", flat=True)) == ["kept@example.org"]


def test_expired_invitations_go_after_their_period():
    referral = ReferralFactory(submitted=True)
    carer = referral.infant.care_relationships.get().carer
    lead = TeamMemberFactory()
    for expires in (back("invitations", DAY), back("invitations")):
        ParentInvitation.objects.create(
            referral=referral, carer=carer, created_at=expires - 14 * DAY, created_by=lead,
            expires_at=expires,
        )  # fmt: skip
    run()
    assert list(ParentInvitation.objects.values_list("expires_at", flat=True)) == [
        back("invitations", DAY)
    ]


def test_drafts_go_through_the_drafts_purge_at_their_period():
    kept, gone = ReferralFactory(), ReferralFactory()
    Referral.objects.filter(pk=kept.pk).update(updated_at=back("draft", DAY))
    Referral.objects.filter(pk=gone.pk).update(updated_at=back("draft", -datetime.timedelta(1)))
    run()
    assert list(Referral.objects.values_list("pk", flat=True)) == [kept.pk]
    assert AuditEvent.objects.filter(object_id=str(gone.pk), action="delete").exists()


# Referral kinds, at their boundary


def declined_on(day):
    at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))
    return ReferralFactory(declined=True, decided_at=at)


def test_a_declined_referral_is_queued_for_review_on_the_day_it_falls_due():
    due = retention.shift(TODAY, 3, "years", back=True)
    kept, queued = declined_on(due + DAY), declined_on(due)
    run()
    review = RetentionReview.objects.get()
    assert (review.referral, review.due_on, review.clock_started_on) == (queued, TODAY, due)
    assert Referral.objects.filter(pk=kept.pk).exists()
    run()  # the next day's run queues it no second time
    assert RetentionReview.objects.count() == 1


def closed_case(born, *, closed_on=None):
    referral = ReferralFactory(accepted=True, infant=InfantFactory(date_of_birth=born))
    Referral.objects.filter(pk=referral.pk).update(
        status="closed", closed_on=closed_on or born + DAY * 400, close_reason="treatment_completed"
    )
    return Referral.objects.select_related("infant").get(pk=referral.pk)


def test_a_closed_case_is_due_on_the_babys_25th_birthday_and_an_open_one_never():
    born = retention.shift(TODAY, 25, "years", back=True)
    closed_case(born + DAY)
    due = closed_case(born)
    ReferralFactory(accepted=True, infant=InfantFactory(date_of_birth=born - DAY * 30))
    run()
    assert list(RetentionReview.objects.values_list("referral", flat=True)) == [due.pk]


def test_a_case_closed_at_17_or_later_is_kept_to_the_26th_birthday():
    born = retention.shift(TODAY, 25, "years", back=True)
    late = closed_case(born, closed_on=retention.shift(born, 17, "years"))
    assert retention.due_on(late, rule("accepted")) == retention.shift(born, 26, "years")
    run()
    assert not RetentionReview.objects.exists()


def test_a_delete_rule_destroys_without_review_but_never_a_held_referral():
    RetentionRule.objects.filter(kind="declined_or_withdrawn").update(action=RetentionAction.DELETE)
    due = retention.shift(TODAY, 3, "years", back=True)
    gone, held = declined_on(due), declined_on(due)
    LegalHold.objects.create(referral=held, reason="complaint", set_by=TeamMemberFactory(),
                             set_at=NOW)  # fmt: skip
    outcome = run()
    assert "1 destroyed, 1 on legal hold kept" in "\n".join(outcome.lines)
    assert list(Referral.objects.values_list("pk", flat=True)) == [held.pk]
    record = DestructionRecord.objects.get()
    assert (record.referral_id, record.authorised_by, record.kind) == (
        gone.pk, None, "declined_or_withdrawn",
    )  # fmt: skip


def test_the_dry_run_lists_and_changes_nothing():
    DateOfBirthAttempt.objects.create(ip_address="192.0.2.2", at=back("dob_attempts"))
    declined_on(retention.shift(TODAY, 3, "years", back=True))
    before = AuditEvent.objects.count()
    outcome = run(dry_run=True)
    text = "\n".join(outcome.lines)
    assert "Parents' date-of-birth attempts: 1 would be deleted" in text
    assert "Declined or withdrawn referrals: 1 would be put on the review queue" in text
    assert DateOfBirthAttempt.objects.count() == 1
    assert not RetentionReview.objects.exists()
    assert AuditEvent.objects.count() == before


def test_the_command_prints_each_kind(capsys):
    call_command("apply_retention", "--dry-run")
    out = capsys.readouterr().out
    assert out.startswith("Dry run: nothing was changed.")
    assert "Sessions: 0 would be deleted" in out


# Two runs at once


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_queue_and_destroy_nothing_twice():
    due = retention.shift(TODAY, 3, "years", back=True)
    queued = [declined_on(due) for _ in range(3)]
    RetentionRule.objects.filter(kind="accepted").update(action=RetentionAction.DELETE)
    born = retention.shift(TODAY, 25, "years", back=True)
    destroyed = [closed_case(born) for _ in range(3)]
    barrier, errors = threading.Barrier(2), []

    def one_run():
        try:
            barrier.wait()
            retention.apply(now=NOW)
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=one_run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert sorted(RetentionReview.objects.values_list("referral", flat=True)) == sorted(
        r.pk for r in queued
    )
    assert sorted(DestructionRecord.objects.values_list("referral_id", flat=True)) == sorted(
        r.pk for r in destroyed
    )


# Keeping, holding, destroying


def queued_review(referral=None):
    referral = referral or declined_on(retention.shift(TODAY, 3, "years", back=True))
    run()
    return RetentionReview.objects.get(referral=referral)


def test_keep_longer_takes_it_off_the_queue_until_the_new_date():
    review = queued_review()
    lead = ServiceLeadFactory()
    retention.keep_longer(review, by=lead, reason="Awaiting a complaint", keep_until=TODAY + DAY)
    run()
    assert RetentionReview.objects.filter(status="open").count() == 0
    retention.apply(now=NOW + DAY)
    assert RetentionReview.objects.filter(status="open").count() == 1
    with pytest.raises(retention.Conflict):
        retention.keep_longer(review, by=lead, reason="Again", keep_until=TODAY + 2 * DAY)


def test_a_legal_hold_stops_destruction_until_it_is_lifted():
    review = queued_review()
    lead = ServiceLeadFactory()
    retention.place_hold(review.referral, by=lead, reason="complaint")
    with pytest.raises(retention.OnLegalHold, match="legal hold"):
        retention.destroy_reviewed(review, by=lead)
    assert Referral.objects.filter(pk=review.referral_id).exists()
    with pytest.raises(retention.Conflict):
        retention.place_hold(review.referral, by=lead, reason="complaint")
    retention.lift_hold(review.referral, by=lead)
    retention.destroy_reviewed(review, by=lead)
    assert not Referral.objects.filter(pk=review.referral_id).exists()


def test_the_app_role_cannot_delete_events_itself_nor_through_the_function_without_the_register():
    referral = ReferralFactory(submitted=True)
    workflow.start_review(referral, by=TeamMemberFactory(), version=referral.version)
    with pytest.raises(ProgrammingError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM referrals_referralevent WHERE referral_id = %s", [referral.pk])
    register = pytest.raises(ProgrammingError, match="not in the destruction register")
    with register, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT referrals_destroy_events(%s)", [referral.pk])
    append_only = pytest.raises(ProgrammingError, match=r"permission denied|append-only")
    with append_only, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT set_config('referrals.destroying', %s, true)", [str(referral.pk)])
        cursor.execute("UPDATE referrals_referralevent SET note = 'x' WHERE referral_id = %s",
                       [referral.pk])  # fmt: skip
    assert ReferralEvent.objects.filter(referral=referral).exists()


# A destroyed referral leaves nothing personal

MARK = "Zqxw"  # in every synthetic string of the family below, and nowhere else


def seeded_family():
    lead, member = ServiceLeadFactory(), TeamMemberFactory()
    born = retention.shift(TODAY, 25, "years", back=True) - 400 * DAY
    infant = InfantFactory(
        given_name=f"{MARK}baby", family_name=f"{MARK}family", date_of_birth=born,
        chi_number=make_chi(born, female=True, serial="77"), address_line_1=f"1 {MARK} Road",
        town=f"{MARK}town", postcode="ML5 7ZQ", additional_needs=f"{MARK} needs",
        nursery=f"{MARK} nursery",
    )  # fmt: skip
    referral = ReferralFactory(
        submitted=True, infant=infant, with_carer=False, relationship_observed=f"{MARK} observed",
        why_now=f"{MARK} why now", family_hopes=f"{MARK} hopes",
        consent_given_by=f"{MARK}parent (mother)", health_visitor_name=f"{MARK} visitor",
    )  # fmt: skip
    carer = CarerFactory(given_name=f"{MARK}parent", family_name=f"{MARK}family",
                         email="zqxwparent@example.org")  # fmt: skip
    CareRelationshipFactory(infant=infant, carer=carer)
    # A carer also caring for another family's baby stays, with that family.
    shared = CarerFactory(given_name="Sharedparent")
    CareRelationshipFactory(infant=infant, carer=shared, is_main_carer=False)
    other = ReferralFactory(submitted=True, with_carer=False)
    CareRelationshipFactory(infant=other.infant, carer=shared)

    workflow.start_review(referral, by=member, version=referral.version)
    referral.refresh_from_db()
    workflow.request_information(referral, by=member, version=referral.version,
                                 question=f"{MARK} question")  # fmt: skip
    workflow.answer_information_request(referral, by=referral.referrer, answer=f"{MARK} answer")
    referral.refresh_from_db()
    workflow.accept(referral, by=member, version=referral.version, priority="routine")
    referral.refresh_from_db()
    workflow.add_note(referral, by=member, text=f"{MARK} team note")
    on = TODAY - 10 * DAY
    Appointment.objects.create(
        referral=referral, on=on, time=datetime.time(10), purpose="assessment", mode="clinic",
        location=f"{MARK} clinic", booked_by=member, booked_at=NOW,
    ).staff.set([member])  # fmt: skip
    Unavailability.objects.create(referral=referral, start=on, end=on + DAY,
                                  reason=f"{MARK} holiday", recorded_by=member,
                                  recorded_at=NOW)  # fmt: skip
    ParentInvitation.objects.create(referral=referral, carer=carer, created_at=NOW,
                                    created_by=member, expires_at=NOW + 14 * DAY)  # fmt: skip
    ParentViews.objects.create(referral=referral, carer=carer, going_well=f"{MARK} going well",
                               worries=f"{MARK} worries")  # fmt: skip
    Referral.objects.filter(pk=referral.pk).update(
        status="closed", closed_on=TODAY - 5 * DAY, close_reason="treatment_completed",
        close_note=f"{MARK} closing note",
    )  # fmt: skip
    return referral, lead, carer, shared


def every_text_value():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = 'public' AND data_type = ANY(%s)",
            [list(TEXT_TYPES)],
        )
        columns = cursor.fetchall()
        values = []
        for table, column, data_type in columns:
            quoted = connection.ops.quote_name(column)
            value = f"encode({quoted}, 'escape')" if data_type == "bytea" else f"{quoted}::text"
            cursor.execute(f"SELECT {value} FROM {connection.ops.quote_name(table)}")  # noqa: S608
            values.extend(str(row[0]) for row in cursor.fetchall() if row[0] is not None)
    assert len(columns) > 50
    return "\n".join(values)


def test_a_destroyed_referral_leaves_nothing_personal_in_any_table():
    referral, lead, carer, shared = seeded_family()
    chi = referral.infant.chi_number
    # Kept longer once (with a reason typed), put on hold and lifted (a note typed), then due.
    retention.apply(now=NOW + 400 * DAY)
    review = RetentionReview.objects.get(referral=referral)
    retention.keep_longer(review, by=lead, reason=f"{MARK} keep reason", keep_until=TODAY + DAY)
    hold = retention.place_hold(referral, by=lead, reason="complaint", note=f"{MARK} hold note")
    retention.lift_hold(referral, by=lead)
    text = every_text_value()
    assert MARK.lower() in text.lower()  # the scan sees the family
    assert chi in text
    retention.apply(now=NOW + 401 * DAY)
    review = RetentionReview.objects.get(referral=referral, status="open")

    record = retention.destroy_reviewed(review, by=lead)

    text = every_text_value()
    assert MARK.lower() not in text.lower()
    assert chi not in text
    assert not Referral.objects.filter(pk=referral.pk).exists()
    assert not Infant.objects.filter(pk=referral.infant_id).exists()
    assert not Carer.objects.filter(pk=carer.pk).exists()
    assert Carer.objects.filter(pk=shared.pk).exists()
    for model in (ReferralEvent, TeamNote, InformationRequest, Appointment, Unavailability,
                  ParentInvitation, ParentViews, LegalHold):  # fmt: skip
        assert not model.objects.filter(referral_id=referral.pk).exists(), model
    assert not LegalHold.objects.filter(pk=hold.pk).exists()
    assert (record.reference, record.authorised_by, record.closed_on) == (
        referral.reference, lead, TODAY - 5 * DAY,
    )  # fmt: skip
    assert "25 years" in record.rule
    assert RetentionReview.objects.get(pk=review.pk).status == "destroyed"
    # The trail stays, by ids.
    assert AuditEvent.objects.filter(object_id=str(referral.pk), action="delete").exists()


# The append-only tables: only through the owner's function, and never the last year


def _audit(at):
    return AuditEvent.objects.create(action="view", at=at, object_type="synthetic")


def test_audit_events_and_register_rows_past_their_period_are_deleted_by_the_run():
    audit_rule, register_rule = rule("audit_events"), rule("destruction_records")
    old_event = _audit(back("audit_events", -DAY))
    kept_event = _audit(back("audit_events", DAY))
    past = back("destruction_records", -DAY)
    old_record, kept_record = (
        DestructionRecord.objects.create(
            kind="declined_or_withdrawn",
            reference=f"IMH-2000-0000{n}",
            referral_id=900_000 + n,
            rule=retention.describe(register_rule),
            destroyed_at=at,
        )
        for n, at in ((1, past), (2, back("destruction_records", DAY)))
    )

    lines = run(dry_run=True).lines
    assert AuditEvent.objects.filter(pk=old_event.pk).exists()
    assert f"{audit_rule.get_kind_display()}: 1 would be deleted" in lines
    run()

    assert not AuditEvent.objects.filter(pk=old_event.pk).exists()
    assert AuditEvent.objects.filter(pk=kept_event.pk).exists()
    assert not DestructionRecord.objects.filter(pk=old_record.pk).exists()
    assert DestructionRecord.objects.filter(pk=kept_record.pk).exists()


def test_a_rule_shortened_to_a_day_still_keeps_the_last_year():
    RetentionRule.objects.filter(kind="audit_events").update(period=1, unit="days")
    recent = _audit(timezone.now() - 300 * DAY)

    run()

    assert AuditEvent.objects.filter(pk=recent.pk).exists()


def test_the_app_role_still_cannot_delete_audit_events_itself():
    event = _audit(timezone.now() - 3000 * DAY)
    with pytest.raises(ProgrammingError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM imhs_auditevent WHERE id = %s", [event.pk])
