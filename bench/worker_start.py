"""
What a new gunicorn worker costs before it answers a request: the CPU time of a fresh Python process
that loads Tandem's WSGI application (settings, apps, URLconf) and answers its first request through
Django's test client, against a fresh Python process that does nothing, in the same run.

gunicorn.conf.py replaces each worker after max_requests requests; this is the price of each replacement.

    .venv/bin/python bench/worker_start.py
    .venv/bin/python bench/worker_start.py --runs 20
"""

import argparse
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchdb import REPO, median  # noqa: E402

NOTHING = "pass"
# A worker's start as gunicorn makes it (tracker.wsgi), then its first request (templates compiled, caches cold).
WORKER = """
import os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
from tracker.wsgi import application
from django.test import Client
assert Client().get("/accounts/login/").status_code == 200
"""


def cpu_seconds(code, database_url):
    """User and system CPU time of one fresh Python process running `code`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, "-W", "ignore", "-c", code], cwd=REPO, check=True,
                   env={"PATH": "/usr/bin:/bin", "DATABASE_URL": database_url, "DEBUG": "False",
                        "ALLOWED_HOSTS": "testserver"})
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10, help="processes of each kind, taken in turns")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench_worker_") as directory:
        database_url = f"sqlite:///{Path(directory) / 'worker.sqlite3'}"
        nothing, worker = [], []
        for _ in range(args.runs):
            nothing.append(cpu_seconds(NOTHING, database_url))
            worker.append(cpu_seconds(WORKER, database_url))
    print(f"CPU seconds of a fresh process, median of {args.runs} (min-max)")
    for name, samples in (("Python doing nothing", nothing), ("a Tandem worker's start", worker)):
        print(f"{name:<26}{median(samples):>7.2f}   ({min(samples):.2f}-{max(samples):.2f})")
    cost = median(worker) - median(nothing)
    print(f"The worker's start costs {cost:.2f} s of CPU beyond the interpreter's own "
          f"({median(worker) / median(nothing):.0f}x a bare interpreter).")


if __name__ == "__main__":
    main()
