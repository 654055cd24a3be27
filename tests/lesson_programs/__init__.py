"""The lesson's own Python programs, copied verbatim so tests can run them as peers.

Each ``s<section>_<name>_<role>.py`` file is one program from
``network-programming-lesson.zh.txt``; the only edits are lines marked ``# netsim:``
(address/port from the environment, ``hmac.new`` digestmod, key, collapsed lines reflowed).
See README.md for the full table. The programs read:

* ``LESSON_HOST`` (default ``127.0.0.1``) and ``LESSON_PORT`` (default ``9001``),
* ``LESSON_KEY`` (default ``hello``, UTF-8 encoded) in the section-7 programs,
* ``LESSON_DIGEST`` (default ``md5``) in the HMAC programs.

Framing values: ``none`` (raw bytes, one ``recv(1024)`` is taken as one message; for UDP one
datagram), ``length:i`` (``struct.pack('i', n)`` native 4-byte header, then the body),
``auth:sha1-hex`` (server sends 32 random bytes, client answers the 40-char SHA-1 hexdigest
of key+challenge) and ``auth:hmac-raw`` (same challenge, client answers the raw HMAC digest).
"""

from __future__ import annotations

import pathlib
from typing import Final, Literal, TypedDict

__all__ = [
    "DIGEST_ENV",
    "HOST_ENV",
    "KEY_ENV",
    "PORT_ENV",
    "PROGRAMS",
    "Program",
    "path",
]

HOST_ENV: Final = "LESSON_HOST"
PORT_ENV: Final = "LESSON_PORT"
KEY_ENV: Final = "LESSON_KEY"
DIGEST_ENV: Final = "LESSON_DIGEST"


class Program(TypedDict):
    section: int
    role: Literal["server", "client"]
    transport: Literal["tcp", "udp"]
    framing: str
    interactive: bool
    lines: str


PROGRAMS: Final[dict[str, Program]] = {
    "s4_chat_server.py": {
        "section": 4,
        "role": "server",
        "transport": "tcp",
        "framing": "none",
        "interactive": True,
        "lines": "94-96",
    },
    "s4_chat_client.py": {
        "section": 4,
        "role": "client",
        "transport": "tcp",
        "framing": "none",
        "interactive": True,
        "lines": "105-119",
    },
    "s4_udp_chat_server.py": {
        "section": 4,
        "role": "server",
        "transport": "udp",
        "framing": "none",
        "interactive": True,
        "lines": "135-146",
    },
    "s4_udp_chat_client.py": {
        "section": 4,
        "role": "client",
        "transport": "udp",
        "framing": "none",
        "interactive": True,
        "lines": "147-149",
    },
    "s5_hello_server.py": {
        "section": 5,
        "role": "server",
        "transport": "tcp",
        "framing": "none",
        "interactive": False,
        "lines": "157-169",
    },
    "s5_hello_client.py": {
        "section": 5,
        "role": "client",
        "transport": "tcp",
        "framing": "none",
        "interactive": False,
        "lines": "170-181",
    },
    "s5_struct_server.py": {
        "section": 5,
        "role": "server",
        "transport": "tcp",
        "framing": "length:i",
        "interactive": True,
        "lines": "227-251",
    },
    "s5_struct_client.py": {
        "section": 5,
        "role": "client",
        "transport": "tcp",
        "framing": "length:i",
        "interactive": True,
        "lines": "256-275",
    },
    "s6_socketserver_server.py": {
        "section": 6,
        "role": "server",
        "transport": "tcp",
        "framing": "none",
        "interactive": False,
        "lines": "302-313",
    },
    "s6_socketserver_client.py": {
        "section": 6,
        "role": "client",
        "transport": "tcp",
        "framing": "none",
        "interactive": False,
        "lines": "317-324",
    },
    "s6_nonblocking_server.py": {
        "section": 6,
        "role": "server",
        "transport": "tcp",
        "framing": "none",
        "interactive": False,
        "lines": "332-352",
    },
    "s7_hashlib_server.py": {
        "section": 7,
        "role": "server",
        "transport": "tcp",
        "framing": "auth:sha1-hex",
        "interactive": False,
        "lines": "370-397",
    },
    "s7_hashlib_client.py": {
        "section": 7,
        "role": "client",
        "transport": "tcp",
        "framing": "auth:sha1-hex",
        "interactive": False,
        "lines": "401-416",
    },
    "s7_hmac_server.py": {
        "section": 7,
        "role": "server",
        "transport": "tcp",
        "framing": "auth:hmac-raw",
        "interactive": False,
        "lines": "422-446",
    },
    "s7_hmac_client.py": {
        "section": 7,
        "role": "client",
        "transport": "tcp",
        "framing": "auth:hmac-raw",
        "interactive": False,
        "lines": "452-467",
    },
}

_DIR: Final = pathlib.Path(__file__).resolve().parent


def path(name: str) -> pathlib.Path:
    """Absolute path of the lesson program ``name`` (a key of PROGRAMS)."""
    if name not in PROGRAMS:
        raise KeyError(f"not a lesson program: {name!r}")
    return _DIR / name
