"""The network in the middle as a lesson of its own: ``netsim relay`` between any client and server."""
