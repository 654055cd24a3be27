"""The handshake lesson's events: ``SegmentSeen`` (a TCP segment, captured or modelled) and
``StateModelled`` (the textbook state machine took a row).

They are defined beside the model that makes them (:mod:`netsim.lessons.handshake.tcpstate`);
this module is where :mod:`netsim.lessons` finds them when a trace names them.
"""

from netsim.lessons.handshake.tcpstate import SegmentSeen, StateModelled

__all__ = ["SegmentSeen", "StateModelled"]
