"""Command-line start-up: median wall time of `debtreg --help`, of a view on the fixtures (in an SQLite file, and
on PostgreSQL when ``--postgres URL`` or ``$DEBTREG_TEST_POSTGRES_URL`` gives one, in a schema of its own, dropped
after), and of a bare interpreter, typer alone and the main libraries' import for scale, each as a ratio to typer's
import (issue 13's goal: --help within 1.5x of importing typer). Figures, not a test.

    python bench/startup.py [--runs 15] [--postgres postgresql://user@host:5432/db]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from urllib.parse import quote

from adapters.store import database_url, postgres_url

ROOT = Path(__file__).resolve().parent.parent
DEBTREG = str(Path(sys.executable).parent / "debtreg")


def median_seconds(command: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, capture_output=True, check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


@contextmanager
def schema_of(url: str) -> Iterator[str]:
    """A URL of the PostgreSQL database at ``url`` whose search path is a new schema, dropped afterwards."""
    import psycopg

    name, plain = f"debtreg_bench_{uuid.uuid4().hex[:12]}", postgres_url(database_url(url))
    with psycopg.connect(plain, autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{name}"')
    try:
        yield f"{plain}{'&' if '?' in plain else '?'}options={quote(f'-csearch_path={name}')}"
    finally:
        with psycopg.connect(plain, autocommit=True) as connection:
            connection.execute(f'DROP SCHEMA "{name}" CASCADE')


def loaded(db: str, key: str) -> str:
    """``db`` with the fixtures loaded, as a new administrator whose key is ``key``."""
    subprocess.run([DEBTREG, "--db", db, "identity", "init", "bench", "--key-file", key], capture_output=True, check=True)
    subprocess.run([DEBTREG, "--db", db, "--identity", key, "load", str(ROOT / "fixtures")], capture_output=True, check=True)
    return db


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--postgres", metavar="URL", default=os.environ.get("DEBTREG_TEST_POSTGRES_URL"),
                        help="a PostgreSQL database to time a view on too, in a schema of its own")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch, (schema_of(args.postgres) if args.postgres else nullcontext()) as postgres:
        db = loaded(f"sqlite:///{Path(scratch) / 'bench.sqlite'}", str(Path(scratch) / "admin.key"))
        view = ["annex1", "barnes-1995", "--as-of", "2003-02-05"]
        figures = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "import typer": [sys.executable, "-c", "import typer"],
            "import typer, sqlalchemy, eventsourcing, pydantic, rich": [
                sys.executable, "-c", "import typer, sqlalchemy, eventsourcing.application, pydantic, rich.table"],
            "debtreg --help": [DEBTREG, "--help"],
            "debtreg annex1 barnes-1995 --as-of 2003-02-05": [DEBTREG, "--db", db, *view],
        }
        if postgres:
            figures["the same on PostgreSQL"] = [DEBTREG, "--db", loaded(postgres, str(Path(scratch) / "pg.key")), *view]
        else:
            print("(no view on PostgreSQL: give --postgres URL, or set DEBTREG_TEST_POSTGRES_URL)", file=sys.stderr)
        measured = {name: median_seconds(command, args.runs) for name, command in figures.items()}
        for name, seconds in measured.items():
            ratio = seconds / measured["import typer"]
            print(f"{name}: median {seconds * 1000:,.0f} ms over {args.runs} runs ({ratio:.2f}x import typer)")


if __name__ == "__main__":
    main()
