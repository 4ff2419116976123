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
import sys  # noqa: I001

from adapters.cli.common import app
from adapters.cli import registers, documents, payments, recording, remedies, journals, integrity, exports, serve  # noqa: F401


def run() -> None:
    """The entry point: a failure debtreg did not foresee is still a message, never a traceback."""
    try:
        app()
    except Exception as error:  # noqa: BLE001 - the last line of defence, reported as a bug
        sys.stderr.write(
            f"debtreg: unexpected failure, a bug in debtreg ({type(error).__name__}: {error}); please report it"
            " with the command you ran. Run `debtreg verify` to check the store.\n"
        )
        sys.exit(70)


__all__ = ["app", "run"]
