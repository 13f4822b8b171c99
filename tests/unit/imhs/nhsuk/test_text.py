import datetime
import zoneinfo

import pytest
from django.template import Context, Template

from imhs.nhsuk.text import nhs_date, plural, when, yes_no


def render(source, **context):
    return Template("{% load nhsuk_format %}" + source).render(Context(context))


def test_dates_are_written_in_nhs_style():
    assert nhs_date(datetime.date(2025, 2, 4)) == "4 February 2025"
    assert nhs_date(None) == ""


def test_templates_write_dates_the_same_way():
    assert render("{{ d|nhs_date }}", d=datetime.date(2025, 2, 4)) == "4 February 2025"
    assert render("{{ d|nhs_date }}", d=None) == ""


def test_a_moment_is_written_in_local_time(settings):
    settings.TIME_ZONE = "Europe/London"
    summer = datetime.datetime(2026, 7, 3, 9, 42, tzinfo=zoneinfo.ZoneInfo("UTC"))
    assert when(summer) == "10:42 on 3 July 2026"


@pytest.mark.parametrize(
    ("count", "expected"), [(0, "0 days"), (1, "1 day"), (2, "2 days"), (11, "11 days")]
)
def test_counts_take_a_plural_except_one(count, expected):
    assert plural(count, "day") == expected


@pytest.mark.parametrize(("value", "expected"), [(True, "Yes"), (False, "No"), (None, "")])
def test_yes_no_answers(value, expected):
    assert yes_no(value) == expected
