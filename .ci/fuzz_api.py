"""
Fuzz the JSON API with schemathesis against a live server, as CI does after the tests.

    .venv/bin/python .ci/fuzz_api.py            # PostgreSQL, database tandem_fuzz (dropped and made anew)
    .venv/bin/python .ci/fuzz_api.py --database-url sqlite:///
    .venv/bin/python .ci/fuzz_api.py --max-examples 10 --seed 7

It migrates a fresh database, loads the seed catalog, makes a user, serves the app with gunicorn on a
free local port, logs a few entries through the API so that ids exist, then runs schemathesis on the
generated schema with that user's token. It fails (exit code not 0) on any 5xx response or any response
the schema does not describe, and stops the server and removes the database whatever happens.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))
from benchdb import prepare_database  # noqa: E402  (a throwaway database, as the benches make theirs)
from serve import free_port  # noqa: E402

BIN = Path(sys.executable).parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/tandem_fuzz"
USERNAME, PASSWORD = "fuzz", "fuzz-horse-battery-staple"
# Every check that a response matches what the schema says: no 5xx, a declared status code and
# content type, and a body valid against the schema of its status.
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--max-examples", type=int, default=30, help="test cases per operation and phase")
    parser.add_argument("--seed", type=int, default=20261120, help="the same seed fuzzes with the same inputs")
    # One worker: several threads compiling at once trip CPython 3.11.7's "AST constructor recursion depth
    # mismatch" (python/cpython#106905) inside schemathesis, an error of the fuzzer rather than of the API.
    parser.add_argument("--workers", type=int, default=1)
    return parser.parse_args()


def main():
    args = parse_args()
    database_url, remove_database = prepare_database(args.database_url, prefix="tandem_fuzz", scratch="tandem_fuzz")
    try:
        return fuzz(database_url, args)
    finally:
        remove_database()


def fuzz(database_url, args):
    env = os.environ | {"DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "tracker.settings"}
    manage("migrate", "--no-input", "-v", "0", env=env)
    manage("load_catalog", env=env)
    manage("shell", "-c", f"from django.contrib.auth.models import User; User.objects.create_user({USERNAME!r}, "
                          f"password={PASSWORD!r})", env=env)
    port = free_port()
    base = f"http://127.0.0.1:{port}/api/v1"
    with tempfile.TemporaryFile() as server_log:
        server = subprocess.Popen(
            # The repository's gunicorn.conf.py (request lines up to 8190 bytes, as behind nginx), on a free port.
            [BIN / "gunicorn", "--config", REPO / "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}",
             "--workers", "2", "--timeout", "60"],
            cwd=REPO, env=env, stdout=server_log, stderr=subprocess.STDOUT,
        )
        try:
            wait_until_serving(f"{base}/openapi.json", server)
            key = log_a_few_entries(base)
            fuzzed = subprocess.run([
                BIN / "st", "--config-file", REPO / ".ci" / "schemathesis.toml", "run", f"{base}/openapi.json",
                "--header", f"Authorization: Bearer {key}",
                "--checks", CHECKS,
                "--max-examples", str(args.max_examples),
                "--seed", str(args.seed),
                "--workers", str(args.workers),
                "--generation-database", "none",
                "--no-color",
            ], cwd=REPO)
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        if fuzzed.returncode:
            print_server_errors(server_log)
    return fuzzed.returncode


def manage(*args, env):
    subprocess.run([sys.executable, "manage.py", *args], cwd=REPO, env=env, check=True)


def wait_until_serving(url, server, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"The server stopped before it served (exit code {server.returncode}).")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    sys.exit(f"The server did not answer {url} within {timeout} s.")


def log_a_few_entries(base):
    """The user's token, after logging a food, a supplement and a dose through the API."""
    key = call(f"{base}/token", {"username": USERNAME, "password": PASSWORD})["token"]
    natto = call(f"{base}/foods?q=natto&limit=1", key=key)[0]
    supplement = call(f"{base}/foods?kind=supplement&limit=1", key=key)[0]
    when = {"date": "2026-11-20", "meal": "breakfast"}
    call(f"{base}/entries", {**when, "item_id": natto["id"], "grams": 50}, key=key)
    call(f"{base}/entries", {**when, "item_id": supplement["id"], "units": 1}, key=key)
    call(f"{base}/entries", {**when, "dose": {"nutrient": "vitamin_d", "amount": 2000, "unit": "IU"}}, key=key)
    return key


def call(url, body=None, key=None):
    headers = {"Content-Type": "application/json"} | ({"Authorization": f"Bearer {key}"} if key else {})
    data = None if body is None else json.dumps(body).encode()
    with urllib.request.urlopen(urllib.request.Request(url, data=data, headers=headers), timeout=10) as response:
        return json.load(response)


def print_server_errors(server_log):
    """The server's log without its access lines and Django's line for each 4xx: what is left shows the 5xx."""
    server_log.seek(0)
    lines = server_log.read().decode(errors="replace").splitlines()
    print("\n== The server's log, access and 4xx lines left out")
    print("\n".join(readable(line) for line in lines if not routine(line))[-20000:])


def routine(line):
    """Whether a log line (a JSON object, gunicorn.conf.py and LOGGING in the settings) is an access or 4xx line."""
    try:
        record = json.loads(line)
    except ValueError:
        return False
    return record.get("logger") == "gunicorn.access" or 400 <= record.get("status_code", 500) < 500


def readable(line):
    """A JSON log line as its message and traceback, each on lines of their own."""
    try:
        record = json.loads(line)
    except ValueError:
        return line
    return "\n".join(filter(None, [record.get("message"), record.get("exc_info")]))


if __name__ == "__main__":
    sys.exit(main())
