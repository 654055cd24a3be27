"""Capture the lab's TCP segments on the loopback interface, decode them, write pcap.

Linux only, and only with root or CAP_NET_RAW: a raw ``AF_PACKET`` socket bound to ``lo`` sees
every frame twice (once leaving, once arriving), so the ``PACKET_OUTGOING`` copy is dropped.
Frames on ``lo`` carry a 14-byte all-zero Ethernet header, so they are written to pcap as
Ethernet (``DLT_EN10MB``) and Wireshark/tshark read them as such.

:func:`capture_available` feature-detects; when it says no, the caller falls back to the model
(:mod:`netsim.lessons.handshake.tcpstate`) and must say so - a modelled segment is never marked captured.
"""

from __future__ import annotations

import socket
import sys
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass

import dpkt

from netsim.core.events import now_ns
from netsim.core.recorder import Recorder
from netsim.lessons.handshake.tcpstate import ACK, SYN, SegmentSeen

ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4
SO_RCVBUFFORCE = 33  # Linux: set the buffer above rmem_max (needs CAP_NET_ADMIN; root has it)
RCVBUF_BYTES = 8 << 20


class CaptureUnavailable(Exception):
    """Capture is not possible here (wrong platform or no privilege); the text says which."""


def capture_available(interface: str = "lo") -> tuple[bool, str]:
    """``(True, how)`` if a raw socket on ``interface`` can be opened, else ``(False, why not)``."""
    if not sys.platform.startswith("linux") or not hasattr(socket, "AF_PACKET"):
        return False, f"loopback capture needs Linux AF_PACKET; this platform ({sys.platform}) has none"
    try:
        probe = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    except PermissionError:
        return False, "loopback capture needs root or CAP_NET_RAW"
    except OSError as exc:
        return False, f"loopback capture unavailable: {exc}"
    try:
        probe.bind((interface, 0))
    except OSError as exc:
        return False, f"cannot bind a raw socket to {interface}: {exc}"
    finally:
        probe.close()
    return True, f"AF_PACKET raw socket on {interface}"


@dataclass(frozen=True, slots=True)
class Decoded:
    src: str
    dst: str
    sport: int
    dport: int
    flags: int
    seq: int
    ack: int
    window: int
    payload: bytes
    ip_header_bytes: int
    tcp_header_bytes: int


def decode_frame(frame: bytes) -> Decoded | None:
    """Decode an Ethernet/IPv4/TCP frame; ``None`` for anything else (or a truncated frame)."""
    try:
        eth = dpkt.ethernet.Ethernet(frame)
    except (dpkt.UnpackError, dpkt.NeedData):
        return None
    ip = eth.data
    if not isinstance(ip, dpkt.ip.IP) or not isinstance(ip.data, dpkt.tcp.TCP):
        return None
    tcp = ip.data
    return Decoded(
        src=socket.inet_ntoa(ip.src),
        dst=socket.inet_ntoa(ip.dst),
        sport=int(tcp.sport),
        dport=int(tcp.dport),
        flags=int(tcp.flags),
        seq=int(tcp.seq),
        ack=int(tcp.ack),
        window=int(tcp.win),
        payload=bytes(tcp.data),
        ip_header_bytes=int(ip.hl) * 4,
        tcp_header_bytes=int(tcp.off) * 4,
    )


class RelativeNumbers:
    """Wireshark's relative sequence numbers: each direction counts from its own ISN.

    The ISN is learnt from that direction's SYN; a direction whose SYN was not seen starts at the
    first sequence number seen (as Wireshark does).  Arithmetic is modulo 2**32.
    """

    def __init__(self) -> None:
        self._isn: dict[tuple[str, int, str, int], int] = {}

    def relative(self, d: Decoded) -> tuple[int, int]:
        fwd = (d.src, d.sport, d.dst, d.dport)
        back = (d.dst, d.dport, d.src, d.sport)
        if d.flags & SYN or fwd not in self._isn:
            self._isn[fwd] = d.seq
        rel_seq = (d.seq - self._isn[fwd]) % 2**32
        rel_ack = (d.ack - self._isn[back]) % 2**32 if back in self._isn and d.flags & ACK else 0
        return rel_seq, rel_ack


class LoopbackCapture:
    """A worker thread reading ``lo`` and emitting one :class:`SegmentSeen` per lab segment.

    ``add_port`` says which TCP ports belong to the lab (only those segments are kept);
    ``server_port`` decides who sent a segment (from the server's port: ``server``, else
    ``client``).  ``set_cause`` labels the following segments with the socket call that is
    running.  ``start()`` opens the socket in the calling thread, so nothing sent after it
    returns can be missed; ``close()`` stops, joins and closes.
    """

    def __init__(self, recorder: Recorder, *, interface: str = "lo") -> None:
        self._recorder = recorder
        self._interface = interface
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._ports: set[int] = set()
        self._server_port = -1
        self._cause = ""
        self._sock: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._segments: list[SegmentSeen] = []
        self._relative = RelativeNumbers()
        self.error = ""

    def start(self) -> None:
        try:
            sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
        except (OSError, AttributeError) as exc:
            raise CaptureUnavailable(str(exc)) from exc
        try:
            try:
                sock.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, RCVBUF_BYTES)
            except OSError:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RCVBUF_BYTES)
            sock.bind((self._interface, 0))
            sock.settimeout(0.05)
        except OSError as exc:
            sock.close()
            raise CaptureUnavailable(str(exc)) from exc
        self._sock = sock
        self._thread = threading.Thread(target=self._loop, name="loopback-capture")
        self._thread.start()

    def add_port(self, port: int, *, server: bool = False) -> None:
        with self._lock:
            self._ports.add(port)
            if server:
                self._server_port = port

    def _belongs(self, d: Decoded) -> bool:
        """Is this segment the lab's?  Both ends must be lab ports: ``lo`` carries every other
        program's loopback traffic too, and a port number alone can be one end of someone else's
        connection.  A SYN to the server's port opens a lab connection before ``connect()`` has
        returned the client's port, so it makes its source port a lab port."""
        if d.sport in self._ports and d.dport in self._ports:
            return True
        if d.dport == self._server_port and d.flags & SYN and not d.flags & ACK:
            self._ports.add(d.sport)
            return True
        return False

    def set_cause(self, cause: str) -> None:
        with self._lock:
            self._cause = cause

    def count(self) -> int:
        with self._lock:
            return len(self._segments)

    def segments(self) -> list[SegmentSeen]:
        with self._lock:
            return list(self._segments)

    def wait_for(self, count: int, timeout_s: float, quiet_s: float = 0.01) -> bool:
        """Wait until ``count`` segments were seen, then until none arrived for ``quiet_s``."""
        deadline = time.monotonic() + timeout_s
        while self.count() < count:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.002)
        seen = self.count()
        while True:
            time.sleep(quiet_s)
            now = self.count()
            if now == seen or time.monotonic() > deadline:
                return True
            seen = now

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5.0)
            if self._thread.is_alive():
                raise RuntimeError("capture thread did not stop")
            self._thread = None
        if self._sock is not None:
            self._sock.close()
            self._sock = None

    def _loop(self) -> None:
        assert self._sock is not None
        buf = bytearray(262_144)  # lo's MTU is 65536; never truncate a frame
        while not self._stop.is_set():
            try:
                n, addr = self._sock.recvfrom_into(buf)
            except TimeoutError:
                continue
            except OSError as exc:
                self.error = str(exc)
                return
            if addr[2] == PACKET_OUTGOING:
                continue  # the same frame comes back as PACKET_HOST; keep that copy only
            frame = bytes(buf[:n])
            wall_ns = time.time_ns()
            self._handle(frame, wall_ns)

    def _handle(self, frame: bytes, wall_ns: int) -> None:
        d = decode_frame(frame)
        if d is None:
            return
        with self._lock:
            if not self._belongs(d):
                return
            rel_seq, rel_ack = self._relative.relative(d)
            seg = SegmentSeen(
                now_ns(),
                "server" if d.sport == self._server_port else "client",
                captured=True,
                flags=d.flags,
                seq=d.seq,
                ack=d.ack,
                rel_seq=rel_seq,
                rel_ack=rel_ack,
                payload_len=len(d.payload),
                window=d.window,
                payload=d.payload,
                src=f"{d.src}:{d.sport}",
                dst=f"{d.dst}:{d.dport}",
                frame=frame,
                wall_ns=wall_ns,
                cause=self._cause,
            )
            self._segments.append(seg)
            # Emit under the lock so the recorder's order is the capture order.
            self._recorder.emit(seg)


def write_pcap(path: str, segments: Iterable[SegmentSeen]) -> int:
    """Write the captured segments (modelled ones have no bytes and are skipped); return the count."""
    n = 0
    with open(path, "wb") as fh:
        writer = dpkt.pcap.Writer(fh, linktype=dpkt.pcap.DLT_EN10MB)
        for seg in segments:
            if not seg.captured or not seg.frame:
                continue
            writer.writepkt(seg.frame, ts=seg.wall_ns / 1e9)
            n += 1
    return n
