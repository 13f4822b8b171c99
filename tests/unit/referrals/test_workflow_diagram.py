"""The workflow drawing is generated from the transition table, and a stale one fails here."""

import re
import shutil

import pytest
from django.core.management import CommandError, call_command

from referrals import workflow
from referrals.management.commands import workflow_diagram
from referrals.management.commands.workflow_diagram import DIAGRAM, GUIDE, mermaid
from referrals.models import Status


def edges(diagram):
    return set(re.findall(r"^\s+(\w+) --> (\w+) : (\w+)", diagram, re.MULTILINE))


def test_the_drawing_has_every_transition_and_nothing_else():
    table = {
        (source, target, action)
        for action, (sources, target) in workflow.TRANSITIONS.items()
        for source in sources
    }
    returns = {
        (source, target, action)
        for action, target in workflow.RETURNS.items()
        for source in workflow.TRANSITIONS[action][0]
    }
    in_place = {
        (status, status, action)
        for action, statuses in workflow.IN_PLACE.items()
        for status in statuses
    }
    assert edges(mermaid()) == table | returns | in_place


def test_the_drawing_starts_at_draft_and_ends_where_no_action_leads_on():
    diagram = mermaid()
    assert "[*] --> draft" in diagram
    assert set(re.findall(r"(\w+) --> \[\*\]", diagram)) == {"declined", "withdrawn", "closed"}


def test_the_committed_drawings_match_the_table():
    """Fails when TRANSITIONS changed without `python manage.py workflow_diagram`."""
    call_command("workflow_diagram", "--check")


@pytest.fixture
def copy_of_the_docs(tmp_path, settings):
    for path in (DIAGRAM, GUIDE):
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(settings.BASE_DIR / path, tmp_path / path)
    settings.BASE_DIR = tmp_path
    return tmp_path


def test_a_stale_drawing_fails_the_check_and_the_command_redraws_it(copy_of_the_docs, monkeypatch):
    monkeypatch.setitem(workflow.TRANSITIONS, "reopen", ({Status.CLOSED}, Status.IN_REVIEW))
    stale = workflow_diagram.mermaid()
    assert "closed --> in_review : reopen" in stale

    with pytest.raises(CommandError, match=r"docs/workflow\.mmd, docs/architecture\.md"):
        call_command("workflow_diagram", "--check")
    call_command("workflow_diagram")

    assert (copy_of_the_docs / DIAGRAM).read_text() == stale
    assert f"```mermaid\n{stale}```" in (copy_of_the_docs / GUIDE).read_text()
    call_command("workflow_diagram", "--check")


def test_a_guide_without_its_markers_is_refused(copy_of_the_docs):
    guide = copy_of_the_docs / GUIDE
    guide.write_text(guide.read_text().replace(workflow_diagram.END, ""))
    with pytest.raises(CommandError, match="lost its markers"):
        call_command("workflow_diagram", "--check")
