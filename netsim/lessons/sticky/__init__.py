"""Sticky packets (黏包) and half packets: a real sender and receiver on loopback, recorded."""

from netsim.lab.kqueue import QUEUES_AVAILABLE, QUEUES_MISSING_REASON
from netsim.lessons.sticky.lab import StreamLab, preview
from netsim.lessons.sticky.scenario import UDP_MAX_PAYLOAD, Scenario, generated_message

__all__ = [
    "QUEUES_AVAILABLE",
    "QUEUES_MISSING_REASON",
    "UDP_MAX_PAYLOAD",
    "Scenario",
    "StreamLab",
    "generated_message",
    "preview",
]
