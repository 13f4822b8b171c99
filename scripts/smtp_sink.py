"""A mail server for loopback runs: takes every message and keeps it as a file, sends nothing.

Usage: python scripts/smtp_sink.py PORT MAIL_DIR [--hold FILE]

`make prod-local` points its email workers here, so the service's emails can be read (one
.eml file each in MAIL_DIR) without a real relay; the fault tests count them. A message is
written (atomically, by rename) the moment its final "." arrives, before the 250 reply, as a
real server queues it. While FILE exists, a new connection waits for the greeting: a worker
talking to it is stuck before sending anything, where the fault tests kill it.

Plain SMTP, no TLS, no authentication: bound to 127.0.0.1 only.
"""

import argparse
import contextlib
import itertools
import os
import socketserver
import threading
import time
from pathlib import Path

_numbers = itertools.count(1)
_lock = threading.Lock()


class Session(socketserver.StreamRequestHandler):
    timeout = 60

    def reply(self, line):
        self.wfile.write(f"{line}\r\n".encode())
        self.wfile.flush()

    def handle(self):
        # The client may go away mid-conversation: the fault tests kill workers.
        with contextlib.suppress(OSError):
            self.converse()

    def converse(self):
        hold = self.server.hold
        while hold and hold.exists():
            time.sleep(0.05)
        self.reply("220 imhs-smtp-sink ready")
        while True:
            line = self.rfile.readline()
            if not line:
                return
            verb = line.decode("ascii", "replace").strip().split(" ", 1)[0].upper()
            if verb == "EHLO":
                self.reply("250-imhs-smtp-sink")
                self.reply("250 8BITMIME")
            elif verb in ("HELO", "MAIL", "RCPT", "RSET", "NOOP"):
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                if not self.take_message():
                    return
                self.reply("250 OK queued")
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("502 Not implemented")

    def take_message(self):
        lines = []
        while True:
            line = self.rfile.readline()
            if not line:
                return False  # the client went away mid-message: nothing was accepted
            if line in (b".\r\n", b".\n"):
                break
            lines.append(line[1:] if line.startswith(b"..") else line)
        with _lock:
            number = next(_numbers)
        folder = self.server.mail_dir
        partial = folder / f".{os.getpid()}-{number}.part"
        partial.write_bytes(b"".join(lines))
        partial.rename(folder / f"{os.getpid()}-{number:06d}.eml")
        return True


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("port", type=int)
    parser.add_argument("mail_dir", type=Path)
    parser.add_argument("--hold", type=Path, default=None)
    options = parser.parse_args()
    options.mail_dir.mkdir(parents=True, exist_ok=True)
    with Server(("127.0.0.1", options.port), Session) as server:
        server.mail_dir, server.hold = options.mail_dir, options.hold
        server.serve_forever()


if __name__ == "__main__":
    main()
