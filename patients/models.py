"""Who a referral is about (infants, their carers) and the reference data eligibility reads
(GP practices, postcodes).

Clinical records (Infant, Carer, CareRelationship) are never cascade-deleted: PROTECT keeps a
baby's record from vanishing with a carer's, or a practice's.
"""

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from phonenumber_field.modelfields import PhoneNumberField

from patients import ages
from patients.catchment import CATCHMENT
from patients.chi import validate_chi_field

# GSS codes of Scotland's 14 territorial health boards (2019 codes, as in PHS and NRS files).
HEALTH_BOARD_NAMES = {
    "S08000015": "Ayrshire and Arran",
    "S08000016": "Borders",
    "S08000017": "Dumfries and Galloway",
    "S08000019": "Forth Valley",
    "S08000020": "Grampian",
    "S08000022": "Highland",
    "S08000024": "Lothian",
    "S08000025": "Orkney",
    "S08000026": "Shetland",
    "S08000028": "Western Isles",
    "S08000029": "Fife",
    "S08000030": "Tayside",
    "S08000031": "Greater Glasgow and Clyde",
    CATCHMENT.board_code: CATCHMENT.name,
}


class GPPractice(models.Model):
    """A GP practice, from Public Health Scotland's "GP Practice Contact Details and List Sizes".

    Every board's practices are kept, so the eligibility check can tell "in another board" from
    "unknown". A practice missing from a newer file is made inactive, never deleted.
    """

    code = models.CharField(
        "practice code", max_length=5, unique=True, help_text="PHS 5-digit practice code."
    )
    name = models.CharField(max_length=200)
    address_line_1 = models.CharField(max_length=200, blank=True)
    address_line_2 = models.CharField(max_length=200, blank=True)
    address_line_3 = models.CharField(max_length=200, blank=True)
    address_line_4 = models.CharField(max_length=200, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    telephone = models.CharField(max_length=30, blank=True)
    health_board_code = models.CharField(max_length=9, help_text="GSS code, e.g. S08000032.")
    hscp_code = models.CharField("HSCP code", max_length=9, blank=True)
    list_size = models.PositiveIntegerField(null=True, blank=True)
    active = models.BooleanField(
        default=True, help_text="Inactive: no longer in the latest PHS file."
    )
    imported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "GP practice"
        ordering = ["name"]
        indexes = [
            models.Index(fields=["health_board_code", "active"], name="patients_gp_board_idx"),
            models.Index(fields=["name"], name="patients_gp_name_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[0-9]{5}$"), name="patients_gp_code_5_digits"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.code})"

    @property
    def in_catchment(self):
        return self.health_board_code == CATCHMENT.board_code

    @property
    def address(self):
        lines = [self.address_line_1, self.address_line_2, self.address_line_3]
        return ", ".join(filter(None, [*lines, self.address_line_4, self.postcode]))


class Postcode(models.Model):
    """A full postcode from the Scottish Postcode Directory (National Records of Scotland)."""

    postcode = models.CharField(max_length=8, unique=True, help_text='Normalised: "ML5 3BJ".')
    health_board_code = models.CharField(max_length=9)
    council_area_code = models.CharField(max_length=9)

    class Meta:
        ordering = ["postcode"]
        indexes = [models.Index(fields=["health_board_code"], name="patients_pc_board_idx")]

    def __str__(self):
        return self.postcode


class DataSet(models.TextChoices):
    """The reference data sets eligibility reads, each imported from its publisher's file."""

    POSTCODES = "postcodes", "Scottish Postcode Directory (postcodes)"
    GP_PRACTICES = "gp_practices", "GP practices (Public Health Scotland)"


class ReferenceImport(models.Model):
    """One successful import of a reference data set: when, by whom, what it changed. The latest
    per data set is the date pages showing eligibility give, and warn about when old (a stale
    table can tell an eligible baby it lives outside the area: docs/safety/hazard-log.md)."""

    data_set = models.CharField(max_length=20, choices=DataSet.choices)
    imported_at = models.DateTimeField()
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    counts = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-imported_at"]
        indexes = [
            models.Index(fields=["data_set", "-imported_at"], name="patients_refimport_idx"),
        ]

    def __str__(self):
        return f"{self.get_data_set_display()}, {self.imported_at:%Y-%m-%d}"


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    NOT_KNOWN = "not_known", "Not known"


class LivesWith(models.TextChoices):
    PARENTS = "parents", "Parents"
    KINSHIP_CARERS = "kinship_carers", "Kinship carers"
    FOSTER_CARERS = "foster_carers", "Foster carers"
    OTHER = "other", "Other"


class GPRegistration(models.TextChoices):
    LISTED = "listed", "Registered with a practice in the list"
    NOT_LISTED = "not_listed", "Registered, but the practice could not be found"
    NOT_REGISTERED = "not_registered", "Not registered with a GP"


class Infant(models.Model):
    """The baby a referral is about. Many fields may be blank while a referral is a draft."""

    given_name = models.CharField(max_length=150)
    family_name = models.CharField(max_length=150)
    date_of_birth = models.DateField(null=True, blank=True)
    # Not a key: a CHI number can change (on adoption, for one).
    chi_number = models.CharField(
        "CHI number", max_length=10, blank=True, validators=[validate_chi_field]
    )
    sex = models.CharField(max_length=10, choices=Sex.choices, blank=True)
    address_line_1 = models.CharField(max_length=200, blank=True)
    address_line_2 = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=8, blank=True, help_text='Normalised: "ML5 3BJ".')
    gp_registration = models.CharField(
        "GP registration", max_length=20, choices=GPRegistration.choices, blank=True
    )
    gp_practice = models.ForeignKey(
        GPPractice,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="infants",
        verbose_name="GP practice",
    )
    gp_practice_not_listed = models.CharField(
        "GP practice (not in the list)",
        max_length=200,
        blank=True,
        help_text="What the referrer typed when the practice could not be found.",
    )
    lives_with = models.CharField(max_length=20, choices=LivesWith.choices, blank=True)
    nursery = models.CharField("nursery or early learning centre", max_length=200, blank=True)
    first_language = models.CharField(max_length=100, blank=True)
    interpreter_needed = models.BooleanField(default=False)
    additional_needs = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["family_name", "given_name"]
        indexes = [
            models.Index(fields=["chi_number"], name="patients_infant_chi_idx"),
            models.Index(fields=["postcode"], name="patients_infant_postcode_idx"),
            models.Index(fields=["family_name", "given_name"], name="patients_infant_name_idx"),
            models.Index(fields=["date_of_birth"], name="patients_infant_dob_idx"),
            # The search by name (referrals' ReferralQuerySet.search): pg_trgm on the names as
            # Django's case-insensitive lookups compare them, UPPER(name) LIKE UPPER('%word%').
            GinIndex(
                OpClass(Upper("given_name"), name="gin_trgm_ops"),
                OpClass(Upper("family_name"), name="gin_trgm_ops"),
                name="patients_infant_name_trgm_idx",
            ),
        ]
        constraints = [
            # The practice and the registration answer travel together.
            models.CheckConstraint(
                condition=(
                    Q(gp_registration=GPRegistration.LISTED, gp_practice__isnull=False)
                    | (~Q(gp_registration=GPRegistration.LISTED) & Q(gp_practice__isnull=True))
                ),
                name="patients_infant_gp_practice_paired",
            ),
            models.CheckConstraint(
                condition=(
                    Q(gp_registration=GPRegistration.NOT_LISTED) & ~Q(gp_practice_not_listed="")
                )
                | (~Q(gp_registration=GPRegistration.NOT_LISTED) & Q(gp_practice_not_listed="")),
                name="patients_infant_gp_not_listed_paired",
            ),
            models.CheckConstraint(
                condition=Q(chi_number="") | Q(chi_number__regex=r"^[0-9]{10}$"),
                name="patients_infant_chi_10_digits",
            ),
        ]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self):
        return f"{self.given_name} {self.family_name}".strip()

    @property
    def third_birthday(self):
        """The day the service's age limit is reached (29 February births: 1 March)."""
        return ages.third_birthday(self.date_of_birth) if self.date_of_birth else None

    def age_in_months(self, on):
        return ages.age_in_months(self.date_of_birth, on) if self.date_of_birth else None


class ContactMethod(models.TextChoices):
    PHONE = "phone", "Phone call"
    TEXT = "text", "Text message"
    EMAIL = "email", "Email"
    LETTER = "letter", "Letter"


class Carer(models.Model):
    """A parent or carer. One person, however many of the children they care for are referred."""

    given_name = models.CharField(max_length=150)
    family_name = models.CharField(max_length=150)
    phone = PhoneNumberField(blank=True, region="GB")
    email = models.EmailField(blank=True)
    preferred_contact_method = models.CharField(
        max_length=10, choices=ContactMethod.choices, blank=True
    )
    first_language = models.CharField(max_length=100, blank=True)
    interpreter_needed = models.BooleanField(default=False)
    # Blank when the carer lives at the baby's address.
    address_line_1 = models.CharField(max_length=200, blank=True)
    address_line_2 = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["family_name", "given_name"]
        indexes = [
            models.Index(fields=["family_name", "given_name"], name="patients_carer_name_idx"),
        ]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self):
        return f"{self.given_name} {self.family_name}".strip()


class Relationship(models.TextChoices):
    MOTHER = "mother", "Mother"
    FATHER = "father", "Father"
    KINSHIP_CARER = "kinship_carer", "Kinship carer"
    OTHER = "other", "Other"


class CareRelationship(models.Model):
    """How one carer relates to one infant: twins' mother has two of these, one Carer."""

    infant = models.ForeignKey(Infant, on_delete=models.PROTECT, related_name="care_relationships")
    carer = models.ForeignKey(Carer, on_delete=models.PROTECT, related_name="care_relationships")
    relationship = models.CharField(max_length=20, choices=Relationship.choices)
    relationship_other = models.CharField(
        "relationship (other)", max_length=100, blank=True, help_text="When 'Other' is chosen."
    )
    has_parental_responsibility = models.BooleanField(default=False)
    lives_with_infant = models.BooleanField(default=True)
    is_main_carer = models.BooleanField(default=False)

    class Meta:
        ordering = ["-is_main_carer", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["infant", "carer"], name="patients_carerel_one_per_pair"
            ),
            models.UniqueConstraint(
                fields=["infant"],
                condition=Q(is_main_carer=True),
                name="patients_carerel_one_main_carer",
            ),
            models.CheckConstraint(
                condition=(Q(relationship=Relationship.OTHER) & ~Q(relationship_other=""))
                | (~Q(relationship=Relationship.OTHER) & Q(relationship_other="")),
                name="patients_carerel_other_paired",
            ),
        ]

    def __str__(self):
        return f"{self.carer}, {self.get_relationship_display().lower()} of {self.infant}"
