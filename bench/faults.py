"""
Tandem under faults: PostgreSQL restarted and a gunicorn worker killed while simulated users log entries.

Starts a PostgreSQL server of its own (initdb into a temporary directory, a free port; never the
machine's shared server), serves the app on it with gunicorn (bench/serve.py: 2 workers, the repo's
gunicorn.conf.py, production settings) and has 10 simulated users (bench/simulated_users.py) log
entries through the API, with an Idempotency-Key, and read their day page and day summary. Meanwhile:

1. PostgreSQL is stopped (pg_ctl stop -m fast), left down --down-seconds, and started again. While it
   is down the app must answer a clear 503, neither hang nor give a 500; once it is back, the app
   must recover by itself within seconds.
2. One gunicorn worker is killed (SIGKILL). The master must replace it and requests continue.

A user whose write got no answer or a 5xx sends it again, same key, as a client retrying would. At the
end every acknowledged write (200 or 201) must be in the database exactly once: nothing lost, nothing
doubled. It prints what happened, each check with OK or FAILED, and exits 1 if any check failed.
The server and its directory are removed at the end, whatever happens (Ctrl-C too).

    .venv/bin/python bench/faults.py
    .venv/bin/python bench/faults.py --users 20 --down-seconds 10
"""

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import urllib.request
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
# First: locust patches the standard library for gevent when it is imported.
from simulated_users import Crowd, by_status  # noqa: E402, I001

import gevent  # noqa: E402

from benchdb import catalog_natto_id, make_accounts, prepare_database, setup_django  # noqa: E402
from serve import app_environment, collect_static, free_port, open_sockets, serving  # noqa: E402

RECOVERY_LIMIT = 10  # seconds from PostgreSQL back (or a worker killed) to the app answering again
HANG_LIMIT = 10  # seconds: an answer slower than this while the database is down is a hang


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=10, help="simulated users, each an account of its own")
    parser.add_argument("--down-seconds", type=float, default=5, help="how long PostgreSQL stays down")
    parser.add_argument("--settle-seconds", type=float, default=8, help="load before, between and after the faults")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/9",
                        help="REDIS_URL of the served app (its cache, sessions and throttles); '' for none")
    return parser.parse_args()


class ThrowawayPostgres:
    """A PostgreSQL server of the bench's own: made in a temporary directory, started, and removed after the `with`."""

    def __init__(self):
        self.bin = max(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda path: int(path.parent.name))
        self.directory = Path(tempfile.mkdtemp(prefix="bench_faults_pg_"))
        self.data = self.directory / "data"
        self.port = free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/bench_faults"
        # initdb refuses to run as root: as root, the server runs as the postgres user and owns its directory.
        self.as_owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_owner:
            shutil.chown(self.directory, "postgres", "postgres")

    def __enter__(self):
        try:
            self.run("initdb", "--pgdata", self.data, "--auth", "trust", "--username", "postgres", "--no-sync",
                     "--no-instructions")
            self.start()
        except BaseException:
            self.remove()
            raise
        return self

    def __exit__(self, *exc):
        self.remove()

    def run(self, program, *arguments):
        command = [*self.as_owner, self.bin / program, *map(str, arguments)]
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode:
            raise RuntimeError(f"{program} failed: {result.stdout}{result.stderr}")

    def start(self):
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1"
        self.run("pg_ctl", "--pgdata", self.data, "--log", self.directory / "server.log", "--options", options,
                 "--wait", "start")

    def stop(self):
        self.run("pg_ctl", "--pgdata", self.data, "--mode", "fast", "--wait", "stop")

    def is_running(self):
        return (self.data / "postmaster.pid").exists()

    def remove(self):
        try:
            if self.is_running():
                self.run("pg_ctl", "--pgdata", self.data, "--mode", "immediate", "--wait", "stop")
        finally:
            shutil.rmtree(self.directory, ignore_errors=True)


class Checks:
    """Each invariant with what was seen: printed with OK or FAILED."""

    def __init__(self):
        self.failed = 0

    def __call__(self, holds, saying):
        print(f"  {'OK' if holds else 'FAILED'}: {saying}")
        self.failed += not holds


def main():
    args = parse_args()
    static = tempfile.TemporaryDirectory(prefix="bench_faults_static_")
    with ThrowawayPostgres() as postgres, static:
        url, _ = prepare_database(postgres.url, prefix="bench_faults")  # removed with the server
        environment = app_environment("production", args.redis_url, static.name)
        os.environ.update(environment)
        setup_django(url)
        from django.core.management import call_command
        from django.db import connections

        collect_static(static.name)
        call_command("load_catalog", verbosity=0)
        accounts = make_accounts(args.users + 1)  # the last one tries the Idempotency-Key out first
        natto_id = catalog_natto_id()
        connections.close_all()
        checks = Checks()
        with serving(url, args.workers, env=environment) as server:
            print(f"Throwaway PostgreSQL {postgres.bin.parent.name} on port {postgres.port}; gunicorn: {server.how}; "
                  f"production settings; {args.users} simulated users logging entries and reading their days; "
                  f"machine load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
            report_idempotency(server.port, accounts[-1][2], natto_id)
            crowd = Crowd(server.port, accounts[:-1], natto_id, production=True, timeout=2 * HANG_LIMIT)
            crowd.start(args.users)
            crowd.mode = "mixed"
            gevent.sleep(args.settle_seconds)
            restart_postgres(crowd, postgres, args.down_seconds, checks)
            gevent.sleep(args.settle_seconds)
            kill_a_worker(crowd, server, args.workers, args.settle_seconds, checks)
            crowd.stop()
        connections.close_all()  # the connection from before the restart is gone
        check_every_write(crowd, checks)
        print(f"The simulated users (this process) used {crowd.cpu_share:.0%} of one core over the run.")
    print("All checks hold." if not checks.failed else f"{checks.failed} checks FAILED.")
    return 1 if checks.failed else 0


def report_idempotency(port, token, natto_id):
    """Send one entry twice with the same Idempotency-Key, and say whether the second logged another."""
    body = json.dumps({"date": "2026-11-01", "meal": "lunch", "item_id": natto_id, "grams": 30}).encode()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json",
               "Idempotency-Key": uuid.uuid4().hex, "X-Forwarded-Proto": "https"}
    answers = []
    for _ in range(2):
        request = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/entries", body, headers, method="POST")
        with urllib.request.urlopen(request) as response:
            answers.append((response.status, json.loads(response.read())["id"]))
    (first, first_id), (second, second_id) = answers
    honoured = "one entry: the key is honoured" if first_id == second_id else "two entries: the key is IGNORED"
    print(f"The same POST /api/v1/entries twice with one Idempotency-Key: {first}, then {second}; {honoured}")


def restart_postgres(crowd, postgres, down_seconds, checks):
    stop_sent = crowd.clock()
    try:
        postgres.stop()
        down = crowd.clock()
        gevent.sleep(down_seconds)
    finally:
        start_sent = crowd.clock()
        postgres.start()  # again, whatever happened (Ctrl-C too)
    back = crowd.clock()
    recovered = wait_for_first_success(crowd, after=back)
    print(f"\n1. PostgreSQL stopped (pg_ctl stop -m fast) at {stop_sent:.1f} s, down from {down:.1f} s, "
          f"started again at {start_sent:.1f} s, accepting connections at {back:.1f} s")
    during = [answer for answer in crowd.answers if stop_sent <= answer.started < back]
    slowest = max((answer.milliseconds for answer in during), default=0)
    print(f"   requests sent while it stopped, was down or started: {len(during)}; by status: {by_status(during)}; "
          f"slowest {slowest:.0f} ms")
    if 503 in crowd.samples:
        print(f"   a 503's body: {crowd.samples[503][:160]!r}")
    checks(any(answer.status == 503 for answer in during), "the app answered 503 while PostgreSQL was down")
    wrong = [answer for answer in during if answer.status not in (200, 201, 503)]
    checks(not wrong, f"every answer while it was down was a 503 or a success ({len(wrong)} were not: "
                      f"{by_status(wrong) or 'none'})")
    checks(slowest < HANG_LIMIT * 1000, f"no request hung: the slowest took {slowest / 1000:.1f} s "
                                        f"(limit {HANG_LIMIT} s)")
    if recovered is None:
        checks(False, f"the app answered a success within {RECOVERY_LIMIT} s of PostgreSQL being back")
        return
    before = [answer for answer in crowd.between(back, recovered.ended) if answer is not recovered]
    print(f"   first success to a request sent after it was back: {recovered.ended - back:.2f} s after; "
          f"answers before it: {by_status(before) or 'none'}")
    checks(recovered.ended - back < RECOVERY_LIMIT,
           f"the app recovered by itself {recovered.ended - back:.2f} s after PostgreSQL was back "
           f"(limit {RECOVERY_LIMIT} s)")


def wait_for_first_success(crowd, after):
    """The first successful answer to a request sent after `after` seconds; None if none came in time."""
    while crowd.clock() < after + RECOVERY_LIMIT:
        successes = [answer for answer in crowd.answers if answer.started >= after and 200 <= answer.status < 300]
        if successes:
            return min(successes, key=lambda answer: answer.ended)
        gevent.sleep(0.05)
    return None


def kill_a_worker(crowd, server, workers, settle_seconds, checks):
    before = server.worker_pids()
    victim = server.busiest_worker()
    sockets = {pid: open_sockets(pid) for pid in before}
    killed = crowd.clock()
    os.kill(victim, signal.SIGKILL)
    replaced = None
    while crowd.clock() < killed + RECOVERY_LIMIT:
        now = server.worker_pids()
        if victim not in now and len(now) == workers:
            replaced = crowd.clock()
            break
        gevent.sleep(0.05)
    print(f"\n2. gunicorn worker {victim} (the busiest: open sockets by worker {sockets}) killed (SIGKILL) "
          f"at {killed:.1f} s; "
          + (f"{workers} workers again at {replaced:.1f} s: {server.worker_pids()}" if replaced else "not replaced"))
    checks(replaced is not None, f"the master replaced the killed worker within {RECOVERY_LIMIT} s"
           + (f" ({replaced - killed:.2f} s)" if replaced else ""))
    if replaced is None:
        return
    gevent.sleep(settle_seconds)
    until_replaced = [answer for answer in crowd.answers if killed <= answer.ended and answer.started < replaced]
    after = crowd.between(replaced, crowd.clock())
    print(f"   answers to requests under way or sent until then: {by_status(until_replaced) or 'none'}; "
          f"to requests sent in the {settle_seconds:.0f} s after: {by_status(after)}")
    failures = [answer for answer in after if not 200 <= answer.status < 300]
    checks(bool(after) and not failures, f"requests continue: {len(after) - len(failures)} of the {len(after)} sent "
                                   "after the replacement succeeded")


def check_every_write(crowd, checks):
    lost, doubled, unacknowledged, strays = crowd.check_writes()
    acknowledged = sum(1 for write in crowd.writes if write.entry_id is not None)
    retried = [write for write in crowd.writes if write.attempts > 1]
    print(f"\nWrites: {len(crowd.writes)} entries sent, {len(retried)} of them again after no answer or a 5xx "
          f"({sum(write.attempts for write in crowd.writes)} requests); {acknowledged} acknowledged")
    for failure, name in ((0, "no answer"), (503, "a 503")):
        after = [write for write in retried if failure in write.statuses]
        stored_before = sum(1 for write in after if write.statuses[-1] == 200)
        print(f"  after {name}: {len(after)} sent again; the server had stored {stored_before} of them already "
              "(a resend of a stored one is answered 200 with that entry: the Idempotency-Key keeps it single)")
    saved_despite_503 = [write for write in retried
                         if 503 in write.statuses and 0 not in write.statuses and write.statuses[-1] == 200]
    checks(not saved_despite_503, "a 503 to a write means it was not saved, as the page says "
                                  f"({len(saved_despite_503)} writes answered 503 had been saved)")
    checks(not lost, f"no acknowledged write lost ({len(lost)} missing from the database)")
    checks(not doubled, f"no write stored twice ({len(doubled)} doubled)")
    checks(not strays, f"no row in the database that no user sent ({strays})")
    print(f"  ({len(unacknowledged)} entries stored whose sender never heard back: a request under way at the end, "
          "or one that lost its answer and was not sent again)")
    for problem in crowd.problems[:10]:
        checks(False, f"unexpected answer: {problem}")


if __name__ == "__main__":
    sys.exit(main())
