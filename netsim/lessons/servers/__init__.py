"""Serving many clients: blocking vs threaded vs non-blocking servers, on real loopback sockets.

``scenario`` (the run's configuration), ``events`` (``servers.*``), ``lab`` (the worker
threads), ``analysis`` (per-client timelines, CPU, the text Gantt chart), ``cli``.
"""

from netsim.lessons.servers.analysis import (
    CPU_RAMP,
    VERDICTS,
    ClientRow,
    CpuPoint,
    ServersResult,
    ServersTimeline,
    gantt,
    served_from,
)
from netsim.lessons.servers.events import (
    CLIENT_EVENTS,
    SERVER_EVENTS,
    ClientClosed,
    ClientConnected,
    ConnAccepted,
    ConnClosed,
    ReplyReceived,
    RequestSent,
    RequestServed,
    ServerCpuSampled,
)
from netsim.lessons.servers.lab import ServersLab
from netsim.lessons.servers.scenario import (
    BLOCKING,
    BUSY,
    LESSON_NB,
    MAX_CLIENTS,
    MAX_REQUESTS,
    MAX_THINK_MS,
    MODES,
    SELECTORS,
    THREADED,
    ServersConfig,
)

__all__ = [
    "BLOCKING",
    "BUSY",
    "CLIENT_EVENTS",
    "CPU_RAMP",
    "LESSON_NB",
    "MAX_CLIENTS",
    "MAX_REQUESTS",
    "MAX_THINK_MS",
    "MODES",
    "SELECTORS",
    "SERVER_EVENTS",
    "THREADED",
    "VERDICTS",
    "ClientClosed",
    "ClientConnected",
    "ClientRow",
    "ConnAccepted",
    "ConnClosed",
    "CpuPoint",
    "ReplyReceived",
    "RequestSent",
    "RequestServed",
    "ServerCpuSampled",
    "ServersConfig",
    "ServersLab",
    "ServersResult",
    "ServersTimeline",
    "gantt",
    "served_from",
]
