"""What users give, read as the registry reads it: the two clocks (business dates strictly YYYY-MM-DD, known-at
times or events) and plain text in a field of its own (a name, a request id).

Light on purpose: the command line parses its options with these before it loads the store.
"""

from __future__ import annotations

import contextlib
import re
from datetime import UTC, date, datetime, time

from domain.errors import InvalidCommand
from domain.names import IDENTIFIER, clean

KnownAt = datetime | str | None
_EVENT_REF = re.compile(rf"({IDENTIFIER.pattern}):([0-9]+)", re.ASCII)  # a stream's key:N
_TIMELIKE = re.compile(r"[0-9]-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}")  # a day and an hour: a time, whatever its year
_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?([Zz]|[+-][0-9]{2}:?[0-9]{2})?")


class Malformed(InvalidCommand):
    """A value typed that is not of its kind (a date that is none, an option that is not text): a usage error on the
    command line (exit status 2), a malformed request in the API (``/problems/invalid``), not a refusal by a rule."""

    rule = "every option is well-formed"  # (the API says "the request is malformed")


def holder_text(given: str | None, name: str, refused: type[InvalidCommand] = Malformed) -> str | None:
    """The holder a user names to a view (``None``: every holder), refused naming the field ``name`` if it is empty
    or not text, rather than looked for among the holders."""
    return None if given is None else given_text(given, name, "give a holder's name, or a unique part of one", refused)


def utc_text(moment: datetime) -> str:
    """A time as the registry shows one, in UTC to the second: "2003-04-02 17:00:00 UTC" (the year in four digits,
    which ``strftime`` does not give for years before 1000)."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="seconds") + " UTC"


def iso_date(given: str) -> date | None:
    """``given`` as a business date if it is one: strictly YYYY-MM-DD, as the help says (not 20030205 nor a week date,
    which ``date.fromisoformat`` takes); the one rule for a date typed anywhere (an option, a journal, the API)."""
    if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", given):
        try:
            return date.fromisoformat(given)
        except ValueError:
            return None
    return None


def given_text(given: str, name: str, what: str, refused: type[InvalidCommand] = Malformed) -> str:
    """Text given for the field ``name`` as the registry keeps it (``domain.names.clean``): ``refused`` naming
    the field if it holds what is not text, or nothing (``what`` says what to give instead)."""
    try:
        found = clean(given)
    except ValueError as error:
        raise refused(f"{name}: {error}", field=name) from None
    if not found:
        raise refused(f"{name}: is empty: {what}", field=name)
    return found


def not_a_date(given: object) -> str:
    """What is said of anything given for a business date that ``iso_date`` does not read, wherever it was typed."""
    return f"{given!r} is not a date; write it as YYYY-MM-DD"


def parsed_date(given: str | None, name: str) -> date:
    """A business date as given by a user (``iso_date``); refused naming the field ``name``."""
    prefix = f"{name}: " if name else ""
    if not given:
        raise InvalidCommand(f"{prefix}give the business date, YYYY-MM-DD")
    found = iso_date(given)
    if found is None:
        raise Malformed(prefix + not_a_date(given), field=name or None)
    return found


def date_range(since: str | None, until: str | None, names: tuple[str, str] = ("from", "to")) -> tuple[date | None, date | None]:
    """Two business dates bounding a view, either left open, the earlier first: the other way round a history would be
    empty (which reads as "nothing happened then") and a redline would show the changes backwards. Refused naming the
    field (``names``: as the user typed them), which the error's ``field`` holds too."""
    bounds = []
    for given, name in zip((since, until), names, strict=True):
        try:
            bounds.append(parsed_date(given, name) if given else None)
        except InvalidCommand as error:
            raise type(error)(error.message, field=name) from None
    start, end = bounds
    if start and end and start > end:
        raise InvalidCommand(f"{names[0]}: {start} is after {names[1]} {end}: give the earlier date first", field=names[0])
    return start, end


def event_ref(given: str) -> tuple[str, int]:
    """An event named as history shows it ("barnes-1995:21"): its stream's key and its number, in ASCII digits (an
    Arabic-Indic or full-width 3 is not event 3); the one rule for an event typed anywhere."""
    found = _EVENT_REF.fullmatch(given)
    if found is None:
        raise Malformed(f"{given!r} is not an event; name it as history shows it, e.g. barnes-1995:21")
    return found[1], int(found[2])


def known_at(value: str | None, name: str = "") -> KnownAt:
    """The second clock as given: an ISO time (UTC unless it says otherwise), a date meaning the end of that day,
    or an event ("barnes-1995:20") meaning the moment it was recorded; refused naming the field ``name``, if given."""
    if value is None:
        return None
    prefix = f"{name}: " if name else ""
    text = value.strip()
    day = iso_date(text)
    if day is not None:
        return datetime.combine(day, time.max, tzinfo=UTC)
    if _TIME.fullmatch(text):  # before an event: "2026-11-22T10:30" is not event 30 of a stream "2026-11-22T10"
        with contextlib.suppress(ValueError):  # (a time the pattern fits, such as 25:00, that is none)
            found = datetime.fromisoformat(text.upper().replace("Z", "+00:00"))
            found = found if found.tzinfo else found.replace(tzinfo=UTC)
            try:
                found.astimezone(UTC)  # recording times are UTC: one with no UTC time in years 1 to 9999 is none
            except OverflowError:
                raise Malformed(f"{prefix}{value!r} is not a time in years 1 to 9999 in UTC; give one that is,"
                                " e.g. 2026-11-22T10:30:00Z") from None
            return found
    elif _EVENT_REF.fullmatch(text) and not _TIMELIKE.search(text):  # ("10000-01-01T00:00" is no event 0 of a stream)
        return text
    raise Malformed(f"{prefix}{value!r} is not a time or an event; write 2026-11-22T10:30:00Z, 2026-11-22 or barnes-1995:20")


