"""How the service writes things for people: CHI numbers in groups, dates in NHS style."""

from django import template

from patients.chi import format_chi

register = template.Library()


@register.filter
def chi(value):
    """ "0101011237" → "010 101 1237", the way the number is printed on NHS letters."""
    return format_chi(value or "")


@register.filter
def nhs_date(value):
    """14 February 2025: the NHS.UK style (no leading zero, month in words). Blank for None."""
    return f"{value.day} {value:%B %Y}" if value else ""
