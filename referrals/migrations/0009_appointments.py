"""Appointments and the family's unavailability (issue 14; ADR 0011); 0010 carries over
what the old fields held and 0011 removes them.

Carried over: each referral's `first_appointment_on` becomes one Appointment on that date (time
not recorded, purpose "consultation", how not recorded): "attended or not" was never recorded, so
an appointment already past is "not known" and a later one "booked"; booked by whoever recorded
the date (the "First appointment on ..." event), else whoever accepted the referral. A free-text
closing reason is kept as `close_note`, with the reason "other".
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0008_answer_received"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="referral",
            name="close_note",
            field=models.TextField(blank=True),
        ),
        migrations.AlterField(
            model_name="referral",
            name="status",
            field=models.CharField(
                choices=[
                    ("draft", "Draft"),
                    ("submitted", "Submitted"),
                    ("in_review", "In review"),
                    ("information_requested", "Information requested"),
                    ("accepted", "Accepted"),
                    ("in_treatment", "In treatment"),
                    ("declined", "Declined"),
                    ("withdrawn", "Withdrawn"),
                    ("closed", "Closed"),
                ],
                default="draft",
                max_length=30,
            ),
        ),
        migrations.AlterField(
            model_name="referralevent",
            name="from_status",
            field=models.CharField(
                blank=True,
                choices=[
                    ("draft", "Draft"),
                    ("submitted", "Submitted"),
                    ("in_review", "In review"),
                    ("information_requested", "Information requested"),
                    ("accepted", "Accepted"),
                    ("in_treatment", "In treatment"),
                    ("declined", "Declined"),
                    ("withdrawn", "Withdrawn"),
                    ("closed", "Closed"),
                ],
                max_length=30,
            ),
        ),
        migrations.AlterField(
            model_name="referralevent",
            name="to_status",
            field=models.CharField(
                choices=[
                    ("draft", "Draft"),
                    ("submitted", "Submitted"),
                    ("in_review", "In review"),
                    ("information_requested", "Information requested"),
                    ("accepted", "Accepted"),
                    ("in_treatment", "In treatment"),
                    ("declined", "Declined"),
                    ("withdrawn", "Withdrawn"),
                    ("closed", "Closed"),
                ],
                max_length=30,
            ),
        ),
        migrations.CreateModel(
            name="Appointment",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("on", models.DateField(verbose_name="date")),
                ("time", models.TimeField(blank=True, null=True)),
                (
                    "purpose",
                    models.CharField(
                        choices=[
                            ("consultation", "Consultation"),
                            ("assessment", "Assessment"),
                            ("first_treatment", "First treatment session"),
                            ("treatment", "Treatment session (ongoing)"),
                            ("review", "Review"),
                            ("other", "Other"),
                        ],
                        max_length=20,
                    ),
                ),
                (
                    "mode",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("clinic", "At a clinic"),
                            ("home_visit", "Home visit"),
                            ("nursery", "At nursery or early learning centre"),
                            ("near_me", "Near Me video call"),
                            ("telephone", "Telephone"),
                        ],
                        max_length=20,
                        verbose_name="how",
                    ),
                ),
                (
                    "location",
                    models.CharField(
                        blank=True,
                        help_text="The clinic, nursery or address.",
                        max_length=200,
                        verbose_name="where",
                    ),
                ),
                (
                    "attendance",
                    models.CharField(
                        choices=[
                            ("booked", "Booked"),
                            ("attended", "Attended"),
                            ("clinic_cancelled", "Cancelled by the service"),
                            ("patient_cancelled", "Cancelled by the family"),
                            ("could_not_wait", "Could not wait"),
                            ("did_not_attend", "Did not attend"),
                            ("not_known", "Not known"),
                        ],
                        default="booked",
                        max_length=20,
                    ),
                ),
                ("cancelled_on", models.DateField(blank=True, null=True)),
                ("booked_at", models.DateTimeField()),
                ("outcome_at", models.DateTimeField(blank=True, null=True)),
                (
                    "booked_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "outcome_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "rebooked_as",
                    models.OneToOneField(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="rebooked_from",
                        to="referrals.appointment",
                    ),
                ),
                (
                    "referral",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="appointments",
                        to="referrals.referral",
                    ),
                ),
                (
                    "staff",
                    models.ManyToManyField(
                        blank=True, related_name="appointments_seen", to=settings.AUTH_USER_MODEL
                    ),
                ),
            ],
            options={
                "ordering": ["on", "time", "id"],
                "indexes": [
                    models.Index(fields=["referral", "on"], name="referrals_appt_idx"),
                    models.Index(fields=["on", "attendance"], name="referrals_appt_day_idx"),
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            ("attendance__in", ["clinic_cancelled", "patient_cancelled"]),
                            ("cancelled_on__isnull", True),
                            _connector="OR",
                        ),
                        name="referrals_appt_cancelled_on",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("attendance", "booked"), ("outcome_at__isnull", True)),
                            models.Q(
                                models.Q(("attendance", "booked"), _negated=True),
                                ("outcome_at__isnull", False),
                                ("outcome_by__isnull", False),
                            ),
                            _connector="OR",
                        ),
                        name="referrals_appt_outcome_paired",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="Unavailability",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("start", models.DateField(verbose_name="first day")),
                ("end", models.DateField(verbose_name="last day")),
                ("reason", models.CharField(max_length=200)),
                ("recorded_at", models.DateTimeField()),
                (
                    "recorded_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "referral",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="unavailability",
                        to="referrals.referral",
                    ),
                ),
            ],
            options={
                "verbose_name_plural": "unavailability",
                "ordering": ["start", "id"],
                "indexes": [
                    models.Index(fields=["referral", "start"], name="referrals_unavail_idx")
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("end__gte", models.F("start"))),
                        name="referrals_unavail_ordered",
                    )
                ],
            },
        ),
    ]
