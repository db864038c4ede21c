"""Bearer tokens and the per-client rate limit of the API."""

from __future__ import annotations

import hmac
import math
import threading
import time
from collections import OrderedDict


class InvalidToken(Exception):
    """An Authorization header that names no configured token."""


def token_name(header: str | None, tokens: dict[str, str]) -> str | None:
    """Return the name of the token in an ``Authorization: Bearer``
    header, None when there is no header, and raise InvalidToken for a
    header that is malformed or names no configured token."""
    if header is None or not header.strip():
        return None
    scheme, _, secret = header.strip().partition(" ")
    secret = secret.strip()
    if scheme.lower() != "bearer" or not secret:
        raise InvalidToken("the Authorization header must be `Bearer <token>`")
    found = None
    # Compare with every secret in constant time, so that response times
    # reveal nothing about which secret was close.
    for name, expected in tokens.items():
        if hmac.compare_digest(secret.encode("utf-8"), expected.encode("utf-8")):
            found = name
    if found is None:
        raise InvalidToken("the bearer token is not valid")
    return found


class RateLimiter:
    """An in-memory token bucket per client: ``rate`` requests per second
    on average, up to ``burst`` at once. A rate of 0 turns it off.

    Buckets of at most ``max_clients`` clients are kept; the least
    recently seen is dropped first, which gives that client a full
    bucket again. Each server process has its own buckets.
    """

    def __init__(self, rate: float, burst: int, max_clients: int = 10_000, clock=time.monotonic):
        self.rate = rate
        self.burst = max(burst, 1)
        self.max_clients = max_clients
        self.clock = clock
        self.buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self.lock = threading.Lock()

    def acquire(self, client: str) -> float:
        """Take one request from ``client``'s bucket; return 0 when the
        request may go ahead, or else the seconds to wait."""
        if self.rate <= 0:
            return 0.0
        now = self.clock()
        with self.lock:
            level, updated = self.buckets.pop(client, (float(self.burst), now))
            level = min(float(self.burst), level + (now - updated) * self.rate)
            if level >= 1.0:
                wait = 0.0
                level -= 1.0
            else:
                wait = (1.0 - level) / self.rate
            self.buckets[client] = (level, now)
            while len(self.buckets) > self.max_clients:
                self.buckets.popitem(last=False)
        return wait


def retry_after(wait: float) -> str:
    """Return a Retry-After header value: whole seconds, at least 1."""
    return str(max(1, math.ceil(wait)))
