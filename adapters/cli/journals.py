"""For whoever keeps the registry: journals checked, loaded, and the format they are written in."""

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from adapters.cli.common import (
    Format2,
    TextOrJson,
    app,
    complain,
    emit,
    emit_json,
    lazy,
    out,
    progress_bar,
    querying,
    recording,
    table,
)

if TYPE_CHECKING:
    from adapters.registry import Registry, Staged

journal, documentation = lazy("adapters.journal"), lazy("adapters.reference")

Paths = Annotated[list[Path], typer.Argument(metavar="PATH...", help="Journal files, or directories of them.")]


@dataclass
class Loaded:
    """One journal's load: its entries, those recorded now, those on file already, events recorded."""

    journal: str
    agreement: str
    entries: int = 0
    recorded: int = 0
    on_file: int = 0
    events: int = 0


def summary(staged: "Sequence[Staged]", paths: Sequence[Path] = ()) -> list[Loaded]:
    """One line per journal: those of ``staged``, then any of ``paths`` that holds no entries (else it would be
    left out, as if it had not been read)."""
    by_source: dict[str, Loaded] = {}
    for item in staged:
        source = (item.provenance.source or "").rsplit(":", 1)[0]
        line = by_source.setdefault(source, Loaded(source, item.key))
        line.entries += 1
        if item.events:
            line.recorded += 1
        else:
            line.on_file += 1
        line.events += len(item.events)
    for path in journal.journal_paths(paths):
        if str(path) not in by_source:
            header = journal.read_journal(path).content.journal
            by_source[str(path)] = Loaded(str(path), header.key or "")
    return list(by_source.values())


def _show(title: str, lines: list[Loaded], fmt: TextOrJson, *, recorded: str) -> None:
    if fmt is TextOrJson.json:
        emit_json(lines)
        return
    folders = {str(Path(s.journal).parent) for s in lines}
    named = len(folders) == 1 and len(lines) > 1  # journals of one folder: it is said once, each named in it
    if named:
        done, colon, rest = title.partition(":")
        title = f"{done} from {folders.pop()}{colon}{rest}"
    rows = [[Path(s.journal).name if named else s.journal, s.agreement, str(s.entries), str(s.recorded), str(s.on_file),
             str(s.events)] for s in lines]
    out.print(table(title, ["Journal", "Key", "Entries", recorded, "On file", "Events"], rows, [2, 3, 4, 5]))


@app.command("load")
def load_command(ctx: typer.Context, paths: Paths, fmt: Format2 = TextOrJson.text) -> None:
    """Load journals, every entry checked before any is recorded. Entries on file already are skipped."""
    with recording(ctx, fmt.value, first=True) as registry:
        try:
            with progress_bar("loading") as progress:
                lines = summary(journal.load(registry, paths, progress), paths)
        finally:  # said before a refusal too: a load stopped part-way has made its first administrator
            _say_first_administrator(registry)
    _show("Journals loaded", lines, fmt, recorded="Recorded")


def _say_first_administrator(registry: "Registry") -> None:
    """Who a load made the registry's first administrator, if it did; and its key file, if it wrote one."""
    from adapters.settings import DEFAULT_KEY_FILE

    if not registry.enrolled_first:
        return
    if registry.keep_key is None:
        complain(f"note: the registry had no identities: {registry.recorder_name} is now its first administrator")
        return
    complain(f"note: no identity was given and the registry had none: {registry.recorder_name!r} (your login) is now"
             f" its first administrator; key file {DEFAULT_KEY_FILE} (keep it private; later commands use it)."
             " `debtreg identity init NAME` before the first load chooses the name.")


@app.command("check")
def check_command(ctx: typer.Context, paths: Paths, fmt: Format2 = TextOrJson.text) -> None:
    """Check journals against the registry, recording nothing. Each entry as a load would check it; a refusal names the
    file and line."""
    with querying(ctx, fmt.value, missing_ok=True, full=True) as queries, progress_bar("journals") as progress:
        lines = summary(journal.check(queries.registry, paths, progress), paths)
    _show("Journals checked: nothing was recorded", lines, fmt, recorded="To record")


@app.command("schema")
def schema_command() -> None:
    """Print the journal format as a JSON Schema. TOML dates as ISO strings."""
    emit(documentation.schema_json())


@app.command("reference")
def reference_command() -> None:
    """Print the reference of every journal entry and field. In Markdown, as docs/journal.md."""
    emit(documentation.reference().rstrip("\n"))


@app.command("template")
def template_command() -> None:
    """Print a journal to start from. A fresh agreement with every term it might give, explained."""
    from adapters.template import TEMPLATE

    emit(TEMPLATE.rstrip("\n"))
