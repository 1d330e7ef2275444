"""
gunicorn's settings for Tandem. `gunicorn` run in the repository reads this file by itself; elsewhere, name it:

    gunicorn --config /srv/tandem/gunicorn.conf.py

From the environment (options on the command line win over both):

    BIND              the address to listen on; default 0.0.0.0:$PORT when PORT is set, else 127.0.0.1:8000
    WEB_CONCURRENCY   worker processes; default 2 × CPU cores + 1
    GUNICORN_THREADS  threads per worker; default 4

Each worker thread keeps its own database connection (CONN_MAX_AGE): one app server holds up to
workers × threads connections to PostgreSQL (docs/deploy.md).
"""

import multiprocessing
import os
import sys
from pathlib import Path

from pythonjsonlogger.json import JsonFormatter

# The repository, wherever gunicorn is started from: its modules are imported here and by the workers.
chdir = str(Path(__file__).resolve().parent)
sys.path.insert(0, chdir)
from tracker.json_logs import JSON_FIELDS, JSON_LOG_FORMAT  # noqa: E402

wsgi_app = "tracker.wsgi:application"

bind = [os.environ.get("BIND") or (f"0.0.0.0:{os.environ['PORT']}" if "PORT" in os.environ else "127.0.0.1:8000")]
workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count() * 2 + 1)
# Threads overlap the waits on PostgreSQL and Redis; more than one makes gunicorn use its gthread worker.
threads = int(os.environ.get("GUNICORN_THREADS") or 4)

# A worker silent this long is killed and replaced (an unreachable database fails a request within 3 s).
timeout = 30
# On a restart or a shutdown, requests under way get this long to finish.
graceful_timeout = 30
# Each connection carries one request, then closes. A kept-alive connection stays with the worker that
# accepted it, and under load one worker ended up with all of them while the other idled (bench/load.py
# --keep-alive 5: one of 2 workers gave a median 100% of each second's answers). Closed connections spread
# the requests over the workers (53% for the busiest) for 1.5 to 1.75 times the requests per second in that
# bench. A reverse proxy on the same machine or network opens a new connection in well under a millisecond.
keepalive = 0
# Each worker is replaced after about ten thousand requests, the jitter keeping them from restarting
# together: memory a worker gathers over days never piles up. Not after a thousand: a new worker spends
# about 0.5 s of CPU starting and answering its first request (bench/worker_start.py), and in
# bench/load.py the trivial view's ceiling was 760 req/s with a thousand against 970-1,120 with ten thousand.
max_requests = 10000
max_requests_jitter = 1000

# Not preloaded: each worker imports the app itself, so `kill -HUP` (systemctl reload) brings in new code
# worker by worker without dropping a request, and nothing opened while importing (a database connection) is
# shared by the forked workers. Preloading would save some memory per worker; Tandem is small.
preload_app = False

# The workers' heartbeat files in memory: on a disk-backed /tmp a slow disk can stall them into a timeout.
worker_tmp_dir = "/dev/shm" if Path("/dev/shm").is_dir() else None

# Request lines up to gunicorn's largest limit, as nginx allows: a search of 200 four-byte characters,
# percent-encoded, is longer than the default 4094 bytes, and its 414 would be gunicorn's, not Tandem's.
limit_request_line = 8190

# No control socket (gunicornc): nothing here uses it, and two servers on one machine would both want its
# one default path.
control_socket_disable = True


class AccessLogFormatter(JsonFormatter):
    """One JSON object per request, its fields taken from gunicorn's access log atoms."""

    def add_fields(self, log_record, record, message_dict):
        super().add_fields(log_record, record, message_dict)
        atoms = record.args
        log_record.update(
            method=atoms["m"],
            path=atoms["U"],
            query=atoms["q"],
            status=int(atoms["s"]),
            bytes=atoms["B"],
            duration_ms=atoms["M"],
            remote_addr=atoms["h"],
            forwarded_for=atoms["{x-forwarded-for}i"],
            user_agent=atoms["a"],
            pid=record.process,  # the worker that answered
        )


# The message of an access log line; its fields are above.
access_log_format = "%(m)s %(U)s %(s)s"
accesslog = "-"

# The same JSON lines as Django's logs (tracker/json_logs.py), all on stdout.
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": JSON_LOG_FORMAT,
        "access": {"()": AccessLogFormatter, **JSON_FIELDS},
    },
    "handlers": {
        "stdout": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "json"},
        "access": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "access"},
    },
    "root": {"handlers": ["stdout"], "level": "WARNING"},
    "loggers": {
        "gunicorn.error": {"handlers": ["stdout"], "level": "INFO", "propagate": False},
        "gunicorn.access": {"handlers": ["access"], "level": "INFO", "propagate": False},
    },
}
