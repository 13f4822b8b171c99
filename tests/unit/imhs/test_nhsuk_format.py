import datetime

from django.template import Context, Template


def render(source, **context):
    return Template("{% load nhsuk_format %}" + source).render(Context(context))


def test_chi_is_shown_in_three_groups():
    assert render("{{ v|chi }}", v="0101011237") == "010 101 1237"


def test_chi_filter_leaves_blank_and_odd_values_alone():
    assert render("{{ v|chi }}", v="") == ""
    assert render("{{ v|chi }}", v=None) == ""
    assert render("{{ v|chi }}", v="12345") == "12345"


def test_dates_are_written_in_nhs_style():
    assert render("{{ d|nhs_date }}", d=datetime.date(2025, 2, 4)) == "4 February 2025"
    assert render("{{ d|nhs_date }}", d=None) == ""
