"""Stage 5, layout: the per-process caches of layout work, and how they forget.

Parsed paragraphs, line breaks and drawn operators are kept from build to build, so a batch
lays out the text its rows share only once. What only one row uses (a paragraph with a
name in it) must not pile up over a thousand rows: an entry that the last few builds have
not used is dropped when the next build starts, so memory stays flat however long the
batch, and interleaved workbooks (say, English and Spanish rows) still share their text.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

V = TypeVar("V")

KEEP_BUILDS = 8  # an entry survives this many builds that do not use it
_caches: list[RecentCache[Any]] = []
_build = 0


class RecentCache(Generic[V]):
    """A dict-like cache whose entries expire when recent builds stop using them."""

    def __init__(self) -> None:
        self._entries: dict[Any, list[Any]] = {}  # key -> [last build that used it, value]
        _caches.append(self)

    def get(self, key: Any, default: Any = None) -> Any:
        entry = self._entries.get(key)
        if entry is None:
            return default
        entry[0] = _build
        return entry[1]

    def __setitem__(self, key: Any, value: V) -> None:
        self._entries[key] = [_build, value]

    def __len__(self) -> int:
        return len(self._entries)

    def _forget(self, before: int) -> None:
        stale = [key for key, (used, _) in self._entries.items() if used < before]
        for key in stale:
            del self._entries[key]


def new_build() -> None:
    """Start a build: forget what the last KEEP_BUILDS builds did not use."""
    global _build
    _build += 1
    for cache in _caches:
        cache._forget(_build - KEEP_BUILDS)
