"""NetSim Lab core: real loopback sockets, framing codecs, traces. Never imports Qt."""

__version__ = "0.1.0"
