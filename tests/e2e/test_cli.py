"""The ``debtreg`` command as a user runs it: in-process through typer's runner, and a few tests
of the installed entry point in a real process (its installation, environment and exit codes)."""

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from typer.testing import CliRunner

from adapters.cli import app
from adapters.cli.common import hoisted
from adapters.identity import AUDITOR, TREASURY
from adapters.registry import Registry
from conftest import FIXTURES, ROOT
from domain.events import stream_id
from support import AUDITOR as JANE
from support import CLERK, DEBTREG, admin_key, command_line, enrol, key_of

BARNES_1995 = stream_id("agreement", "barnes-1995").hex.upper()  # its events' originator id, as SQLite shows it

ANNEX_1995 = """\
barnes-1995: Barnes Group Inc. 7.13% Senior Notes due December 5, 2005, as of 2003-02-05

                                      ANNEX 1

                              CURRENT NOTEHOLDERS AND
                        CURRENT OUTSTANDING PRINCIPAL AMOUNT

Current Noteholders:                             Outstanding Principal Amount of Notes
--------------------                             -------------------------------------

Connecticut General Life Insurance Company       $  5,100,000

Life Insurance Company of North America          $  3,750,000

ACE American Insurance Co.                       $  2,594,625

ACE Property & Casualty Insurance Company        $  1,155,375

Lincoln Investment Management, Inc.              $  6,150,000

TOTAL                                            $ 18,750,000
"""


@dataclass(frozen=True)
class Ran:
    returncode: int
    stdout: str
    stderr: str


def debtreg(*args: str, db: str | None, check: bool = True, identity: str | None = None, env: dict | None = None) -> Ran:
    """The command run in-process, as typer's runner runs it (as the tests' administrator unless told)."""
    runner = CliRunner(env={"DEBTREG_IDENTITY": identity or admin_key(), "DEBTREG_DATABASE_URL": None, **(env or {})})
    result = runner.invoke(app, [*(("--db", db) if db else ()), *args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    ran = Ran(result.exit_code, result.stdout, result.stderr)
    if check:
        assert ran.returncode == 0, ran.stderr
    return ran


def installed(*args: str, db: str | None, check: bool = True) -> subprocess.CompletedProcess:
    """The installed entry point in a real process, as a shell runs it."""
    env = {k: v for k, v in os.environ.items() if k != "DEBTREG_DATABASE_URL"}
    env["DEBTREG_IDENTITY"] = admin_key()
    command = [DEBTREG, *(("--db", db) if db else ()), *args]
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    if check:
        assert result.returncode == 0, result.stderr
    return result


@pytest.fixture
def db(loaded_url):
    return loaded_url


def history(db: str) -> list:
    return json.loads(debtreg("history", "barnes-1995", "--format", "json", db=db).stdout)


def test_the_entry_point_is_installed():
    assert DEBTREG, "run `make test`, which installs the package and its `debtreg` command"


def test_annex_1_of_the_1995_notes_prints_as_the_seed_shows_it(db):
    assert debtreg("annex1", "barnes-1995", "--as-of", "2003-02-05", db=db).stdout == ANNEX_1995


def test_annex_1_as_json_for_machines(db):
    data = json.loads(debtreg("annex1", "barnes-2000", "--as-of", "2003-02-05", "--format", "json", db=db).stdout)
    assert data["totals"] == {"8.59%": "60000000.00"}
    assert data["holders"][0] == {"holder": "The Prudential Insurance Company of America", "principal": {"8.59%": "35000000.00"}}


def test_loading_again_records_nothing_new(db):
    result = debtreg("load", str(FIXTURES), "--format", "json", db=db)
    assert [(line["entries"], line["recorded"], line["on_file"]) for line in json.loads(result.stdout)] == [
        (30, 0, 30),
        (12, 0, 12),
        (12, 0, 12),
        (1, 0, 1),
        (1, 0, 1),
        (1, 0, 1),
        (1, 0, 1),
    ]


def test_a_load_of_a_folder_names_it_once_and_its_summary_is_a_table_at_120_columns(db):
    """Each journal's full path and "Already on file" made the summary 151 wide: blocks of seven lines at 120."""
    lines = debtreg("load", str(FIXTURES), db=db, env={"COLUMNS": "120"}).stdout.splitlines()
    assert lines[0] == f"Journals loaded from {FIXTURES}" and max(map(len, lines)) <= 120
    assert [cell.strip() for cell in lines[2].split("┃")[1:-1]] == ["Journal", "Key", "Entries", "Recorded", "On file", "Events"]
    assert [cell.strip() for cell in lines[4].split("│")[1:-1]] == ["barnes-1995.toml", "barnes-1995", "30", "0", "30", "0"]
    one = debtreg("check", str(FIXTURES / "kar-guaranty.toml"), db=db, env={"COLUMNS": "120"}).stdout.splitlines()
    assert one[0] == "Journals checked: nothing was recorded" and str(FIXTURES / "kar-guaranty.toml") in one[4]


def test_a_treasurer_records_a_transfer_and_the_register_shows_it(db):
    next_event = len(history(db)) + 1
    enrol(db, (CLERK, TREASURY))
    result = debtreg(
        "transfer", "barnes-1995", "--date", "2003-03-03", "--from", "Lincoln", "--to", "New Holder LLC", "--new-holder",
        "--amount", "1,000,000", "--evidence", "transfer request of 2003-02-28", db=db, identity=key_of(CLERK),
    )
    assert result.stdout.startswith(
        f"recorded barnes-1995:{next_event}: transfer of $1,000,000.00 from Lincoln Investment Management, Inc. to New Holder LLC"
    )
    text = debtreg("register", "barnes-1995", "--as-of", "2003-03-03", "--by", "holder", "--format", "csv", db=db).stdout
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["holder", "7.13%", "notes"]
    assert rows[-2:] == [["Lincoln Investment Management, Inc.", "5150000.00", "11"], ["New Holder LLC", "1000000.00", "10"]]
    last = history(db)[-1]
    assert (last["recorded_by"], last["evidence"]["document"], last["effective_on"]) == ("Tom Treasurer", "transfer request of 2003-02-28", "2003-03-03")


def test_a_refused_transfer_exits_non_zero_names_the_rule_and_changes_nothing(db):
    before = history(db)
    result = installed(
        "transfer", "barnes-1995", "--date", "2003-03-03", "--from", "ACE American", "--to", "X", "--new-holder",
        "--amount", "2,550,000", db=db, check=False,
    )
    assert result.returncode == 1
    assert "refused: new notes must be at least $100,000.00" in result.stderr
    assert "(Section 6.2)" in result.stderr
    assert history(db) == before


def test_a_refusal_is_json_too_when_json_is_asked_for(db):
    result = debtreg(
        "prepay", "barnes-1995", "--date", "2003-12-05", "--amount", "6,000,000", "--kind", "required",
        "--format", "json", db=db, check=False,
    )
    assert result.returncode == 1
    error = json.loads(result.stdout)["error"]
    assert (error["type"], error["section"]) == ("UnscheduledPayment", "5.1(a)")


USAGE_ERRORS = {
    "a date that is not one": (("annex1", "barnes-1995", "--as-of", "5 Feb 2003"),
                               "Invalid value for --as-of: '5 Feb 2003' is not a date; write it as YYYY-MM-DD"),
    "a time that is not one": (("annex1", "barnes-1995", "--as-of", "2003-02-05", "--known-at", "noon"),
                               "Invalid value for --known-at: 'noon' is not a time or an event"),
    "an end date that is not one": (("history", "barnes-1995", "--from", "2003-02-05", "--to", "2003-1-1"),
                                  "Invalid value for --to: '2003-1-1' is not a date"),
    "an event that is not one": (("reverse", "barnes-1995/3", "--reason", "x", "--evidence", "y"),
                                 "Invalid value for EVENT_ID: 'barnes-1995/3' is not an event"),
    # event (and proof) refused it under "rule: the command is incomplete or contradicts itself" (exit 1)
    "an event to show that is not one": (("event", "barnes-1995:x"), "Invalid value for 'EVENT': 'barnes-1995:x' is not an event"),
    "a choice not offered": (("annex1", "barnes-1995", "--as-of", "2003-02-05", "--format", "xml"),
                             "Invalid value for '--format': 'xml' is not one of 'text', 'json', 'csv'."),
    "a number that is not one": (("consents", "barnes-1995", "two"),
                                 "Invalid value for 'AMENDMENT': not a whole number; give one, e.g. 2"),
    "a note number that is not whole": (("transfer", "barnes-1995", "--date", "2003-03-03", "--from", "Lincoln", "--to",
                                         "X", "--amount", "1", "--evidence", "e", "--note", "1.5"),
                                        "Invalid value for '--note': not a whole number"),
    "an amount that is not one": (("transfer", "barnes-1995", "--date", "2003-03-03", "--from", "Lincoln", "--to", "X",
                                   "--new-holder", "--amount", "1e6"), "Invalid value for --amount: '1e6' is not an amount"),
    "a name that is not text": (("holders", "--as-of", "2003-02-05", "--holder", "Lin\x1b[31m"),
                                "Invalid value for --holder: 'Lin\\x1b[31m' holds characters that are not text"),
    "an agreement left out": (("annex1", "--as-of", "2003-02-05"), "Missing argument 'AGREEMENT'."),
    "an option misspelt": (("annex1", "barnes-1995", "--as-off", "2003-02-05"), "No such option: --as-off"),
}


@pytest.mark.parametrize("case", USAGE_ERRORS)
def test_a_usage_error_names_the_option_typed_in_debtregs_words(db, case):
    args, message = USAGE_ERRORS[case]
    result = debtreg(*args, db=db, check=False)
    assert result.returncode == 2
    assert f"Error: {message}" in result.stderr and "Value error" not in result.stderr
    assert result.stderr.startswith(f"Usage: debtreg {args[0]} "), "a view's, a recording's: one style, with the usage"
    assert result.stdout == ""


@pytest.mark.parametrize("case", [case for case in USAGE_ERRORS if "--format" not in USAGE_ERRORS[case][0]])
def test_a_usage_error_is_json_too_when_json_is_asked_for(db, case):
    """A program reading the output finds the same error object a refusal gives, as the usage goes to stderr."""
    args, message = USAGE_ERRORS[case]
    result = debtreg(*args, "--format", "json", db=db, check=False)
    assert result.returncode == 2
    error = json.loads(result.stdout)["error"]
    assert (error["type"], error["rule"], error["section"]) == ("Malformed", "every option is well-formed", None)
    assert error["message"].startswith(message) and f"Error: {error['message']}" in result.stderr


@pytest.mark.parametrize(("args", "said"), [
    (("register", "barnes-1995", "--as-of", "2003-02-05", "--json"), "No such option: --json; ask for json with --format json\n"),
    (("outstanding", "barnes-1995", "--as-of", "2003-02-05", "--csv"), "No such option: --csv; outstanding writes text or json (--format)\n"),
])
def test_json_asked_for_as_other_tools_ask_is_answered_with_the_option_for_it(loaded_url, args, said):
    """It was "No such option: --json (Possible options: --as-of)": click's guess, not the option that gives JSON."""
    result = command_line(loaded_url, *args)
    assert result.exit_code == 2 and f"Error: {said}" in result.stderr


def test_a_port_out_of_range_is_refused_in_debtregs_words():
    result = debtreg("serve", "--key-file", admin_key(), "--port", "70000", db=None, check=False)
    assert result.returncode == 2 and "Invalid value for '--port': 70000 is not a port: give 1 to 65535" in result.stderr
    assert "Input should be" not in result.stderr


@pytest.mark.parametrize(("args", "said"), [
    (("history", "barnes-1995", "--from", "2020-01-01"), "no event of barnes-1995 matches --from 2020-01-01\n"),
    (("history", "barnes-1995", "--to", "1996-01-01", "--kind", "NoteTransferred", "--holder", "lincoln"),
     "no event of barnes-1995 matches --to 1996-01-01 --kind NoteTransferred --holder lincoln\n"),
    (("schedule", "barnes-1995", "--as-of", "1990-01-01"),  # without the overdue rates of no payment
     "note: no 7.13% notes were issued by then: the first were issued on 1995-12-05\n"),
    (("text", "barnes-1995", "--as-of", "1990-01-01"),
     "barnes-1995: text as of 1990-01-01\nnote: barnes-1995 is dated as of 1995-12-01: it had no text on 1990-01-01\n"),
    (("holders", "--as-of", "1990-01-01", "--holder", "Lincoln"), "no notes on file held by Lincoln as of 1990-01-01\n"
     "not on file: barnes-2000: the earliest register on file is as of 2003-02-05\n"
     "not on file: novascotia-1999: the earliest register on file is as of 2003-02-05\n"),
])
def test_a_view_with_nothing_to_show_says_so_and_what_was_asked(db, args, said):
    """It was an empty table, headers and borders, which reads as a view that failed or a filter that was ignored."""
    assert debtreg(*args, db=db).stdout == said


def test_an_empty_registry_says_how_to_put_an_agreement_on_it(sqlite_url):
    Registry(sqlite_url).close()  # a store, its tables made, nothing loaded
    assert debtreg("agreements", db=sqlite_url).stdout.startswith("no agreement is on the registry yet: load one's journal")
    assert json.loads(debtreg("agreements", "--format", "json", db=sqlite_url).stdout) == []


def test_the_same_request_id_records_once(db):
    args = ("prepay", "barnes-1995", "--date", "2003-12-05", "--amount", "6,250,000", "--kind", "required", "--request-id", "wire-7781")
    events = len(history(db))
    first = debtreg(*args, db=db)
    again = debtreg(*args, db=db)
    assert first.stdout.startswith(f"recorded barnes-1995:{events + 1}: required prepayment of $6,250,000.00")
    assert again.stdout.startswith("already recorded")
    assert len(history(db)) == events + 1


def test_a_dry_run_says_what_a_command_would_record_and_records_nothing(db):
    """Treasury (or an auditor: a dry run changes nothing, so reading is enough) sees a coupon's allocation, as it
    would be recorded, before recording it; a refusal is the command's own; the store is left as it was."""
    enrol(db, (JANE, AUDITOR))
    before, head = history(db), debtreg("digest", db=db).stdout
    coupon = ("pay", "barnes-1995", "--date", "2003-06-05", "--kind", "interest", "--request-id", "wire-0605")
    tried = debtreg(*coupon, "--dry-run", db=db, identity=key_of(JANE), env={"COLUMNS": "400"})
    said = (f"barnes-1995:{len(before) + 1}: interest of $668,437.50 on the 7.13% notes due 2003-06-05: No. 2 $133,687.50,"
            " No. 4 $133,687.50, No. 5 $219,247.50, No. 6 $48,127.50, No. 7 $92,498.38, No. 9 $41,189.12")
    wires = ["  to Connecticut General Life Insurance Company (No. 2, No. 6): $181,815.00",  # each holder's notes together
             "  to Life Insurance Company of North America (No. 4): $133,687.50",
             "  to Lincoln Investment Management, Inc. (No. 5): $219,247.50",
             "  to ACE American Insurance Co. (No. 7): $92,498.38",
             "  to ACE Property & Casualty Insurance Company (No. 9): $41,189.12"]
    assert tried.stdout.splitlines() == [f"would record {said}", *wires, "dry run: nothing was recorded"]
    as_json = json.loads(debtreg(*coupon, "--dry-run", "--format", "json", db=db).stdout)
    [line] = as_json.pop("would_record")
    assert as_json == {"dry_run": True, "already_recorded": []}
    assert (line["event"], line["summary"]) == tuple(said.split(": ", 1))
    assert line["payees"][0] == {"holder": "Connecticut General Life Insurance Company", "notes": [2, 6], "amount": "181815.00"}
    assert sum(Decimal(p["amount"]) for p in line["payees"]) == Decimal("668437.50"), "the wires add up to the coupon"
    assert history(db) == before and debtreg("digest", db=db).stdout == head
    refused = debtreg("transfer", "barnes-1995", "--date", "2003-03-03", "--from", "ACE American", "--to", "X",
                      "--new-holder", "--amount", "2,550,000", "--dry-run", db=db, check=False)
    assert refused.returncode == 1 and "refused: new notes must be at least $100,000.00" in refused.stderr
    assert refused.stdout == "" and history(db) == before and debtreg("digest", db=db).stdout == head
    recorded = debtreg(*coupon, db=db, env={"COLUMNS": "400"}).stdout
    assert recorded.splitlines() == [f"recorded {said}", *wires], "as the dry run said"
    again = debtreg(*coupon, "--dry-run", db=db, env={"COLUMNS": "400"}).stdout
    assert again.splitlines() == [f"already recorded (request 'wire-0605'), nothing new: {said}", *wires,
                                  "dry run: nothing was recorded"]
    reversal = debtreg("reverse", f"barnes-1995:{len(before) + 1}", "--reason", "wrong day", "--dry-run", db=db).stdout
    assert reversal.startswith(f"would record barnes-1995:{len(before) + 2}: reversal of event No. {len(before) + 1}")
    assert len(history(db)) == len(before) + 1
    assert "\n  paid\n" in debtreg("event", f"barnes-1995:{len(before) + 1}", db=db).stdout
    debtreg("reverse", f"barnes-1995:{len(before) + 1}", "--reason", "wrong day", db=db)
    shown = debtreg("event", f"barnes-1995:{len(before) + 1}", db=db).stdout
    assert "REVERSED by" in shown and "\n  paid\n" not in shown, "a payment reversed paid no one"


@pytest.mark.parametrize(
    ("args", "message", "status"),
    [
        (("annex1", "barnes-1996", "--as-of", "2003-02-05"), "no agreement 'barnes-1996' is on the registry", 1),
        (("transfer", "barnes-1995", "--date", "2003-03-03", "--from", "Lincoln", "--to", "X", "--new-holder", "--amount", "1000000.005"), "--amount: '1000000.005' is not an amount", 2),
        (("transfer", "barnes-1995", "--date", "2003-3-3", "--from", "Lincoln", "--to", "X", "--new-holder", "--amount", "1,000,000"), "--date: ", 2),
        (("annex1", "barnes-1995", "--as-of", "20030205"), "'20030205' is not a date; write it as YYYY-MM-DD", 2),
        (("transfer", "novascotia-1999", "--date", "2003-03-03", "--from", "Allstate Life", "--to", "X", "--new-holder", "--amount", "1,000,000"), "has several series", 1),
        (("transfer", "novascotia-1999", "--date", "2001-03-03", "--series", "7.80", "--from", "Nationwide", "--to", "X", "--new-holder", "--amount", "1,000,000"), "on file only from 2003-02-05", 1),
    ],
)
def test_malformed_input_is_a_usage_error_and_a_broken_rule_a_refusal(db, args, message, status):
    result = debtreg(*args, db=db, check=False)
    assert result.returncode == status
    assert message in result.stderr and "Value error" not in result.stderr and "effective_on" not in result.stderr


def test_a_malformed_date_is_a_usage_error(db):
    result = installed("annex1", "barnes-1995", "--as-of", "5 Feb 2003", db=db, check=False)
    assert result.returncode == 2
    assert "is not a date; write it as YYYY-MM-DD" in result.stderr


def test_the_database_url_and_the_identity_can_come_from_the_environment(sqlite_url, tmp_path):
    key = tmp_path / "admin.key"
    env = {**os.environ, "DEBTREG_DATABASE_URL": sqlite_url, "DEBTREG_IDENTITY": str(key)}
    subprocess.run([DEBTREG, "identity", "init", "Ann Administrator", "--key-file", str(key)], check=True, capture_output=True, env=env)
    assert oct(key.stat().st_mode & 0o777) == "0o600", "a key file is its owner's alone"
    subprocess.run([DEBTREG, "load", str(FIXTURES)], check=True, capture_output=True, env=env, cwd=ROOT)
    result = subprocess.run([DEBTREG, "agreements", "--format", "json"], check=True, capture_output=True, env=env, text=True)
    assert [a["agreement"] for a in json.loads(result.stdout)] == ["barnes-1995", "barnes-2000", "novascotia-1999"]


def test_the_database_and_the_identity_may_be_given_after_the_command(db, tmp_path):
    first = debtreg("annex1", "barnes-1995", "--as-of", "2003-02-05", "--db", db, db=None)
    assert first.stdout == ANNEX_1995
    assert debtreg("annex1", "--db=" + db, "barnes-1995", "--as-of", "2003-02-05", db=None).stdout == ANNEX_1995
    missing = debtreg("annex1", "barnes-1995", "--as-of", "2003-02-05", "--db", str(tmp_path / "none.sqlite"), db=None, check=False)
    assert missing.returncode == 1 and "there is no store at" in missing.stderr, "the --db after the command is the one read"
    assert "Usage: debtreg annex1" in installed("annex1", "--help", "--db", db, db=None).stdout
    assert hoisted(["history", "x", "--", "--db", "y"]) == ["history", "x", "--", "--db", "y"], "nothing after -- moves"


def test_every_command_explains_itself():
    commands = ("load", "agreements", "register", "outstanding", "annex1", "history", "transfer", "prepay", "cancel",
                "text", "redline", "amendments", "consents", "guaranties", "consent",
                "schedule", "accrued", "pay", "makewhole", "status", "reverse", "verify", "digest")
    for command in commands:
        result = debtreg(command, "--help", db=None)
        assert "Usage: debtreg " + command in result.stdout
    assert "Usage: debtreg transfer" in installed("transfer", "--help", db=None).stdout


def test_help_starts_without_the_model_the_store_or_the_views():
    """`debtreg --help` is timed against importing typer alone (bench/startup.py, within 1.5x): a lookup of names
    that imported domain.holders brought domain.values (12 ms) into it, 1.74x. It imports the command modules alone."""
    program = ("import sys\nsys.argv = ['debtreg', '--help']\nfrom adapters.cli import run\ntry:\n    run()\n"
               "except SystemExit:\n    pass\nprint(sorted(m for m in sys.modules if m.split('.')[0] in"
               " ('sqlalchemy', 'eventsourcing', 'pydantic', 'rich', 'projections') or m in ('domain.values', 'domain.holders',"
               " 'adapters.queries', 'adapters.registry')), file=sys.stderr)\n")
    shown = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True, cwd=ROOT)
    assert "Usage: debtreg" in shown.stdout and shown.stderr.strip() == "[]", shown.stderr


@pytest.mark.parametrize("group", [(), ("identity",)])
def test_the_list_of_commands_says_what_each_does_in_a_whole_sentence(group):
    """The list under `debtreg --help` cut nearly every command's description short at 80 columns ("Principal
    outstanding per series on a date, with the..."): each begins with a sentence that fits it."""
    listed = debtreg(*group, "--help", db=None, env={"COLUMNS": "80"}).stdout.split("Commands:\n")[1].splitlines()
    assert len(listed) == (5 if group else 45)
    assert [line for line in listed if line.endswith("...") or not line.endswith(".") or len(line) > 80] == []


def every_command(group=None, path=()):
    """Every command of debtreg, its sub-commands' too (``identity add``), with the words that call it."""
    from typer.main import get_command

    group = group or get_command(app)
    for name, command in group.commands.items():
        if hasattr(command, "commands"):
            yield from every_command(command, (*path, name))
        else:
            yield (*path, name), command


def test_every_argument_and_option_says_what_it_is():
    """`identity add NAME` and `identity revoke NAME` had no help; `serve --host <str> --port <int range>` showed the
    type where a name of what to give belongs."""
    for words, command in every_command():
        ctx = type(command).context_class(command, info_name=words[-1])
        for param in command.params:
            shown = param.get_help_record(ctx)
            if shown is None or param.name == "help":
                continue
            assert getattr(param, "help", None), (words, param.name)
            if param.param_type_name == "option":
                assert not re.search(r"<(str|int|int range|float|path)>", shown[0]), (words, shown[0])


def test_the_annex_1_registers_print_the_same_on_postgresql(postgres_url, loaded_url):
    made = debtreg("identity", "init", "tests", "--key-file", admin_key(), db=postgres_url).stdout
    assert made.startswith("administrator tests registered; key file"), "an existing key file is reused"
    debtreg("load", str(FIXTURES), db=postgres_url)
    assert debtreg("annex1", "barnes-1995", "--as-of", "2003-02-05", db=postgres_url).stdout == ANNEX_1995
    calendar = ("due", "--from", "2001-01-01", "--to", "2003-12-31", "--as-of", "2003-12-10", "--format", "json")
    assert debtreg(*calendar, db=postgres_url).stdout == debtreg(*calendar, db=loaded_url).stdout
    coupon = ("pay", "barnes-1995", "--date", "2003-06-05", "--kind", "interest", "--dry-run")
    assert debtreg(*coupon, db=postgres_url).stdout == debtreg(*coupon, db=loaded_url).stdout


def test_counsel_reads_section_7_7_as_amended_with_its_amendment_marked(db):
    text = debtreg("text", "barnes-1995", "--as-of", "2003-02-05", "--section", "7.7", db=db).stdout
    assert ("[Section 7.7 amended and restated in its entirety by Amendment No. 2 to Note Purchase Agreement,"
            " Exhibit A, paragraph 1, effective as of 2003-02-05]") in " ".join(text.split())  # it runs on at 100 columns
    assert "(e) the Kar Guaranty; and (f) additional" in text.replace("\n", " ")
    data = json.loads(debtreg("text", "barnes-1995", "--as-of", "2003-02-04", "--section", "7.7", "--format", "json", db=db).stdout)
    [provision] = data["provisions"]
    assert provision["amended_by"] == [] and "$50 million" in provision["text"]


def test_a_redline_between_two_dates_as_html(db):
    html = debtreg("redline", "barnes-1995", "--from", "2003-02-04", "--to", "2003-02-05", "--format", "html", db=db).stdout
    assert html.startswith("<!DOCTYPE html>")
    assert "<del>$50 million;</del> <ins>$100 million (excluding the Kar Guaranty);</ins>" in html


def test_amendments_consents_and_guaranties_for_counsel(db):
    listing = json.loads(debtreg("amendments", "novascotia-1999", "--format", "json", db=db).stdout)
    assert [(a["number"], a["status"]) for a in listing] == [(1, "effective")]
    consents = json.loads(debtreg("consents", "novascotia-1999", "1", "--format", "json", db=db).stdout)
    assert consents["classes"] == [
        {"class": "all series", "voting_principal": "70000000.00", "consenting_principal": "56000000.00", "share": "80.00%"}
    ]
    assert "threshold 66-2/3%: met" in debtreg("consents", "novascotia-1999", "1", db=db).stdout
    guaranties = json.loads(debtreg("guaranties", "barnes-2000", "--as-of", "2003-02-05", "--format", "json", db=db).stdout)
    assert [g["guaranty"] for g in guaranties["guaranties"]] == ["kar-2003"]


def test_counsel_sees_how_much_more_principal_must_consent_to_an_amendment_pending(db, tmp_path):
    journal = tmp_path / "amendment-3.toml"
    journal.write_text('[journal]\nid = "barnes-1995-amendment-3"\ntitle = "Amendment No. 3"\nagreement = "barnes-1995"\n\n'
                       '[[entry]]\nid = "amendment-3"\ntype = "amendment"\neffective_on = 2003-03-03\n'
                       'evidence = { document = "amendment-3.pdf" }\nnumber = 3\nname = "Amendment No. 3"\n'
                       'consents_section = "5(a)"\n')
    debtreg("load", str(journal), db=db)
    debtreg("consent", "barnes-1995", "3", "--holder", "Lincoln", "--date", "2003-03-03", db=db)
    # 66-2/3% of the $18,750,000.00 is $12,500,000.00; Lincoln's $6,150,000.00 leaves $6,350,000.00
    said = debtreg("consents", "barnes-1995", "3", db=db).stdout
    assert ("all series: $6,150,000.00 of $18,750,000.00 consented (32.80%); threshold 66-2/3%: NOT met,"
            " $6,350,000.00 more needed") in " ".join(said.split())
    [counted] = json.loads(debtreg("consents", "barnes-1995", "3", "--format", "json", db=db).stdout)["classes"]
    assert counted["more_needed"] == "6350000.00"
    [pending] = [a for a in json.loads(debtreg("amendments", "barnes-1995", "--format", "json", db=db).stdout) if a["number"] == 3]
    assert pending["reason"] == "Section 5(a) consents: all series: 32.80% consented, 66-2/3% needed, $6,350,000.00 more"


def test_treasury_sees_every_payment_due_across_the_registry_with_its_total_and_what_is_not_on_file(db):
    args = ("due", "--from", "2003-01-01", "--to", "2003-12-31", "--as-of", "2003-12-10")
    lines = debtreg(*args, db=db, env={"COLUMNS": "200"}).stdout.splitlines()
    assert lines[0] == "Payments due 2003-01-01 to 2003-12-31, status as of 2003-12-10"
    rows = [[cell.strip() for cell in line.split("│")[1:-1]] for line in lines if line.startswith("│")]
    assert rows == [
        ["2003-06-05", "barnes-1995", "7.13%", "interest", "", "668,437.50", "not recorded"],
        ["2003-12-05", "barnes-1995", "7.13%", "interest", "", "668,437.50", "not recorded"],
        ["2003-12-05", "barnes-1995", "7.13%", "required prepayment", "6,250,000.00", "", "not recorded"],
        ["", "TOTAL on file", "", "", "6,250,000.00", "1,336,875.00", ""],
    ]
    assert ("not on file: barnes-2000: 8.59%: the day count of the 8.59% notes is not on file; no interest is scheduled"
            in lines), "a coupon not on file must not read as none due"
    data = json.loads(debtreg(*args, "--format", "json", db=db).stdout)
    assert (data["from"], data["to"], data["principal"], data["interest"]) == ("2003-01-01", "2003-12-31", "6250000.00", "1336875.00")
    assert [(p["agreement"], p["due_on"], p["kind"]) for p in data["payments"]][0] == ("barnes-1995", "2003-06-05", "interest")
    sheet = debtreg(*args, "--format", "csv", db=db)
    assert list(csv.reader(io.StringIO(sheet.stdout)))[1:] == [
        [p["agreement"], p["series"], p["kind"], p["due_on"], "", p["principal"], p["interest"], p["status"], "", "", "", ""]
        for p in data["payments"]]
    assert "Payments due 2003-01-01 to 2003-12-31, status as of 2003-12-10" in sheet.stderr, "what a CSV cannot hold, said"
    backwards = debtreg("due", "--from", "2003-12-31", "--to", "2003-01-01", db=db, check=False)
    assert backwards.returncode == 2 and "--from: 2003-12-31 is after --to 2003-01-01" in backwards.stderr
    for given, option in ((["--from", "", "--to", "2003-12-31"], "--from"), (["--from", "2003-01-01", "--to", ""], "--to")):
        empty = debtreg("due", *given, db=db, check=False)
        assert empty.returncode == 2 and f"Invalid value for {option}: give a date, YYYY-MM-DD" in empty.stderr
        written = debtreg("export", "due", *given, "-o", "-", db=db, check=False)
        assert written.returncode == 2 and "give a date, YYYY-MM-DD" in written.stderr
    none = debtreg("due", "--from", "2011-01-01", "--to", "2011-12-31", db=db).stdout
    assert none == "no payment on file is due from 2011-01-01 to 2011-12-31\n"


RENAMED = """\
[journal]
id = "acme-holders"
holders = true
title = "Holders renamed"
depends_on = ["acme-2024"]

[[entry]]
id = "example-life"
type = "holder"
effective_on = 2024-03-15
evidence = { document = "holder file" }
name = "Example Life Insurance Company"

[[entry]]
id = "renamed"
type = "holder-renamed"
effective_on = 2025-01-01
evidence = { document = "name change notice" }
holder = "Example Life Insurance Company"
name = "Exemplar Life Insurance Company"
"""


def test_a_payments_wires_name_each_holder_as_the_register_does_on_its_date(sqlite_url, tmp_path):
    (tmp_path / "acme-2024.toml").write_text(debtreg("template", db=None).stdout)
    (tmp_path / "holders.toml").write_text(RENAMED)
    debtreg("load", str(tmp_path), db=sqlite_url)
    before = debtreg("pay", "acme-2024", "--date", "2024-09-15", "--kind", "interest", db=sqlite_url).stdout
    assert "  to Example Life Insurance Company (No. 1): $180,000.00" in before.splitlines()
    after = debtreg("pay", "acme-2024", "--date", "2025-03-15", "--kind", "interest", "--dry-run", db=sqlite_url).stdout
    assert "  to Exemplar Life Insurance Company (No. 1): $180,000.00" in after.splitlines(), "renamed from 2025-01-01"
    register = json.loads(debtreg("register", "acme-2024", "--as-of", "2025-03-15", "--format", "json", db=sqlite_url).stdout)
    assert register["notes"][0]["holder"] == "Exemplar Life Insurance Company", "as the register names it"
    shown = debtreg("event", "acme-2024:4", db=sqlite_url).stdout
    assert "    to Example Life Insurance Company (No. 1): $180,000.00" in shown.splitlines()


def test_a_consent_is_recorded_from_the_command_line(db):
    debtreg(
        "transfer", "barnes-1995", "--date", "2003-03-03", "--from", "Lincoln", "--to", "New Holder LLC", "--new-holder", "--amount", "1,000,000", db=db
    )
    result = debtreg("consent", "barnes-1995", "2", "--holder", "New Holder", "--date", "2003-03-03", db=db, check=False)
    assert result.returncode == 1
    assert "'New Holder' is not a holder on 2003-02-05" in result.stderr


def test_treasury_records_the_december_2003_payments_and_the_status_clears(db):
    debtreg("pay", "barnes-1995", "--date", "2003-06-05", "--kind", "interest", db=db)
    beyond = json.loads(debtreg("status", "barnes-1995", "--as-of", "2003-12-08", "--format", "json", db=db).stdout)
    assert beyond["overdue"] == [] and beyond["record_ends"]["payments"] == "2003-02-05"
    assert [(p["kind"], p["status"]) for p in beyond["not_recorded"]] == [("interest", "not recorded"), ("required prepayment", "not recorded")]
    kept = debtreg("record-horizon", "barnes-1995", "--date", "2003-06-05", "--payments", "current", "--register", "current",
                   "--evidence", "treasury keeps the register from here on", db=db)
    assert "the record on file runs: register kept current, payments kept current" in kept.stdout
    before = json.loads(debtreg("status", "barnes-1995", "--as-of", "2003-12-08", "--format", "json", db=db).stdout)
    assert "record_ends" not in before
    assert [(p["kind"], p["status"]) for p in before["overdue"]] == [
        ("interest", "unpaid, within grace"),
        ("required prepayment", "unpaid: Event of Default"),
    ]
    paid = debtreg("pay", "barnes-1995", "--date", "2003-12-05", "--kind", "interest", "--amount", "668,437.50", db=db)
    assert "interest of $668,437.50 on the 7.13% notes due 2003-12-05" in paid.stdout
    debtreg("pay", "barnes-1995", "--date", "2003-12-05", "--kind", "required", db=db)
    after = json.loads(debtreg("status", "barnes-1995", "--as-of", "2003-12-08", "--format", "json", db=db).stdout)
    assert after["overdue"] == [] and after["outstanding"] == {"7.13%": "12500000.00"}
    assert "nothing overdue as of 2003-12-08" in debtreg("status", "barnes-1995", "--as-of", "2003-12-08", db=db).stdout


def test_holders_across_the_registry_say_which_agreements_registers_are_not_on_file_on_the_date(db):
    """Before 2003-02-05 only the 1995 register is on file: a holder's positions in the others are not known, and the
    view says so rather than showing the 1995 positions alone as if they were all."""
    gaps = {"barnes-2000": "the earliest register on file is as of 2003-02-05",
            "novascotia-1999": "the earliest register on file is as of 2003-02-05"}
    early = json.loads(debtreg("holders", "--as-of", "2001-06-01", "--format", "json", db=db).stdout)
    assert early["not_on_file"] == gaps
    assert {p["agreement"] for h in early["holders"] for p in h["positions"]} == {"barnes-1995"}
    text = debtreg("holders", "--as-of", "2001-06-01", db=db).stdout
    assert all(f"not on file: {key}: {gap}" in text for key, gap in gaps.items())
    later = json.loads(debtreg("holders", "--as-of", "2003-02-05", "--format", "json", db=db).stdout)
    assert "not_on_file" not in later and "not on file" not in debtreg("holders", "--as-of", "2003-02-05", db=db).stdout
    assert "│ TOTAL on file  " in text, "the total of the 1995 register alone is not the total of all three"


def test_holders_across_the_registry_give_each_holder_s_total_and_the_total_of_all(db):
    """A holder's exposure across agreements, and the three Barnes registers together: $18,750,000 + $60,000,000 +
    $70,000,000 on 2003-02-05 (the Annex 1 totals of the seeds)."""
    view = json.loads(debtreg("holders", "--as-of", "2003-02-05", "--format", "json", db=db).stdout)
    by_name = {h["name"]: h for h in view["holders"]}
    assert by_name["Allstate Life Insurance Company"]["total"] == "22500000.00"  # $10,000,000 (2000) + $12,500,000 (7.66%)
    assert by_name["State Farm Life Insurance Company"]["total"] == "14000000.00"  # both Nova Scotia series
    assert view["total"] == "148750000.00"
    text = debtreg("holders", "--as-of", "2003-02-05", db=db).stdout
    assert re.search(r"│ +│ total +│ +│ +22,500,000\.00 │", text) and re.search(r"│ TOTAL +│.*148,750,000\.00 │", text)
    one = debtreg("holders", "--as-of", "2003-02-05", "--holder", "Prudential", db=db).stdout
    assert "35,000,000.00" in one and "total" not in one.casefold(), "one position needs no total beneath it"
    alone = json.loads(debtreg("holders", "--as-of", "2003-02-05", "--holder", "State Farm", "--format", "json", db=db).stdout)
    assert alone["total"] == "14000000.00", "the total of the holders shown"


def test_nothing_accrues_at_the_coupon_rate_after_the_notes_mature(db):
    """The 7.13% notes mature on 2005-12-05; their payment is not on file. Accrued interest stops there (what fell due
    and is not recorded paid is for status to show), not 2.8 million days of coupon to 9999."""
    matured = [{"on": "2005-12-05", "notes": [2, 4, 5, 6, 7, 9], "why": "maturity"}]
    for on in ("2006-01-01", "9999-12-31"):
        view = json.loads(debtreg("accrued", "barnes-1995", "--as-of", on, "--format", "json", db=db).stdout)
        assert view["notes"] == [] and view["total"] == "0.00" and view["fell_due"] == matured
    text = debtreg("accrued", "barnes-1995", "--as-of", "2006-01-01", db=db).stdout
    assert "No. 2, 4, 5, 6, 7, 9 fell due on 2005-12-05 (maturity): no interest accrues on them after" in text
    before = json.loads(debtreg("accrued", "barnes-1995", "--as-of", "2005-12-01", "--format", "json", db=db).stdout)
    assert before["notes"] and "fell_due" not in before


def declare_the_1995_notes_due(db: str) -> None:
    """A covenant default on 2003-03-10, and holders of 51% declaring every 1995 note due on 2003-03-12
    (barnes-1995:32)."""
    debtreg("default", "barnes-1995", "--date", "2003-03-10", "--clause", "9.1(c)", "--description", "covenant", db=db)
    debtreg("accelerate", "barnes-1995", "--date", "2003-03-12", "--by", "Lincoln", "--by", "Connecticut General",
            "--by", "Life Insurance Company of North", "--treasury-curve", "1y=1.25,2y=1.60,3y=2.10", db=db)


def test_nothing_accrues_at_the_coupon_rate_after_the_notes_are_accelerated(db):
    """Declared due at once on 2003-03-12, with the interest to that day: from then on the notes are due, not
    accruing coupons; a rescission of the declaration lets them accrue again."""
    declare_the_1995_notes_due(db)
    view = json.loads(debtreg("accrued", "barnes-1995", "--as-of", "2003-06-01", "--format", "json", db=db).stdout)
    assert view["notes"] == [] and view["fell_due"] == [
        {"on": "2003-03-12", "notes": [2, 4, 5, 6, 7, 9], "why": "acceleration barnes-1995:32"}]
    upto = json.loads(debtreg("accrued", "barnes-1995", "--as-of", "2003-03-12", "--format", "json", db=db).stdout)
    assert len(upto["notes"]) == 6 and "fell_due" not in upto, "to the day it fell due, the notes accrue"


def test_treasury_records_the_interest_and_premium_a_declaration_made_due_and_status_says_so(db):
    declare_the_1995_notes_due(db)
    debtreg("pay", "barnes-1995", "--date", "2003-03-14", "--kind", "maturity", db=db)
    before = history(db)
    wrong = debtreg("pay", "barnes-1995", "--date", "2003-03-14", "--kind", "accelerated", "--interest", "360,213.54",
                    "--amount", "18,750,000", db=db, check=False)
    assert wrong.returncode == 2 and ("Invalid value for --amount: --kind accelerated does not take it; it takes --interest,"
                                      " --premium, --acceleration") in " ".join(wrong.stderr.split())
    bare = debtreg("pay", "barnes-1995", "--date", "2003-03-14", "--kind", "accelerated", db=db, check=False)
    assert bare.returncode == 2 and ("Invalid value for --interest: --kind accelerated needs it: the interest paid, at least"
                                     " what the acceleration made due") in " ".join(bare.stderr.split())
    short = debtreg("pay", "barnes-1995", "--date", "2003-03-14", "--kind", "accelerated", "--interest", "360,213.54",
                    db=db, check=False)
    assert short.returncode == 1 and short.stderr.splitlines() == [
        "debtreg: refused: the acceleration No. 32 made a $1,616,936.10 make-whole premium due; give the premium paid"
        " (Section 9.2)",
        "rule: what an acceleration made due beside the principal is paid once, while it is in force: the interest at"
        " least as made due, the premium as made due"]
    assert history(db) == before
    paid = debtreg("pay", "barnes-1995", "--date", "2003-03-14", "--kind", "accelerated", "--interest", "360,213.54",
                   "--premium", "1,616,936.10", "--format", "json", db=db).stdout
    [event] = json.loads(paid)["recorded"]
    assert event["event"] == "barnes-1995:34"
    status = json.loads(debtreg("status", "barnes-1995", "--as-of", "2003-03-15", "--format", "json", db=db).stdout)
    [acceleration] = status["accelerations"]
    assert (acceleration["paid_by"], acceleration["interest_paid"], acceleration["premium_paid"]) == (
        "barnes-1995:34", "360213.54", "1616936.10")
    assert not [line for line in status["not_on_file"] if "made due with the principal" in line]

    def kinds(holder: str) -> list[str]:
        lines = json.loads(debtreg("history", "barnes-1995", "--holder", holder, "--from", "2003-03-01", "--format", "json",
                                   db=db).stdout)
        return [line["kind"] for line in lines]

    # a holder's history has the declaration it made, or that made its notes due, and what it was paid
    assert kinds("Lincoln") == ["NotesAccelerated", "PaidAtMaturity", "AccelerationPaid"]
    assert kinds("ACE American") == ["NotesAccelerated", "PaidAtMaturity", "AccelerationPaid"]


def test_a_makewhole_quote_sets_out_every_step_and_records_nothing(db):
    before = history(db)
    text = debtreg("makewhole", "barnes-1995", "--date", "2003-03-20", "--amount", "3,000,000",
                   "--treasury-curve", "1y=1.25,2y=1.60,3y=2.10,5y=2.90", db=db).stdout
    assert "= 1.750000 years" in text
    assert "interpolated between the 1-year yield 1.25% and the 2-year yield 1.60%" in text
    assert "make-whole premium                               $255,432.51" in text
    with_months = debtreg("makewhole", "barnes-1995", "--date", "2003-03-20", "--amount", "3,000,000",
                          "--treasury-curve", "1m=1.10,2m=1.15,1y=1.25,2y=1.60", db=db).stdout
    assert "curve given: 1m=1.10%, 2m=1.15%, 1y=1.25%, 2y=1.60%" in with_months and "$255,432.51" in with_months
    assert history(db) == before
    refused = debtreg("prepay", "barnes-1995", "--date", "2003-03-20", "--amount", "2,500,000", "--kind", "optional",
                      "--treasury-curve", "1y=1.25,2y=1.60", db=db, check=False)
    assert refused.returncode == 1 and "must be a multiple of $1,000,000.00" in refused.stderr


def test_each_command_in_one_process_sizes_its_tables_for_its_own_terminal(db):
    """The console was made once a process, at the first command's width: every later command in that process (a
    test, a program calling the CLI) printed its tables at that width, whatever its own."""
    asked = ("register", "barnes-1995", "--as-of", "2003-02-05")
    wide = debtreg(*asked, db=db, env={"COLUMNS": "250"}).stdout
    narrow = debtreg(*asked, db=db, env={"COLUMNS": "100"}).stdout
    assert max(map(len, narrow.splitlines())) <= 100 < max(map(len, wide.splitlines()))


def test_a_makewhole_quote_fits_the_terminal_each_payment_on_a_line_with_its_figures_named(db):
    """At 80 columns the remaining payments' columns (97 wide) and the steps' prose ran past the terminal's edge."""
    asked = ("makewhole", "barnes-1995", "--date", "2003-03-20", "--amount", "3,000,000",
             "--treasury-curve", "1y=1.25,2y=1.60,3y=2.10,5y=2.90")
    wide = debtreg(*asked, db=db, env={"COLUMNS": "160"}).stdout
    narrow = debtreg(*asked, db=db, env={"COLUMNS": "80"}).stdout
    assert max(map(len, narrow.splitlines())) <= 80 < max(map(len, wide.splitlines()))
    columns = [line.split() for line in wide.splitlines() if re.match(r" {3}\d{4}-\d\d-\d\d ", line)]
    named = re.findall(r"(\d{4}-\d\d-\d\d): principal (\S+), interest (\S+), (\d+) months, (\S+) periods, discount factor"
                       r" (\S+), present value (\S+)", " ".join(narrow.split()))
    assert [list(found) for found in named] == columns and len(columns) == 6
    steps = [" ".join(text.split("\n2. ", 1)[1].split()) for text in (wide, narrow)]
    assert steps[0] == steps[1] and "= 1.750000 years" in steps[1], "the steps after the payments: the same words"


def test_an_auditor_keeps_a_digest_and_later_checks_the_log_extends_it(db, tmp_path):
    kept = tmp_path / "head.json"
    kept.write_text(debtreg("digest", db=db).stdout)
    assert json.loads(kept.read_text())["format"] == "debtreg-registry-head-v1"
    debtreg("transfer", "barnes-1995", "--date", "2003-03-03", "--from", "Lincoln", "--to", "New Holder", "--new-holder", "--amount", "1,000,000", db=db)
    assert debtreg("verify", "--digest", str(kept), db=db).stdout.startswith("intact: ")
    import sqlite3

    path = db.removeprefix("sqlite:///")
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE debtreg_events SET state = ? WHERE hex(originator_id) = ? AND originator_version = 2",
                           (b'{"edited":1}', BARNES_1995))
    result = debtreg("verify", db=db, check=False)
    assert result.returncode == 1
    assert "NOT intact: event 2 of agreement barnes-1995 does not match the tree head signed by tests" in result.stderr


def test_verify_trusts_a_key_given_or_a_file_holding_one_and_says_what_is_wrong_with_either(db, tmp_path):
    """`verify --trust 00` was refused as "cannot read 00: No such file or directory"."""
    from support import ADMIN

    (tmp_path / "key.txt").write_text(ADMIN.public_key + "\n")
    assert debtreg("verify", "--trust", str(tmp_path / "key.txt"), db=db).stdout.startswith("intact")
    for given, said in (("00", "--trust: '00' is neither a public key (64 hex digits) nor a file holding one"),
                        (str(tmp_path), f"--trust: {str(tmp_path)!r} is neither a public key"),
                        ("z" * 64, f"--trust: {'z' * 64!r} does not give a public key: 64 hex digits")):
        refused = debtreg("verify", "--trust", given, db=db, check=False)
        assert refused.returncode == 1 and said in refused.stderr, refused.stderr


def test_a_view_of_a_tampered_store_refuses_in_text_and_json_naming_the_event(db):
    import sqlite3

    with sqlite3.connect(db.removeprefix("sqlite:///")) as connection:
        connection.execute("UPDATE debtreg_events SET state = replace(state, '1800000.00', '1900000.00')"
                           " WHERE hex(originator_id) = ? AND originator_version = 8", (BARNES_1995,))
    text = debtreg("annex1", "barnes-1995", "--as-of", "2003-02-05", db=db, check=False)
    data = debtreg("annex1", "barnes-1995", "--as-of", "2003-02-05", "--format", "json", db=db, check=False)
    assert (text.returncode, text.stdout, data.returncode) == (1, "", 1)
    assert "event 8 of agreement barnes-1995 does not match the tree head" in text.stderr
    error = json.loads(data.stdout)["error"]
    assert error["type"] == "Tampered" and "event 8 of agreement barnes-1995" in error["message"]
    assert "TOTAL" not in data.stdout + text.stderr


def test_a_reversal_in_the_open_and_the_view_as_known_before_it(db):
    recorded = debtreg("transfer", "barnes-1995", "--date", "2003-03-03", "--from", "Lincoln", "--to", "Wrong Holder", "--new-holder",
                       "--amount", "1,000,000", db=db).stdout
    event = recorded.split()[1].rstrip(":")
    moment = json.loads(debtreg("history", "barnes-1995", "--format", "json", db=db).stdout)[-1]["recorded_at"]
    reversal = debtreg("reverse", event, "--reason", "wrong transferee", db=db).stdout
    assert reversal.startswith("recorded barnes-1995:") and reversal.rstrip().endswith("wrong transferee")
    now = json.loads(debtreg("annex1", "barnes-1995", "--as-of", "2003-03-03", "--format", "json", db=db).stdout)
    then = json.loads(debtreg("annex1", "barnes-1995", "--as-of", "2003-03-03", "--format", "json", "--known-at", moment, db=db).stdout)
    assert "Wrong Holder" not in [h["holder"] for h in now["holders"]]
    assert "Wrong Holder" in [h["holder"] for h in then["holders"]]
    lines = json.loads(debtreg("history", "barnes-1995", "--format", "json", db=db).stdout)
    assert next(line for line in lines if line["event"] == event)["reversed_by"] == lines[-1]["event"]
    assert "REVERSED by" in debtreg("history", "barnes-1995", db=db).stdout
    before = debtreg("history", "barnes-1995", "--format", "json", db=db).stdout
    unknown = debtreg("reverse", "barnes-1959:3", "--reason", "a typo", db=db, check=False)
    assert (unknown.returncode, unknown.stdout) == (1, "")
    assert "nothing on the registry is called 'barnes-1959'; on the registry: barnes-1995" in unknown.stderr
    assert debtreg("history", "barnes-1995", "--format", "json", db=db).stdout == before


@pytest.mark.parametrize("view", [["annex1", "barnes-1995", "--as-of", "2003-02-05"], ["history", "barnes-1995"],
                                  ["status", "barnes-1995", "--as-of", "2003-02-05"], ["holders", "--as-of", "2003-02-05"],
                                  ["text", "barnes-1995", "--as-of", "2003-02-05", "--section", "7.7"]])
def test_a_view_as_known_at_a_moment_says_so_above_it(db, view):
    """Annex 1 as known before an entry and Annex 1 now printed the same heading: nothing said which a printout was."""
    history = json.loads(debtreg("history", "barnes-1995", "--format", "json", db=db).stdout)
    recorded = next(line["recorded_at"] for line in history if line["event"] == "barnes-1995:29")
    shown = debtreg(*view, "--known-at", "barnes-1995:29", db=db).stdout.splitlines()
    at = datetime.fromisoformat(recorded).astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
    assert shown[0] == f"as known at {at} UTC (when barnes-1995:29 was recorded): what was recorded after it is left out"
    later = debtreg(*view, "--known-at", "2100-01-01", db=db).stdout.splitlines()
    assert later[0].startswith("as known at 2100-01-01 23:59:59 UTC, a time still to come: this is what is recorded so far")
    assert debtreg(*view, db=db).stdout.splitlines()[0] == later[1 + later[1].startswith("    ")], "now: nothing above it"
    assert not debtreg(*view, "--known-at", "2100-01-01", "--format", "json", db=db).stdout.startswith("as known")


KNOWN_AT_VIEWS = [("outstanding", "barnes-1995", "--as-of", "2003-02-05"), ("terms", "barnes-1995"),
                  ("schedule", "barnes-1995", "--as-of", "2003-02-05"), ("status", "barnes-1995", "--as-of", "2003-02-05"),
                  ("accrued", "barnes-1995", "--as-of", "2003-02-05"), ("text", "barnes-1995", "--as-of", "2003-02-05",
                  "--section", "7.7"), ("redline", "barnes-1995", "--from", "2003-02-04", "--to", "2003-02-05"),
                  ("consents", "barnes-1995", "2"), ("guaranties", "barnes-1995", "--as-of", "2003-02-05"),
                  ("holders", "--as-of", "2003-02-05")]


@pytest.mark.parametrize("view", KNOWN_AT_VIEWS, ids=[v[0] for v in KNOWN_AT_VIEWS])
def test_a_view_in_json_as_known_at_a_moment_says_which_as_the_register_does(loaded_url, view):
    """The register's and Annex 1's JSON say the moment they are known at; the others' did not, so a program keeping
    the answer to --known-at barnes-1995:20 could not tell it from one of what is known now."""
    def shown(*args: str) -> dict:
        ran = command_line(loaded_url, *args, "--format", "json")
        assert ran.exit_code == 0, ran.output
        return json.loads(ran.stdout)

    register = shown("register", "barnes-1995", "--as-of", "2003-02-05", "--known-at", "barnes-1995:20")
    assert shown(*view, "--known-at", "barnes-1995:20")["known_at"] == register["known_at"] is not None
    assert "known_at" not in shown(*view)


def test_tables_fit_the_columns_given_and_never_split_an_amount_or_an_id(db):
    env = {k: v for k, v in os.environ.items() if k != "DEBTREG_DATABASE_URL"}
    for view in (["schedule", "barnes-1995", "--as-of", "2003-02-05"], ["register", "barnes-1995", "--as-of", "2003-02-05"],
                 ["history", "barnes-1995"]):
        result = subprocess.run([DEBTREG, "--db", db, *view], capture_output=True, text=True, env={**env, "COLUMNS": "80"},
                                timeout=120, check=True)
        table = [line for line in result.stdout.splitlines() if line[:1] in "┏┃┡│└"]
        assert table and max(len(line) for line in table) <= 80, view
        cells = [cell.strip() for line in table for cell in line.split("│")]
        assert "6,250,000.00" in cells or view[0] != "schedule", "an amount is whole on its line"
        assert "barnes-1995:21" in cells or view[0] != "history", "an event id is whole on its line"


@pytest.mark.parametrize("columns", ["80", "100", "120"])
def test_a_table_too_wide_for_the_terminal_loses_nothing_and_breaks_no_word_it_has_room_for(db, columns):
    """`identity list` at 80 columns showed its names' columns empty, zero wide, and the public key cut to 50 of its 64
    digits (rich crops what it cannot fit); at 120, "2026-12-0" over "5". Now a key too wide folds, and names and
    times wrap between words where the others leave them room."""
    env = {k: v for k, v in os.environ.items() if k != "DEBTREG_DATABASE_URL"}
    ran = subprocess.run([DEBTREG, "--db", db, "--identity", admin_key(), "identity", "list"], capture_output=True,
                         text=True, env={**env, "COLUMNS": columns}, timeout=120, check=True).stdout
    key = json.loads(debtreg("identity", "list", "--format", "json", db=db).stdout)[0]["public_key"]
    assert max(len(line) for line in ran.splitlines()) <= int(columns), ran
    if columns != "120":  # too narrow for the table and its key: each identity's fields a line each, the key whole
        lines = ran.splitlines()
        assert "  Name           tests" in lines and "  Registered by  tests" in lines, ran
        assert any(line.split()[-1:] == [key] for line in lines) and "┃" not in ran, ran
        assert re.search(r"\n  At +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\n", ran), ran
        return
    table = [line for line in ran.splitlines() if line[:1] in "┏┃┡│└"]
    column = lambda n: "".join(line.split("│")[n].strip() for line in table if line.startswith("│"))  # noqa: E731
    assert column(1) == "tests" and column(3) == key and column(4) == "tests", ran
    assert re.fullmatch(r"\d{4}-\d\d-\d\d\d\d:\d\d:\d\dUTC", column(5).replace(" ", "")), ran  # none broken
    if columns == "120":  # each column its longest word: the file name whole (rich broke it before its comma)
        guaranties = subprocess.run([DEBTREG, "--db", db, "guaranties", "novascotia-1999", "--as-of", "2003-02-05"],
                                    capture_output=True, text=True, env={**env, "COLUMNS": columns}, timeout=120, check=True)
        assert "│ 001_559a2a107d7f5378.txt," in guaranties.stdout and max(map(len, guaranties.stdout.splitlines())) <= 120


@pytest.mark.parametrize("view", [["register", "barnes-1995", "--as-of", "2003-02-05"], ["holders", "--as-of", "2003-02-05"],
                                  ["guaranties", "novascotia-1999", "--as-of", "2003-02-05"],
                                  ["status", "novascotia-1999", "--as-of", "2008-01-01"]])
def test_a_table_too_wide_for_the_terminal_is_its_rows_one_after_another_losing_nothing(db, view):
    """At 60 columns the register broke every column's name and every date ("Holde" over "r", "1995-" over "12-05"),
    and the guaranties at 80 gave their evidence five letters a line. A table that cannot be fitted is its rows one
    after another, a field a line under the column's name, as terms and event print fields: the same words, none
    broken. (In a process of its own: a process sizes its tables once.)"""
    env = {k: v for k, v in os.environ.items() if k != "DEBTREG_DATABASE_URL"}

    def shown(columns: int) -> str:
        return subprocess.run([DEBTREG, "--db", db, *view], capture_output=True, text=True, env={**env, "COLUMNS": str(columns)},
                              timeout=120, check=True).stdout

    narrow, wide = shown(60), shown(250)
    assert "┃" not in narrow and "┃" in wide and max(map(len, narrow.splitlines())) <= 60, narrow
    cells = [cell.strip() for line in wide.splitlines() if line.startswith("│") for cell in line.split("│")[1:-1]]
    assert {c for c in cells if re.fullmatch(r"\d{4}-\d\d-\d\d", c)} <= set(re.findall(r"\d{4}-\d\d-\d\d", narrow))
    assert not Counter(w for c in cells for w in c.split()) - Counter(narrow.split()), "every word of every cell"


def test_a_tables_title_is_a_line_of_its_own_fitted_to_the_terminal_not_to_the_table(db):
    """A title longer than its table wrapped at the table's width, "as of" over "2008-01-01" at 60 columns, and a
    title was padded with spaces to the table's width. (In a process of its own: a process sizes its tables once.)"""
    env = {k: v for k, v in os.environ.items() if k != "DEBTREG_DATABASE_URL"}
    ran = subprocess.run([DEBTREG, "--db", db, "status", "novascotia-1999", "--as-of", "2008-01-01"], capture_output=True,
                         text=True, env={**env, "COLUMNS": "60"}, timeout=120, check=True).stdout.splitlines()
    at = ran.index("Due after the record ends, not recorded (paid or not: not on")
    assert ran[at + 1] == "    file) as of 2008-01-01" and ran[at + 2] == "  Due        2007-11-12", ran
    assert "Next payments" in ran and not [line for line in ran if line.endswith(" ")], "no line padded"


def test_the_notes_beneath_annex_1_fit_the_columns_given_and_its_table_stays_as_printed(db):
    """Annex 1's assumptions ran on one line each, 300 characters, folded by the terminal mid-word; the schedule itself
    keeps the amendments' layout. (In a process of its own: a process sizes its output once.)"""
    env = {k: v for k, v in os.environ.items() if k != "DEBTREG_DATABASE_URL"}
    lines = subprocess.run([DEBTREG, "--db", db, "annex1", "barnes-1995", "--as-of", "2001-06-01"], capture_output=True,
                           text=True, env={**env, "COLUMNS": "80"}, timeout=120, check=True).stdout.splitlines()
    notes = lines[lines.index("figures marked A1, A2, ... rest on facts the documents do not give:"):]
    assert max(map(len, notes)) <= 80 and len(notes) > 7, notes
    assert notes[3].startswith("      "), "a note runs on under itself"
    assert "Connecticut General Life Insurance Company       $  6,800,000  [A1 A2 A3]" in lines, "the figures where printed"
    two = subprocess.run([DEBTREG, "--db", db, "annex1", "novascotia-1999", "--as-of", "2003-02-05"], capture_output=True,
                         text=True, env={**env, "COLUMNS": "80"}, timeout=120, check=True).stdout.splitlines()
    assert two[:2] == ["novascotia-1999: 3031786 Nova Scotia Company 7.66% Senior Notes due November 12,",
                       "    2007 and 7.80% Senior Notes due November 12, 2010, as of 2003-02-05"], "its heading, 148 wide, fits"
    # the table's heading (86 wide where the figures are 79) is drawn in to end at the terminal's edge, over them
    assert max(map(len, two)) <= 80 and "Current Noteholders:                       Outstanding Principal Amount of Notes" in two
    assert "State Farm Life Insurance Company                $  7,000,000      $  7,000,000" in two


def test_identity_init_says_who_it_made_within_the_columns_given_its_key_whole(tmp_path):
    """`identity init` printed 130 characters on one line, its public key folded mid-digest at 80 columns."""
    env = {k: v for k, v in os.environ.items() if k not in ("DEBTREG_DATABASE_URL", "DEBTREG_IDENTITY")}
    made = subprocess.run([DEBTREG, "--db", str(tmp_path / "new.sqlite"), "identity", "init", "Ann Admin"], cwd=tmp_path,
                          capture_output=True, text=True, env={**env, "COLUMNS": "80"}, timeout=120, check=True).stdout
    lines = made.splitlines()
    assert max(map(len, lines)) <= 80 and re.fullmatch(r" {4}[0-9a-f]{64}", lines[-1]), made


def test_verify_says_intact_within_the_columns_given_its_root_whole(db):
    """`verify` printed its 121-character line past an 80-column terminal, which folded the root mid-digest."""
    lines = debtreg("verify", db=db, env={"COLUMNS": "80"}).stdout.splitlines()
    root = json.loads(debtreg("digest", db=db).stdout)["root"]
    assert lines[0].startswith("intact: ") and lines[1] == f"    {root}" and max(map(len, lines)) <= 80, lines


@pytest.mark.parametrize("view", [["terms", "barnes-1995"], ["event", "barnes-1995:8"], ["event", "barnes-1995:2"]])
def test_a_key_value_view_fits_the_columns_given_each_value_under_its_own_column(db, view):
    """A long value ran past the terminal, which folded it under the keys; words, amounts and ids stay whole."""
    result = debtreg(*view, db=db, env={"COLUMNS": "80"})
    lines = result.stdout.splitlines()
    over = [line for line in lines if len(line) > 80]
    assert all(len(line.split()) <= 2 for line in over), over  # a key and a word too long for a line (a digest), whole
    if view[1] == "barnes-1995:8":
        at = lines.index("  evidence note    Lincoln's $6,150,000 and Connecticut General's $5,100,000 are")
        assert lines[at + 1] == "                   75% of $8,200,000 and $6,800,000"
        assert "        principal        8,200,000.00" in lines
    assert "".join(debtreg(*view, db=db).stdout.split()) == "".join(result.stdout.split()), "nothing but line breaks changes"


@pytest.mark.parametrize("view", [["outstanding", "barnes-1995", "--as-of", "2003-02-05"], ["holders", "--as-of", "2001-06-01"],
                                  ["amendments", "barnes-1995"], ["status", "barnes-1995", "--as-of", "2010-01-01"],
                                  ["text", "barnes-1995", "--as-of", "2003-02-05", "--section", "7.7"],
                                  ["redline", "barnes-1995", "--from", "2003-02-04", "--to", "2003-02-05"]])
def test_the_notes_beneath_a_table_fit_the_columns_given(db, view):
    """An assumption's note ran past the terminal, which folded it under the table's left edge. (In a process of its own:
    a process sizes its tables once.)"""
    env = {k: v for k, v in os.environ.items() if k != "DEBTREG_DATABASE_URL"}
    lines = subprocess.run([DEBTREG, "--db", db, *view], capture_output=True, text=True, env={**env, "COLUMNS": "80"},
                           timeout=120, check=True).stdout.splitlines()
    assert max(map(len, lines)) <= 80, [line for line in lines if len(line) > 80]
    if view[0] == "outstanding":
        at = lines.index("  A1 (barnes-1995:3) assumed note numbers 1-4: certificate numbers are not on")
        assert lines[at + 1].startswith("      file (the Exhibit B form"), "it runs on under itself, not under the mark"


def test_shell_completion_is_offered():
    """typer finds the shell among the command's parents (a word after --show-completion is not read), so this runs it
    from bash, as a user's shell does (two commands, so that bash stays its parent rather than exec it): under a parent
    that is no shell (pytest under nohup, say) it says "Shell  not supported"."""
    env = {k: v for k, v in os.environ.items() if k != "DEBTREG_DATABASE_URL"}
    script = subprocess.run(["bash", "-c", f"'{DEBTREG}' --show-completion; exit $?"], capture_output=True, text=True, env=env,
                            timeout=120, check=True).stdout
    assert "_DEBTREG_COMPLETE" in script and "complete" in script


def test_loading_a_fresh_store_with_a_key_file_makes_it_the_first_administrator(sqlite_url):
    loaded = debtreg("load", str(FIXTURES), db=sqlite_url)
    assert "tests is now its first administrator" in loaded.stderr
    assert "tests is now" not in debtreg("load", str(FIXTURES), db=sqlite_url).stderr, "once only"
    other = debtreg("load", str(FIXTURES), db=sqlite_url, identity=key_of(CLERK), check=False)
    assert other.returncode == 1 and "Tom Treasurer is not an identity of this registry" in other.stderr


def test_loading_a_fresh_store_with_no_identity_at_all_makes_the_login_its_first_administrator(tmp_path):
    """`debtreg load fixtures/` in an empty directory, nothing configured: it loads, acting as a new first
    administrator named after the login, whose key file later commands use; nothing is asked first."""
    env = {k: v for k, v in os.environ.items() if k not in ("DEBTREG_DATABASE_URL", "DEBTREG_IDENTITY")}
    loaded = subprocess.run([DEBTREG, "load", str(FIXTURES)], capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120)
    assert loaded.returncode == 0, loaded.stderr
    assert "its first administrator; key file .debtreg/identity.key" in loaded.stderr
    assert oct((tmp_path / ".debtreg" / "identity.key").stat().st_mode & 0o777) == "0o600"
    annex = subprocess.run([DEBTREG, "annex1", "barnes-1995", "--as-of", "2003-02-05"], capture_output=True, text=True,
                           cwd=tmp_path, env=env, timeout=120)
    assert annex.stdout == ANNEX_1995
    again = subprocess.run([DEBTREG, "load", str(FIXTURES)], capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120)
    assert again.returncode == 0 and "first administrator" not in again.stderr, "the key file made then is used now"
    transfer = subprocess.run([DEBTREG, "transfer", "barnes-1995", "--date", "2003-03-03", "--from", "Lincoln", "--to", "X",
                               "--new-holder", "--amount", "100,000"], capture_output=True, text=True, cwd=tmp_path, env=env,
                              timeout=120)
    assert transfer.returncode == 0, transfer.stderr


NOTHING_CONFIGURED = {"DEBTREG_IDENTITY": None, "DEBTREG_DATABASE_URL": None}  # no identity, no store named: the defaults
OVER_TRANSFER = """[journal]
id = "over-transfer"
title = "A transfer of more than Lincoln holds"
agreement = "barnes-1995"
depends_on = ["barnes-1995"]

[[entry]]
id = "too-much"
type = "transfer"
effective_on = 2003-03-03
evidence = { document = "a transfer request", section = "2.1" }
from = "Lincoln Investment Management, Inc."
to = "Connecticut General Life Insurance Company"
amount = "99,000,000"
"""


@pytest.mark.parametrize("journal", ["malformed", "refused entry"])
def test_a_refused_first_load_records_nothing_makes_no_administrator_and_writes_no_key_file(tmp_path, monkeypatch, journal):
    """`debtreg load` in an empty directory, nothing configured, refused: no key file, no note of a first
    administrator, and the store file it made holds nothing (no identity, no event); the load that follows makes
    the first administrator as before."""
    monkeypatch.chdir(tmp_path)
    folder = shutil.copytree(FIXTURES, tmp_path / "journals")
    bad = folder / "zz-bad.toml"
    bad.write_text(OVER_TRANSFER if journal == "refused entry" else "[journal]\nid = \n")
    runner = CliRunner(env=NOTHING_CONFIGURED)
    refused = runner.invoke(app, ["load", str(folder)])
    assert refused.exit_code == 1 and "zz-bad.toml" in refused.stderr
    assert "first administrator" not in refused.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["debtreg.sqlite", "journals"], "no .debtreg"
    assert holds_nothing("sqlite:///debtreg.sqlite")
    bad.unlink()
    loaded = runner.invoke(app, ["load", str(folder)])
    assert loaded.exit_code == 0, loaded.stderr
    assert "its first administrator; key file .debtreg/identity.key" in loaded.stderr
    store = Registry("sqlite:///debtreg.sqlite")
    try:
        assert store.verify().problem is None
        added = datetime.fromisoformat(store.ledger.identity_records()[0].added_at)
        stamped = [store.mapper.to_domain_event(n).timestamp for n in store.notifications()]
        assert len(stamped) > 60 and min(stamped) >= added, "every entry is stamped after its recorder exists"
    finally:
        store.close()


def test_journals_are_checked_before_there_is_a_store_and_none_is_made(tmp_path):
    """`debtreg check` before the first load: against an empty registry, recording nothing, making no file."""
    missing = tmp_path / "debtreg.sqlite"
    checked = debtreg("check", str(FIXTURES), "--format", "json", db=str(missing))
    assert {j["journal"].rsplit("/", 1)[-1]: j["recorded"] for j in json.loads(checked.stdout)}["barnes-1995.toml"] == 30
    assert not missing.exists()


def test_a_journal_with_no_entries_is_listed_with_none_not_left_out(db, tmp_path):
    """A journal holding only its [journal] table was left out of the summary: `check` of it alone printed an
    empty table, as if no file had been read."""
    empty = tmp_path / "empty.toml"
    empty.write_text('[journal]\nid = "later"\ntitle = "Entries to come"\nagreement = "barnes-1995"\n')
    checked = json.loads(debtreg("check", str(empty), str(FIXTURES / "kar-guaranty.toml"), "--format", "json", db=db).stdout)
    assert checked[-1] == {"journal": str(empty), "agreement": "barnes-1995", "entries": 0, "recorded": 0, "on_file": 0, "events": 0}
    assert [j["journal"] for j in checked] == [str(FIXTURES / "kar-guaranty.toml"), str(empty)]
    loaded = debtreg("load", str(empty), db=db)
    assert f"{empty}" in loaded.stdout and "barnes-1995" in loaded.stdout


@pytest.mark.parametrize("text", ["", '[[entry]]\nid = "a"\n'])
def test_a_journal_without_its_journal_table_is_refused_saying_what_it_lacks(db, tmp_path, text):
    """An empty file was refused as "journal: is required"."""
    (tmp_path / "a.toml").write_text(text)
    refused = debtreg("check", str(tmp_path / "a.toml"), db=db, check=False)
    assert refused.returncode == 1
    assert "the [journal] table is missing: a journal starts with one giving its id, title and agreement" in refused.stderr


def test_a_first_load_that_cannot_keep_its_key_enrols_no_one_and_records_nothing(tmp_path, monkeypatch):
    """The key file is written before the first administrator is enrolled: an administrator no one holds the key
    of could never record again."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".debtreg").write_text("a file where the key file's folder would go")
    refused = CliRunner(env=NOTHING_CONFIGURED).invoke(app, ["load", str(FIXTURES)])
    assert refused.exit_code == 1 and "cannot write the key file .debtreg/identity.key" in refused.stderr
    assert "first administrator" not in refused.stderr and holds_nothing(f"sqlite:///{tmp_path / 'debtreg.sqlite'}")


@pytest.mark.parametrize("fresh", ["new file", "empty store"])
def test_a_refused_first_load_with_a_key_file_leaves_the_store_as_it_was(sqlite_url, fresh):
    if fresh == "empty store":
        Registry(sqlite_url).close()  # its tables made, no identity
    result = debtreg("load", str(FIXTURES), str(FIXTURES / "holders.toml"), "/nonexistent.toml", db=sqlite_url, check=False)
    assert result.returncode == 1 and "no such file" in result.stderr and "first administrator" not in result.stderr
    assert holds_nothing(sqlite_url)


def holds_nothing(url: str) -> bool:
    """The store at ``url`` has no identity and no event."""
    store = Registry(url, read_only=True)
    try:
        return store.ledger.identity_records() == [] and not any(True for _ in store.notifications())
    finally:
        store.close()


def test_recording_on_a_store_without_identities_says_how_to_start(sqlite_url):
    Registry(sqlite_url).close()  # a store, its tables made, no identity registered
    result = debtreg("transfer", "barnes-1995", "--date", "2003-03-03", "--from", "Lincoln", "--to", "X", "--new-holder",
                     "--amount", "100,000", db=sqlite_url, check=False)
    assert result.returncode == 1 and "no identities yet" in result.stderr and "debtreg identity init NAME" in result.stderr


def test_recording_on_a_store_that_does_not_exist_or_a_directory_is_refused_and_makes_no_file(tmp_path):
    missing = tmp_path / "typo.sqlite"
    for args in (["transfer", "barnes-1995", "--date", "2003-03-03", "--from", "Lincoln", "--to", "X", "--new-holder",
                  "--amount", "100,000"],
                 ["identity", "add", "Tom Treasurer", "--role", "treasury", "--key-file", str(tmp_path / "tom.key")],
                 ["identity", "revoke", "Tom Treasurer"]):
        result = debtreg(*args, db=str(missing), check=False)
        assert result.returncode == 1, args
        assert f"there is no store at {missing}: load journals into it first" in result.stderr, args
        assert not missing.exists() and not (tmp_path / "tom.key").exists(), args
    for args in (["annex1", "barnes-1995", "--as-of", "2003-02-05"], ["load", str(FIXTURES)]):
        directory = debtreg(*args, db=str(tmp_path), check=False)
        assert directory.returncode == 1 and f"{tmp_path} is a directory, not a store: give --db the store's file" in directory.stderr
    for name in ("  ", "Ann\nAdministrator"):
        refused = debtreg("identity", "init", name, "--key-file", str(tmp_path / "admin.key"), db=str(missing), check=False)
        assert refused.returncode == 2 and "NAME: " in refused.stderr, name
        assert not missing.exists() and not (tmp_path / "admin.key").exists(), "a refused identity init makes nothing"
    made = debtreg("identity", "init", "First Administrator", "--key-file", str(tmp_path / "admin.key"), db=str(missing))
    assert "administrator First Administrator registered" in made.stdout and missing.exists(), "identity init makes a store"


def test_an_identity_revoked_is_not_revoked_again_and_one_unknown_is_refused_naming_those_there_are(db):
    """A second `identity revoke` recorded the revocation again and said "revoked" as if it were news."""
    enrol(db, (CLERK, TREASURY))
    assert debtreg("identity", "revoke", "Tom Treasurer", db=db).stdout == "Tom Treasurer revoked by tests\n"
    before = json.loads(debtreg("identity", "list", "--format", "json", db=db).stdout)
    again = debtreg("identity", "revoke", "tom treasurer", db=db, check=False)
    assert again.returncode == 1 and re.search(r"Tom Treasurer was revoked already, by tests at \d{4}-\d\d-\d\d "
                                               r"\d\d:\d\d:\d\d UTC: nothing to do", again.stderr), again.stderr
    assert json.loads(debtreg("identity", "list", "--format", "json", db=db).stdout) == before
    unknown = debtreg("identity", "revoke", "Tom", db=db, check=False)
    assert unknown.returncode == 1 and "'Tom' is not an identity of this registry; its identities: tests, Tom Treasurer" in unknown.stderr


def test_snapshots_written_again_after_an_upgrade_are_what_the_events_fold_to(db, monkeypatch):
    """After an upgrade whose code folds differently, every agreement's snapshot is stale (views and commands fold
    the whole history); a recorder writes them again, from the events, and verify finds them as the fold gives."""
    import sqlite3

    from adapters.identity import AUDITOR

    path = db.removeprefix("sqlite:///")
    with sqlite3.connect(path) as connection:
        before = connection.execute("select stream, state from debtreg_snapshots order by stream").fetchall()
        connection.execute("update debtreg_snapshots set schema = 'the release before'")
    enrol(db, (JANE, AUDITOR))
    refused = debtreg("snapshots", db=db, identity=key_of(JANE), check=False)
    assert refused.returncode == 1 and "to write snapshots needs the role treasury or administrator" in refused.stderr
    with sqlite3.connect(path) as connection:
        assert {schema for schema, in connection.execute("select schema from debtreg_snapshots")} == {"the release before"}
    ran = debtreg("snapshots", "--format", "json", db=db)
    written = json.loads(ran.stdout)["written"]
    assert sorted(written) == ["barnes-1995", "barnes-2000", "novascotia-1999"]
    with sqlite3.connect(path) as connection:
        after = connection.execute("select stream, state from debtreg_snapshots order by stream").fetchall()
        assert {schema for schema, in connection.execute("select schema from debtreg_snapshots")} != {"the release before"}
    assert after == before, "the state each agreement's events fold to, as its last save wrote it"
    assert debtreg("verify", db=db).stdout.startswith("intact")
    assert "wrote the snapshots of 3 agreements: " in debtreg("snapshots", db=db).stdout
    monkeypatch.setattr("adapters.cli.integrity.LISTED", 2)  # a registry of many agreements: counted, a few named
    assert debtreg("snapshots", db=db).stdout == (
        "wrote the snapshots of 3 agreements: barnes-1995, barnes-2000 and 1 more (--format json lists them all)\n")


@pytest.mark.parametrize(("args", "bar"), [(("verify",), "verifying: the log"), (("holders", "--as-of", "2003-02-05"), "reading agreements"),
                                           (("snapshots",), "writing snapshots")])
def test_long_work_shows_a_bar_on_a_terminal_and_nothing_when_captured(db, args, bar):
    """On a terminal the bar is drawn on stderr (and cleared); piped or captured, stderr stays empty."""
    import pty

    leader, follower = pty.openpty()
    env = {**{k: v for k, v in os.environ.items() if k != "DEBTREG_DATABASE_URL"}, "DEBTREG_IDENTITY": admin_key(), "COLUMNS": "100"}
    with subprocess.Popen([DEBTREG, "--db", db, *args], stdout=subprocess.DEVNULL, stderr=follower, cwd=ROOT, env=env) as run:
        os.close(follower)
        drawn = b""
        while chunk := _read_pty(leader):
            drawn += chunk
        assert run.wait(timeout=120) == 0, drawn
    os.close(leader)
    assert bar.encode() in drawn
    assert installed(*args, db=db).stderr == ""


def _read_pty(leader: int) -> bytes:
    try:
        return os.read(leader, 4096)
    except OSError:  # the process closed the terminal
        return b""
