"""What every ``debtreg`` command shares: the app, its options, opening the store, and output.

Commands only parse, call the query service or the application, and render.
Refusals and store faults become messages (exit status 1 and 2), never
tracebacks.
"""

from __future__ import annotations

import itertools
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from adapters import descriptions
from adapters.encoding import to_json
from adapters.lazy import lazy  # noqa: F401 - the command modules import it from here
from adapters.moments import Malformed, date_range, event_ref, holder_text, known_at, not_a_date, parsed_date
from adapters.settings import IDENTITY_VARIABLE, URL_VARIABLE
from domain.errors import InvalidCommand, RegistryError
from domain.names import printable

if TYPE_CHECKING:  # the store and its libraries are imported when a command runs, so --help is quick
    from pydantic import ValidationError
    from rich.console import Group

    from adapters.exports import Exported, Sheet
    from adapters.identity import Signer
    from adapters.queries import Queries
    from adapters.registry import Registry

GLOBAL_OPTIONS = ("--db", "--identity")


def hoisted(args: Sequence[str]) -> list[str]:
    """The arguments with ``--db URL`` and ``--identity KEYFILE`` moved before the command, wherever they were
    typed (``debtreg annex1 barnes-1995 --db x.sqlite``), since the options before the command are read first.
    Nothing after ``--`` is moved."""
    front: list[str] = []
    rest: list[str] = []
    index = 0
    while index < len(args):
        arg = args[index]
        if arg == "--":
            rest.extend(args[index:])
            break
        if arg in GLOBAL_OPTIONS and index + 1 < len(args):
            front.extend(args[index:index + 2])
            index += 2
            continue
        (front if arg.split("=", 1)[0] in GLOBAL_OPTIONS and "=" in arg else rest).append(arg)
        index += 1
    return front + rest


def asks_json(args: Sequence[str]) -> bool:
    """Whether the arguments ask for JSON (``--format json``), before anything else is read of them."""
    given = list(itertools.takewhile(lambda arg: arg != "--", args))
    return "--format=json" in given or any(a == "--format" and b == "json" for a, b in itertools.pairwise(given))


class _Group(typer.core.TyperGroup):
    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        ctx.meta[_JSON] = asks_json(args)
        return super().parse_args(ctx, hoisted(args))

    def invoke(self, ctx: Any) -> Any:
        """A usage error (an option malformed, missing or unknown) in debtreg's words: without typer's "Value error, "
        or pydantic's wording of a number, and, asked for JSON, also as the error object a refusal gives
        (``refuse``), so a program reading the output reads one. Each command's tables are sized for its own
        terminal (``_Console``), where one process runs several (a test, a program calling the CLI)."""
        _Console._made = None
        try:
            return super().invoke(ctx)
        except _USAGE_ERROR as error:
            error.message = _REWORDED.get(error.message, error.message.removeprefix("Value error, "))
            error.message += _format_hint(error)
            if ctx.meta.get(_JSON):
                emit(to_json(error_object(Malformed(error.format_message()))))
            raise


def _format_hint(error: Any) -> str:
    """``--json`` (as other tools spell it) refused with the option this command has for it, ``--format json``, in place
    of click's guesses at a near option (``--as-of`` for ``--json``)."""
    typed = (getattr(error, "option_name", None) or "").removeprefix("--")
    ctx = getattr(error, "ctx", None)
    found = [p for p in getattr(getattr(ctx, "command", None), "params", ()) if "--format" in getattr(p, "opts", ())]
    if typed not in ("text", "json", "csv") or not found:
        return ""
    shown = (found[0].get_help_record(ctx) or ("",))[0]  # "--format <text|json|csv>"
    choices = shown[shown.find("<") + 1:shown.find(">")].split("|")
    error.possibilities = None
    return f"; ask for {typed} with --format {typed}" if typed in choices else f"; {ctx.info_name} writes {' or '.join(choices)} (--format)"


_JSON = "debtreg.json"
# typer 0.29 converts options through pydantic, whose words these are
_REWORDED = {"Input should be a valid integer, unable to parse string as an integer": descriptions.WHOLE_NUMBER}
# click's class of every usage error, which typer does not export (it is in typer's copy of click, or in click)
_USAGE_ERROR = next(kind for kind in typer.BadParameter.__mro__ if kind.__name__ == "UsageError")


app = typer.Typer(
    name="debtreg",
    cls=_Group,
    help="An event-sourced registry of privately placed notes: registers, Annex 1 and history as of any date.",
    no_args_is_help=True,
    add_completion=True,
    rich_markup_mode=None,  # plain help and usage errors: typer's rich help costs 90 ms of imports on every command
    pretty_exceptions_enable=False,
)

def _width() -> int | None:
    """COLUMNS if set (a terminal or a pipe alike); else the terminal's width; else, piped, 160."""
    given = _environ().get("COLUMNS")
    if given and int(given) >= 40:
        return int(given)
    return None if sys.stdout.isatty() else 160


def text_width() -> int:
    """The width plain lines are fitted to: as tables are (``_width``), the terminal's when it is one."""
    import shutil

    return _width() or shutil.get_terminal_size().columns


def _environ() -> dict[str, str]:
    """The environment rich sizes a console by, without a COLUMNS or LINES that is not a number: rich reads them with
    isdigit(), which takes a superscript 2 that its int() then refuses, and every command crashed."""
    return {name: value for name, value in os.environ.items() if name not in ("COLUMNS", "LINES") or value.isdecimal()}


class _Console:
    """The console tables print on, made when a command first prints one: rich is not imported for --help."""

    _made: Any = None

    def __getattr__(self, attribute: str) -> Any:
        if _Console._made is None:
            from rich.console import Console

            _Console._made = Console(highlight=False, soft_wrap=False, width=_width(), _environ=_environ())
        return getattr(_Console._made, attribute)


out = _Console()


class TextOrJson(str, Enum):
    text = "text"
    json = "json"


class TextJsonOrCsv(str, Enum):
    text = "text"
    json = "json"
    csv = "csv"


class By(str, Enum):
    note = "note"
    holder = "holder"


@dataclass(frozen=True)
class Settings:
    db: str | None
    identity: str | None = None

    @property
    def signer(self) -> Signer | None:
        """The identity this command acts as (its key file read when a write needs it)."""
        from adapters.identity import configured_signer

        return configured_signer(self.identity)


def day(value: str, option: str = "--as-of") -> date:
    """A date as the help says: strictly YYYY-MM-DD (not 20030205, nor a week date); refused naming ``option``."""
    try:
        return parsed_date(value, "")
    except InvalidCommand:
        raise typer.BadParameter(not_a_date(value), param_hint=option) from None


def from_to(since: str | None, until: str | None) -> tuple[date | None, date | None]:
    """``--from`` and ``--to``, by the API's rule for its ``from`` and ``to`` (``moments.date_range``)."""
    try:
        return date_range(since, until, ("--from", "--to"))
    except InvalidCommand as error:
        raise usage_error(error) from None


def window(since: str | None, until: str | None) -> tuple[date, date]:
    """``--from`` and ``--to`` where both are needed (``due``): ``from_to``, and one given empty refused naming it."""
    start, end = from_to(since, until)
    for option, given in (("--from", start), ("--to", end)):
        if given is None:
            raise typer.BadParameter("give a date, YYYY-MM-DD", param_hint=option)
    assert start is not None and end is not None
    return start, end


def usage_error(error: InvalidCommand, ctx: typer.Context | None = None) -> Exception:
    """An option refused by the rule for it (``error.field`` names it, as the message begins), as click says a usage
    error: "Invalid value for --from: ..." (with the command's usage, given its ``ctx``)."""
    return typer.BadParameter(error.message.removeprefix(f"{error.field}: "), ctx=ctx, param_hint=error.field)


def event_of(agreement: str, given: str, option: str) -> int:
    """An event of ``agreement`` given to ``option``: by its number (12) or as history shows it (barnes-1995:12),
    in ASCII digits by the one rule for an event typed anywhere (``moments.event_ref``)."""
    text = given.strip()
    try:
        key, number = event_ref(text if ":" in text else f"{agreement}:{text}")
    except InvalidCommand:
        raise typer.BadParameter(f"{given!r} is not an event; give it as history shows it, e.g. {agreement}:12, or"
                                 " by its number alone", param_hint=option) from None
    if key != agreement:
        raise typer.BadParameter(f"{text} is an event of {key}, not of {agreement}", param_hint=option)
    return number


def an_event(value: str) -> str:
    """An event argument as history names it (``moments.event_ref``), refused as a usage error naming the argument."""
    try:
        event_ref(value)
    except InvalidCommand as error:
        raise typer.BadParameter(error.message) from None
    return value


EventArgument = Annotated[str, typer.Argument(metavar="EVENT", help="An event as history names it, e.g. barnes-1995:21.",
                                              callback=an_event)]


def holder_named(value: str | None) -> str | None:
    """A view's ``--holder`` as typed (see ``adapters.moments.holder_text``)."""
    return holder_text(value, "--holder")


def moment(value: str | None) -> datetime | str | None:
    """``--known-at`` (see ``adapters.moments.known_at``)."""
    try:
        return known_at(value)
    except InvalidCommand as error:
        raise typer.BadParameter(error.message, param_hint="--known-at") from None


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            typer.echo(f"debtreg {version('debtreg')}")
        except PackageNotFoundError:
            typer.echo("debtreg (not installed)")
        raise typer.Exit()


AgreementKey = Annotated[
    str, typer.Argument(metavar="AGREEMENT", help="Agreement id, e.g. barnes-1995 (see `debtreg agreements`).")
]
StreamKey = Annotated[str, typer.Argument(metavar="AGREEMENT", help=descriptions.STREAM)]  # history's, head's: any stream
AsOf = Annotated[str, typer.Option("--as-of", metavar="DATE", help=descriptions.AS_OF)]
KnownAt = Annotated[str | None, typer.Option("--known-at", metavar="TIME|EVENT", help=descriptions.KNOWN_AT)]
Format3 = Annotated[TextJsonOrCsv, typer.Option("--format", help="text, json or csv.")]
Format2 = Annotated[TextOrJson, typer.Option("--format", help="text or json.")]
On = Annotated[str, typer.Option("--date", metavar="DATE", help=descriptions.ON)]
Series = Annotated[str | None, typer.Option("--series", metavar="SERIES", help=descriptions.SERIES)]
ByOption = Annotated[By, typer.Option("--by", help=descriptions.BY)]


@app.callback()
def main(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option("--db", metavar="URL", envvar=URL_VARIABLE, help="Database URL (sqlite:///file or postgresql://...); also accepted after the command."),
    ] = None,
    identity: Annotated[
        str | None,
        typer.Option("--identity", metavar="KEYFILE", envvar=IDENTITY_VARIABLE,
                     help="Act as this identity (its key file): needed to record, load and manage identities."),
    ] = None,
    _: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")] = False,
) -> None:
    ctx.obj = Settings(db=db, identity=identity)


class NoStore(RegistryError):
    rule = "a view or a recording uses a store that exists; only a load or `identity init` makes one"

    @classmethod
    def at(cls, missing: Path) -> NoStore:
        return cls(f"there is no store at {missing}: load journals into it first (debtreg load), or give --db")


@contextmanager
def guarded(ctx: typer.Context, fmt: str, *, read_only: bool, missing_ok: bool = False,
            acting: bool = True, first: bool = False, view: bool = False) -> Iterator[Any]:
    """The registry, closed afterwards; refusals and database faults become messages. A reader never creates
    a store: one that does not exist is refused, or (``missing_ok``) read as an empty one. A writer acts as the
    configured identity (unless not ``acting``: making the first identity); with ``first`` (a load), on a
    registry with no identities and none configured, as a new first administrator (see
    ``adapters.identity.first_administrator``). A ``view`` of an SQLite file is read through the standard
    library, and of PostgreSQL through psycopg (``adapters.reader``), SQLAlchemy and the eventsourcing application
    not imported at all, when the store allows.

    An SQLite file a refused first load made is left, holding nothing: in WAL mode a process that opened it
    meanwhile would go on writing to a removed file, and lose what it recorded."""
    from adapters.store import database_url, postgres_url, sqlite_file

    registry: Any = None
    url = ctx.obj.db or ""
    try:
        url = database_url(ctx.obj.db, kept=True)
        if view and (path := sqlite_file(url)) is not None and path.is_file():
            from adapters.reader import FileReader

            registry = FileReader.open(path)
        elif view and (server := postgres_url(url)) is not None:
            from adapters.reader import PostgresReader

            registry = PostgresReader.open(server)
        registry = registry or _registry(ctx, url, read_only=read_only, missing_ok=missing_ok, acting=acting, first=first)
        yield registry
    except RegistryError as error:
        refuse(error, fmt, ctx)
    except (*store_errors(), ImportError) as error:
        cannot_use(url, error)
    finally:
        if registry is not None:
            registry.close()


def cannot_use(url: str, error: Exception) -> NoReturn:
    """The store's own fault (a file that is no database, a server down) or its driver missing, said naming the store
    (never its password), without the SQL statement SQLAlchemy adds: a usage error (exit status 2)."""
    from adapters.store import shown_url, store_said

    said = f"its driver is not installed ({error.name})" if isinstance(error, ImportError) else " ".join(store_said(error, url).split())
    complain(f"debtreg: cannot use the database {shown_url(url)}: {said}")
    raise typer.Exit(2) from None


def _registry(ctx: typer.Context, url: str, *, read_only: bool, missing_ok: bool, acting: bool, first: bool) -> Registry:
    """The registry at ``url`` (see ``guarded``)."""
    from adapters.registry import Registry
    from adapters.store import missing_sqlite_file

    makes_store = not read_only and (first or not acting)  # only a load or `identity init` makes a new store
    if not makes_store and (missing := missing_sqlite_file(url)) is not None:
        if not (read_only and missing_ok):
            raise NoStore.at(missing)
        url = "sqlite://"  # an empty store in memory
    signer = ctx.obj.signer if acting and not read_only else None
    registry = Registry(url, identity=signer, read_only=read_only)
    if first and signer is None and not registry.ledger.identity_records():
        from adapters.identity import first_administrator, keep_in_default_key_file

        registry.identity = first_administrator()
        registry.keep_key = keep_in_default_key_file
    return registry


def store_errors() -> tuple[type[Exception], ...]:
    """What a database fault raises (imported when one is being handled, not before)."""
    import sqlite3

    from eventsourcing.persistence import PersistenceError
    from sqlalchemy.exc import SQLAlchemyError

    try:
        from psycopg import Error as PostgresError
    except ImportError:  # no driver: said as such (``guarded``)
        return SQLAlchemyError, PersistenceError, sqlite3.Error
    return SQLAlchemyError, PersistenceError, sqlite3.Error, PostgresError


@contextmanager
def querying(ctx: typer.Context, fmt: str = "text", *, missing_ok: bool = False, full: bool = False,
             known_at: datetime | str | None = None) -> Iterator[Queries]:
    """The query service over the store; it creates nothing and changes nothing. A view reads streams alone; the
    log's checks, proofs and identities, and checking journals, need the ``full`` registry. A view as ``known_at`` a
    moment (``moment``) says so above it, once the view is made."""
    from adapters.queries import Queries

    with guarded(ctx, fmt, read_only=True, missing_ok=missing_ok, view=not full) as registry:
        queries = Queries(registry)
        yield queries
        if known_at is not None and fmt == "text":
            from adapters.render import known_at_said

            say(known_at_said(queries, known_at, line=True))


@contextmanager
def recording(ctx: typer.Context, fmt: str = "text", *, first: bool = False, dry_run: bool = False) -> Iterator[Registry]:
    """The application, to record commands (``first``: see ``guarded``), or (``dry_run``) to decide them alone: read
    only, as by anyone, as a journal is checked."""
    with guarded(ctx, fmt, read_only=dry_run, first=first) as registry:
        yield registry


def error_object(error: RegistryError) -> dict[str, Any]:
    """A refusal as JSON gives it."""
    return {"error": {"type": type(error).__name__, "rule": error.rule, "message": error.message, "section": error.section}}


def refuse(error: RegistryError, fmt: str, ctx: typer.Context | None = None) -> NoReturn:
    """A refusal by a rule (exit 1), or a malformed option, said as every usage error is (``_Group.invoke``)."""
    if isinstance(error, Malformed):
        raise usage_error(error, ctx) from None
    if fmt == "json":
        emit(to_json(error_object(error)))
    complain(f"debtreg: refused: {error}", f"rule: {error.rule}")
    raise typer.Exit(1)


def write_file(output: str, content: bytes) -> None:
    """Write an export to ``output`` (``-``: standard output), or refuse naming --output."""
    if output == "-":
        sys.stdout.buffer.write(content)
        return
    try:
        Path(output).write_bytes(content)
    except OSError as error:  # the file system's answer, not a rule of the registry's: no "refused", no rule
        complain(f"debtreg: cannot write {printable(output)}: {error.strerror}; "
                 "give --output a path in a folder that exists and that you may write to")
        raise typer.Exit(1) from None
    emit(f"wrote {printable(output)}")


OPTIONS = {"evidence.document": "--evidence", "evidence.section": "--section", "effective_on": "--date",
           "declared_by": "--by", "given_by": "--by", "provisions": "--provision", "defaults": "--default",
           "register": "--register", "payments": "--payments", "target": "EVENT_ID"}


def invalid(error: ValidationError) -> Malformed:
    """The first problem pydantic found, as a usage error naming the option the user typed."""
    from adapters.entries.base import described

    loc, message = described(error)
    path = ".".join(str(part) for part in loc if not isinstance(part, int))
    option = OPTIONS.get(path) or (f"--{path.rsplit('.', 1)[-1].replace('_', '-')}" if path else "input")
    return Malformed(f"{option}: {message}", field=option)


def table(title: str, header: Sequence[str], rows: Sequence[Sequence[str]], numeric: Sequence[int] = ()) -> Group:
    """A table whose cells are shown as written: no markup read in them, nothing that is not text let through. Its
    title is a line above it fitted to the terminal as prose is (rich's own title wraps at the table's width, breaking
    a date a narrow table was given, and pads its line with spaces)."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    from adapters.render import hung

    layout = _layout(header, rows, numeric)
    if layout is None:
        return Group(Text(hung(printable(title), text_width())), Text(hung(_records(header, rows), text_width())))
    found = Table(show_lines=False)
    for index, (name, (width, whole)) in enumerate(zip(header, layout, strict=True)):
        found.add_column(Text(name), justify="right" if index in numeric else "left", overflow="fold", no_wrap=whole,
                         width=width)
    for row in rows:
        found.add_row(*(Text(printable(cell, lines=True)) for cell in row))
    return Group(Text(hung(printable(title), text_width())), found)


def _records(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A table too wide for the terminal as its rows one after another, each field on a line of its own under the
    column's name (an empty cell left out), as ``terms`` and ``event`` print fields: nothing broken, nothing lost. A
    row whose first cell is empty goes on the one above (a holder's next position), as in the table."""
    pad, width = max(map(len, header)), text_width()

    def field(name: str, line: str) -> str:  # a word too long to follow its name (a key) on a line of its own, whole
        return f"  {name:<{pad}}  {line}" if pad + 4 + len(line) <= width or " " in line else f"  {name}\n    {line}"

    blocks: list[str] = []
    for row in rows:
        lines = "\n".join(field(name if n == 0 else "", printable(line))
                          for name, cell in zip(header, row, strict=False) if str(cell).strip()
                          for n, line in enumerate(str(cell).split("\n")))
        if blocks and row and not str(row[0]).strip():
            blocks[-1] += "\n" + lines
        else:
            blocks.append(lines)
    return "\n\n".join(blocks)


def _layout(header: Sequence[str], rows: Sequence[Sequence[str]], numeric: Sequence[int]) -> list[tuple[int | None, bool]] | None:
    """Each column's width (``None``: rich's choice) and whether it is kept whole; ``None`` where the table cannot be
    fitted to the terminal. Amounts, dates and ids (cells without a space) are never split, nor the words of names,
    which wrap: where the table is wider than the terminal, the names' columns share what the others leave, each at
    least its longest word; where that is too little, long words break as rich breaks them, each column keeping room
    for its heading's longest word; with less room than that (rich broke dates, ids and headings: "Holde" over "r",
    "1995-" over "12-05"), the table gives way to its rows one after another (``_records``)."""
    lines = [[line for row in rows if index < len(row) for line in str(row[index]).split("\n")] + [name]
             for index, name in enumerate(header)]
    natural = [max(map(len, column)) for column in lines]
    words = [max(len(word) for line in column for word in line.split() or [""]) for column in lines]
    whole = [index in numeric or all(" " not in line for line in column[:-1]) for index, column in enumerate(lines)]
    room = out.width - 3 * len(header) - 1
    if sum(natural) <= room:
        return [(None, kept) for kept in whole]
    wrapping = [index for index, kept in enumerate(whole) if not kept]
    left = room - sum(natural[index] for index, kept in enumerate(whole) if kept)
    if left < sum(max(4, *map(len, header[index].split())) for index in wrapping):
        return None
    if left < sum(words[index] for index in wrapping):  # names' words break, as rich breaks them
        return [(None, kept) for kept in whole]

    def capped(cap: int) -> dict[int, int]:  # the widest columns narrowed first, as rich narrows them
        return {index: min(natural[index], max(cap, words[index])) for index in wrapping}

    cap = max(natural)
    while sum(capped(cap).values()) > left:
        cap -= 1
    widths: list[int | None] = [capped(cap).get(index) for index in range(len(header))]
    return list(zip(widths, whole, strict=True))


@contextmanager
def progress_bar(label: str) -> Iterator[Callable[..., Callable[[object], None]]]:
    """A bar on stderr for long work, shown only on a terminal (so output piped or captured stays clean): given
    how many steps there are (and what they are, for work in parts), what to call after each."""
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True, _environ=_environ()), transient=True, disable=not sys.stderr.isatty()) as bar:

        def start(total: int, part: str | None = None) -> Callable[[object], None]:
            task = bar.add_task(f"{label}: {part}" if part else label, total=total)
            return lambda _: bar.advance(task)

        yield start


def emit(text: str) -> None:
    """A line (or lines) of output; anything in it that is not text (a terminal escape, say) is shown escaped."""
    typer.echo(printable(text, lines=True))


def complain(*lines: str) -> None:
    """A message on standard error, a line each: a refusal quotes what the user typed (a path, a URL), so a line
    break or a terminal escape in it is shown escaped, never a line of its own."""
    typer.echo("\n".join(printable(line) for line in lines), err=True)


def note(*lines: str) -> None:
    """What a command adds beside its output, on standard error, a line each, fitted to the terminal as ``say``
    fits prose: what a file it wrote leaves out, say."""
    from adapters.render import hung

    typer.echo("\n".join(hung(printable(line), text_width()) for line in lines), err=True)


def say(text: str) -> None:
    """Prose beneath a table or in place of one, or a key-value view, fitted to the terminal as a table is
    (``render.hung``: a line too long runs on under itself, or under its value's column, words whole)."""
    from adapters.render import hung

    emit(hung(text, text_width()))


def emit_lines(lines: Sequence[str]) -> None:
    for line in lines:
        say(line)


def emit_json(value: Any) -> None:
    emit(to_json(value))


def for_machines(fmt: TextJsonOrCsv, view: Any, sheet: Callable[[], Sheet], known: str) -> bool:
    """A view given as JSON, or as CSV (its ``sheet``, with its title and what a CSV cannot hold said beside it,
    ``known`` the moment of a view as known at one), if asked so: whether it was; text each view prints its own way."""
    if fmt is TextJsonOrCsv.json:
        emit_json(view)
    elif fmt is TextJsonOrCsv.csv:
        emit_csv(sheet(), known)
    return fmt is not TextJsonOrCsv.text


def emit_csv(sheet: Sheet, known: str = "") -> None:
    """A view as CSV on standard output (its title with ``known``, the moment of a view as known at one, and its notes
    said beside it), or the refusal of one none of whose figures are known (``exports.to_csv``)."""
    from adapters.exports import csv_file

    try:
        found = csv_file(sheet, known)
    except RegistryError as error:
        refuse(error, "csv")
    emit(found.content.decode().rstrip("\n"))
    say_left_out(found)


def say_left_out(found: Exported) -> None:
    """On standard error, what a file leaves out of its view (a CSV's title and notes): with ``-o -`` or ``--format
    csv``, standard output is the CSV alone."""
    if found.left_out:
        note("note: the CSV holds the rows alone, without the view's title and notes:", *(f"  {line}" for line in found.left_out))
