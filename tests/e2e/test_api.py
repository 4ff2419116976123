"""The HTTP API, in-process and once through a real uvicorn: the CLI's figures, roles by token, requests
recorded once, every refusal a problem document that changes nothing."""

import html
import io
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from fastapi.testclient import TestClient

from adapters.api import create_app
from adapters.encoding import plain
from adapters.identity import AUDITOR, TREASURY, token_of
from adapters.queries import Queries
from adapters.registry import Registry
from domain.events import stream_id
from support import ADMIN, CLERK, command_line, enrol, key_of, select_only_role, writer
from support import AUDITOR as JANE

DEBTREG = str(Path(sys.executable).parent / "debtreg")
TRANSFER = {"type": "transfer", "effective_on": "2003-03-03", "evidence": {"document": "transfer request"},
            "from": "Lincoln", "to": "New Holder LLC", "new_holder": True, "amount": "1,000,000"}


def as_(identity) -> dict:
    return {"Authorization": f"Bearer {token_of(identity)}"}


def head(url: str) -> dict:
    reader = Registry(url, read_only=True)
    try:
        return reader.verify().head
    finally:
        reader.close()


@pytest.fixture
def api(loaded_url):
    enrol(loaded_url, (CLERK, TREASURY), (JANE, AUDITOR))
    with TestClient(create_app(loaded_url, [ADMIN, CLERK, JANE])) as client:
        yield client


def refused(api, url: str, status: int, kind: str, method: str, path: str, **request) -> dict:
    """A call that must be refused with this status and kind of problem, the store unchanged."""
    before = head(url)
    response = api.request(method, path, **request)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    found = response.json()
    assert found["type"] == f"/problems/{kind}" and found["status"] == status and found["title"] and found["detail"]
    assert kind != "invalid" or found["title"] == "the request is malformed", "one title for one type (RFC 9457)"
    assert head(url) == before
    return found


def test_every_view_equals_the_cli_json(api, loaded_url):
    reader = Registry(loaded_url, read_only=True)
    try:
        queries = Queries(reader)
        annex = api.get("/agreements/barnes-1995/annex1", params={"as_of": "2003-02-05"}, headers=as_(JANE)).json()
        assert annex == plain(queries.annex1("barnes-1995", date(2003, 2, 5)))
        assert annex["totals"] == {"7.13%": "18750000.00"}, "amounts are decimal strings"
        then = api.get("/agreements/barnes-1995/register", params={"as_of": "2003-02-05", "known_at": "barnes-1995:8"},
                       headers=as_(JANE)).json()
        assert "Lincoln Investment Management, Inc." in {h["holder"] for h in then["holders"]}
        later = api.get("/agreements/barnes-1995/register", params={"as_of": "2003-02-05", "known_at": "2999-01-01T00:00"},
                        headers=as_(JANE))  # a time without seconds, not event 0 of a stream "2999-01-01T00"
        assert later.status_code == 200 and later.json()["known_at"] == "2999-01-01T00:00:00+00:00", later.text
    finally:
        reader.close()
    one = api.get("/holders", params={"as_of": "2003-02-05", "holder": "lincoln"}, headers=as_(JANE)).json()
    assert [h["name"] for h in one["holders"]] == ["Lincoln Investment Management, Inc."], "one holder, named as the CLI names one"
    assert one == json.loads(command_line(loaded_url, "holders", "--as-of", "2003-02-05", "--holder", "lincoln", "--format", "json").stdout)
    unknown = refused(api, loaded_url, 422, "unknown-holder", "GET", "/holders", params={"as_of": "2003-02-05", "holder": "Nobody"},
                      headers=as_(JANE))
    assert "'Nobody' is not a holder on the registry" in unknown["detail"]
    for path in ("/agreements", "/agreements/barnes-1995/history", "/agreements/barnes-1995/terms", "/verify",
                 "/agreements/barnes-1995/amendments", "/events/barnes-1995:21", "/digest"):
        assert api.get(path, headers=as_(JANE)).status_code == 200, path
    for view in ("status", "outstanding", "accrued", "schedule", "guaranties", "text"):
        assert api.get(f"/agreements/barnes-1995/{view}", params={"as_of": "2003-02-05"}, headers=as_(JANE)).status_code == 200
    assert "/agreements/{key}/entries" in api.get("/openapi.json").json()["paths"]


def test_the_openapi_document_gives_each_view_its_own_parameters_described(api):
    """A client generated from it asks /verify for no date and /text for a section: nothing it would ignore."""
    paths = api.get("/openapi.json").json()["paths"]

    def taken(path: str) -> dict[str, dict]:
        return {p["name"]: p for p in paths[path]["get"].get("parameters", []) if p["in"] in ("path", "query")}

    assert set(taken("/verify")) == set(taken("/digest")) == set(taken("/agreements")) == set()
    assert set(taken("/holders")) == {"as_of", "holder", "known_at"}
    assert set(taken("/agreements/{key}/annex1")) == set(taken("/agreements/{key}/register")) == {"key", "as_of", "known_at"}
    assert set(taken("/agreements/{key}/schedule")) == {"key", "as_of", "series", "known_at"}
    assert set(taken("/agreements/{key}/text")) == {"key", "as_of", "section", "known_at"}
    assert set(taken("/agreements/{key}/terms")) == {"key", "known_at"}
    assert set(taken("/agreements/{key}/history")) == {"key", "from", "to", "kind", "holder", "note", "known_at"}
    assert taken("/agreements/{key}/history")["kind"]["schema"]["anyOf"][0]["type"] == "array", "kind repeats"
    assert set(taken("/events/{key}")) == {"key"}
    text = taken("/agreements/{key}/text")
    assert "YYYY-MM-DD" in text["as_of"]["description"] and "barnes-1995:20" in text["known_at"]["description"]
    assert text["as_of"]["required"] and not text["known_at"].get("required") and not text["section"].get("required")
    assert text["key"]["required"] and "barnes-1995" in text["key"]["description"]


CURVE = "1y=1.25,2y=1.60,3y=2.10,5y=2.90"


@pytest.mark.parametrize(("path", "params", "cli"), [
    ("/agreements/barnes-1995/consents", {"amendment": "2"}, ["consents", "barnes-1995", "2", "--format", "json"]),
    ("/agreements/barnes-1995/redline", {"from": "2003-02-04", "to": "2003-02-05"},
     ["redline", "barnes-1995", "--from", "2003-02-04", "--to", "2003-02-05", "--format", "json"]),
    ("/agreements/barnes-1995/head", {}, ["head", "barnes-1995"]),
    ("/events/barnes-1995:21/proof", {"size": "25"}, ["proof", "barnes-1995:21", "--size", "25"]),
    ("/agreements/barnes-1995/consistency", {"from_size": "8"}, ["consistency", "barnes-1995", "--from-size", "8"]),
    ("/agreements/barnes-1995/makewhole", {"effective_on": "2003-03-20", "amount": "3,000,000", "treasury_curve": CURVE},
     ["makewhole", "barnes-1995", "--date", "2003-03-20", "--amount", "3,000,000", "--treasury-curve", CURVE, "--format", "json"]),
])
def test_counsels_and_auditors_views_are_the_clis_too(api, loaded_url, path, params, cli):
    """The consent tally counsel checks, the redline, and the heads and proofs an auditor checks alone: each a GET
    answering what the CLI prints for the same question."""
    found = api.get(path, params=params, headers=as_(JANE))
    assert found.status_code == 200, found.text
    assert found.json() == json.loads(command_line(loaded_url, *cli).stdout)


def test_counsels_and_auditors_views_refuse_in_the_words_of_their_parameters(api, loaded_url):
    paths = api.get("/openapi.json").json()["paths"]

    def required(path: str) -> set[str]:
        return {p["name"] for p in paths[path]["get"]["parameters"] if p.get("required") and p["in"] == "query"}

    assert required("/agreements/{key}/redline") == {"from", "to"} and required("/agreements/{key}/history") == set()
    assert required("/agreements/{key}/consents") == {"amendment"} and required("/agreements/{key}/consistency") == {"from_size"}
    assert required("/agreements/{key}/makewhole") == {"effective_on", "amount", "treasury_curve"}
    for path, params, kind, detail in [
        ("/agreements/barnes-1995/consents", {}, "invalid-command", "amendment: is required: the amendment's number."),
        ("/agreements/barnes-1995/consents", {"amendment": "two"}, "invalid", "amendment: not a whole number; give one, e.g. 2"),
        ("/agreements/barnes-1995/consents", {"amendment": "9"}, "unknown-amendment", "barnes-1995 has no Amendment No. 9 on file"),
        ("/agreements/barnes-1995/redline", {"from": "2003-02-04"}, "invalid-command", "to: is required: the later date, YYYY-MM-DD."),
        ("/agreements/barnes-1995/redline", {"from": "2003-02-05", "to": "2003-02-04"}, "invalid-command",
         "from: 2003-02-05 is after to 2003-02-04: give the earlier date first"),
        ("/events/barnes-1995:21/proof", {"size": "7"}, "no-such-head",
         "the signed head of 7 entries does not cover entry 21: a head of 21 entries or more does, the latest among them"),
        ("/events/barnes-1995:21/proof", {"size": "-1"}, "no-such-head",  # a long stream's heads not all listed
         "no tree head of -1 entries was signed; the 30 heads are of 1, 2, 3, ..., 28, 29, 30 entries"),
        ("/agreements/barnes-1995/consistency", {}, "invalid-command", "from_size: is required: the earlier signed head's size."),
        ("/agreements/barnes-1995/makewhole", {"effective_on": "2003-03-20", "treasury_curve": CURVE}, "invalid-command",
         "amount: is required: principal to prepay, in the agreement's multiples."),
        ("/agreements/barnes-1995/makewhole", {"effective_on": "2003-03-20", "amount": "three million", "treasury_curve": CURVE},
         "invalid", "amount: "),
        ("/agreements/barnes-1995/makewhole", {"effective_on": "2003-03-20", "amount": "3,000,000", "treasury_curve": "1y=x"},
         "invalid", "treasury_curve: "),
        # a date or a time that is none is malformed, as an amount that is none is (it was "invalid-command", which
        # says the request is incomplete or contradicts itself); a date left out is incomplete
        ("/agreements/barnes-1995/annex1", {"as_of": "2003-02-30"}, "invalid", "as_of: '2003-02-30' is not a date"),
        ("/agreements/barnes-1995/annex1", {"as_of": "2003-02-05", "known_at": "2003-02-30"}, "invalid",
         "known_at: '2003-02-30' is not a time or an event"),
        ("/agreements/barnes-1995/history", {"from": "x"}, "invalid", "from: 'x' is not a date"),
        ("/holders", {"as_of": "2003-02-05", "holder": "Lin\x1b[31m"}, "invalid", "holder: "),
        ("/agreements/barnes-1995/annex1", {}, "invalid-command", "as_of: give the business date, YYYY-MM-DD"),
    ]:
        found = refused(api, loaded_url, 422, kind, "GET", path, params=params, headers=as_(JANE))
        assert found["detail"].startswith(detail), (path, params, found)


def test_an_event_not_on_the_registry_is_not_found_and_a_malformed_one_is_malformed(api, loaded_url):
    """An event number past the stream's end was a 422 "invalid-command" ("the command is incomplete or contradicts
    itself"): it is a 404, as an agreement not on the registry is, naming the rule."""
    for path in ("/events/barnes-1995:31", "/events/barnes-1995:31/proof", "/events/barnes-1995:0"):
        found = refused(api, loaded_url, 404, "unknown-event", "GET", path, headers=as_(JANE))
        assert found["detail"].startswith("barnes-1995 has no event No. ") and "(its events are 1 to 30)" in found["detail"]
        assert found["title"] == "an event named must be one recorded on the registry"
    malformed = refused(api, loaded_url, 422, "invalid", "GET", "/events/barnes-1995", headers=as_(JANE))
    assert malformed["title"] == "the request is malformed"


def file_content(kind: str, data: bytes) -> object:
    """What a user reads in an exported file: a spreadsheet's cells, a Word file's text and tables (their bytes hold
    the time they were made), else the bytes."""
    if kind == "xlsx":
        from openpyxl import load_workbook

        return [list(sheet.iter_rows(values_only=True)) for sheet in load_workbook(io.BytesIO(data)).worksheets]
    if kind == "docx":
        from docx import Document

        document = Document(io.BytesIO(data))
        return [p.text for p in document.paragraphs], [[c.text for c in row.cells] for t in document.tables for row in t.rows]
    return data


@pytest.mark.parametrize(("name", "params", "options"), [
    ("annex1.docx", {"as_of": "2003-02-05"}, ["--as-of", "2003-02-05"]),
    ("annex1.xlsx", {"as_of": "2003-02-05", "known_at": "barnes-1995:8"}, ["--as-of", "2003-02-05", "--known-at", "barnes-1995:8"]),
    ("register.csv", {"as_of": "2003-02-05", "by": "note"}, ["--as-of", "2003-02-05", "--by", "note"]),
    ("outstanding.svg", {"as_of": "2003-02-05"}, ["--as-of", "2003-02-05"]),
    ("history.csv", {}, []),
])
def test_a_view_downloads_as_the_file_the_clis_export_writes(api, loaded_url, tmp_path, name, params, options):
    """Counsel takes Annex 1 in Word from the server, treasury a schedule in Excel: the file the CLI's export writes."""
    found = api.get(f"/agreements/barnes-1995/exports/{name}", params=params, headers=as_(JANE))
    assert found.status_code == 200, found.text
    view, kind = name.split(".")
    on = f"-{params['as_of']}" if "as_of" in params else ""
    assert found.headers["content-disposition"] == f'attachment; filename="barnes-1995-{view}{on}.{kind}"'
    assert found.headers["content-type"].split(";")[0] == {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                                                           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                                                           "csv": "text/csv", "svg": "image/svg+xml"}[kind]
    written = tmp_path / name
    assert command_line(loaded_url, "export", view, "barnes-1995", "-o", str(written), *options).exit_code == 0
    assert file_content(kind, found.content) == file_content(kind, written.read_bytes())
    assert len(found.content) > 100


def test_every_holder_s_positions_download_as_the_file_the_clis_export_writes(api, loaded_url, tmp_path):
    """Treasury's exposure to each insurer across the three Barnes agreements, in Excel: each position a row, each
    holder's total and the total of all apart from them."""
    found = api.get("/holders/exports/holders.xlsx", params={"as_of": "2003-02-05"}, headers=as_(JANE))
    assert found.status_code == 200, found.text
    assert found.headers["content-disposition"] == 'attachment; filename="holders-2003-02-05.xlsx"'
    written = tmp_path / "holders.xlsx"
    assert command_line(loaded_url, "export", "holders", "-o", str(written), "--as-of", "2003-02-05").exit_code == 0
    [rows] = file_content("xlsx", found.content)
    assert [rows] == file_content("xlsx", written.read_bytes())
    assert ("Allstate Life Insurance Company", "novascotia-1999", "7.66%", 12500000, "2") in rows
    assert ("total Allstate Life Insurance Company", None, None, 22500000, None) in rows and rows[-1][:4] == (
        "TOTAL", None, None, 148750000)
    csv_file = api.get("/holders/exports/holders.csv", params={"as_of": "2003-02-05"}, headers=as_(JANE))
    assert csv_file.text == command_line(loaded_url, "holders", "--as-of", "2003-02-05", "--format", "csv").stdout
    assert csv_file.headers["link"] == '</holders?as_of=2003-02-05>; rel="describedby"; type="application/json"'
    for path, detail in [("/agreements/barnes-1995/exports/holders.csv", "holders.csv: the holders of every agreement are at"
                          " /holders/exports/holders.csv"),
                         ("/holders/exports/annex1.csv", "annex1.csv: only the holders are of every agreement")]:
        refusal = refused(api, loaded_url, 422, "invalid-command", "GET", path, params={"as_of": "2003-02-05"}, headers=as_(JANE))
        assert refusal["detail"].startswith(detail), refusal


@pytest.mark.parametrize("kind", ["docx", "html"])
def test_the_redline_downloads_as_the_file_the_cli_writes(api, loaded_url, tmp_path, kind):
    """Counsel circulates the redline in Word: the server gives the file `redline --format docx -o` writes, and the
    page showing a redline links it, of the same dates."""
    params = {"from": "2003-02-04", "to": "2003-02-05"}
    found = api.get(f"/agreements/barnes-1995/redline.{kind}", params=params, headers=as_(JANE))
    assert found.status_code == 200, found.text
    assert found.headers["content-disposition"] == f'attachment; filename="barnes-1995-redline-2003-02-04-2003-02-05.{kind}"'
    written = tmp_path / f"redline.{kind}"
    assert command_line(loaded_url, "redline", "barnes-1995", "--from", "2003-02-04", "--to", "2003-02-05", "--format", kind,
                        "-o", str(written)).exit_code == 0
    assert file_content(kind, found.content) == file_content(kind, written.read_bytes())
    missing = refused(api, loaded_url, 422, "invalid-command", "GET", f"/agreements/barnes-1995/redline.{kind}",
                      params={"from": "2003-02-04"}, headers=as_(JANE))
    assert missing["detail"] == "to: is required: the later date, YYYY-MM-DD."
    api.cookies.set("debtreg_token", token_of(JANE))
    page = api.get("/page", params={"key": "barnes-1995", "as_of": "2003-02-05", "since": "2003-02-04"}).text
    link = re.search(rf"<a href='(/agreements/barnes-1995/redline\.{kind}\?[^']+)' download>", page)[1].replace("&amp;", "&")
    assert file_content(kind, api.get(link).content) == file_content(kind, found.content)


def test_a_csv_export_links_the_json_view_that_says_what_its_rows_cannot(api):
    """A CSV of barnes-2000's schedule is a maturity line alone; that the interest is not on file, and the moment of a
    view as known at one, were nowhere a program could find them."""
    params = {"as_of": "2003-02-05", "known_at": "2100-01-01T00:00:00+00:00"}
    found = api.get("/agreements/barnes-2000/exports/schedule.csv", params=params, headers=as_(JANE))
    assert found.status_code == 200 and found.text.startswith("series,kind,due_on,")
    link = re.fullmatch(r'<([^>]+)>; rel="describedby"; type="application/json"', found.headers["link"])
    described = api.get(link[1], headers=as_(JANE)).json()
    assert described["known_at"] == "2100-01-01T00:00:00+00:00" and "the day count of the 8.59% notes is not on file; no interest is scheduled" in " ".join(described["not_on_file"])
    assert "link" not in api.get("/agreements/barnes-2000/exports/schedule.xlsx", params=params, headers=as_(JANE)).headers


def test_an_export_is_refused_in_the_words_of_the_api(api, loaded_url):
    for name, params, detail in [
        ("register.docx", {"as_of": "2003-02-05"}, "register.docx: Word exports are of Annex 1; use .xlsx or .csv for this view"),
        ("annex1.xlsx", {}, "as_of: give the business date, YYYY-MM-DD"),
        ("history.csv", {"as_of": "2003-02-05"}, "as_of: the history is every event, of no one date: leave it out (known_at shows"),
        ("annex1.pdf", {"as_of": "2003-02-05"}, "annex1.pdf: name a view and a file, e.g. annex1.docx"),
        ("register.xlsx", {"as_of": "2003-02-05", "by": "row"}, "by: 'row' is neither note nor holder"),
    ]:
        found = refused(api, loaded_url, 422, "invalid-command", "GET", f"/agreements/barnes-1995/exports/{name}", params=params,
                        headers=as_(JANE))
        assert found["detail"].startswith(detail), (name, found)
    refused(api, loaded_url, 422, "unknown-parameter", "GET", "/agreements/barnes-1995/exports/annex1.csv",
            params={"asof": "2003-02-05"}, headers=as_(JANE))
    refused(api, loaded_url, 404, "unknown-agreement", "GET", "/agreements/nowhere/exports/annex1.csv",
            params={"as_of": "2003-02-05"}, headers=as_(JANE))
    found = refused(api, loaded_url, 422, "not-on-file", "GET", "/agreements/barnes-2000/exports/annex1.csv",
                    params={"as_of": "2001-01-01"}, headers=as_(JANE))
    assert "not on file: the earliest register on file is as of 2003-02-05; a CSV holds rows alone" in found["detail"]


def test_the_api_describes_each_parameter_in_the_words_of_the_clis_option(api):
    """A parameter and the option of the same view mean the same: their help is written once (adapters.descriptions)."""
    from typer.main import get_command

    from adapters.cli import app

    commands = get_command(app).commands  # type: ignore[attr-defined]
    paths = api.get("/openapi.json").json()["paths"]
    for path, name, command, flag in [("/agreements/{key}/annex1", "as_of", "annex1", "--as-of"),
                                      ("/agreements/{key}/register", "known_at", "register", "--known-at"),
                                      ("/agreements/{key}/text", "section", "text", "--section"),
                                      ("/agreements/{key}/schedule", "series", "schedule", "--series"),
                                      ("/holders", "holder", "holders", "--holder"),
                                      ("/agreements/{key}/history", "from", "history", "--from"),
                                      ("/agreements/{key}/history", "to", "history", "--to"),
                                      ("/agreements/{key}/history", "kind", "history", "--kind"),
                                      ("/agreements/{key}/history", "note", "history", "--note"),
                                      ("/agreements/{key}/redline", "from", "redline", "--from"),
                                      ("/agreements/{key}/redline", "to", "redline", "--to"),
                                      ("/agreements/{key}/redline", "section", "redline", "--section"),
                                      ("/agreements/{key}/redline.docx", "from", "redline", "--from"),
                                      ("/agreements/{key}/consents", "amendment", "consents", "AMENDMENT"),
                                      ("/events/{key}/proof", "size", "proof", "--size"),
                                      ("/agreements/{key}/consistency", "from_size", "consistency", "--from-size"),
                                      ("/agreements/{key}/consistency", "to_size", "consistency", "--to-size"),
                                      ("/agreements/{key}/makewhole", "effective_on", "makewhole", "--date"),
                                      ("/agreements/{key}/makewhole", "amount", "makewhole", "--amount"),
                                      ("/agreements/{key}/makewhole", "treasury_curve", "makewhole", "--treasury-curve")]:
        described = next(p["description"] for p in paths[path]["get"]["parameters"] if p["name"] == name)
        assert described == next(p.help for p in commands[command].params if flag in p.opts or flag == p.metavar), (path, name)


def test_treasury_records_once_per_idempotency_key(api, loaded_url):
    first = api.post("/agreements/barnes-1995/entries", json=TRANSFER, headers={**as_(CLERK), "Idempotency-Key": "t-1"})
    assert first.status_code == 201, first.text
    [line] = first.json()["recorded"]
    assert line["summary"].startswith("transfer of $1,000,000.00 from Lincoln Investment Management, Inc. to New Holder LLC")
    again = api.post("/agreements/barnes-1995/entries", json=TRANSFER, headers={**as_(CLERK), "Idempotency-Key": "t-1"})
    assert again.status_code == 200 and again.json()["already_recorded"] == [line]
    history = api.get("/agreements/barnes-1995/history", headers=as_(JANE)).json()
    assert history[-1]["recorded_by"] == "Tom Treasurer" and history[-1]["event"] == line["event"]
    changed = {**TRANSFER, "amount": "2,000,000"}
    refused(api, loaded_url, 422, "conflicting-entry", "POST", "/agreements/barnes-1995/entries", json=changed,
            headers={**as_(CLERK), "Idempotency-Key": "t-1"})


def test_a_dry_run_answers_what_an_entry_would_record_and_records_nothing(api, loaded_url):
    post = {"method": "POST", "path": "/agreements/barnes-1995/entries"}
    before = head(loaded_url)
    register = {"params": {"as_of": "2003-03-03"}, "headers": as_(JANE)}
    shown = api.get("/agreements/barnes-1995/register", **register).json()
    tried = api.post("/agreements/barnes-1995/entries", params={"dry_run": "true"}, json=TRANSFER, headers=as_(JANE))
    assert tried.status_code == 200, tried.text
    [line] = tried.json()["would_record"]
    assert tried.json()["dry_run"] is True and tried.json()["already_recorded"] == []
    assert line["summary"].startswith("transfer of $1,000,000.00 from Lincoln Investment Management, Inc. to New Holder LLC")
    assert head(loaded_url) == before, "no Idempotency-Key needed, nothing recorded"
    assert api.get("/agreements/barnes-1995/register", **register).json() == shown, "the server's views as they were"
    refused(api, loaded_url, 422, "below-minimum-denomination", **post, params={"dry_run": "true"}, headers=as_(CLERK),
            json={**TRANSFER, "from": "ACE American", "amount": "2,550,000"})
    bad = refused(api, loaded_url, 422, "invalid", **post, params={"dry_run": "maybe"}, json=TRANSFER, headers=as_(CLERK))
    assert bad["detail"] == "dry_run: 'maybe' is neither true nor false"
    recorded = api.post("/agreements/barnes-1995/entries", json=TRANSFER, headers={**as_(CLERK), "Idempotency-Key": "t-2"})
    assert recorded.json()["recorded"] == [line], "recorded as the dry run said"
    again = api.post("/agreements/barnes-1995/entries", params={"dry_run": "true"}, json=TRANSFER,
                     headers={**as_(CLERK), "Idempotency-Key": "t-2"})
    assert again.status_code == 200 and again.json()["already_recorded"] == [line] and again.json()["would_record"] == []


def test_the_calendar_across_the_registry_is_the_cli_json(api, loaded_url):
    asked = {"from": "2001-01-01", "to": "2003-12-31", "as_of": "2003-12-10"}
    found = api.get("/due", params=asked, headers=as_(JANE))
    assert found.status_code == 200, found.text
    reader = Registry(loaded_url, read_only=True)
    try:
        assert found.json() == plain(Queries(reader).due(date(2001, 1, 1), date(2003, 12, 31), date(2003, 12, 10)))
    finally:
        reader.close()
    assert (found.json()["principal"], found.json()["interest"]) == ("12500000.00", "4901875.00")
    missing = refused(api, loaded_url, 422, "invalid-command", "GET", "/due", params={"to": "2003-12-31"}, headers=as_(JANE))
    assert missing["detail"].startswith("from: is required")
    sheet = api.get("/due/exports/due.csv", params=asked, headers=as_(JANE))
    assert sheet.headers["content-type"].startswith("text/csv") and sheet.text.splitlines()[1].startswith(
        "barnes-1995,7.13%,interest,2001-06-05,,0.00,891250.00,paid,,2001-06-05,barnes-1995:17,,A1")
    assert sheet.headers["Link"] == '</due?from=2001-01-01&to=2003-12-31&as_of=2003-12-10>; rel="describedby"; type="application/json"'
    book = openpyxl.load_workbook(io.BytesIO(api.get("/due/exports/due.xlsx", params=asked, headers=as_(JANE)).content))
    rows = [[c for c in row if c is not None] for row in book.active.iter_rows(values_only=True)]
    assert ["TOTAL on file", 12500000, 4901875] in rows, "the total apart from the data, as the CLI gives it"
    wrong = refused(api, loaded_url, 422, "invalid-command", "GET", "/due/exports/due.pdf", params=asked, headers=as_(JANE))
    assert wrong["detail"] == "due.pdf: the payments due are at /due/exports/due.csv (or .xlsx)"


def test_an_auditor_reads_and_can_never_write(api, loaded_url):
    problem = refused(api, loaded_url, 403, "not-allowed", "POST", "/agreements/barnes-1995/entries", json=TRANSFER,
                      headers={**as_(JANE), "Idempotency-Key": "j-1"})
    assert "registered as auditor" in problem["detail"]


def test_every_refusal_is_a_problem_document_and_changes_nothing(api, loaded_url):
    post = {"method": "POST", "path": "/agreements/barnes-1995/entries"}
    refused(api, loaded_url, 401, "unauthenticated", "GET", "/agreements")
    refused(api, loaded_url, 401, "unauthenticated", "GET", "/agreements", headers={"Authorization": "Bearer nope"})
    too_much = refused(api, loaded_url, 422, "over-transfer", **post, json={**TRANSFER, "amount": "7,000,000"},
                       headers={**as_(CLERK), "Idempotency-Key": "o-1"})
    assert too_much["title"] and "6,150,000" in too_much["detail"]
    refused(api, loaded_url, 422, "invalid", **post, json={**TRANSFER, "amount": "seven"}, headers={**as_(CLERK), "Idempotency-Key": "m-1"})
    untyped = refused(api, loaded_url, 422, "invalid", **post, json={}, headers={**as_(CLERK), "Idempotency-Key": "m-2"})
    assert untyped["detail"].startswith("type: is required: give the entry's type, e.g. transfer"), untyped
    unknown = refused(api, loaded_url, 422, "invalid", **post, json={**TRANSFER, "type": "sale"},
                      headers={**as_(CLERK), "Idempotency-Key": "m-3"})
    assert unknown["detail"].startswith("type: 'sale' is not an entry type; the types are agreement,"), unknown
    extra = refused(api, loaded_url, 422, "invalid", **post, json={**{k: v for k, v in TRANSFER.items() if k != "amount"}, "ammount": "1"},
                    headers={**as_(CLERK), "Idempotency-Key": "m-4"})
    assert extra["detail"] == "transfer.ammount: is not a field this entry has; did you mean 'amount'?", extra
    refused(api, loaded_url, 422, "invalid-command", **post, json=TRANSFER, headers=as_(CLERK))
    early = refused(api, loaded_url, 422, "not-yet-in-default", **post, headers={**as_(CLERK), "Idempotency-Key": "e-1"},
                    json={"type": "event-of-default", "effective_on": "2003-02-10", "evidence": {"document": "x"},
                          "clause": "9.1(b)", "description": "coupon unpaid"})
    assert (early["section"], early["title"]) == ("9.1(b)", "a payment not made is an Event of Default only once it is"
                                                  " unpaid past its grace"), early
    for key in (" ", "wire\x857781".encode("latin-1")):  # (a header is Latin-1: a NEL, a control, passes HTTP)
        bad_key = refused(api, loaded_url, 422, "invalid", **post, json=TRANSFER,
                          headers={**as_(CLERK), "Idempotency-Key": key})
        assert bad_key["detail"].startswith("Idempotency-Key: ")
    no_path = refused(api, loaded_url, 404, "not-found", "GET", "/agreements/barnes-1995/annex", headers=as_(JANE))
    assert no_path["detail"] == "there is no /agreements/barnes-1995/annex: the API's paths are listed at /docs (OpenAPI: /openapi.json)"
    no_method = refused(api, loaded_url, 405, "method-not-allowed", "DELETE", "/agreements", headers=as_(JANE))
    assert no_method["detail"] == "DELETE is not allowed on /agreements: it takes GET"
    assert api.delete("/agreements", headers=as_(JANE)).headers["allow"] == "GET", "HTTP requires it of a 405"
    nested = refused(api, loaded_url, 400, "bad-request", **post, content=b"[" * 100_000 + b"]" * 100_000,
                     headers={**as_(CLERK), "Idempotency-Key": "n-1", "content-type": "application/json"})
    assert "body" in nested["detail"]
    for body, said in ((b'{"type": "transfer",', "body: not JSON: Expecting property name enclosed in double quotes at character 20"),
                       (b"[1, 2]", 'body: is not a JSON object: give one journal entry, e.g. {"type": "transfer", ...}'),
                       (b"", "body: is required: one journal entry, as a JSON object")):
        unread = refused(api, loaded_url, 422, "invalid", **post, content=body,
                         headers={**as_(CLERK), "Idempotency-Key": "b-1", "content-type": "application/json"})
        assert unread["detail"] == said, unread
    dated = refused(api, loaded_url, 422, "invalid", **post, json={**TRANSFER, "effective_on": "2003-W10-1"},
                    headers={**as_(CLERK), "Idempotency-Key": "d-1"})
    assert "'2003-W10-1' is not a date; write it as YYYY-MM-DD" in dated["detail"]
    new_stream = {"type": "holder", "effective_on": "2003-02-05", "evidence": {"document": "x"}, "name": "Fresh Holder"}
    needs = refused(api, loaded_url, 403, "not-allowed", "POST", "/agreements/fresh-holder/entries", json=new_stream,
                    headers={**as_(CLERK), "Idempotency-Key": "h-1"})
    assert "needs the role administrator" in needs["detail"]
    refused(api, loaded_url, 404, "unknown-agreement", "GET", "/agreements/nope/annex1", params={"as_of": "2003-02-05"}, headers=as_(JANE))
    refused(api, loaded_url, 422, "invalid", "GET", "/agreements/barnes-1995/annex1", params={"as_of": "20030205"}, headers=as_(JANE))
    undated = refused(api, loaded_url, 422, "invalid-command", "GET", "/agreements/barnes-1995/annex1", headers=as_(JANE))
    assert undated["detail"] == "as_of: give the business date, YYYY-MM-DD", "the registry's words, as the CLI's"
    soon = refused(api, loaded_url, 422, "invalid", "GET", "/agreements/barnes-1995/annex1", params={"as_of": "2003-02-05", "known_at": "soon"}, headers=as_(JANE))
    assert soon["detail"].startswith("known_at: 'soon' is not a time or an event; write 2026-11-22T10:30:00Z"), "named as typed"
    for path in ("/holders", "/agreements/barnes-1995/history"):
        nameless = refused(api, loaded_url, 422, "invalid", "GET", path, params={"as_of": "2003-02-05", "holder": " "}
                           if path == "/holders" else {"holder": ""}, headers=as_(JANE))
        assert nameless["detail"] == "holder: is empty: give a holder's name, or a unique part of one"
    yearless = refused(api, loaded_url, 422, "invalid", "GET", "/agreements/barnes-1995/annex1",
                       params={"as_of": "2003-02-05", "known_at": "0001-01-01T00:00:00+05:00"}, headers=as_(JANE))
    assert yearless["detail"] == "known_at: '0001-01-01T00:00:00+05:00' is not a time in years 1 to 9999 in UTC; give one that is, e.g. 2026-11-22T10:30:00Z"


def test_a_query_parameter_a_view_does_not_take_is_refused_not_ignored(api, loaded_url):
    """Ignored, a misspelt known_at would show what the registry knows now, as if it were what it knew then."""
    misspelt = refused(api, loaded_url, 422, "unknown-parameter", "GET", "/agreements/barnes-1995/annex1",
                       params={"as_of": "2003-02-05", "knownat": "2003-02-06"}, headers=as_(JANE))
    assert misspelt["detail"] == "knownat: is not a parameter of this view (did you mean 'known_at'?); it takes as_of, known_at"
    assert misspelt["title"] == "a view takes only the query parameters it lists"
    filtered = refused(api, loaded_url, 422, "unknown-parameter", "GET", "/agreements/barnes-1995/terms",
                       params={"holder": "Lincoln"}, headers=as_(JANE))
    assert filtered["detail"] == "holder: is not a parameter of this view; it takes known_at"
    since = refused(api, loaded_url, 422, "unknown-parameter", "GET", "/agreements/barnes-1995/history",
                    params={"since": "2003-01-01"}, headers=as_(JANE))
    assert since["detail"] == "since: is not a parameter of this view; it takes from, to, kind, holder, note, known_at"
    none_taken = refused(api, loaded_url, 422, "unknown-parameter", "GET", "/agreements", params={"as_of": "2003-02-05"},
                         headers=as_(JANE))
    assert none_taken["detail"] == "as_of: is not a parameter of this view; it takes none"
    assert api.get("/agreements/barnes-1995/annex1", params={"as_of": "2003-02-05", "known_at": "2030-01-01"},
                   headers=as_(JANE)).status_code == 200


def test_history_takes_the_cli_filters_by_the_same_rules(api, loaded_url):
    """An auditor's program asks for one holder's transfers in a period as the CLI's history --from --to --kind --holder."""
    params = {"from": "1998-01-01", "to": "2003-02-05", "kind": ["NoteTransferred", "InterestPaid"], "holder": "lincoln"}
    found = api.get("/agreements/barnes-1995/history", params=params, headers=as_(JANE))
    assert found.status_code == 200, found.text
    cli = command_line(loaded_url, "history", "barnes-1995", "--from", "1998-01-01", "--to", "2003-02-05", "--kind", "NoteTransferred",
                       "--kind", "InterestPaid", "--holder", "lincoln", "--format", "json")
    assert found.json() == json.loads(cli.stdout)
    assert {line["kind"] for line in found.json()} == {"NoteTransferred", "InterestPaid"}
    assert [line["event"] for line in found.json() if line["kind"] == "NoteTransferred"] == ["barnes-1995:8"]
    everything = api.get("/agreements/barnes-1995/history", headers=as_(JANE)).json()
    assert len(everything) > len(found.json()), "the filters narrow it"
    note = api.get("/agreements/barnes-1995/history", params={"note": 9}, headers=as_(JANE))
    assert note.json() == json.loads(command_line(loaded_url, "history", "barnes-1995", "--note", "9", "--format", "json").stdout)
    assert [line["event"] for line in note.json() if line["kind"] == "NoteTransferred"] == ["barnes-1995:12", "barnes-1995:13"]

    for params, kind, detail in [  # refused as the CLI refuses --from, --to, --kind and --holder, naming the parameter
        ({"from": "2003-01-01", "to": "2002-01-01"}, "invalid-command", "from: 2003-01-01 is after to 2002-01-01: give the earlier date first"),
        ({"to": "2003"}, "invalid", "to: '2003' is not a date; write it as YYYY-MM-DD"),
        ({"kind": "Transfer"}, "invalid-command", "there is no kind of event 'Transfer' (did you mean NoteTransferred?); the kinds are "),
        ({"holder": "Nobody"}, "unknown-holder", "'Nobody' is not a holder on the registry"),
        ({"note": "99"}, "no-such-note", "there is no note No. 99 in the history of barnes-1995"),
    ]:
        found = refused(api, loaded_url, 422, kind, "GET", "/agreements/barnes-1995/history", params=params, headers=as_(JANE))
        assert found["detail"].startswith(detail), found


def test_a_tampered_store_is_refused_by_the_api(api, loaded_url):
    import sqlite3

    with sqlite3.connect(loaded_url.removeprefix("sqlite:///")) as connection:
        connection.execute("UPDATE debtreg_events SET state = replace(state, '1800000.00', '1900000.00')"
                           " WHERE hex(originator_id) = ? AND originator_version = 8", (stream_id("agreement", "barnes-1995").hex.upper(),))
    problem = refused(api, loaded_url, 409, "tampered", "GET", "/agreements/barnes-1995/annex1", params={"as_of": "2003-02-05"}, headers=as_(JANE))
    assert "event 8 of agreement barnes-1995" in problem["detail"]


@pytest.mark.postgres
def test_on_postgresql_reads_go_through_a_select_only_role(loaded_postgres):
    enrol(loaded_postgres, (CLERK, TREASURY))
    with select_only_role(loaded_postgres) as read_url, \
            TestClient(create_app(loaded_postgres, [CLERK], read_url=read_url)) as api:
        annex = api.get("/agreements/barnes-1995/annex1", params={"as_of": "2003-02-05"}, headers=as_(CLERK))
        assert annex.status_code == 200 and annex.json()["totals"] == {"7.13%": "18750000.00"}
        written = api.post("/agreements/barnes-1995/entries", json=TRANSFER, headers={**as_(CLERK), "Idempotency-Key": "pg-1"})
        assert written.status_code == 201, written.text


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_debtreg_serve_answers_over_http(loaded_url):
    enrol(loaded_url, (JANE, AUDITOR))
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DEBTREG_DATABASE_URL", "DEBTREG_IDENTITY")}
    token = subprocess.run([DEBTREG, "--identity", key_of(JANE), "identity", "token"], capture_output=True, text=True,
                           env=env, check=True).stdout.strip()
    assert token == token_of(JANE)
    server = subprocess.Popen([DEBTREG, "--db", loaded_url, "serve", "--key-file", key_of(JANE), "--port", str(port)],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        request = urllib.request.Request(f"http://127.0.0.1:{port}/agreements/barnes-1995/annex1?as_of=2003-02-05",
                                         headers={"Authorization": f"Bearer {token}"})
        for _ in range(100):
            try:
                with urllib.request.urlopen(request, timeout=5) as response:
                    body = json.loads(response.read())
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail(f"debtreg serve did not answer: {server.stderr.read() if server.poll() is not None else ''}")
        assert body["totals"] == {"7.13%": "18750000.00"}
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_a_store_that_fails_a_request_is_a_problem_of_its_own_kind(api, monkeypatch):
    """A store gone (a server down, a role without the right) answered /problems/invalid, the type of a malformed
    request, under another title: it is /problems/store-refused, its words the driver's, naming the store."""
    from sqlalchemy.exc import OperationalError

    def down(*_args: object, **_kwargs: object) -> None:
        raise OperationalError("SELECT 1", {}, Exception("server closed the connection unexpectedly"))

    monkeypatch.setattr(Queries, "agreements", down)
    found = api.get("/agreements", headers=as_(JANE))
    assert found.status_code == 503 and found.json()["type"] == "/problems/store-refused", found.text
    assert found.json()["title"] == "the store refused the request"
    assert found.json()["detail"].endswith(": server closed the connection unexpectedly"), found.text


def test_a_server_that_cannot_start_says_why_and_makes_no_store(loaded_url, tmp_path):
    """A port out of range, one in use, a store that does not exist: a message naming what to change, never a
    traceback, never an empty store made where a typo pointed."""
    def serve(db: str, *args: str):  # noqa: ANN202 - typer's Result
        return command_line(db, "serve", "--key-file", key_of(JANE), *args)

    out_of_range = serve(loaded_url, "--port", "99999")
    assert out_of_range.exit_code == 2 and "--port" in out_of_range.output
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        in_use = serve(loaded_url, "--port", str(port))
    assert in_use.exit_code == 2
    assert in_use.stderr == f"debtreg: cannot listen on 127.0.0.1:{port}: Address already in use; give another --host or --port\n"
    forged = serve(loaded_url, "--host", "nowhere.invalid\nTOTAL")  # said once, escaped: no line forged
    assert forged.exit_code == 2 and forged.stderr.count("nowhere.invalid") == 1 and "\nTOTAL" not in forged.stderr
    typo = tmp_path / "typo.sqlite"
    missing = serve(f"sqlite:///{typo}")
    assert missing.exit_code == 1 and f"there is no store at {typo}" in missing.stderr and not typo.exists()
    garbled = tmp_path / "notes.sqlite"  # a file that is no database: said as every command says it, not "a bug"
    garbled.write_text("not a database " * 100)
    not_a_store = serve(f"sqlite:///{garbled}")
    assert not_a_store.exit_code == 2, not_a_store.output
    assert not_a_store.stderr == f"debtreg: cannot use the database sqlite:///{garbled}: file is not a database\n"
    assert all(isinstance(r.exception, SystemExit) for r in (out_of_range, in_use, missing, not_a_store))


def test_a_schema_driven_fuzz_finds_no_server_error_and_no_refusal_that_writes(loaded_url):
    """schemathesis generates requests from the OpenAPI document, bounded in examples; as an auditor and as
    treasury: no 5xx, and every refused request leaves the store's head as it was."""
    import schemathesis
    from hypothesis import HealthCheck, given, settings

    enrol(loaded_url, (CLERK, TREASURY), (JANE, AUDITOR))
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(loaded_url, [CLERK, JANE]))
    failures = []
    def fuzz(operation) -> None:
        @given(case=operation.as_strategy())
        @settings(max_examples=12, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
        def call(case):
            for who in (JANE, CLERK):
                before = head(loaded_url)
                response = case.call(headers={**as_(who), "Idempotency-Key": f"fuzz-{who.name}"})
                if response.status_code >= 500:
                    failures.append(f"{operation.label} -> {response.status_code}: {response.text[:200]}")
                if response.status_code >= 400 and head(loaded_url) != before:
                    failures.append(f"{operation.label} refused ({response.status_code}) but changed the store")

        call()

    operations = [result.ok() for result in schema.get_all_operations()]
    for operation in operations:
        fuzz(operation)
    assert len(operations) >= 17
    assert failures == []


def test_the_pages_cookie_reads_but_never_records(api, loaded_url):
    api.cookies.set("debtreg_token", token_of(CLERK))
    assert api.get("/agreements").status_code == 200
    refused(api, loaded_url, 401, "unauthenticated", "POST", "/agreements/barnes-1995/entries", json=TRANSFER,
            headers={"Idempotency-Key": "c-1"})


@pytest.mark.parametrize("known_at", ["", "2030-01-01"])
def test_the_pages_link_to_its_json_gives_the_view_it_shows(api, known_at):
    api.cookies.set("debtreg_token", token_of(JANE))
    page = api.get("/page", params={"key": "barnes-1995", "as_of": "2003-02-05", "known_at": known_at})
    link = re.search(r"JSON of this view: <a href='([^']+)'>", page.text)[1].replace("&amp;", "&")
    shown = api.get(link)
    assert shown.status_code == 200, shown.text
    asked = {"as_of": "2003-02-05", **({"known_at": known_at} if known_at else {})}
    assert shown.json() == api.get("/agreements/barnes-1995/annex1", params=asked).json()


def test_a_page_as_known_at_a_moment_says_so_beneath_its_heading(api):
    """The page said it only in its form's field, which does not print; a page of the present says nothing."""
    api.cookies.set("debtreg_token", token_of(JANE))
    recorded = api.get("/events/barnes-1995:29").json()["recorded_at"]
    page = api.get("/page", params={"key": "barnes-1995", "as_of": "2003-02-05", "known_at": "barnes-1995:29"}).text
    said = re.search(r"</h1><p class='known'>as known at (.+?) UTC \(when barnes-1995:29 was recorded\): what was"
                     r" recorded after it is left out</p>", page)
    assert said and recorded.startswith(said[1].replace(" ", "T")), (recorded, page[:600])
    holders = api.get("/page/holders", params={"as_of": "2003-02-05", "known_at": "2100-01-01"}).text
    assert "<p class='known'>as known at 2100-01-01 23:59:59 UTC, a time still to come: " in holders
    assert "class='known'" not in api.get("/page", params={"key": "barnes-1995", "as_of": "2003-02-05"}).text


def test_the_first_page_opens_an_agreement_with_no_end_of_record_as_of_today(tmp_path):
    """The agreements are listed on the first page, each linked as of the last date its record covers; an agreement
    whose record has no end recorded opens as of today; an empty registry says how to load one."""
    from adapters.journal import load
    from adapters.template import TEMPLATE

    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    enrol(url)
    with TestClient(create_app(url, [ADMIN])) as client:
        client.cookies.set("debtreg_token", token_of(ADMIN))
        assert "No agreement is on the registry yet: load one's journal" in client.get("/page").text
        (tmp_path / "acme-2024.toml").write_text(TEMPLATE)
        registry = writer(url)
        try:
            load(registry, [tmp_path / "acme-2024.toml"])
        finally:
            registry.close()
        page = client.get("/page").text
    assert "<td>no end recorded</td>" in page
    assert f"<td class='nowrap'><a href='/page?key=acme-2024&amp;as_of={date.today().isoformat()}'>acme-2024</a>" in page


def test_the_pages_dates_and_event_ids_are_never_broken_at_a_hyphen(api):
    """The timeline showed 1995-12-/01 and barnes-/1995:1 on two lines each, in a narrow column."""
    api.cookies.set("debtreg_token", token_of(JANE))
    timeline = api.get("/page", params={"key": "barnes-1995", "as_of": "2003-02-05"}).text.split("id='history'")[1]
    first = re.search(r"<tr>(<td.*?)</tr>", timeline.split("<tbody>")[1])[1]
    cells = re.findall(r"<td([^>]*)>", first)
    assert cells[:3] == [" class='nowrap'"] * 3, first
    assert "td.nowrap,span.nowrap{white-space:nowrap}" in api.get("/page").text
    amendments = api.get("/page", params={"key": "barnes-1995", "as_of": "2003-02-05"}).text.split("id='amendments-table'")[1]
    assert "<td class='nowrap'><a href='/page/event/barnes-1995:24'>barnes-1995:24</a></td>" in amendments, "opens the event"


def test_the_page_shows_each_holders_positions_across_agreements_as_the_cli_json_gives_them(api, loaded_url):
    """The page had one agreement at a time; a consent across the three Barnes agreements is counted from every one."""
    api.cookies.set("debtreg_token", token_of(JANE))
    assert "action='/page/holders'" in api.get("/page").text, "the first page asks for a date to show them"
    page = api.get("/page/holders", params={"as_of": "2001-06-01"})
    assert page.status_code == 200 and "<h1>Holders as of 2001-06-01</h1>" in page.text
    shown = re.findall(r"<a href='/page\?key=([^&]+)&amp;as_of=2001-06-01'>[^<]+</a></td><td>([^<]+)</td>"
                       r"<td class='amount' data-amount='([^']+)'>", page.text)
    cli = json.loads(command_line(loaded_url, "holders", "--as-of", "2001-06-01", "--format", "json").stdout)
    assert shown == [(p["agreement"], p["series"], p["principal"]) for h in cli["holders"] for p in h["positions"]]
    later = api.get("/page/holders", params={"as_of": "2003-02-05"}).text
    assert "<td>total</td><td></td><td class='amount' data-amount='22500000.00'>" in later  # Allstate Life's two
    assert "<td>TOTAL</td><td></td><td></td><td class='amount' data-amount='148750000.00'>" in later
    link = re.search(r"<a href='(/holders/exports/holders\.xlsx\?[^']+)' download>", later)[1].replace("&amp;", "&")
    assert file_content("xlsx", api.get(link).content) == file_content(
        "xlsx", api.get("/holders/exports/holders.xlsx", params={"as_of": "2003-02-05"}).content)
    assert "figures marked A1, A2, ... rest on facts the documents do not give:" in page.text, "marked as the CLI marks them"
    assert "<th class=''>Assumed</th>" in page.text
    refused = api.get("/page/holders", params={"as_of": "2001-06-01", "asof": "x"})
    assert refused.status_code == 422 and "asof: is not a parameter of this view" in refused.text


def test_the_page_of_a_day_before_the_register_on_file_says_so_beside_each_empty_table(api):
    """The auditor's page of barnes-2000 on 2001-01-01 showed Annex 1 with a total of $0.00 and an empty schedule, and
    no word that its register on file begins in 2003; of barnes-1995 before its closing, no word of when it was."""
    api.cookies.set("debtreg_token", token_of(JANE))
    page = api.get("/page", params={"key": "barnes-2000", "as_of": "2001-01-01"}).text
    annex, schedule = page.split("id='annex1-heading'")[1], page.split("id='schedule'")[1]
    said = "not on file: the earliest register on file is as of 2003-02-05"
    assert said in annex.split("<h2")[0] and "not on file: 8.59%: the earliest register on file is as of 2003-02-05" in schedule.split("<h2")[0]
    assert "TOTAL" not in annex.split("<h2")[0], "a total of a register not on file reads as nil"
    assert "TOTAL" in api.get("/page", params={"key": "barnes-2000", "as_of": "2003-02-05"}).text.split("id='annex1-heading'")[1]
    before = api.get("/page", params={"key": "barnes-1995", "as_of": "1995-12-04"}).text.split("id='annex1-heading'")[1]
    assert "note: no 7.13% notes were issued by then: the first were issued on 1995-12-05" in before.split("<h2")[0]
    assert said not in api.get("/page", params={"key": "barnes-2000", "as_of": "2003-02-05"}).text


def test_the_page_marks_each_figure_that_rests_on_an_assumption_as_the_cli_does(api):
    """The page listed "figures marked A1, A2, ... rest on facts the documents do not give" under Annex 1, but marked no
    figure; the register, the principal outstanding and the guaranties neither marked nor listed theirs."""
    api.cookies.set("debtreg_token", token_of(JANE))
    page = api.get("/page", params={"key": "barnes-1995", "as_of": "2001-02-05"}).text
    section = {name: page.split(f"id='{name}'")[1].split("<h2")[0] for name in ("annex1-heading", "register", "outstanding", "guaranties")}
    asked = {"as_of": "2001-02-05"}
    annex = api.get("/agreements/barnes-1995/annex1", params=asked, headers=as_(JANE)).json()
    register = api.get("/agreements/barnes-1995/register", params=asked, headers=as_(JANE)).json()
    lincoln = next(h for h in annex["holders"] if h["holder"].startswith("Lincoln"))
    assert "<th class=''>Assumed</th>" in section["annex1-heading"] and f"<td>{' '.join(lincoln['rests_on'])}</td></tr>" in section["annex1-heading"]
    assert [f"<td>{' '.join(n['rests_on'])}</td></tr>" in section["register"] for n in register["notes"]] == [True] * len(register["notes"])
    assert "figures marked A1, A2, ... rest on facts" in section["register"] and "Assumed" in section["outstanding"]
    kar = api.get("/page", params={"key": "barnes-1995", "as_of": "2003-02-05"}).text.split("id='guaranties'")[1].split("<h2")[0]
    assert "<td>A1 A2</td>" in kar and "assumed delivered: the guaranty itself is not on file" in kar
    amended = api.get("/page", params={"key": "barnes-1995", "as_of": "2003-02-05"}).text.split("id='amendments'")[1].split("<h2")[0]
    assert "was signed by another [consents assumed: A5 A6 A7 A8 A9 A10]<br>5(b) met: Kar Guaranty" in amended
    assert "A5-A9 (barnes-1995:25-29) assumed signed as of 2003-02-05" in amended, "its conditions and consents, marked and listed"


def test_a_view_after_a_transfer_and_its_reversal_recorded_through_the_api_is_a_fresh_readers(api, loaded_url):
    """The server reads through one registry and records through another: a view after a transfer and its reversal
    takes both up at once (it failed with a server error: the reversal's target was looked for among the events the
    reader held), and shows what a fresh reader shows."""
    view = ("/agreements/barnes-1995/annex1", {"as_of": "2003-03-03"})
    assert api.get(view[0], params=view[1], headers=as_(JANE)).status_code == 200  # the reader holds the agreement
    recorded = api.post("/agreements/barnes-1995/entries", json=TRANSFER, headers={**as_(CLERK), "Idempotency-Key": "t-1"})
    target = int(recorded.json()["recorded"][0]["event"].split(":")[1])
    reversal = {"type": "reversal", "evidence": {"document": "t"}, "reason": "recorded in error", "target": target}
    assert api.post("/agreements/barnes-1995/entries", json=reversal, headers={**as_(CLERK), "Idempotency-Key": "t-2"}).status_code == 201
    shown = api.get(view[0], params=view[1], headers=as_(JANE))
    assert shown.status_code == 200, shown.text
    reader = Registry(loaded_url, read_only=True)
    try:
        assert shown.json() == plain(Queries(reader).annex1("barnes-1995", date(2003, 3, 3)))
        assert "New Holder LLC" not in {h["holder"] for h in shown.json()["holders"]}
    finally:
        reader.close()


@pytest.mark.parametrize("known_at", ["", "barnes-1995:8"])
def test_the_pages_files_are_the_views_it_shows(api, known_at):
    """Each file the page links (Annex 1 in Word, the register in Excel, ...) downloads with the page's own cookie, of
    the date and known-at time the page shows: the file the export of that view, so asked, gives."""
    api.cookies.set("debtreg_token", token_of(JANE))
    page = api.get("/page", params={"key": "barnes-1995", "as_of": "2003-02-05", "known_at": known_at})
    links = [link.replace("&amp;", "&") for link in re.findall(r"<a href='(/agreements/barnes-1995/exports/[^']+)' download>", page.text)]
    assert {link.split("?")[0].rsplit("/", 1)[1] for link in links} >= {"annex1.docx", "annex1.xlsx", "register.xlsx",
                                                                         "outstanding.svg", "schedule.xlsx", "history.csv"}
    for link in links:
        found = api.get(link)
        assert found.status_code == 200, (link, found.text)
        name = link.split("?")[0].rsplit("/", 1)[1]
        asked = {} if name.startswith("history") else {"as_of": "2003-02-05"}
        asked |= {"known_at": known_at} if known_at else {}
        again = api.get(f"/agreements/barnes-1995/exports/{name}", params=asked)
        assert file_content(name.split(".")[1], found.content) == file_content(name.split(".")[1], again.content), link


def test_the_page_lists_each_event_of_default_and_acceleration_as_status_does(api, loaded_url):
    """The page said "Events of default on file: 1; accelerations: 1." and nothing of what, when, or whether paid."""
    api.cookies.set("debtreg_token", token_of(JANE))
    none = api.get("/page", params={"key": "barnes-1995", "as_of": "2003-03-10"})
    assert "<p id='remedies'>None is on file by the date.</p>" in none.text
    recorded = api.post("/agreements/barnes-1995/entries", headers={**as_(CLERK), "Idempotency-Key": "r-1"}, json={
        "type": "event-of-default", "effective_on": "2003-03-03", "evidence": {"document": "compliance certificate"},
        "clause": "9.1(c)", "description": "net worth below 7.8's floor <script>"})
    assert recorded.status_code in (200, 201), recorded.text
    page = api.get("/page", params={"key": "barnes-1995", "as_of": "2003-03-10"})
    shown = command_line(loaded_url, "status", "barnes-1995", "--as-of", "2003-03-10", columns=250).stdout.splitlines()
    [said] = [line for line in shown if line.startswith("Event of Default barnes-1995:")]
    listed = page.text.split("<ul id='remedies'>")[1].split("</ul>")[0]
    assert said.endswith("net worth below 7.8's floor <script>; continuing") and f"<li>{html.escape(said)}</li>" in re.sub(
        r"</?span[^>]*>", "", listed)
    assert "<script>" not in listed, "a description is data"
    assert "on <span class='nowrap'>2003-03-03</span>" in listed, "a date is never broken over two lines"


def test_the_page_says_so_where_no_guaranty_is_on_file_not_an_empty_table(api):
    """Its tables' headings over no rows read as a view that failed (the Kar Guaranty is of 2003)."""
    api.cookies.set("debtreg_token", token_of(JANE))
    page = api.get("/page", params={"key": "barnes-1995", "as_of": "2000-01-01"}).text
    assert "<p>No guaranty on file stands behind the notes on the date.</p>" in page and "guaranties-table" not in page
    assert "amendments-table" in api.get("/page", params={"key": "barnes-1995", "as_of": "2003-02-05"}).text


def test_the_page_refuses_a_parameter_it_does_not_take_on_a_page(api):
    """A link typed by hand with ``knownat`` would show what is known now under a heading of what was asked."""
    api.cookies.set("debtreg_token", token_of(JANE))
    page = api.get("/page", params={"key": "barnes-1995", "as_of": "2003-02-05", "knownat": "2003-02-06"})
    assert page.status_code == 422 and page.headers["content-type"].startswith("text/html")
    assert "knownat: is not a parameter of this view (did you mean &#x27;known_at&#x27;?)" in page.text
    assert "Annex 1" not in page.text
    assert api.get("/page", params={"key": "barnes-1995", "as_of": "2003-02-05", "since": "2003-01-01"}).status_code == 200


def test_treasury_records_over_the_api_what_a_declaration_made_due_beside_the_principal(api, loaded_url):
    entries, post = "/agreements/barnes-1995/entries", {"headers": {**as_(CLERK), "Idempotency-Key": "pay-1"}}
    evidence = {"evidence": {"document": "wire confirmation"}}
    for n, body in enumerate([
        {"type": "event-of-default", "effective_on": "2003-03-10", "clause": "9.1(c)", "description": "covenant"},
        {"type": "acceleration", "effective_on": "2003-03-12", "treasury_curve": "1y=1.25,2y=1.60,3y=2.10",
         "declared_by": ["Lincoln", "Connecticut General", "Life Insurance Company of North"]},
        {"type": "maturity", "effective_on": "2003-03-14"},
    ]):
        done = api.post(entries, headers={**as_(CLERK), "Idempotency-Key": f"a-{n}"}, json={**body, **evidence})
        assert done.status_code == 201, done.text
    payment = {"type": "acceleration-payment", "effective_on": "2003-03-14", "interest": "360,213.54", **evidence}
    problem = refused(api, loaded_url, 422, "accelerated-payment-refused", "POST", entries, **post, json=payment)
    assert (problem["title"], problem["section"]) == ("what an acceleration made due beside the principal is paid once,"
                                                      " while it is in force: the interest at least as made due, the"
                                                      " premium as made due", "9.2")
    paid = api.post(entries, headers={**as_(CLERK), "Idempotency-Key": "pay-2"}, json={**payment, "premium": "1,616,936.10"})
    assert paid.status_code == 201, paid.text
    api.cookies.set("debtreg_token", token_of(JANE))
    [line] = api.get("/agreements/barnes-1995/status", params={"as_of": "2003-03-15"}).json()["accelerations"]
    assert (line["interest_paid"], line["premium_paid"], line["paid_by"]) == ("360213.54", "1616936.10", "barnes-1995:34")
