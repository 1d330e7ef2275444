"""
How fast the 365-day history page and the CSV exports answer for a user with five years of entries,
and how much memory the exports take while they stream.

Loads the seed catalog and logs five years of a realistic routine for one user (eggs, cheese and
butter at breakfast, natto some days, a vitamin D3 softgel daily, K2 MK-7 on most days, a free
50,000 IU vitamin D dose every Sunday, lunches and snacks: about 6 entries a day), and one year of
the same for a second user. Then, through Django's test client (server time, no network), logged in:

- the history page over the last 365 days, and a trivial logged-in view (a view that returns "ok"
  behind the same middleware, session and log-in) as the baseline: median and 95th percentile of
  --runs requests each, taken in turns, and the SQL queries of each;
- the full entries CSV and days CSV, read to the end as a browser would download them: time as
  above, queries, size, and peak memory (tracemalloc's peak while the response is made and read,
  in --memory-runs separate runs so tracing does not slow the timed ones). The one-year user's peak
  beside the five-year user's shows whether memory grows with the history.

    .venv/bin/python bench/history.py                        # PostgreSQL, database bench_history
    .venv/bin/python bench/history.py --database-url sqlite:///
"""

import argparse
import random
import sys
import time
import tracemalloc
from datetime import date, timedelta
from datetime import time as clock
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchdb import (  # noqa: E402
    BASELINE_PATH,
    get,
    log_days,
    logged_in_client,
    median,
    p95,
    prepare_database,
    setup_django,
    timed_get,
)

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bench_history"
LAST_DAY = date(2026, 11, 20)
SUNDAY = 6
# The 365 days up to the last logged day (?days=365 would end on the clock's today).
HISTORY_PATH = f"/history/?start={LAST_DAY - timedelta(days=364)}&end={LAST_DAY}"
ENTRIES_CSV_PATH = "/history/export/entries.csv"
DAYS_CSV_PATH = "/history/export/days.csv"
NAMES = {
    BASELINE_PATH: "trivial logged-in view",
    HISTORY_PATH: "history page, 365 days",
    ENTRIES_CSV_PATH: "entries CSV, all of it",
    DAYS_CSV_PATH: "days CSV, all of it",
}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--runs", type=int, default=20, help="timed requests of each view (default: 20)")
    parser.add_argument("--memory-runs", type=int, default=3, help="traced downloads of each CSV (default: 3)")
    parser.add_argument("--seed", type=int, default=5)
    return parser.parse_args()


def catalog():
    """The seed catalog's items this routine eats and takes, by seed key."""
    from foods.catalog.loader import load_catalog
    from foods.models import Item

    load_catalog()
    return {item.seed_key: item for item in Item.objects.filter(seed_key__isnull=False).prefetch_related("portions")}


def portion(item, label):
    return next(p for p in item.portions.all() if p.label == label)


def day_of_eating(user, day, items, rng):
    """One day's entries, unsaved: what a person who pairs D with K2 might log."""
    from tracker.entries import dose_entry, item_entry

    def at(hour, meal):
        # One entry in ten is logged without a time.
        return {"day": day, "meal": meal, "time": None if rng.random() < 0.1 else clock(hour, rng.randrange(60))}

    def food(key, meal, hour, *, label=None, count=1, grams=None):
        amount = {"grams": grams} if grams else {"portion": portion(items[key], label), "count": count}
        return item_entry(user=user, item=items[key], **amount, **at(hour, meal))

    def supplement(key, hour):
        return item_entry(user=user, item=items[key], units=1, **at(hour, "breakfast"))

    entries = []
    if rng.random() < 0.85:
        entries.append(food("egg", "breakfast", 7, label="1 large egg", count=2))
    else:
        entries.append(food("egg-yolk", "breakfast", 7, label="1 large egg yolk", count=2))
    if rng.random() < 0.6:
        entries.append(food("gouda", "breakfast", 7, label="1 oz"))
    elif rng.random() < 0.5:
        entries.append(food("brie", "breakfast", 7, label="1 oz"))
    if rng.random() < 0.7:
        entries.append(food("butter-grass-fed", "breakfast", 7, grams=rng.randrange(5, 20)))
    if rng.random() < 0.2:
        entries.append(food("natto", "breakfast", 7, label="1 serving (3 oz)"))
    if rng.random() < 0.97:
        entries.append(supplement("d3-2000-iu", 8))
    if rng.random() < 0.8:
        entries.append(supplement("k2-mk7-100-ug", 8))
    if day.weekday() == SUNDAY:
        entries.append(dose_entry(user=user, nutrient="vitamin_d_ug", amount=50000, unit="IU", **at(8, "breakfast")))
    if rng.random() < 0.25:
        entries.append(food("salmon", "lunch", 12, label="3 oz"))
    elif rng.random() < 0.5:
        entries.append(food("chicken-breast", "lunch", 12, grams=rng.randrange(100, 200)))
    if rng.random() < 0.3:
        entries.append(food("spinach", "dinner", 19, label="1 cup", count=rng.choice([1, 2])))
    if rng.random() < 0.15:
        entries.append(food("sauerkraut", "dinner", 19, grams=rng.randrange(30, 140)))
    if rng.random() < 0.3:
        entries.append(food("milk-vitamin-d", "snack", 16, label="1 cup"))
    return entries


def log_years(user, items, years, rng):
    """Log `years` of days of eating up to LAST_DAY for `user`; how many entries."""
    first_day = LAST_DAY - timedelta(days=365 * years - 1)
    return log_days(first_day, LAST_DAY, lambda day: day_of_eating(user, day, items, rng))


def time_in_turns(client, paths, runs):
    """{path: (milliseconds of each run, query counts seen, bytes)}, the paths requested in turns."""
    found = {path: ([], set(), 0) for path in paths}
    for _ in range(runs):
        for path in paths:
            samples, queries, _ = found[path]
            milliseconds, query_count, size = timed_get(client, path)
            samples.append(milliseconds)
            queries.add(query_count)
            found[path] = (samples, queries, size)
    return found


def peak_memory_mb(client, path, runs):
    """The highest tracemalloc peak of making and reading the response to `path`, over `runs` downloads."""
    from django.db import reset_queries

    peaks = []
    for _ in range(runs):
        reset_queries()
        tracemalloc.start()
        try:
            get(client, path)
            peaks.append(tracemalloc.get_traced_memory()[1])
        finally:
            tracemalloc.stop()
    return max(peaks) / 1024 / 1024


def report_times(timed, runs):
    baseline = timed[BASELINE_PATH][0]
    print(f"\n{runs} requests of each, in turns; x: against the trivial view's median and p95")
    print(f"{'view':<26}{'median ms':>11}{'p95 ms':>9}{'x median':>10}{'x p95':>8}{'queries':>9}{'size':>11}")
    for path, (samples, queries, size) in timed.items():
        counts_seen = "/".join(str(q) for q in sorted(queries))
        print(
            f"{NAMES[path]:<26}{median(samples):>11.1f}{p95(samples):>9.1f}"
            f"{median(samples) / median(baseline):>9.0f}x{p95(samples) / p95(baseline):>7.0f}x"
            f"{counts_seen:>9}{size / 1024:>9,.0f}KB"
        )


def report_memory(clients, runs):
    """`clients`: {label: logged-in client}."""
    print(f"\nPeak traced memory of a download (MB), highest of {runs}")
    print(f"{'download':<26}" + "".join(f"{label:>10}" for label in clients))
    for path in (BASELINE_PATH, ENTRIES_CSV_PATH, DAYS_CSV_PATH):
        peaks = [peak_memory_mb(client, path, runs) for client in clients.values()]
        print(f"{NAMES[path]:<26}" + "".join(f"{peak:>10.1f}" for peak in peaks))


def main():
    args = parse_args()
    rng = random.Random(args.seed)
    url, remove = prepare_database(args.database_url, prefix="bench_history")
    try:
        setup_django(url, with_baseline=True)
        from django.contrib.auth import get_user_model

        items = catalog()
        users = {years: get_user_model().objects.create_user(f"bench-{years}-years") for years in (args.years, 1)}
        started = time.perf_counter()
        logged = {years: log_years(user, items, years, rng) for years, user in users.items()}
        print(
            f"Logged {logged[args.years]:,} entries over {args.years} years "
            f"({logged[args.years] / (365 * args.years):.1f} a day) and {logged[1]:,} over 1 year "
            f"in {time.perf_counter() - started:.1f} s on {url.split(':')[0]}"
        )

        clients = {f"{years} year{'s' if years > 1 else ''}": logged_in_client(user) for years, user in users.items()}
        client = next(iter(clients.values()))
        time_in_turns(client, NAMES, 2)  # warm up
        report_times(time_in_turns(client, NAMES, args.runs), args.runs)
        report_memory(clients, args.memory_runs)
    finally:
        remove()


if __name__ == "__main__":
    main()
