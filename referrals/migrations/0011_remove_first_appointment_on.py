"""The fields appointments replaced (0010 carried over what they held)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("referrals", "0010_carry_over_first_appointments")]

    operations = [
        migrations.AlterField(
            model_name="referral",
            name="close_reason",
            field=models.CharField(
                blank=True,
                choices=[
                    ("treatment_completed", "Treatment completed"),
                    ("family_chose_to_stop", "The family chose to stop"),
                    ("moved_away", "Moved out of the area"),
                    ("not_brought", "Not brought to appointments"),
                    ("other", "Other"),
                ],
                max_length=30,
            ),
        ),
        migrations.RemoveField(
            model_name="referral",
            name="first_appointment_on",
        ),
    ]
