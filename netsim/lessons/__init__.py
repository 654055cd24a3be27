"""The lessons: one package each, ``netsim/lessons/<name>/`` (scenario, lab, events, analysis, cli).

A lesson builds on the shared pieces (:mod:`netsim.core`, :mod:`netsim.framing`,
:mod:`netsim.lab`) and never imports another lesson (import-linter checks both).

This module is the one place that lists them.  :data:`EVENT_MODULES` names, for every lesson
with event types of its own, the module that defines (and registers) them.  A saved trace may
name any of those types whatever the program imported before loading it, so the event registry
(:func:`netsim.core.events.event_from_dict`) calls :func:`register_all` the first time it meets
a type it does not know.  It finds this module by name (``importlib``), not by an ``import``
statement: the core sits below the lessons in the layers contract and must not depend on them,
yet the list itself stays here, explicit and complete (a test walks every lesson module and
checks that each event type it defines is reachable from this table in a fresh interpreter).
"""

from __future__ import annotations

import importlib

# Every lesson package, in the order the CLI and the GUI present them.
LESSONS: tuple[str, ...] = (
    "sticky",
    "chat",
    "handshake",
    "hmac",
    "servers",
    "addresses",
    "clientserver",
    "relay",
    "tracing",
    "classroom",
)

# Lesson -> the module defining its own event types (lessons using only the core's have none).
EVENT_MODULES: dict[str, str] = {
    "handshake": "netsim.lessons.handshake.events",
    "hmac": "netsim.auth.events",  # shared with the classroom
    "servers": "netsim.lessons.servers.events",
    "clientserver": "netsim.lessons.clientserver.events",
    "relay": "netsim.lab.relay",  # shared: the sticky lab records through the relay too
    "tracing": "netsim.lessons.tracing.events",
    "classroom": "netsim.lessons.classroom.events",
}


def register_all() -> None:
    """Import every lesson's events module, so each event type is in the registry."""
    for module in EVENT_MODULES.values():
        importlib.import_module(module)
