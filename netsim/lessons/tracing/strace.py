"""Programs that are not Python (C, node, Java, ``nc`` …): run under Debian's ``strace``.

strace prints every socket and read/write system call with ``-xx`` (every byte as ``\\xNN``),
``-yy`` (each fd followed by what it is, e.g. ``3<TCP:[127.0.0.1:9001->127.0.0.1:40000]>``),
``-f`` (children and threads too) and nanosecond wall-clock times.  :class:`StraceParser`
turns those lines into the same :class:`ProgramCalled` events as the Python launcher, keeping
the syscall's own name (a ``write`` on a socket is a send; ``read`` a recv).  Only TCP and UDP
sockets are kept: reads and writes on files, pipes and terminals are not the lesson.  Bytes
beyond strace's ``-s`` limit are marked ``truncated``, never invented.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from typing import Any

from netsim.lessons.tracing.events import ProgramCalled

STRING_LIMIT = 1 << 20
TRACED_SYSCALLS = "%network,read,write,readv,writev,close"
STRACE_PACKAGE = "strace"


class StraceMissingError(RuntimeError):
    pass


def strace_command(argv: list[str], output_fd: int) -> list[str]:
    exe = shutil.which("strace")
    if exe is None:
        raise StraceMissingError(
            "strace is not installed: tracing a program that is not Python needs it "
            f"(Debian/Ubuntu: sudo apt-get install {STRACE_PACKAGE})"
        )
    return [
        exe,
        "-f",
        "-qq",
        "-xx",
        "-yy",
        "-s",
        str(STRING_LIMIT),
        "--absolute-timestamps=format:unix,precision:ns",
        "-e",
        f"trace={TRACED_SYSCALLS}",
        "-o",
        f"/dev/fd/{output_fd}",
        "--",
        *argv,
    ]


_LINE = re.compile(r"^(\d+)\s+(\d+)\.(\d+)\s+(.*)$")
_RESUMED = re.compile(r"^<\.\.\. (\w+) resumed>(.*)$")
_CALL = re.compile(r"^(\w+)\((.*)$")
_FD = re.compile(r"^(-?\d+)(?:<([A-Za-z0-9-]+):\[(.*?)\]>|<[^>]*>)?")
_STRING = re.compile(r'"((?:\\x[0-9a-f]{2})*)"(\.\.\.)?')
_IOV_STRING = re.compile(r'iov_base="((?:\\x[0-9a-f]{2})*)"(\.\.\.)?')
_RET = re.compile(r"^(-?\d+)(?:<([A-Za-z0-9-]+):\[(.*?)\]>)?(?:\s+(\w+)\s+\((.*)\))?")
_SIN = re.compile(r'sin_port=htons\((\d+)\), sin_addr=inet_addr\("([^"]*)"\)')
_SIN6 = re.compile(r'sin6_port=htons\((\d+)\).*?inet_pton\(AF_INET6, "([^"]*)"')


def _sockaddr(m: re.Match[str]) -> list[Any]:
    """``[host, port]`` from a sockaddr match (-xx prints the host text as \\xNN too)."""
    host = m.group(2)
    if host.startswith("\\x"):
        host = _hex_bytes(host).decode("ascii", "replace")
    return [host, int(m.group(1))]


_INET = {"TCP", "TCPv6", "UDP", "UDPv6"}
_KEEP_ALWAYS = {"socket"}
_DATA_CALLS = {"read", "write", "readv", "writev", "sendto", "recvfrom", "sendmsg", "recvmsg"}
_IOV_CALLS = {"readv", "writev", "sendmsg", "recvmsg"}


def _split_hostport(text: str) -> list[Any] | None:
    text = text.strip()
    if not text:
        return None
    host, sep, port = text.rpartition(":")
    if not sep or not port.isdigit():
        return None
    return [host.strip("[]"), int(port)]


def _decor(proto: str | None, inside: str | None) -> dict[str, Any]:
    if proto not in _INET or inside is None:
        return {}
    out: dict[str, Any] = {"transport": "udp" if proto.startswith("UDP") else "tcp"}
    local, arrow, peer = inside.partition("->")
    la = _split_hostport(local)
    if la is not None:
        out["local"] = la
    if arrow:
        pa = _split_hostport(peer)
        if pa is not None:
            out["peer"] = pa
    return out


def _hex_bytes(text: str) -> bytes:
    return bytes.fromhex(text.replace("\\x", ""))


@dataclass
class StraceParser:
    """Feed strace's output lines of one program; get :class:`ProgramCalled` events."""

    program: int
    clock_offset_ns: int  # monotonic_ns - time_ns, so strace's wall clock joins the launchers'
    _unfinished: dict[int, tuple[int, str]] = field(default_factory=dict)
    _socket_fds: set[tuple[int, int]] = field(default_factory=set)
    unparsed: int = 0

    def feed(self, line: str) -> ProgramCalled | None:
        m = _LINE.match(line.rstrip("\n"))
        if m is None:
            return None
        tid = int(m.group(1))
        t_ns = int(m.group(2)) * 1_000_000_000 + int(m.group(3).ljust(9, "0")[:9]) + self.clock_offset_ns
        body = m.group(4)
        if body.startswith(("---", "+++")):
            return None
        r = _RESUMED.match(body)
        if r is not None:
            pending = self._unfinished.pop(tid, None)
            if pending is None:
                self.unparsed += 1
                return None
            t_ns, head = pending
            body = head + r.group(2)
        elif body.endswith("<unfinished ...>"):
            self._unfinished[tid] = (t_ns, body[: -len("<unfinished ...>")].rstrip())
            return None
        try:
            return self._parse(tid, t_ns, body)
        except (ValueError, IndexError):
            self.unparsed += 1
            return None

    def _parse(self, tid: int, t_ns: int, body: str) -> ProgramCalled | None:
        c = _CALL.match(body)
        if c is None:
            return None
        name, rest = c.group(1), c.group(2)
        args, eq, ret = rest.rpartition(") = ")
        if not eq:
            return None
        fdm = _FD.match(args)
        fd = int(fdm.group(1)) if fdm else -1
        extra = _decor(fdm.group(2), fdm.group(3)) if fdm else {}
        rm = _RET.match(ret.strip())
        if rm is None:
            return None
        rv = int(rm.group(1))
        error = f"{rm.group(4)} ({rm.group(5)})" if rm.group(4) else ""
        if name == "socket":
            if rv < 0:
                return None
            extra = dict(_decor(rm.group(2), rm.group(3)) or {}, socket_args=args)
            self._socket_fds.add((tid, rv))
            return self._event(tid, t_ns, rv, name, None, rv, b"", False, error, extra)
        if not extra:
            return None  # not a TCP/UDP socket: a file, a pipe, a terminal
        if name in ("accept", "accept4") and rv >= 0:
            newx = _decor(rm.group(2), rm.group(3))
            newx["listener"] = extra.get("local")
            return self._event(tid, t_ns, fd, name, None, rv, b"", False, error, newx)
        if name == "connect":
            a = _SIN.search(args) or _SIN6.search(args)
            if a is not None:
                extra["peer"] = extra["connect_to"] = _sockaddr(a)
            return self._event(tid, t_ns, fd, name, None, None if rv == 0 else rv, b"", False, error, extra)
        if name in _DATA_CALLS:
            strings = (_IOV_STRING if name in _IOV_CALLS else _STRING).findall(args)
            if name not in _IOV_CALLS:
                strings = strings[:1]
            data = b"".join(_hex_bytes(s) for s, _ in strings)
            truncated = any(dots for _, dots in strings)
            if rv >= 0:
                truncated = truncated or len(data) < rv
                data = data[:rv]
            addr = _SIN.search(args) or _SIN6.search(args)
            if addr is not None:
                extra["addr"] = _sockaddr(addr)
            return self._event(
                tid, t_ns, fd, name, None, rv if rv >= 0 else None, data, rv >= 0, error, extra, truncated
            )
        return self._event(tid, t_ns, fd, name, None, rv if rv >= 0 else None, b"", False, error, extra)

    def _event(
        self,
        tid: int,
        t_ns: int,
        fd: int,
        call: str,
        arg: Any,
        result: Any,
        data: bytes,
        has_data: bool,
        error: str,
        extra: dict[str, Any],
        truncated: bool = False,
    ) -> ProgramCalled:
        return ProgramCalled(
            t_ns=t_ns,
            endpoint=f"pid {tid}",
            program=self.program,
            pid=tid,
            tid=tid,
            fd=fd,
            call=call,
            arg=arg,
            result=result,
            data=data,
            has_data=has_data,
            error=error,
            extra=extra,
            truncated=truncated,
            syscall=call,
        )
