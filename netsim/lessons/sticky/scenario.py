"""What one run of the stream lab does: a plain, JSON-able description."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from netsim.framing import make_codec
from netsim.lab.relay import MSS_MAX, TCP_LOSS_NOTE, WireConfig

TRANSPORTS = ("tcp", "udp")
SEND_MODES = ("separate", "burst")
SENDERS = ("client", "server")
# "exact": the app's receiver, which loops until a frame is complete (the codec's decoder).
# "lesson": the lesson's own code - recv(4) trusted as the whole header, recv(size) as the whole
# body, each called once (see StreamLab._receive_lesson); with framing "none" both are one recv()
# = one message.
RECEIVERS = ("exact", "lesson")

# The largest UDP payload over IPv4: 65,535 - 20 (IP header) - 8 (UDP header).
UDP_MAX_PAYLOAD = 65_507

# Sanity ranges, checked before a run starts (a plain message instead of a dead worker).
MAX_COUNT = 1_000_000_000
MAX_MESSAGE_BYTES = 64 * 1024 * 1024  # one message (or recv() buffer) is held in memory whole
MAX_DELAY_MS = 60_000.0
MAX_SOCKET_BUFFER = 2**31 - 1  # setsockopt(SO_RCVBUF/SO_SNDBUF) takes a C int
MAX_SAMPLE_HZ = 10_000.0


def _check_int(name: str, value: object, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name} must be a whole number, not {value!r}")
    if not low <= value <= high:
        raise ValueError(f"{name} must be between {low:,} and {high:,}, not {value:,}")


def _check_float(name: str, value: object, low: float, high: float) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{name} must be a number, not {value!r}")
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, not {value}")
    if not low <= value <= high:
        raise ValueError(f"{name} must be between {low:g} and {high:g}, not {value:g}")


# What a run keeps in memory per message, measured (tests/perf/memory_bench.py): its send, its
# decoded frame and its share of recv chunks as packed rows, plus the boundary analysis; one
# recv per message (small separate sends) is the worst case.  Recorded bytes come on top, up
# to ``record_bytes_limit``.
MEMORY_PER_MESSAGE_BYTES = 110
#: Runs estimated to need more than this are refused before they start.
MEMORY_LIMIT_MB = 1400


@dataclass(frozen=True, slots=True)
class Scenario:
    """One lab run: the ``sender`` end (the client unless told) sends ``messages``; the other end receives.

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
    reset_after_bytes: int = 0  # TCP: the sender dies (RST) after this many stream bytes; 0 = never
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
    sender: str = "client"  # TCP: which end sends; the lesson's hello/world demo has the server send
    receiver: str = "exact"  # how the receiving application reads: RECEIVERS
    name: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        """Every field checked for type and range: a bad value is a plain ValueError here,
        never a worker that dies inside the run ("internal: ...")."""
        if self.transport not in TRANSPORTS:
            raise ValueError(f"transport must be one of {', '.join(TRANSPORTS)}, not {self.transport!r}")
        if self.send_mode not in SEND_MODES:
            raise ValueError(f"send mode must be one of {', '.join(SEND_MODES)}, not {self.send_mode!r}")
        if isinstance(self.recv_bytes, int) and not isinstance(self.recv_bytes, bool) and self.recv_bytes < 1:
            raise ValueError("recv() size must be at least 1 byte")
        for name in ("count", "size"):
            value = getattr(self, name)
            if isinstance(value, int) and not isinstance(value, bool) and value < 0:
                raise ValueError("message count and size cannot be negative")
        for name in ("send_delay_ms", "receiver_delay_ms"):
            value = getattr(self, name)
            if isinstance(value, int | float) and not isinstance(value, bool) and value < 0:
                raise ValueError("delays cannot be negative")
        if isinstance(self.port, int) and not isinstance(self.port, bool) and not 0 <= self.port <= 65535:
            raise ValueError(f"port must be 0..65535, not {self.port}")
        _check_int("count", self.count, 0, MAX_COUNT)
        _check_int("message size", self.size, 0, MAX_MESSAGE_BYTES)
        _check_int("recv() size", self.recv_bytes, 1, MAX_MESSAGE_BYTES)
        _check_int("SO_RCVBUF", self.rcvbuf, 0, MAX_SOCKET_BUFFER)
        _check_int("SO_SNDBUF", self.sndbuf, 0, MAX_SOCKET_BUFFER)
        _check_int("port", self.port, 0, 65535)
        _check_int("record_bytes_limit", self.record_bytes_limit, 0, 2**62)
        _check_int("reset_after_bytes", self.reset_after_bytes, 0, 2**62)
        _check_float("send delay (ms)", self.send_delay_ms, 0.0, MAX_DELAY_MS)
        _check_float("receiver delay (ms)", self.receiver_delay_ms, 0.0, MAX_DELAY_MS)
        _check_float("sample rate (Hz)", self.sample_hz, 0.0, MAX_SAMPLE_HZ)
        if not isinstance(self.nodelay, bool):
            raise ValueError(f"nodelay must be true or false, not {self.nodelay!r}")
        if not isinstance(self.host, str) or not self.host:
            raise ValueError(f"host must be a non-empty string, not {self.host!r}")
        if not isinstance(self.messages, tuple) or not all(isinstance(m, bytes) for m in self.messages):
            raise ValueError("messages must be a list of byte strings")
        if len(self.messages) > MAX_COUNT:
            raise ValueError(f"at most {MAX_COUNT:,} messages, not {len(self.messages):,}")
        for index, message in enumerate(self.messages):
            if len(message) > MAX_MESSAGE_BYTES:
                raise ValueError(
                    f"message {index + 1} is {len(message):,} bytes; at most {MAX_MESSAGE_BYTES:,}"
                )
        if not isinstance(self.framing, str):
            raise ValueError(f"framing must be a spec string, not {self.framing!r}")
        make_codec(self.framing)  # ValueError naming the valid spellings
        if self.sender not in SENDERS:
            raise ValueError(f"sender must be one of {', '.join(SENDERS)}, not {self.sender!r}")
        if self.receiver not in RECEIVERS:
            raise ValueError(f"receiver must be one of {', '.join(RECEIVERS)}, not {self.receiver!r}")
        if self.transport == "udp" and self.sender != "client":
            raise ValueError(
                "over UDP the client sends (as in the lesson's UDP chat); --sender server is TCP only"
            )
        if self.transport == "udp" and self.receiver != "exact":
            raise ValueError(
                "the lesson's receiver (recv(4) then recv(size)) reads a TCP stream; "
                "over UDP every recvfrom() is one datagram either way"
            )
        if self.transport == "tcp" and (self.loss or self.dup or self.reorder):
            raise ValueError(TCP_LOSS_NOTE)
        if self.seed is not None and not 0 <= self.seed < 2**63:
            raise ValueError(f"seed must be 0..2**63-1, not {self.seed}")
        if self.wire:
            self.wire_config(self.seed or 0)  # validates every knob (MSS range, fractions, delays)

    @property
    def receiving_end(self) -> str:
        """The endpoint that receives: the other one of ``sender``."""
        return "server" if self.sender == "client" else "client"

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

    def estimated_memory_bytes(self, per_message: int = MEMORY_PER_MESSAGE_BYTES) -> int:
        """What recording this run will hold in memory, roughly (events and bytes kept)."""
        n = self.message_count
        if self.count > 0:
            wire = n * (self.size + 8)  # a message and its framing, at most a few bytes of it
        else:
            wire = sum(len(m) + 8 for m in self.messages)
        return n * per_message + min(2 * wire, self.record_bytes_limit)

    def check_memory(
        self, limit_mb: float = MEMORY_LIMIT_MB, per_message: int = MEMORY_PER_MESSAGE_BYTES
    ) -> None:
        """ValueError, with the figures, if this run would need more than ``limit_mb`` megabytes."""
        need = self.estimated_memory_bytes(per_message)
        if need > limit_mb * 1e6:
            most = max(1, int((limit_mb * 1e6 - self.record_bytes_limit) // per_message))
            raise ValueError(
                f"{self.message_count:,} messages would need about {need / 1e6:,.0f} MB of memory to "
                f"record (about {per_message} B per message), more than the {limit_mb:,.0f} MB limit; "
                f"send at most about {most:,} messages"
            )

    def replace(self, **changes: Any) -> Scenario:
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        out = dataclasses.asdict(self)
        out["messages"] = [m.decode("latin-1") for m in self.messages]
        return out

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Scenario:
        """The scenario a config (from a trace file: hostile) describes; ValueError says what is wrong."""
        if not isinstance(raw, dict):
            raise ValueError("the run's config should be an object")
        kwargs: dict[str, Any] = {}
        for f in dataclasses.fields(cls):
            if f.name not in raw:
                continue
            value = raw[f.name]
            kind = str(f.type)
            where = f"config.{f.name}"
            if kind == "int" and (type(value) is not int or not -(2**63) <= value < 2**63):
                raise ValueError(f"{where} should be a whole number, not {_short(value)}")
            if kind == "float" and (type(value) not in (int, float) or not math.isfinite(value)):
                raise ValueError(f"{where} should be a finite number, not {_short(value)}")
            if kind == "bool" and type(value) is not bool:
                raise ValueError(f"{where} should be true or false, not {_short(value)}")
            if kind == "str" and type(value) is not str:
                raise ValueError(f"{where} should be a string, not {_short(value)}")
            if f.name == "messages":
                if not isinstance(value, list) or not all(type(m) is str for m in value):
                    raise ValueError(f"{where} should be a list of strings, not {_short(value)}")
                try:
                    value = tuple(m.encode("latin-1") for m in value)
                except UnicodeEncodeError as exc:
                    raise ValueError(f"{where} holds a character past U+00FF ({exc.reason})") from None
            kwargs[f.name] = value
        return cls(**kwargs)


#: A trace's generated messages are re-made for display: their size must be sane.
MAX_TRACE_MESSAGE_BYTES = 64 * 1024 * 1024


def check_trace_config(config: dict[str, Any]) -> Scenario:
    """Check a saved run's config (``RunStarted.config`` from a trace file); ValueError if unusable."""
    from netsim.framing import make_codec  # the codecs only matter when a trace is checked

    scenario = Scenario.from_dict(config)
    if scenario.size > MAX_TRACE_MESSAGE_BYTES:
        raise ValueError(f"config.size {scenario.size} is larger than {MAX_TRACE_MESSAGE_BYTES} bytes")
    make_codec(scenario.framing)  # a framing spec the app cannot parse is a damaged trace
    return scenario


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:40] + "…"


def generated_message(index: int, size: int) -> bytes:
    """A recognisable message: its number, then a letter that changes from one message to the next."""
    head = f"#{index + 1}:".encode("ascii")
    letter = bytes([97 + index % 26])
    body = head + letter * max(0, size - len(head))
    return body[:size]
