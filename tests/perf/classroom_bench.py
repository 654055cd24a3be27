"""Classroom server benchmark (issue 13's acceptance): prints figures, it is not a timed test.

Run: ``.venv/bin/python tests/perf/classroom_bench.py [--students 200] [--messages 100] [--json]``
(``--gui`` also measures the Classroom panel's GUI heartbeat while it draws the class).

The server runs as ``netsim classroom serve`` in its own process on 127.0.0.1; the students are
simulated by one ``selectors`` loop in this process (netsim handshake, then the class's
``length:i`` framing).

1. Throughput: N students each send M messages (at most 8 in flight each) and read every echo;
   prints messages/s (echoed and received back) and the wall time.
2. Added delay: one well-behaved student pings (one message, wait for its echo, every 5 ms)
   while the other students sit connected - first alone, then while 10 students misbehave
   (3 flood as fast as they can and read, 3 flood and never read, 2 stall in the handshake,
   2 trickle one byte of a huge header every 20 ms).  Prints p50/p99 of the ping's round trip
   in both runs and the p99 added.
3. ``--gui``: the same class drawn by the Classroom panel (offscreen) with a 10 ms heartbeat
   QTimer on the GUI thread; prints the heartbeat lateness p50/p99/max.
"""

from __future__ import annotations

import argparse
import json
import os
import selectors
import socket
import statistics
import struct
import subprocess
import sys
import time
from collections import deque
from typing import Any

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", ".."))

from netsim.auth import macs
from netsim.auth.machines import NETSIM, AuthConfig, NetsimClient, Outgoing
from netsim.lessons.classroom.protocol import HELLO_HEADER, hello_frame

KEY = "bench-key"
NATIVE = struct.Struct("i")


def start_server(port: int, extra: list[str]) -> subprocess.Popen[bytes]:
    argv = [sys.executable, "-m", "netsim", "classroom", "serve", "--bind", f"127.0.0.1:{port}"]
    argv += ["--key", KEY, "--max-students", "400", "--quiet", *extra]
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None
    line = b""
    deadline = time.monotonic() + 30
    while b"students join with" not in line and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            raise RuntimeError(proc.stderr.read().decode() if proc.stderr else "server died")
    return proc


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def handshake(port: int, name: str) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    sock.sendall(hello_frame(name))
    hs = NetsimClient(
        AuthConfig(protocol=NETSIM, variant=macs.HMAC, digest=macs.DEFAULT_DIGEST), KEY.encode()
    )
    hs.start()

    def exact(n: int) -> bytes:
        out = b""
        while len(out) < n:
            chunk = sock.recv(n - len(out))
            if not chunk:
                raise ConnectionError("closed in the handshake")
            out += chunk
        return out

    while not hs.finished:
        (size,) = HELLO_HEADER.unpack(exact(4))
        hs.receive(exact(size))
        for a in hs.take_actions():
            if isinstance(a, Outgoing):
                sock.sendall(HELLO_HEADER.pack(len(a.payload)) + a.payload)
    if not hs.accepted:
        raise ConnectionError(f"refused: {hs.reason}")
    sock.setblocking(False)
    return sock


class Student:
    def __init__(self, sock: socket.socket, total: int, window: int, *, reads: bool = True) -> None:
        self.sock = sock
        self.total = total
        self.window = window
        self.reads = reads
        self.sent = 0
        self.echoed = 0
        self.out = bytearray()
        self.inbuf = bytearray()
        self.sent_at: deque[float] = deque()
        self.rtts: list[float] = []
        self.closed = False

    def fill(self, now: float) -> None:
        while self.sent < self.total and self.sent - self.echoed < self.window and len(self.out) < 65536:
            body = b"m%d" % self.sent
            self.out += NATIVE.pack(len(body)) + body
            if self.reads and self.window < 1000:  # (flooders keep no send times)
                self.sent_at.append(now)
            self.sent += 1

    def on_data(self, data: bytes, now: float) -> None:
        self.inbuf += data
        i = 0
        n = len(self.inbuf)
        while i + 4 <= n:
            (size,) = NATIVE.unpack_from(self.inbuf, i)
            if i + 4 + size > n:
                break
            i += 4 + size
            self.echoed += 1
            if self.window < 1000 and self.sent_at:
                self.rtts.append(now - self.sent_at.popleft())
        del self.inbuf[:i]


def drive(students: list[Student], until: Any, timeout_s: float) -> None:
    sel = selectors.DefaultSelector()
    for st in students:
        sel.register(st.sock, selectors.EVENT_READ | selectors.EVENT_WRITE, st)
    deadline = time.monotonic() + timeout_s
    try:
        while not until() and time.monotonic() < deadline:
            now = time.monotonic()
            for st in students:
                if not st.closed:
                    st.fill(now)
            for key, mask in sel.select(0.01):
                st = key.data
                if st.closed:
                    continue
                try:
                    if mask & selectors.EVENT_READ and st.reads:
                        data = st.sock.recv(65536)
                        if not data:
                            st.closed = True
                            sel.unregister(st.sock)
                            continue
                        st.on_data(data, time.monotonic())
                    if mask & selectors.EVENT_WRITE and st.out:
                        sent = st.sock.send(st.out)
                        del st.out[:sent]
                except (BlockingIOError, InterruptedError):
                    pass
                except OSError:
                    st.closed = True
                    sel.unregister(st.sock)
    finally:
        sel.close()


def throughput(port: int, n: int, m: int) -> dict[str, Any]:
    socks = [handshake(port, f"s{i}") for i in range(n)]
    students = [Student(s, m, 8) for s in socks]
    t0 = time.perf_counter()
    drive(students, lambda: all(st.echoed >= m or st.closed for st in students), 120)
    wall = time.perf_counter() - t0
    echoed = sum(st.echoed for st in students)
    for s in socks:
        s.close()
    return {
        "students": n,
        "messages": n * m,
        "echoed": echoed,
        "seconds": round(wall, 2),
        "messages_per_s": round(echoed / wall),
    }


def misbehave(port: int, seconds: float) -> None:
    """The 10 misbehaving students, in their own process (other machines, in a real class)."""
    blob = b"".join(NATIVE.pack(5) + b"flood" for _ in range(65536 // 9))
    readers = [handshake(port, f"flood{i}") for i in range(3)]
    deaf = [handshake(port, f"deaf{i}") for i in range(3)]
    stall = [socket.create_connection(("127.0.0.1", port)) for _ in range(2)]
    trickle = [socket.create_connection(("127.0.0.1", port)) for _ in range(2)]
    print("ready", flush=True)
    wire = NATIVE.pack(1 << 30)  # "a 1 GiB message" header, one byte every 20 ms
    sel = selectors.DefaultSelector()
    for s in readers:
        sel.register(s, selectors.EVENT_READ | selectors.EVENT_WRITE, "read")
    for s in deaf:
        sel.register(s, selectors.EVENT_WRITE, "deaf")
    end = time.monotonic() + seconds
    next_trickle = 0.0
    step = 0
    sent = 0
    while time.monotonic() < end:
        now = time.monotonic()
        if now >= next_trickle:
            next_trickle = now + 0.02
            for s in trickle:
                try:
                    s.send(wire[step % 4 : step % 4 + 1])
                except OSError:
                    pass
            step += 1
        for key, mask in sel.select(0.02):
            s = key.fileobj  # type: ignore[assignment]
            try:
                if mask & selectors.EVENT_READ and not s.recv(65536):
                    sel.unregister(s)
                    continue
                if mask & selectors.EVENT_WRITE:
                    sent += s.send(blob)
            except (BlockingIOError, InterruptedError):
                pass
            except OSError:
                sel.unregister(s)
    sel.close()
    for s in readers + deaf + stall + trickle:
        s.close()
    print(json.dumps({"flood_bytes": sent}), flush=True)


def ping_run(port: int, idle: int, misbehave_too: bool, seconds: float) -> dict[str, Any]:
    idle_socks = [handshake(port, f"idle{i}") for i in range(idle)]
    helper: subprocess.Popen[bytes] | None = None
    if misbehave_too:
        helper = subprocess.Popen(
            [sys.executable, __file__, "--misbehave", str(port), "--ping-s", str(seconds + 1)],
            stdout=subprocess.PIPE,
        )
        assert helper.stdout is not None
        assert helper.stdout.readline().strip() == b"ready"
    probe = Student(handshake(port, "probe"), 10**9, 1)
    end = time.monotonic() + seconds
    # The probe sends one message, waits for its echo, then pauses 5 ms: paced here.
    original_fill = probe.fill
    last = [0.0]

    def paced(now: float) -> None:
        if probe.sent == probe.echoed and now - last[0] >= 0.005:
            original_fill(now)
            last[0] = now

    probe.fill = paced  # type: ignore[method-assign]
    drive([probe], lambda: time.monotonic() >= end, seconds + 5)
    flood: dict[str, Any] = {}
    if helper is not None:
        out, _ = helper.communicate(timeout=30)
        flood = json.loads(out.decode().strip().splitlines()[-1])
    for s in [*idle_socks, probe.sock]:
        s.close()
    rtts = sorted(probe.rtts[5:])  # skip the warm-up
    if not rtts:
        return {"pings": 0, "rtt_p50_ms": 0.0, "rtt_p99_ms": 0.0, "rtt_max_ms": 0.0, "flood_bytes": 0}

    def p(q: float) -> float:
        return round(rtts[min(len(rtts) - 1, int(len(rtts) * q))] * 1000, 2)

    return {
        "pings": len(rtts),
        "rtt_p50_ms": p(0.5),
        "rtt_p99_ms": p(0.99),
        "rtt_max_ms": round(rtts[-1] * 1000, 2),
        "flood_bytes": int(flood.get("flood_bytes", 0)),
    }


def students_only(port: int, n: int, m: int) -> dict[str, Any]:
    """N students each sending M messages (4 in flight), then closing; for the GUI run."""
    socks = [handshake(port, f"s{i:03d}") for i in range(n)]
    students = [Student(s, m, 4) for s in socks]
    t0 = time.perf_counter()
    drive(students, lambda: all(st.echoed >= m or st.closed for st in students), 120)
    load_s = round(time.perf_counter() - t0, 2)
    time.sleep(0.5)
    for s in socks:
        s.close()
    return {"load_s": load_s, "echoed": sum(st.echoed for st in students)}


def gui_heartbeat(n: int, m: int, seconds: float) -> dict[str, Any]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QCoreApplication, QElapsedTimer, QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from app.lessons.classroom.panel import ClassroomPanel
    from app.main import tune_interpreter

    tune_interpreter()  # as netsim-lab does: the GUI thread gets the GIL back within 1 ms
    app = QApplication.instance() or QApplication([])
    panel = ClassroomPanel()
    panel.set_scale(1.5)
    panel.resize(1280, 720)
    panel.show()
    panel.serve_on("127.0.0.1", 0, KEY, max_students=n + 10)
    port = panel.server_port()
    assert port is not None
    result: dict[str, Any] = {}

    def beat_while(busy: Any) -> list[float]:
        """10 ms heartbeat QTimer on the GUI thread while ``busy()``: how late each tick was."""
        lateness: list[float] = []
        clock = QElapsedTimer()
        beat = QTimer()
        beat.setInterval(10)
        last = [0]

        def tick() -> None:
            now = clock.nsecsElapsed()
            if last[0]:
                lateness.append(max(0.0, (now - last[0]) / 1e6 - 10))
            last[0] = now

        beat.timeout.connect(tick)
        clock.start()
        beat.start()
        while busy():
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)
            time.sleep(0.001)
        beat.stop()
        return sorted(lateness)

    def figures(lateness: list[float]) -> dict[str, float]:
        if not lateness:
            return {"p50": 0.0, "p99": 0.0, "max": 0.0, "beats": 0}
        return {
            "p50": round(statistics.median(lateness), 2),
            "p99": round(lateness[max(0, int(len(lateness) * 0.99) - 1)], 2),
            "max": round(lateness[-1], 2),
            "beats": len(lateness),
        }

    # The machine's own noise first: the panel serving, nobody connected.
    idle_end = time.monotonic() + seconds
    result["idle"] = figures(beat_while(lambda: time.monotonic() < idle_end))
    # The students are other machines in a real class: here, another process.
    students = subprocess.Popen(
        [sys.executable, __file__, "--students-only", str(port), "--students", str(n), "--messages", str(m)],
        stdout=subprocess.PIPE,
    )
    tail = [0.0]

    def loaded() -> bool:
        if students.poll() is None:
            return True
        if not tail[0]:
            tail[0] = time.monotonic() + 1.0  # and the last second of drawing after they left
        return time.monotonic() < tail[0]

    result["loaded"] = figures(beat_while(loaded))
    out, _ = students.communicate(timeout=30)
    try:
        result.update(json.loads(out.decode().strip().splitlines()[-1]))
    except (ValueError, IndexError):
        result["error"] = f"the students' process printed {out[-300:]!r}"
    result["lanes"] = len(panel.model.lanes)
    result["lanes_drawn"] = panel.lanes_drawn()
    panel.shutdown()
    panel.close()
    app.processEvents()
    return result


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--students", type=int, default=200)
    ap.add_argument("--messages", type=int, default=100)
    ap.add_argument("--ping-s", type=float, default=4.0)
    ap.add_argument("--gui", action="store_true")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--misbehave", type=int, metavar="PORT", help=argparse.SUPPRESS)
    ap.add_argument("--students-only", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.students_only:
        print(json.dumps(students_only(args.students_only, args.students, args.messages)))
        return 0
    if args.misbehave:
        misbehave(args.misbehave, args.ping_s)
        return 0
    out: dict[str, Any] = {}
    port = free_port()
    server = start_server(port, [])
    try:
        out["throughput"] = throughput(port, args.students, args.messages)
        idle = args.students - 11
        out["ping_alone"] = ping_run(port, idle, False, args.ping_s)
        out["ping_misbehaving"] = ping_run(port, idle, True, args.ping_s)
    finally:
        server.terminate()
        server.communicate(timeout=20)
    out["added_p99_ms"] = round(out["ping_misbehaving"]["rtt_p99_ms"] - out["ping_alone"]["rtt_p99_ms"], 2)
    if args.gui:
        out["gui"] = gui_heartbeat(args.students, args.messages, args.ping_s)
    if args.json:
        print(json.dumps(out))
        return 0
    t = out["throughput"]
    print(
        f"throughput: {t['students']} students x {args.messages} messages: {t['echoed']}/{t['messages']} "
        f"echoed in {t['seconds']} s = {t['messages_per_s']} messages/s"
    )
    for label, key in (("alone", "ping_alone"), ("10 misbehaving", "ping_misbehaving")):
        r = out[key]
        print(
            f"well-behaved ping ({label}): {r['pings']} round trips, p50 {r['rtt_p50_ms']} ms, "
            f"p99 {r['rtt_p99_ms']} ms, max {r['rtt_max_ms']} ms"
            + (f" (the misbehaving sent {r['flood_bytes']} bytes)" if r["flood_bytes"] else "")
        )
    print(f"p99 delay added by the misbehaving students: {out['added_p99_ms']} ms")
    if "gui" in out and "error" in out["gui"]:
        print(f"GUI run failed: {out['gui']['error']}")
    elif "gui" in out:
        g = out["gui"]
        for label, key in (
            ("idle, serving nobody", "idle"),
            (f"while {args.students} students arrive and send", "loaded"),
        ):
            f = g[key]
            print(
                f"GUI heartbeat (10 ms), {label}: {f['beats']} beats, lateness p50 {f['p50']} ms, "
                f"p99 {f['p99']} ms, max {f['max']} ms"
            )
        print(
            f"  (target p99 <= 20 ms; {g['echoed']} messages echoed in {g['load_s']} s; {g['lanes']} lanes, "
            f"{g['lanes_drawn']} painted in the last paint)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
