"""`make test-faults` inside `make test` (issue 17, point 4): they take about a minute and a
half, so they run on every change. The faults themselves are in tests/faults/; this runs them
as `make test-faults` does, in their own process with the production settings, on their own
PostgreSQL cluster and ports, and shows what they printed when one fails."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.mark.skipif(
    not (shutil.which("openssl") and (os.geteuid() == 0 or shutil.which("haproxy"))),
    reason="needs openssl, and HAProxy or the right to install it",
)
def test_every_fault_is_survived():
    result = subprocess.run(
        [sys.executable, "-m", "tests.faults"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-4000:]
    assert "Every fault survived." in result.stdout
