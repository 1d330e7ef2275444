"""
How fast the catalog list answers a name search at 100,000 items.

Builds a catalog in a database of its own: the 8,789 USDA SR28 food names (FOOD_DES.txt) plus
generated names recombined from SR28's own words, so that "cheese" is as common as in SR28, with a
few nutrient values and portions each. Then times `foods.catalog_search.catalog_page`, the function
the /foods/ view calls (count, first page in the default K2 order, portions), for realistic
queries, and again with the trigram index dropped: that baseline is a plain `icontains` scan.

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
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

REPO = Path(__file__).resolve().parent.parent
SR28 = REPO.parent / "shared" / "data" / "usda_sr28" / "sr28"
if not SR28.exists():
    SR28 = Path("/work/shared/data/usda_sr28/sr28")

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
# Besides searches: browsing the whole catalog, the home page's "richest in K2" link.
BROWSE = [("", "k2"), ("", "k2_portion"), ("", "name"), ("cheese", "k2_portion"), ("cheese", "name")]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=25, help="timed runs of each query")
    parser.add_argument("--seed", type=int, default=28)
    parser.add_argument("--keep", action="store_true", help="leave the bench database for inspection")
    return parser.parse_args()


# --- the database ----------------------------------------------------------------------------


def prepare_database(url):
    """Create a fresh bench database; return (url to use, function that removes it)."""
    parts = urlsplit(url)
    if parts.scheme.startswith("postgres"):
        import psycopg

        name = parts.path.lstrip("/")
        if not name.startswith("bench_"):
            sys.exit(f"Refusing to drop and recreate {name!r}: a bench database's name starts with bench_.")
        admin_url = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))

        def run(sql):
            with psycopg.connect(admin_url, autocommit=True) as connection:
                connection.execute(sql)

        run(f'DROP DATABASE IF EXISTS "{name}"')
        run(f'CREATE DATABASE "{name}"')
        return url, lambda: run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    if parts.scheme == "sqlite":
        path = Path(parts.path[1:]) if parts.path not in ("", "/") else None
        if path is None:
            directory = tempfile.TemporaryDirectory(prefix="bench_search_")
            return f"sqlite:///{Path(directory.name) / 'bench.sqlite3'}", directory.cleanup
        if path.resolve() == (REPO / "db.sqlite3").resolve():
            sys.exit("Refusing to use the project's db.sqlite3.")
        path.unlink(missing_ok=True)
        return f"sqlite:///{path}", lambda: path.unlink(missing_ok=True)

    sys.exit(f"Unsupported database URL {url!r}: use postgres://... or sqlite:///...")


def setup_django(url):
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "tracker.settings"
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


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


# --- timing ----------------------------------------------------------------------------------


def time_ms(function, repeat):
    for _ in range(2):
        function()
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        timings.append((time.perf_counter() - start) * 1000)
    return timings


def p95(timings):
    return statistics.quantiles(timings, n=20, method="inclusive")[-1]


def measure(cases, repeat, page_function=None):
    """{(q, sort): (matches, timings in ms)} of the first page of each case."""
    from django.contrib.auth.models import AnonymousUser

    from foods.catalog_search import CatalogFilters, catalog_page

    page_function = page_function or catalog_page
    anonymous = AnonymousUser()
    results = {}
    for q, sort in cases:
        filters = CatalogFilters(q=q, sort=sort)
        count = page_function(anonymous, filters, 1).paginator.count
        results[(q, sort)] = (count, time_ms(lambda f=filters: page_function(anonymous, f, 1), repeat))
    return results


# --- what a stored K2 column would give ---------------------------------------------------------


def add_stored_k2_column():
    """Try the model change this benchmark argues for, on the bench database only: each item's K2
    MK-7 equivalent kept in a column of its own, indexed in ranking order for the shared catalog."""
    from django.db import connection
    from django.db.models import F

    from foods.catalog_search import k2_mk7_equivalent_expression
    from foods.models import Item

    ranked = Item.objects.order_by().values(item_id=F("pk"), k2=k2_mk7_equivalent_expression())
    select, params = ranked.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE foods_item ADD COLUMN k2_stored double precision")
        cursor.execute(
            f"UPDATE foods_item SET k2_stored = ranked.k2 FROM ({select}) AS ranked "
            "WHERE ranked.item_id = foods_item.id",
            params,
        )
        # SQLite puts NULLs last in a descending index anyway, and refuses to be told so.
        nulls_last = " NULLS LAST" if connection.vendor == "postgresql" else ""
        cursor.execute(
            f"CREATE INDEX foods_item_k2_stored ON foods_item (k2_stored DESC{nulls_last}, name, id) "
            "WHERE owner_id IS NULL"
        )
    vacuum_and_analyze()


def stored_k2_page(user, filters, page_number):
    """catalog_page, with the stored column as the K2 sort key instead of the subquery."""
    from dataclasses import replace

    from django.core.paginator import Paginator
    from django.db.models import F, FloatField
    from django.db.models.expressions import RawSQL

    from foods.catalog_search import PER_PAGE, CatalogRow, search_catalog

    items = (
        search_catalog(user, replace(filters, sort="name"))
        .annotate(sort_value=RawSQL('"foods_item"."k2_stored"', (), output_field=FloatField()))
        .order_by(F("sort_value").desc(nulls_last=True), "name", "pk")
    )
    page = Paginator(items, PER_PAGE).get_page(page_number)
    page.object_list = [CatalogRow.from_item(item) for item in page.object_list]
    return page


def vacuum_and_analyze():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "VACUUM")
        if connection.vendor != "postgresql":
            cursor.execute("ANALYZE")


def explain(q, sort):
    from django.contrib.auth.models import AnonymousUser
    from django.db import connection

    from foods.catalog_search import CatalogFilters, search_catalog

    sql, params = search_catalog(AnonymousUser(), CatalogFilters(q=q, sort=sort))[:50].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, COSTS OFF) " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def report(title, results):
    print(f"\n{title}")
    print(f"  {'query':<18} {'sort':<12} {'matches':>8} {'median ms':>10} {'p95 ms':>8}")
    for (q, sort), (count, timings) in results.items():
        print(f"  {q or '(none)':<18} {sort:<12} {count:>8} {statistics.median(timings):>10.2f} {p95(timings):>8.2f}")


def summary(results):
    timings = [t for _, case_timings in results.values() for t in case_timings]
    return statistics.median(timings), p95(timings)


def main():
    args = parse_args()
    url, remove_database = prepare_database(args.database_url)
    try:
        setup_django(url)
        from django.db import connection

        started = time.perf_counter()
        counts = build_catalog(args.items, random.Random(args.seed))
        vacuum_and_analyze()
        postgres = connection.vendor == "postgresql"
        print(f"Database: {connection.vendor} ({urlsplit(url).path.lstrip('/')}); "
              f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        print(f"Catalog: {counts[0]:,} items, {counts[1]:,} nutrient values, {counts[2]:,} portions "
              f"(built in {time.perf_counter() - started:.0f} s)")
        if postgres:
            print("\nPlan for 'cheese' (default sort, first page):")
            print("  " + explain("cheese", "k2").replace("\n", "\n  "))

        search_cases = [(q, "k2") for q in QUERIES]
        searches = measure(search_cases, args.repeat)
        report("Search, default sort (K2 per 100 g), first page, count and portions included:", searches)
        report("Browsing and other sorts:", measure(BROWSE, args.repeat))

        if postgres:
            with connection.cursor() as cursor:
                cursor.execute("DROP INDEX foods_item_name_trgm")
            vacuum_and_analyze()
        baseline = measure(search_cases, args.repeat)
        title = "Baseline: the same searches as a plain icontains scan (no trigram index):"
        if not postgres:
            title += "\n  (SQLite has no trigram index: this is the same scan again)"
        report(title, baseline)

        if postgres:
            with connection.cursor() as cursor:  # as migration 0003 makes it
                cursor.execute(
                    "CREATE INDEX foods_item_name_trgm ON foods_item USING gin (upper(name) gin_trgm_ops)"
                )
        add_stored_k2_column()
        stored = measure([*search_cases, ("", "k2")], args.repeat, stored_k2_page)
        report("What-if: K2 MK-7 eq. stored on the item and indexed (not in the app; see the report):", stored)

        print("\nAll searches together:")
        rows = [
            ("with the index", summary(searches)),
            ("plain scan", summary(baseline)),
            ("what-if stored K2", summary({k: v for k, v in stored.items() if k[0]})),
        ]
        for label, (median, p95_ms) in rows:
            print(f"  {label:<20} median {median:7.2f} ms   p95 {p95_ms:7.2f} ms")
        (indexed_median, indexed_p95), (scan_median, scan_p95) = rows[0][1], rows[1][1]
        print(f"  {'ratio scan/index':<20} median {scan_median / indexed_median:7.1f}x     "
              f"p95 {scan_p95 / indexed_p95:7.1f}x")
        if postgres:
            verdict = "meets" if indexed_p95 < 10 else "misses"
            print(f"  target p95 < 10 ms on PostgreSQL: the app {verdict} it")
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
