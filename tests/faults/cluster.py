"""A PostgreSQL cluster of the fault tests' own, on 127.0.0.1, so that restarting it (one of
the faults) disturbs nothing else using the machine's server. Made with the machine's
PostgreSQL programs, run as the `postgres` user when we are root (PostgreSQL refuses root)."""

import shutil
import subprocess
from pathlib import Path

from scripts.ensure_database import as_cluster_owner, find_program


class PrivateCluster:
    def __init__(self, folder, *, port):
        self.folder, self.port = Path(folder), port
        self.data, self.run = self.folder / "data", self.folder / "run"

    def url(self, database):
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def _pg_ctl(self, *args, check=True):
        prefix, _owner = as_cluster_owner()
        return subprocess.run(
            [*prefix, find_program("pg_ctl"), "-D", str(self.data), *args],
            check=check,
            capture_output=True,
            text=True,
        )

    def start(self):
        prefix, owner = as_cluster_owner()
        self.run.mkdir(parents=True, exist_ok=True)
        if owner:
            for path in (self.folder, self.run):
                shutil.chown(path, user=owner.pw_name, group=owner.pw_gid)
        if not (self.data / "PG_VERSION").exists():
            subprocess.run(
                [
                    *prefix,
                    find_program("initdb"),
                    "-D",
                    str(self.data),
                    "-U",
                    "postgres",
                    "-A",
                    "trust",
                    "-E",
                    "UTF8",
                ],
                check=True,
                capture_output=True,
            )
        if self._pg_ctl("status", check=False).returncode != 0:
            options = f"-p {self.port} -k {self.run} -c listen_addresses=127.0.0.1"
            self._pg_ctl("-o", options, "-l", str(self.folder / "log"), "-w", "start")

    def restart(self):
        """A fast restart: every connection is cut, as in a failover or a server upgrade."""
        self._pg_ctl("-m", "fast", "-l", str(self.folder / "log"), "-w", "restart")

    def stop(self):
        self._pg_ctl("-m", "fast", "-w", "stop", check=False)
