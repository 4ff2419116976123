"""Benchmark: concurrent writers, each recording on its own agreement, on PostgreSQL (or any store URL).

Each writer is a process with its own registry; it records transfers one command at a time (a transaction
each, as treasury does), on an agreement no other writer touches. Prints the events all writers recorded
per second together, for 1, 4 and 8 writers: if writers on different agreements did not wait on one another,
4 writers would record about 4 times what one does (on 2 cores, at most about 2 times).

    python bench/writers.py [--db postgresql://postgres@127.0.0.1:5432/test] [--writers 1,4,8] [--seconds 8]
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import time
import uuid
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))

import history  # noqa: E402 - beside this file

from adapters import journal  # noqa: E402
from adapters.entries import TransferEntry  # noqa: E402
from adapters.identity import Signer  # noqa: E402
from adapters.registry import Registry  # noqa: E402


def writer(url: str, key: str, seconds: float, admin: Signer, counts: multiprocessing.Queue) -> None:
    registry = Registry(url, identity=admin)
    holding = {h: 4_800_000 for h in history.HOLDERS}
    day, recorded, deadline = date(2000, 1, 4), 0, time.monotonic() + seconds
    while time.monotonic() < deadline:
        giver = next(h for h in history.HOLDERS if holding[h] >= 200_000)
        taker = next(h for h in history.HOLDERS if h != giver)
        holding[giver] -= 100_000
        holding[taker] += 100_000
        entry = TransferEntry.model_validate({"type": "transfer", "effective_on": day, "evidence": {"document": "bench"},
                                              "from": giver, "to": taker, "amount": "100000"})
        recorded += len(registry.record(key, entry).events)
        day += timedelta(days=1)
    registry.close()
    counts.put(recorded)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--writers", default="1,4,8")
    parser.add_argument("--seconds", type=float, default=8.0)
    args = parser.parse_args()
    import psycopg

    schema = f"debtreg_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(args.db, autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
    url = f"{args.db}{'&' if '?' in args.db else '?'}options={quote(f'-csearch_path={schema}')}"
    try:
        admin = Signer.generate("bench")
        registry = Registry(url, identity=admin)
        registry.ledger.enrol_first(admin)
        counts_by_writers = [int(n) for n in args.writers.split(",")]
        scratch = Path(f"/tmp/{schema}")
        scratch.mkdir()
        for n in range(max(counts_by_writers) * len(counts_by_writers)):
            (scratch / f"w{n}.toml").write_text(history.opening(f"w{n}"))
        journal.load(registry, sorted(scratch.glob("*.toml")))
        registry.close()
        print("| writers | events recorded | events/s, all writers | per writer |\n|---|---|---|---|")
        used = 0
        for writers in counts_by_writers:
            counts: multiprocessing.Queue = multiprocessing.Queue()
            processes = [multiprocessing.Process(target=writer, args=(url, f"w{used + i}", args.seconds, admin, counts))
                         for i in range(writers)]
            used += writers
            for process in processes:
                process.start()
            total = sum(counts.get(timeout=args.seconds + 120) for _ in processes)
            for process in processes:
                process.join()
            print(f"| {writers} | {total:,} | {total / args.seconds:,.0f} | {total / args.seconds / writers:,.0f} |")
    finally:
        with psycopg.connect(args.db, autocommit=True) as connection:
            connection.execute(f'DROP SCHEMA "{schema}" CASCADE')


if __name__ == "__main__":
    main()
