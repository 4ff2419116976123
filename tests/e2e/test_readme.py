"""The README's walks, run as a reader would type them: every command in order, in a fresh directory."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from typer.testing import CliRunner

from adapters.cli import app
from conftest import ROOT


def walk(name: str) -> list[str]:
    """The commands between ``<!-- walk: name -->`` and ``<!-- /walk -->``, comments set aside."""
    text = (ROOT / "README.md").read_text()
    block = re.search(rf"<!-- walk: {name} -->(.*?)<!-- /walk -->", text, re.S)
    assert block, f"the README has no walk called {name}"
    joined = block[1].replace("\\\n", " ")
    commands = [line.strip() for line in joined.splitlines() if line.strip().startswith("debtreg ")]
    return [re.sub(r"\s+#.*$", "", command) for command in commands]


def run(command: str, cwd: Path, db: str) -> str:
    words = shlex.split(command)[1:]
    target = None
    if ">" in words:
        at = words.index(">")
        words, target = words[:at], words[at + 1]
    result = CliRunner(env={"DEBTREG_IDENTITY": None, "DEBTREG_DATABASE_URL": db}).invoke(app, words)
    assert result.exit_code == 0, f"{command}\n{result.output}"
    if target:
        (cwd / target).write_text(result.stdout)
    return result.stdout


def test_the_onboarding_walk_runs_as_written(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    db = f"sqlite:///{tmp_path / 'debtreg.sqlite'}"
    outputs = {command: run(command, tmp_path, db) for command in walk("onboarding")}
    assert len(outputs) >= 8
    assert "not on file: nothing" in outputs["debtreg terms acme-2024"]
    transfer = next(out for command, out in outputs.items() if command.startswith("debtreg transfer"))
    assert "to Example Re Insurance Company" in transfer
    holders = outputs[next(c for c in outputs if c.startswith("debtreg holders"))]
    assert "Example Re Insurance Company" in holders and "acme-2024" in holders


def test_the_auditor_walk_runs_as_written(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "fixtures").symlink_to(ROOT / "fixtures")
    db = f"sqlite:///{tmp_path / 'debtreg.sqlite'}"
    outputs = [run(command, tmp_path, db) for command in walk("auditor")]
    *_, now, then, history = outputs
    def lincoln(annex: str) -> str:
        return next(line for line in annex.splitlines() if line.startswith("Lincoln")).split()[-1]

    assert (lincoln(now), lincoln(then)) == ("5,150,000", "6,150,000")
    assert "barnes-1995:30" in history and "barnes-1995:31" not in history


def test_the_tour_runs_as_written_on_the_demo_store(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "fixtures").symlink_to(ROOT / "fixtures")
    db = f"sqlite:///{tmp_path / 'debtreg.sqlite'}"
    for command in ('debtreg identity init "Demo Administrator"', "debtreg load fixtures/"):  # what make demo does
        run(command, tmp_path, db)
    commands = walk("tour")
    assert len(commands) >= 30 and not any("..." in c for c in commands)
    outputs = {command: run(command, tmp_path, db) for command in commands}
    paid = [out for command, out in outputs.items() if command.startswith("debtreg pay barnes-1995 --date 2003-12-05 --kind interest")]
    assert paid and "due 2003-12-05" in paid[0], "the December coupon is paid once June's is"
    rescinded = next(out for command, out in outputs.items() if command.startswith("debtreg rescind"))
    assert rescinded.startswith("recorded barnes-1995:"), "the remedies walk ends with the acceleration annulled"
    assert not (ROOT / "redline.html").exists(), "the tour leaves nothing in the repository"
