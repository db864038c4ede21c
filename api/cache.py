"""A short-lived cache of candidate orders and of rows read by key.

Sorting every candidate of an industry by score costs the store a scan
per request, but the order changes only when ``bluecarbon rank`` stores
new candidates or a review changes, and firms change only when documents
are loaded. The API keeps the ordered candidate keys of each filter
combination, and candidate and firm rows by key, for ``ttl`` seconds.
An order older than that is still served for up to another ``ttl``
seconds while a background thread reads its replacement, so requests
rarely wait for a sort. A rank or load run by another process therefore
shows after at most ``2 * ttl`` seconds. A review stored through this
server clears the cache at once.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

log = logging.getLogger("bluecarbon.api")


class OrderCache:
    """Values by key for ``ttl`` seconds, at most ``max_entries`` of them
    (least recently used dropped first). A ttl of 0 turns it off."""

    def __init__(self, ttl: float, max_entries: int = 32, max_rows: int = 50_000, clock=time.monotonic):
        self.ttl = ttl
        self.max_entries = max_entries
        self.max_rows = max_rows
        self.clock = clock
        self.entries: OrderedDict[Hashable, tuple[float, Any]] = OrderedDict()
        self.row_entries: OrderedDict[tuple, tuple[float, dict | None]] = OrderedDict()
        self.refreshing: set[Hashable] = set()
        self.lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.ttl > 0

    def get(self, key: Hashable, compute: Callable[[], Any], warm: Callable[[Any], None] | None = None) -> Any:
        """Return the cached value of ``key``, computing it when missing.

        ``compute`` runs under the cache's lock, so that requests missing
        together share one value. It must therefore be cheap, as creating
        a :class:`GrowingOrder` is, because the order reads the store
        only when asked for keys. With ``warm``, a value older than
        ``ttl`` but younger than ``2 * ttl`` is returned as it is while a
        background thread computes its replacement and calls
        ``warm(value)`` on it before storing it. Without ``warm``, or
        older still, the value is replaced at once."""
        now = self.clock()
        with self.lock:
            entry = self.entries.get(key)
            if entry is not None:
                age = now - entry[0]
                if age < self.ttl or (warm is not None and age < 2 * self.ttl):
                    self.entries.move_to_end(key)
                    if age >= self.ttl and key not in self.refreshing:
                        self.refreshing.add(key)
                        threading.Thread(
                            target=self._refresh, args=(key, compute, warm), name="order-refresh", daemon=True
                        ).start()
                    return entry[1]
            value = compute()
            self.entries[key] = (now, value)
            self.entries.move_to_end(key)
            while len(self.entries) > self.max_entries:
                self.entries.popitem(last=False)
            return value

    def _refresh(self, key: Hashable, compute: Callable[[], Any], warm: Callable[[Any], None]) -> None:
        try:
            value = compute()
            warm(value)
        except Exception:  # noqa: BLE001 (the stale value stays; a request recomputes it later)
            log.exception("refreshing the cached order %r failed; the old order is kept", key)
        else:
            with self.lock:
                self.entries[key] = (self.clock(), value)
        finally:
            with self.lock:
                self.refreshing.discard(key)

    def rows(self, kind: str, keys, fetch: Callable[[list[str]], dict[str, dict]]) -> dict[str, dict]:
        """Return rows by key, fetching with ``fetch(missing keys)`` only
        those not cached within ``ttl`` (keys fetch did not find are
        cached as missing). Each row returned is a copy, because
        resolvers add request state to the dicts they get."""
        now = self.clock()
        found: dict[str, dict] = {}
        missing: list[str] = []
        with self.lock:
            for key in keys:
                entry = self.row_entries.get((kind, key))
                if entry is not None and now - entry[0] < self.ttl:
                    self.row_entries.move_to_end((kind, key))
                    if entry[1] is not None:
                        found[key] = dict(entry[1])
                else:
                    missing.append(key)
        if missing:
            fetched = fetch(missing)
            with self.lock:
                for key in missing:
                    row = fetched.get(key)
                    self.row_entries[(kind, key)] = (now, dict(row) if row is not None else None)
                    self.row_entries.move_to_end((kind, key))
                    if row is not None:
                        found[key] = row
                while len(self.row_entries) > self.max_rows:
                    self.row_entries.popitem(last=False)
        return found

    def clear(self) -> None:
        """Drop every value. A refresh already running stores its value
        when it ends."""
        with self.lock:
            self.entries.clear()
            self.row_entries.clear()


class GrowingOrder:
    """The first keys of an order, read from the store in prefixes that
    grow as later pages are requested, up to ``cap`` keys.

    ``fetch(n)`` returns the first ``n`` keys. A first read of
    ``first_read`` keys costs the store about what one page costs, and
    the prefix at least doubles on each later read. Requests for the same
    order wait for one read instead of each running their own.
    """

    def __init__(self, fetch: Callable[[int], list[str]], count: Callable[[], int], cap: int, first_read: int = 200):
        self.fetch = fetch
        self.count_in_store = count
        self.cap = cap
        self.first_read = first_read
        self.keys: list[str] = []
        self.complete = False
        self.total: int | None = None
        self.lock = threading.Lock()

    def prefix(self, needed: int) -> list[str]:
        """Return at least the first ``needed`` keys, or all there are."""
        with self.lock:
            if not self.complete and len(self.keys) < min(needed, self.cap):
                size = min(self.cap, max(needed, 2 * len(self.keys), self.first_read))
                self.keys = self.fetch(size)
                self.complete = len(self.keys) < size
            return self.keys

    def count(self) -> int:
        """Return the number of keys in the whole order."""
        with self.lock:
            if self.complete:
                return len(self.keys)
            if self.total is None:
                self.total = self.count_in_store()
            return self.total
