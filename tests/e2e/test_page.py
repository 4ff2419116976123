"""The auditor's page in a real headless Chromium, served by a real `debtreg serve`: sign in, choose
barnes-1995 as of 2003-02-05, read Annex 1 off the page, follow an event to its evidence."""

import json
import os
import re
import shutil
import subprocess
import time
import urllib.request
from decimal import Decimal

import pytest
from test_api import DEBTREG, free_port

from adapters.identity import AUDITOR, token_of
from support import AUDITOR as JANE
from support import command_line, enrol, key_of

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
BROWSER_REQUIRED = os.environ.get("DEBTREG_REQUIRE_BROWSER") == "1"
HOW_TO_ENABLE = "browser tests skipped: install Debian's chromium (apt-get install chromium) and the test extra (playwright)"


@pytest.fixture
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    if CHROMIUM is None or sync_playwright is None:
        if BROWSER_REQUIRED:
            pytest.fail(f"DEBTREG_REQUIRE_BROWSER=1 but {HOW_TO_ENABLE}")
        pytest.skip(HOW_TO_ENABLE)
    args = ["--no-sandbox"] if os.geteuid() == 0 else []
    with sync_playwright() as playwright:
        found = playwright.chromium.launch(executable_path=CHROMIUM, args=args)
        yield found
        found.close()


@pytest.fixture
def served(loaded_url):
    enrol(loaded_url, (JANE, AUDITOR))
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DEBTREG_DATABASE_URL", "DEBTREG_IDENTITY")}
    server = subprocess.Popen([DEBTREG, "--db", loaded_url, "serve", "--key-file", key_of(JANE), "--port", str(port)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            urllib.request.urlopen(f"{base}/login", timeout=2).close()
            break
        except OSError:
            time.sleep(0.1)
    else:
        server.kill()
        pytest.fail(f"debtreg serve did not start: {server.stderr.read()}")
    yield base
    server.terminate()
    server.wait(timeout=30)


def test_an_auditor_reads_annex_1_off_the_page_and_follows_an_event_to_its_evidence(browser, served, loaded_url, tmp_path):
    page = browser.new_page()
    page.goto(served)
    assert page.url.endswith("/login"), "the page asks who you are"
    page.fill("input[name=token]", token_of(JANE))
    page.click("button[type=submit]")
    page.select_option("select[name=key]", "barnes-1995")
    page.fill("input[name=as_of]", "2003-02-05")
    page.click("form[action='/page'] button[type=submit]")
    assert page.title() == "barnes-1995 as of 2003-02-05"

    rows = page.locator("#annex1 tbody tr")
    shown = {rows.nth(i).locator("td").nth(0).inner_text(): rows.nth(i).locator("td").nth(1).get_attribute("data-amount")
             for i in range(rows.count())}
    cli = json.loads(command_line(loaded_url, "annex1", "barnes-1995", "--as-of", "2003-02-05", "--format", "json").stdout)
    assert {h["holder"]: h["principal"]["7.13%"] for h in cli["holders"]} == {k: v for k, v in shown.items() if k != "TOTAL"}
    assert Decimal(shown["TOTAL"]) == Decimal(cli["totals"]["7.13%"]) == Decimal("18750000")
    assert page.locator("svg[aria-label^='principal outstanding']").count() == 1
    assert "intact" in page.locator("#root").inner_text()

    page.click("a[href='/page/event/barnes-1995:21']")
    evidence = page.locator("#evidence").inner_text()
    assert "required prepayment" in evidence.lower() or "prepay" in evidence.lower()
    assert "Document" in evidence and "Recorded by" in evidence
    fields = page.locator("#fields").inner_text()  # as `debtreg event` gives them, not as Python writes them
    assert "amount       6,250,000.00" in fields and "- note 2, amount 1,250,000.00, deemed no" in fields, fields
    assert "Decimal(" not in page.content() and "Allocation(" not in page.content()
    cli = command_line(loaded_url, "event", "barnes-1995:21").stdout
    assert [row.strip() for row in fields.splitlines()] == [
        row.strip() for row in cli.split("\n  fields\n")[1].splitlines()], "the page's fields are the command's"
    assert re.search(r"Recorded\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\n", evidence), evidence
    page.screenshot(path=str(tmp_path / "event.png"))
    assert (tmp_path / "event.png").stat().st_size > 1000


def test_the_first_page_lists_the_agreements_each_opened_where_its_record_ends(browser, served):
    """The first page was a picker alone, its date empty: nothing said what is on the registry or what date to ask."""
    page = browser.new_page()
    page.goto(served)
    page.fill("input[name=token]", token_of(JANE))
    page.click("button[type=submit]")
    page.wait_for_selector("#agreements tbody tr")  # the sign-in's redirect to the first page
    assert cells(page, "agreements", 0, 1, 5) == [
        ("barnes-1995", "Barnes Group Inc.", "register to 2003-02-05; payments to 2003-02-05"),
        ("barnes-2000", "Barnes Group Inc.", "register to 2003-02-05; payments to 2003-02-05"),
        ("novascotia-1999", "3031786 Nova Scotia Company", "register to 2003-02-05; payments to 2003-02-05")]
    page.click("#agreements a:text-is('barnes-2000')")
    assert page.title() == "barnes-2000 as of 2003-02-05"
    assert page.locator("#annex1 tbody tr").count() > 1


@pytest.mark.parametrize("width", [390, 1280])
def test_the_page_fits_the_screen_its_wide_tables_scrolled_on_their_own(browser, served, width):
    """The timeline's file names (003_dd423827a16c28bb.txt) kept its columns so wide that the page was 1,297 pixels
    wide on any screen, its Assumed column cut off at 1,280; on a phone the links, the chart and the digest ran off
    it too. The page is as wide as the screen: a long file name breaks within its cell, a chart scales, and a table
    wider than a phone scrolls on its own. A date, an event's id or a note's number in text is never broken
    ("payments to 2003-02-" above "05" on the first page, "No. 2, No." above "6" among a holder's notes)."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.add_cookies([{"name": "debtreg_token", "value": token_of(JANE), "url": served}])
    page = context.new_page()
    for path in ("/page?key=barnes-1995&as_of=2004-02-05", "/page/holders?as_of=2004-02-05", "/page"):
        page.goto(served + path)
        assert page.evaluate("document.documentElement.scrollWidth") == width, path
        dates, broken = page.evaluate("""(() => { let dates = 0; const broken = [];
            const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
            while (walk.nextNode()) {
                const node = walk.currentNode;
                if (!node.parentElement.closest('td')) continue;
                for (const found of node.data.matchAll(/\\d{4}-\\d\\d-\\d\\d|No\\. \\d+/g)) {
                    const range = document.createRange();
                    range.setStart(node, found.index); range.setEnd(node, found.index + found[0].length); dates += 1;
                    const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
                    if (lines.size > 1) broken.push(found[0]);
                }
            }
            return [dates, broken]; })()""")
        assert broken == [] and (dates or "holders" in path), (path, broken)
    page.goto(served + "/page?key=barnes-1995&as_of=2004-02-05")
    timeline = page.evaluate("document.querySelector('#history').getBoundingClientRect().width")
    assert (timeline <= width - 40) if width == 1280 else page.locator("#history").is_visible()
    for key in ("barnes-1995", "novascotia-1999"):  # the example names the agreement shown, the longest key too
        page.goto(f"{served}/page?key={key}&as_of=2004-02-05")
        example, needed, given = page.evaluate("""(() => { const field = document.querySelector('input[name=known_at]');
            const text = document.createElement('canvas').getContext('2d'); text.font = getComputedStyle(field).font;
            return [field.placeholder, text.measureText(field.placeholder).width, field.clientWidth]; })()""")
        assert example == f"2003-04-02T17:00:00Z or {key}:1"
        assert needed <= given, "the known-at field shows its example whole (it read '2003-04-02T17:00:00Z or ba')"
    context.close()


def test_a_wrong_token_or_agreement_is_a_page_that_says_so(browser, served):
    page = browser.new_page()
    page.goto(f"{served}/login")
    page.fill("input[name=token]", "not-a-token")
    page.click("button[type=submit]")
    assert "not one this server accepts" in page.locator("#problem").inner_text()
    page.fill("input[name=token]", token_of(JANE))
    page.click("button[type=submit]")
    response = page.goto(f"{served}/page?key=nope&as_of=2003-02-05")
    assert response.status == 404 and "no agreement 'nope'" in page.locator("#problem").inner_text()


def cli_json(url: str, *args: str) -> object:
    result = command_line(url, *args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def cells(page, table: str, *columns: int, amount: int | None = None) -> list[tuple]:  # noqa: ANN001 - a Playwright page
    """Each row of a table on the page: the text of some columns, then the exact amount of another (data-amount)."""
    rows = page.locator(f"#{table} tbody tr")
    found = []
    for i in range(rows.count()):
        row = rows.nth(i).locator("td")
        found.append((*(row.nth(c).inner_text() for c in columns),
                       *((row.nth(amount).get_attribute("data-amount"),) if amount is not None else ())))
    return found


def test_every_table_on_the_page_shows_the_figures_of_the_cli_json(browser, served, loaded_url):
    page = browser.new_page()
    page.goto(f"{served}/login")
    page.fill("input[name=token]", token_of(JANE))
    page.click("button[type=submit]")
    page.goto(f"{served}/page?key=barnes-1995&as_of=2003-02-05")

    register = cli_json(loaded_url, "register", "barnes-1995", "--as-of", "2003-02-05", "--by", "note")
    assert cells(page, "notes", 0, 3, amount=4) == [(str(n["number"]), n["holder"], n["principal"]) for n in register["notes"]] + [
        ("", "TOTAL", register["totals"]["7.13%"])]  # as the command line totals it beneath (the page gave none)
    outstanding = cli_json(loaded_url, "outstanding", "barnes-1995", "--as-of", "2003-02-05")
    assert cells(page, "outstanding-table", 0, amount=1) == [(s["series"], s["outstanding"]) for s in outstanding["series"]]
    schedule = cli_json(loaded_url, "schedule", "barnes-1995", "--as-of", "2003-02-05")
    shown = [(*row, page.locator("#schedule-table tbody tr").nth(i).locator("td").nth(4).get_attribute("data-amount"))
             for i, row in enumerate(cells(page, "schedule-table", 1, 2, 5, amount=3))]
    assert [(kind, due, status.split()[0], *amounts) for kind, due, status, *amounts in shown] == [
        (p["kind"], p["due_on"], p["status"], p["principal"], p["interest"]) for p in schedule["payments"]]
    assert ("interest", "1996-06-05", "paid 1996-06-05 (barnes-1995:4)", "0.00", "891250.00") in shown, "when, by which event"
    first = page.locator("#schedule-table tbody tr").nth(0).locator("td")
    assert (first.nth(3).inner_text(), first.nth(4).inner_text()) == ("", "$891,250.00"), "no principal shown as none, as the CLI"
    assert len(shown) > 10
    history = cli_json(loaded_url, "history", "barnes-1995")
    assert cells(page, "history", 0, 1) == [(h["event"], h["effective_on"]) for h in history]
    chart_labels = page.locator("svg[aria-label^='principal outstanding'] text").evaluate_all("found => found.map(t => t.textContent)")
    assert f"{Decimal(outstanding['series'][0]['outstanding']):,.2f}" in chart_labels


def test_treasury_asks_the_first_page_for_the_payments_due_and_reads_the_cli_figures(browser, served, loaded_url):
    page = browser.new_page()
    page.goto(served)
    page.fill("input[name=token]", token_of(JANE))
    page.click("button[type=submit]")
    page.wait_for_selector("#agreements tbody tr")
    page.fill("form[action='/page/due'] input[name=from]", "2001-01-01")
    page.fill("form[action='/page/due'] input[name=to]", "2003-12-31")
    page.fill("form[action='/page/due'] input[name=as_of]", "2003-12-10")
    page.click("form[action='/page/due'] button[type=submit]")
    page.wait_for_selector("#due tbody tr")
    assert page.title() == "Payments due 2001-01-01 to 2003-12-31, status as of 2003-12-10"
    due = cli_json(loaded_url, "due", "--from", "2001-01-01", "--to", "2003-12-31", "--as-of", "2003-12-10")
    shown = cells(page, "due", 0, 1, 3, amount=5)
    assert shown[:-1] == [(p["due_on"], p["agreement"], p["kind"], p["interest"]) for p in due["payments"]]
    assert shown[-1] == ("", "TOTAL on file", "", due["interest"])
    notes = page.locator("p.note").all_inner_texts()
    assert any("barnes-2000: 8.59%: the day count of the 8.59% notes is not on file" in n for n in notes)
    assert any(n.startswith("A1-A4 (barnes-1995:17-20) assumed paid on its due date") for n in notes)
    assert page.locator("a[href='/due/exports/due.xlsx?from=2001-01-01&to=2003-12-31&as_of=2003-12-10']").count() == 1
    page.goto(f"{served}/page/due?to=2003-12-31")
    assert "from: is required: the first due date shown, YYYY-MM-DD." in page.locator("#problem").inner_text()
