"""Hostile input, as an attacker or a tired clerk would type it: a clear message, never a traceback, and the
store's head unchanged."""

import json
import sys

import pytest

from adapters.identity import AUDITOR
from adapters.registry import Registry
from conftest import FIXTURES
from support import AUDITOR as JANE
from support import CG, admin_key, command_line, enrol, key_of

LINCOLN = "Lincoln Investment Management, Inc."


def head(url: str):
    reader = Registry(url, read_only=True)
    try:
        return reader.verify().head
    finally:
        reader.close()


def refused(url: str, *args: str, identity: str | None = "admin") -> str:
    """Run a command that must be refused: exit 1 or 2, no traceback, the store's head as it was; its message."""
    before = head(url)
    result = command_line(url, *args, identity=admin_key() if identity == "admin" else identity)
    assert result.exit_code in (1, 2), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    assert head(url) == before, "a refused command changed the store"
    return result.stderr


def transfer(to: str, amount: str = "100,000", *extra: str) -> list[str]:
    return ["transfer", "barnes-1995", "--date", "2003-03-03", "--from", "Lincoln", "--to", to, "--amount", amount, *extra]


@pytest.mark.parametrize(("name", "what"), [
    ("Evil Co\nTOTAL                                            $ 99,000,000", "U+000A"),
    ("Lincoln Investment Management, Inc.\u200b", "U+200B ZERO WIDTH SPACE"),
    ("\x1b[8mHidden Holder\x1b[0m", "U+001B"),
    ("Acme \u202eeR yhsaB", "U+202E RIGHT-TO-LEFT OVERRIDE"),
])
def test_a_name_that_could_forge_output_is_refused(loaded_url, name, what):
    message = refused(loaded_url, *transfer(name, "100,000", "--new-holder"))
    assert "--to" in message and what in message


def test_a_look_alike_of_a_holder_is_refused_with_the_candidates(loaded_url):
    message = refused(loaded_url, *transfer("Lincoln Investment Management Inc", "100,000", "--new-holder"))
    assert LINCOLN in message


def test_a_holder_written_without_its_punctuation_is_the_holder_it_names(loaded_url):
    """A view or a transferor named in the holder's own words but for punctuation and suffix ("..., Inc." typed
    "... Inc") was refused with the right name as a suggestion; it names that holder now. The transferee is still
    exact: a look-alike there is refused above, as it may be a new holder."""
    typed = "Lincoln Investment Management Inc"
    shown = command_line(loaded_url, "holders", "--as-of", "2003-02-05", "--holder", typed, "--format", "json")
    assert shown.exit_code == 0, shown.output
    assert [h["name"] for h in json.loads(shown.stdout)["holders"]] == [LINCOLN]
    message = refused(loaded_url, "transfer", "barnes-1995", "--date", "2003-03-03", "--from", typed, "--to", CG,
                      "--amount", "99,000,000")
    assert f"{LINCOLN} holds" in message, "refused for its amount, the transferor found"


@pytest.mark.parametrize("amount", ["١٠٠٬٠٠٠", "１００,０００", "100,000\u200b"])
def test_money_only_in_ascii_digits(loaded_url, amount):
    assert "--amount" in refused(loaded_url, *transfer("Connecticut General Life", amount))


@pytest.mark.parametrize("on", ["20030303", "2003-W10-1", "2003-03-03\n", " 2003-03-03", "2003-03-03T00:00"])
def test_a_recorded_date_is_strictly_yyyy_mm_dd_as_a_view_s(loaded_url, on):
    """One rule for a date as typed: what a view refuses (20030303, a week date), a command refuses too."""
    message = refused(loaded_url, "transfer", "barnes-1995", "--date", on, "--from", "Lincoln", "--to", CG, "--amount",
                      "100,000")
    assert f"--date: {on!r} is not a date; write it as YYYY-MM-DD" in message
    assert "is not a date; write it as YYYY-MM-DD" in refused(loaded_url, "annex1", "barnes-1995", "--as-of", on)


@pytest.mark.parametrize(("request_id", "what"), [
    ("", "is empty"), ("  ", "is empty"), ("wire\n7781", "U+000A"), ("wire\u202e7781", "U+202E"), ("\udcff", "U+DCFF"),
])
def test_a_request_id_is_plain_text_on_one_line(loaded_url, request_id, what):
    message = refused(loaded_url, *transfer(CG, "100,000", "--request-id", request_id))
    assert "Error: Invalid value for --request-id: " in message and what in message


@pytest.mark.parametrize("name", ["", "Tom\nTreasurer"])
def test_an_identity_added_under_a_name_that_is_not_text_is_refused(loaded_url, tmp_path, name):
    message = refused(loaded_url, "identity", "add", name, "--role", "treasury", "--key-file", str(tmp_path / "tom.key"))
    assert "Error: Invalid value for NAME: " in message and not (tmp_path / "tom.key").exists()


def test_a_key_file_given_as_a_folder_is_refused_naming_a_file_to_give(loaded_url, tmp_path):
    message = refused(loaded_url, "identity", "add", "Tom Treasurer", "--role", "treasury", "--key-file", str(tmp_path))
    assert f"{tmp_path} is a folder: give the key file's path, e.g. {tmp_path / 'identity.key'}" in message


def test_an_event_reversed_is_named_as_typed(loaded_url):
    assert "Error: Invalid value for EVENT_ID: " in refused(loaded_url, "reverse", "barnes-1995:0", "--reason", "x")


@pytest.mark.parametrize("args", [("proof", "barnes-1995:3", "--size", "0"), ("proof", "barnes-1995:30", "--size", "29"),
                                  ("consistency", "barnes-1995", "--from-size", "5", "--to-size", "3")])
def test_a_proof_against_a_head_never_signed_names_the_rule(loaded_url, args):
    assert "rule: a proof is made between tree heads the registry signed, of the entries they cover" in refused(loaded_url, *args)


def test_a_proof_of_an_event_the_agreement_does_not_have_names_its_events(loaded_url):
    """It was refused as a head "that does not cover entry 99", as if a later head would."""
    assert "barnes-1995 has no event No. 99 (its events are 1 to 30)" in refused(loaded_url, "proof", "barnes-1995:99")


@pytest.mark.parametrize("document", ["", "   "])
def test_empty_evidence_is_refused_naming_the_option_and_what_to_give(loaded_url, document):
    """Said as a person would: not pydantic's "Value should have at least 1 item after validation"."""
    message = refused(loaded_url, *transfer("Connecticut General Life", "100,000", "--evidence", document))
    assert "Error: Invalid value for --evidence: is empty: give its text" in message


def test_recording_without_an_identity_says_how_to_get_one(loaded_url, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no .debtreg/identity.key here (make demo leaves one in the repository)
    message = refused(loaded_url, *transfer("Connecticut General Life"), identity=None)
    assert "--identity" in message and "debtreg identity add" in message


HEADER = b'[journal]\nid = "%s"\nagreement = "%s"\ntitle = "t"\n'
ENTRY = b'[[entry]]\nid = "%s"\ntype = "record-horizon"\neffective_on = 2003-02-05\nevidence = { document = "x" }\n'


@pytest.mark.parametrize(("content", "expected"), [
    (b"title = \"caf\xe9\"\n", "UTF-8"),
    (b"a = " + b"[" * 200 + b"]" * 200 + b"\n", "nested"),
    (HEADER % (b"a", b"barnes-1995") + ENTRY % b"b/c", "b/c"),
    (HEADER % (b"a", b"") + ENTRY % b"x", "agreement"),
    (HEADER % (b"a", b"barnes-1995") + (ENTRY % b"x").replace(b'"x" }', b'" " }'), "evidence.document: is empty: give its text"),
])
def test_a_hostile_journal_is_refused_naming_the_file(loaded_url, tmp_path, content, expected):
    journal = tmp_path / "a.toml"
    journal.write_bytes(content)
    message = refused(loaded_url, "load", str(journal))
    assert "a.toml" in message and expected in message


def test_a_text_entry_may_not_name_a_device_or_a_file_elsewhere(loaded_url, tmp_path):
    text = (FIXTURES / "barnes-1995.toml").read_text()
    for elsewhere in ("/dev/zero", "../../etc/passwd"):
        journal = tmp_path / "barnes-1995.toml"
        journal.write_text(text.replace('file = "text/barnes-1995.toml"', f'file = "{elsewhere}"'))
        message = refused(loaded_url, "load", str(journal))
        assert "entry 'text'" in message and "be beside it" in message


FORGED = "x\nTOTAL $ 99,000,000\u202e"  # a line break and a right-to-left override in what the user typed


@pytest.mark.parametrize("command", [
    lambda url, tmp: [f"sqlite:///{tmp}/{FORGED}/registry.sqlite", "agreements"],  # no store there
    lambda url, tmp: [f"postgresql://u@127.0.0.1:1/{FORGED}", "agreements"],  # no database there
    lambda url, tmp: [url, "check", f"{tmp}/{FORGED}.toml"],  # no such journal
    lambda url, tmp: [url, "export", "annex1", "barnes-1995", "--as-of", "2003-02-05",
                      "-o", f"{tmp}/{FORGED}/annex1.csv"],  # no such folder
])
def test_a_refusal_quoting_what_was_typed_shows_its_line_breaks_escaped(loaded_url, tmp_path, command):
    result = command_line(*command(loaded_url, tmp_path))
    assert result.exit_code in (1, 2) and "Traceback" not in result.output
    assert "x\\u000aTOTAL $ 99,000,000\\u202e" in result.stderr
    assert not any(line.startswith("TOTAL") for line in result.stderr.splitlines()), result.stderr


def test_an_export_names_the_file_it_wrote_with_its_line_breaks_escaped(loaded_url, tmp_path):
    result = command_line(loaded_url, "export", "annex1", "barnes-1995", "--as-of", "2003-02-05", "-o", f"{tmp_path}/{FORGED}.csv")
    assert result.exit_code == 0 and (tmp_path / f"{FORGED}.csv").is_file()
    assert result.stdout == f"wrote {tmp_path}/x\\u000aTOTAL $ 99,000,000\\u202e.csv\n"


def test_a_database_password_never_appears(tmp_path):
    result = command_line("postgresql://clerk:s3cret-pw@127.0.0.1:1/registry", "annex1", "barnes-1995", "--as-of", "2003-02-05")
    assert result.exit_code == 2 and "s3cret-pw" not in result.output
    assert "the database postgresql://clerk:***@127.0.0.1:1/registry: " in result.stderr, "as typed, not postgresql+psycopg"


def test_an_unsupported_store_or_a_missing_driver_is_a_message(monkeypatch):
    result = command_line("mysql://u@h/db", "agreements")
    assert result.exit_code != 0 and "SQLite" in result.stderr and "Traceback" not in result.output
    monkeypatch.setitem(sys.modules, "psycopg", None)
    result = command_line("postgresql://u@127.0.0.1:1/db", "agreements")
    assert result.exit_code == 2 and "driver is not installed (psycopg)" in result.stderr


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///", "sqlite:///:memory:", ":memory:",
                                 "sqlite:///file:x?mode=memory&uri=true"])
def test_a_store_in_memory_is_refused_as_it_would_keep_nothing(url):
    """``--db sqlite://`` loaded a journal and said it recorded thirty entries, into memory gone when the command
    ended; the server would serve a registry that forgets on restart."""
    loaded = command_line(url, "load", str(FIXTURES / "barnes-1995.toml"), identity=admin_key())
    assert loaded.exit_code == 1 and "recorded" not in loaded.stdout, loaded.output
    assert "is an SQLite store in memory, gone when the command ends: give a file" in loaded.stderr
    served = command_line(url, "serve", "--key-file", admin_key())
    assert served.exit_code == 1 and "is an SQLite store in memory" in served.stderr, served.output


def test_an_interrupted_load_says_how_much_was_recorded_and_a_rerun_completes_it(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    enrol(url)
    saved = Registry._save_staged
    calls = []

    def interrupted(self, staged, **options):
        calls.append(1)
        if len(calls) == 5:
            raise KeyboardInterrupt
        return saved(self, staged, **options)

    monkeypatch.setattr(Registry, "_save_staged", interrupted)
    monkeypatch.setattr("adapters.registry.BATCH", 1)  # an entry a transaction, so the fifth save is the fifth entry
    result = command_line(url, "load", str(FIXTURES), identity=admin_key())
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "the load stopped after 4 of" in result.stderr and "loading the same journals again records the rest" in result.stderr
    assert head(url)["events"] >= 4
    monkeypatch.setattr(Registry, "_save_staged", saved)
    assert command_line(url, "load", str(FIXTURES), identity=admin_key()).exit_code == 0
    assert head(url)["events"] == 65


def test_an_auditor_cannot_record_through_the_command_line(loaded_url):
    enrol(loaded_url, (JANE, AUDITOR))
    message = refused(loaded_url, *transfer("Connecticut General Life"), identity=key_of(JANE))
    assert "Jane Roe, External Auditor is registered as auditor; to record needs the role treasury or administrator" in message


def test_a_load_saves_whole_entries_in_batches_and_an_interrupted_one_counts_the_batches_saved(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    enrol(url)
    saved = Registry._save_staged
    batches: list[int] = []

    def second_batch_fails(self, staged, **options):
        batches.append(len(staged))
        if len(batches) == 2:
            raise KeyboardInterrupt
        return saved(self, staged, **options)

    monkeypatch.setattr(Registry, "_save_staged", second_batch_fails)
    monkeypatch.setattr("adapters.registry.BATCH", 20)
    result = command_line(url, "load", str(FIXTURES), identity=admin_key())
    assert result.exit_code == 1 and f"the load stopped after {batches[0]} of" in result.stderr
    assert batches[0] > 1, "a batch holds many entries: about BATCH events, whole entries"
    reader = Registry(url, read_only=True)
    try:
        checked = reader.verify()
        assert checked.intact and checked.head["events"] >= 20, "the first batch is recorded, signed entry by entry"
    finally:
        reader.close()


AMENDMENT_RULE = "rule: an amendment acted on or asked about is one on file, executed"


@pytest.mark.parametrize("args", [("consents", "barnes-1995", "0"), ("consents", "barnes-1995", "7")])
def test_an_amendment_not_on_file_is_refused_by_its_own_rule_as_a_view(loaded_url, args):
    """Said the same by a view and a command (one rule, not a provision missing from the text)."""
    message = refused(loaded_url, *args)
    assert f"barnes-1995 has no Amendment No. {args[-1]} on file (amendments on file: No. 2)" in message
    assert AMENDMENT_RULE in message


@pytest.mark.parametrize("args", [("consents", "barnes-1995", "1"), ("consent", "barnes-1995", "1", "--holder", "Lincoln", "--date", "2003-03-03")])
def test_an_amendment_only_referred_to_is_refused_saying_what_is_known_of_it(loaded_url, args):
    """Amendment No. 1 is referred to by No. 2; it was refused as if unknown ("has no Amendment No. 1 on file")."""
    message = refused(loaded_url, *args)
    assert (": Amendment No. 1 to Note Purchase Agreement is referred to, but its text and consents are not on file"
            " (amendments on file") in message and AMENDMENT_RULE in message


def test_consenting_to_an_amendment_not_on_file_is_refused_by_the_same_rule(loaded_url):
    message = refused(loaded_url, "consent", "barnes-1995", "7", "--holder", "Lincoln", "--date", "2003-03-03")
    assert "barnes-1995 has no Amendment No. 7 on file by 2003-03-03 (amendments on file then: No. 2)" in message
    assert AMENDMENT_RULE in message


@pytest.mark.parametrize("amount", ["0", "0.00"])
def test_a_make_whole_quote_of_nothing_is_refused_as_a_prepayment_of_nothing_is(loaded_url, amount):
    """Not "a payment of principal cannot exceed the principal outstanding", which $0.00 does not."""
    quote = refused(loaded_url, "makewhole", "barnes-1995", "--date", "2003-03-03", "--amount", amount,
                    "--treasury-curve", "1y=1.25,2y=1.60")
    prepay = refused(loaded_url, "prepay", "barnes-1995", "--date", "2003-03-03", "--amount", amount, "--kind",
                     "optional", "--treasury-curve", "1y=1.25,2y=1.60")
    expected = "a prepayment must be of a positive amount, not $0.00\nrule: an amount is positive, in exact dollars and cents"
    assert expected in quote and expected in prepay


@pytest.mark.parametrize("ref", ["barnes-1995:1:2", "barnes-1995:\u0663", "barnes-1995:\uff13", "barnes-1995:+3", ":3"])
@pytest.mark.parametrize("command", [("event",), ("proof",), ("reverse", "--reason", "x")])
def test_an_event_is_named_as_history_shows_it_in_ascii_or_refused_as_not_one(loaded_url, command, ref):
    """One rule for an event typed anywhere: an Arabic-Indic or full-width 3 is not event 3 (reverse took it as
    such), and 'barnes-1995:1:2' is not event 2 of a stream called 'barnes-1995:1'."""
    message = refused(loaded_url, command[0], ref, *command[1:])
    assert f"{ref!r} is not an event; name it as history shows it, e.g. barnes-1995:21" in message


@pytest.mark.parametrize("columns", ["\u00b2", "-5", "wide", "", "\u0664\u0660"])
def test_a_terminal_width_that_is_not_one_is_ignored_not_a_crash(loaded_url, columns):
    """COLUMNS comes from the shell: a superscript 2 passed str.isdigit() and crashed int() before any command ran."""
    from typer.testing import CliRunner

    from adapters.cli import app

    ran = CliRunner(env={"COLUMNS": columns, "DEBTREG_DATABASE_URL": None}).invoke(app, ["--db", loaded_url, "agreements"])
    assert ran.exit_code == 0 and "barnes-1995" in ran.stdout, ran.output


def test_an_event_numbered_with_leading_zeros_is_that_event(loaded_url):
    """'barnes-1995:007' is event 7, as 'reverse' and 'proof' read it; 'event' crashed looking for it by its text."""
    ran = command_line(loaded_url, "event", "barnes-1995:007", "--format", "json")
    assert ran.exit_code == 0, ran.output
    assert ran.stdout == command_line(loaded_url, "event", "barnes-1995:7", "--format", "json").stdout


@pytest.mark.parametrize("command", ["history", "redline"])
def test_a_view_from_a_date_after_its_to_date_is_refused_not_shown_empty_or_backwards(loaded_url, command):
    """The dates were given the wrong way round: an empty history would read as "nothing happened then", and a
    redline would show what an amendment inserted as deleted."""
    ran = command_line(loaded_url, command, "barnes-1995", "--from", "2005-01-01", "--to", "2004-01-01")
    assert ran.exit_code == 2 and "--from: 2005-01-01 is after --to 2004-01-01" in ran.output


@pytest.mark.parametrize(("curve", "said"), [
    ("1y=1.25,,2y=1.60", "the Treasury curve has an empty point (two commas together, or one at an end)"),
    ("1y=1.25,2y=1.60,", "the Treasury curve has an empty point (two commas together, or one at an end)"),
    ("0y=0.10,2y=1.60", "'0y=0.10' is a yield for a remaining life of nothing; a curve point's life is more than 0"),
    ("0m=0.10,2y=1.60", "'0m=0.10' is a yield for a remaining life of nothing"),
    (" ", "the Treasury curve is empty"),
    ("1y=1.25,12m=1.30", "the Treasury curve gives a maturity more than once"),
])
def test_a_treasury_curve_with_a_point_missing_or_of_no_life_is_refused_not_read_around(loaded_url, curve, said):
    """"1y=1.25,,2y=1.60" was read as two points, as if no point had been lost between the commas; a 0-year yield was
    taken as a point of the curve to interpolate from."""
    for command in (["makewhole", "barnes-1995"], ["prepay", "barnes-1995", "--kind", "optional"]):
        message = refused(loaded_url, *command, "--date", "2003-03-03", "--amount", "1,000,000", "--treasury-curve", curve)
        assert "--treasury-curve" in message and said in message, message


@pytest.mark.parametrize(("given", "said"), [
    ("novascotia-1999:3", "novascotia-1999:3 is an event of novascotia-1999, not of barnes-1995"),
    ("\u0663\u0661", "'\u0663\u0661' is not an event; give it as history shows it, e.g. barnes-1995:12, or by its number alone"),
    ("", "'' is not an event"),
    ("barnes-1995:", "'barnes-1995:' is not an event"),
])
@pytest.mark.parametrize("command", [
    ("accelerate", "--default", "--treasury-curve", "1y=1.25,2y=1.60"),
    ("rescind", "--acceleration"),
    ("waive", "--default", "--provision", "7.7"),
])
def test_an_event_given_to_a_remedy_is_one_of_its_agreement_named_as_history_shows_it(loaded_url, command, given, said):
    """The event options took a bare number only, and refused "barnes-1995:31", as history shows the event, with
    pydantic's "Input should be a valid integer"; an Arabic-Indic 31 or another agreement's event is not one."""
    name, option, *extra = command
    message = refused(loaded_url, name, "barnes-1995", "--date", "2003-03-10", "--by", "Lincoln", option, given, *extra)
    assert option in message and said in message, message


@pytest.mark.parametrize(("moment", "read"), [("2999-01-01T00:00", "2999-01-01T00:00:00+00:00"),
                                            ("2999-01-01 00:00+0100", "2999-01-01T00:00:00+01:00")])
def test_a_known_at_time_without_seconds_is_that_time_not_an_event(loaded_url, moment, read):
    """'2999-01-01T00:00' matched the pattern of an event (stream '2999-01-01T00', No. 0) and was refused as
    "nothing on the registry is called '2999-01-01T00'"."""
    view = ["register", "barnes-1995", "--as-of", "2003-02-05", "--format", "json"]
    then = command_line(loaded_url, *view, "--known-at", moment)
    assert then.exit_code == 0, then.output
    shown = json.loads(then.stdout)
    assert shown.pop("known_at") == read and shown == json.loads(command_line(loaded_url, *view).stdout)


@pytest.mark.parametrize("moment", ["29990101", "2999-W01-1", "2999-01-01T00", "10000-01-01T00:00", "0000-01-01T00:00"])
def test_a_known_at_date_is_strictly_yyyy_mm_dd_as_a_business_date_is(loaded_url, moment):
    """Python took '29990101' as the start of that day, where '2999-01-01' means its end, and took a week date; a
    time in a year past 9999 was read as event 0 of a stream '10000-01-01T00' ('nothing on the registry is called')."""
    ran = command_line(loaded_url, "register", "barnes-1995", "--as-of", "2003-02-05", "--known-at", moment)
    assert ran.exit_code == 2 and f"{moment!r} is not a time or an event" in ran.output, ran.output


@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00+05:00", "9999-12-31T23:00:00-05:00"])
def test_a_known_at_time_with_no_time_in_utc_is_refused_not_a_crash(loaded_url, moment):
    """Five hours east of UTC on 1 January of year 1 is in year 0 in UTC: "unexpected failure, a bug in debtreg
    (OverflowError: date value out of range)"; the other end, in year 10000, passed only while nothing showed it."""
    ran = command_line(loaded_url, "register", "barnes-1995", "--as-of", "2003-02-05", "--known-at", moment)
    assert ran.exit_code == 2 and f"{moment!r} is not a time in years 1 to 9999 in UTC" in ran.output, ran.output


def test_a_time_in_the_first_centuries_is_shown_with_a_four_digit_year(loaded_url):
    """The refusal said "recorded by 1-01-01 23:59:59 UTC": strftime does not pad a year before 1000."""
    message = refused(loaded_url, "register", "barnes-1995", "--as-of", "2003-02-05", "--known-at", "0001-01-01")
    assert "nothing about barnes-1995 was recorded by 0001-01-01 23:59:59 UTC; its first entry was recorded at 20" in message


@pytest.mark.parametrize("view", [["holders", "--as-of", "2003-02-05"], ["history", "barnes-1995"]])
@pytest.mark.parametrize(("holder", "said"), [("  ", "--holder: is empty: give a holder's name, or a unique part of one"),
                                              ("\x1b[31mx", "--holder: '\\x1b[31mx' holds characters that are not text")])
def test_a_view_given_no_holder_name_says_so_naming_the_option(loaded_url, view, holder, said):
    """A view's --holder that was empty, or not text, was looked for among the holders: "'' is not a holder on the
    registry; the holders then are: " and sixty names, where a command says what is wrong with the option."""
    message = refused(loaded_url, *view, "--holder", holder)
    assert said in message and "the holders then are" not in message, message


@pytest.mark.parametrize(("content", "said"), [(None, "cannot read the key file"), ("not a key\n", "is not a debtreg key file")])
def test_a_token_asked_of_a_key_file_that_is_not_one_is_refused_not_a_crash(loaded_url, tmp_path, content, said):
    """`identity token` read the key file outside the guard every other command reads it in: 'unexpected failure,
    a bug in debtreg (BadKeyFile: ...)'."""
    key = tmp_path / "some.key"
    if content is not None:
        key.write_text(content)
    message = refused(loaded_url, "identity", "token", identity=str(key))
    assert said in message and "rule: a key file is the one debtreg wrote for an identity" in message


@pytest.mark.parametrize(("key", "on", "said"), [
    ("barnes-1995", "1997-12-05", "no required prepayment is due on 1997-12-05: the next is $6,250,000.00 due 2002-12-05"
                                  " (Section 5.1(a))\nrule: a required payment must match the agreement's schedule"),
    ("barnes-1995", "2002-12-05", "no required prepayment is due on 2002-12-05: the next is $6,250,000.00 due 2003-12-05"),
    ("barnes-2000", "2004-01-01", "give the amount: the schedule of required prepayments of the 8.59% notes is not on file"),
])
def test_a_required_payment_without_its_amount_is_refused_by_the_schedules_rule(loaded_url, key, on, said):
    """Without --amount the registry said "give the amount: no required prepayment ... is scheduled by 2002-12-05", of a
    prepayment scheduled then and paid, and of barnes-2000, whose schedule is not on file; with --amount it said what
    the schedule says. It says that now either way (``rules.next_instalment``), and names what is not on file."""
    assert said in refused(loaded_url, "pay", key, "--date", on, "--kind", "required")
