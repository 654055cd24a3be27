"""``netsim bench``: how fast is our length-prefix decoder on real loopback TCP?

Four measurements over ``127.0.0.1``, each against a separate sender *process* (so the
receiver has a core to itself and the GIL is not shared), interleaved round by round
(A B C D, A B C D, ...) so drift in machine load hits all of them alike; medians reported:

* ``raw``: a ``recv_into`` loop into one preallocated buffer, no decoding — the ceiling;
* ``decoder_1k`` / ``decoder_16b``: ``recv(65536)`` → :meth:`LengthPrefixDecoder.feed`, with
  1 KiB and 16-byte payloads (``!I`` prefix);
* ``asyncio_1k``: an asyncio ``StreamReader`` doing ``readexactly(4)`` then
  ``readexactly(n)`` on the same 1 KiB stream — the usual way to write it.

Every measurement is also a correctness check: the receiver must count exactly the messages
and bytes the sender reports having sent.  The timer starts when the first bytes are readable,
so the sender's start-up time is not counted.

Run ``python -m netsim.bench --send HOST PORT BYTES PAYLOAD`` to get the sender on its own.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import select
import socket
import statistics
import struct
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from netsim.framing import LengthPrefixCodec

HOST = "127.0.0.1"
RECV_BYTES = 65536
CHUNK_TARGET_BYTES = 1024 * 1024  # the sender's pre-encoded buffer, sent again and again
TIMEOUT_S = 30.0
MB = 1_000_000  # MB/s and --megabytes are decimal megabytes

TARGET_DECODER_VS_ASYNCIO = 3.0
TARGET_DECODER_VS_RAW_BYTES = 0.40

_PREFIX = struct.Struct("!I")


class BenchError(RuntimeError):
    """The benchmark could not run (sender failed, timeout...)."""


# -- what is sent ------------------------------------------------------------------------------


@dataclass(frozen=True)
class StreamPlan:
    """A stream of ``frames`` length-prefixed frames of ``payload_bytes`` each."""

    payload_bytes: int
    frames_per_chunk: int
    chunks: int

    @property
    def frame_bytes(self) -> int:
        return _PREFIX.size + self.payload_bytes

    @property
    def chunk_bytes(self) -> int:
        return self.frame_bytes * self.frames_per_chunk

    @property
    def frames(self) -> int:
        return self.frames_per_chunk * self.chunks

    @property
    def wire_bytes(self) -> int:
        return self.chunk_bytes * self.chunks


def plan_stream(total_bytes: int, payload_bytes: int) -> StreamPlan:
    """Whole frames only, at least ``total_bytes`` on the wire."""
    frame = _PREFIX.size + payload_bytes
    per_chunk = max(1, min(CHUNK_TARGET_BYTES, total_bytes) // frame)
    chunks = max(1, math.ceil(total_bytes / (per_chunk * frame)))
    return StreamPlan(payload_bytes, per_chunk, chunks)


def encoded_chunk(plan: StreamPlan) -> bytes:
    codec = LengthPrefixCodec("!I")
    payload = bytes(i % 251 for i in range(plan.payload_bytes))
    return codec.encode(payload) * plan.frames_per_chunk


def send(host: str, port: int, total_bytes: int, payload_bytes: int) -> dict[str, int]:
    """The sender process's job: connect, ``sendall`` the chunk until done, close."""
    plan = plan_stream(total_bytes, payload_bytes)
    chunk = encoded_chunk(plan)
    with socket.create_connection((host, port), timeout=TIMEOUT_S) as sock:
        for _ in range(plan.chunks):
            sock.sendall(chunk)
        sock.shutdown(socket.SHUT_WR)
    return {"bytes": plan.wire_bytes, "frames": plan.frames}


# -- how it is received --------------------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    kind: str
    seconds: float
    received_bytes: int
    received_msgs: int | None  # None: the raw loop does not look at frames
    sent_bytes: int
    sent_msgs: int

    @property
    def ok(self) -> bool:
        msgs_ok = self.received_msgs is None or self.received_msgs == self.sent_msgs
        return msgs_ok and self.received_bytes == self.sent_bytes

    @property
    def mb_s(self) -> float:
        return self.received_bytes / self.seconds / MB

    @property
    def msgs_s(self) -> float:
        return (self.received_msgs or 0) / self.seconds


Receiver = Callable[[socket.socket], tuple[int, int | None, float]]
"""Reads the socket to EOF: (bytes, messages or None, seconds)."""


def receive_raw(sock: socket.socket) -> tuple[int, int | None, float]:
    buffer = bytearray(RECV_BYTES)
    recv_into = sock.recv_into
    total = 0
    start = time.perf_counter()
    while n := recv_into(buffer):
        total += n
    return total, None, time.perf_counter() - start


def receive_decoder(sock: socket.socket) -> tuple[int, int | None, float]:
    decoder = LengthPrefixCodec("!I").decoder()
    feed = decoder.feed
    recv = sock.recv
    total = 0
    messages = 0
    start = time.perf_counter()
    while data := recv(RECV_BYTES):
        total += len(data)
        messages += len(feed(data))
    seconds = time.perf_counter() - start
    decoder.close()
    return total, messages, seconds


def receive_asyncio(sock: socket.socket) -> tuple[int, int | None, float]:
    async def read_all() -> tuple[int, int | None, float]:
        async with asyncio.timeout(TIMEOUT_S):
            reader, writer = await asyncio.open_connection(sock=sock, limit=RECV_BYTES)
            try:
                readexactly = reader.readexactly
                unpack = _PREFIX.unpack
                total = 0
                messages = 0
                start = time.perf_counter()
                while True:
                    try:
                        header = await readexactly(4)
                    except asyncio.IncompleteReadError as exc:
                        if exc.partial:
                            raise
                        break
                    (size,) = unpack(header)
                    await readexactly(size)
                    messages += 1
                    total += 4 + size
                return total, messages, time.perf_counter() - start
            finally:
                writer.close()
                with contextlib.suppress(OSError):
                    await writer.wait_closed()

    return asyncio.run(read_all())


@dataclass(frozen=True)
class Measurement:
    kind: str
    title: str
    payload_bytes: int
    receiver: Receiver


MEASUREMENTS: tuple[Measurement, ...] = (
    Measurement("raw", "raw recv_into (no decoding)", 1024, receive_raw),
    Measurement("decoder_1k", "LengthPrefixCodec decoder, 1 KiB frames", 1024, receive_decoder),
    Measurement("decoder_16b", "LengthPrefixCodec decoder, 16 B frames", 16, receive_decoder),
    Measurement("asyncio_1k", "asyncio readexactly(4)+readexactly(n), 1 KiB", 1024, receive_asyncio),
)


def _sender_command(port: int, total_bytes: int, payload_bytes: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "netsim.bench",
        "--send",
        HOST,
        str(port),
        str(total_bytes),
        str(payload_bytes),
    ]


def _sender_env() -> dict[str, str]:
    # Make `-m netsim.bench` importable in the child even when netsim is not installed.
    root = str(Path(__file__).resolve().parent.parent)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
    return env


def measure(measurement: Measurement, total_bytes: int) -> Sample:
    """One measurement: listener, sender process, receive to EOF, verify, clean up."""
    plan = plan_stream(total_bytes, measurement.payload_bytes)
    with socket.create_server((HOST, 0)) as listener:
        listener.settimeout(TIMEOUT_S)
        port = listener.getsockname()[1]
        with subprocess.Popen(
            _sender_command(port, total_bytes, measurement.payload_bytes),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=_sender_env(),
        ) as proc:  # on exit: pipes closed, process reaped
            try:
                try:
                    conn, _ = listener.accept()
                except TimeoutError:
                    raise BenchError(f"sender did not connect within {TIMEOUT_S:.0f} s") from None
                with conn:
                    conn.settimeout(TIMEOUT_S)
                    # Start the clock on the first readable byte, not on the sender's start-up.
                    readable, _, _ = select.select([conn], [], [], TIMEOUT_S)
                    if not readable:
                        raise BenchError(f"sender sent nothing within {TIMEOUT_S:.0f} s")
                    received_bytes, received_msgs, seconds = measurement.receiver(conn)
                out, err = proc.communicate(timeout=TIMEOUT_S)
            except subprocess.TimeoutExpired:
                raise BenchError(f"sender did not finish within {TIMEOUT_S:.0f} s") from None
            finally:
                if proc.returncode is None:
                    proc.kill()
    if proc.returncode != 0:
        raise BenchError(f"sender exited with status {proc.returncode}: {err.decode(errors='replace')}")
    try:
        report = json.loads(out)
        sent_bytes, sent_msgs = int(report["bytes"]), int(report["frames"])
    except (ValueError, KeyError, TypeError):
        raise BenchError(f"sender printed no report: {out[:200]!r}") from None
    if (sent_bytes, sent_msgs) != (plan.wire_bytes, plan.frames):
        raise BenchError(f"sender sent {sent_bytes} bytes / {sent_msgs} frames, planned {plan}")
    return Sample(
        kind=measurement.kind,
        seconds=max(seconds, 1e-9),
        received_bytes=received_bytes,
        received_msgs=received_msgs,
        sent_bytes=sent_bytes,
        sent_msgs=sent_msgs,
    )


# -- the whole run ------------------------------------------------------------------------------


def run_bench(
    megabytes: float = 32.0,
    rounds: int = 5,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Run every measurement ``rounds`` times, interleaved; return the JSON-able report."""
    if rounds < 1:
        raise ValueError("rounds must be at least 1")
    if not megabytes > 0:
        raise ValueError("megabytes must be positive")
    total_bytes = max(1, int(megabytes * MB))
    load_before = os.getloadavg()[0]
    samples: dict[str, list[Sample]] = {m.kind: [] for m in MEASUREMENTS}
    for round_no in range(1, rounds + 1):
        for measurement in MEASUREMENTS:
            sample = measure(measurement, total_bytes)
            samples[measurement.kind].append(sample)
            if progress is not None:
                progress(
                    f"round {round_no}/{rounds} {measurement.kind:<12} {sample.mb_s:9.1f} MB/s"
                    + (f" {sample.msgs_s:13,.0f} msgs/s" if sample.received_msgs is not None else "")
                )

    def median_mb_s(kind: str) -> float:
        return statistics.median(s.mb_s for s in samples[kind])

    def median_msgs_s(kind: str) -> float:
        return statistics.median(s.msgs_s for s in samples[kind])

    raw_mb_s = median_mb_s("raw")
    asyncio_msgs_s = median_msgs_s("asyncio_1k")
    report: dict[str, Any] = {
        "raw_mb_s": raw_mb_s,
        "decoder_1k_msgs_s": median_msgs_s("decoder_1k"),
        "decoder_1k_mb_s": median_mb_s("decoder_1k"),
        "decoder_16b_msgs_s": median_msgs_s("decoder_16b"),
        "decoder_16b_mb_s": median_mb_s("decoder_16b"),
        "asyncio_1k_msgs_s": asyncio_msgs_s,
        "asyncio_1k_mb_s": median_mb_s("asyncio_1k"),
    }
    report["ratio_decoder_vs_asyncio"] = report["decoder_1k_msgs_s"] / asyncio_msgs_s
    report["ratio_decoder_vs_raw_bytes"] = report["decoder_1k_mb_s"] / raw_mb_s
    report["targets"] = {
        "ratio_decoder_vs_asyncio": TARGET_DECODER_VS_ASYNCIO,
        "ratio_decoder_vs_raw_bytes": TARGET_DECODER_VS_RAW_BYTES,
    }
    report["rounds"] = rounds
    report["megabytes"] = megabytes
    report["bytes_per_measurement"] = samples["raw"][0].sent_bytes
    report["recv_bytes"] = RECV_BYTES
    # Other work on the machine moves every figure; the ratios (interleaved) move less.
    report["cpu_count"] = os.cpu_count()
    report["loadavg_1min"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
    report["verified"] = all(s.ok for kind in samples for s in samples[kind])
    report["counts"] = {
        kind: {
            "sent_msgs": sum(s.sent_msgs for s in kind_samples),
            "received_msgs": (
                None
                if kind_samples[0].received_msgs is None
                else sum(s.received_msgs or 0 for s in kind_samples)
            ),
            "sent_bytes": sum(s.sent_bytes for s in kind_samples),
            "received_bytes": sum(s.received_bytes for s in kind_samples),
        }
        for kind, kind_samples in samples.items()
    }
    report["samples"] = {kind: [asdict(s) for s in kind_samples] for kind, kind_samples in samples.items()}
    return report


def format_report(report: dict[str, Any]) -> str:
    titles = {m.kind: m.title for m in MEASUREMENTS}
    lines = [
        f"netsim bench — loopback {HOST}, recv({report['recv_bytes']}), "
        f"{report['rounds']} interleaved round(s) of {report['bytes_per_measurement']:,} bytes "
        "per measurement; medians",
        f"({report['cpu_count']} CPUs, 1-min load average {report['loadavg_1min'][0]:.2f} before, "
        f"{report['loadavg_1min'][1]:.2f} after: absolute figures move with machine load)",
        "",
        f"  {'measurement':<48}{'MB/s':>10}{'messages/s':>16}",
    ]
    for kind in ("raw", "decoder_1k", "decoder_16b", "asyncio_1k"):
        mb_s = report[f"{kind}_mb_s"]
        msgs = report.get(f"{kind}_msgs_s")
        msgs_text = "—" if msgs is None else f"{msgs:,.0f}"
        lines.append(f"  {titles[kind]:<48}{mb_s:>10.1f}{msgs_text:>16}")
    lines.append("")
    vs_asyncio = report["ratio_decoder_vs_asyncio"]
    vs_raw = report["ratio_decoder_vs_raw_bytes"]
    lines.append(
        f"decoder vs asyncio readexactly: {vs_asyncio:.1f}× (target ≥ {TARGET_DECODER_VS_ASYNCIO:.0f}×)"
        + ("" if vs_asyncio >= TARGET_DECODER_VS_ASYNCIO else "  MISSED")
    )
    lines.append(
        f"decoder bytes/s vs raw recv_into: {vs_raw * 100:.0f} % "
        f"(target ≥ {TARGET_DECODER_VS_RAW_BYTES * 100:.0f} %)"
        + ("" if vs_raw >= TARGET_DECODER_VS_RAW_BYTES else "  MISSED")
    )
    if report["verified"]:
        lines.append("verified: every measurement received exactly the messages and bytes sent")
    else:
        lines.append("VERIFICATION FAILED: received counts differ from sent counts:")
        lines.append(json.dumps(report["counts"], indent=2))
    return "\n".join(lines)


def _main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m netsim.bench")
    parser.add_argument(
        "--send",
        nargs=4,
        metavar=("HOST", "PORT", "BYTES", "PAYLOAD"),
        required=True,
        help="be the sender: connect and send BYTES of frames with PAYLOAD-byte payloads",
    )
    args = parser.parse_args(argv)
    host, port, total, payload = args.send
    print(json.dumps(send(host, int(port), int(total), int(payload))), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(_main(sys.argv[1:]))
