"""gunicorn.conf.py: what gunicorn reads from it, and its access log as JSON lines like Django's."""

import json
import logging
import multiprocessing
import os
import runpy
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from gunicorn.glogging import SafeAtoms

ROOT = Path(__file__).resolve().parents[1]
GUNICORN = Path(sys.executable).parent / "gunicorn"
CONFIG = runpy.run_path(str(ROOT / "gunicorn.conf.py"))


def gunicorn_settings(**env):
    """The settings gunicorn resolves in the repository with this environment (`gunicorn --print-config`)."""
    clean = {k: v for k, v in os.environ.items() if k not in ("BIND", "PORT", "WEB_CONCURRENCY", "GUNICORN_THREADS")}
    result = subprocess.run([GUNICORN, "--print-config"], cwd=ROOT, env={**clean, **env}, capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stderr
    pairs = (line.split("=", 1) for line in result.stdout.splitlines() if "=" in line)
    return {name.strip(): value.strip() for name, value in pairs}


def test_gunicorn_reads_the_config_file_by_itself():
    found = gunicorn_settings()

    assert found["wsgi_app"] == "tracker.wsgi:application"
    assert found["bind"] == "['127.0.0.1:8000']"
    assert found["workers"] == str(multiprocessing.cpu_count() * 2 + 1)
    assert found["threads"] == "4"
    assert (found["timeout"], found["graceful_timeout"]) == ("30", "30")
    assert found["keepalive"] == "0"
    assert (found["max_requests"], found["max_requests_jitter"]) == ("10000", "1000")
    assert found["preload_app"] == "False"
    assert found["worker_tmp_dir"] == ("/dev/shm" if Path("/dev/shm").is_dir() else "None")
    assert found["limit_request_line"] == "8190"
    assert found["control_socket_disable"] == "True"
    assert found["accesslog"] == "-"


def test_the_environment_sets_the_address_and_the_workers():
    found = gunicorn_settings(PORT="8123", WEB_CONCURRENCY="3", GUNICORN_THREADS="2")

    assert found["bind"] == "['0.0.0.0:8123']"
    assert (found["workers"], found["threads"]) == ("3", "2")
    assert gunicorn_settings(PORT="8123", BIND="unix:/run/tandem.sock")["bind"] == "['unix:/run/tandem.sock']"


def access_line(**atoms):
    """The access log line gunicorn writes for a request with these atoms (gunicorn.glogging.Logger.access)."""
    atoms = {"h": "127.0.0.1", "m": "GET", "U": "/day/", "q": "", "s": "200", "B": 512, "M": 12,
             "a": "curl/8", "{x-forwarded-for}i": "203.0.113.9"} | atoms
    record = logging.LogRecord("gunicorn.access", logging.INFO, __file__, 1, CONFIG["access_log_format"],
                               (SafeAtoms(atoms),), None)
    formatter = CONFIG["AccessLogFormatter"](**CONFIG["JSON_FIELDS"])
    return json.loads(formatter.format(record))


def test_the_access_log_is_a_json_object_per_request():
    line = access_line(m="POST", U="/api/v1/entries", q="x=1", s="201")

    assert line["level"] == "INFO" and line["logger"] == "gunicorn.access"
    assert line["message"] == "POST /api/v1/entries 201"
    assert (line["method"], line["path"], line["query"], line["status"]) == ("POST", "/api/v1/entries", "x=1", 201)
    assert (line["bytes"], line["duration_ms"]) == (512, 12)
    assert (line["remote_addr"], line["forwarded_for"], line["user_agent"]) == ("127.0.0.1", "203.0.113.9", "curl/8")
    assert "timestamp" in line
    assert line["pid"] == os.getpid()


def test_gunicorn_and_django_log_the_same_fields():
    django_json = {key: value for key, value in settings.LOGGING["formatters"]["json"].items() if key != "()"}

    assert CONFIG["JSON_FIELDS"] == django_json
    assert CONFIG["logconfig_dict"]["formatters"]["json"]["()"] == settings.LOGGING["formatters"]["json"]["()"]
