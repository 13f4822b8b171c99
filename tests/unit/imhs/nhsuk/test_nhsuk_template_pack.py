"""The `nhsuk` crispy-forms template pack draws NHS.UK frontend (v10) markup.

The reference markup is node_modules/nhsuk-frontend/dist/nhsuk/components/*/fixtures.json.
The rendered HTML is parsed (html.parser) and checked element by element.
"""

import datetime
from html.parser import HTMLParser

import pytest
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Layout
from django import forms
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.template import engines
from django.test import RequestFactory
from django.utils.html import format_html

from imhs.nhsuk.fields import DateInputField
from imhs.nhsuk.layout import CharacterCount, Checkboxes, Fieldset, Radios, Submit

# --- A small DOM over html.parser -------------------------------------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}


class Node:
    def __init__(self, tag, attrs, parent):
        self.tag = tag
        self.attrs = dict(attrs)
        self.parent = parent
        self.children = []  # element children
        self.content = []  # text and element children, in document order

    @property
    def classes(self):
        return (self.attrs.get("class") or "").split()

    def text(self):
        """The text inside, whitespace collapsed."""
        parts = [part if isinstance(part, str) else part.text() for part in self.content]
        return " ".join(" ".join(parts).split())

    def iter(self):
        for child in self.children:
            yield child
            yield from child.iter()

    def find_all(self, tag=None, cls=None, **attrs):
        """Descendants matching tag, class and attributes (use `data_module=` for data-module)."""
        wanted = {k.replace("_", "-"): v for k, v in attrs.items()}
        return [
            node
            for node in self.iter()
            if (tag is None or node.tag == tag)
            and (cls is None or cls in node.classes)
            and all(node.attrs.get(k) == v for k, v in wanted.items())
        ]

    def find(self, tag=None, cls=None, **attrs):
        found = self.find_all(tag, cls, **attrs)
        assert len(found) == 1, f"expected one {tag} .{cls} {attrs}, found {len(found)}"
        return found[0]

    def by_id(self, id_):
        return self.find(id=id_)

    def ancestors(self):
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    def closest(self, cls):
        return next(node for node in self.ancestors() if cls in node.classes)

    def describedby(self):
        return (self.attrs.get("aria-describedby") or "").split()


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {}, None)
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        node = Node(tag, attrs, self.current)
        self.current.children.append(node)
        self.current.content.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        node = Node(tag, attrs, self.current)
        self.current.children.append(node)
        self.current.content.append(node)

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        assert self.current.tag == tag, f"</{tag}> closes <{self.current.tag}>"
        self.current = self.current.parent

    def handle_data(self, data):
        self.current.content.append(data)


def parse(html):
    """The root `Node` of `html`; fails on mismatched or unclosed tags."""
    parser = _Parser()
    parser.feed(html)
    parser.close()
    assert parser.current is parser.root, f"unclosed <{parser.current.tag}>"
    return parser.root


# --- The test form ----------------------------------------------------------------------

CONTACT = [("phone", "Phone"), ("letter", "Letter")]
YES_NO = [("yes", "Yes"), ("no", "No")]
AREAS = [("", "Choose an area"), ("north", "North Lanarkshire"), ("south", "South Lanarkshire")]
CONCERNS = [("sleep", "Sleep"), ("feeding", "Feeding"), ("bonding", "Bonding")]


class ReferralTestForm(forms.Form):
    baby_name = forms.CharField(
        label="Baby's name", max_length=100, help_text="As on the birth certificate"
    )
    email = forms.EmailField(label="Email address", required=False)
    phone = forms.CharField(label="Phone number", widget=forms.TextInput(attrs={"type": "tel"}))
    siblings = forms.IntegerField(label="Number of siblings", min_value=0)
    reason = forms.CharField(
        label="Reason for referral",
        widget=forms.Textarea,
        max_length=500,
        help_text="Do not include the baby's NHS number",
    )
    area = forms.ChoiceField(label="Area", choices=AREAS)
    contact = forms.ChoiceField(
        label="How should we contact the family?", choices=CONTACT, widget=forms.RadioSelect
    )
    twins = forms.ChoiceField(label="Are they twins?", choices=YES_NO, widget=forms.RadioSelect)
    interpreter = forms.ChoiceField(
        label="Does the family need an interpreter?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        help_text="We will book one",
    )
    language = forms.CharField(label="Which language?", required=False)
    concerns = forms.MultipleChoiceField(
        label="Concerns", choices=CONCERNS, widget=forms.CheckboxSelectMultiple
    )
    consent = forms.BooleanField(
        label="The family agree to this referral", help_text="Ask them first"
    )
    date_of_birth = DateInputField(
        label="Baby's date of birth",
        error_subject="Date of birth",
        help_text="For example, 15 3 2024",
    )
    notes = forms.CharField(label="Other notes", required=False, widget=forms.Textarea)
    token = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Fieldset(
                "About the baby",
                Field("baby_name", css_class="nhsuk-input--width-20"),
                "date_of_birth",
                size="l",
            ),
            Fieldset("Contact", "email", "phone", size=None),
            "siblings",
            CharacterCount("reason"),
            "area",
            "contact",
            Radios("twins", inline=True, small=True),
            Radios("interpreter", reveal={"yes": ["language"]}),
            Checkboxes("concerns"),
            "consent",
            "notes",
            "token",
            Submit("submit", "Send referral"),
            Submit("draft", "Save as draft", secondary=True),
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("interpreter") == "yes" and not cleaned.get("language"):
            self.add_error("language", "Enter the language")
        if self.data.get("email") == "already.referred@example.org":
            raise ValidationError("This baby has already been referred")
        return cleaned


VALID = {
    "baby_name": "Test Baby",
    "email": "parent@example.org",
    "phone": "01234 567890",
    "siblings": "1",
    "reason": "Invented reason",
    "area": "north",
    "contact": "phone",
    "twins": "no",
    "interpreter": "no",
    "concerns": ["sleep"],
    "consent": "on",
    "date_of_birth_day": "15",
    "date_of_birth_month": "3",
    "date_of_birth_year": "2024",
}

# Every field wrong or missing except the optional ones.
INVALID = {
    "baby_name": "",
    "email": "already.referred@example.org",
    "siblings": "many",
    "interpreter": "yes",
    "date_of_birth_day": "31",
    "date_of_birth_month": "",
    "date_of_birth_year": "24",
}


def render_tag(form):
    request = RequestFactory().post("/referral/")
    template = engines["django"].from_string("{% load crispy_forms_tags %}{% crispy form %}")
    return template.render({"form": form}, request)


def render_filter(form):
    template = engines["django"].from_string("{% load crispy_forms_tags %}{{ form|crispy }}")
    return template.render({"form": form})


@pytest.fixture
def unbound():
    return parse(render_tag(ReferralTestForm()))


@pytest.fixture
def invalid():
    form = ReferralTestForm(data=INVALID)
    assert not form.is_valid()
    return parse(render_tag(form))


def group_of(dom, id_):
    return dom.by_id(id_).closest("nhsuk-form-group")


def label_for(dom, id_):
    return dom.find("label", **{"for": id_})


# --- The form ----------------------------------------------------------------------------


def test_the_test_form_is_valid_with_valid_data():
    form = ReferralTestForm(data=VALID)
    assert form.is_valid(), form.errors


def test_crispy_tag_renders_a_post_form_with_novalidate_and_csrf(unbound):
    form = unbound.find("form")
    assert form.attrs["method"] == "post"
    assert "novalidate" in form.attrs
    token = form.find("input", type="hidden", name="csrfmiddlewaretoken")
    assert token.attrs["value"]


@pytest.mark.parametrize("data", [None, INVALID, VALID])
def test_no_element_has_the_required_attribute(data):
    dom = parse(render_tag(ReferralTestForm(data=data)))
    assert [n.tag for n in dom.iter() if "required" in n.attrs] == []


@pytest.mark.parametrize("data", [None, INVALID])
def test_no_inline_style_or_script(data):
    # The site's Content Security Policy forbids both.
    html = render_tag(ReferralTestForm(data=data))
    dom = parse(html)
    assert dom.find_all("script") == []
    assert [n.tag for n in dom.iter() if "style" in n.attrs] == []
    assert [n.tag for n in dom.iter() if any(a.startswith("on") for a in n.attrs)] == []


def test_every_field_is_rendered_once(unbound):
    names = [n.attrs["name"] for n in unbound.iter() if n.tag in ("input", "select", "textarea")]
    for name in ["baby_name", "email", "phone", "siblings", "reason", "area", "consent"]:
        assert names.count(name) == 1, name
    assert names.count("language") == 1
    assert names.count("contact") == 2  # one per radio
    assert names.count("concerns") == 3


# --- Text inputs, select, textarea --------------------------------------------------------


def test_text_input_markup(unbound):
    field = unbound.by_id("id_baby_name")
    assert field.tag == "input"
    assert field.attrs["type"] == "text"
    assert field.classes == ["nhsuk-input", "nhsuk-input--width-20"]
    assert field.parent.classes == ["nhsuk-form-group"]
    label = label_for(unbound, "id_baby_name")
    assert label.classes == ["nhsuk-label"]
    assert label.text() == "Baby's name"


def test_email_and_tel_inputs(unbound):
    email = unbound.by_id("id_email")
    assert email.attrs["type"] == "email"
    assert email.attrs["spellcheck"] == "false"
    assert "nhsuk-input" in email.classes
    phone = unbound.by_id("id_phone")
    assert phone.attrs["type"] == "tel"
    assert "nhsuk-input" in phone.classes


def test_number_is_a_numeric_text_input(unbound):
    siblings = unbound.by_id("id_siblings")
    assert siblings.attrs["type"] == "text"
    assert siblings.attrs["inputmode"] == "numeric"
    assert "min" not in siblings.attrs
    assert "nhsuk-input" in siblings.classes


def test_decimal_is_a_text_input_without_a_numeric_keypad():
    # The numeric keypad has no decimal point on some phones.
    class Form(forms.Form):
        weight = forms.DecimalField(label="Weight in kilograms", max_digits=4, decimal_places=2)

    weight = parse(render_filter(Form())).by_id("id_weight")
    assert weight.attrs["type"] == "text"
    assert "inputmode" not in weight.attrs
    assert "step" not in weight.attrs


def test_select_markup(unbound):
    area = unbound.by_id("id_area")
    assert area.tag == "select"
    assert area.classes == ["nhsuk-select"]
    assert [o.attrs["value"] for o in area.find_all("option")] == ["", "north", "south"]


def test_plain_textarea_markup(unbound):
    notes = unbound.by_id("id_notes")
    assert notes.tag == "textarea"
    assert notes.classes == ["nhsuk-textarea"]
    assert "data-module" not in notes.parent.attrs


def test_optional_labels_say_optional_and_required_ones_do_not(unbound):
    assert label_for(unbound, "id_email").text() == "Email address (optional)"
    assert label_for(unbound, "id_notes").text() == "Other notes (optional)"
    assert label_for(unbound, "id_phone").text() == "Phone number"
    assert "*" not in unbound.text()


def test_hidden_field_is_just_an_input(unbound):
    token = unbound.by_id("id_token")
    assert token.attrs["type"] == "hidden"
    assert "nhsuk-form-group" not in token.parent.classes


# --- Hints and errors ---------------------------------------------------------------------


def test_hint_is_tied_to_its_input(unbound):
    hint = unbound.by_id("id_baby_name-hint")
    assert hint.classes == ["nhsuk-hint"]
    assert hint.text() == "As on the birth certificate"
    assert unbound.by_id("id_baby_name").describedby() == ["id_baby_name-hint"]


def test_input_without_hint_or_error_has_no_describedby(unbound):
    assert "aria-describedby" not in unbound.by_id("id_phone").attrs


def test_error_message_markup_and_links(invalid):
    error = invalid.by_id("id_baby_name-error")
    assert error.tag == "span"
    assert error.classes == ["nhsuk-error-message"]
    hidden = error.find("span", cls="nhsuk-u-visually-hidden")
    assert hidden.text() == "Error:"
    assert error.text() == "Error: This field is required."
    field = invalid.by_id("id_baby_name")
    assert field.describedby() == ["id_baby_name-hint", "id_baby_name-error"]
    assert "nhsuk-input--error" in field.classes
    assert field.parent.classes == ["nhsuk-form-group", "nhsuk-form-group--error"]


@pytest.mark.parametrize(
    ("id_", "error_class"),
    [
        ("id_phone", "nhsuk-input--error"),
        ("id_siblings", "nhsuk-input--error"),
        ("id_reason", "nhsuk-textarea--error"),
        ("id_area", "nhsuk-select--error"),
    ],
)
def test_fields_with_errors_are_styled_and_described(invalid, id_, error_class):
    field = invalid.by_id(id_)
    assert error_class in field.classes
    assert f"{id_}-error" in field.describedby()
    assert "nhsuk-form-group--error" in field.closest("nhsuk-form-group").classes
    assert invalid.by_id(f"{id_}-error").classes == ["nhsuk-error-message"]


def test_fields_without_errors_are_not_styled_as_errors(invalid):
    email = invalid.by_id("id_email")
    assert "nhsuk-input--error" not in email.classes
    assert "nhsuk-form-group--error" not in group_of(invalid, "id_email").classes


# --- Error summary ------------------------------------------------------------------------


def test_error_summary_is_first_in_the_form(invalid):
    form = invalid.find("form")
    first = next(child for child in form.children if child.attrs.get("type") != "hidden")
    assert first.classes == ["nhsuk-error-summary"]
    assert first.attrs["data-module"] == "nhsuk-error-summary"
    alert = first.find(role="alert")
    heading = alert.find("h2", cls="nhsuk-error-summary__heading")
    assert heading.text() == "There is a problem"
    assert alert.find("ul").classes == ["nhsuk-list", "nhsuk-error-summary__list"]


def test_error_summary_links_to_each_erroneous_field(invalid):
    summary = invalid.find(cls="nhsuk-error-summary")
    hrefs = [a.attrs["href"] for a in summary.find_all("a")]
    assert hrefs == [
        "#id_baby_name",
        "#id_phone",
        "#id_siblings",
        "#id_reason",
        "#id_area",
        "#id_contact_0",
        "#id_twins_0",
        "#id_language",
        "#id_concerns_0",
        "#id_consent",
        "#id_date_of_birth_day",
    ]
    for href in hrefs:  # each link lands on a form control
        assert invalid.by_id(href[1:]).tag in ("input", "select", "textarea")


def test_error_summary_repeats_the_field_messages(invalid):
    summary = invalid.find(cls="nhsuk-error-summary")
    link = summary.find("a", href="#id_date_of_birth_day")
    assert link.text() == "Date of birth must include a month"
    assert summary.find("a", href="#id_language").text() == "Enter the language"


def test_error_summary_lists_non_field_errors_without_a_link(invalid):
    items = invalid.find(cls="nhsuk-error-summary").find_all("li")
    assert items[0].text() == "This baby has already been referred"
    assert items[0].find_all("a") == []


def test_no_error_summary_without_errors(unbound):
    assert unbound.find_all(cls="nhsuk-error-summary") == []
    assert parse(render_tag(ReferralTestForm(data=VALID))).find_all(cls="nhsuk-error-summary") == []


# --- Fieldsets and buttons ----------------------------------------------------------------


def test_fieldset_with_sized_legend_groups_its_fields(unbound):
    fieldsets = [
        f
        for f in unbound.find_all("fieldset")
        if f.find_all("legend")[0].text() == "About the baby"
    ]
    assert len(fieldsets) == 1
    fieldset = fieldsets[0]
    assert fieldset.classes == ["nhsuk-fieldset"]
    legend = fieldset.children[0]
    assert legend.tag == "legend"
    assert legend.classes == ["nhsuk-fieldset__legend", "nhsuk-fieldset__legend--l"]
    assert fieldset.find_all(id="id_baby_name")
    assert fieldset.find_all(id="id_date_of_birth_day")


def test_fieldset_legend_without_size(unbound):
    legend = next(n for n in unbound.find_all("legend") if n.text() == "Contact")
    assert legend.classes == ["nhsuk-fieldset__legend"]


def test_fieldset_rejects_an_unknown_size():
    with pytest.raises(ValueError, match="size"):
        Fieldset("Legend", "field", size="huge")


def test_submit_buttons(unbound):
    send = unbound.find("button", name="submit")
    assert send.classes == ["nhsuk-button"]
    assert send.attrs["type"] == "submit"
    assert send.attrs["data-module"] == "nhsuk-button"
    assert send.text() == "Send referral"
    draft = unbound.find("button", name="draft")
    assert draft.classes == ["nhsuk-button", "nhsuk-button--secondary"]


# --- Radios --------------------------------------------------------------------------------


def radios_of(dom, name):
    first = dom.by_id(f"id_{name}_0")
    return first.closest("nhsuk-radios")


def test_stacked_radios_markup(unbound):
    radios = radios_of(unbound, "contact")
    assert radios.classes == ["nhsuk-radios"]
    assert radios.attrs["data-module"] == "nhsuk-radios"
    items = [c for c in radios.children if "nhsuk-radios__item" in c.classes]
    assert len(items) == 2
    radio = items[0].find("input")
    assert radio.attrs == {
        "class": "nhsuk-radios__input",
        "id": "id_contact_0",
        "name": "contact",
        "type": "radio",
        "value": "phone",
    }
    label = items[0].find("label")
    assert label.classes == ["nhsuk-label", "nhsuk-radios__label"]
    assert label.attrs["for"] == "id_contact_0"
    assert label.text() == "Phone"


def test_radios_are_in_a_fieldset_whose_legend_is_the_label(unbound):
    fieldset = radios_of(unbound, "contact").parent
    assert fieldset.tag == "fieldset"
    assert fieldset.classes == ["nhsuk-fieldset"]
    legend = fieldset.find("legend")
    assert legend.classes == ["nhsuk-fieldset__legend"]
    assert legend.text() == "How should we contact the family?"
    assert fieldset.parent.classes == ["nhsuk-form-group"]


def test_inline_small_radios(unbound):
    assert radios_of(unbound, "twins").classes == [
        "nhsuk-radios",
        "nhsuk-radios--small",
        "nhsuk-radios--inline",
    ]


def test_options_of_one_layout_object_do_not_leak_into_the_next(unbound):
    # "interpreter" comes straight after the small, inline "twins".
    assert radios_of(unbound, "interpreter").classes == ["nhsuk-radios"]


def test_radio_group_hint_and_error_go_on_the_fieldset(invalid):
    fieldset = radios_of(invalid, "interpreter").parent
    assert fieldset.describedby() == ["id_interpreter-hint"]
    contact = radios_of(invalid, "contact").parent
    assert contact.describedby() == ["id_contact-error"]
    assert "nhsuk-form-group--error" in contact.parent.classes
    assert all("aria-describedby" not in i.attrs for i in contact.find_all("input"))


def test_checked_radio_is_redisplayed(invalid):
    assert "checked" in invalid.by_id("id_interpreter_0").attrs
    assert "checked" not in invalid.by_id("id_interpreter_1").attrs


# --- Conditional reveal -------------------------------------------------------------------


def test_revealed_field_sits_in_the_conditional_block(unbound):
    yes = unbound.by_id("id_interpreter_0")
    conditional_id = yes.attrs["data-aria-controls"]
    conditional = unbound.by_id(conditional_id)
    assert conditional.classes == [
        "nhsuk-radios__conditional",
        "nhsuk-radios__conditional--hidden",
    ]
    # Inside the radios, straight after the item it belongs to.
    radios = radios_of(unbound, "interpreter")
    assert conditional.parent is radios
    siblings = radios.children
    assert siblings[siblings.index(conditional) - 1] is yes.parent
    # The follow-up question is drawn inside it, and only there.
    language = unbound.by_id("id_language")
    assert conditional in list(language.ancestors())
    assert label_for(conditional, "id_language").text() == "Which language? (optional)"
    assert "data-aria-controls" not in unbound.by_id("id_interpreter_1").attrs


def test_conditional_block_is_shown_when_its_radio_is_selected(invalid):
    conditional = invalid.by_id(invalid.by_id("id_interpreter_0").attrs["data-aria-controls"])
    assert conditional.classes == ["nhsuk-radios__conditional"]
    # The follow-up's own error is shown inside the block.
    assert conditional.find_all(id="id_language-error")


def test_reveal_on_a_value_that_is_not_a_choice_is_an_error():
    class Form(forms.Form):
        answer = forms.ChoiceField(choices=YES_NO, widget=forms.RadioSelect)
        detail = forms.CharField()

        def __init__(self):
            super().__init__()
            self.helper = FormHelper()
            self.helper.layout = Layout(Radios("answer", reveal={"maybe": ["detail"]}))

    with pytest.raises(ImproperlyConfigured, match="maybe"):
        render_tag(Form())


def test_radios_draw_a_select_field_as_radios_without_its_blank_choice():
    class Form(forms.Form):
        area = forms.ChoiceField(choices=AREAS, required=False)

        def __init__(self):
            super().__init__()
            self.helper = FormHelper()
            self.helper.layout = Layout(Radios("area"))

    dom = parse(render_tag(Form()))
    assert dom.find_all("select") == []
    values = [i.attrs["value"] for i in dom.find_all("input", cls="nhsuk-radios__input")]
    assert values == ["north", "south"]
    assert dom.find("legend").text() == "Area (optional)"


# --- Checkboxes ---------------------------------------------------------------------------


def test_multiple_checkboxes_markup(unbound):
    first = unbound.by_id("id_concerns_0")
    assert first.attrs == {
        "class": "nhsuk-checkboxes__input",
        "id": "id_concerns_0",
        "name": "concerns",
        "type": "checkbox",
        "value": "sleep",
    }
    assert first.parent.classes == ["nhsuk-checkboxes__item"]
    label = first.parent.find("label")
    assert label.classes == ["nhsuk-label", "nhsuk-checkboxes__label"]
    assert label.text() == "Sleep"
    boxes = first.closest("nhsuk-checkboxes")
    assert boxes.classes == ["nhsuk-checkboxes"]
    assert boxes.attrs["data-module"] == "nhsuk-checkboxes"
    fieldset = boxes.parent
    assert fieldset.tag == "fieldset"
    assert fieldset.find("legend").text() == "Concerns"


def test_checkbox_errors_go_on_the_fieldset(invalid):
    fieldset = invalid.by_id("id_concerns_0").closest("nhsuk-checkboxes").parent
    assert fieldset.describedby() == ["id_concerns-error"]
    assert "nhsuk-form-group--error" in fieldset.parent.classes


def test_ticked_checkboxes_are_redisplayed():
    dom = parse(render_tag(ReferralTestForm(data={"concerns": ["sleep", "bonding"]})))
    ticked = [
        n.attrs["value"] for n in dom.find_all("input", name="concerns") if "checked" in n.attrs
    ]
    assert ticked == ["sleep", "bonding"]


def test_checkboxes_can_reveal_a_follow_up_question():
    class Form(forms.Form):
        concerns = forms.MultipleChoiceField(choices=CONCERNS, widget=forms.CheckboxSelectMultiple)
        feeding_detail = forms.CharField(label="Describe the feeding concern")

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.helper = FormHelper()
            self.helper.layout = Layout(
                Checkboxes("concerns", small=True, reveal={"feeding": ["feeding_detail"]})
            )

    dom = parse(render_tag(Form(data={"concerns": ["feeding"]})))
    feeding = dom.by_id("id_concerns_1")
    assert feeding.attrs["data-aria-controls"] == "conditional-id_concerns_1"
    conditional = dom.by_id("conditional-id_concerns_1")
    assert conditional.classes == ["nhsuk-checkboxes__conditional"]  # ticked, so shown
    assert conditional in list(dom.by_id("id_feeding_detail").ancestors())
    assert feeding.closest("nhsuk-checkboxes").classes == [
        "nhsuk-checkboxes",
        "nhsuk-checkboxes--small",
    ]


def test_single_checkbox_markup(unbound):
    box = unbound.by_id("id_consent")
    assert box.attrs["type"] == "checkbox"
    assert box.classes == ["nhsuk-checkboxes__input"]
    assert box.parent.classes == ["nhsuk-checkboxes__item"]
    label = label_for(unbound, "id_consent")
    assert label.classes == ["nhsuk-label", "nhsuk-checkboxes__label"]
    # A lone checkbox is never marked "(optional)" (see the next test); this one is required.
    assert label.text() == "The family agree to this referral"
    hint = unbound.by_id("id_consent-hint")
    assert hint.classes == ["nhsuk-hint", "nhsuk-checkboxes__hint"]
    assert box.describedby() == ["id_consent-hint"]


def test_single_optional_checkbox_is_not_marked_optional():
    class Form(forms.Form):
        updates = forms.BooleanField(label="Send me updates", required=False)

    dom = parse(render_filter(Form()))
    assert label_for(dom, "id_updates").text() == "Send me updates"


def test_single_checkbox_error(invalid):
    box = invalid.by_id("id_consent")
    assert box.describedby() == ["id_consent-hint", "id_consent-error"]
    assert "nhsuk-form-group--error" in box.closest("nhsuk-form-group").classes


# --- Character count ----------------------------------------------------------------------


def test_character_count_markup(unbound):
    textarea = unbound.by_id("id_reason")
    assert textarea.classes == ["nhsuk-textarea", "nhsuk-js-character-count"]
    # The count warns; the browser must not cut the text off silently.
    assert "maxlength" not in textarea.attrs
    wrapper = textarea.parent
    assert wrapper.classes == ["nhsuk-form-group", "nhsuk-character-count"]
    assert wrapper.attrs["data-module"] == "nhsuk-character-count"
    assert wrapper.attrs["data-maxlength"] == "500"
    info = unbound.by_id("id_reason-info")
    assert info.classes == ["nhsuk-hint", "nhsuk-character-count__message"]
    assert info.text() == "You can enter up to 500 characters"
    assert textarea.describedby() == ["id_reason-info", "id_reason-hint"]


def test_character_count_error(invalid):
    textarea = invalid.by_id("id_reason")
    assert "nhsuk-textarea--error" in textarea.classes
    assert textarea.describedby() == ["id_reason-info", "id_reason-hint", "id_reason-error"]
    assert textarea.parent.classes == [
        "nhsuk-form-group",
        "nhsuk-form-group--error",
        "nhsuk-character-count",
    ]


def _count_form(maxlength, field_max_length):
    class Form(forms.Form):
        story = forms.CharField(widget=forms.Textarea, max_length=field_max_length)

        def __init__(self):
            super().__init__()
            self.helper = FormHelper()
            self.helper.layout = Layout(CharacterCount("story", maxlength=maxlength))

    return Form()


def test_character_count_takes_an_explicit_maxlength():
    dom = parse(render_tag(_count_form(maxlength=250, field_max_length=None)))
    assert dom.by_id("id_story").parent.attrs["data-maxlength"] == "250"


def test_character_count_needs_a_maxlength():
    with pytest.raises(ImproperlyConfigured, match="maxlength"):
        render_tag(_count_form(maxlength=None, field_max_length=None))


# --- Date input ---------------------------------------------------------------------------


def test_date_input_markup(unbound):
    dates = unbound.by_id("id_date_of_birth")
    assert dates.classes == ["nhsuk-date-input"]
    fieldset = dates.parent
    assert fieldset.tag == "fieldset"
    assert fieldset.attrs["role"] == "group"
    assert fieldset.find("legend").text() == "Baby's date of birth"
    assert fieldset.describedby() == ["id_date_of_birth-hint"]
    items = dates.find_all(cls="nhsuk-date-input__item")
    assert len(items) == 3
    expected = [("day", "Day", "2"), ("month", "Month", "2"), ("year", "Year", "4")]
    for item, (part, label, width) in zip(items, expected, strict=True):
        box = item.find("input")
        assert box.attrs["id"] == f"id_date_of_birth_{part}"
        assert box.attrs["name"] == f"date_of_birth_{part}"
        assert box.attrs["type"] == "text"
        assert box.attrs["inputmode"] == "numeric"
        assert box.classes == [
            "nhsuk-input",
            "nhsuk-date-input__input",
            f"nhsuk-input--width-{width}",
        ]
        assert "value" not in box.attrs
        date_label = item.find("label")
        assert date_label.classes == ["nhsuk-label", "nhsuk-date-input__label"]
        assert date_label.attrs["for"] == box.attrs["id"]
        assert date_label.text() == label


def test_date_input_redisplays_what_was_typed_and_marks_the_missing_part(invalid):
    values = {
        part: invalid.by_id(f"id_date_of_birth_{part}").attrs.get("value")
        for part in ("day", "month", "year")
    }
    assert values == {"day": "31", "month": None, "year": "24"}
    month = invalid.by_id("id_date_of_birth_month")
    assert "nhsuk-input--error" in month.classes
    assert "nhsuk-form-group--error" in month.parent.classes
    day = invalid.by_id("id_date_of_birth_day")
    assert "nhsuk-input--error" not in day.classes
    assert "nhsuk-form-group--error" not in day.parent.classes


def test_date_input_error_goes_on_the_fieldset(invalid):
    fieldset = invalid.by_id("id_date_of_birth").parent
    assert fieldset.describedby() == ["id_date_of_birth-hint", "id_date_of_birth-error"]
    assert "nhsuk-form-group--error" in fieldset.parent.classes
    error = invalid.by_id("id_date_of_birth-error")
    assert error.text() == "Error: Date of birth must include a month"


def test_date_that_is_not_real_marks_every_box():
    data = {**VALID, "date_of_birth_day": "31", "date_of_birth_month": "2"}
    dom = parse(render_tag(ReferralTestForm(data=data)))
    assert dom.by_id("id_date_of_birth-error").text() == "Error: Enter a real date"
    for part in ("day", "month", "year"):
        assert "nhsuk-input--error" in dom.by_id(f"id_date_of_birth_{part}").classes


def test_date_with_a_short_year_marks_only_the_year():
    data = {**VALID, "date_of_birth_year": "24"}
    dom = parse(render_tag(ReferralTestForm(data=data)))
    assert dom.by_id("id_date_of_birth-error").text() == "Error: Year must include 4 numbers"
    marked = [
        part
        for part in ("day", "month", "year")
        if "nhsuk-input--error" in dom.by_id(f"id_date_of_birth_{part}").classes
    ]
    assert marked == ["year"]


def test_date_input_shows_an_initial_date():
    form = ReferralTestForm(initial={"date_of_birth": datetime.date(2024, 3, 5)})
    dom = parse(render_tag(form))
    values = [dom.by_id(f"id_date_of_birth_{p}").attrs["value"] for p in ("day", "month", "year")]
    assert values == ["5", "3", "2024"]


# --- The |crispy filter -------------------------------------------------------------------


def test_crispy_filter_renders_fields_and_the_error_summary_without_a_form_tag():
    form = ReferralTestForm(data=INVALID)
    dom = parse(render_filter(form))
    assert dom.find_all("form") == []
    summary = dom.children[0]
    assert summary.classes == ["nhsuk-error-summary"]
    assert summary.find("a", href="#id_date_of_birth_day")
    # Without a layout each widget decides: radios stacked, textarea without a count.
    assert dom.by_id("id_twins_0").closest("nhsuk-radios").classes == ["nhsuk-radios"]
    assert "data-module" not in dom.by_id("id_reason").parent.attrs
    assert "nhsuk-input--error" in dom.by_id("id_phone").classes
    assert [n.tag for n in dom.iter() if "required" in n.attrs] == []
    assert label_for(dom, "id_email").text() == "Email address (optional)"


def test_crispy_tag_without_form_tag():
    form = ReferralTestForm()
    form.helper.form_tag = False
    dom = parse(render_tag(form))
    assert dom.find_all("form") == []
    assert dom.by_id("id_baby_name")


# --- Hints are text unless built as markup ---------------------------------------------------


class HintForm(forms.Form):
    """Hints that carry text someone typed (a person's name), and one built with format_html."""

    name = forms.CharField(label="Name", help_text='Now <b id="typed">')
    agree = forms.BooleanField(label="Agree", help_text='Now <b id="typed-box">')
    choice = forms.ChoiceField(
        label="Choice", choices=YES_NO, widget=forms.RadioSelect, help_text='<b id="typed-radio">'
    )
    built = forms.CharField(
        label="Built", help_text=format_html("See <strong>{}</strong>", '<b id="typed-built">')
    )


def test_hints_are_escaped_unless_built_as_markup():
    """Issue 12, point 2: a hint is escaped by default, in every kind of field; a hint that
    needs markup is made with format_html (whose arguments are escaped in turn)."""
    html = render_tag(HintForm())
    dom = parse(html)
    assert dom.by_id("id_name-hint").text() == 'Now <b id="typed">'
    assert dom.by_id("id_agree-hint").text() == 'Now <b id="typed-box">'
    assert dom.by_id("id_choice-hint").text() == '<b id="typed-radio">'
    assert [n.tag for n in dom.iter() if n.tag == "b"] == []
    built = dom.by_id("id_built-hint")
    assert built.find("strong").text() == '<b id="typed-built">'
