"""A group of simulated students in one process (run inside a network namespace by the tests).

``python swarm.py SPEC_JSON`` where SPEC is ``{"address": [host, port], "key": ..., "students":
[{"kind": ..., "name": ..., "messages": [...]}, ...]}``; prints one JSON line: a result per student,
in order.  Kinds:

* ``netsim``  - ``netsim classroom join``'s code with the given key (right or wrong);
* ``lesson``  - the lesson's section 七 HMAC client, then section 五's ``struct.pack('i')`` chat;
* ``s7``      - the lesson's own ``s7_hmac_client.py`` run as it is (a subprocess);
* ``stall``   - connects and never sends a byte; reports when the server cut it off;
* ``garbage`` - connects and sends bytes that are no protocol at all.

Every student runs in its own thread, all started together; every thread is joined.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from netsim.lessons.classroom.client import join, lesson_student

LESSON_PROGRAMS = Path(__file__).resolve().parents[3] / "lesson_programs"
WAIT_S = 15.0


def _netsim(address: tuple[str, int], key: bytes, spec: dict[str, Any]) -> dict[str, Any]:
    t0 = time.monotonic()
    r = join(address, spec["name"], key, messages=spec.get("messages", []), timeout_s=5.0)
    return {
        "verdict": r.verdict,
        "reason": r.reason,
        "replies": r.replies,
        "errors": r.errors,
        "local": r.local,
        "elapsed_s": time.monotonic() - t0,
    }


def _lesson(address: tuple[str, int], key: bytes, spec: dict[str, Any]) -> dict[str, Any]:
    t0 = time.monotonic()
    r = lesson_student(address, key, spec.get("messages", []), timeout_s=5.0)
    return {
        "answered": r.answered,
        "replies": r.replies,
        "closed_by_server": r.closed_by_server,
        "error": r.error,
        "local": r.local,
        "elapsed_s": time.monotonic() - t0,
    }


def _s7(address: tuple[str, int], key: bytes, _spec: dict[str, Any]) -> dict[str, Any]:
    env = dict(os.environ, LESSON_HOST=address[0], LESSON_PORT=str(address[1]), LESSON_KEY=key.decode())
    proc = subprocess.run(
        [sys.executable, str(LESSON_PROGRAMS / "s7_hmac_client.py")],
        env=env,
        capture_output=True,
        text=True,
        timeout=WAIT_S,
        check=False,
    )
    return {"returncode": proc.returncode, "stderr": proc.stderr[-500:]}


def _stall(address: tuple[str, int], _key: bytes, _spec: dict[str, Any]) -> dict[str, Any]:
    t0 = time.monotonic()
    with socket.create_connection(address, timeout=WAIT_S) as sock:
        local = "{}:{}".format(*sock.getsockname()[:2])
        got = 0
        try:
            while True:  # read what the server sends (the lesson's challenge), answer nothing
                chunk = sock.recv(4096)
                if not chunk:
                    break
                got += len(chunk)
        except (TimeoutError, ConnectionResetError):
            pass
    return {"cut_off_after_s": time.monotonic() - t0, "received": got, "local": local}


def _garbage(address: tuple[str, int], _key: bytes, _spec: dict[str, Any]) -> dict[str, Any]:
    t0 = time.monotonic()
    with socket.create_connection(address, timeout=WAIT_S) as sock:
        local = "{}:{}".format(*sock.getsockname()[:2])
        try:
            sock.sendall(b"GET / HTTP/1.0\r\n\r\n" + bytes(range(256)))
            while sock.recv(4096):
                pass
        except (TimeoutError, ConnectionResetError, BrokenPipeError):
            pass
    return {"closed_after_s": time.monotonic() - t0, "local": local}


KINDS = {"netsim": _netsim, "lesson": _lesson, "s7": _s7, "stall": _stall, "garbage": _garbage}


def main() -> int:
    spec = json.loads(sys.argv[1])
    address = (spec["address"][0], int(spec["address"][1]))
    results: list[dict[str, Any]] = [{} for _ in spec["students"]]
    start = threading.Barrier(len(spec["students"]))

    def one(i: int, student: dict[str, Any]) -> None:
        key = student.get("key", spec["key"]).encode()
        start.wait()
        try:
            results[i] = {"kind": student["kind"], **KINDS[student["kind"]](address, key, student)}
        except Exception as exc:  # reported, not raised: the test reads every result
            results[i] = {"kind": student["kind"], "exception": f"{type(exc).__name__}: {exc}"}

    threads = [threading.Thread(target=one, args=(i, s)) for i, s in enumerate(spec["students"])]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
