"""The text helpers (imhs.nhsuk.text) as template filters."""

from django import template

from imhs.nhsuk import text

register = template.Library()

register.filter("nhs_date", text.nhs_date)
