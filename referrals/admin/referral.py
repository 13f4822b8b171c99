"""Admin for referrals: triage through the workflow, every view and change audited.

The referral change page edits no field of the referral. A referral is the referrer's statement
plus the team's decisions, and every decision has to leave a ReferralEvent, an AuditEvent and
(sometimes) an email to the referrer: so decisions are made through the action buttons, which
call referrals.workflow, and the only thing the page's own form saves is a new team note
(through workflow.add_note). Its hidden version still refuses a save from a page opened before
someone else changed the referral, so nobody adds a note to a referral they have not seen as it
is now.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join

from imhs import audit
from imhs.accounts.access import deny, record_refusal
from imhs.admin.mixins import AuditedAdminMixin, LabelledTabularInline
from imhs.models import STAFF_ROLES, AuditAction, User
from imhs.nhsuk.fields import PARTS, DateInputWidget
from patients import reference_data
from patients.chi import format_chi
from referrals import presenters, workflow
from referrals.drafts import parse_version
from referrals.labels import ELIGIBILITY_LABELS
from referrals.models import (
    Appointment,
    AppointmentPlace,
    Attendance,
    InformationRequest,
    Referral,
    ReferralEvent,
    Status,
    TeamNote,
    Unavailability,
)
from referrals.referrer.forms import about_you, consent
from referrals.team import presenters as team_presenters
from referrals.team.forms.appointments import (
    AttendanceForm,
    BookAppointmentForm,
    CancelAppointmentForm,
    RebookAppointmentForm,
    RemoveUnavailabilityForm,
    UnavailabilityForm,
)
from referrals.team.forms.triage import FORMS as TRIAGE_FORMS

# The admin's action pages use the team's own forms: the referral's actions (triage, booking,
# the family's unavailability) and those on one of its rows (an appointment, a period).
ACTION_FORMS = {
    **TRIAGE_FORMS,
    BookAppointmentForm.action: BookAppointmentForm,
    UnavailabilityForm.action: UnavailabilityForm,
}
ROW_FORMS = {
    form.action: form
    for form in (
        AttendanceForm,
        CancelAppointmentForm,
        RebookAppointmentForm,
        RemoveUnavailabilityForm,
    )
}
# Each kind of row: the keyword its forms take it by, the related name that finds it on the
# referral, and the actions on it.
ROWS = {
    "appointment": (
        "appointment",
        "appointments",
        {"record_attendance", "cancel_appointment", "rebook_appointment"},
    ),
    "unavailability": ("period", "unavailability", {"remove_unavailability"}),
}


class StatusFilter(admin.SimpleListFilter):
    """Statuses the admin lists (drafts belong to their referrer and are never listed)."""

    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [(value, label) for value, label in Status.choices if value != Status.DRAFT]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(status=self.value())
        return queryset


class ReferrerProfessionFilter(admin.SimpleListFilter):
    title = "referrer's profession"
    parameter_name = "referrer_profession"

    def lookups(self, request, model_admin):
        return about_you.PROFESSION_CHOICES

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(referrer_profession=self.value())
        return queryset


class EligibilityFilter(admin.SimpleListFilter):
    """The outcomes in the team dashboard's words (the column stores the eligibility module's
    codes, which Django's own filter would list as they are)."""

    title = "eligibility outcome"
    parameter_name = "eligibility_outcome"

    def lookups(self, request, model_admin):
        return [(outcome, label) for outcome, (label, _tag) in ELIGIBILITY_LABELS.items()]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(eligibility_outcome=self.value())
        return queryset


class AllocatedToFilter(admin.SimpleListFilter):
    """The staff a referral can be allocated to, read from the team's users (one short query):
    Django's RelatedOnlyFieldListFilter finds them by reading every referral on every page. The
    parameter keeps the name Django's filter gave it, so bookmarked lists still work."""

    title = "allocated to"
    parameter_name = "allocated_to__id__exact"
    NOT_ALLOCATED = "none"

    def lookups(self, request, model_admin):
        staff = User.objects.filter(role__in=STAFF_ROLES).order_by("family_name", "given_name")
        return [
            *(
                (str(user.pk), user.full_name if user.is_active else f"{user.full_name} (left)")
                for user in staff.only("given_name", "family_name", "is_active")
            ),
            (self.NOT_ALLOCATED, "Not allocated"),
        ]

    def queryset(self, request, queryset):
        if self.value() == self.NOT_ALLOCATED:
            return queryset.filter(allocated_to__isnull=True)
        if self.value():
            try:
                return queryset.filter(allocated_to_id=int(self.value()))
            except ValueError as error:  # the changelist's "?e=1", as Django's own filter does
                raise IncorrectLookupParameters(error) from error
        return queryset


class CappedCountPaginator(Paginator):
    """Counts at most CAP referrals: the whole list would be a COUNT over every referral on
    every page, which grows with the years kept. Past the cap the list says "more than" and
    links its first CAP ÷ 50 pages, newest first; a filter or a search narrows it."""

    CAP = 5_000  # 100 pages of 50

    @cached_property
    def count(self):
        # COUNT(*) over a subquery with LIMIT: it stops reading at CAP + 1 rows. Unordered:
        # any CAP + 1 rows count the same, and an ordered subquery would sort them all first.
        return self.object_list.order_by()[: self.CAP + 1].count()

    @property
    def capped(self):
        return self.count > self.CAP

    @property
    def cap_words(self):
        return f"{self.CAP:,}"

    @cached_property
    def num_pages(self):
        # The pages of the rows counted (CAP is a whole number of pages).
        return super().num_pages if not self.capped else -(-self.CAP // self.per_page)


class OfThisReferral(forms.BaseInlineFormSet):
    """Each row's referral is the page's: every row's name ("Assessment on 2026-03-03
    (IMH-2026-00042)") would otherwise read the referral again, one query a row."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        setattr(form.instance, self.fk.name, self.instance)
        return form


class ReadOnlyInline(admin.TabularInline):
    formset = OfThisReferral
    extra = 0
    can_delete = False
    show_change_link = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReferralEventInline(ReadOnlyInline):
    model = ReferralEvent
    verbose_name = "status change"
    verbose_name_plural = "status history"
    fields = ["at", "from_status", "to_status", "by", "note"]

    def get_queryset(self, request):
        # Every appointment action adds an event: one query for all their authors.
        return super().get_queryset(request).select_related("by")


class InformationRequestInline(ReadOnlyInline):
    model = InformationRequest
    verbose_name = "question to the referrer"
    verbose_name_plural = "questions to the referrer"
    fields = ["asked_at", "asked_by", "question", "answered_at", "answer"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("asked_by")


class WithActionLinks(ReadOnlyInline):
    """A read-only inline whose rows link to the workflow actions open on them (the admin's
    action pages, which call referrals.workflow): shown only to those who may change the
    referral. Each link carries the referral's version the page showed."""

    row_kind = ""  # the admin URL's word for the row: "appointment", "unavailability"

    def get_fields(self, request, obj=None):
        fields = list(self.fields)
        if request.user.has_perm("referrals.change_referral"):
            fields.append("row_actions")
        return fields

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    def open_actions(self, row):
        return []

    @admin.display(description="actions")
    def row_actions(self, row):
        referral = row.referral
        if not workflow.allowed(referral, "book_appointment"):
            return "-"
        links = [
            (
                reverse(
                    f"admin:referrals_referral_{self.row_kind}_action",
                    args=[referral.pk, row.pk, action],
                )
                + f"?version={referral.version}",
                ROW_FORMS[action].title,
            )
            for action in self.open_actions(row)
        ]
        if not links:
            return "-"
        return format_html(
            '<ul class="imhs-row-actions">{}</ul>',
            format_html_join("", '<li><a href="{}">{}</a></li>', links),
        )


class AppointmentInline(WithActionLinks):
    """The case's appointments as they were recorded. Booked, rebooked, cancelled and their
    outcomes recorded only through the workflow (the action links, as on the team's pages),
    never edited here."""

    row_kind = "appointment"

    model = Appointment
    verbose_name = "appointment"
    verbose_name_plural = "appointments"
    fields = [
        "on",
        "time",
        "purpose",
        "mode",
        "location",
        "who",
        "attendance",
        "cancelled_on",
        "rebooked",
    ]

    def get_queryset(self, request):
        # However many appointments and people: one query for the rows, one for their staff.
        return super().get_queryset(request).select_related("rebooked_as").prefetch_related("staff")

    def open_actions(self, row):
        if row.attendance == Attendance.BOOKED:
            actions = ["rebook_appointment", "cancel_appointment"]
            # Its outcome once its day has come (record_attendance refuses one before).
            if row.on <= timezone.localdate():
                actions.insert(0, "record_attendance")
            return actions
        return ["record_attendance"] if row.attendance == Attendance.NOT_KNOWN else []

    @admin.display(description="who")
    def who(self, obj):
        return ", ".join(person.full_name for person in obj.staff.all()) or "-"

    @admin.display(description="rebooked as")
    def rebooked(self, obj):
        new = obj.rebooked_as
        if new is None:
            return "-"
        # As the row's own date and time columns write them.
        day = date_format(new.on)
        return f"{day}, {time_format(new.time)}" if new.time else day


class UnavailabilityInline(WithActionLinks):
    """Days the family could not come, which pause the clock; recorded and removed only
    through the workflow."""

    row_kind = "unavailability"

    def open_actions(self, row):
        return ["remove_unavailability"]

    model = Unavailability
    verbose_name = "period the family was unavailable"
    verbose_name_plural = "the family's unavailability (pauses the clock)"
    fields = ["start", "end", "reason", "recorded_by", "recorded_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("recorded_by")


class TeamNoteInline(LabelledTabularInline):
    """Existing notes read only; the empty row adds one through workflow.add_note (see
    ReferralAdmin.save_formset). Notes are never changed or deleted."""

    model = TeamNote
    verbose_name = "team note"
    verbose_name_plural = "team notes (never shown to the referrer or the family)"
    formset = OfThisReferral
    fields = ["at", "by", "text"]
    readonly_fields = ["at", "by"]
    extra = 1
    can_delete = False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "text":
            field.required = False  # an empty row adds nothing
            field.label = "team note"  # the column's heading, and the box's name
            field.widget.attrs["rows"] = 3
        return field


class ReferralAdminForm(forms.ModelForm):
    """Edits no field of the referral; carries the version the page was opened on."""

    opened_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Referral
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opened_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        # self.instance was read from the database for this request: it is the latest version.
        if parse_version(self.data.get(self.add_prefix("opened_version"))) != self.instance.version:
            # The page is drawn again with the latest details: saving again is then deliberate.
            self.data = self.data.copy()
            self.data[self.add_prefix("opened_version")] = self.instance.version
            raise ValidationError(workflow.StaleVersion(self.instance).message, code="stale")
        return cleaned


class LabelledDateWidget(DateInputWidget):
    """The team's date boxes as the admin draws them: each box with its label ("Day",
    "Month", "Year"). On the team's pages the NHS.UK template pack writes those labels; the
    admin's action page draws the widget itself."""

    def render(self, name, value, attrs=None, renderer=None):
        boxes = self.get_context(name, value, attrs)["widget"]["subwidgets"]
        return format_html_join(
            "",
            '<span class="imhs-date-part"><label for="{}">{}</label>{}</span>',
            (
                (
                    box["attrs"].get("id", ""),
                    self.part_label(part),
                    widget.render(box["name"], box["value"], box["attrs"], renderer),
                )
                for part, box, widget in zip(PARTS, boxes, self.widgets, strict=True)
            ),
        )


def admin_action_form(form):
    """A triage form drawn in the admin: its date boxes labelled (see LabelledDateWidget)."""
    for field in form.fields.values():
        if isinstance(field.widget, DateInputWidget):
            field.widget = LabelledDateWidget(attrs=field.widget.attrs)
    return form


ACTION_PATH = "<path:object_id>/action/<str:action>/"


@admin.register(Referral)
class ReferralAdmin(AuditedAdminMixin, admin.ModelAdmin):
    form = ReferralAdminForm
    change_form_template = "admin/referrals/referral/change_form.html"
    action_form_template = "admin/referrals/referral/action_form.html"
    list_display = [
        "reference",
        "baby",
        "status",
        "received",
        "outcome",
        "priority",
        "allocated_to",
        "possible_duplicate",
    ]
    list_filter = [
        StatusFilter,
        EligibilityFilter,
        "priority",
        "possible_duplicate",
        ReferrerProfessionFilter,
        AllocatedToFilter,
    ]
    search_fields = [
        "reference",
        "infant__given_name",
        "infant__family_name",
        "infant__chi_number",
        "infant__postcode",
    ]
    search_help_text = "Reference, baby's name, CHI number or postcode."
    list_select_related = ["infant", "allocated_to"]
    # Flat at any number of referrals (issue 18): no COUNT of the whole table beside the
    # page's own (capped: CappedCountPaginator), no date hierarchy (its MIN, MAX and DISTINCT
    # years read every referral), filters whose choices are fixed or read from the staff, and
    # the order the index on (submitted_at, reference) serves.
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER  # a count for each filter's every choice
    paginator = CappedCountPaginator
    ordering = ["-submitted_at", "-reference"]
    list_per_page = 50
    inlines = [
        ReferralEventInline,
        AppointmentInline,
        UnavailabilityInline,
        InformationRequestInline,
        TeamNoteInline,
    ]
    fieldsets = [
        (
            "Referral",
            {
                "fields": [
                    "reference",
                    "status",
                    "submitted_at",
                    "waiting",
                    "infant",
                    "chi",
                    "outcome",
                    "eligibility_checks",
                    "possible_duplicate",
                    "residence_override_reason",
                    "gp_practice_override_reason",
                ]
            },
        ),
        (
            "Triage and decision",
            {
                "fields": [
                    "review_started_by",
                    "review_started_at",
                    "priority",
                    "allocated_to",
                    "allocated_at",
                    "decided_by",
                    "decided_at",
                    "decline_reason",
                    "signposted_to",
                    "signposted_other",
                    "decision_explanation",
                    "treatment_started_on",
                    "closed_on",
                    "close_reason",
                    "close_note",
                    "withdraw_reason",
                ]
            },
        ),
        (
            "Referrer",
            {
                "fields": [
                    "referrer",
                    "submitted_by",
                    *("profession" if f == "referrer_profession" else f for f in about_you.FIELDS),
                ]
            },
        ),
        (
            "Concerns",
            {
                "fields": [
                    "relationship_indicators",
                    "relationship_observed",
                    "emotional_indicators",
                    "emotional_observed",
                    "cognitive_indicators",
                    "cognitive_observed",
                    "sense_of_self_indicators",
                    "sense_of_self_observed",
                    "social_interaction_indicators",
                    "social_interaction_observed",
                    "concerns_duration",
                    "why_now",
                    "support_tried",
                    "family_hopes",
                ]
            },
        ),
        (
            "Safety",
            {
                "fields": [
                    "child_protection_concerns",
                    "child_protection_plan",
                    "child_protection_details",
                    "other_risks",
                ]
            },
        ),
        (
            "Consent and the family's views",
            {"fields": ["places" if f == "appointment_places" else f for f in consent.FIELDS]},
        ),
        ("Record", {"classes": ["collapse"], "fields": ["created_at", "updated_at", "version"]}),
    ]

    # --- the list ---------------------------------------------------------------------------

    @admin.display(description="baby", ordering="infant__family_name")
    def baby(self, obj):
        return obj.infant.full_name

    @admin.display(description="received", ordering="submitted_at")
    def received(self, obj):
        return obj.received_on

    def get_queryset(self, request):
        # Drafts belong to their referrer: the team sees a referral once it is sent.
        return super().get_queryset(request).exclude(status=Status.DRAFT)

    def get_search_results(self, request, queryset, search_term):
        # The dashboard's search (Referral.objects.search), not Django's word-by-word one.
        term = search_term.strip()
        return (queryset.search(term) if term else queryset), False

    # --- the change page --------------------------------------------------------------------

    @admin.display(description="CHI number")
    def chi(self, obj):
        return format_chi(obj.infant.chi_number) if obj.infant.chi_number else "-"

    @admin.display(description="referral to treatment")
    def waiting(self, obj):
        # The team page's rows, in its words: when the clock started and why, the days paused,
        # the weeks waited, when the 18 weeks run out, and the 4-week first appointment.
        rows = team_presenters.waiting_times_rows(obj, timezone.localdate())
        if not rows:
            return "-"
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "", "<li><strong>{}:</strong> {}</li>", ((row.label, row.value) for row in rows)
            ),
        )

    # The service's words for the codes the columns store, from where the team's pages take
    # them (the dashboard's outcome labels, the referral page's rule titles and check tags, the
    # referrer's form's choices), so the admin never shows "needs_review" or "health_visitor".

    @admin.display(description="eligibility outcome", ordering="eligibility_outcome")
    def outcome(self, obj):
        return ELIGIBILITY_LABELS.get(obj.eligibility_outcome, ("Not assessed", ""))[0]

    @admin.display(description="eligibility checks at submission")
    def eligibility_checks(self, obj):
        assessment = team_presenters.stored_assessment(obj)
        if assessment is None:
            return "-"
        ages = reference_data.freshness()
        return format_html(
            "<ul>{}</ul><p>{}</p>",
            format_html_join(
                "",
                "<li><strong>{}</strong> ({}): {}</li>",
                (
                    (row.title, row.tag_label, row.message)
                    for row in presenters.eligibility(assessment, obj)["rows"]
                ),
            ),
            " ".join(
                [
                    *(["Warning: the reference data may be out of date."] if ages.stale else []),
                    *(age.words for age in ages.data_sets),
                ]
            ),
        )

    @admin.display(description="referrer's profession")
    def profession(self, obj):
        return dict(about_you.PROFESSION_CHOICES).get(obj.referrer_profession, "-")

    @admin.display(description="where appointments could be")
    def places(self, obj):
        return ", ".join(AppointmentPlace(place).label for place in obj.appointment_places) or "-"

    def get_readonly_fields(self, request, obj=None):
        # Everything: decisions are made through the workflow actions, never by editing fields.
        return [name for _title, options in self.fieldsets for name in options["fields"]]

    def has_add_permission(self, request):
        return False  # referrals are sent by referrers

    def has_delete_permission(self, request, obj=None):
        return False  # clinical records are never deleted; a referral is withdrawn or closed

    def save_model(self, request, obj, form, change):
        # Nothing of the referral is edited here (the form has no fields of it), so nothing is
        # written: a full save would put back every column as it was read, racing the workflow.
        # Team notes are saved, and audited, by save_formset.
        pass

    def save_formset(self, request, form, formset, change):
        notes = []
        # The other inlines are read only: nothing of theirs is ever saved.
        for note_form in formset.extra_forms if formset.model is TeamNote else []:
            text = note_form.cleaned_data.get("text", "") if note_form.has_changed() else ""
            if text.strip():
                notes.append(
                    workflow.add_note(form.instance, by=request.user, text=text, request=request)
                )
        # What Django's change message reads (formset.save() would set these).
        formset.new_objects, formset.changed_objects, formset.deleted_objects = notes, [], []

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is not None:
            extra_context = {
                **(extra_context or {}),
                "workflow_actions": self.action_links(request, obj),
            }
        return super().change_view(request, object_id, form_url, extra_context)

    def action_links(self, request, obj):
        """(label, url) of each workflow action open now. The url carries the version shown,
        so an action decided on this page is refused if the referral changes meanwhile."""
        if not self.has_change_permission(request, obj):
            return []
        names = [*workflow.allowed_actions(obj), "book_appointment", "record_unavailability"]
        return [
            (ACTION_FORMS[name].title, self.action_url(obj, name) + f"?version={obj.version}")
            for name in names
            if name in ACTION_FORMS and workflow.allowed(obj, name)
        ]

    # --- the workflow actions ---------------------------------------------------------------

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                ACTION_PATH,
                self.admin_site.admin_view(self.action_view),
                name="{}_{}_action".format(*info),
            ),
            *(
                path(
                    f"<path:object_id>/{kind}/<int:row_id>/<str:action>/",
                    self.admin_site.admin_view(self.action_view),
                    {"row_kind": kind},
                    name=f"{info[0]}_{info[1]}_{kind}_action",
                )
                for kind in ROWS
            ),
            *super().get_urls(),
        ]

    def action_url(self, obj, action):
        return reverse(
            f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_action",
            args=[obj.pk, action],
        )

    def change_url(self, obj):
        return reverse(
            f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_change",
            args=[obj.pk],
        )

    def action_view(self, request, object_id, action, row_kind=None, row_id=None):
        """One workflow action, with the team page's own form (referrals.team.forms.triage): GET
        shows the form, POST calls the workflow through it.

        A refused action is drawn again with the workflow's message (the team page's words),
        the latest status and everything typed: one no longer open (someone acted first) says
        who did what and when, with no button to send (the text can still be copied); one from
        a page opened before the referral last changed can be checked and sent again. Opening
        an action no longer open goes back to the change page with the message.
        """
        form_class = (ROW_FORMS if row_kind else ACTION_FORMS).get(action)
        obj = self.get_object(request, object_id)
        if obj is None:
            record_refusal(request, self.opts.label_lower, object_id)
        if form_class is None or obj is None:
            raise Http404
        if not self.has_change_permission(request, obj):
            deny(request, obj)
        # An appointment or a period is looked up through its referral: another's is a 404.
        row = {}
        if row_kind:
            keyword, related, actions = ROWS[row_kind]
            found = getattr(obj, related).filter(pk=row_id).first()
            if found is None or action not in actions:
                record_refusal(request, f"referrals.{row_kind}", row_id)
                raise Http404
            row = {keyword: found}
        if request.method == "POST":
            version = request.POST.get("version")
            form = admin_action_form(form_class(request.POST, referral=obj, **row))
            if form.is_valid():
                try:
                    updated = form.apply(obj, by=request.user, version=version, request=request)
                except workflow.Conflict as conflict:
                    # Someone acted first, or the referral changed since the page was opened:
                    # the form is drawn again with who did what, the latest status and all
                    # that was typed (an explanation can be long), to send again or copy.
                    form.add_error(None, conflict.message)
                    obj, version = conflict.referral, conflict.referral.version
                except ValueError as error:
                    form.add_error(None, str(error))
                else:
                    messages.success(request, form.success(updated))
                    return HttpResponseRedirect(self.change_url(obj))
        else:
            if not workflow.allowed(obj, action):
                messages.error(request, workflow.TransitionNotAllowed(obj, action).message)
                return HttpResponseRedirect(self.change_url(obj))
            audit.record(AuditAction.VIEW, by=request.user, obj=obj, request=request)
            opened = parse_version(request.GET.get("version"))
            version = opened if opened > 0 else obj.version
            form = admin_action_form(form_class(referral=obj, **row))
        context = {
            **self.admin_site.each_context(request),
            "title": f"{form.title}: {obj.reference}",
            "opts": self.opts,
            "original": obj,
            "baby": obj.infant.full_name,
            "row": next(iter(row.values()), None),
            "form": form,
            # An action no longer open keeps its typed text on show, without a button to send.
            "can_send": workflow.allowed(obj, action),
            "version": version,
            "change_url": self.change_url(obj),
            "changelist_url": reverse(
                f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_changelist"
            ),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.action_form_template, context)
