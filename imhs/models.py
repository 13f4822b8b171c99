"""Who uses the service (User) and the record of what they did (AuditEvent)."""

import hashlib
from binascii import unhexlify

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django_otp.models import Device
from django_otp.plugins.otp_totp.models import TOTPDevice, key_validator

from imhs import encryption


class Role(models.TextChoices):
    REFERRER = "referrer", "Referrer"
    TEAM_MEMBER = "team_member", "Team member"
    SERVICE_LEAD = "service_lead", "Service lead"


class Profession(models.TextChoices):
    # Referrers (the design's accepted referrer types).
    HEALTH_VISITOR = "health_visitor", "Health visitor"
    FAMILY_NURSE = "family_nurse", "Family nurse (Family Nurse Partnership)"
    NURSERY = "nursery", "Nursery or early learning centre practitioner"
    MNPI = "mnpi", "Maternity and Neonatal Psychological Intervention (MNPI) practitioner"
    PMHT = "pmht", "Perinatal Mental Health Team (PMHT) practitioner"
    # The Infant Mental Health Team.
    CHILD_PSYCHOTHERAPIST = "child_psychotherapist", "Child psychotherapist"
    CLINICAL_PSYCHOLOGIST = "clinical_psychologist", "Clinical psychologist"
    CHILD_PSYCHIATRIST = "child_psychiatrist", "Child psychiatrist"
    SOCIAL_WORKER = "social_worker", "Social worker"
    EARLY_YEARS_PRACTITIONER = "early_years_practitioner", "Early years practitioner"


REFERRER_PROFESSIONS = frozenset(
    {
        Profession.HEALTH_VISITOR,
        Profession.FAMILY_NURSE,
        Profession.NURSERY,
        Profession.MNPI,
        Profession.PMHT,
    }
)
TEAM_PROFESSIONS = frozenset(set(Profession) - REFERRER_PROFESSIONS)

# The professional group each team profession reports under (who saw the family, in the
# monthly figures): it follows from the profession, so it is never typed.
PROFESSIONAL_GROUPS = {
    Profession.CHILD_PSYCHOTHERAPIST: "Psychotherapy",
    Profession.CLINICAL_PSYCHOLOGIST: "Psychology",
    Profession.CHILD_PSYCHIATRIST: "Medical",
    Profession.SOCIAL_WORKER: "Social work",
    Profession.EARLY_YEARS_PRACTITIONER: "Early years",
}
STAFF_ROLES = frozenset({Role.TEAM_MEMBER, Role.SERVICE_LEAD})


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, email):
        # Sign-in names are case-insensitive: "Jo.Bloggs@..." and "jo.bloggs@..." are one user.
        return self.get(email__iexact=email)

    def create_user(self, email, password=None, **fields):
        if not email:
            raise ValueError("A user needs an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **fields):
        fields.setdefault("role", Role.SERVICE_LEAD)
        fields["is_superuser"] = True
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in: a referrer, a team member or a service lead.

    Parents and carers never have an account; they use a secure link (issue 7).
    """

    email = models.EmailField("email address", max_length=254, unique=True)
    given_name = models.CharField(max_length=150)
    family_name = models.CharField(max_length=150)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.REFERRER)
    profession = models.CharField(max_length=40, choices=Profession.choices, blank=True)
    job_title = models.CharField(max_length=150, blank=True)
    base = models.CharField(
        max_length=200, blank=True, help_text="Organisation, team or nursery the person works from."
    )
    work_phone = models.CharField(max_length=30, blank=True)
    is_active = models.BooleanField(
        default=True, help_text="Untick instead of deleting: a person's actions stay on record."
    )
    date_joined = models.DateTimeField(default=timezone.now)
    # Raised to end every other session of the user: a new second factor, or one reset by a
    # service lead. Part of the session hash, as the password is (see _get_session_auth_hash).
    session_generation = models.PositiveIntegerField(default=0, editable=False)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["given_name", "family_name"]

    class Meta:
        ordering = ["family_name", "given_name"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="imhs_user_email_ci_unique"),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="imhs_user_role_valid"
            ),
            # A referrer's profession is one of the accepted referrer types; a team member's is
            # a team profession. Service leads may be either (or blank, for an administrator).
            models.CheckConstraint(
                condition=~models.Q(role=Role.REFERRER)
                | models.Q(profession__in=sorted(REFERRER_PROFESSIONS)),
                name="imhs_user_referrer_profession",
            ),
            models.CheckConstraint(
                condition=~models.Q(role=Role.TEAM_MEMBER)
                | models.Q(profession__in=sorted(TEAM_PROFESSIONS)),
                name="imhs_user_team_profession",
            ),
        ]

    def __str__(self):
        return self.full_name or self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def _get_session_auth_hash(self, secret=None):
        # Django ends sessions whose stored hash no longer matches: a new password does that,
        # and so does a raised session_generation (imhs.accounts.sessions.end_other_sessions).
        return salted_hmac(
            "imhs.User.session_auth_hash",
            f"{self.password}|{self.session_generation}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    @property
    def full_name(self):
        return f"{self.given_name} {self.family_name}".strip()

    def get_full_name(self):
        return self.full_name

    @property
    def professional_group(self):
        return PROFESSIONAL_GROUPS.get(self.profession, "Other")

    def get_short_name(self):
        return self.given_name

    @property
    def is_staff(self):
        # Admin access follows the role, so it can never drift out of step with it.
        return self.is_active and self.role in STAFF_ROLES

    @property
    def is_referrer(self):
        return self.role == Role.REFERRER

    @property
    def is_team(self):
        """Team members and service leads: the people who triage."""
        return self.role in STAFF_ROLES

    @property
    def is_service_lead(self):
        return self.role == Role.SERVICE_LEAD


class AuditAction(models.TextChoices):
    SIGN_IN = "sign_in", "Signed in"
    SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
    SIGN_OUT = "sign_out", "Signed out"
    PASSWORD_CHANGED = "password_changed", "Password changed"
    PASSWORD_RESET_REQUESTED = "password_reset_requested", "Password reset requested"
    PASSWORD_RESET_COMPLETED = "password_reset_completed", "Password reset completed"
    ACCESS_DENIED = "access_denied", "Access denied"
    SESSION_ENDED = "session_ended", "Session ended"
    SECOND_FACTOR_ADDED = "second_factor_added", "Second factor set up"
    SECOND_FACTOR_VERIFIED = "second_factor_verified", "Second factor accepted"
    SECOND_FACTOR_FAILED = "second_factor_failed", "Second factor refused"
    SECOND_FACTOR_RESET = "second_factor_reset", "Second factor reset"
    BACKUP_CODES_ISSUED = "backup_codes_issued", "Backup codes issued"
    LOCKOUT_CLEARED = "lockout_cleared", "Lockout cleared"
    VIEW = "view", "Viewed"
    CREATE = "create", "Created"
    CHANGE = "change", "Changed"
    DELETE = "delete", "Deleted"
    EXPORT = "export", "Exported or printed"
    IMPORT = "import", "Imported reference data"


class AuditEvent(models.Model):
    """One thing someone did. Append-only: PostgreSQL rejects UPDATE and DELETE (migration 0002).

    Write these only through `imhs.audit.record`.
    """

    at = models.DateTimeField(default=timezone.now, db_index=True)
    # PROTECT: users are deactivated, never deleted, so their trail stays whole (and SET_NULL
    # would need an UPDATE, which the trigger refuses).
    actor = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="audit_events"
    )
    action = models.CharField(max_length=40, choices=AuditAction.choices)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=100, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id", "-at"], name="imhs_audit_object_idx"),
            models.Index(fields=["actor", "-at"], name="imhs_audit_actor_idx"),
            models.Index(fields=["action", "-at"], name="imhs_audit_action_idx"),
        ]

    def __str__(self):
        return f"{self.get_action_display()} {self.object_type} {self.object_id}".strip()


class AuthenticatorDevice(TOTPDevice):
    """A user's authenticator app: django-otp's TOTPDevice with its key encrypted at rest
    (ADR 0009).

    django-otp's `key` column is too short for a Fernet token, so the encrypted key lives in this
    model's own table and `key` holds a placeholder that is not hex: django-otp's plain
    TOTPDevice, handed one of these rows, fails with an error rather than check codes against
    an empty or known key. Everything else (steps, the window, the throttle, the last step
    used) is django-otp's own.
    """

    KEY_PLACEHOLDER = "encrypted"

    encrypted_key = models.TextField(editable=False)

    class Meta:
        verbose_name = "authenticator app"

    def save(self, *args, **kwargs):
        # A key in clear (django-otp's random default on a new device) is encrypted before it is
        # stored, and only the placeholder is written to django-otp's column.
        if self.key != self.KEY_PLACEHOLDER:
            key_validator(self.key)
            self.encrypted_key = encryption.encrypt(self.key)
            self.key = self.KEY_PLACEHOLDER
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "key", "encrypted_key"}
        elif not self._state.adding and kwargs.get("update_fields") is None:
            # django-otp saves the whole row after each code: leaving the encrypted key as stored
            # means a save racing `rotate_encryption_keys` cannot write back the old key's copy.
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name != "encrypted_key"
            ]
        super().save(*args, **kwargs)

    @property
    def bin_key(self):
        if self.key != self.KEY_PLACEHOLDER:  # not saved yet
            return unhexlify(self.key.encode())
        return unhexlify(encryption.decrypt(self.encrypted_key).encode())


class BackupCodeDevice(Device):
    """A user's single-use backup codes, for when their phone is lost or flat.

    A django-otp device, so a session verified with a backup code is verified like one
    verified with the app. Only each code's SHA-256 is kept: the codes carry 80 random bits,
    so a fast hash is enough (as for parents' link tokens), and the page shows them once.
    Wrong codes count against the same throttle as the app's codes (one per user, kept on the
    authenticator app's row): imhs.accounts.second_factor.verify applies it.
    """

    class Meta(Device.Meta):
        verbose_name = "backup codes"
        verbose_name_plural = "backup codes"

    def verify_token(self, token):
        # Marking the code used in the same UPDATE that finds it makes it single-use even when
        # two requests race with it.
        used = self.codes.filter(code_hash=BackupCode.hash_of(token), used_at__isnull=True).update(
            used_at=timezone.now()
        )
        return bool(used)

    def remaining(self):
        return self.codes.filter(used_at__isnull=True).count()


class BackupCode(models.Model):
    device = models.ForeignKey(BackupCodeDevice, on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["device", "code_hash"], name="imhs_backupcode_unique_per_device"
            )
        ]

    def __str__(self):
        return "used backup code" if self.used_at else "unused backup code"

    @staticmethod
    def hash_of(code):
        """The stored form of a code, however it was typed (spaces, hyphens, lower case)."""
        normalised = "".join(ch for ch in str(code).upper() if ch.isalnum())
        return hashlib.sha256(normalised.encode()).hexdigest()
