"""
The app served by gunicorn on a free local port, for the benches that measure it over HTTP.

    with serving(database_url, workers=2) as server:
        ... http://127.0.0.1:{server.port}/ ...
        server.worker_pids()    # the workers the master runs now

It uses the repository's gunicorn.conf.py when there is one (with the number of workers given here),
and gthread workers of `threads` threads otherwise. The app it serves has the baseline view of
bench/baseline_urls.py beside its own URLs (bench/baseline_wsgi.py). To serve it with production
settings, as the load and fault benches do:

    environment = app_environment("production", redis_url, static_root)
    os.environ.update(environment)          # this process prepares the database with the same settings
    setup_django(url); collect_static(static_root)
    with serving(url, env=environment) as server: ...
"""

import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from datetime import datetime
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


def app_environment(django_env, redis_url, static_root):
    """
    The settings the served app runs with, as environment variables: `django_env` ("production": with a
    secret key of the run's own and the static files collected into `static_root`), a cache at `redis_url`
    ("": each process its own), and DEBUG off.
    """
    environment = {"DJANGO_ENV": django_env, "DEBUG": "False", "REDIS_URL": redis_url,
                   "BENCH_STATIC_ROOT": static_root}
    if django_env == "production":
        environment |= {"SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "127.0.0.1"}
    return environment


def collect_static(static_root):
    """Collect the static files into `static_root`, compressed and hashed as production serves them."""
    from django.conf import settings
    from django.core.management import call_command

    settings.STATIC_ROOT = static_root
    call_command("collectstatic", interactive=False, verbosity=0)


def open_sockets(pid):
    """How many sockets the process `pid` holds open."""
    descriptors = Path(f"/proc/{pid}/fd")
    try:
        return sum(1 for descriptor in descriptors.iterdir() if os.readlink(descriptor).startswith("socket:"))
    except FileNotFoundError:  # it has just exited
        return 0


class serving:
    """gunicorn serving the app while the `with` block runs, stopped after it."""

    def __init__(self, database_url, workers=2, threads=4, env=None, keep_alive=None):
        if CONFIG.exists():
            self.how = f"{CONFIG.name}, {workers} workers"
            options = ["--config", str(CONFIG), "--workers", str(workers)]
            if keep_alive is not None:
                self.how += f", keep-alive {keep_alive} s"
                options += ["--keep-alive", str(keep_alive)]
        else:
            self.how = f"{workers} workers × {threads} threads (gthread)"
            options = ["--workers", str(workers), "--threads", str(threads), "--worker-class", "gthread",
                       "--timeout", "60", "--backlog", "2048"]
        self.port = free_port()
        self.command = [GUNICORN, *options, "--no-control-socket", "--pythonpath", str(REPO / "bench"),
                        "--bind", f"127.0.0.1:{self.port}", "baseline_wsgi"]
        self.env = os.environ | {"DEBUG": "False"} | (env or {}) | {
            "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "tracker.settings"}

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

    def busiest_worker(self):
        """The worker holding the most sockets now: the one with most clients' connections (and its database's)."""
        return max(self.worker_pids(), key=open_sockets)

    def answers_by_worker(self, start, end):
        """
        For each second of wall-clock time in [start, end): how many requests each worker answered, as
        {second: Counter({pid: answers})}, read from the access log (gunicorn.conf.py's JSON lines).
        """
        seconds = defaultdict(Counter)
        for line in self.log_lines():
            if '"gunicorn.access"' not in line:
                continue
            answer = json.loads(line)
            moment = datetime.fromisoformat(answer["timestamp"]).timestamp()
            if start <= moment < end:
                seconds[int(moment)][answer["pid"]] += 1
        return seconds

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
            print(f"{len(errors)} lines of gunicorn's log name errors; the last ones:",
                  *(line[:300] for line in errors[-5:]), sep="\n  ")
