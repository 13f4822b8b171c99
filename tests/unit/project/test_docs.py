"""A clone of the repository is enough to start: the README says what a machine needs, and no
document points outside the repository (the starting design lives in docs/architecture.md)."""

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def tracked_files():
    out = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True, timeout=30
    ).stdout
    return [ROOT / name for name in out.splitlines()]


def test_no_document_or_code_points_outside_the_repository():
    outside = re.compile(r"\.\./shared|shared/(DESIGN|NOTES)\.md")
    offenders = []
    for path in tracked_files():
        if path.suffix in {".png", ".ico", ".svg"} or not path.is_file():
            continue
        text = path.read_text(errors="ignore")
        if outside.search(text) and path.name != Path(__file__).name:
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_the_readme_says_what_a_machine_needs():
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## What a machine needs", 1)[1].split("\n## ", 1)[0]
    for need in ("Python 3.11", "Node.js", "npm", "PostgreSQL", "chromium", "make run PORT=8001"):
        assert need in section


def test_the_readmes_links_to_the_repository_resolve():
    readme = (ROOT / "README.md").read_text()
    targets = re.findall(r"\]\(([^)#:]+)\)", readme)
    assert "docs/architecture.md" in targets
    missing = [target for target in targets if not (ROOT / target).exists()]
    assert missing == []


def test_the_developer_documents_links_resolve():
    """DEVELOPERS.md, the architecture guide and the layout ADR point at files that exist."""
    documents = [
        "DEVELOPERS.md",
        "docs/architecture.md",
        "docs/adr/0008-layout-rooms-by-purpose.md",
    ]
    missing = []
    for name in documents:
        document = ROOT / name
        for target in re.findall(r"\]\(([^)#:]+)\)", document.read_text()):
            if not (document.parent / target).exists():
                missing.append(f"{name} -> {target}")
    assert missing == []
