"""Who uses the service (User) and the record of what they did (AuditEvent)."""

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone


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

    @property
    def full_name(self):
        return f"{self.given_name} {self.family_name}".strip()

    def get_full_name(self):
        return self.full_name

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
