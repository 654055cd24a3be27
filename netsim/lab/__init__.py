"""The only modules that touch ``socket``: real servers and clients in worker threads."""

from netsim.lab.kqueue import QUEUES_AVAILABLE, QUEUES_MISSING_REASON
from netsim.lab.scenario import UDP_MAX_PAYLOAD, Scenario, generated_message
from netsim.lab.stream import StreamLab, preview

__all__ = [
    "QUEUES_AVAILABLE",
    "QUEUES_MISSING_REASON",
    "UDP_MAX_PAYLOAD",
    "Scenario",
    "StreamLab",
    "generated_message",
    "preview",
]
