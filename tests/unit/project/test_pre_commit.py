"""The pre-commit hooks run only the project's own pinned tools, and the secrets baseline is
current and audited."""

import json
import re
import shlex
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[3]


def hooks():
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())
    return config["repos"], [hook for repo in config["repos"] for hook in repo["hooks"]]


def command(hook):
    """The hook's command without a leading `env NAME=value ...`."""
    words = shlex.split(hook["entry"])
    if words[0] == "env":
        words = [word for word in words[1:] if not re.match(r"^\w+=", word)]
    return words


def test_every_hook_is_local_and_runs_a_tool_from_the_virtualenv():
    repos, all_hooks = hooks()
    assert [repo["repo"] for repo in repos] == ["local"] * len(repos)
    for hook in all_hooks:
        assert hook["language"] == "system", hook["id"]
        assert command(hook)[0].startswith(".venv/bin/"), hook["id"]


def test_the_hooks_are_lint_imports_migrations_diagram_and_secrets():
    _repos, all_hooks = hooks()
    commands = [" ".join(command(hook)) for hook in all_hooks]
    assert commands == [
        ".venv/bin/ruff check --force-exclude",
        ".venv/bin/ruff format --check --force-exclude",
        ".venv/bin/lint-imports",
        ".venv/bin/python manage.py makemigrations --check --dry-run",
        ".venv/bin/python manage.py workflow_diagram --check",
        ".venv/bin/detect-secrets-hook --baseline .secrets.baseline",
    ]


def test_the_tools_the_hooks_run_are_pinned_in_the_development_requirements():
    pinned = re.findall(r"^([\w-]+)==", (ROOT / "requirements-dev.txt").read_text(), re.MULTILINE)
    assert {"ruff", "import-linter", "detect-secrets", "pre-commit"} <= set(pinned)


def test_the_secrets_baseline_names_existing_files_and_every_finding_is_audited():
    """A moved or deleted file leaves the baseline stale (its findings would be flagged anew at
    the new path): rescan with `detect-secrets scan --baseline .secrets.baseline`, then audit."""
    baseline = json.loads((ROOT / ".secrets.baseline").read_text())
    missing = [name for name in baseline["results"] if not (ROOT / name).is_file()]
    assert missing == []
    unaudited = [
        f"{name}:{finding['line_number']}"
        for name, findings in baseline["results"].items()
        for finding in findings
        if finding.get("is_secret") is not False
    ]
    assert unaudited == []


def test_the_readme_says_how_to_install_the_hooks():
    assert "pre-commit install" in (ROOT / "README.md").read_text()
