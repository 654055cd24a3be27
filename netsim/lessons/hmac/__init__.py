"""Client legitimacy check (客户端合法性验证) by challenge-response, fixed and explained.

* :mod:`netsim.auth.macs` - the constructions (legacy ``sha1(key + challenge)``, HMAC with a
  named digest, role-bound mutual HMAC, ``multiprocessing.connection``'s form) and
  ``hmac.compare_digest`` after a length check;
* :mod:`netsim.auth.machines` - sans-I/O state machines for both roles;
* :mod:`netsim.auth.transport` - framed sockets, a threaded server, a client;
* :mod:`netsim.lessons.hmac.scenarios` - the good run, wrong key and the attacks, shared by
  ``netsim hmac`` and the HMAC panel; :class:`AuthLab` is the panel's non-blocking door.
"""

from netsim.auth.events import AuthStep, AuthVerdict, ScenarioFinished
from netsim.auth.machines import (
    FIXED_CHALLENGE,
    MULTIPROCESSING,
    NETSIM,
    PROTOCOLS,
    AuthConfig,
    Handshake,
    MpClient,
    MpServer,
    NetsimClient,
    NetsimServer,
    client_handshake,
    server_handshake,
)
from netsim.auth.transport import AuthServer, ClientResult, ConnectionResult, FramedConn, run_client
from netsim.lessons.hmac.scenarios import SCENARIOS, AuthLab, Outcome, Setup, run_scenario

__all__ = [
    "FIXED_CHALLENGE",
    "MULTIPROCESSING",
    "NETSIM",
    "PROTOCOLS",
    "SCENARIOS",
    "AuthConfig",
    "AuthLab",
    "AuthServer",
    "AuthStep",
    "AuthVerdict",
    "ClientResult",
    "ConnectionResult",
    "FramedConn",
    "Handshake",
    "MpClient",
    "MpServer",
    "NetsimClient",
    "NetsimServer",
    "Outcome",
    "ScenarioFinished",
    "Setup",
    "client_handshake",
    "run_client",
    "run_scenario",
    "server_handshake",
]
