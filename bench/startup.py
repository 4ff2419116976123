"""Command-line start-up: median wall time of `debtreg --help`, of a view on the fixtures, and of a bare
interpreter, typer alone and the main libraries' import for scale, each as a ratio to typer's import
(issue 13's goal: --help within 1.5x of importing typer). Figures, not a test.

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
            "import typer": [sys.executable, "-c", "import typer"],
            "import typer, sqlalchemy, eventsourcing, pydantic, rich": [
                sys.executable, "-c", "import typer, sqlalchemy, eventsourcing.application, pydantic, rich.table"],
            "debtreg --help": [DEBTREG, "--help"],
            "debtreg annex1 barnes-1995 --as-of 2003-02-05": [DEBTREG, "--db", db, "annex1", "barnes-1995", "--as-of", "2003-02-05"],
        }
        measured = {name: median_seconds(command, args.runs) for name, command in figures.items()}
        for name, seconds in measured.items():
            ratio = seconds / measured["import typer"]
            print(f"{name}: median {seconds * 1000:,.0f} ms over {args.runs} runs ({ratio:.2f}x import typer)")


if __name__ == "__main__":
    main()
