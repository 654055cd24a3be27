"""Suite-wide rules: Qt headless, and no test may leave a thread or a socket behind."""

from __future__ import annotations

import gc
import os
import threading
import time
from collections.abc import Iterator

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def socket_fds() -> set[tuple[str, str]]:
    """(fd, inode) pairs of this process's open sockets."""
    out: set[tuple[str, str]] = set()
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:"):
            out.add((fd, target))
    return out


@pytest.fixture(autouse=True)
def no_leaked_threads_or_sockets() -> Iterator[None]:
    threads_before = set(threading.enumerate())
    sockets_before = socket_fds()
    yield
    deadline = time.monotonic() + 2.0
    while True:
        leaked_threads = [t for t in threading.enumerate() if t not in threads_before and t.is_alive()]
        leaked_sockets = socket_fds() - sockets_before
        if not leaked_threads and not leaked_sockets:
            return
        if time.monotonic() > deadline:
            break
        gc.collect()
        time.sleep(0.02)
    problems = []
    if leaked_threads:
        problems.append("threads left running: " + ", ".join(t.name for t in leaked_threads))
    if leaked_sockets:
        problems.append(f"sockets left open: {sorted(leaked_sockets)}")
    pytest.fail("; ".join(problems))


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Never hang at exit: a worker thread that outlived its test would keep the process alive.

    The per-test fixture above has already failed that test; here the run ends with a clear
    message instead of waiting forever for the thread (CI would time out).
    """
    stragglers = [t for t in threading.enumerate() if t is not threading.main_thread() and not t.daemon]
    if not stragglers:
        return
    deadline = time.monotonic() + 5.0
    for t in stragglers:
        t.join(max(0.0, deadline - time.monotonic()))
    alive = [t.name for t in stragglers if t.is_alive()]
    if alive:
        import sys

        print(
            f"\nthreads still running after the tests, exiting anyway: {alive}", file=sys.stderr, flush=True
        )
        session.config.add_cleanup(lambda: os._exit(exitstatus or 1))
