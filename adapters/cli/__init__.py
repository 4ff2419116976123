"""The ``debtreg`` command.

Views take ``--as-of`` and print text tables, JSON or CSV; recording commands
check the entry against the agreement's whole timeline and either record it or
refuse it with the rule and section it breaks, exit status 1, and nothing
recorded. The database is ``--db URL``, else ``$DEBTREG_DATABASE_URL``, else
the SQLite file ``debtreg.sqlite`` in the working directory.

Commands are grouped by who uses them: ``registers`` (auditors and counsel),
``documents`` (counsel), ``payments`` and ``recording`` (treasury), ``remedies``
(counsel and treasury),
``journals`` (whoever keeps the registry), ``integrity`` (auditors).
"""

# The modules register their commands in the order --help lists them, so this order is deliberate.
import gc  # noqa: I001
import sys

from adapters.cli.common import app
from adapters.cli import registers, documents, payments, recording, remedies, journals, integrity, exports, serve  # noqa: F401


def run() -> None:
    """The entry point: a failure debtreg did not foresee is still a message, never a traceback.

    One command runs with Python's cycle collector paused (``serve``, which runs for days, starts it again).
    A command builds many objects that live to its end (a long history's decoded events and states); each full
    collection walks all of them, which cost a third of a fresh process's fold of 100,000 events and a quarter
    of loading them. They are freed by reference counting, not the collector: loading those 100,000 events
    took 821 MB at most without it, 804 MB with it (bench/RESULTS.md)."""
    gc.disable()
    try:
        app()
    except Exception as error:  # noqa: BLE001 - the last line of defence, reported as a bug
        from domain.names import printable

        sys.stderr.write(
            f"debtreg: unexpected failure, a bug in debtreg ({type(error).__name__}: {printable(str(error))}); please report it"
            " with the command you ran. Run `debtreg verify` to check the store.\n"
        )
        sys.exit(70)


__all__ = ["app", "run"]
