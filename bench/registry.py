"""Benchmark: what the number of agreements on a registry costs, each figure beside the same on a registry of one.

A registry of N agreements (each bench/history.py's synthetic journal of about E entries, the same twenty
insurers holding notes of every issuer) is loaded into one SQLite file through the registry's own path (with this
process's peak memory after it), then timed, each in a fresh process as a user runs it: one agreement's register
(it reads that agreement's stream), its Annex 1 (it also reads every holder's names, on every agreement), `due` (every
agreement's schedule, its payments of a year), `holders`
(every agreement: as of 2019, before each one's latest date, with its peak memory, and in one process,
``DEBTREG_WORKERS=1``; and after them all, from each one's snapshot; then in a running process, as a server is
asked it, and asked again), one transfer recorded at the end of one
agreement's history, and `verify` (its read models checked in a process a core, and in one process), beside a raw
scan and hash of the same table.

    python bench/registry.py [--agreements 1,1000] [--entries 30]
"""

from __future__ import annotations

import argparse
import gc
import resource
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import history  # noqa: E402 - beside this file

from adapters import journal  # noqa: E402
from adapters.identity import Signer  # noqa: E402
from adapters.queries import Queries  # noqa: E402
from adapters.registry import Registry  # noqa: E402
from bench import fresh, fresh_peak, measured, print_table, raw_scan_and_hash  # noqa: E402

AS_OF = "2019-12-15"


def measure(agreements: int, entries: int, scratch: Path) -> dict[str, float]:
    folder = scratch / f"registry-{agreements}"
    folder.mkdir()
    keys = [f"synthetic-{n:04d}" for n in range(agreements)]
    for key in keys:
        (folder / f"{key}.toml").write_text(history.journal(key, entries))
    path = scratch / f"registry-{agreements}.sqlite"
    url = f"sqlite:///{path}"
    admin = Signer.generate("bench")
    admin.save(key_file := scratch / f"admin-{agreements}.key")
    registry = Registry(url, identity=admin)
    registry.ledger.enrol_first(admin)
    started = time.perf_counter()
    staged = journal.load(registry, [folder])
    loaded = time.perf_counter() - started
    events = sum(len(s.events) for s in staged)
    registry.close()
    first = keys[0]
    figures = {"events": events, "load/s": events / loaded, "load: peak MB (so far in this process)": peak_mb()}
    figures["register, one agreement s"] = fresh("--db", url, "register", first, "--as-of", AS_OF, "--format", "json")
    figures["annex1, one agreement s"] = fresh("--db", url, "annex1", first, "--as-of", AS_OF, "--format", "json")
    figures["holders, every agreement s"], figures["holders, every agreement: peak MB"] = fresh_peak(
        "--db", url, "holders", "--as-of", AS_OF, "--format", "json")
    figures["holders, every agreement, in one process s"] = fresh(
        "--db", url, "holders", "--as-of", AS_OF, "--format", "json", env={"DEBTREG_WORKERS": "1"})
    figures["holders after every latest date s"] = fresh("--db", url, "holders", "--as-of", "2029-12-15", "--format", "json")
    figures["due in 2019, every agreement s"] = fresh(
        "--db", url, "due", "--from", "2019-01-01", "--to", "2019-12-31", "--as-of", AS_OF, "--format", "json")
    server, day = Registry(url, read_only=True), date.fromisoformat(AS_OF)
    for asked in ("the first time", "the same date again"):  # as the API is asked: each agreement's register kept
        started = time.perf_counter()
        Queries(server).holders(day)
        figures[f"holders in a running process (a server), {asked} s"] = time.perf_counter() - started
    server.close()
    figures["transfer at the end s"] = fresh(
        "--db", url, "--identity", str(key_file), "transfer", first, "--from", history.RESERVE[0], "--to",
        history.RESERVE[1], "--amount", "100,000", "--date", "2029-12-15", "--evidence", "bench")
    figures["verify s"] = fresh("--db", url, "verify")
    figures["verify in one process s"] = fresh("--db", url, "verify", env={"DEBTREG_WORKERS": "1"})
    figures["raw scan+hash s"] = raw_scan_and_hash(path, "debtreg_events")[1]
    return figures


def peak_mb() -> float:
    """This process's peak resident memory so far, in MB (Linux counts it in KB, macOS in bytes): a load holds every
    agreement it checks until it has saved them all, so a registry of many costs memory in all of them."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)


def main() -> None:
    gc.disable()  # as the command line runs each command (adapters.cli.run): the load timed here
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agreements", default="1,1000", help="registry sizes, comma-separated")
    parser.add_argument("--entries", type=int, default=30, help="journal entries per agreement")
    args = parser.parse_args()
    sizes = [int(size) for size in args.agreements.split(",")]
    results = measured(sizes, "a registry of {:,} agreements", lambda size, scratch: measure(size, args.entries, scratch))
    print_table(results, lambda size: f"{size:,} agreements ({results[size]['events']:,} events)")


if __name__ == "__main__":
    main()
