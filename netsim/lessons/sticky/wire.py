"""What the relay (the network in the middle) did during a sticky run, counted from the trace."""

from __future__ import annotations

from itertools import chain
from typing import Any

from netsim.core.trace import Trace
from netsim.lab.relay import DatagramDropped, DatagramForwarded, SegmentForwarded


def data_direction(config: dict[str, Any]) -> str:
    """The relay direction the messages travel: ``"c2s"``, or ``"s2c"`` when the server sends."""
    return "s2c" if config.get("sender") == "server" else "c2s"


def wire_summary(trace: Trace) -> dict[str, Any]:
    """``wire_segments``: segments (TCP) or datagrams (UDP) the relay forwarded sender to receiver.

    The ``wire_*`` counts are the relay's own decisions; ``lost_datagrams`` and friends in the
    analysis are what the receiver observed (kernel drops included).
    """
    config = trace.config
    segments = dropped = duplicated = held = 0
    way = data_direction(config)
    # of_type reads only the events kept as objects (relay events are): a run of millions of
    # messages is not made into objects just to count its segments.
    relay_events = chain(
        trace.of_type(SegmentForwarded), trace.of_type(DatagramForwarded), trace.of_type(DatagramDropped)
    )
    for ev in relay_events:
        if isinstance(ev, SegmentForwarded | DatagramForwarded) and ev.direction == way:
            segments += 1
            if isinstance(ev, DatagramForwarded):
                duplicated += ev.duplicate
                held += ev.reordered
        elif isinstance(ev, DatagramDropped) and ev.direction == way:
            dropped += 1
    out: dict[str, Any] = {"wire": "wire_seed" in config, "wire_segments": segments}
    if "wire_seed" in config:
        out["wire_seed"] = config["wire_seed"]
    if config.get("transport") == "udp":
        out.update(wire_dropped=dropped, wire_duplicated=duplicated, wire_reordered=held)
    return out
