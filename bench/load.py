"""
Tandem under load: 50 simulated users for 60 seconds against gunicorn and PostgreSQL on this machine.

Serves the app with gunicorn (bench/serve.py: 2 workers, the repo's gunicorn.conf.py) on a fresh
PostgreSQL database, with production settings by default (collected static files, https as a reverse
proxy says it with X-Forwarded-Proto). Each simulated user (bench/simulated_users.py, locust) has its
own account, logs in through the log-in form, then logs entries through the API, reads that day's page
(HTML, its session) and the day's summary (API), as fast as the server answers. It prints requests per
second, median and 95th-percentile latency (client side) and errors per request type, then checks that
the database holds exactly one row for each acknowledged write.

In the same run, after the load, the same users read a trivial logged-in view (benchdb.baseline_view,
behind the same middleware and session) as the ceiling, and the day page alone, in alternating slices
so that a change in the machine's load falls on both alike; the day page's throughput is reported as
a share of the ceiling's.

    .venv/bin/python bench/load.py                          # database bench_load on 127.0.0.1:5432
    .venv/bin/python bench/load.py --seconds 20 --users 20
    .venv/bin/python bench/load.py --environment development
    .venv/bin/python bench/load.py --keep-alive 5           # each connection kept open 5 s between requests
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
# First: locust patches the standard library for gevent when it is imported.
from simulated_users import KINDS, Crowd, by_status  # noqa: E402, I001

import gevent  # noqa: E402

from benchdb import catalog_natto_id, make_accounts, median, p95, prepare_database, setup_django  # noqa: E402
from serve import app_environment, collect_static, serving  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bench_load"
WARM_UP_SECONDS = 5
CEILING_ROUNDS = 3


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL, help="a PostgreSQL database named bench_...")
    parser.add_argument("--users", type=int, default=50, help="simulated users, each an account of its own")
    parser.add_argument("--seconds", type=float, default=60, help="how long the load runs")
    parser.add_argument("--ceiling-seconds", type=float, default=30,
                        help="how long the ceiling and the day page alone run, in all")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--keep-alive", type=int, metavar="SECONDS",
                        help="gunicorn's keep-alive, instead of gunicorn.conf.py's (0: one request a connection)")
    parser.add_argument("--environment", choices=["production", "development"], default="production",
                        help="DJANGO_ENV of the served app (development: with DEBUG off)")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/9",
                        help="REDIS_URL of the served app (its cache, sessions and throttles); '' for none")
    return parser.parse_args()


def main():
    args = parse_args()
    if not args.database_url.startswith("postgres"):
        sys.exit("The load bench runs on PostgreSQL, as production does: give a postgres://... URL.")
    url, remove = prepare_database(args.database_url, prefix="bench_load")
    static = tempfile.TemporaryDirectory(prefix="bench_load_static_")
    try:
        environment = app_environment(args.environment, args.redis_url, static.name)
        os.environ.update(environment)
        setup_django(url)
        from django.core.management import call_command
        from django.db import connections

        if args.environment == "production":
            collect_static(static.name)
        call_command("load_catalog", verbosity=0)
        accounts = make_accounts(args.users)
        natto_id = catalog_natto_id()
        connections.close_all()
        with serving(url, args.workers, env=environment, keep_alive=args.keep_alive) as server:
            print(f"gunicorn: {server.how}; {args.environment} settings; PostgreSQL; "
                  f"{args.users} simulated users; {load_average()}")
            crowd = Crowd(server.port, accounts, natto_id, production=args.environment == "production")
            crowd.start(args.users)
            load, slices, wall_clock = run(crowd, args)
            spread = server.answers_by_worker(*wall_clock)
        print(f"The simulated users (this process) used {crowd.cpu_share:.0%} of one core over the run; "
              f"{load_average()} at its end.")
        report_load(crowd, load, spread, args.workers)
        report_ceiling(crowd, slices)
        return report_writes(crowd)
    finally:
        remove()
        static.cleanup()


def run(crowd, args):
    """
    The load, then the ceiling and the day page alone in turns: the load's window (on the crowd's clock),
    the slices', and the load's window on the wall clock (the server's log tells time by it).
    """
    crowd.mode = "mixed"
    gevent.sleep(WARM_UP_SECONDS)
    first, wall_clock_first = crowd.clock(), time.time()
    gevent.sleep(args.seconds)
    load, wall_clock = (first, crowd.clock()), (wall_clock_first, time.time())
    slices = []
    for _ in range(CEILING_ROUNDS):
        for mode in ("ceiling", "day page"):
            crowd.mode = mode
            first = crowd.clock()
            gevent.sleep(args.ceiling_seconds / CEILING_ROUNDS / 2)
            slices.append((mode, first, crowd.clock()))
    crowd.stop()
    return load, slices, wall_clock


def load_average():
    """The machine's load (the server, PostgreSQL, the simulated users and whatever else runs): figures are noisy."""
    return f"machine load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"


def report_load(crowd, load, spread, workers):
    first, last = load
    seconds = last - first
    answers = crowd.between(first, last)
    log_ins = [answer for answer in crowd.answers if answer.kind == "log-in"]
    span = max(answer.ended for answer in log_ins) - min(answer.started for answer in log_ins)
    latencies = [answer.milliseconds for answer in log_ins]
    print(f"{len(log_ins)} log-ins through the form at once (Argon2): {len(log_ins) / span:.1f} a second, "
          f"median {median(latencies):.0f} ms, p95 {p95(latencies):.0f} ms")
    print(f"\nThe load: {seconds:.0f} s after a {WARM_UP_SECONDS} s warm-up, requests sent and answered in it")
    print(f"{'request':<28}{'count':>7}{'req/s':>8}{'median ms':>11}{'p95 ms':>9}{'errors':>8}")
    for kind in (None, "entry", "day page", "summary"):
        chosen = [answer for answer in answers if kind in (None, answer.kind)]
        name = "all" if kind is None else KINDS[kind]
        print_row(name, chosen, seconds)
    print("Answers by status:", by_status(answers))
    shares = [max(answers.values()) / sum(answers.values()) for answers in spread.values()]
    print(f"Share of each second's answers given by the busiest worker: median {median(shares):.0%} "
          f"(spread evenly over {workers} workers: {1 / workers:.0%})")


def print_row(name, answers, seconds):
    latencies = [answer.milliseconds for answer in answers]
    errors = sum(1 for answer in answers if not 200 <= answer.status < 300)
    print(f"{name:<28}{len(answers):>7}{len(answers) / seconds:>8.1f}{median(latencies):>11.1f}"
          f"{p95(latencies):>9.1f}{errors:>8}")


def report_ceiling(crowd, slices):
    rates = {}
    print(f"\nThe ceiling and the day page alone, in {CEILING_ROUNDS} alternating rounds")
    print(f"{'request':<28}{'count':>7}{'req/s':>8}{'median ms':>11}{'p95 ms':>9}{'errors':>8}")
    for mode in ("ceiling", "day page"):
        windows = [(first, last) for kind, first, last in slices if kind == mode]
        answers = [answer for first, last in windows for answer in crowd.between(first, last, [mode])]
        seconds = sum(last - first for first, last in windows)
        rates[mode] = len(answers) / seconds
        print_row(KINDS[mode], answers, seconds)
    print(f"The day page's throughput is {rates['day page'] / rates['ceiling']:.0%} of the ceiling's "
          f"({rates['ceiling'] / rates['day page']:.1f}x fewer requests per second).")


def report_writes(crowd):
    lost, doubled, unacknowledged, strays = crowd.check_writes()
    acknowledged = sum(1 for write in crowd.writes if write.entry_id is not None)
    retried = sum(1 for write in crowd.writes if write.attempts > 1)
    print(f"\nWrites: {len(crowd.writes)} sent ({retried} sent again after no answer or a 5xx), "
          f"{acknowledged} acknowledged; in the database: {len(lost)} of them lost, {len(doubled)} doubled, "
          f"{len(unacknowledged)} stored though never acknowledged, {strays} rows of no write.")
    for problem in crowd.problems[:10]:
        print("Problem:", problem)
    if lost or doubled or strays or crowd.problems:
        print("FAILED: the database does not hold exactly one row per acknowledged write.")
        return 1
    print("OK: exactly one row per acknowledged write.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
