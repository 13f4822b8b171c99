from crispy_forms.layout import Layout
from django import forms
from django.template import Context, Template

from imhs.nhsuk.forms import ConditionalQuestions, NHSForm
from imhs.nhsuk.layout import Radios


def render(form):
    return Template("{% load crispy_forms_tags %}{% crispy form %}").render(Context({"form": form}))


class NameForm(NHSForm):
    name = forms.CharField(label="Your name")


class InterpreterForm(ConditionalQuestions, NHSForm):
    interpreter = forms.ChoiceField(
        label="Do you need an interpreter?",
        choices=[("yes", "Yes"), ("no", "No")],
        widget=forms.RadioSelect,
    )
    language = forms.CharField(
        label="Which language?", error_messages={"required": "Enter the language"}
    )

    conditional = {"language": (("interpreter", "yes"),)}
    layout = Layout(Radios("interpreter", reveal={"yes": ["language"]}))


def test_the_page_writes_the_form_tag_and_the_csrf_token_not_the_form():
    html = render(NameForm())
    assert "<form" not in html
    assert "csrfmiddlewaretoken" not in html
    assert 'name="name"' in html


def test_a_declared_layout_is_the_helpers():
    form = InterpreterForm()
    assert form.helper.layout is InterpreterForm.layout
    html = render(form)
    assert "nhsuk-radios__conditional" in html  # the language box beneath "Yes"


def test_a_follow_up_question_is_required_when_asked():
    form = InterpreterForm({"interpreter": "yes", "language": ""})
    assert not form.is_valid()
    assert form.errors["language"] == ["Enter the language"]


def test_a_follow_up_question_not_asked_is_ignored_whatever_its_box_holds():
    form = InterpreterForm({"interpreter": "no", "language": "left over"})
    assert form.is_valid()
    assert form.cleaned_data["language"] == ""


def test_the_question_is_drawn_as_declared_after_validation():
    form = InterpreterForm({"interpreter": "no"})
    form.is_valid()
    assert form.fields["language"].required
    assert not form.fields["language"].disabled
