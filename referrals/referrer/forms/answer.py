"""The referrer's answer to the team's question (on the referral's page)."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout
from django import forms

from imhs.layout import CharacterCount

ANSWER_MAX_LENGTH = 3000


class AnswerQuestionForm(forms.Form):
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper(self)
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(CharacterCount("answer"))
