"""Entries that correct the record in the open: reversals."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from adapters.entries.base import Day, EntryIn, Text, Whole
from domain.commands import Reverse


class ReversalEntry(EntryIn):
    """An entry recorded in error, reversed: ``target`` is the recording position of one of its events.

    The reversal takes effect as of the reversed entry's date, so ``effective_on`` is not given.
    """

    type: Literal["reversal"]
    effective_on: Day | None = Field(None, description="Not given: a reversal takes effect as of the entry it reverses.")  # type: ignore[assignment]
    target: Whole = Field(gt=0, description="The recording position of one of the entry's events, as history shows it.")
    reason: Text = Field(description="Why the entry was wrong.")
    of: Literal["agreement", "guaranty", "instrument", "holder"] = Field("agreement", description="The kind of stream it is in.")

    @property
    def stream_kind(self) -> str:  # type: ignore[override]
        return self.of

    def command(self, key: str) -> Reverse:
        fields = {**self.common(key), "effective_on": self.effective_on or date.min}
        return Reverse(**fields, stream_kind=self.of, target=self.target, reason=self.reason)
