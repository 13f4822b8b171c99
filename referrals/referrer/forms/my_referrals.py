"""Finding one referral among a referrer's own: search by the baby's name or the reference, and
filter by status (a GET form: nothing changes)."""

from django import forms

from referrals.models import Status


class MyReferralsFilterForm(forms.Form):
    q = forms.CharField(
        label="Search by baby's name or reference",
        required=False,
        max_length=100,
        help_text="For example, a first name, a family name or IMH-2026-00012",
        widget=forms.TextInput(
            attrs={"type": "search", "spellcheck": "false", "class": "nhsuk-input"}
        ),
    )
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Any status"), *Status.choices],
        widget=forms.Select(attrs={"class": "nhsuk-select"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self:
            # The hint and the error are the input's description, and an error marks it.
            described = [f"{field.auto_id}-hint"] if field.help_text else []
            if self.is_bound and field.errors:
                described.append(f"{field.auto_id}-error")
                field.field.widget.attrs["aria-invalid"] = "true"
                field.field.widget.attrs["class"] += f" {field.field.widget.attrs['class']}--error"
            if described:
                field.field.widget.attrs["aria-describedby"] = " ".join(described)

    def narrowing(self):
        """(search text, status) from valid input; bad input narrows nothing (its error shows)."""
        if not self.is_valid():
            return "", ""
        return self.cleaned_data["q"].strip(), self.cleaned_data["status"]
