"""The candidate order cache: expiry, size bounds, growing prefixes."""

from __future__ import annotations

from api.cache import GrowingOrder, OrderCache


def test_cache_expires_after_ttl():
    now = [0.0]
    cache = OrderCache(ttl=10, clock=lambda: now[0])
    calls = []
    assert cache.get("a", lambda: calls.append(1) or "first") == "first"
    now[0] = 9.9
    assert cache.get("a", lambda: "second") == "first"
    now[0] = 10.0
    assert cache.get("a", lambda: "third") == "third"
    assert calls == [1]


def test_cache_drops_least_recent():
    cache = OrderCache(ttl=60, max_entries=2)
    cache.get("a", lambda: 1)
    cache.get("b", lambda: 2)
    cache.get("a", lambda: 0)
    cache.get("c", lambda: 3)
    assert list(cache.entries) == ["a", "c"]


def test_rows_fetched_once_and_copied():
    cache = OrderCache(ttl=60)
    fetched = []

    def fetch(keys):
        fetched.append(list(keys))
        return {key: {"key": key} for key in keys if key != "missing"}

    first = cache.rows("entity", ["x", "missing"], fetch)
    first["x"]["_batch"] = "request state"
    second = cache.rows("entity", ["x", "missing", "y"], fetch)
    assert fetched == [["x", "missing"], ["y"]]
    assert second == {"x": {"key": "x"}, "y": {"key": "y"}}


def test_clear_empties_both():
    cache = OrderCache(ttl=60)
    cache.get("a", lambda: 1)
    cache.rows("entity", ["x"], lambda keys: {"x": {"key": "x"}})
    cache.clear()
    assert not cache.entries
    assert not cache.row_entries


def test_zero_ttl_disables():
    assert OrderCache(ttl=0).enabled is False
    assert OrderCache(ttl=0.5).enabled is True


def test_growing_order_reads_prefixes():
    keys = [f"k{i:03d}" for i in range(450)]
    reads = []

    def fetch(size):
        reads.append(size)
        return keys[:size]

    order = GrowingOrder(fetch, lambda: len(keys), cap=1000, first_read=200)
    assert order.prefix(21) == keys[:200]
    assert order.prefix(150) == keys[:200]
    assert order.count() == 450
    assert order.prefix(221) == keys[:400]
    assert order.prefix(420) == keys
    assert order.complete is True
    assert order.prefix(900) == keys
    assert reads == [200, 400, 800]
    assert order.count() == 450


def test_growing_order_stops_at_cap():
    reads = []

    def fetch(size):
        reads.append(size)
        return list(range(size))

    order = GrowingOrder(fetch, lambda: 5000, cap=300, first_read=200)
    assert len(order.prefix(1000)) == 300
    assert len(order.prefix(1000)) == 300
    assert reads == [300]
    assert order.complete is False
    assert order.count() == 5000


def test_stale_order_served_while_refreshing():
    import threading

    now = [0.0]
    cache = OrderCache(ttl=10, clock=lambda: now[0])
    refreshed = threading.Event()
    values = iter(["first", "second"])

    def warm(value):
        refreshed.set()

    assert cache.get("a", lambda: next(values), warm) == "first"
    now[0] = 15.0
    assert cache.get("a", lambda: next(values), warm) == "first"
    assert refreshed.wait(5)
    for _ in range(100):
        if not cache.refreshing:
            break
        threading.Event().wait(0.01)
    assert cache.get("a", lambda: "unused", warm) == "second"
    now[0] = 40.0
    assert cache.get("a", lambda: "third", warm) == "third"
