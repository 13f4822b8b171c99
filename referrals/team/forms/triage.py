"""The team's triage forms: one small form per action on the team's referral page.

Each form knows the workflow action it stands for (`action`, a name in `referrals.workflow`),
the words of its panel and button, and how to call the workflow with its cleaned data
(`apply`). Several of them share one page, so each gets its own `auto_id` prefix: the ids
of their fields never clash, and the names the browser posts stay plain (`reason`, `note`).

The view supplies `referral=` (for the dates a form checks against) and renders the form with
the `nhsuk` crispy pack; the page provides the <form> tag, the CSRF token, the version and the
button.
"""

from crispy_forms.layout import Layout
from django import forms
from django.utils import timezone

from imhs.models import STAFF_ROLES, User
from imhs.nhsuk.fields import DateInputField
from imhs.nhsuk.forms import NHSForm
from imhs.nhsuk.layout import CharacterCount, Radios
from imhs.nhsuk.text import nhs_date
from referrals import workflow
from referrals.models import CloseReason, DeclineReason, Priority, SignpostService

QUESTION_MAX_LENGTH = 1000
NOTE_MAX_LENGTH = 2000
EXPLANATION_MAX_LENGTH = 2000
REASON_MAX_LENGTH = 1000
SIGNPOSTED_OTHER_MAX_LENGTH = 300  # Referral.signposted_other
OTHER = "other"


class StaffChoiceField(forms.ModelChoiceField):
    """A team member or service lead, by name and job title."""

    def label_from_instance(self, obj):
        return f"{obj.full_name}, {obj.job_title}" if obj.job_title else obj.full_name


def active_staff():
    return User.objects.filter(is_active=True, role__in=STAFF_ROLES).order_by(
        "given_name", "family_name"
    )


class TriageForm(NHSForm):
    """What every triage form has in common (see the module's docstring)."""

    action = ""  # the action's name (workflow.TRANSITIONS) and its URL's slug
    write = None  # the workflow function this form calls, with the cleaned data
    title = ""  # the panel's heading on the page
    submit_label = ""
    success_message = ""
    button_class = "nhsuk-button"

    def __init__(self, data=None, *, referral=None, **kwargs):
        kwargs.setdefault("auto_id", f"{self.action.replace('_', '-')}-%s")
        super().__init__(data, **kwargs)
        self.referral = referral

    def arguments(self):
        """The workflow function's keyword arguments, from the cleaned data."""
        return dict(self.cleaned_data)

    def apply(self, referral, *, by, version, request=None):
        """Call the workflow with the cleaned data. Raises `workflow.Conflict` if the action is
        no longer allowed or the page was out of date."""
        return self.write(referral, by=by, version=version, request=request, **self.arguments())

    def success(self, referral):
        return self.success_message.format(referral=referral)


def _text(label, *, subject, max_length, required_message, help_text="", rows=4, required=True):
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=required,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={
            "required": required_message,
            "max_length": f"{subject} must be {max_length} characters or fewer",
        },
    )


def _not_before_received(form, value, message):
    received_on = form.referral.received_on if form.referral is not None else None
    if value and received_on and value < received_on:
        raise forms.ValidationError(
            message.format(received=nhs_date(received_on)), code="before_received"
        )
    return value


def a_day_so_far(form, value, subject):
    """`value`, a day from the referral's receipt to today: "<subject> must be ..." if not."""
    if value and value > timezone.localdate():
        raise forms.ValidationError(f"{subject} must be today or in the past", code="future")
    return _not_before_received(
        form,
        value,
        f"{subject} must be on or after the date the referral was received ({{received}})",
    )


class StartReviewForm(TriageForm):
    action = "start_review"
    write = staticmethod(workflow.start_review)
    title = "Start reviewing this referral"
    submit_label = "Start review"
    success_message = "You are reviewing this referral. The dashboard shows you as its reviewer."


class RequestInformationForm(TriageForm):
    action = "request_information"
    write = staticmethod(workflow.request_information)
    title = "Ask the referrer for more information"
    submit_label = "Send question"
    success_message = (
        "Your question has been sent. The referrer has been emailed to say there is a question "
        "on their referral page."
    )

    question = _text(
        "Your question to the referrer",
        subject="Your question",
        max_length=QUESTION_MAX_LENGTH,
        required_message="Enter your question to the referrer",
        help_text="The referrer reads it and answers it on their referral page. The email they "
        "get only says there is a question.",
    )

    layout = Layout(CharacterCount("question"))


class AcceptForm(TriageForm):
    action = "accept"
    write = staticmethod(workflow.accept)
    title = "Accept the referral"
    submit_label = "Accept referral"
    success_message = "Referral accepted. The referrer has been emailed."

    priority = forms.ChoiceField(
        label="Priority",
        choices=Priority.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the referral is routine or urgent"},
    )
    allocate_to = StaffChoiceField(
        label="Allocate to",
        queryset=User.objects.none(),
        required=False,
        empty_label="Allocate later",
        help_text="If you allocate later, the dashboard shows the referral as accepted and "
        "awaiting allocation.",
        error_messages={"invalid_choice": "Select a team member from the list, or allocate later"},
    )
    note = _text(
        "Note for the team",
        subject="The note",
        max_length=REASON_MAX_LENGTH,
        required_message="",
        required=False,
        help_text="Goes in the referral's history. Referrers and families do not see it.",
        rows=3,
    )

    layout = Layout(Radios("priority", inline=True), "allocate_to", CharacterCount("note"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["allocate_to"].queryset = active_staff()


class AllocateForm(TriageForm):
    action = "allocate"
    write = staticmethod(workflow.allocate)
    title = "Allocate to a team member"
    submit_label = "Allocate"
    success_message = "Referral allocated to {referral.allocated_to.full_name}."

    to = StaffChoiceField(
        label="Team member",
        queryset=User.objects.none(),
        empty_label="Select a team member",
        error_messages={
            "required": "Select who to allocate the referral to",
            "invalid_choice": "Select who to allocate the referral to",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].queryset = active_staff()
        if self.referral is not None and self.referral.allocated_to_id:
            self.title = "Change who the referral is allocated to"
            self.fields[
                "to"
            ].help_text = f"Allocated now to {self.referral.allocated_to.full_name}."


class DeclineForm(TriageForm):
    action = "decline"
    write = staticmethod(workflow.decline)
    title = "Decline the referral"
    submit_label = "Decline referral"
    success_message = (
        "Referral declined. The referrer has been emailed. Print the letters for the referrer "
        "and the GP practice from this page."
    )
    button_class = "nhsuk-button nhsuk-button--warning"

    reason = forms.ChoiceField(
        label="Why is the referral being declined?",
        choices=DeclineReason.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select why the referral is being declined",
            "invalid_choice": "Select why the referral is being declined",
        },
    )
    signposted_to = forms.ChoiceField(
        label="Which service have you signposted the family to?",
        help_text="The service lead keeps this list up to date.",
        choices=(),
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the service you have signposted the family to, or Other",
            "invalid_choice": "Select the service you have signposted the family to, or Other",
        },
    )
    signposted_other = forms.CharField(
        label="Name of the service",
        help_text="And a phone number or website if you have one: it goes in the letters.",
        max_length=SIGNPOSTED_OTHER_MAX_LENGTH,
        error_messages={
            "required": "Enter the name of the service you have signposted the family to",
            "max_length": "The name of the service must be "
            f"{SIGNPOSTED_OTHER_MAX_LENGTH} characters or fewer",
        },
    )
    explanation = _text(
        "Explanation",
        subject="The explanation",
        max_length=EXPLANATION_MAX_LENGTH,
        required_message="Enter an explanation for the family and the referrer",
        help_text="Written for the family and the referrer: it goes in the letters.",
        rows=6,
    )

    layout = Layout(
        Radios("reason"),
        Radios("signposted_to", reveal={OTHER: ["signposted_other"]}),
        CharacterCount("explanation"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.services = {
            str(service.pk): service for service in SignpostService.objects.filter(active=True)
        }
        self.fields["signposted_to"].choices = [
            *((pk, service.name) for pk, service in self.services.items()),
            (OTHER, "Other"),
        ]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("signposted_to") != OTHER:
            # Asked only when "Other" is chosen: whatever is in its hidden box is ignored.
            self.errors.pop("signposted_other", None)
            cleaned["signposted_other"] = ""
        return cleaned

    def arguments(self):
        cleaned = self.cleaned_data
        return {
            "reason": cleaned["reason"],
            "explanation": cleaned["explanation"],
            "signposted_to": self.services.get(cleaned["signposted_to"]),
            "signposted_other": cleaned["signposted_other"],
        }


class WithdrawForm(TriageForm):
    action = "withdraw"
    write = staticmethod(workflow.withdraw)
    title = "Withdraw the referral"
    submit_label = "Withdraw referral"
    success_message = "Referral withdrawn. The referrer has been emailed."
    button_class = "nhsuk-button nhsuk-button--secondary"

    reason = _text(
        "Why is the referral being withdrawn?",
        subject="The reason",
        max_length=REASON_MAX_LENGTH,
        required_message="Enter why the referral is being withdrawn",
        help_text="For example, the family has moved away, or the referrer asked.",
        rows=3,
    )

    layout = Layout(CharacterCount("reason"))


class CloseForm(TriageForm):
    action = "close"
    write = staticmethod(workflow.close)
    title = "Close the case"
    submit_label = "Close case"
    success_message = "Case closed."
    button_class = "nhsuk-button nhsuk-button--secondary"

    reason = forms.ChoiceField(
        label="Why is the case closing?",
        choices=CloseReason.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select why the case is closing",
            "invalid_choice": "Select why the case is closing",
        },
    )
    note = _text(
        "More about why (optional)",
        subject="More about why",
        max_length=REASON_MAX_LENGTH,
        required_message="",
        help_text="Needed when the reason is “Other”. The closing letter does not include it.",
        rows=3,
        required=False,
    )
    closed_on = DateInputField(
        label="Date it closed",
        help_text="For example, 15 3 2026. Appointments still booked after this day are cancelled.",
        error_subject="The date it closed",
    )

    layout = Layout(Radios("reason"), CharacterCount("note"), "closed_on")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("reason") == CloseReason.OTHER and not cleaned.get("note", "").strip():
            self.add_error(
                "note", forms.ValidationError("Say why the case is closing", code="required")
            )
        return cleaned

    def clean_closed_on(self):
        return a_day_so_far(self, self.cleaned_data["closed_on"], "The date it closed")


class NoteForm(TriageForm):
    """An internal team note: no version (notes change nothing on the referral)."""

    action = "note"
    title = "Add a note"
    submit_label = "Add note"
    success_message = "Note added."

    text = _text(
        "Note",
        subject="The note",
        max_length=NOTE_MAX_LENGTH,
        required_message="Enter the note",
        help_text="Only the team sees notes. They are never shown to referrers or families.",
        rows=4,
    )

    layout = Layout(CharacterCount("text"))

    def apply(self, referral, *, by, version=None, request=None):
        return workflow.add_note(referral, by=by, text=self.cleaned_data["text"], request=request)


# The page's actions (the names `workflow.allowed_actions` gives) and their forms.
FORMS = {
    form.action: form
    for form in (
        StartReviewForm,
        RequestInformationForm,
        AcceptForm,
        AllocateForm,
        DeclineForm,
        WithdrawForm,
        CloseForm,
    )
}
