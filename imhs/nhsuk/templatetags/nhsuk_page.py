"""Presentation helpers for page furniture, so templates hold no decisions."""

from django import template
from django.contrib.messages import constants

register = template.Library()


@register.inclusion_tag("nhsuk/notification_banner.html")
def notification_banner(message, number):
    """An NHS.UK notification banner for a Django message: green "Success" for successes
    (announced straight away), blue "Important" for everything else."""
    success = message.level == constants.SUCCESS
    return {
        "message": message,
        "title_id": f"message-title-{number}",
        "variant_class": "nhsuk-notification-banner--success" if success else "",
        "role": "alert" if success else "region",
        "title": "Success" if success else "Important",
    }
