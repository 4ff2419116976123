"""One JSON encoding for every read model: what machines read from the CLI and, later, the API.

Read models are dataclasses; a field is written under its name (or the name it
is ``shown_as``), left out if ``unshown``, left out when unset or
empty if ``shown_if_set`` (``shown_if_any``), or replaced by its own fields if ``shown_inline``. Amounts are decimal strings exactly as held (whole cents),
dates and times ISO 8601, tuples lists.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import fields, is_dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any


def plain(value: Any, decimal: Callable[[Decimal], str] = str) -> Any:
    """``value`` as JSON-ready data: dicts, lists, strings, numbers, booleans and None (a decimal written by
    ``decimal``: as held, for JSON; with thousands separators, for text)."""
    if is_dataclass(value) and not isinstance(value, type):
        data = {}
        for f in fields(value):
            if f.metadata.get("unshown"):
                continue
            item = getattr(value, f.name)
            if f.metadata.get("shown_if_set") and (item is None or (isinstance(item, (tuple, list, dict)) and not item)):
                continue
            if f.metadata.get("shown_inline"):
                data.update(plain(item, decimal))
                continue
            data[f.metadata.get("shown_as", f.name)] = plain(item, decimal)
        return data
    if isinstance(value, dict):
        return {str(k): plain(v, decimal) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v, decimal) for v in value]
    if isinstance(value, Decimal):
        return decimal(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if value is None or isinstance(value, (str, int, bool)):
        return value
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def to_json(value: Any) -> str:
    return json.dumps(plain(value), indent=2, ensure_ascii=False)
