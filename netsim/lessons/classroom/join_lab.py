"""The Join side as a lab: one student (``netsim classroom join``) in a worker thread.

Its events (``sid`` 0, endpoint ``"student"``) draw the student's own lane; what arrives is
recorded as :class:`~netsim.lessons.classroom.events.ClassAction` ``received`` lines so the panel
can list it.  ``result`` holds the :class:`~netsim.lessons.classroom.client.JoinResult` at the end.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from netsim.core.events import now_ns
from netsim.core.recorder import Recorder
from netsim.lab.base import LabBase
from netsim.lessons.classroom.client import JoinResult, join
from netsim.lessons.classroom.events import ClassAction
from netsim.lessons.classroom.protocol import DEFAULT_FRAMING


class JoinLab(LabBase):
    def __init__(
        self,
        address: tuple[str, int],
        name: str,
        key: bytes,
        *,
        framing: str = DEFAULT_FRAMING,
        messages: Sequence[str] = (),
        stay_s: float = math.inf,
        recorder: Recorder | None = None,
    ) -> None:
        super().__init__(recorder if recorder is not None else Recorder(keep=False))
        self.address = address
        self.name = name
        self._key = key
        self.framing = framing
        self.messages = list(messages)
        self.stay_s = stay_s
        self.result: JoinResult | None = None

    def run_config(self) -> dict[str, Any]:
        return {
            "lesson": "classroom-join",
            "address": f"{self.address[0]}:{self.address[1]}",
            "name": self.name,
            "framing": self.framing,
            "messages": len(self.messages),
        }

    def _launch(self) -> None:
        self._spawn("student", self._run, name="classroom-join")

    def _run(self) -> None:
        def on_message(kind: str, text: str) -> None:
            self.recorder.emit(ClassAction(now_ns(), "student", f"received-{kind}", text))

        self.result = join(
            self.address,
            self.name,
            self._key,
            framing=self.framing,
            messages=self.messages,
            stay_s=self.stay_s,
            stop=self._stop,
            emit=self.recorder.emit,
            on_message=on_message,
        )
