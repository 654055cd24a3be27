"""A time-boxed, Hypothesis-driven fuzz loop with memory accounting per input.

Hypothesis generates and, on a finding, shrinks; this loop runs batches of examples with fresh
seeds until the time is up.  Every input runs under ``tracemalloc``: the figures are the inputs
tried and the peak memory one input needed (absolute and per input byte).  An input whose peak
exceeds :data:`MEMORY_PER_BYTE` x its size + :data:`MEMORY_FLOOR` is a finding too.
"""

from __future__ import annotations

import time
import tracemalloc
from dataclasses import dataclass, field
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings

from tests.fuzz.targets import Target

FIRST_BATCH, MAX_BATCH = (
    5,
    400,
)  # the time budget is checked between batches (never inside: replays must repeat)
MEMORY_PER_BYTE = 256  # ≈ a span tuple and its two ints per input byte, with room to spare
MEMORY_FLOOR = 2 * 1024 * 1024


class MemoryBoundExceeded(AssertionError):
    """One input needed more memory than its size allows."""


@dataclass
class Stats:
    name: str
    inputs: int = 0
    expected_errors: int = 0
    bytes_in: int = 0
    largest_input: int = 0
    peak_bytes: int = 0  # the most memory one input needed
    peak_input_size: int = 0
    peak_per_byte: float = 0.0  # the most memory per input byte (inputs of >= 64 bytes)
    seconds: float = 0.0
    findings: list[str] = field(default_factory=list)
    note: str = ""

    def line(self) -> str:
        status = "FAIL" if self.findings else "ok"
        per_byte = f"{self.peak_per_byte:.1f} B/B" if self.peak_per_byte else "-"
        return (
            f"{self.name:<28} {status:<4} {self.inputs:>8} inputs {self.expected_errors:>8} own-errors "
            f"{self.bytes_in / 1e6:>8.2f} MB in  max input {self.largest_input:>7} B  "
            f"peak/input {self.peak_bytes / 1024:>8.1f} KiB (at {self.peak_input_size} B)  "
            f"peak/byte {per_byte}"
        )


def run_one(target: Target, value: Any, stats: Stats) -> None:
    size = target.size(value)
    # Traced for this input only: Hypothesis' own work between inputs runs at full speed.
    tracing_here = not tracemalloc.is_tracing()
    if tracing_here:
        tracemalloc.start()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    try:
        if target.run(value):  # True: the input ended in one of the package's own errors
            stats.expected_errors += 1
    except target.expected:
        stats.expected_errors += 1
    finally:
        peak = tracemalloc.get_traced_memory()[1] - base
        if tracing_here:
            tracemalloc.stop()
        stats.inputs += 1
        stats.bytes_in += size
        stats.largest_input = max(stats.largest_input, size)
        if peak > stats.peak_bytes:
            stats.peak_bytes, stats.peak_input_size = peak, size
        if size >= 64:
            stats.peak_per_byte = max(stats.peak_per_byte, peak / size)
    if peak > MEMORY_PER_BYTE * size + MEMORY_FLOOR:
        raise MemoryBoundExceeded(f"{peak} bytes for a {size}-byte input")


def fuzz(target: Target, seconds: float) -> Stats:
    """Run ``target`` for ``seconds``; a finding stops it (Hypothesis shrinks it first)."""
    stats = Stats(target.name, note=target.note)
    deadline = time.monotonic() + seconds

    def batch_of(size: int) -> Any:
        @settings(
            max_examples=size,
            deadline=None,
            database=None,
            derandomize=False,
            phases=(Phase.generate, Phase.shrink),
            suppress_health_check=list(HealthCheck),
            report_multiple_bugs=False,
        )
        @given(target.strategy)
        def batch(value: Any) -> None:
            run_one(target, value, stats)

        return batch

    started = time.monotonic()
    try:
        size = FIRST_BATCH
        while time.monotonic() < deadline:
            try:
                batch_of(size)()
            except Exception as exc:  # a finding: keep its (shrunk) description
                notes = " ".join(getattr(exc, "__notes__", []))
                text = f"{type(exc).__name__}: {exc} | {' '.join(notes.split())}"
                stats.findings.append(text if len(text) <= 700 else text[:700] + " ...")
                break
            size = min(2 * size, MAX_BATCH)
    finally:
        stats.seconds = time.monotonic() - started
    return stats
