"""Modules imported when first used: a command loads only what it runs (the command line's modules, a view's
projection), so --help, a refusal of bad options and a view start quickly."""

from __future__ import annotations

import importlib
from typing import Any


class _Lazy:
    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attribute: str) -> Any:
        return getattr(importlib.import_module(self._name), attribute)


def lazy(name: str) -> Any:
    """The module ``name``, imported when one of its attributes is first read."""
    return _Lazy(name)
