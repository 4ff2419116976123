"""Shared fixtures: registries on SQLite (always) and PostgreSQL (when configured).

PostgreSQL tests read the server's URL from ``DEBTREG_TEST_POSTGRES_URL``; each
test gets a schema of its own, dropped afterwards. Without the variable they
are skipped and the summary says how to enable them; with
``DEBTREG_REQUIRE_POSTGRES=1`` (as CI sets) a missing server is a failure.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from adapters import store
from adapters.journal import load
from adapters.queries import Queries
from adapters.registry import Registry
from support import ADMIN, writer

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
POSTGRES_URL = os.environ.get("DEBTREG_TEST_POSTGRES_URL")
POSTGRES_REQUIRED = os.environ.get("DEBTREG_REQUIRE_POSTGRES") == "1"
HOW_TO_ENABLE = (
    "PostgreSQL tests skipped: set DEBTREG_TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/test"
    " (any database you may create schemas in) to run them"
)


@pytest.fixture
def registry() -> Iterator[Registry]:
    """An empty registry in memory, acting as the tests' administrator."""
    registry = Registry("sqlite:///:memory:", identity=ADMIN)
    registry.ledger.enrol_first(ADMIN)
    yield registry
    registry.close()


@pytest.fixture(params=["checkpoints as kept", "a checkpoint after every event"])
def checkpoint_spacing(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run a test twice: with the timeline's checkpoints as debtreg keeps them, and with one after every event
    (so every fold starts from a checkpoint): no figure and no refusal may differ."""
    if request.param == "a checkpoint after every event":
        monkeypatch.setattr("domain.timeline.MIN_SPACING", 1)
        monkeypatch.setattr("domain.timeline.CHECKPOINTS", 100_000)


@pytest.fixture(scope="session")
def loaded_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every fixture journal loaded once per session into an SQLite file; tests get copies."""
    path = tmp_path_factory.mktemp("loaded") / "debtreg.sqlite"
    _loaded(f"sqlite:///{path}")
    return path


@pytest.fixture
def loaded_url(loaded_file: Path, tmp_path: Path) -> str:
    """A URL to a copy of the loaded store, this test's own."""
    copy = tmp_path / "loaded.sqlite"
    shutil.copyfile(loaded_file, copy)
    return f"sqlite:///{copy}"


@pytest.fixture
def loaded(loaded_url: str) -> Iterator[Registry]:
    """The registry with every fixture journal loaded, acting as the tests' administrator."""
    registry = Registry(loaded_url, identity=ADMIN)
    yield registry
    registry.close()


@pytest.fixture
def views(loaded: Registry) -> Queries:
    """The query service over the loaded registry."""
    return Queries(loaded)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'debtreg.sqlite'}"


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A PostgreSQL URL whose search path is a fresh schema, dropped after the test."""
    if not POSTGRES_URL:
        if POSTGRES_REQUIRED:
            pytest.fail("DEBTREG_REQUIRE_POSTGRES=1 but DEBTREG_TEST_POSTGRES_URL is not set")
        pytest.skip(HOW_TO_ENABLE)
    import psycopg

    schema = f"debtreg_test_{uuid.uuid4().hex[:12]}"
    plain = store.postgres_url(store.database_url(POSTGRES_URL)) or POSTGRES_URL  # as the driver reads it, as the CLI does
    try:
        with psycopg.connect(plain, autocommit=True) as connection:
            connection.execute(f'CREATE SCHEMA "{schema}"')
    except psycopg.OperationalError as error:
        if POSTGRES_REQUIRED:
            pytest.fail(f"PostgreSQL at {POSTGRES_URL} is required but unreachable: {error}")
        pytest.skip(f"PostgreSQL at {POSTGRES_URL} is unreachable: {error}")
    separator = "&" if "?" in plain else "?"
    yield f"{plain}{separator}options={quote(f'-csearch_path={schema}')}"
    with psycopg.connect(plain, autocommit=True) as connection:
        connection.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture(params=["sqlite", "postgres"])
def store_url(request: pytest.FixtureRequest) -> str:
    """Each database the registry supports, in turn."""
    return request.getfixturevalue(f"{request.param}_url")


def _loaded(url: str) -> str:
    registry = writer(url)
    try:
        load(registry, [FIXTURES])
    finally:
        registry.close()
    return url


@pytest.fixture
def loaded_store(store_url: str) -> str:
    """Each database in turn with every fixture journal loaded: its URL."""
    return _loaded(store_url)


@pytest.fixture
def loaded_postgres(postgres_url: str) -> str:
    """PostgreSQL with every fixture journal loaded: its URL."""
    return _loaded(postgres_url)


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:  # noqa: ARG001
    """Say plainly which tests were skipped for want of a server or a browser, and how to run them."""
    reasons = [str(getattr(report, "longrepr", "")) for report in terminalreporter.stats.get("skipped", [])]
    for what, how in (("PostgreSQL", HOW_TO_ENABLE), ("browser", "browser tests skipped: install Debian's chromium"
                                                                  " (apt-get install chromium); .ci/run does")):
        skipped = sum(what in reason for reason in reasons)
        if skipped:
            terminalreporter.write_sep("=", f"{skipped} {what} tests were skipped", yellow=True)
            terminalreporter.write_line(how)
