"""Run the fault tests: see the package's docstring."""

import os
import shutil
import sys
import tempfile
import time

from scripts.prod_local import ROOT, Stack
from tests.faults.cluster import PrivateCluster

STATE = ROOT / "build" / "faults"
PORTS = {"https": 8643, "http": 8680, "apps": (8701, 8702), "smtp": 8725, "postgres": 54331}


def main():
    # A fresh cluster each run, in a folder of its own under the system's temporary folder: the
    # `postgres` user runs it, and a checkout may sit where that user cannot reach (a 0700
    # temporary folder, root's home).
    cluster = PrivateCluster(tempfile.mkdtemp(prefix="imhs-faults-pg-"), port=PORTS["postgres"])
    stack = Stack(STATE / "stack", database_url=cluster.url("imhs_faults"))
    stack.https_port, stack.http_port = PORTS["https"], PORTS["http"]
    stack.app_ports, stack.smtp_port = list(PORTS["apps"]), PORTS["smtp"]
    started = time.monotonic()
    try:
        cluster.start()
        stack.down()  # anything a previous, interrupted run left, and its mail and logs
        shutil.rmtree(stack.state, ignore_errors=True)
        stack.up()
        os.environ.update(stack.env())
        os.environ["DJANGO_SETTINGS_MODULE"] = "imhs.settings"
        import django

        django.setup()
        from tests.faults import checks

        failures = checks.run_all(stack, cluster)
    finally:
        stack.down()
        cluster.stop()
        shutil.rmtree(cluster.folder, ignore_errors=True)
    print(f"\nFault tests: {time.monotonic() - started:.0f} s in all.")
    if failures:
        print(f"FAILED: {', '.join(failures)}")
        return 1
    print("Every fault survived.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
