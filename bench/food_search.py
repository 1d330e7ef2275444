"""
How fast the catalog list answers a name search at 100,000 items.

Builds a catalog in a database of its own: the 8,789 USDA SR28 food names (FOOD_DES.txt) plus
generated names recombined from SR28's own words, so that "cheese" is as common as in SR28, with a
few nutrient values and portions each, and fills the items' ranking columns with
`refresh_rankings`, as the data migration does (the table keeps the space that UPDATE leaves).
Then times `foods.catalog_search.catalog_page`, the function the /foods/ view calls (the first page
in the default K2 order with its figures and typical portions, and its count when another page
follows), for realistic queries, against a baseline that matches names through an expression no
index serves: a plain `icontains` scan. A third way is the app's page sorted as before the ranking
columns: K2 worked out per search from each match's K2 forms, one lookup per match. The ways take
turns on every query, so that the load of the machine weighs on them alike.

    .venv/bin/python bench/food_search.py                      # PostgreSQL, database bench_search
    .venv/bin/python bench/food_search.py --database-url sqlite:////tmp/bench.sqlite3

The PostgreSQL database is created and dropped by the script; a SQLite file defaults to a temporary
directory. The project's own db.sqlite3 is never touched.
"""

import argparse
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchdb import REPO, p95, prepare_database, setup_django  # noqa: E402

SR28 = REPO.parent / "shared" / "data" / "usda_sr28" / "sr28"

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bench_search"
QUERIES = [
    "natto",
    "cheese",
    "egg yolk",
    "salmon",
    "yolk egg",
    "cheddar",
    "chicken breast",
    "goose liver",
    "sauerkraut",
    "kohlrabi",
    "abalone",
    "quinoa",
    "xyzzy",
]
OTHER_SORTS = [("", "k2_portion"), ("", "name"), ("cheese", "k2_portion"), ("cheese", "vitamin_d"), ("cheese", "name")]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=25, help="timed runs of each query")
    parser.add_argument("--seed", type=int, default=28)
    parser.add_argument("--keep", action="store_true", help="leave the bench database for inspection")
    return parser.parse_args()


# --- the catalog -----------------------------------------------------------------------------


def sr28_rows(filename):
    """Fields of each line of an SR28 file: ^-separated, ~-quoted, latin-1."""
    with open(SR28 / filename, encoding="latin-1") as lines:
        for line in lines:
            yield [field.strip("~") for field in line.rstrip("\r\n").split("^")]


def generated_names(sr28_names, count, rng):
    """Names like SR28's: a head word and qualifiers that SR28 uses with that head."""
    qualifiers_by_head = {}
    for name in sr28_names:
        head, *qualifiers = name.split(", ")
        qualifiers_by_head.setdefault(head, []).extend(qualifiers)
    heads = [name.split(", ")[0] for name in sr28_names]  # weighted as in SR28
    brands = ["Acme", "Green Valley", "Nordic", "Sunrise", "Store brand", "Hokkaido", "Alpine", "Prairie"]
    names = []
    for _ in range(count):
        head = rng.choice(heads)
        pool = qualifiers_by_head[head] or ["plain"]
        parts = [head, *rng.sample(pool, min(len(pool), rng.randint(1, 3)))]
        if rng.random() < 0.4:
            parts.append(rng.choice(brands))
        names.append(", ".join(dict.fromkeys(parts))[:200])
    return names


def build_catalog(total, rng):
    from foods.models import Category, Item, NutrientValue, Portion, Source

    source, _ = Source.objects.get_or_create(
        key="bench", defaults={"kind": Source.Kind.PUBLISHED_TABLE, "citation": "Generated for the benchmark"}
    )
    categories = {
        code: Category.objects.create(name=name, usda_group_code=code) for code, name in sr28_rows("FD_GROUP.txt")
    }
    foods = [(row[0], row[1], row[2]) for row in sr28_rows("FOOD_DES.txt")]
    items = [
        Item(name=name, category=categories[group], usda_ndb_number=ndb_number) for ndb_number, group, name in foods
    ]
    supplements = total // 50
    group_codes = list(categories)
    for name in generated_names([name for _, _, name in foods], max(0, total - len(items) - supplements), rng):
        items.append(Item(name=name, category=categories[rng.choice(group_codes)]))
    for number in range(supplements):
        dose = rng.choice([25, 50, 100, 200])
        items.append(
            Item(name=f"Vitamin D3 + K2 MK-7 {dose} µg softgel, product {number}", kind=Item.Kind.SUPPLEMENT)
        )
    items = items[:total]
    Item.objects.bulk_create(items, batch_size=5000)

    # Shares of items with a value, roughly as in SR28 (no MK-7 there: a few fermented foods here).
    shares = {
        "energy_kcal": 1.0, "fat_g": 1.0, "protein_g": 1.0, "calcium_mg": 0.9, "vitamin_d_ug": 0.6,
        "k1_ug": 0.5, "k2_mk4_ug": 0.2, "k2_other_ug": 0.03, "k2_mk7_ug": 0.01,
    }
    values, portions = [], []
    for item in items:
        for code, share in shares.items():
            if rng.random() < share:
                amount = Decimal(str(round(rng.lognormvariate(1.5, 1.5), 3)))
                values.append(NutrientValue(item=item, nutrient=code, amount=amount, source=source))
        for position in range(rng.choice([0, 1, 1, 2, 3])):
            if item.is_supplement:
                portions.append(
                    Portion(item=item, label=f"{position + 1} softgel", units=position + 1, position=position)
                )
            else:
                grams = Decimal(rng.choice([17, 28.35, 85, 100, 150, 240]) * (position + 1)).quantize(Decimal("0.01"))
                portions.append(Portion(item=item, label=f"portion {position + 1}", grams=grams, position=position))
    NutrientValue.objects.bulk_create(values, batch_size=10000)
    Portion.objects.bulk_create(portions, batch_size=10000)
    return len(items), len(values), len(portions)


# --- the ways of answering a search that are timed --------------------------------------------


def app_page(user, filters, page_number):
    """What the /foods/ view does, less rendering."""
    from foods.catalog_search import catalog_page

    return catalog_page(user, filters, page_number)


def plain_scan_page(user, filters, page_number):
    """The app's page with the name matched as `name || ''`, an expression no index serves: every
    search scans the whole table, as a plain `icontains` does without the trigram index."""
    from dataclasses import replace

    from django.db.models import Value
    from django.db.models.functions import Concat

    from foods.catalog_search import search_catalog

    items = search_catalog(user, replace(filters, q="")).annotate(unindexed_name=Concat("name", Value("")))
    for word in filters.words:
        items = items.filter(unindexed_name__icontains=word)
    return _page(items, page_number)


def k2_per_search_page(user, filters, page_number):
    """The design before the ranking columns: the K2 MK-7 equivalent worked out per search, in the
    database, from each match's K2 forms (one lookup per match), for the default sort."""
    from dataclasses import replace

    from django.db.models import F

    from foods.catalog_search import search_catalog
    from foods.rankings import k2_mk7_equivalent_expression

    items = (
        search_catalog(user, replace(filters, sort="name"))
        .annotate(sort_value=k2_mk7_equivalent_expression())
        .order_by(F("sort_value").desc(nulls_last=True), "name", "pk")
    )
    return _page(items, page_number)


def _page(items, page_number):
    from foods.catalog_search import page_of

    return page_of(items, page_number)


def fill_rankings():
    """The ranking columns of every item, as the data migration and `manage.py refresh_rankings` fill
    them. Returns the seconds it took."""
    from foods.rankings import refresh_rankings

    started = time.perf_counter()
    refresh_rankings()
    return time.perf_counter() - started


def analyze():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


# --- timing and reporting ---------------------------------------------------------------------


def measure(cases, ways, repeat):
    """{way: {(q, sort): (matches, timings in ms)}}, the ways (page functions) taking turns on each
    case so that a change in the machine's load touches them alike. The ways must show the same page."""
    from django.contrib.auth.models import AnonymousUser

    from foods.catalog_search import CatalogFilters, search_catalog

    anonymous = AnonymousUser()
    results = {name: {} for name in ways}
    for q, sort in cases:
        filters = CatalogFilters(q=q, sort=sort)
        matches = search_catalog(anonymous, filters).count()
        timings = {name: [] for name in ways}
        pages = {}
        for _ in range(repeat):
            for name, page_function in ways.items():
                page = page_function(anonymous, filters, 1)  # warms it up
                pages[name] = (page.count, page.count_is_lower_bound, [row.item.pk for row in page.object_list])
                start = time.perf_counter()
                page_function(anonymous, filters, 1)
                timings[name].append((time.perf_counter() - start) * 1000)
        if len({repr(page) for page in pages.values()}) != 1:
            sys.exit(f"The ways disagree on the first page for {q!r} sorted by {sort}.")
        for name in ways:
            results[name][(q, sort)] = (matches, timings[name])
    return results


def summary(results):
    timings = [t for _, case_timings in results.values() for t in case_timings]
    return statistics.median(timings), p95(timings)


def report(title, results):
    """One table: a row per case, median and p95 of each way side by side."""
    ways = list(results)
    cases = list(results[ways[0]])
    print(f"\n{title}")
    print(f"  {'query':<16} {'sort':<11} {'matches':>7}" + "".join(f" {name:>22}" for name in ways))
    print(f"  {'':<16} {'':<11} {'':>7}" + " {:>22}".format("median / p95 ms") * len(ways))
    for case in cases:
        q, sort = case
        count = results[ways[0]][case][0]
        cells = "".join(
            f" {statistics.median(results[name][case][1]):>12.2f} / {p95(results[name][case][1]):>7.2f}"
            for name in ways
        )
        print(f"  {q or '(none)':<16} {sort:<11} {count:>7}{cells}")


def explain(q, sort):
    """The plan of each query the app's page makes for `q`, as the app sends it."""
    from django.contrib.auth.models import AnonymousUser
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from foods.catalog_search import CatalogFilters

    with CaptureQueriesContext(connection) as queries:
        app_page(AnonymousUser(), CatalogFilters(q=q, sort=sort), 1)
    plans = []
    with connection.cursor() as cursor:
        for query in queries:
            cursor.execute("EXPLAIN (ANALYZE, COSTS OFF) " + query["sql"])
            plans.append("\n".join(row[0] for row in cursor.fetchall()))
    return plans


def main():
    args = parse_args()
    if not (SR28 / "FOOD_DES.txt").exists():
        sys.exit(f"USDA SR28 files not found in {SR28}: shared/ must sit beside the repository.")
    url, remove_database = prepare_database(args.database_url)
    try:
        setup_django(url)
        from django.db import connection

        started = time.perf_counter()
        counts = build_catalog(args.items, random.Random(args.seed))
        built = time.perf_counter() - started
        refresh_seconds = fill_rankings()
        analyze()
        postgres = connection.vendor == "postgresql"
        print(f"Database: {connection.vendor} ({urlsplit(url).path.lstrip('/')}); "
              f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        print(f"Catalog: {counts[0]:,} items, {counts[1]:,} nutrient values, {counts[2]:,} portions "
              f"(built in {built:.0f} s; refresh_rankings() of every item took {refresh_seconds:.1f} s)")
        if postgres:
            print("\nPlans of the queries of the first page for 'cheese' (default sort):")
            for plan in explain("cheese", "k2"):
                print("  " + plan.replace("\n", "\n  ") + "\n")

        before = "before: K2 per search"
        searches = measure(
            [(q, "k2") for q in QUERIES],
            {"the app": app_page, "plain scan": plain_scan_page, before: k2_per_search_page},
            args.repeat,
        )
        report("Searches, default sort (K2 per 100 g): first page with its count and portions", searches)
        browsing = measure([("", "k2")], {"the app": app_page, before: k2_per_search_page}, args.repeat)
        report("Browsing the whole catalog by K2 (the home page's link)", browsing)
        report("Other sorts", measure(OTHER_SORTS, {"the app": app_page}, args.repeat))

        print("\nAll searches together, median / p95 ms:")
        for name, results in searches.items():
            median, p95_ms = summary(results)
            print(f"  {name:<26} {median:7.2f} / {p95_ms:7.2f}")
        app = summary(searches["the app"])
        for name in ("plain scan", before):
            other = summary(searches[name])
            print(f"  {name + ' / the app':<40} {other[0] / app[0]:6.1f}x / {other[1] / app[1]:6.1f}x")
        if not postgres:
            print("  (SQLite has no trigram index: the app scans too.)")
        else:
            print(f"  Target p95 < 10 ms on PostgreSQL at {counts[0]:,} items: the app "
                  f"{'meets' if app[1] < 10 else 'misses'} it.")
        print(f"Load average at the end: {os.getloadavg()[0]:.1f}")
    finally:
        from django.db import connections

        connections.close_all()
        if args.keep:
            print(f"\nKept the bench database: {url}")
        else:
            remove_database()


if __name__ == "__main__":
    main()
