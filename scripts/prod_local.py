"""The service run as a health board would run it, on this one machine (`make prod-local`).

Usage: .venv/bin/python scripts/prod_local.py up | down | status | manage ARGS...

`up` brings up, on loopback:
- PostgreSQL: the local server (PROD_LOCAL_DATABASE_URL, default postgres:///imhs_prodlocal),
  the database and its owner and app roles made by scripts/ensure_database.py, migrations run
  as the owner role;
- two gunicorn app servers (ports 8101 and 8102), production settings: DEBUG off, generated
  keys kept in the state folder, https through the proxy;
- two email workers (`manage.py db_worker`), sending to a mail sink (scripts/smtp_sink.py,
  port 8025) that keeps each message as a file;
- HAProxy in front (deploy/haproxy.cfg: the same file a board starts from), TLS ended there
  with a self-signed certificate made on the fly: https://localhost:8443/ (and http on 8080,
  redirected).
`down` stops every process it started (SIGTERM, then SIGKILL); `status` says what runs.
`manage ARGS` runs manage.py with the stack's settings (e.g. `manage createsuperuser`).

Everything lives in build/prod-local/ (PROD_LOCAL_DIR): keys (mode 600), certificate, process
ids, one log per process, the sink's mail. Ports move with PROD_LOCAL_HTTPS_PORT,
PROD_LOCAL_HTTP_PORT, PROD_LOCAL_APP_PORTS (comma-separated), PROD_LOCAL_SMTP_PORT. The fault
tests (tests/faults) drive the same class. Only the standard library and psycopg2 (through
ensure_database.py): it runs before Django is configured.
"""

import contextlib
import os
import secrets
import shutil
import signal
import ssl
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"


def _env_list(name, default):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


class Stack:
    def __init__(self, state=None, *, database_url=None):
        self.state = Path(state or os.environ.get("PROD_LOCAL_DIR") or ROOT / "build/prod-local")
        self.database_url = database_url or os.environ.get(
            "PROD_LOCAL_DATABASE_URL", "postgres:///imhs_prodlocal"
        )
        self.https_port = int(os.environ.get("PROD_LOCAL_HTTPS_PORT", "8443"))
        self.http_port = int(os.environ.get("PROD_LOCAL_HTTP_PORT", "8080"))
        self.app_ports = [int(p) for p in _env_list("PROD_LOCAL_APP_PORTS", "8101,8102")]
        self.smtp_port = int(os.environ.get("PROD_LOCAL_SMTP_PORT", "8025"))
        self.workers = ("1", "2")

    # --- where things are ---------------------------------------------------------------------

    @property
    def base_url(self):
        return f"https://localhost:{self.https_port}"

    @property
    def certificate(self):
        return self.state / "tls.crt"

    @property
    def mail_dir(self):
        return self.state / "mail"

    @property
    def hold_file(self):
        """While it exists, the mail sink keeps new connections waiting (tests/faults)."""
        return self.state / "hold-mail"

    def log(self, name):
        return self.state / "logs" / f"{name}.log"

    def _pid_file(self, name):
        return self.state / "pids" / f"{name}.pid"

    def pid(self, name):
        with contextlib.suppress(FileNotFoundError, ValueError):
            return int(self._pid_file(name).read_text())
        return None

    def running(self, name):
        pid = self.pid(name)
        if pid is None:
            return False
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        # A zombie (our child, killed, not yet reaped) is not running.
        with contextlib.suppress(FileNotFoundError):
            return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0] != "Z"
        return False

    # --- the settings every process gets ------------------------------------------------------

    def _secrets(self):
        """SECRET_KEY and FIELD_ENCRYPTION_KEYS, made once and kept (mode 600): a restart must
        not log everyone out nor make the stored authenticator keys unreadable."""
        path = self.state / "secrets.env"
        if not path.exists():
            from cryptography.fernet import Fernet

            path.parent.mkdir(parents=True, exist_ok=True)
            path.touch(mode=0o600)
            path.write_text(
                f"SECRET_KEY={secrets.token_urlsafe(50)}\n"
                f"FIELD_ENCRYPTION_KEYS={Fernet.generate_key().decode()}\n"
            )
        return dict(line.split("=", 1) for line in path.read_text().split())

    def env(self, *, owner=False):
        app_url = (self.state / "database_url").read_text().strip()
        environment = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "DEBUG"))},
            **self._secrets(),
            "DEBUG": "false",
            "ALLOWED_HOSTS": "localhost,127.0.0.1",
            "SITE_URL": self.base_url,
            "CSRF_TRUSTED_ORIGINS": self.base_url,
            "DATABASE_URL": app_url,
            # TLS ends at HAProxy, the one trusted proxy, on this machine.
            "TRUSTED_PROXY_COUNT": "1",
            "TRUSTED_PROXY_IPS": "127.0.0.1",
            "SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO,https",
            # Not on "localhost": a browser would then refuse `make run`'s plain http there too.
            "SECURE_HSTS_SECONDS": "0",
            "TASKS_BACKEND": "database",
            "EMAIL_BACKEND": "smtp",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(self.smtp_port),
            "EMAIL_USE_TLS": "false",
            "LOG_FORMAT": "json",
            "TASK_ORPHAN_GRACE_SECONDS": os.environ.get("TASK_ORPHAN_GRACE_SECONDS", "5"),
            "TASK_ORPHAN_SWEEP_SECONDS": os.environ.get("TASK_ORPHAN_SWEEP_SECONDS", "2"),
        }
        if owner:
            environment["DATABASE_OWNER_URL"] = (
                (self.state / "database_owner_url").read_text().strip()
            )
        return environment

    def manage(self, *args, owner=False, check=True, capture=False):
        return subprocess.run(
            [str(PYTHON), str(ROOT / "manage.py"), *args],
            cwd=ROOT,
            env=self.env(owner=owner),
            check=check,
            capture_output=capture,
            text=True,
        )

    # --- bringing it up -----------------------------------------------------------------------

    def prepare(self):
        """Everything before the processes: programs, database, migrations, static files,
        the certificate. Each step is quick when already done."""
        for folder in ("pids", "logs", "mail", "haproxy"):
            (self.state / folder).mkdir(parents=True, exist_ok=True)
        subprocess.run([str(ROOT / "scripts" / "ensure_haproxy.sh")], check=True)
        subprocess.run(
            [
                str(PYTHON),
                str(ROOT / "scripts" / "ensure_database.py"),
                str(self.state / "database_url"),
                str(self.state / "database_owner_url"),
            ],
            env={**os.environ, "DATABASE_URL": self.database_url},
            check=True,
        )
        self.manage("migrate", "--no-input", "-v", "0", owner=True)
        self.manage("collectstatic", "--no-input", "-v", "0")
        self._certificate()

    def _certificate(self):
        """A self-signed certificate for localhost and 127.0.0.1, and HAProxy's pem (the
        certificate and its key in one file, mode 600)."""
        pem = self.state / "tls.pem"
        if pem.exists() and self.certificate.exists():
            return
        key = self.state / "tls.key"
        subprocess.run(
            [
                shutil.which("openssl") or "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "30",
                "-subj",
                "/CN=localhost",
                "-addext",
                "subjectAltName=DNS:localhost,IP:127.0.0.1",
                "-keyout",
                str(key),
                "-out",
                str(self.certificate),
            ],
            check=True,
            capture_output=True,
        )
        pem.touch(mode=0o600)
        pem.write_bytes(self.certificate.read_bytes() + key.read_bytes())
        key.unlink()

    def _spawn(self, name, command, environment):
        log = self.log(name).open("ab")
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # its own process group: killed with its children
        )
        self._pid_file(name).write_text(str(process.pid))
        return process

    def start_sink(self):
        sink = [str(PYTHON), str(ROOT / "scripts" / "smtp_sink.py"), str(self.smtp_port)]
        sink += [str(self.mail_dir), "--hold", str(self.hold_file)]
        self._spawn("smtp-sink", sink, dict(os.environ))

    def start_app(self, number):
        port = self.app_ports[number - 1]
        gunicorn = [str(ROOT / ".venv" / "bin" / "gunicorn"), "imhs.wsgi", "-c", "gunicorn.conf.py"]
        gunicorn += ["--bind", f"127.0.0.1:{port}", "--workers", "2", "--graceful-timeout", "5"]
        self._spawn(f"app{number}", gunicorn, self.env())

    def start_worker(self, number):
        worker = [str(PYTHON), "manage.py", "db_worker", "--no-reload", "--interval", "0.5"]
        worker += ["--worker-id", f"prod-local-{number}"]
        self._spawn(f"worker{number}", worker, self.env())

    def start_proxy(self):
        environment = {
            **os.environ,
            "IMHS_PUBLIC_URL": self.base_url,
            "IMHS_HTTPS_BIND": f"127.0.0.1:{self.https_port}",
            "IMHS_HTTP_BIND": f"127.0.0.1:{self.http_port}",
            "IMHS_TLS_PEM": str(self.state / "tls.pem"),
            "IMHS_APP1": f"127.0.0.1:{self.app_ports[0]}",
            "IMHS_APP2": f"127.0.0.1:{self.app_ports[1]}",
            "IMHS_HAPROXY_STATE": str(self.state / "haproxy"),
        }
        haproxy = shutil.which("haproxy") or "/usr/sbin/haproxy"
        self._spawn(
            "haproxy", [haproxy, "-f", str(ROOT / "deploy" / "haproxy.cfg"), "-db"], environment
        )

    def up(self):
        self.prepare()
        if not self.running("smtp-sink"):
            self.start_sink()
        for number in (1, 2):
            if not self.running(f"app{number}"):
                self.start_app(number)
        for number in (1, 2):
            if not self.running(f"worker{number}"):
                self.start_worker(number)
        if not self.running("haproxy"):
            self.start_proxy()
        for port in self.app_ports:
            self.wait_for(f"http://127.0.0.1:{port}/healthz/", what=f"the app server on {port}")
        self.wait_for(f"{self.base_url}/readyz/", what="the load balancer")

    # --- asking it ----------------------------------------------------------------------------

    def tls(self):
        return ssl.create_default_context(cafile=str(self.certificate))

    def get(self, url, timeout=5):
        """(status, body) of a GET, or (None, reason) when nothing answered."""
        # Only this stack's own http(s) addresses are asked.
        try:
            with urllib.request.urlopen(url, timeout=timeout, context=self.tls()) as response:  # noqa: S310  # nosec B310
                return response.status, response.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()
        except (urllib.error.URLError, OSError) as exc:
            return None, str(exc)

    def wait_for(self, url, *, what, seconds=60):
        deadline = time.monotonic() + seconds
        status, body = None, ""
        while time.monotonic() < deadline:
            status, body = self.get(url)
            if status == 200:
                return
            time.sleep(0.25)
        raise SystemExit(f"{what} did not answer 200 at {url} in {seconds} s: {status} {body}")

    # --- taking it down -----------------------------------------------------------------------

    def stop(self, name, sig=signal.SIGTERM, *, seconds=15):
        """Signal a process's whole group (gunicorn's workers with their master); SIGKILL
        whatever is left after `seconds`."""
        pid = self.pid(name)
        if pid is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, sig)
        deadline = time.monotonic() + seconds
        while self.running(name) and time.monotonic() < deadline:
            _reap(pid)
            time.sleep(0.1)
        if self.running(name):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)
        _reap(pid)
        self._pid_file(name).unlink(missing_ok=True)

    def down(self):
        for name in ("haproxy", "app1", "app2", "worker1", "worker2", "smtp-sink"):
            self.stop(name)

    def status(self):
        names = ("haproxy", "app1", "app2", "worker1", "worker2", "smtp-sink")
        lines = [f"{name:10} {'running' if self.running(name) else 'stopped'}" for name in names]
        if self.certificate.exists():
            status, body = self.get(f"{self.base_url}/readyz/")
            lines.append(f"{self.base_url}/readyz/ -> {status} {body.strip()[:80]}")
        return "\n".join(lines)


def _reap(pid):
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def main(argv):
    stack = Stack()
    command = argv[0] if argv else "status"
    if command == "up":
        stack.up()
        print(stack.status())
        print(
            f"\nThe service: {stack.base_url}/ (self-signed certificate: {stack.certificate})\n"
            f"Emails it sends: {stack.mail_dir}/   Logs: {stack.state / 'logs'}/\n"
            "No demo data with DEBUG off. A first service lead:\n"
            "  .venv/bin/python scripts/prod_local.py manage createsuperuser\n"
            "Stop everything: make prod-local-down"
        )
    elif command == "down":
        stack.down()
        print("Stopped.")
    elif command == "status":
        print(stack.status())
    elif command == "manage":
        sys.exit(stack.manage(*argv[1:], check=False).returncode)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
