"""Appointments and the family's unavailability (issue 14; ADR 0011).

Carried over: each referral's `first_appointment_on` becomes one Appointment on that date (time
not recorded, purpose "consultation", how not recorded): "attended or not" was never recorded, so
an appointment already past is "not known" and a later one "booked"; booked by whoever recorded
the date (the "First appointment on ..." event), else whoever accepted the referral. A free-text
closing reason is kept as `close_note`, with the reason "other".
"""

import datetime

from django.db import migrations


def carry_over(apps, schema_editor):
    Referral = apps.get_model("referrals", "Referral")
    Appointment = apps.get_model("referrals", "Appointment")
    ReferralEvent = apps.get_model("referrals", "ReferralEvent")
    today = datetime.date.today()
    for referral in Referral.objects.exclude(first_appointment_on=None).iterator():
        recorded = (
            ReferralEvent.objects.filter(referral=referral, note__startswith="First appointment on")
            .order_by("-at", "-id")
            .first()
        )
        by_id = recorded.by_id if recorded else (referral.decided_by_id or referral.referrer_id)
        at = recorded.at if recorded else (referral.decided_at or referral.updated_at)
        past = referral.first_appointment_on <= today
        Appointment.objects.create(
            referral=referral,
            on=referral.first_appointment_on,
            purpose="consultation",
            attendance="not_known" if past else "booked",
            booked_by_id=by_id,
            booked_at=at,
            outcome_by_id=by_id if past else None,
            outcome_at=at if past else None,
        )
    for referral in Referral.objects.exclude(close_reason=""):
        referral.close_note = referral.close_reason
        referral.close_reason = "other"
        referral.save(update_fields=["close_note", "close_reason"])


class Migration(migrations.Migration):
    dependencies = [("referrals", "0009_appointments")]

    operations = [migrations.RunPython(carry_over, migrations.RunPython.noop)]
