"""The journal format a treasurer writes: documented, published as a JSON Schema, and a template to start from."""

from __future__ import annotations

import datetime
import json
import tomllib

import jsonschema
from typer.testing import CliRunner

from adapters.cli import app
from adapters.reference import reference, schema
from adapters.template import TEMPLATE
from conftest import FIXTURES, ROOT
from support import admin_key, enrol


def as_json(value):
    """TOML as JSON reads it: dates as ISO strings."""
    if isinstance(value, dict):
        return {k: as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return value


def test_the_reference_in_docs_is_the_one_the_models_give():
    assert (ROOT / "docs" / "journal.md").read_text() == reference(), "run: debtreg reference > docs/journal.md"


def test_the_reference_documents_every_entry_type_and_every_field():
    text = reference()
    for kind in ("agreement", "terms-corrected", "supplement", "issue", "opening-register", "transfer", "prepayment",
                 "maturity", "interest", "cancellation", "register", "text", "amendment", "amendment-not-on-file",
                 "consent", "amendment-lapsed", "guaranty", "guaranty-release", "instrument", "holder",
                 "holder-renamed", "holder-alias", "reversal"):
        assert f'### `type = "{kind}"`' in text
    for field in ("min_denomination", "optional_prepayment_multiple", "makewhole", "voting", "all_holders_for",
                  "reacquired_notes_count_pro_rata", "day_count", "interest_dates", "end_of_month", "rate_steps"):
        assert f"| `{field}` |" in text
    undocumented = [line for line in text.splitlines() if line.startswith("| `") and line.rstrip().endswith("|  |")]
    assert undocumented == []


def test_every_fixture_journal_and_the_template_are_valid_under_the_published_schema():
    validator = jsonschema.Draft202012Validator(schema(), format_checker=jsonschema.FormatChecker())
    journals = [tomllib.loads(p.read_text()) for p in sorted(FIXTURES.glob("*.toml"))] + [tomllib.loads(TEMPLATE)]
    for journal in journals:
        errors = sorted(validator.iter_errors(as_json(journal)), key=str)
        assert errors == [], errors[0].message if errors else ""


def test_the_schema_refuses_what_loading_refuses():
    validator = jsonschema.Draft202012Validator(schema())
    journal = as_json(tomllib.loads(TEMPLATE))
    journal["entry"][0]["series"][0]["rate"] = 6.0
    assert not validator.is_valid(journal)
    journal["entry"][0]["series"][0]["rate"] = "6.00%"
    journal["entry"][0]["ammount"] = "1"
    assert not validator.is_valid(journal)


def test_the_template_checks_then_loads_and_shows_its_terms(tmp_path):
    path = tmp_path / "acme-2024.toml"
    runner = CliRunner(env={"DEBTREG_IDENTITY": admin_key()})
    db = ["--db", f"sqlite:///{tmp_path / 'store.sqlite'}"]
    enrol(db[1])
    path.write_text(runner.invoke(app, ["template"]).stdout)
    checked = runner.invoke(app, [*db, "check", str(path), "--format", "json"])
    assert checked.exit_code == 0, checked.output
    assert [(j["entries"], j["recorded"]) for j in json.loads(checked.stdout)] == [(3, 3)]
    assert runner.invoke(app, [*db, "history", "acme-2024"]).exit_code == 1, "check records nothing"
    assert runner.invoke(app, [*db, "load", str(path)]).exit_code == 0
    terms = runner.invoke(app, [*db, "terms", "acme-2024"]).stdout
    assert "unpaid interest      5 Business Days of grace (Section 11(b))" in terms
    assert terms.rstrip().endswith("not on file: nothing"), "the template gives every term"


def test_schema_and_reference_commands_print_the_format():
    runner = CliRunner()
    assert json.loads(runner.invoke(app, ["schema"]).stdout)["title"] == "debtreg journal"
    assert runner.invoke(app, ["reference"]).stdout.startswith("# The journal reference")
