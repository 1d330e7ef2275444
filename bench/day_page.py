"""
How fast the day page answers for a user with five years of entries.

Logs about 12 entries a day for 5 years for one user (foods in grams and portions, supplements,
free doses), then times GET /day/<date>/ for random days through Django's test client (server time,
no network) and counts its SQL queries. In the same run it times a trivial logged-in view (a view
that returns "ok" behind the same middleware, session and log-in) as the baseline, and reports the
day page as a ratio of it.

    .venv/bin/python bench/day_page.py                        # PostgreSQL, database bench_day
    .venv/bin/python bench/day_page.py --database-url sqlite:///
"""

import argparse
import random
import sys
import time
from datetime import date, timedelta
from datetime import time as clock
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchdb import (  # noqa: E402
    BASELINE_PATH,
    log_days,
    logged_in_client,
    median,
    p95,
    prepare_database,
    setup_django,
    timed_get,
)

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bench_day"
LAST_DAY = date(2026, 11, 20)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--per-day", type=int, default=12)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--seed", type=int, default=5)
    return parser.parse_args()


def make_catalog():
    from foods.models import Item, NutrientValue, Portion, Source

    source = Source.objects.create(key="bench", kind=Source.Kind.PUBLISHED_TABLE, citation="Bench values")
    foods, supplements = [], []
    for number in range(60):
        food = Item.objects.create(name=f"Bench food {number}")
        values = {"fat_g": number % 30, "energy_kcal": 50 + number * 7, "calcium_mg": number * 11}
        if number % 3:
            values["k2_mk7_ug"] = number * 3
        if number % 4 == 0:
            values["k2_mk4_ug"] = number
        if number % 5 == 0:
            values["vitamin_d_ug"] = Decimal(number) / 10
        NutrientValue.objects.bulk_create(
            NutrientValue(item=food, nutrient=code, amount=amount, source=source) for code, amount in values.items()
        )
        Portion.objects.create(item=food, label="1 serving", grams=85)
        foods.append(food)
    for iu, k2 in ((1000, None), (2000, 100), (5000, None), (None, 100)):
        product = Item.objects.create(name=f"Bench supplement {iu} {k2}", kind=Item.Kind.SUPPLEMENT)
        if iu:
            NutrientValue.objects.create(item=product, nutrient="vitamin_d_ug", amount=iu / 40, source=source)
        if k2:
            NutrientValue.objects.create(item=product, nutrient="k2_mk7_ug", amount=k2, source=source)
        supplements.append(product)
    return foods, supplements


def day_of_entries(user, day, foods, supplements, per_day, rng):
    """`per_day` entries of `day`, unsaved: mostly foods, in grams or a portion, then supplements and free doses."""
    from tracker.entries import dose_entry, item_entry

    meals = ["breakfast", "lunch", "dinner", "snack"]
    entries = []
    for number in range(per_day):
        when = {"day": day, "meal": meals[number % 4], "time": clock(7 + number, rng.randrange(60))}
        roll = rng.random()
        if roll < 0.75:
            food = rng.choice(foods)
            if rng.random() < 0.5:
                entries.append(item_entry(user=user, item=food, grams=rng.randrange(10, 300), **when))
            else:
                portion = food.portions.all()[0]
                entries.append(item_entry(user=user, item=food, portion=portion, count=1, **when))
        elif roll < 0.95:
            entries.append(item_entry(user=user, item=rng.choice(supplements), units=1, **when))
        else:
            entries.append(dose_entry(user=user, nutrient="vitamin_d_ug", amount=2000, unit="IU", **when))
    return entries


def log_years(user, foods, supplements, years, per_day, rng):
    first_day = LAST_DAY - timedelta(days=365 * years - 1)
    count = log_days(first_day, LAST_DAY, lambda day: day_of_entries(user, day, foods, supplements, per_day, rng))
    return count, first_day


def time_get(client, paths):
    samples, queries = [], set()
    for path in paths:
        milliseconds, query_count, _ = timed_get(client, path)
        samples.append(milliseconds)
        queries.add(query_count)
    return samples, queries


def main():
    args = parse_args()
    rng = random.Random(args.seed)
    url, remove = prepare_database(args.database_url, prefix="bench_day")
    try:
        setup_django(url, with_baseline=True)
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.create_user("bench", password="bench-password-1")
        foods, supplements = make_catalog()
        started = time.perf_counter()
        entries, first_day = log_years(user, foods, supplements, args.years, args.per_day, rng)
        print(f"Logged {entries:,} entries over {args.years} years in {time.perf_counter() - started:.1f} s "
              f"on {url.split(':')[0]}")

        client = logged_in_client(user)
        span = (LAST_DAY - first_day).days
        days = [first_day + timedelta(days=rng.randrange(span + 1)) for _ in range(args.requests)]
        time_get(client, [BASELINE_PATH, f"/day/{LAST_DAY}/"] * 5)  # warm up
        baseline, baseline_queries = time_get(client, [BASELINE_PATH] * args.requests)
        day_page, day_queries = time_get(client, [f"/day/{day}/" for day in days])

        print(f"{'view':<24}{'median ms':>10}{'p95 ms':>10}{'queries':>9}")
        for name, samples, queries in (
            ("trivial logged-in view", baseline, baseline_queries),
            ("day page", day_page, day_queries),
        ):
            counts = "/".join(str(q) for q in sorted(queries))
            print(f"{name:<24}{median(samples):>10.2f}{p95(samples):>10.2f}{counts:>9}")
        print(f"day page / baseline: median {median(day_page) / median(baseline):.1f}x, "
              f"p95 {p95(day_page) / p95(baseline):.1f}x")
    finally:
        remove()


if __name__ == "__main__":
    main()
