"""Command-line start-up: median wall time of `debtreg --help`, of a view on the fixtures, and of a bare
interpreter and the four main libraries' import for scale. Figures, not a test.

    python bench/startup.py [--runs 15]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEBTREG = str(Path(sys.executable).parent / "debtreg")


def median_seconds(command: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, capture_output=True, check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        db = f"sqlite:///{Path(scratch) / 'bench.sqlite'}"
        key = str(Path(scratch) / "admin.key")
        subprocess.run([DEBTREG, "--db", db, "identity", "init", "bench", "--key-file", key], capture_output=True, check=True)
        subprocess.run([DEBTREG, "--db", db, "--identity", key, "load", str(ROOT / "fixtures")], capture_output=True, check=True)
        figures = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "import typer, sqlalchemy, eventsourcing, pydantic, rich": [
                sys.executable, "-c", "import typer, sqlalchemy, eventsourcing.application, pydantic, rich.table"],
            "debtreg --help": [DEBTREG, "--help"],
            "debtreg annex1 barnes-1995 --as-of 2003-02-05": [DEBTREG, "--db", db, "annex1", "barnes-1995", "--as-of", "2003-02-05"],
        }
        for name, command in figures.items():
            print(f"{name}: median {median_seconds(command, args.runs) * 1000:,.0f} ms over {args.runs} runs")


if __name__ == "__main__":
    main()
