"""In-memory helpers for unit tests: an agreement's stream decided and appended as the registry does."""

from __future__ import annotations

import shutil
import sys
import tempfile
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path

from adapters.identity import TREASURY as TREASURY_ROLE
from adapters.identity import Signer
from adapters.registry import Registry
from domain.commands import (
    AttestRegister,
    CancelNote,
    Command,
    IssueNotes,
    NewNote,
    PayAtMaturity,
    Prepay,
    RegisterAgreement,
    Reverse,
    StatedHolding,
    TransferNotes,
)
from domain.decide import decide
from domain.events import Event
from domain.state import AgreementState
from domain.values import AgreementTerms, Evidence, Provenance, ScheduledPayment, SeriesTerms

TREASURY = Evidence("treasury entry")
BY_TREASURY = Provenance("treasurer", TREASURY)
NOW = datetime(2026, 1, 1, tzinfo=UTC)


class Book:
    """One agreement's stream in memory: each command decided against it and, if accepted, appended."""

    def __init__(self, terms: AgreementTerms, on: date) -> None:
        self.key = terms.key
        self.stream = decide(RegisterAgreement(key=terms.key, effective_on=on, evidence=TREASURY, terms=terms),
                             None, BY_TREASURY, NOW).stream

    def record(self, command: Command) -> tuple[Event, ...]:
        decision = decide(command, self.stream, BY_TREASURY, NOW)
        self.stream = decision.stream
        return decision.events

    @property
    def events(self) -> tuple[Event, ...]:
        return self.stream.events

    def state(self, on: date | None = None) -> AgreementState:
        state = self.stream.state if on is None else self.stream.timeline.state_as_of(on)
        assert isinstance(state, AgreementState)
        return state

    def holdings(self, on: date | None = None) -> dict[str, Decimal]:
        return {holder: amount for (holder, _), amount in self.state(on).holdings().items()}

    def issue(self, on: date, *notes: NewNote) -> tuple[Event, ...]:
        return self.record(IssueNotes(key=self.key, effective_on=on, evidence=TREASURY, notes=notes))

    def transfer(self, on: date, giver: str, taker: str, amount: str | Decimal, **options: object) -> tuple[Event, ...]:
        """A transfer; the transferee may be new to the registry unless ``new_holder=False`` is given."""
        options.setdefault("new_holder", True)
        return self.record(TransferNotes(key=self.key, effective_on=on, evidence=TREASURY, transferor=giver,
                                         transferee=taker, amount=Decimal(amount), **options))

    def prepay(self, on: date, amount: str | Decimal | None, kind: str, **options: object) -> tuple[Event, ...]:
        given = None if amount is None else Decimal(amount)
        return self.record(Prepay(key=self.key, effective_on=on, evidence=TREASURY, kind=kind, amount=given, **options))

    def cancel(self, on: date, note: int) -> tuple[Event, ...]:
        return self.record(CancelNote(key=self.key, effective_on=on, evidence=TREASURY, note=note))

    def pay_at_maturity(self, on: date) -> tuple[Event, ...]:
        return self.record(PayAtMaturity(key=self.key, effective_on=on, evidence=TREASURY))

    def reverse(self, target: int, reason: str = "recorded in error") -> tuple[Event, ...]:
        return self.record(Reverse(key=self.key, effective_on=date.min, evidence=TREASURY, target=target, reason=reason))

    def attest(self, on: date, holdings: list[tuple[str, str]]) -> tuple[Event, ...]:
        stated = tuple(StatedHolding(holder, Decimal(amount)) for holder, amount in holdings)
        return self.record(AttestRegister(key=self.key, effective_on=on, evidence=TREASURY, holdings=stated))


# The 1995 Barnes notes, as a synthetic agreement in memory: terms as the agreement gives them.

CG = "Connecticut General Life Insurance Company"
CIGNA_PC = "CIGNA Property and Casualty Insurance Company"
LINA = "Life Insurance Company of North America"
LINCOLN = "Lincoln Investment Management, Inc."
ACE_AM = "ACE American Insurance Co."
ACE_PC = "ACE Property & Casualty Insurance Company"

TERMS_1995 = AgreementTerms(
    key="barnes-1995",
    title="Note Purchase Agreement",
    issuer="Barnes Group Inc.",
    guarantors=(),
    dated_as_of=date(1995, 12, 1),
    closing_on=date(1995, 12, 5),
    series=(
        SeriesTerms(
            key="7.13%",
            title="7.13% Senior Notes due December 5, 2005",
            label="7.13% Notes",
            principal=Decimal("25000000.00"),
            rate_percent=Decimal("7.13"),
            maturity=date(2005, 12, 5),
            interest_dates=("06-05", "12-05"),
            day_count="30/360",
            required_prepayments=tuple(ScheduledPayment(date(y, 12, 5), Decimal("6250000.00")) for y in (2002, 2003, 2004)),
            min_denomination=Decimal("100000.00"),
            optional_prepayment_multiple=Decimal("1000000.00"),
        ),
    ),
    amendment_threshold="66-2/3%",
    sections={"transfer": "6.2", "pro_rata": "5.4", "required_prepayment": "5.1(a)", "optional_prepayment": "5.2"},
    reacquired_notes_count_pro_rata=True,
)


def issued_1995() -> Book:
    book = Book(TERMS_1995, date(1995, 12, 1))
    book.issue(
        date(1995, 12, 5),
        NewNote(CG, Decimal("10000000"), "7.13%", "CIG & Co."),
        NewNote(CG, Decimal("5000000"), "7.13%", "CIG & Co.", "on behalf of one or more separate accounts"),
        NewNote(CIGNA_PC, Decimal("5000000"), "7.13%", "CIG & Co."),
        NewNote(LINA, Decimal("5000000"), "7.13%", "CIG & Co."),
    )
    return book


def as_of_2003() -> Book:
    book = issued_1995()
    book.transfer(date(1998, 1, 2), CG, LINCOLN, "8200000")
    book.transfer(date(1999, 7, 2), CIGNA_PC, ACE_AM, "3459500")
    book.transfer(date(1999, 7, 2), CIGNA_PC, ACE_PC, "1540500")
    book.prepay(date(2002, 12, 5), "6250000", "required")
    return book


def as_of_2003_then_lincoln_sells_out() -> Book:
    book = as_of_2003()
    book.transfer(date(2003, 6, 1), LINCOLN, "New Holder", "6150000")
    return book


def give_notice(registry, key: str, prepay_on: str, amount: str, days_before: int = 21):  # noqa: ANN001, ANN201
    """Notice of an optional prepayment three weeks ahead, inside the window the 1995 agreement's 5.3 sets."""
    from datetime import timedelta

    from adapters.entries import PrepaymentNoticeEntry

    given = date.fromisoformat(prepay_on) - timedelta(days=days_before)
    entry = PrepaymentNoticeEntry.model_validate({"type": "prepayment-notice", "effective_on": given.isoformat(),
                                                  "evidence": {"document": "test"}, "prepay_on": prepay_on, "amount": amount})
    return registry.record(key, entry)


# ------------------------------------------------------------------ identities

def signer(name: str, seed: int) -> Signer:
    """A test identity with a fixed key (so stores built in one session agree)."""
    return Signer(name, bytes([seed]) * 32)


ADMIN = signer("tests", 1)
CLERK = signer("Tom Treasurer", 2)
AUDITOR = signer("Jane Roe, External Auditor", 3)


def enrol(url: str, *others: tuple[Signer, str]) -> None:
    """The store at ``url`` knows ADMIN as its first administrator, and each other identity in its role."""
    registry = Registry(url)
    try:
        registry.ledger.enrol_first(ADMIN)
        for other, role in others:
            if registry.ledger.current(other.name) is None:
                registry.ledger.register(other.name, role, other.public_key, ADMIN)
    finally:
        registry.close()


def writer(url: str, identity: Signer = ADMIN) -> Registry:
    """A registry acting as ``identity`` (ADMIN unless given), enrolled on the store first."""
    enrol(url, *([] if identity.public_key == ADMIN.public_key else [(identity, TREASURY_ROLE)]))
    return Registry(url, identity=identity)


def key_file(identity: Signer, directory: Path) -> Path:
    """``identity``'s key file in ``directory`` (for the command line's --identity)."""
    path = directory / f"{identity.public_key[:12]}.key"
    if not path.exists():
        identity.save(path)
    return path


@cache
def _keys() -> Path:
    return Path(tempfile.mkdtemp(prefix="debtreg-keys-"))


def key_of(identity: Signer) -> str:
    """``identity``'s key file, written once per session, for the command line (DEBTREG_IDENTITY)."""
    return str(key_file(identity, _keys()))


def command_line(url: str, *args: str, identity: str | None = None, columns: int | None = None):  # noqa: ANN201 - typer's Result
    """``debtreg --db URL ARGS`` run in this process (typer's runner), as the identity whose key file ``identity``
    names (none if not given), whatever the environment names; on a terminal ``columns`` wide, if given."""
    from typer.testing import CliRunner

    from adapters.cli import app

    env = {"DEBTREG_DATABASE_URL": None, "DEBTREG_IDENTITY": identity, **({"COLUMNS": str(columns)} if columns else {})}
    return CliRunner(env=env).invoke(app, ["--db", url, *args])


def admin_key() -> str:
    return key_of(ADMIN)


@contextmanager
def select_only_role(postgres_url: str) -> Iterator[str]:
    """The URL of a PostgreSQL role made by the README's SQL for an auditor (SELECT only), dropped afterwards."""
    import psycopg

    readme = (Path(__file__).parent.parent / "README.md").read_text()
    block = readme[readme.index("<!-- sql: auditor role -->"):readme.index("<!-- /sql -->")]
    statements = [line.strip() for line in block.splitlines() if line.strip().endswith(";")]
    assert any("GRANT SELECT ON ALL TABLES IN SCHEMA" in s for s in statements)
    schema = postgres_url.split("search_path%3D")[-1]
    role = f"debtreg_auditor_{uuid.uuid4().hex[:8]}"
    plain = postgres_url.split("?")[0]
    with psycopg.connect(plain, autocommit=True) as admin:
        for statement in statements:
            admin.execute(statement.replace("debtreg_auditor", role).replace("SCHEMA public", f'SCHEMA "{schema}"'))
    try:
        yield postgres_url.replace("postgresql://postgres@", f"postgresql://{role}@")
    finally:
        with psycopg.connect(plain, autocommit=True) as admin:
            admin.execute(f'DROP OWNED BY "{role}"')
            admin.execute(f'DROP ROLE "{role}"')


# the installed command line, beside the interpreter running the tests (as `make test` installs it)
DEBTREG = shutil.which("debtreg", path=str(Path(sys.executable).parent)) or shutil.which("debtreg")


def path_of(url: str) -> Path:
    """The SQLite file a URL names."""
    return Path(url.removeprefix("sqlite:///"))


def opened(url: str, reading: str):  # noqa: ANN201 - a Reading
    """The store at ``url`` read by the registry, or (``reader``) by the command line's file reader."""
    from adapters.reader import FileReader

    return Registry(url, read_only=True) if reading == "registry" else FileReader.open(path_of(url))


def views_seen(queries: object, key: str, days: Iterable[date], views: Sequence[str], known_at: object = None) -> list[str]:
    """Each of ``views`` (Queries methods taking key, date and the moment known at) of ``key`` on each day, as
    JSON, or the refusal."""
    from adapters.encoding import to_json
    from domain.errors import RegistryError

    seen = []
    for day in days:
        for view in views:
            try:
                seen.append(to_json(getattr(queries, view)(key, day, known_at=known_at)))
            except RegistryError as refused:
                seen.append(f"refused: {refused}")
    return seen


def counting_decoded(reading: object, *agreements: str) -> list:
    """The stored rows of these ``agreements`` ``reading`` (a registry or a file reader) decodes from now on."""
    from domain.events import AGREEMENT, stream_id

    decoded: list = []
    original, ids = reading.decoded, {stream_id(AGREEMENT, key) for key in agreements}  # type: ignore[attr-defined]

    def counted(rows: Iterable) -> list:
        rows = list(rows)
        decoded.extend(row for row in rows if row.originator_id in ids)
        return original(rows)

    reading.decoded = counted  # type: ignore[attr-defined]
    return decoded


def where_run(reader: object, item: int) -> tuple[object, int, int]:
    """A worker's task for ``adapters.workers`` (importable by a worker process): what it ran with, and where."""
    import os

    return reader, item, os.getpid()


def fails_in_a_worker(reader: object, item: int) -> int:
    """A worker's task that fails in a worker process (whose reader is "there") and not in the test's."""
    if reader == "there":
        raise ValueError(f"item {item} failed in a worker")
    return item


def collects(reader: object, item: int) -> bool:
    """A worker's task: whether the cycle collector runs where it runs."""
    import gc

    return gc.isenabled()


def waits(reader: object, item: int) -> int:
    """A worker's task that takes a minute in a worker process (but for item 0), and none in the test's: what a
    long fold is."""
    import time

    if reader == "there" and item:
        time.sleep(60)
    return item


def opened_as(url: str | None) -> str | None:
    """A worker's opener that opens nothing: its reader is what it was given."""
    return url


class Here(str):
    """A reader for ``adapters.workers``' tests: this process's is "here"; a worker reopens it as "there"."""

    def reopened(self) -> tuple:
        return opened_as, "there"


HERE = Here("here")
