"""The referrer's answer to the team's question (on the referral's page)."""

from crispy_forms.layout import Layout
from django import forms

from imhs.nhsuk.forms import NHSForm
from imhs.nhsuk.layout import CharacterCount

ANSWER_MAX_LENGTH = 3000


class AnswerQuestionForm(NHSForm):
    answer = forms.CharField(
        label="Your answer",
        max_length=ANSWER_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="The team reads your answer with the referral. Do not include anything the "
        "family has not agreed to share.",
        error_messages={
            "required": "Enter your answer to the team's question",
            "max_length": f"Your answer must be {ANSWER_MAX_LENGTH} characters or fewer",
        },
    )

    layout = Layout(CharacterCount("answer"))
