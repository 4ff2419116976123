"""Journals are refused whole, with the file and line at fault, or loaded exactly once."""

import gc
import shutil
import weakref
from pathlib import Path
from textwrap import dedent

import pytest

from adapters.journal import check, in_dependency_order, journal_paths, load, read_journal
from conftest import FIXTURES
from domain.errors import ConflictingEntry, InvalidJournal, RegisterMismatch, UnknownAgreement

HEADER = """\
[journal]
id = "test"
agreement = "barnes-1995"
title = "a test journal"
"""

TRANSFER = """\
[[entry]]
id = "t1"
type = "transfer"
effective_on = 2003-03-01
evidence = { document = "treasury entry" }
from = "Lincoln Investment Management, Inc."
to = "New Holder"
new_holder = true
amount = "1,000,000"
"""


def stored(registry):
    """Every stored event, to show a refused load changed nothing."""
    return registry.recorder.select_notifications(start=None, limit=100_000)


def journal(tmp_path: Path, text: str, name: str = "test.toml") -> Path:
    if not (tmp_path / "text").exists():
        shutil.copytree(FIXTURES / "text", tmp_path / "text")
    path = tmp_path / name
    path.write_text(dedent(text))
    return path


def line_of(path: Path, fragment: str) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if fragment in line)


def test_loading_the_fixtures_twice_records_nothing_the_second_time(loaded):
    before = stored(loaded)
    staged = load(loaded, [FIXTURES])
    assert all(not item.events for item in staged)
    assert stored(loaded) == before


def test_a_load_tells_its_progress_through_checking_then_recording(registry):
    """A long load is three parts: reading the files, checking every entry, then recording them; each tells its
    steps."""
    told: list = []
    staged = load(registry, [FIXTURES], lambda total, part: told.append((part, total)) or (lambda _: told.append(part)))
    files, entries = len(list(FIXTURES.glob("*.toml"))), len(staged)
    assert told == [("reading", files), *["reading"] * files, ("checking", entries), *["checking"] * entries,
                    ("recording", entries), *["recording"] * entries]


def test_a_load_holds_one_stream_an_agreement_as_it_checks_not_one_an_entry(registry):
    """Each entry's stream is let go once a later entry's supersedes it, for one empty one that all share: a load of
    1,000 agreements holds every agreement it checks until it has saved them all (bench/registry.py's peak MB)."""
    staged = check(registry, [FIXTURES])
    last = {item.stream.id: at for at, item in enumerate(staged)}
    held = [item.stream for at, item in enumerate(staged) if last[item.stream.id] == at]
    let_go = [item.stream for at, item in enumerate(staged) if last[item.stream.id] != at]
    assert all(stream.version for stream in held) and len(let_go) > 30
    assert all(stream.version == 0 for stream in let_go)
    assert len({id(stream.timeline) for stream in let_go}) == 1
    assert {(s.kind, s.key) for s in let_go} <= {(s.kind, s.key) for s in held}


def test_journals_put_in_order_are_freed_as_soon_as_no_one_holds_them():
    """The command line runs without the collector of reference cycles (as a command is short): a cycle made while
    ordering the journals held every journal a load read, and every entry in it, until the command ended."""
    journals = [read_journal(path) for path in journal_paths([FIXTURES])]
    held = [weakref.ref(journal) for journal in journals]
    gc.collect()
    gc.disable()
    try:
        assert [j.id for j in in_dependency_order(journals)].index("holders") > 0  # after the agreements it names
        del journals
        assert [ref() for ref in held] == [None] * len(held)
    finally:
        gc.enable()


def test_a_journal_entry_is_recorded_with_its_source_line(loaded, tmp_path):
    path = journal(tmp_path, HEADER + TRANSFER)
    next_event = loaded.agreement("barnes-1995").version + 1
    [staged] = load(loaded, [path])
    assert staged.refs == [f"barnes-1995:{next_event}"]
    assert staged.provenance.source == f"{path}:5"
    assert staged.provenance.entry == "test/t1"


def test_invalid_toml_is_refused_with_its_line(loaded, tmp_path):
    path = journal(tmp_path, HEADER + TRANSFER + 'amount = "2"\n')
    with pytest.raises(InvalidJournal, match=r"not valid TOML: .*line 14"):
        load(loaded, [path])


def test_a_float_for_money_is_refused_at_its_line(loaded, tmp_path):
    path = journal(tmp_path, HEADER + TRANSFER.replace('amount = "1,000,000"', "amount = 1000000.0"))
    before = stored(loaded)
    with pytest.raises(InvalidJournal) as refused:
        load(loaded, [path])
    assert str(refused.value).startswith(f"{path}:{line_of(path, 'amount =')}: entry.0.transfer.amount:")
    assert "is a float; write money as a string" in str(refused.value)
    assert stored(loaded) == before


@pytest.mark.parametrize(("typed", "said"), [
    ("new_holder = true\nnote = true", "note: true is not a whole number: write one, e.g. 2"),  # it was read as note No. 1
    ("new_holder = true\nnote = 0", "note: 0 is not above 0: give a number above it"),
    ('new_holder = "maybe"', "new_holder: 'maybe' is not true or false: write true or false"),
    ("new_holder = 1", "new_holder: 1 is not true or false: write true or false"),  # it was read as true
    ("new_holder = true\nseries = 7.13", "series: 7.13 is not text: write it in quotes"),
    ('new_holder = true\nnote = "five"', "note: 'five' is not a whole number: write one, e.g. 2"),
])
def test_a_value_of_the_wrong_type_is_refused_at_its_line_in_the_journals_words(loaded, tmp_path, typed, said):
    """Not pydantic's ("Input should be a valid boolean, unable to interpret input"); and `true` is no note number."""
    path = journal(tmp_path, HEADER + TRANSFER.replace("new_holder = true", typed))
    before = stored(loaded)
    with pytest.raises(InvalidJournal) as refused:
        load(loaded, [path])
    assert str(refused.value).startswith(f"{path}:{line_of(path, typed.splitlines()[-1])}: entry.0.transfer.{said}"), refused.value
    assert stored(loaded) == before


def test_a_table_where_a_value_belongs_and_a_value_where_a_table_belongs_are_refused_in_words(loaded, tmp_path):
    path = journal(tmp_path, HEADER + TRANSFER.replace('evidence = { document = "treasury entry" }', 'evidence = "treasury entry"'))
    with pytest.raises(InvalidJournal, match=r"evidence: 'treasury entry' is not a table of fields: write one \(in TOML"):
        load(loaded, [path])


def test_an_unknown_field_is_refused_at_its_line(loaded, tmp_path):
    path = journal(tmp_path, HEADER + TRANSFER.replace("amount =", "ammount ="))
    with pytest.raises(InvalidJournal, match=r"ammount: is not a field this entry has; did you mean 'amount'\?") as refused:
        load(loaded, [path])
    assert str(refused.value).startswith(f"{path}:{line_of(path, 'ammount')}:")


@pytest.mark.parametrize(("typed", "said"), [
    ("agrement", "journal.agrement: is not a field of the [journal] table; did you mean 'agreement'?"),
    ("key", "journal.key: is not a field of the [journal] table; its fields are id, title, agreement, guaranty,"
            " instrument, holders, depends_on, description, sources"),
])
def test_an_unknown_field_of_the_journal_table_is_named_as_the_tables(loaded, tmp_path, typed, said):
    """The [journal] table is not an entry: its fields are offered, or the one a misspelt name looks like."""
    path = journal(tmp_path, HEADER.replace("agreement =", f"{typed} =") + TRANSFER)
    with pytest.raises(InvalidJournal) as refused:
        load(loaded, [path])
    assert str(refused.value) == f"{path}:{line_of(path, typed + ' =')}: {said}"


@pytest.mark.parametrize(("text", "line", "said"), [
    ('agreement = "barnes-1995"\n' + HEADER.replace('agreement = "barnes-1995"\n', "") + TRANSFER, "agreement =",
     "agreement: belongs to the [journal] table: write it on a line after [journal]"),
    (HEADER + TRANSFER.replace("[[entry]]", "[[entries]]"), "[[entries]]", "entries: is not part of a journal, which holds"
     " a [journal] table and its entries, each under [[entry]]; did you mean [[entry]]?"),
    (HEADER.replace("[journal]", "[journals]") + TRANSFER, "[journals]", "journals: is not part of a journal, which holds"
     " a [journal] table and its entries, each under [[entry]]; did you mean [journal]?"),
])
def test_what_is_outside_the_journals_tables_is_refused_at_its_line_naming_them(loaded, tmp_path, text, line, said):
    """A header's field before [journal], or [[entries]] for [[entry]], was "not a field this entry has", of no entry."""
    path = journal(tmp_path, text)
    with pytest.raises(InvalidJournal) as refused:
        load(loaded, [path])
    assert str(refused.value) == f"{path}:{line_of(path, line)}: {said}"


@pytest.mark.parametrize(("typed", "line", "said"), [
    ("", "[[entry]]", "entry.0.type: is required: give the entry's type, e.g. transfer (`debtreg reference` lists every type)"),
    ('type = "tranfser"\n', "tranfser", "entry.0.type: 'tranfser' is not an entry type; the types are agreement, terms-corrected,"),
])
def test_an_entry_of_no_type_or_an_unknown_one_is_refused_at_its_line_naming_the_types(loaded, tmp_path, typed, line, said):
    """Not pydantic's "Unable to extract tag using discriminator 'type'", at the entry without its field."""
    path = journal(tmp_path, HEADER + TRANSFER.replace('type = "transfer"\n', typed))
    with pytest.raises(InvalidJournal) as refused:
        load(loaded, [path])
    assert str(refused.value).startswith(f"{path}:{line_of(path, line)}: {said}"), str(refused.value)


def test_a_field_missing_from_the_journal_table_is_refused_at_the_table_not_at_an_entry_using_the_name(loaded, tmp_path):
    """An entry's inline table with a ``title`` led the reader to that line, not to the [journal] table lacking one."""
    amendment = (TRANSFER.split("from =")[0].replace('"transfer"', '"amendment"') + 'number = 9\nname = "Amendment No. 9"\n'
                 'changes = [ { action = "restate", target = "7.7", text = "New words.", title = "Indebtedness" } ]\n')
    path = journal(tmp_path, HEADER.replace('title = "a test journal"\n', "") + amendment)
    with pytest.raises(InvalidJournal) as refused:
        load(loaded, [path])
    assert str(refused.value).startswith(f"{path}:{line_of(path, '[journal]')}: journal.title: is required")


def test_an_entry_without_evidence_is_refused_at_the_entry(loaded, tmp_path):
    path = journal(tmp_path, HEADER + TRANSFER.replace('evidence = { document = "treasury entry" }\n', ""))
    with pytest.raises(InvalidJournal, match=r"test.toml:5: entry.0.transfer.evidence: is required"):
        load(loaded, [path])


def test_entries_need_ids_that_are_unique(loaded, tmp_path):
    path = journal(tmp_path, HEADER + TRANSFER + TRANSFER.replace("2003-03-01", "2003-03-02"))
    with pytest.raises(InvalidJournal, match=r"^\S+test.toml:1: journal: entry id 't1' is used twice$"):  # not ": :"
        load(loaded, [path])


def test_a_journal_naming_no_agreement_is_refused_saying_what_it_may_name(loaded, tmp_path):
    path = journal(tmp_path, HEADER.replace('agreement = "barnes-1995"\n', "") + TRANSFER)
    with pytest.raises(InvalidJournal, match=r"test.toml:1: journal: the \[journal\] table must name the agreement \(or"
                                             r" guaranty\) its entries concern, or say holders = true for a journal of holders$"):
        load(loaded, [path])


def test_a_total_row_that_does_not_add_up_is_refused(loaded, tmp_path):
    path = journal(
        tmp_path,
        HEADER
        + """\
        [[entry]]
        id = "annex"
        type = "register"
        effective_on = 2003-02-05
        evidence = { document = "000_317ef8812732a978.txt", section = "Annex 1" }
        holders = [{ holder = "Lincoln Investment Management, Inc.", principal = "6,150,000" }]
        total = "18,750,000"
        """,
    )
    with pytest.raises(InvalidJournal, match=r"the TOTAL is \$18,750,000.00, but its lines add up to \$6,150,000.00"):
        read_journal(path)


def test_a_refused_entry_refuses_the_whole_load_and_records_nothing(loaded, tmp_path):
    good = TRANSFER.replace('id = "t1"', 'id = "good"')
    too_much = TRANSFER.replace('id = "t1"', 'id = "too-much"').replace('"1,000,000"', '"9,000,000"')
    path = journal(tmp_path, HEADER + good + too_much)
    before = stored(loaded)
    with pytest.raises(Exception, match=rf"{path}:14: entry 'too-much': .*cannot transfer \$9,000,000.00"):
        load(loaded, [path])
    assert stored(loaded) == before


def test_a_schedule_of_holders_that_disagrees_with_the_replay_fails_the_load(registry, tmp_path):
    text = (FIXTURES / "barnes-1995.toml").read_text().replace('principal = "6,150,000"', 'principal = "6,150,001"')
    text = text.replace('total = "18,750,000"', 'total = "18,750,001"')
    path = journal(tmp_path, text, "barnes-1995.toml")
    with pytest.raises(RegisterMismatch, match=r"Lincoln Investment Management, Inc. 7.13%: register \$6,150,000.00, schedule \$6,150,001.00"):
        load(registry, [path])
    assert stored(registry) == []


def test_the_same_entry_id_with_other_content_is_refused(loaded, tmp_path):
    load(loaded, [journal(tmp_path, HEADER + TRANSFER)])
    changed = journal(tmp_path, HEADER + TRANSFER.replace('"1,000,000"', '"2,000,000"'), "changed.toml")
    before = stored(loaded)
    with pytest.raises(ConflictingEntry, match="entry 'test/t1' is already recorded"):
        load(loaded, [changed])
    assert stored(loaded) == before


def test_an_entry_id_another_agreement_recorded_under_is_refused_in_a_load_and_in_a_command(loaded, tmp_path):
    """Request ids are unique across the registry: a load reads those its entries would claim in one query, a
    single command asks for its own; both refuse the same way."""
    load(loaded, [journal(tmp_path, HEADER + TRANSFER)])
    elsewhere = journal(tmp_path, HEADER.replace('"barnes-1995"', '"novascotia-1999"') + TRANSFER.replace(
        "Lincoln Investment Management, Inc.", "The Prudential Insurance Company of America"), "elsewhere.toml")
    before = stored(loaded)
    with pytest.raises(ConflictingEntry, match="request id 'test/t1' was used already, for another stream"):
        load(loaded, [elsewhere])
    entry = read_journal(elsewhere).content.entry[0]
    with pytest.raises(ConflictingEntry, match="request id 'test/t1' was used already, for another stream"):
        loaded.record("novascotia-1999", entry, request_id="test/t1")
    assert stored(loaded) == before


def test_entries_for_an_agreement_not_on_the_registry_are_refused(registry, tmp_path):
    path = journal(tmp_path, HEADER + TRANSFER)
    with pytest.raises(UnknownAgreement, match="no agreement 'barnes-1995'"):
        load(registry, [path])


def test_journals_load_after_the_journals_they_depend_on(registry, tmp_path):
    journal(tmp_path, (FIXTURES / "barnes-1995.toml").read_text(), "barnes-1995.toml")
    journal(tmp_path, HEADER.replace('title =', 'depends_on = ["barnes-1995"]\ntitle =') + TRANSFER, "a-first-by-name.toml")
    staged = load(registry, [tmp_path])
    assert [item.provenance.entry for item in staged][-1] == "test/t1"


def test_an_error_deep_in_a_schedule_of_holders_points_at_its_line(loaded, tmp_path):
    path = journal(
        tmp_path,
        HEADER
        + """\
        [[entry]]
        id = "annex"
        type = "register"
        effective_on = 2003-02-05
        evidence = { document = "000_317ef8812732a978.txt", section = "Annex 1" }
        holders = [
          { holder = "Connecticut General Life Insurance Company", principal = "5,100,000" },
          { holder = "Life Insurance Company of North America", principal = 3750000.0 },
        ]
        """,
    )
    with pytest.raises(InvalidJournal, match=r"entry.0.register.holders.1.principal") as refused:
        read_journal(path)
    assert str(refused.value).startswith(f"{path}:{line_of(path, 'North America')}:")


def test_an_error_in_a_series_table_points_at_its_line(registry, tmp_path):
    text = (FIXTURES / "barnes-1995.toml").read_text().replace('rate = "7.13%"', 'rate = 7.13')
    path = journal(tmp_path, text, "barnes-1995.toml")
    with pytest.raises(InvalidJournal, match=r"entry.0.agreement.series.0.rate: 7.13 is not a percentage") as refused:
        read_journal(path)
    assert str(refused.value).startswith(f"{path}:{line_of(path, 'rate = 7.13')}:")


@pytest.mark.parametrize("line", [
    'evidence = { document = "Note Purchase Agreement", }',  # a trailing comma in an inline table
    'evidence = {\n  document = "Note Purchase Agreement" }',  # a line break in one
    'note = "\\e[31m"',  # an escape TOML 1.1 added
    'effective_on = 1995-11-21T09:30',  # a time without its seconds
])
def test_a_journal_is_toml_1_0_refused_as_pythons_own_reader_refuses_it(tmp_path, line):
    """The journal parser is faster than the standard library's (tomli's compiled wheels) but reads the same TOML."""
    import tomllib

    text = f'[journal]\nid = "a"\nkey = "barnes-1995"\n\n[[entry]]\nid = "x"\n{line}\n'
    (tmp_path / "a.toml").write_text(text)
    with pytest.raises(tomllib.TOMLDecodeError) as expected:
        tomllib.loads(text)
    with pytest.raises(InvalidJournal) as refused:
        read_journal(tmp_path / "a.toml")
    assert refused.value.message == f"journal {tmp_path / 'a.toml'}: not valid TOML: {expected.value}"


def test_a_directory_with_no_journal_in_it_is_refused_not_loaded_as_nothing(loaded, tmp_path):
    """A load of the wrong directory printed "Journals loaded" over an empty table, and exited 0."""
    (tmp_path / "notes.txt").write_text("not a journal")
    before = stored(loaded)
    with pytest.raises(InvalidJournal, match="no journal in this directory"):
        load(loaded, [tmp_path])
    assert stored(loaded) == before


def test_a_text_file_with_a_misspelt_field_is_refused_in_the_journals_words(registry, tmp_path):
    """A text file's fields were refused in pydantic's words ("Extra inputs are not permitted"), not the journal's."""
    shutil.copytree(FIXTURES / "text", tmp_path / "text")
    text = tmp_path / "text" / "barnes-1995.toml"
    text.write_text(text.read_text().replace("[[defect]]", "[[defects]]", 1))
    shutil.copy(FIXTURES / "barnes-1995.toml", tmp_path)
    with pytest.raises(InvalidJournal, match=r"entry 'text': text file .*/text/barnes-1995.toml: defects: is not a field this entry has$"):
        load(registry, [tmp_path / "barnes-1995.toml"])
