"""Benchmark: what a history's length costs, each figure beside a reference measured in the same run.

For each size, one agreement's synthetic journal (bench/history.py: coupons, transfers, backdated entries,
pro rata prepayments) is loaded into a new SQLite file through the registry's own path, then timed:

- the load: entries checked in memory, then saved in batches with their signed heads; beside it, the raw
  rate of an eventsourcing application saving as many events to another file, 100 per save;
- the register as of a late and an early date in a warm process (medians; the same date each time, as a server
  asked "as of today" is, and a date not asked before each time);
- one transfer appended at the end, and the register after the latest date (from the snapshot) and in 2020 (from
  the state kept before that date), each in a fresh process (`debtreg ...`); then the register in 2020 as known
  before that transfer was recorded (from the states kept before the place it takes in business time), and the
  transfer's reversal (checked from the state kept before the transfer's date);
- in the same process, a transfer at the end and its reversal, as a server records them;
- `verify` beside a raw scan of the events table, a raw recomputation of the same hashes, and a raw check of
  every signed head's signature (libsodium alone, on every core).

The figures to compare are the ratios: a bigger history should not cost more per command or per view.

    python bench/bench.py [--sizes 1000,10000] [--queries 21]
"""

from __future__ import annotations

import argparse
import gc
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import history  # noqa: E402 - beside this file
from eventsourcing.application import Application  # noqa: E402

from adapters import journal  # noqa: E402
from adapters.entries import ReversalEntry, TransferEntry  # noqa: E402
from adapters.identity import Signer  # noqa: E402
from adapters.offline_verifier import entry_bytes, head_message, leaf_hash, root  # noqa: E402
from adapters.queries import Queries  # noqa: E402
from adapters.registry import Registry  # noqa: E402

DEBTREG = str(Path(sys.executable).parent / "debtreg")
KEY = "synthetic"


def median_ms(action: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def raw_rate(path: Path, events: list) -> float:
    """Events per second eventsourcing saves the same events to another SQLite file, 100 a save, through the
    same persistence (eventsourcing-sqlalchemy, the same transcoder): the store's own rate, without debtreg's
    checks, signed heads or request ids."""
    raw = Registry(f"sqlite:///{path}")
    started = time.perf_counter()
    for start in range(0, len(events), 100):
        Application.save(raw, *events[start:start + 100])
    elapsed = time.perf_counter() - started
    raw.close()
    return len(events) / elapsed


def raw_scan_and_hash(path: Path, table: str) -> tuple[float, float]:
    """Seconds to read every stored event with the driver alone, and to recompute their Merkle root too."""
    started = time.perf_counter()
    with sqlite3.connect(path) as connection:
        rows = connection.execute(f"select originator_id, originator_version, topic, state from {table}"
                                  " order by originator_id, originator_version").fetchall()
    scanned = time.perf_counter() - started
    leaves = [leaf_hash(entry_bytes(str(oid).replace("-", ""), version, topic, bytes(state)))
              for oid, version, topic, state in rows]
    root(leaves)
    return scanned, time.perf_counter() - started


def raw_signatures(path: Path, table: str) -> float:
    """Seconds to check every signed head's Ed25519 signature with libsodium alone, in a thread a core (it lets go
    of the GIL while it checks), as verify does: the floor of verify's signatures, one an entry."""
    from concurrent.futures import ThreadPoolExecutor

    from nacl.bindings import crypto_sign_open

    started = time.perf_counter()
    with sqlite3.connect(path) as connection:
        connection.row_factory = sqlite3.Row
        heads = [dict(row) for row in connection.execute(f"select * from {table}")]
    signed = [(bytes.fromhex(head["signature"]) + head_message(head), bytes.fromhex(head["public_key"])) for head in heads]
    cores = os.cpu_count() or 1
    with ThreadPoolExecutor(cores) as pool:
        list(pool.map(lambda part: [crypto_sign_open(message, key) for message, key in part],
                      [signed[start::cores] for start in range(cores)]))
    return time.perf_counter() - started


def fresh(*args: str, env: dict[str, str] | None = None) -> float:
    """Seconds the command line takes to run ``args`` in a new process (with ``env`` added to the environment)."""
    started = time.perf_counter()
    subprocess.run([DEBTREG, *args], check=True, capture_output=True, env={**os.environ, **env} if env else None)
    return time.perf_counter() - started


# Started by a small process: Linux counts, in a process's peak memory, that of the process it was forked from
# (here the benchmark, which holds the registry it loaded).
PEAK = ("import os, subprocess, sys, time; started = time.perf_counter();"
        " run = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL);"
        " _, status, usage = os.wait4(run.pid, 0);"
        " print(os.waitstatus_to_exitcode(status), time.perf_counter() - started, usage.ru_maxrss)")


def fresh_peak(*args: str) -> tuple[float, float]:
    """Seconds, as ``fresh``, and the process's peak resident memory in MB (Linux counts it in KB, macOS in bytes)."""
    code, seconds, peak = subprocess.run([sys.executable, "-c", PEAK, DEBTREG, *args], check=True, capture_output=True,
                                         text=True).stdout.split()
    if int(code):
        raise subprocess.CalledProcessError(int(code), args)
    return float(seconds), int(peak) / (1024 * 1024 if sys.platform == "darwin" else 1024)


def measure(entries: int, queries: int, scratch: Path) -> dict[str, float]:
    path = scratch / f"history-{entries}.sqlite"
    url = f"sqlite:///{path}"
    key_file = scratch / f"admin-{entries}.key"
    journal_file = scratch / f"history-{entries}.toml"
    journal_file.write_text(history.journal(KEY, entries))
    admin = Signer.generate("bench")
    admin.save(key_file)
    registry = Registry(url, identity=admin)
    registry.ledger.enrol_first(admin)
    started = time.perf_counter()
    staged = journal.check(registry, [journal_file])
    checked = time.perf_counter()
    registry.record_all(staged)
    saved = time.perf_counter()
    events = sum(len(s.events) for s in staged)
    figures = {"events": events, "check/s": events / (checked - started), "save/s": events / (saved - checked),
               "load/s": events / (saved - started), "raw save/s": raw_rate(scratch / f"raw-{entries}.sqlite", [e for s in staged for e in s.events])}

    views = Queries(registry)
    late, early = date(2029, 6, 1), date(2001, 6, 1)
    views.register(KEY, late)  # the first view reads and verifies the stream; the rest are warm
    figures["register late (warm) ms"] = median_ms(lambda: views.register(KEY, late), queries)
    figures["register early (warm) ms"] = median_ms(lambda: views.register(KEY, early), queries)
    # a date not asked before each time, among the transfers, so each is a different place in the history
    days = iter(date.fromordinal(history.LAST_TRANSFER.toordinal() - 9 * n) for n in range(1, queries + 1))
    figures["register, a new date each time (warm) ms"] = median_ms(lambda: views.register(KEY, next(days)), queries)
    register = views.register(KEY, date(2029, 12, 15), None)
    holding: dict[str, object] = {}
    for n in register.notes:
        holding[n.holder] = holding.get(n.holder, 0) + n.principal
    giver = max(holding, key=holding.get)
    taker = next(h for h in history.HOLDERS if h not in holding)
    # a server's commands: a process records a transfer at the end, then reverses it (medians of 5 pairs, and the
    # slowest reversal: a median hid one of 7 s). The process that loaded the history holds it whole; a server
    # started since resumes it from its snapshot
    transfer = TransferEntry.model_validate({"type": "transfer", "effective_on": "2029-12-15", "evidence": {"document": "bench"},
                                             "from": giver, "to": taker, "amount": str(holding[giver])})
    server = Registry(url, identity=admin)
    for process, called in ((registry, "warm"), (server, "a server started since")):
        transfers, reversals = [], []
        for n in range(5):
            started = time.perf_counter()
            target = process.record(KEY, transfer, request_id=f"bench/{called}/{n}").events[0].originator_version
            transfers.append(time.perf_counter() - started)
            started = time.perf_counter()
            process.record(KEY, ReversalEntry.model_validate({"type": "reversal", "evidence": {"document": "bench"},
                                                              "reason": "bench", "target": target}), request_id=f"bench/{called}/{n}/undo")
            reversals.append(time.perf_counter() - started)
        figures[f"transfer at the end ({called}) ms"] = statistics.median(transfers) * 1000
        figures[f"its reversal ({called}) ms"] = statistics.median(reversals) * 1000
        figures[f"the slowest of those reversals ({called}) ms"] = max(reversals) * 1000
    server.close()
    loaded = registry.agreement(KEY).version
    started = time.perf_counter()
    checked_log = registry.verify()
    figures["verify s"] = time.perf_counter() - started
    assert checked_log.intact, checked_log.problem
    registry.close()
    figures["raw scan s"], figures["raw scan+hash s"] = raw_scan_and_hash(path, "debtreg_events")
    figures["raw signature checks s"] = raw_signatures(path, "debtreg_heads")
    figures["register now (fresh process) s"] = fresh("--db", url, "register", KEY, "--as-of", "2029-12-15", "--format", "json")
    figures["register in 2020 (fresh process) s"] = fresh("--db", url, "register", KEY, "--as-of", "2020-06-01", "--format", "json")
    figures["transfer at the end (fresh process) s"] = fresh(
        "--db", url, "--identity", str(key_file), "transfer", KEY, "--from", giver, "--to", taker,
        "--amount", str(holding[giver]), "--date", "2029-12-15", "--evidence", "bench")
    figures["register in 2020 as known before the transfer (fresh process) s"] = fresh(
        "--db", url, "register", KEY, "--as-of", "2020-06-01", "--known-at", f"{KEY}:{loaded}", "--format", "json")
    figures["reversal of that transfer (fresh process) s"] = fresh(
        "--db", url, "--identity", str(key_file), "reverse", f"{KEY}:{loaded + 1}", "--reason", "bench", "--evidence", "bench")
    return figures


def measured(sizes: list[int], what: str, measure: Callable[[int, Path], dict[str, float]]) -> dict[int, dict[str, float]]:
    """Each size's figures, measured in a scratch directory removed afterwards; ``what`` names a size."""
    results = {}
    with tempfile.TemporaryDirectory() as scratch:
        for size in sizes:
            print(f"measuring {what.format(size)} ...", file=sys.stderr, flush=True)
            results[size] = measure(size, Path(scratch))
    return results


def print_table(results: dict[int, dict[str, float]], heading: Callable[[int], str]) -> None:
    """The figures (after the first, the event count) as a Markdown table, a column per size under ``heading``,
    and the largest over the smallest."""
    sizes = list(results)
    print("| figure | " + " | ".join(heading(s) for s in sizes) + f" | {sizes[-1]:,} / {sizes[0]:,} |")
    print("|---|" + "---|" * (len(sizes) + 1))
    for name in list(results[sizes[0]])[1:]:
        cells = [results[s][name] for s in sizes]
        print(f"| {name} | " + " | ".join(f"{c:,.0f}" if c >= 100 else f"{c:,.2f}" for c in cells)
              + f" | {cells[-1] / cells[0]:.2f}x |")


def main() -> None:
    gc.disable()  # as the command line runs each command (adapters.cli.run): the load, views and verify timed here
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000", help="journal entries per history, comma-separated")
    parser.add_argument("--queries", type=int, default=21)
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    results = measured(sizes, "a history of {:,} entries", lambda size, scratch: measure(size, args.queries, scratch))
    print_table(results, lambda size: f"{results[size]['events']:,} events")
    last = results[sizes[-1]]
    print(f"\nload rate / raw batched save rate: {last['load/s'] / last['raw save/s']:.2f}"
          f" (save phase alone: {last['save/s'] / last['raw save/s']:.2f})")
    print(f"verify / raw scan: {last['verify s'] / last['raw scan s']:.1f}x;"
          f" verify / raw scan and hash: {last['verify s'] / last['raw scan+hash s']:.1f}x;"
          f" verify / (raw scan and hash + raw signature checks):"
          f" {last['verify s'] / (last['raw scan+hash s'] + last['raw signature checks s']):.1f}x")


if __name__ == "__main__":
    main()
