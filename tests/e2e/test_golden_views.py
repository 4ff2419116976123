"""Every view, in every format, exactly as a user sees it on the fixtures: the outputs are pinned.

A restructure changes no figure or word a user sees unless an issue says so;
these golden files make any such change visible in the diff. Recording times,
digests and user names vary between runs and are replaced by placeholders.
Regenerate after an intended change with ``DEBTREG_UPDATE_GOLDEN=1 make test``
and read the diff before committing it.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT
from support import admin_key, command_line, enrol

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("DEBTREG_UPDATE_GOLDEN") == "1"

VIEWS: dict[str, list[str]] = {
    "agreements": ["agreements"],
    "agreements-json": ["agreements", "--format", "json"],
    "terms-1995": ["terms", "barnes-1995"],
    "terms-novascotia-json": ["terms", "novascotia-1999", "--format", "json"],
    "register-1995": ["register", "barnes-1995", "--as-of", "2003-02-05"],
    "register-1995-json": ["register", "barnes-1995", "--as-of", "2003-02-05", "--format", "json"],
    "register-1995-csv": ["register", "barnes-1995", "--as-of", "2003-02-05", "--format", "csv"],
    "register-1995-1998-by-holder": ["register", "barnes-1995", "--as-of", "1998-06-30", "--by", "holder"],
    "register-1995-by-holder-csv": ["register", "barnes-1995", "--as-of", "2003-02-05", "--by", "holder", "--format", "csv"],
    "register-1995-by-holder-json": ["register", "barnes-1995", "--as-of", "2003-02-05", "--by", "holder", "--format", "json"],
    "register-novascotia-before-file": ["register", "novascotia-1999", "--as-of", "2003-02-04"],
    "register-novascotia-by-holder": ["register", "novascotia-1999", "--as-of", "2003-02-05", "--by", "holder"],
    "outstanding-1995": ["outstanding", "barnes-1995", "--as-of", "2003-02-05"],
    "outstanding-1995-json": ["outstanding", "barnes-1995", "--as-of", "2003-02-05", "--format", "json"],
    "outstanding-novascotia-before-file": ["outstanding", "novascotia-1999", "--as-of", "2003-01-01"],
    "annex1-1995": ["annex1", "barnes-1995", "--as-of", "2003-02-05"],
    "annex1-novascotia": ["annex1", "novascotia-1999", "--as-of", "2003-02-05"],
    "annex1-2000": ["annex1", "barnes-2000", "--as-of", "2003-02-05"],
    "annex1-novascotia-json": ["annex1", "novascotia-1999", "--as-of", "2003-02-05", "--format", "json"],
    "annex1-novascotia-csv": ["annex1", "novascotia-1999", "--as-of", "2003-02-05", "--format", "csv"],
    "annex1-2000-before-file": ["annex1", "barnes-2000", "--as-of", "2002-12-31"],
    "holders-2001": ["holders", "--as-of", "2001-06-01"],
    "holders-2003-json": ["holders", "--as-of", "2003-02-05", "--format", "json"],
    "history-1995-json": ["history", "barnes-1995", "--format", "json"],
    "history-kar": ["history", "kar-2003"],
    "text-1995-7.7-before": ["text", "barnes-1995", "--as-of", "2003-02-04", "--section", "7.7"],
    "text-1995-7.7-after": ["text", "barnes-1995", "--as-of", "2003-02-05", "--section", "7.7"],
    "text-1995-kar-json": ["text", "barnes-1995", "--as-of", "2003-02-05", "--section", "Kar Guaranty", "--format", "json"],
    "text-1995-7.14-json": ["text", "barnes-1995", "--as-of", "2003-02-05", "--section", "7.14", "--format", "json"],
    "text-novascotia": ["text", "novascotia-1999", "--as-of", "2003-02-05"],
    "text-2000": ["text", "barnes-2000", "--as-of", "2003-03-01"],
    "redline-1995": ["redline", "barnes-1995", "--from", "2003-02-04", "--to", "2003-02-05"],
    "redline-1995-html": ["redline", "barnes-1995", "--from", "2003-02-04", "--to", "2003-02-05", "--format", "html"],
    "redline-2000-7.7": ["redline", "barnes-2000", "--from", "2003-02-04", "--to", "2003-02-05", "--section", "7.7"],
    "amendments-1995": ["amendments", "barnes-1995"],
    "amendments-2000-json": ["amendments", "barnes-2000", "--format", "json"],
    "consents-1995": ["consents", "barnes-1995", "2"],
    "consents-novascotia-json": ["consents", "novascotia-1999", "1", "--format", "json"],
    "guaranties-novascotia": ["guaranties", "novascotia-1999", "--as-of", "2003-02-05"],
    "guaranties-1995-json": ["guaranties", "barnes-1995", "--as-of", "2003-02-05", "--format", "json"],
    "guaranties-1995-none": ["guaranties", "barnes-1995", "--as-of", "2003-02-04"],
    "schedule-1995": ["schedule", "barnes-1995", "--as-of", "2003-12-08"],
    "schedule-1995-json": ["schedule", "barnes-1995", "--as-of", "2003-02-05", "--format", "json"],
    "schedule-novascotia": ["schedule", "novascotia-1999", "--as-of", "2003-02-05"],
    "status-1995": ["status", "barnes-1995", "--as-of", "2003-12-08"],
    "status-1995-json": ["status", "barnes-1995", "--as-of", "2003-02-05", "--format", "json"],
    "status-2000": ["status", "barnes-2000", "--as-of", "2003-02-05"],
    "accrued-1995": ["accrued", "barnes-1995", "--as-of", "2003-02-28"],
    "accrued-1995-by-holder": ["accrued", "barnes-1995", "--as-of", "2003-02-28", "--by", "holder"],
    "accrued-1995-json": ["accrued", "barnes-1995", "--as-of", "2003-02-28", "--by", "holder", "--format", "json"],
    "makewhole-1995": ["makewhole", "barnes-1995", "--date", "2003-03-20", "--amount", "3,000,000",
                       "--treasury-curve", "1y=1.25,2y=1.60,3y=2.10,5y=2.90"],
    "makewhole-1995-json": ["makewhole", "barnes-1995", "--date", "2003-03-20", "--amount", "3,000,000",
                            "--treasury-curve", "1y=1.25,2y=1.60,3y=2.10,5y=2.90", "--format", "json"],
    "verify-json": ["verify", "--format", "json"],
    "refused-over-transfer": ["transfer", "barnes-1995", "--date", "2003-03-03", "--from", "Lincoln", "--to", "X",
                              "--new-holder", "--amount", "7,000,000"],
    "refused-denomination-json": ["transfer", "barnes-1995", "--date", "2003-03-03", "--from", "ACE American",
                                  "--to", "X", "--new-holder", "--amount", "2,550,000", "--format", "json"],
    "refused-new-holder-not-declared": ["transfer", "barnes-1995", "--date", "2003-03-03", "--from", "Lincoln",
                                        "--to", "Lincoln", "--amount", "1,000,000"],
    "refused-unknown-agreement": ["annex1", "barnes-1996", "--as-of", "2003-02-05"],
    "refused-before-file": ["transfer", "novascotia-1999", "--date", "2001-03-03", "--series", "7.80", "--from",
                            "Nationwide", "--to", "X", "--new-holder", "--amount", "1,000,000"],
    "refused-schedule": ["prepay", "barnes-1995", "--date", "2003-12-05", "--amount", "6,000,000", "--kind", "required"],
}

# Recording commands, run in order on one copy of the store, each with its output pinned.
RECORDING: list[tuple[str, list[str]]] = [
    ("record-transfer", ["transfer", "barnes-1995", "--date", "2003-03-03", "--from", "Lincoln", "--to", "New Holder LLC",
                         "--new-holder", "--amount", "1,000,000", "--evidence", "transfer request of 2003-02-28",
                         "--request-id", "g-1"]),
    ("record-transfer-again", ["transfer", "barnes-1995", "--date", "2003-03-03", "--from", "Lincoln", "--to",
                               "New Holder LLC", "--new-holder", "--amount", "1,000,000", "--evidence",
                               "transfer request of 2003-02-28", "--request-id", "g-1"]),
    ("record-interest-json", ["pay", "barnes-1995", "--date", "2003-06-05", "--kind", "interest", "--format", "json",
                              "--request-id", "g-2"]),
    ("record-notice", ["notice", "barnes-1995", "--date", "2003-06-10", "--prepay-on", "2003-07-01", "--amount", "1,000,000",
                       "--request-id", "g-3n"]),
    ("record-optional-prepayment", ["prepay", "barnes-1995", "--date", "2003-07-01", "--amount", "1,000,000", "--kind",
                                    "optional", "--treasury-curve", "1y=1.25,2y=1.60,3y=2.10", "--request-id", "g-3"]),
    ("after-schedule", ["schedule", "barnes-1995", "--as-of", "2003-07-01"]),
    ("after-register", ["register", "barnes-1995", "--as-of", "2003-07-01"]),
    ("makewhole-after-prepayment-json", ["makewhole", "barnes-1995", "--date", "2003-08-14", "--amount", "2,000,000",
                                         "--treasury-curve", "1y=1.25,2y=1.60,3y=2.10", "--format", "json"]),
    ("record-reversal", ["reverse", "barnes-1995:34", "--reason", "recorded in error", "--request-id", "g-4"]),
    ("after-reversal-annex1", ["annex1", "barnes-1995", "--as-of", "2003-07-01"]),
    ("after-reversal-schedule-json", ["schedule", "barnes-1995", "--as-of", "2003-07-01", "--format", "json"]),
    ("after-reversal-history", ["history", "barnes-1995", "--known-at", "2100-01-01"]),
]

TIMES = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:\.\d+)?(?:\+00:00| UTC)")
DIGEST = re.compile(r"\b[0-9a-f]{64}\b")  # roots and keys: they vary with the recording times


def normalised(text: str) -> str:
    """Recording times, digests and where the repository is checked out vary; the rest must not."""
    return DIGEST.sub("<digest>", TIMES.sub("<recorded at>", text)).replace(str(ROOT), "<repository>")


def run(db: str, args: list[str]) -> str:
    result = command_line(db, *args, identity=admin_key())
    return normalised(f"exit {result.exit_code}\n--- stdout\n{result.stdout}--- stderr\n{result.stderr}")


def check(name: str, output: str) -> None:
    path = GOLDEN / f"{name}.txt"
    if UPDATE:
        path.parent.mkdir(exist_ok=True)
        path.write_text(output)
    assert path.exists(), f"no golden output for {name}; run with DEBTREG_UPDATE_GOLDEN=1"
    assert output == path.read_text(), f"{name}: the output differs from {path}"


@pytest.fixture(scope="module")
def golden_store(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("golden") / "debtreg.sqlite"
    enrol(f"sqlite:///{path}")
    result = command_line(f"sqlite:///{path}", "load", str(FIXTURES), identity=admin_key())
    assert result.exit_code == 0, result.output
    return path


@pytest.mark.parametrize("name", VIEWS)
def test_every_view_prints_what_it_printed_before(golden_store, name):
    check(name, run(f"sqlite:///{golden_store}", VIEWS[name]))


def test_recording_commands_print_what_they_printed_before(golden_store, tmp_path):
    copy = tmp_path / "debtreg.sqlite"
    shutil.copyfile(golden_store, copy)
    for name, args in RECORDING:
        check(name, run(f"sqlite:///{copy}", args))
