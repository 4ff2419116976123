"""The ``debtreg`` command.

Views take ``--as-of`` and print text tables, JSON or CSV; recording commands
check the entry against the agreement's whole timeline and either record it or
refuse it with the rule and section it breaks, exit status 1, and nothing
recorded. The database is ``--db URL``, else ``$DEBTREG_DATABASE_URL``, else
the SQLite file ``debtreg.sqlite`` in the working directory.

Commands are grouped by who uses them: ``registers`` (auditors and counsel),
``documents`` (counsel), ``payments`` and ``recording`` (treasury),
``journals`` (whoever keeps the registry), ``integrity`` (auditors).
"""

from adapters.cli import registers, documents, payments, recording, journals, integrity  # noqa: F401, I001 - registers commands, in help order
from adapters.cli.common import app


def run() -> None:
    app()


__all__ = ["app", "run"]
