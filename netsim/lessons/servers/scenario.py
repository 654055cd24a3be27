"""What one servers run is: the server design, how many clients, how many requests each."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

BLOCKING = "blocking"
THREADED = "threaded"
BUSY = "nonblocking-busy"
SELECTORS = "nonblocking-selectors"
# The lesson's non-blocking server exactly as written: accepted sockets left blocking.
LESSON_NB = "nonblocking-lesson"
MODES: tuple[str, ...] = (BLOCKING, THREADED, BUSY, LESSON_NB, SELECTORS)

MAX_CLIENTS = 20
MAX_REQUESTS = 50
MAX_THINK_MS = 5000.0


@dataclass(frozen=True)
class ServersConfig:
    mode: str = BLOCKING
    clients: int = 3
    requests: int = 3
    think_ms: float = 100.0
    timeout_s: float = 20.0  # a client that waits longer than this for a reply gives up

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"unknown mode {self.mode!r}; one of {', '.join(MODES)}")
        if not 1 <= self.clients <= MAX_CLIENTS:
            raise ValueError(f"clients must be 1…{MAX_CLIENTS}")
        if not 1 <= self.requests <= MAX_REQUESTS:
            raise ValueError(f"requests must be 1…{MAX_REQUESTS}")
        if not 0 <= self.think_ms <= MAX_THINK_MS:
            raise ValueError(f"think time must be 0…{MAX_THINK_MS:g} ms")
        if self.timeout_s <= 0:
            raise ValueError("timeout must be positive")

    def message(self, client: int, index: int) -> bytes:
        return f"client {client} request {index}".encode("ascii")

    def to_dict(self) -> dict[str, Any]:
        return {
            "lab": "servers",
            "mode": self.mode,
            "clients": self.clients,
            "requests": self.requests,
            "think_ms": self.think_ms,
            "timeout_s": self.timeout_s,
        }
