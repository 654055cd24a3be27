"""The classroom across real network interfaces: a server and five student machines in network
namespaces on one bridge (root only; skipped elsewhere with the reason).

50 students: 30 with the right key, 10 with a wrong key, 5 in the lesson's raw HMAC form (3 that
go on to chat with ``struct.pack('i')`` frames, 2 running the lesson's ``s7_hmac_client.py`` as it
is), 3 that connect and stall, 2 that send garbage.  Every verdict must be right, every accepted
student's messages counted exactly, the stallers cut off by the handshake deadline, and nobody
else slowed down by them.
"""

from __future__ import annotations

import json
import os
import selectors
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.netsim.lessons.classroom.netns import Lan, unavailable_reason
from tests.procs import reap

KEY = "class-key-7"
PORT = 9001
HANDSHAKE_S = 3.0
SWARM = Path(__file__).with_name("swarm.py")


@pytest.fixture
def lan() -> Iterator[Lan]:
    reason = unavailable_reason()
    if reason is not None:
        pytest.skip(reason)
    net = Lan(6)
    net.up()
    try:
        yield net
    finally:
        net.down()


def _wait_line(proc: subprocess.Popen[bytes], needle: str, timeout_s: float) -> str:
    """Read the server's stdout (raw, unbuffered) until ``needle`` appears."""
    assert proc.stdout is not None
    fd = proc.stdout.fileno()
    seen = b""
    deadline = time.monotonic() + timeout_s
    with selectors.DefaultSelector() as sel:
        sel.register(fd, selectors.EVENT_READ)
        while needle.encode() not in seen and time.monotonic() < deadline:
            if sel.select(max(0.0, deadline - time.monotonic())):
                chunk = os.read(fd, 4096)
                if not chunk:
                    break
                seen += chunk
    text = seen.decode(errors="replace")
    assert needle in text, f"server never printed {needle!r}; got {text!r}"
    return text


def _messages(group: int, i: int) -> list[str]:
    return [f"g{group}s{i}m{k} 你好" for k in range(3 + (i % 4))]


def test_fifty_students_across_namespaces(lan: Lan, tmp_path: Path) -> None:
    server_ip = lan.addresses[0]
    status = tmp_path / "status.json"
    server = subprocess.Popen(
        lan.exec_argv(
            0,
            [
                sys.executable,
                "-m",
                "netsim",
                "classroom",
                "serve",
                "--bind",
                f"{server_ip}:{PORT}",
                "--key",
                KEY,
                "--status-json",
                str(status),
                "--handshake-s",
                str(HANDSHAKE_S),
                "--quiet",
            ],
        ),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    swarms: list[subprocess.Popen[bytes]] = []
    try:
        _wait_line(server, "students join with", 30.0)
        groups: list[list[dict[str, Any]]] = []
        for g in range(3):  # machines 1-3: ten right-key students each
            groups.append(
                [{"kind": "netsim", "name": f"ok-{g}-{i}", "messages": _messages(g, i)} for i in range(10)]
            )
        groups.append(  # machine 4: ten wrong keys
            [
                {"kind": "netsim", "name": f"bad-{i}", "key": f"wrong-{i}", "messages": ["x"]}
                for i in range(10)
            ]
        )
        groups.append(  # machine 5: the lesson's form, stallers and garbage
            [{"kind": "lesson", "messages": _messages(9, i)} for i in range(3)]
            + [{"kind": "s7"} for _ in range(2)]
            + [{"kind": "stall"} for _ in range(3)]
            + [{"kind": "garbage"} for _ in range(2)]
        )
        t0 = time.monotonic()
        for machine, students in enumerate(groups, start=1):
            spec = {"address": [server_ip, PORT], "key": KEY, "students": students}
            swarms.append(
                subprocess.Popen(
                    lan.exec_argv(machine, [sys.executable, str(SWARM), json.dumps(spec)]),
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                )
            )
        results: list[list[dict[str, Any]]] = []
        for proc in swarms:
            out, err = proc.communicate(timeout=40)
            assert proc.returncode == 0, err.decode(errors="replace")
            results.append(json.loads(out))
        wall_s = time.monotonic() - t0

        # --- what the students saw
        for g in range(3):
            for i, r in enumerate(results[g]):
                assert r["verdict"] == "accepted", r
                assert r["replies"] == _messages(g, i), r
                assert not r["errors"], r
                # Finished while the stallers were still stalling: nobody waited on them.
                assert r["elapsed_s"] < HANDSHAKE_S - 1.0, (r, "an accepted student was slowed down")
        for r in results[3]:
            assert r["verdict"] == "refused", r
        lesson, s7, stall, garbage = results[4][:3], results[4][3:5], results[4][5:8], results[4][8:]
        for i, r in enumerate(lesson):
            assert r["answered"] and not r["error"], r
            assert r["replies"] == [f"echo: {m}" for m in _messages(9, i)], r
        for r in s7:
            assert r["returncode"] == 0, r
        for r in stall:
            assert r["received"] == 32, r  # the lesson's challenge, after the grace period
            assert HANDSHAKE_S - 0.2 <= r["cut_off_after_s"] <= HANDSHAKE_S + 2.0, r
        for r in garbage:
            assert r["closed_after_s"] < HANDSHAKE_S, r

        # --- the status file on SIGUSR1, then at exit on SIGINT
        server.send_signal(signal.SIGUSR1)
        deadline = time.monotonic() + 10
        while not status.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert status.exists(), "no status file after SIGUSR1"
        on_usr1 = json.loads(status.read_text(encoding="utf-8"))
        status.unlink()
        server.send_signal(signal.SIGINT)
        server.communicate(timeout=20)
        doc = json.loads(status.read_text(encoding="utf-8"))
        assert doc == on_usr1  # nothing changed between the two
    finally:
        for proc in swarms:
            reap(proc)
        reap(server)

    students = doc["students"]
    assert len(students) == 50
    keys = {"name", "address", "form", "verdict", "messages_received", "messages_sent"}
    keys |= {"merged_chunks", "split_messages", "errors"}
    assert all(set(s) == keys for s in students)
    by_name = {s["name"]: s for s in students}
    by_address = {s["address"]: s for s in students}
    for g in range(3):
        for i in range(10):
            s = by_name[f"ok-{g}-{i}"]
            assert s["form"] == "netsim" and s["verdict"] == "accepted", s
            assert s["messages_received"] == s["messages_sent"] == len(_messages(g, i)), s
            assert s["address"] == results[g][i]["local"]
            assert s["address"].startswith(f"{lan.addresses[g + 1]}:")
    for i in range(10):
        s = by_name[f"bad-{i}"]
        assert (s["form"], s["verdict"], s["messages_received"]) == ("netsim", "refused", 0), s
    for i, r in enumerate(lesson):
        s = by_address[r["local"]]
        assert s["name"] == s["address"]  # the lesson's form carries no name
        assert (s["form"], s["verdict"]) == ("lesson", "accepted"), s
        assert s["messages_received"] == s["messages_sent"] == len(_messages(9, i)), s
    lesson_rows = [s for s in students if s["form"] == "lesson" and s["verdict"] == "accepted"]
    assert len(lesson_rows) == 5  # the three above and the two s7_hmac_client.py runs
    assert sum(1 for s in lesson_rows if s["messages_received"] == 0) == 2
    for r in stall:
        s = by_address[r["local"]]
        assert (s["form"], s["verdict"]) == ("lesson", "timed out"), s
        assert s["errors"], s
    for r in garbage:
        s = by_address[r["local"]]
        assert (s["form"], s["verdict"]) == ("netsim", "protocol error"), s
    assert wall_s < 40
