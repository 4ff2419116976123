"""Append-only values that the values made one from another share, so making one copies nothing of the past."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Self


class Shared:
    """Something append-only that the values extended one from another share, each seeing its first ``n``
    items: a value extended at the end appends to it when it is the longest view of it, so recording an entry
    copies nothing of the history; if another value was extended from the same one first, it copies its own
    part (``upto``) and appends to that. Both happen under its lock: threads (the API's) share timelines, and
    a copy must not read what another thread is appending."""

    def __init__(self) -> None:
        self._lock = threading.RLock()  # re-entered by an ``upto`` that locks what it copies (``ClosedNotes``)

    def size(self) -> int:
        raise NotImplementedError

    def upto(self, n: int) -> Self:
        raise NotImplementedError

    def add(self, new: Sequence) -> None:
        raise NotImplementedError

    def extended(self, n: int, new: Sequence) -> Self:
        with self._lock:
            if self.size() == n:
                self.add(new)
                return self
            fork = self.upto(n)
        fork.add(new)
        return fork
