"""What one run of the stream lab does: a plain, JSON-able description."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from netsim.lab.relay import MSS_MAX, TCP_LOSS_NOTE, WireConfig

TRANSPORTS = ("tcp", "udp")
SEND_MODES = ("separate", "burst")

# The largest UDP payload over IPv4: 65,535 - 20 (IP header) - 8 (UDP header).
UDP_MAX_PAYLOAD = 65_507


@dataclass(frozen=True, slots=True)
class Scenario:
    """One lab run: the client sends ``messages`` to the server, which receives them.

    ``messages`` is an explicit list; or, when ``count`` > 0, ``count`` generated messages of
    ``size`` bytes each (generated on the fly, so a million messages cost no memory up front).
    Knobs: ``send_mode`` "separate" (one ``sendall`` per message, ``send_delay_ms`` apart) or
    "burst" (all messages in one ``sendall``); ``receiver_delay_ms`` sleeps before each
    ``recv()``; ``recv_bytes`` is the ``recv()`` size.
    """

    transport: str = "tcp"
    messages: tuple[bytes, ...] = (b"hello", b"world")
    count: int = 0
    size: int = 64
    framing: str = "none"
    send_mode: str = "separate"
    send_delay_ms: float = 0.0
    receiver_delay_ms: float = 0.0
    recv_bytes: int = 1024
    nodelay: bool = False
    rcvbuf: int = 0
    sndbuf: int = 0
    host: str = "127.0.0.1"
    port: int = 0
    sample_hz: float = 100.0
    record_bytes_limit: int = 64 * 1024 * 1024
    reset_after_bytes: int = 0  # TCP: the client dies (RST) after this many stream bytes; 0 = never
    # The network in the middle (netsim.lab.relay): when any of these is set, the client talks
    # to a relay that forwards to the server.  0 / None = not set.
    mss: int = 0  # TCP: the relay writes segments of at most this many bytes
    wire_delay_ms: float = 0.0
    wire_jitter_ms: float = 0.0
    wire_rate_kbps: float | None = None  # None: the relay's default (a 10 Mbit/s link below loopback's MSS)
    loss: float = 0.0  # UDP only: a TCP relay cannot lose bytes (TCP resends them)
    dup: float = 0.0  # UDP only
    reorder: float = 0.0  # UDP only
    seed: int | None = None  # None: the lab picks one and records it in the run's config
    name: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if self.transport not in TRANSPORTS:
            raise ValueError(f"transport must be one of {', '.join(TRANSPORTS)}, not {self.transport!r}")
        if self.send_mode not in SEND_MODES:
            raise ValueError(f"send mode must be one of {', '.join(SEND_MODES)}, not {self.send_mode!r}")
        if self.recv_bytes < 1:
            raise ValueError("recv() size must be at least 1 byte")
        if self.count < 0 or self.size < 0:
            raise ValueError("message count and size cannot be negative")
        if self.send_delay_ms < 0 or self.receiver_delay_ms < 0:
            raise ValueError("delays cannot be negative")
        if not 0 <= self.port <= 65535:
            raise ValueError(f"port must be 0..65535, not {self.port}")
        if self.transport == "tcp" and (self.loss or self.dup or self.reorder):
            raise ValueError(TCP_LOSS_NOTE)
        if self.seed is not None and not 0 <= self.seed < 2**63:
            raise ValueError(f"seed must be 0..2**63-1, not {self.seed}")
        if self.wire:
            self.wire_config(self.seed or 0)  # validates every knob (MSS range, fractions, delays)

    @property
    def wire(self) -> bool:
        """Does this run go through the relay?"""
        return bool(
            self.mss
            or self.wire_delay_ms
            or self.wire_jitter_ms
            or self.wire_rate_kbps is not None
            or self.loss
            or self.dup
            or self.reorder
            or self.seed is not None
        )

    def wire_config(self, seed: int) -> WireConfig:
        """The relay's settings for this run (``seed`` fills in when the scenario names none)."""
        return WireConfig(
            mss=self.mss or MSS_MAX,
            delay_ms=self.wire_delay_ms,
            jitter_ms=self.wire_jitter_ms,
            rate_kbps=self.wire_rate_kbps,
            loss=self.loss,
            dup=self.dup,
            reorder=self.reorder,
            seed=self.seed if self.seed is not None else seed,
        )

    @property
    def message_count(self) -> int:
        return self.count if self.count > 0 else len(self.messages)

    def message(self, index: int) -> bytes:
        """Message ``index`` (0-based) as the sending application hands it over."""
        if self.count <= 0:
            return self.messages[index]
        return generated_message(index, self.size)

    def iter_messages(self) -> Iterator[bytes]:
        for i in range(self.message_count):
            yield self.message(i)

    def replace(self, **changes: Any) -> Scenario:
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        out = dataclasses.asdict(self)
        out["messages"] = [m.decode("latin-1") for m in self.messages]
        return out

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Scenario:
        known = {f.name for f in dataclasses.fields(cls)}
        kwargs = {k: v for k, v in raw.items() if k in known}
        if "messages" in kwargs:
            kwargs["messages"] = tuple(m.encode("latin-1") for m in kwargs["messages"])
        return cls(**kwargs)


def generated_message(index: int, size: int) -> bytes:
    """A recognisable message: its number, then a letter that changes from one message to the next."""
    head = f"#{index + 1}:".encode("ascii")
    letter = bytes([97 + index % 26])
    body = head + letter * max(0, size - len(head))
    return body[:size]
