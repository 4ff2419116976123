"""What every entry shares: the field types read from outside, and the conversion to a command.

A journal entry and the equivalent command typed at the prompt are the same
pydantic model, so they are checked the same way, fingerprinted the same way
(the same content twice is recorded once) and turned into the same command
(``command``), the one shape the registry decides. Money is a string or an
integer, never a float.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, ClassVar

import tomli
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    WithJsonSchema,
)

from adapters.moments import iso_date, not_a_date
from domain.commands import Command
from domain.consent import require_share
from domain.errors import InvalidAmount, InvalidCommand, InvalidJournal
from domain.events import AGREEMENT
from domain.makewhole import CurvePoint
from domain.money import parse_amount
from domain.names import IDENTIFIER, clean, identifier
from domain.values import Assumption, Evidence

NOT_APPLICABLE = "n/a"


def _plain(value: Any) -> Any:
    return clean(value) if isinstance(value, str) else value


def _text(value: Any) -> Any:
    """``_plain``, and refused when nothing is left (said as a person would, not as pydantic's length check)."""
    found = _plain(value)
    if found == "":
        raise ValueError("is empty: give its text")
    return found


def _whole(value: Any) -> Any:
    """A number of a note, an amendment, days: never ``true`` (pydantic would read it as 1, a note's number)."""
    if isinstance(value, bool):
        raise ValueError(f"{_given(value)} {_SAID['int_type']}")
    return value


def _flag(value: Any) -> Any:
    """Yes or no: ``true`` or ``false`` only (pydantic would read 1, "yes" or "on" as true)."""
    if not isinstance(value, bool):
        raise ValueError(f"{_given(value)} {_SAID['bool_type']}")
    return value


def _given(value: Any) -> str:
    """A value as the journal or request gave it, shortened: a string quoted, anything else as JSON writes it."""
    shown = repr(value) if isinstance(value, str) else json.dumps(value, default=str, ensure_ascii=False)
    return shown if len(shown) <= 60 else shown[:57] + "..."


def _prose(value: Any) -> Any:
    return clean(value, lines=True) if isinstance(value, str) else value


def _money(value: Any) -> Decimal:
    try:
        return parse_amount(value)
    except InvalidAmount as error:
        raise ValueError(error.message) from None


def _percent(value: Any) -> Decimal:
    if not isinstance(value, str) or not value.strip().endswith("%"):
        raise ValueError(f"{value!r} is not a percentage; write it as a string such as \"7.13%\"")
    text = value.strip()[:-1]
    if not re.fullmatch(r"\s*[0-9]+(\.[0-9]+)?\s*", text, re.ASCII):
        raise ValueError(f"{value!r} is not a percentage; write it with ASCII digits, e.g. \"7.13%\"")
    try:
        rate = Decimal(text)
    except ArithmeticError:
        raise ValueError(f"{value!r} is not a percentage") from None
    if not rate.is_finite() or rate < 0:
        raise ValueError(f"{value!r} is not a percentage")
    return rate


def _threshold(value: str) -> str:
    try:
        return require_share(value)
    except InvalidCommand as error:
        raise ValueError(error.message) from None


def _day(value: Any) -> date:
    if isinstance(value, datetime):
        raise ValueError(f"{value} has a time of day; give a date such as 2003-02-05")
    if isinstance(value, date):
        return value
    found = iso_date(value) if isinstance(value, str) else None
    if found is None:
        raise ValueError(not_a_date(value))
    return found


def _curve(value: Any) -> tuple[CurvePoint, ...]:
    """A Treasury curve: "6m=1.10, 1y=1.25, 2y=1.60" (remaining life = yield %)."""
    if isinstance(value, (tuple, list)):
        return tuple(value)
    if not isinstance(value, str):
        raise ValueError('write the Treasury curve as "1y=1.25,2y=1.60,..." (remaining life = yield %)')
    if not value.strip():
        raise ValueError('the Treasury curve is empty: give it as "1y=1.25,2y=1.60,..." (remaining life = yield %)')
    points = []
    for part in (p.strip() for p in value.split(",")):
        if not part:
            raise ValueError("the Treasury curve has an empty point (two commas together, or one at an end);"
                             " write it as \"1y=1.25,2y=1.60,...\"")
        match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([ym]?)\s*=\s*(\d+(?:\.\d+)?)%?", part, re.ASCII)
        if not match:
            raise ValueError(f"{part!r} is not a curve point; write it as 2y=1.60 or 6m=1.10")
        life, unit, rate = match.groups()
        years = Decimal(life) / 12 if unit == "m" else Decimal(life)
        if not years:
            raise ValueError(f"{part!r} is a yield for a remaining life of nothing; a curve point's life is more than 0")
        points.append(CurvePoint(years, Decimal(rate)))
    if len({p.years for p in points}) != len(points):
        raise ValueError("the Treasury curve gives a maturity more than once; give each maturity once")
    return tuple(sorted(points, key=lambda p: p.years))


def closest(name: str, known: Iterable[str]) -> str | None:
    """The one of ``known`` that ``name`` looks like a misspelling of, if any: a field, an option, a parameter."""
    found = difflib.get_close_matches(name, list(known), n=1)
    return found[0] if found else None


def described(error: ValidationError) -> tuple[tuple[str | int, ...], str]:
    """The problem pydantic found that a user should hear first (a misspelt field before the field it then lacks),
    where it is and what to do: the one wording of a malformed entry, in a journal, a command or the API."""
    errors = error.errors()
    first = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
    kind, loc = first["type"], tuple(first["loc"])
    if kind == "missing":
        return loc, "is required"
    if kind == "extra_forbidden":
        missing = [str(e["loc"][-1]) for e in errors if e["type"] == "missing" and e["loc"][:-1] == first["loc"][:-1]]
        close = closest(str(loc[-1]), missing)
        return loc, "is not a field this entry has" + (f"; did you mean {close!r}?" if close else "")
    if kind == "union_tag_not_found":  # the entries are told apart by their type
        return (*loc, "type"), "is required: give the entry's type, e.g. transfer (`debtreg reference` lists every type)"
    if kind == "union_tag_invalid":
        return (*loc, "type"), (f"{first['ctx']['tag']!r} is not an entry type; the types are"
                                f" {first['ctx']['expected_tags'].replace(chr(39), '')}")
    said = _SAID.get(kind)
    if said is not None:
        return loc, f"{_given(first.get('input'))} {said.format(**first.get('ctx', {}))}"
    return loc, str(first["msg"]).removeprefix("Value error, ")


# pydantic's errors of a value's type, said as a reader of a journal (TOML) or of a request (JSON) would say them
_SAID = {
    **dict.fromkeys(["bool_type", "bool_parsing"], "is not true or false: write true or false"),
    **dict.fromkeys(["int_type", "int_parsing", "int_from_float"], "is not a whole number: write one, e.g. 2"),
    "string_type": "is not text: write it in quotes",
    **dict.fromkeys(["model_type", "model_attributes_type", "dict_type"],
                    "is not a table of fields: write one (in TOML {{ name = value, ... }}, in JSON an object)"),
    **dict.fromkeys(["list_type", "tuple_type"], "is not a list: write one in brackets, [ ... ]"),
    "greater_than": "is not above {gt}: give a number above it",
    "greater_than_equal": "is below {ge}: give {ge} or more",
    "literal_error": "is not one of {expected}",
    "enum": "is not one of {expected}",
}


Money = Annotated[
    Decimal,
    BeforeValidator(_money),
    WithJsonSchema({"anyOf": [{"type": "string", "pattern": r"^\s*(US)?\$?\s*(\d{1,3}(,\d{3})+|\d+)(\.\d{1,2})?\s*$"},
                              {"type": "integer", "minimum": 0}],
                    "title": "amount", "examples": ["1,000,000", "2594625.00"]}),
]
Curve = Annotated[
    tuple[CurvePoint, ...],
    BeforeValidator(_curve),
    WithJsonSchema({"type": "string", "title": "Treasury curve", "examples": ["6m=1.10, 1y=1.25, 2y=1.60"]}),
]
Percent = Annotated[
    Decimal,
    BeforeValidator(_percent),
    WithJsonSchema({"type": "string", "pattern": r"^\s*\d+(\.\d+)?\s*%\s*$", "title": "percentage", "examples": ["7.13%"]}),
]
Day = Annotated[date, BeforeValidator(_day), WithJsonSchema({"type": "string", "format": "date", "title": "date"})]
Plain = Annotated[str, BeforeValidator(_plain)]
"""A string from outside: Unicode NFC, on one line, nothing in it that is not text (see ``domain.names.clean``)."""
Text = Annotated[str, Field(min_length=1), BeforeValidator(_text)]
Threshold = Annotated[str, BeforeValidator(_plain), AfterValidator(_threshold)]
"""A share of the holders, as an agreement states it ("66-2/3%", "all holders"): one that could be met."""
Whole = Annotated[int, BeforeValidator(_whole)]
"""A whole number from outside: ``true`` is not 1."""
Flag = Annotated[bool, BeforeValidator(_flag)]
"""Yes or no from outside: ``1`` is not ``true``."""
Prose = Annotated[str, BeforeValidator(_prose)]
"""Like ``Plain``, but lines may break (a provision's text)."""
Key = Annotated[str, AfterValidator(identifier), Field(min_length=1, pattern=f"^{IDENTIFIER.pattern}$")]


class Strict(BaseModel):
    """Input from outside: no unknown fields; strings are ``Plain``, ``Text`` or ``Prose``."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class EvidenceIn(Strict):
    """The document that backs an entry."""

    document: Text = Field(description='The document, e.g. "003_dd423827a16c28bb.txt" or "transfer request of 2003-02-28".')
    section: Plain | None = Field(None, description='Where in it, e.g. "Annex 1" or "5.1(a)".')
    note: Plain | None = Field(None, description="Anything a reader of the evidence should know.")


class AssumedIn(Strict):
    """A fact the evidence does not give, and why the entry relies on it anyway."""

    fact: Text = Field(description='The fact assumed, e.g. "effective date 1998-01-02".')
    reason: Text = Field(description="Why it is assumed, and on what ground.")


class EntryIn(Strict):
    """What every entry gives: when it took effect and on what evidence.

    An entry acts on one stream, named by the journal's (or the command's) key:
    an agreement unless it says otherwise.
    """

    stream_kind: ClassVar[str] = AGREEMENT

    id: Key | None = Field(None, description="The entry's id in its journal, unique there; loading twice records it once.")
    effective_on: Day = Field(description="The date it took effect (business time), YYYY-MM-DD.")
    evidence: EvidenceIn = Field(description="The document and section that back it.")
    assumed: tuple[AssumedIn, ...] = Field((), description="Facts the evidence does not give, each with its reason.")

    def resolve(self, directory: Path) -> EntryIn:
        """This entry with any file it names read in (from the journal's directory)."""
        return self

    def fingerprint(self) -> str:
        """A digest of the entry's content (not its id), to recognise it when given again: by an earlier release's
        digest too, so a journal loaded before is still on file (``_as_digested_before``)."""
        return digest(_as_digested_before(self.model_dump(mode="json", exclude={"id"}, by_alias=True)))

    def command(self, key: str) -> Command:
        """The command this entry asks of the stream called ``key``."""
        raise NotImplementedError

    def stream_key(self, journal_key: str | None) -> str | None:
        """The key of the stream this entry acts on: its journal's, unless the entry names its own."""
        return journal_key

    def common(self, key: str) -> dict[str, Any]:
        """The fields every command takes, from this entry."""
        return {
            "key": key,
            "effective_on": self.effective_on,
            "evidence": Evidence(self.evidence.document, self.evidence.section, self.evidence.note),
            "assumptions": tuple(Assumption(a.fact, a.reason) for a in self.assumed),
        }


MAX_FILE_BYTES = 32 * 1024 * 1024
MAX_NESTING = 24


def read_text(path: Path, what: str, *, beside: Path | None = None) -> str:
    """A file a journal gives, read defensively: a regular file (beside ``beside``, if given), at most
    32 MiB, UTF-8; refused naming the file otherwise."""
    try:
        if beside is not None:
            if path.is_absolute() or not (beside / path).resolve().is_relative_to(beside.resolve()):
                raise InvalidJournal(f"{what} {path}: a file named by a journal must be beside it, in {beside}")
            path = beside / path
        info = path.stat()
        if not path.is_file():
            raise InvalidJournal(f"{what} {path}: not a regular file")
        if info.st_size > MAX_FILE_BYTES:
            raise InvalidJournal(f"{what} {path}: {info.st_size:,} bytes, more than the {MAX_FILE_BYTES:,} a journal may have")
        with path.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise InvalidJournal(f"{what} {path}: cannot read it: {error.strerror}") from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InvalidJournal(
            f"{what} {path}: not UTF-8 text (byte {error.start} is {raw[error.start]:#04x}); save it as UTF-8"
        ) from None


def parse_toml(text: str, path: Path, what: str) -> dict[str, Any]:
    """TOML no deeper than a journal ever is, refused naming the file otherwise."""
    try:
        data = tomli.loads(text)
    except tomli.TOMLDecodeError as error:
        raise InvalidJournal(f"{what} {path}: not valid TOML: {error}") from None
    except RecursionError:
        raise InvalidJournal(f"{what} {path}: nested too deeply to be a journal") from None
    if _depth(data) > MAX_NESTING:
        raise InvalidJournal(f"{what} {path}: nested more than {MAX_NESTING} levels deep; no journal needs that")
    return data


def _depth(value: Any, level: int = 0) -> int:
    if level > MAX_NESTING:
        return level
    if isinstance(value, dict):
        return max((_depth(v, level + 1) for v in value.values()), default=level + 1)
    if isinstance(value, list):
        return max((_depth(v, level + 1) for v in value), default=level + 1)
    return level


LEFT_OUT_BEFORE = {"reacquired_notes_count_pro_rata": False}
"""Terms whose value, left out, was a default before it could be "not on file": an entry leaving one out is digested
with that default, as it was then, or every journal loaded before would read as changed and be refused."""


def _as_digested_before(content: Any) -> Any:
    if isinstance(content, list):
        return [_as_digested_before(item) for item in content]
    if not isinstance(content, dict):
        return content
    return {key: LEFT_OUT_BEFORE[key] if value is None and key in LEFT_OUT_BEFORE else _as_digested_before(value)
            for key, value in content.items()}


def digest(content: Any) -> str:
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:32]
