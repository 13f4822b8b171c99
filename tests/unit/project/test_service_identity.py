"""The service's identity is written in one place: the area in patients/catchment.py, the team's
name and contact details in settings.SERVICE. Everything else reads them.

Left out of the search: catchment.py and the settings (the two homes), migrations (history,
frozen as written), tests, and the demo data (invented families and team members, whose
employer is the team by name).
"""

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[3]
HOMES = {ROOT / "patients" / "catchment.py", ROOT / "imhs" / "settings.py"}


def _sources():
    for package in ("imhs", "patients", "referrals", "bench"):
        for path in sorted((ROOT / package).rglob("*.py")):
            if path in HOMES or "migrations" in path.parts or path.name == "demo.py":
                continue
            yield path


SOURCES = list(_sources())


def _name(path):
    return str(path.relative_to(ROOT))


def _code_strings(source):
    """Every string literal except docstrings (prose may name the team)."""
    tree = ast.parse(source)
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docstrings.add(id(body[0].value))
    for node in ast.walk(tree):
        is_string = isinstance(node, ast.Constant) and isinstance(node.value, str)
        if is_string and id(node) not in docstrings:
            yield node.value


def test_the_search_covers_the_apps():
    names = {_name(path) for path in SOURCES}
    assert {"referrals/eligibility.py", "referrals/notifications.py", "patients/admin.py"} <= names


@pytest.mark.parametrize("path", SOURCES, ids=_name)
def test_the_area_is_named_only_by_the_catchment(path):
    lines = [
        f"{number}: {line.strip()}"
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if "lanarkshire" in line.lower()
    ]
    assert not lines, "read patients.catchment.CATCHMENT instead"


@pytest.mark.parametrize("path", SOURCES, ids=_name)
def test_the_team_phone_number_is_written_only_in_settings(path):
    # However it is spaced: "01698 754609", "(01698) 754 609", "+44 1698 754609".
    digits = re.sub(r"\D", "", settings.SERVICE["phone"]).removeprefix("0")
    number = re.compile(r"[\s()-]*".join(digits))
    assert not number.search(path.read_text()), "read settings.SERVICE['phone'] instead"


@pytest.mark.parametrize("path", SOURCES, ids=_name)
def test_the_team_is_named_only_in_settings(path):
    names = [settings.SERVICE[key] for key in ("name", "team", "organisation")]
    found = [
        text for text in _code_strings(path.read_text()) if any(name in text for name in names)
    ]
    assert not found, "read settings.SERVICE instead"


# The error pages stand alone: they are served where no template context can be trusted (a
# forged Host, a failing database), so they carry the team's contact details as text.
STANDALONE_PAGES = {"400.html", "500.html", "503.html"}
TEMPLATES = [
    path
    for path in sorted((ROOT / "templates").rglob("*"))
    if path.suffix in {".html", ".txt"} and path.name not in STANDALONE_PAGES
]


@pytest.mark.parametrize("path", TEMPLATES, ids=_name)
def test_templates_read_the_area_and_the_team_from_the_context(path):
    text = path.read_text()
    digits = re.sub(r"\D", "", settings.SERVICE["phone"]).removeprefix("0")
    names = ["Lanarkshire", settings.SERVICE["name"], settings.SERVICE["team"]]
    assert not [name for name in names if name in text], "use {{ catchment }} or {{ service }}"
    assert not re.search(r"[\s()-]*".join(digits), text), "use {{ service.phone }}"
