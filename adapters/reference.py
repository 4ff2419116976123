"""The journal format, for people and machines: its JSON Schema, and a reference rendered from it.

Both come from the pydantic models that validate journals, so neither can
drift from what loading accepts. ``docs/journal.md`` is the rendered reference;
a test keeps it equal to what this module renders.
"""

from __future__ import annotations

import json
from typing import Any

from adapters.entries import EntryIn
from adapters.journal import JournalFile

INTRODUCTION = """\
# The journal reference

A journal is a TOML file: one `[journal]` table naming what its entries
concern, then `[[entry]]` tables in the order they are recorded. Every entry
has an `id` (unique in its journal), a `type`, the date it took effect
(`effective_on`), its `evidence`, and any facts it `assumed` with the reason.
Money is written as a string (`"1,000,000"` or `"2594625.00"`) or a whole
number, never with a decimal point outside quotes; rates as strings
(`"7.13%"`); dates as TOML dates (`2003-02-05`). A term left out is "not on
file": the registry invents nothing for it, and refuses, or records with the
assumption shown, what would need it.

`debtreg check PATH` validates journals without recording; `debtreg schema`
prints this format as a JSON Schema; `debtreg template` prints a journal to
start from; `debtreg terms AGREEMENT` shows what is on file.

This page is generated from the models that validate journals
(`debtreg reference`).
"""


def schema() -> dict[str, Any]:
    """The JSON Schema of a journal (TOML read as JSON: dates as ISO strings)."""
    found = JournalFile.model_json_schema(by_alias=True)
    found["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    found["title"] = "debtreg journal"
    return found


def schema_json() -> str:
    return json.dumps(schema(), indent=2, ensure_ascii=False)


def reference() -> str:
    """The reference, in Markdown: the journal table, then each entry type, then the tables they contain."""
    found = schema()
    definitions = found["$defs"]
    entry_types = _entry_types(definitions)
    every_entry = EntryIn.model_json_schema(by_alias=True)
    lines = [INTRODUCTION, "## `[journal]`", "", *_fields(definitions["JournalHeader"], definitions)]
    lines += ["", "## Entries", "", "Every entry has these fields:", "", *_fields(every_entry, definitions)]
    common = set(every_entry["properties"])
    for name, kind in entry_types:
        model = definitions[name]
        lines += ["", f"### `type = \"{kind}\"`", "", _prose(model.get("description", "")), ""]
        lines += _fields(model, definitions, skip=common | {"type"})
    for name in sorted(set(definitions) - {n for n, _ in entry_types} - {"JournalHeader", "JournalFile"}):
        lines += ["", f"### {_title(name)}", "", _prose(definitions[name].get("description", "")), ""]
        lines += _fields(definitions[name], definitions)
    return "\n".join(line.rstrip() for line in lines).strip() + "\n"


def _entry_types(definitions: dict[str, Any]) -> list[tuple[str, str]]:
    """Each entry model and its ``type``, in the order the journal format lists them."""
    variants = JournalFile.model_json_schema(by_alias=True)["properties"]["entry"]["items"]["oneOf"]
    names = [variant["$ref"].rsplit("/", 1)[1] for variant in variants]
    return [(name, definitions[name]["properties"]["type"]["const"]) for name in names]


def _fields(model: dict[str, Any], definitions: dict[str, Any], skip: set[str] = frozenset()) -> list[str]:
    required = set(model.get("required", ()))
    rows = ["| field | type | | meaning |", "|---|---|---|---|"]
    for name, spec in model.get("properties", {}).items():
        if name in skip:
            continue
        default = spec.get("default")
        need = "required" if name in required else f"default {json.dumps(default)}" if default not in (None, [], {}) else "optional"
        meaning = _prose(spec.get("description") or "").replace("|", "\\|").replace("\n", " ")
        rows.append(f"| `{name}` | {_type(spec, definitions)} | {need} | {meaning} |")
    return rows if len(rows) > 2 else ["(no fields of its own)"]


def _type(spec: dict[str, Any], definitions: dict[str, Any]) -> str:
    if "$ref" in spec:
        return f"[{_title(spec['$ref'].rsplit('/', 1)[1])}](#{_title(spec['$ref'].rsplit('/', 1)[1]).lower().replace(' ', '-')})"
    if "enum" in spec:
        return " \\| ".join(f'`"{v}"`' for v in spec["enum"])
    if "const" in spec:
        return f'`"{spec["const"]}"`'
    if spec.get("title") in ("amount", "percentage", "date", "Treasury curve"):
        return spec["title"]
    if "anyOf" in spec:
        kinds = [_type(option, definitions) for option in spec["anyOf"] if option.get("type") != "null"]
        return " or ".join(dict.fromkeys(kinds))
    if spec.get("type") == "array":
        return f"list of {_type(spec.get('items', {}), definitions)}"
    if spec.get("type") == "object":
        values = spec.get("additionalProperties")
        return f"table of {_type(values, definitions)}" if isinstance(values, dict) else "table"
    return {"string": "text", "integer": "whole number", "boolean": "true or false"}.get(spec.get("type", ""), "value")


def _prose(text: str) -> str:
    return text.strip().replace("``", "`")


def _title(name: str) -> str:
    """ "SeriesIn" as "series"; "MakewholeIn" as "makewhole"."""
    plain = name.removesuffix("In")
    return "".join(f" {c.lower()}" if c.isupper() and i else c.lower() for i, c in enumerate(plain))
