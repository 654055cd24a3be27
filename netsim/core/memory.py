"""Keep a long run's memory from fragmenting (glibc only; elsewhere nothing to do).

Columns of a big run grow by ``realloc``; by default glibc raises its mmap threshold as large
blocks are freed, so grown-out buffers end up on the heap and their holes stay resident: the
process holds about a third more than it uses.  A fixed threshold keeps every large buffer in
its own mapping (grown with ``mremap``, returned to the system when freed).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD_BYTES = 256 * 1024
TRIM_THRESHOLD_BYTES = 1024 * 1024

_done = False


def tune_allocator() -> bool:
    """Fix glibc's mmap and trim thresholds for this process; True if that was done."""
    global _done  # one process-wide setting, made once
    if _done:
        return True
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False  # not glibc (musl has no mallopt): nothing to tune
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    ok = bool(mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES)) and bool(
        mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD_BYTES)
    )
    _done = ok
    return ok
