"""Create the synthetic demo sign-ins. Idempotent; refused unless DEBUG is on."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from imhs.demo import DEMO_USERS
from imhs.models import User
from patients import demo as patients_demo
from referrals import demo as referrals_demo


class Command(BaseCommand):
    help = "Create or refresh the synthetic demo users (development only)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            # Demo accounts with a published password must never reach a real service.
            raise CommandError("seed_demo only runs with DEBUG on: it creates demo sign-ins.")
        password = settings.DEMO_PASSWORD
        created_count = 0
        for email, given, family, role, profession, job_title, base in DEMO_USERS:
            user, created = User.objects.update_or_create(
                email=email,
                defaults={
                    "given_name": given,
                    "family_name": family,
                    "role": role,
                    "profession": profession,
                    "job_title": job_title,
                    "base": base,
                    "work_phone": "01698 000000",
                    "is_active": True,
                },
            )
            # Hashing is deliberately slow (Argon2): only do it when the password is wrong.
            if created or not user.check_password(password):
                user.set_password(password)
                user.save(update_fields=["password"])
            created_count += created
        self.stdout.write(f"Demo users ready ({created_count} new, {len(DEMO_USERS)} in all).")
        counts = patients_demo.seed()
        self.stdout.write(
            "Demo reference data and families ready ({practices} GP practices, {postcodes} "
            "postcodes, {infants} babies).".format(**counts)
        )
        # The demo's referrals go through the real workflow, which emails the referrer: demo data
        # has nobody to tell.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            created = referrals_demo.seed()
        self.stdout.write(
            f"Demo referrals ready ({created} new): one in each of the team's queues; cases "
            "waiting (with appointments missed, cancelled and paused, one past 18 weeks), in "
            "treatment and closed; and a draft for the demo health visitor."
        )
        link = referrals_demo.fresh_parent_link()
        self.stdout.write("")
        # SITE_URL follows `make run PORT=...`, so printed and emailed links go where it serves.
        site = settings.SITE_URL.rstrip("/")
        self.stdout.write(f"Demo sign-ins at {site}/accounts/login/")
        self.stdout.write(f"Password for every demo user: {password}")
        if settings.SECOND_FACTOR_RELAXED:
            self.stdout.write(
                "Second factor disabled for this demo (SECOND_FACTOR_RELAXED=true): staff sign "
                "in with the password alone, and every page says so."
            )
        else:
            self.stdout.write(
                "Team members and service leads set up an authenticator app at first sign-in."
            )
        for email, given, family, role, profession, *_ in DEMO_USERS:
            label = f"{role.label}, {profession.label}"
            self.stdout.write(f"  {email:<30} {given} {family} ({label})")
        if link:
            path, born = link
            self.stdout.write("")
            self.stdout.write(f"Demo parent's secure link (new each run): {site}{path}")
            self.stdout.write(f"  the baby's date of birth to enter: {born:%-d %-m %Y}")
