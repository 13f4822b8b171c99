"""Helpers for tests that open the Django admin."""

from django.urls import reverse


def patients_changelist(client, model, **params):
    """The admin's list of a `patients` model, as HTML (asserting it opened)."""
    response = client.get(reverse(f"admin:patients_{model}_changelist"), params)
    assert response.status_code == 200
    return response.content.decode()
