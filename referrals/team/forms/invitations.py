"""The team's form for sending a parent or carer a secure link to add their views.

Only carers with parental responsibility for the baby can be chosen, and not those who have
sent their views already (a link cannot change views once sent). Each choice says whether the
link will be emailed, so the team member knows whether to copy it into a text message or
print a letter.
"""

from crispy_forms.layout import Layout
from django import forms

from imhs.nhsuk.forms import NHSForm
from imhs.nhsuk.layout import Radios
from referrals.labels import relationship_label


def carer_label(relationship):
    """ "Parenttest Example (mother)"."""
    return f"{relationship.carer.full_name} ({relationship_label(relationship, in_sentence=True)})"


def invitable(relationships, *, views_sent_by=frozenset()):
    """The care relationships whose carer may be sent a link: parental responsibility, and
    no views sent yet (`views_sent_by`: carer ids)."""
    return [
        relationship
        for relationship in relationships
        if relationship.has_parental_responsibility and relationship.carer_id not in views_sent_by
    ]


class InviteForm(NHSForm):
    title = "Send a secure link to a parent or carer"
    submit_label = "Create secure link"

    carer = forms.TypedChoiceField(
        label="Who is the link for?",
        help_text="Only parents and carers with parental responsibility for the baby can be sent "
        "a link. The link is shown to you once, to copy into a text message or print in a "
        "letter; a link of its own is also emailed if they have an email address.",
        coerce=int,
        choices=(),
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select who to send the secure link to",
            "invalid_choice": "Select who to send the secure link to",
        },
    )

    # The newest link on the referral when the form was drawn: a form sent twice (a double
    # click, or the browser sending it again on reload) must not make a second link.
    seen = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)

    layout = Layout(Radios("carer"), "seen")

    def __init__(self, data=None, *, relationships, **kwargs):
        """`relationships`: the CareRelationships that may be chosen (see `invitable`), with
        their carers."""
        kwargs.setdefault("auto_id", "invite-%s")
        super().__init__(data, **kwargs)
        self.carers = {relationship.carer_id: relationship.carer for relationship in relationships}
        self.fields["carer"].choices = [
            (relationship.carer_id, self._choice_label(relationship))
            for relationship in relationships
        ]

    @staticmethod
    def _choice_label(relationship):
        email = relationship.carer.email
        if email:
            return f"{carer_label(relationship)}: the link will also be emailed to {email}"
        return (
            f"{carer_label(relationship)}: no email address, so copy the link into a text "
            "message or print a letter"
        )

    def clean_carer(self):
        return self.carers[self.cleaned_data["carer"]]

    def made_since_drawn(self, referral):
        """Whether a link was made for the chosen carer after this form was drawn."""
        seen = self.cleaned_data.get("seen")
        if seen is None:
            return False
        return referral.invitations.filter(carer=self.cleaned_data["carer"], pk__gt=seen).exists()
