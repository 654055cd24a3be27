"""A simulated class on loopback, for the panel's default preset and its screenshot.

Every kind of student the lesson meets, each a real client in its own worker thread: netsim
students (some sending back to back, so their messages merge), students running the lesson's
own form, wrong keys, one whose framing does not match the class's, a staller and one sending
garbage.  Half a second after the last one started, the demo asks the server for the "two
messages back to back" challenge, so the lanes and the table show who got ``helloworld``.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from typing import Any

from netsim.core.recorder import Recorder
from netsim.lab.base import LabBase
from netsim.lessons.classroom.client import join, lesson_student
from netsim.lessons.classroom.server import ClassroomServer

DEMO_NAMES = (
    "Ada",
    "Bo",
    "Chen Jie",
    "Dana",
    "Eli",
    "Fang",
    "Gus",
    "Hui",
    "Ines",
    "Jun",
    "Kai",
    "Lan",
    "Mia",
    "Ning",
    "Omar",
    "Ping",
    "Qi",
    "Rosa",
    "Sun",
    "Tao",
)


def demo_roster(students: int) -> list[tuple[str, str]]:
    """(kind, name) for ``students`` students: mostly netsim, every other kind at least once."""
    specials = [
        ("lesson", ""),
        ("lesson", ""),
        ("wrong_key", "Mallory"),
        ("no_framing", "Raw Ray"),
        ("burst", "Burst Bea"),
        ("stall", ""),
        ("garbage", ""),
    ]
    roster: list[tuple[str, str]] = []
    for i in range(max(0, students - len(specials))):
        base = DEMO_NAMES[i % len(DEMO_NAMES)]
        roster.append(("netsim", base if i < len(DEMO_NAMES) else f"{base} {i // len(DEMO_NAMES) + 1}"))
    for i, special in enumerate(specials[: max(0, students)]):
        roster.insert(min(len(roster), 3 + i * 5), special)
    return roster[:students]


class DemoClass(LabBase):
    """``students`` simulated students against ``server`` (already started)."""

    def __init__(
        self,
        server: ClassroomServer,
        key: bytes,
        students: int = 60,
        *,
        stay_s: float = 4.0,
        recorder: Recorder | None = None,
    ) -> None:
        super().__init__(recorder if recorder is not None else Recorder(keep=False))
        self.server = server
        self.key = key
        self.roster = demo_roster(students)
        self.stay_s = stay_s
        # Set once the challenge and a broadcast went out and had time to come back: the
        # class is "in full swing" (the panel's screenshot waits for this, not for the end).
        self.settled = threading.Event()

    def run_config(self) -> dict[str, Any]:
        return {"lesson": "classroom-demo", "students": len(self.roster)}

    def _launch(self) -> None:
        address = self.server.address
        framing = self.server.framing
        for i, (kind, name) in enumerate(self.roster):
            self._spawn(
                f"student {i + 1}",
                self._body(address, framing, kind, name, i),
                name=f"classroom-demo-{i + 1}",
            )
        self._spawn("instructor", self._instructor, name="classroom-demo-instructor")

    def _body(
        self, address: tuple[str, int], framing: str, kind: str, name: str, i: int
    ) -> Callable[[], None]:
        def body() -> None:
            self._student(address, framing, kind, name, i)

        return body

    def _instructor(self) -> None:
        if self._stop.wait(0.9):
            return
        self.server.challenge()
        if self._stop.wait(0.4):
            return
        self.server.broadcast("欢迎 / welcome")
        if not self._stop.wait(0.6):
            self.settled.set()

    def _student(self, address: tuple[str, int], framing: str, kind: str, name: str, i: int) -> None:
        time.sleep(0.01 * (i % 10))  # arrive over a few tens of milliseconds, like a real class
        messages = [f"{name or 'student'} {k}" for k in range(1 + i % 4)]
        if kind == "netsim":
            join(
                address,
                name,
                self.key,
                framing=framing,
                messages=messages,
                stay_s=self.stay_s,
                stop=self._stop,
            )
        elif kind == "burst":
            msgs = [f"m{k}" for k in range(12)]
            join(
                address,
                name,
                self.key,
                framing=framing,
                messages=msgs,
                burst=True,
                stay_s=self.stay_s,
                stop=self._stop,
            )
        elif kind == "no_framing":
            join(address, name, self.key, framing="none", messages=["hello?"], stay_s=0.5, stop=self._stop)
        elif kind == "wrong_key":
            join(address, name, b"not the key", framing=framing, messages=messages, stop=self._stop)
        elif kind == "lesson":
            lesson_student(address, self.key, ["你好", "hello"], stop=self._stop)
        elif kind == "garbage":
            with socket.create_connection(address, timeout=2) as sock:
                sock.sendall(b"GET / HTTP/1.0\r\n\r\n")
                self._until_closed(sock)
        elif kind == "stall":
            with socket.create_connection(address, timeout=2) as sock:
                self._until_closed(sock)

    def _until_closed(self, sock: socket.socket) -> None:
        sock.settimeout(0.05)
        deadline = time.monotonic() + 30
        while not self._stop.is_set() and time.monotonic() < deadline:
            try:
                if not sock.recv(4096):
                    return
            except TimeoutError:
                continue
            except OSError:
                return
