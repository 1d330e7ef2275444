"""
The JSON API under load: concurrent clients logging entries and reading day summaries over HTTP.

Serves the app with gunicorn on a free local port (bench/serve.py: --workers processes, the repo's gunicorn.conf.py)
against a fresh database, gives each of --clients clients its own user and token, and has them
send --requests requests in all, as fast as the server answers them: in turns, POST /api/v1/entries
(a food in grams or a free vitamin D dose, on one of 30 days) and GET /api/v1/days/{date} for a day
it logged on. In the same run, before the load, the same clients send as many GET /api/v1/profile
(a trivial authenticated read) as the baseline. It prints requests per second, median and
95th-percentile latency (client side, connection included) and errors for both, the load as a ratio
of the baseline, and checks that the Entry rows in the database are exactly the entries of the 201
responses: nothing lost, nothing doubled.

    .venv/bin/python bench/api_load.py                    # PostgreSQL, database bench_api
    .venv/bin/python bench/api_load.py --clients 16 --requests 4000
    .venv/bin/python bench/api_load.py --database-url sqlite:///
"""

import argparse
import http.client
import itertools
import json
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchdb import catalog_natto_id, make_accounts, median, p95, prepare_database, setup_django  # noqa: E402
from serve import serving  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bench_api"
LAST_DAY = date(2026, 11, 20)
DAYS = [LAST_DAY - timedelta(days=back) for back in range(30)]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients, each a user of its own")
    parser.add_argument("--requests", type=int, default=2000, help="requests in all, for the load and the baseline")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker, without a gunicorn.conf.py")
    return parser.parse_args()


@dataclass
class Call:
    kind: str
    seconds: float
    status: int  # 0: no answer (connection refused or reset, time-out)
    entry_id: int | None = None


@dataclass
class Phase:
    name: str
    seconds: float = 0.0
    calls: list = field(default_factory=list)

    def latencies(self, kind=None):
        return [call.seconds * 1000 for call in self.calls if kind in (None, call.kind)]

    def errors(self):
        return sum(1 for call in self.calls if call.status not in (200, 201))

    def per_second(self):
        return len(self.calls) / self.seconds


def main():
    args = parse_args()
    url, remove = prepare_database(args.database_url, prefix="bench_api")
    try:
        setup_django(url)
        from django.core.management import call_command
        from django.db import connections

        call_command("load_catalog", verbosity=0)
        keys = [token for _, _, token in make_accounts(args.clients)]
        natto_id = catalog_natto_id()
        connections.close_all()
        with serving(url, args.workers, args.threads) as server:
            run_phase(server.port, keys, "warm-up", baseline_requests, args.clients * 4)
            baseline = run_phase(server.port, keys, "GET /profile (baseline)", baseline_requests, args.requests)
            load = run_phase(server.port, keys, "entries and days", load_requests(natto_id), args.requests)
        report(url, args, server.how, baseline, load)
        return check_nothing_lost_nor_doubled(load)
    finally:
        remove()


def baseline_requests(number):
    return "profile", "GET", "/api/v1/profile", None


def load_requests(natto_id):
    def request(number):
        day = DAYS[number // 2 % len(DAYS)].isoformat()
        if number % 2:
            return "day", "GET", f"/api/v1/days/{day}", None
        amount = {"item_id": natto_id, "grams": 10 + number % 90} if number % 4 else {
            "dose": {"nutrient": "vitamin_d", "amount": 1000, "unit": "IU"}}
        return "entry", "POST", "/api/v1/entries", {"date": day, "meal": "breakfast", **amount}

    return request


def run_phase(port, keys, name, make_request, total):
    """Send `total` requests from one thread per key, each taking the next request number when free."""
    phase = Phase(name)
    numbers = itertools.count()  # next() on it is atomic under the GIL: no number is sent twice
    lock = threading.Lock()

    def client(key):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        calls = []
        while (number := next(numbers)) < total:
            calls.append(send(connection, key, *make_request(number)))
        connection.close()
        with lock:
            phase.calls.extend(calls)

    threads = [threading.Thread(target=client, args=(key,)) for key in keys]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    phase.seconds = time.perf_counter() - started
    return phase


def send(connection, key, kind, method, path, body):
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    started = time.perf_counter()
    try:
        connection.request(method, path, body=None if body is None else json.dumps(body), headers=headers)
        response = connection.getresponse()
        content = response.read()
        status = response.status
    except OSError:
        connection.close()  # the next request opens a new connection
        return Call(kind, time.perf_counter() - started, 0)
    seconds = time.perf_counter() - started
    entry_id = json.loads(content)["id"] if kind == "entry" and status == 201 else None
    return Call(kind, seconds, status, entry_id)


def report(url, args, how, baseline, load):
    print(f"gunicorn: {how} on {url.split(':')[0]}; "
          f"{args.clients} clients, {args.requests} requests a phase")
    print(f"{'phase':<28}{'requests':>9}{'req/s':>9}{'median ms':>11}{'p95 ms':>9}{'errors':>8}")
    for phase, kinds in ((baseline, [None]), (load, [None, "entry", "day"])):
        for kind in kinds:
            samples = phase.latencies(kind)
            name = phase.name if kind is None else {"entry": "  POST /entries", "day": "  GET /days/{date}"}[kind]
            rate = f"{phase.per_second():.0f}" if kind is None else ""
            errors = phase.errors() if kind is None else ""
            print(f"{name:<28}{len(samples):>9}{rate:>9}{median(samples):>11.1f}{p95(samples):>9.1f}{errors:>8}")
    print(f"load / baseline: {load.per_second() / baseline.per_second():.2f}x the requests per second, "
          f"median {median(load.latencies()) / median(baseline.latencies()):.1f}x, "
          f"p95 {p95(load.latencies()) / p95(baseline.latencies()):.1f}x")


def check_nothing_lost_nor_doubled(load):
    from tracker.models import Entry

    created = [call.entry_id for call in load.calls if call.kind == "entry" and call.status == 201]
    stored = list(Entry.objects.values_list("pk", flat=True))
    same = sorted(created) == sorted(stored)
    print(f"201 responses: {len(created)}; Entry rows: {len(stored)}; "
          f"{'the same entries: nothing lost, nothing doubled' if same else 'NOT the same entries'}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
