"""
Benchmark: import the whole USDA SR28 release (8,789 foods) on SQLite and on PostgreSQL.

    .venv/bin/python bench/import_usda.py [--database-url postgres://...] [--sr28-dir DIR] [--no-postgres]

For each database, in a fresh process (so peak memory is that database's own): parse every file
with the importer's own readers but write nothing (the baseline), then import into an empty
database (first run) and import again (the update run: every row is found and compared). Times
are given as a ratio of the baseline measured in the same process; CPU seconds (the process's own)
are printed too, since wall-clock time on a busy machine also counts other programs' turns. Peak RSS is the process's
high-water mark after each phase (it never goes down, so a phase that needed more shows a rise).

SQLite uses a throwaway file in a temporary directory; PostgreSQL a database (bench_import by
default) that this script creates and drops. The project's db.sqlite3 is never touched.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchdb import REPO, prepare_database  # noqa: E402

DEFAULT_SR28 = REPO.parent / "shared" / "data" / "usda_sr28" / "sr28"
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/bench_import"


def main():
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_POSTGRES, help="PostgreSQL database to create and drop")
    parser.add_argument("--sr28-dir", type=Path, default=DEFAULT_SR28)
    parser.add_argument("--no-postgres", action="store_true", help="measure SQLite only")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(run_phases(args.sr28_dir)))
        return
    if not args.sr28_dir.is_dir():
        sys.exit(f"No SR28 files at {args.sr28_dir}")

    results = []
    with tempfile.TemporaryDirectory() as directory:
        results.append(("SQLite", measure_in_subprocess(f"sqlite:///{directory}/bench_import.sqlite3", args)))
    if not args.no_postgres:
        url, remove_database = prepare_database(args.database_url)
        try:
            results.append(("PostgreSQL", measure_in_subprocess(url, args)))
        finally:
            remove_database()
    print_table(results)


def measure_in_subprocess(database_url, args):
    env = os.environ | {"DATABASE_URL": database_url, "DEBUG": "false", "DJANGO_ENV": "development"}
    command = [sys.executable, __file__, "--worker", "1", "--sr28-dir", str(args.sr28_dir)]
    finished = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if finished.returncode:
        sys.exit(f"The benchmark worker failed:\n{finished.stderr}")
    return json.loads(finished.stdout.strip().splitlines()[-1])


def run_phases(sr28_dir):
    """In the worker: migrate an empty database, then time the baseline and both imports."""
    sys.path.insert(0, str(REPO))
    os.environ["DJANGO_SETTINGS_MODULE"] = "tracker.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from foods.importers import import_usda
    from foods.importers.sr28 import import_sr28
    from foods.models import Item, NutrientValue, Portion

    call_command("migrate", verbosity=0)
    phases = []

    def measure(name, action):
        queries = []
        with connection.execute_wrapper(lambda execute, *a: queries.append(1) or execute(*a)):
            started, cpu_started = time.perf_counter(), time.process_time()
            action()
            seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
        phases.append(
            {
                "phase": name,
                "seconds": seconds,
                "cpu_seconds": cpu_seconds,
                "queries": len(queries),
                "peak_rss_mb": peak_rss_mb(),
            }
        )

    files = {path.name: path for path in sr28_dir.iterdir()}
    # Twice, keeping the faster: the first pass also pulls the files into the OS cache.
    measure("parse only (baseline)", lambda: import_sr28(files, ParseOnly()))
    measure("parse only (baseline)", lambda: import_sr28(files, ParseOnly()))
    phases.remove(max(phases, key=lambda phase: phase["seconds"]))
    measure("import, first run", lambda: import_usda(sr28_dir))
    measure("import, update run", lambda: import_usda(sr28_dir))
    counts = {model.__name__: model.objects.count() for model in (Item, NutrientValue, Portion)}
    return {"phases": phases, "counts": counts}


class ParseOnly:
    """Takes the place of CatalogWriter: reads every record the importer yields, writes nothing."""

    def __init__(self):
        self.foods, self.categories = set(), set()

    def knows_food(self, usda_id):
        return usda_id in self.foods

    def knows_category(self, code):
        return code in self.categories

    def write_categories(self, groups):
        self.categories.update(code for code, _ in groups)

    def write_items(self, foods, links=None):
        self.foods.update(food.usda_id for food in foods)

    def write_values(self, values):
        for _ in values:
            pass

    def write_portions(self, portions):
        for _ in portions:
            pass


def peak_rss_mb():
    # ru_maxrss is in KiB on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def print_table(results):
    print()
    print("Import of the whole USDA SR28 release (8,789 foods, 86,325 nutrient rows, 15,438 weights)")
    print()
    header = (
        f"{'database':<11} {'phase':<22} {'seconds':>8} {'× baseline':>11} {'CPU s':>7} {'queries':>8} "
        f"{'peak RSS MB':>12}"
    )
    print(header)
    print("-" * len(header))
    for database, result in results:
        baseline = result["phases"][0]["seconds"]
        for phase in result["phases"]:
            print(
                f"{database:<11} {phase['phase']:<22} {phase['seconds']:>8.2f} {phase['seconds'] / baseline:>11.1f} "
                f"{phase['cpu_seconds']:>7.2f} {phase['queries']:>8,} {phase['peak_rss_mb']:>12.0f}"
            )
        counts = ", ".join(f"{n:,} {name}" for name, n in result["counts"].items())
        print(f"{'':<11} rows after both runs: {counts}")
    print()


if __name__ == "__main__":
    main()
