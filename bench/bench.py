"""Benchmark: record a synthetic history, then time register-as-of queries.

Builds AGREEMENTS agreements, each with one series issued to twenty holders,
then records TRANSFERS transfers per agreement through the same path as the
command line (validate the entry, check the agreement's whole timeline, save in
one transaction). Reports events recorded per second, and the latency of
``register_as_of`` for random dates (events read from the store and replayed).

    python bench/bench.py [--db URL] [--agreements 40] [--transfers 500] [--queries 200]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from adapters.entries import AgreementEntry, IssueEntry, TransferEntry
from adapters.identity import ADMINISTRATOR, Signer
from adapters.queries import Queries
from adapters.registry import Registry

HOLDERS = [f"Holder {n:02d} Life Insurance Company" for n in range(20)]
CLOSING = date(2000, 1, 3)


def agreement_entry(index: int) -> AgreementEntry:
    return AgreementEntry.model_validate(
        {
            "type": "agreement",
            "effective_on": CLOSING,
            "evidence": {"document": "synthetic"},
            "title": f"Synthetic Note Agreement {index}",
            "issuer": "Synthetic Issuer Inc.",
            "dated_as_of": CLOSING,
            "sections": {"transfer": "6.2", "pro_rata": "5.4"},
            "series": [
                {
                    "key": "A",
                    "title": "7.00% Senior Notes due 2030",
                    "label": "A Notes",
                    "principal": "100,000,000",
                    "rate": "7.00%",
                    "maturity": "2030-01-03",
                    "min_denomination": "100,000",
                }
            ],
        }
    )


def issue_entry() -> IssueEntry:
    return IssueEntry.model_validate(
        {
            "type": "issue",
            "effective_on": CLOSING,
            "evidence": {"document": "synthetic"},
            "notes": [{"holder": h, "principal": "5,000,000"} for h in HOLDERS],
        }
    )


def transfers(count: int, rng: random.Random):
    """Valid transfers: whole multiples of $100,000 from holders who have them."""
    holdings = {h: 5_000_000 for h in HOLDERS}
    day = CLOSING
    for _ in range(count):
        day += timedelta(days=1)
        giver = rng.choice([h for h, amount in holdings.items() if amount >= 100_000])
        taker = rng.choice([h for h in HOLDERS if h != giver])
        amount = rng.randint(1, min(holdings[giver] // 100_000, 20)) * 100_000
        holdings[giver] -= amount
        holdings[taker] += amount
        yield TransferEntry.model_validate(
            {
                "type": "transfer",
                "effective_on": day,
                "evidence": {"document": "synthetic"},
                "from": giver,
                "to": taker,
                "amount": str(amount),
            }
        ), day


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="database URL (default: a new SQLite file in a temporary directory)")
    parser.add_argument("--agreements", type=int, default=40)
    parser.add_argument("--transfers", type=int, default=500, help="transfers per agreement")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1995)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as scratch:
        url = args.db or f"sqlite:///{Path(scratch) / 'bench.sqlite'}"
        bench = Signer.generate("bench")
        registry = Registry(url, identity=bench)
        registry.ledger.register(bench.name, ADMINISTRATOR, bench.public_key, bench)
        events = 0
        started = time.perf_counter()
        last_day = CLOSING
        for index in range(args.agreements):
            key = f"synthetic-{index}"
            for entry in [agreement_entry(index), issue_entry()]:
                events += len(registry.record(key, entry).events)
            for entry, day in transfers(args.transfers, rng):
                events += len(registry.record(key, entry).events)
                last_day = max(last_day, day)
            elapsed = time.perf_counter() - started
            print(f"\r{index + 1}/{args.agreements} agreements, {events} events, {events / elapsed:,.0f} events/s", end="", flush=True)
        recording = time.perf_counter() - started
        print()
        latencies = []
        queries = Queries(registry)
        for _ in range(args.queries):
            key = f"synthetic-{rng.randrange(args.agreements)}"
            day = CLOSING + timedelta(days=rng.randrange((last_day - CLOSING).days + 1))
            begun = time.perf_counter()
            queries.register(key, day)
            latencies.append((time.perf_counter() - begun) * 1000)
        registry.close()
    latencies.sort()
    print(f"database: {url.split('://')[0]}")
    print(f"recorded {events} events ({args.agreements} agreements x {args.transfers + 2} entries) in {recording:.1f} s:"
          f" {events / recording:,.0f} events/s")
    print(f"register as of a random date ({args.queries} queries, {events // args.agreements} events per agreement):"
          f" median {statistics.median(latencies):.1f} ms, p95 {latencies[int(0.95 * len(latencies)) - 1]:.1f} ms,"
          f" max {latencies[-1]:.1f} ms")


if __name__ == "__main__":
    main()
