"""
The app served by gunicorn on a free local port, for the benches that measure it over HTTP.

    with serving(database_url, workers=2) as server:
        ... http://127.0.0.1:{server.port}/ ...
        server.worker_pids()    # the workers the master runs now

It uses the repository's gunicorn.conf.py when there is one (with the number of workers given here),
and gthread workers of `threads` threads otherwise. The app it serves has the baseline view of
bench/baseline_urls.py beside its own URLs (bench/baseline_wsgi.py).
"""

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchdb import REPO

GUNICORN = Path(sys.executable).parent / "gunicorn"
CONFIG = REPO / "gunicorn.conf.py"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def answers(port):
    """Whether something accepts connections on the local `port`."""
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


class serving:
    """gunicorn serving the app while the `with` block runs, stopped after it."""

    def __init__(self, database_url, workers=2, threads=4, env=None):
        if CONFIG.exists():
            self.how = f"{CONFIG.name}, {workers} workers"
            options = ["--config", str(CONFIG), "--workers", str(workers)]
        else:
            self.how = f"{workers} workers × {threads} threads (gthread)"
            options = ["--workers", str(workers), "--threads", str(threads), "--worker-class", "gthread",
                       "--timeout", "60", "--backlog", "2048"]
        self.port = free_port()
        self.command = [GUNICORN, *options, "--no-control-socket", "--pythonpath", str(REPO / "bench"),
                        "--bind", f"127.0.0.1:{self.port}", "baseline_wsgi"]
        self.env = os.environ | {"DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "tracker.settings",
                                 "DEBUG": "False"} | (env or {})

    def __enter__(self):
        self.log = tempfile.TemporaryFile()
        self.server = subprocess.Popen(self.command, cwd=REPO, env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while not answers(self.port):
            if self.server.poll() is not None or time.monotonic() > deadline:
                self.__exit__(None, None, None)
                sys.exit("gunicorn did not start.")
            time.sleep(0.2)
        return self

    def worker_pids(self):
        """The process ids of the master's workers now."""
        children = Path(f"/proc/{self.server.pid}/task/{self.server.pid}/children").read_text()
        return [int(pid) for pid in children.split()]

    def log_lines(self):
        self.log.seek(0)
        return self.log.read().decode(errors="replace").splitlines()

    def __exit__(self, *exc):
        self.server.terminate()
        try:
            self.server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.server.kill()
            self.server.wait()
        errors = [line for line in self.log_lines() if "Error" in line]
        self.log.close()
        if errors:
            print("gunicorn's log names errors:", *errors[-10:], sep="\n  ")
