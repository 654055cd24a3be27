"""Run a Python program unmodified, recording every call it makes on ``socket.socket``.

This file runs on the *user's* interpreter (``python3.8`` … ``python3.13``, a venv's python)
as ``python3.X launcher.py SCRIPT ARGS…`` (or ``-m MODULE`` / ``-c CODE``), so it uses the
standard library only and stays Python 3.8 compatible (no ``match``, no ``X | Y`` at run time).

It wraps the methods of ``socket.socket`` (and ``ssl.SSLSocket``'s plaintext calls), then runs
the program with :mod:`runpy` as ``__main__``.  Records go to netsim over a private UNIX socket
whose path is in ``NETSIM_TRACE_SOCKET`` — never through the program's stdin/stdout/stderr,
which stay the program's own.

Wire format (one direction, launcher → netsim): frames of ``>II`` (meta length, blob length),
then the meta as UTF-8 JSON, then the blob.  The first frame's meta is a ``hello`` object; every
later meta is ``{"n": N, "cols": [...], "order": "little"|"big"}``: N records as ten columns
``call, t_ns, tid, fd, arg, result, nbytes, error, extra, repeat``.  A column is a JSON list of N
values, ``{"all": v}`` when every value is ``v``, or ``{"i64": 1}``: N signed 64-bit integers
packed in the blob (in ``order``; packed columns come first in the blob, in column order).  Then
each record's ``nbytes`` data bytes (-1: none) follow one another in the blob.  ``t_ns`` is
``time.monotonic_ns()`` (one clock for every process on the machine).

Records are buffered (a flat list, ``_W`` values per record, appended in one C call) and sent by
a flusher thread every few milliseconds, before a fork, at exit (also after an uncaught
exception), before ``os._exit`` and on SIGTERM (netsim's Stop), so nothing recorded is lost when
the program ends.  A failing non-blocking call repeated in a busy loop
(``BlockingIOError`` from ``accept()`` thousands of times a second) is kept as one record with a
``repeat`` count instead of a flood.
"""

from __future__ import annotations

import atexit
import json
import os
import runpy
import signal
import socket
import struct
import sys
import threading
import time
import traceback
from typing import Any

ENV_SOCKET = "NETSIM_TRACE_SOCKET"
ENV_TOKEN = "NETSIM_TRACE_TOKEN"
PROTOCOL_VERSION = 2  # 2: integer columns packed in the blob
_FLUSH_S = 0.02
_FLUSH_RECORDS = 4096  # the flusher is woken early past this many buffered records
# Records per frame.  Small frames keep each stretch the flusher holds the GIL short (the
# program's threads wait for it meanwhile) and free the sent data (received bytes are often
# fresh memory) little by little.
_FRAME_RECORDS = 512
_W = 11  # values per buffered record: the ten wire columns (nbytes included), then the data bytes
_PACKED = (1, 2, 3, 5, 6, 9)  # t_ns, tid, fd, result, nbytes, repeat: ints (result may be None)
_HEADER = struct.Struct(">II")
_RETRY_ERRORS = ("BlockingIOError", "InterruptedError")
_CHANNEL_BUFFER = 4 * 1024 * 1024
_IOV_MAX = 512  # buffers per sendmsg() (Linux allows 1024)

_o_socket = socket.socket  # the class itself; its methods are replaced below
_mono = time.monotonic_ns
_get_ident = threading.get_ident
_MAKEFILE = "makefile"
_INSIDE = 1  # inside a traced SSL call: its inner calls are part of it, not recorded again

_mode: dict[int, Any] = {}  # thread id -> _INSIDE or "makefile"


class _Channel:
    """Buffered records and the socket they are written to."""

    def __init__(self, path, token):
        self.path = path
        self.token = token
        self.lock = threading.Lock()
        self.flush_lock = threading.Lock()  # one flush at a time: frames go out in order
        self.write_lock = threading.Lock()
        self.q = _Q  # records not yet sent (one flat list for the process: the hot paths hold it)
        self.last = -1  # where the last buffered failing call starts in q, for repeat counting
        self.wake = threading.Event()
        self.stopped = False
        self.broken = False
        self.sock = None
        self.thread = None

    def connect(self):
        # The raw C socket type: our own channel must not show up in the trace.
        import _socket

        s = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
        try:  # a large buffer: fewer wake-ups of netsim per batch (the kernel caps it at wmem_max)
            s.setsockopt(_socket.SOL_SOCKET, _socket.SO_SNDBUF, _CHANNEL_BUFFER)
        except OSError:
            pass
        s.connect(self.path)
        self.sock = s
        hello = {
            "hello": "netsim-trace",
            "version": PROTOCOL_VERSION,
            "token": self.token,
            "pid": os.getpid(),
            "ppid": os.getppid(),
            "python": sys.version.split()[0],
            "executable": sys.executable,
            "ssl": "plaintext of SSLSocket calls traced, marked tls",
        }
        self._write(json.dumps(hello).encode("utf-8"))
        # Daemon on purpose, and still joined: this thread lives in the *traced program*, whose
        # interpreter joins non-daemon threads before it runs atexit handlers, so a non-daemon
        # flusher would keep the program alive for ever; close() (an atexit handler) stops it,
        # flushes and joins it.
        self.thread = threading.Thread(target=self._run, name="netsim-trace-flush", daemon=True)
        self.thread.start()

    def _write(self, meta, parts=()):
        """One frame: header, meta, then the blob ``parts`` gathered by sendmsg (no join copy)."""
        if self.broken or self.sock is None:
            return
        bufs = [_HEADER.pack(len(meta), sum(map(len, parts))) + meta]
        bufs += parts
        try:
            with self.write_lock:
                sock = self.sock
                for i in range(0, len(bufs), _IOV_MAX):
                    group = bufs[i : i + _IOV_MAX]
                    sent = sock.sendmsg(group)
                    total = sum(map(len, group))
                    if sent < total:  # interrupted part way: send the rest plainly
                        sock.sendall(b"".join(group)[sent:])
        except OSError:
            self.broken = True  # netsim went away: the program goes on, untraced

    def _run(self):
        while not self.stopped:
            self.wake.wait(_FLUSH_S)
            self.wake.clear()
            try:
                self.flush()
            except Exception:  # a bug of ours must not grow the program's memory for ever
                self.broken = True
                _CHANNEL[0] = None  # the hot paths stop buffering
                del _Q[:]
                return

    def flush(self, lock_timeout=-1):
        """Send what is buffered now (records appended meanwhile wait for the next flush), a
        frame at a time."""
        if not self.flush_lock.acquire(timeout=lock_timeout):
            return
        try:
            self._flush(lock_timeout)
        finally:
            self.flush_lock.release()

    def _flush(self, lock_timeout):
        # Successful calls are appended without the lock (one list.extend of a whole record,
        # atomic); taking them under the lock keeps a failing call's repeat count from racing
        # the flusher.  What is buffered is taken at once, cut into frames, and removed from q
        # in one deletion (deleting a frame at a time from the front moved every record behind
        # it each time); each frame's references are dropped once it is sent.
        q = self.q
        step = _FRAME_RECORDS * _W
        if not self.lock.acquire(timeout=lock_timeout):
            return
        try:
            take = len(q)
            frames = [q[i : i + step] for i in range(0, take, step)]
            del q[:take]
            last = self.last
            self.last = last - take if last >= take else -1
        finally:
            self.lock.release()
        frames.reverse()  # taken from the end: in order
        while frames:
            items = frames.pop()
            if self.broken or self.sock is None:
                continue  # netsim went away: nothing to encode for (the records are dropped)
            meta, parts = _encode(items)
            del items
            self._write(meta, parts)
            del parts

    def put(self, call, t_ns, fd, arg, result, data, error, extra, tid=None, via=None):
        if tid is None:
            tid = _get_ident()
            via = _mode.get(tid)
        if via is not None:
            extra = dict(extra or {}, via=via)
        nbytes = -1 if data is None else len(data)
        q = self.q
        if error is None:
            q.extend((call, t_ns, tid, fd, arg, result, nbytes, None, extra, 1, data))
            if len(q) >= _FLUSH_RECORDS * _W:
                self.wake.set()
            return
        with self.lock:  # the flusher cannot take records meanwhile; the hot paths only append
            at = self.last
            if (
                at >= 0
                and len(q) == at + _W  # nothing else recorded since: still the same busy loop
                and q[at + 7] == error
                and q[at] == call
                and q[at + 3] == fd
                and q[at + 2] == tid
                and error.split(":", 1)[0] in _RETRY_ERRORS
            ):
                q[at + 9] += 1  # a busy loop retrying: one record, counted
                return
            q.extend((call, t_ns, tid, fd, arg, result, nbytes, error, extra, 1, data))
            at = len(q) - _W
            while q[at + 1] is not t_ns:  # another thread appended right after ours
                at -= _W
            self.last = at

    def reset_after_fork(self):
        self.lock = threading.Lock()
        self.flush_lock = threading.Lock()
        self.write_lock = threading.Lock()
        del _Q[:]  # the parent's records are the parent's to send
        self.last = -1
        self.wake = threading.Event()
        if self.sock is not None:
            try:
                self.sock.close()
            except OSError:
                pass
        self.sock = None
        self.broken = False
        try:
            self.connect()
        except OSError:
            self.broken = True
            _CHANNEL[0] = None  # no flusher in this child: the hot paths must not buffer for ever
            return
        self._record_inherited()

    def _record_inherited(self):
        """A forked child holds its parent's sockets under the same fds: say what each one is."""
        import _socket

        try:
            fds = [int(x) for x in os.listdir("/proc/self/fd")]
        except (OSError, ValueError):
            return  # no /proc: the child's calls are still recorded, without addresses
        own = self.sock.fileno() if self.sock is not None else -1
        for fd in sorted(fds):
            if fd == own:
                continue
            try:
                s = _socket.socket(fileno=fd)
            except OSError:
                continue  # not a socket
            try:
                extra = {"family": int(s.family), "type": int(s.type)}
                extra.update(_names(s))
            finally:
                s.detach()
            self.put("inherited", _mono(), fd, None, None, None, None, extra)

    def close(self, join_timeout=30.0, lock_timeout=-1):
        self.stopped = True
        self.wake.set()
        t = self.thread
        if t is not None and t is not threading.current_thread() and t.is_alive():
            t.join(join_timeout)  # it may hold a batch it took but has not written yet
        self.flush(lock_timeout)
        if self.sock is not None:
            try:
                self.sock.close()
            except OSError:
                pass
            self.sock = None


def _encode(items):
    """One frame for these flat records: the meta as columns, then the blob's parts.

    A busy sender's records differ mostly in their time: a column with one value all through is
    sent once; the integer columns (times, thread ids, fds, byte counts…) are packed as 64-bit
    integers in the blob (one C call each, no text); the rest is JSON (built in C).  The data
    bytes follow in the blob, in order, as the very objects the program sent or received.
    """
    n = len(items) // _W
    meta: list[Any] = []
    packed: list[Any] = []
    for index in range(_W - 1):
        col = items[index::_W]
        first = col[0]
        kind = type(first)
        constant = (
            (first is None or kind is str or kind is int or kind is bool)
            and col[-1] == first  # times differ: most columns fail here, without a scan
            and col.count(first) == n
        )
        # 1 == True == 1.0: a constant 0 or 1, a bool, or the arg column (settimeout's floats)
        # must also be one type all through; other ints and strings cannot be equal to another type.
        if constant and not (
            first is None
            or kind is str
            or index == 9  # repeat: counts of ours, ints only
            or (kind is int and index != 4 and first not in (0, 1))
        ):
            constant = len(set(map(type, col))) == 1
        if constant:
            meta.append({"all": first})
            continue
        if index in _PACKED:
            # Only ints reach these columns (bools never do); a None result, or anything odd,
            # is refused by struct and the column goes as JSON.  (struct converts faster than
            # array('q', col), which parses every item as an argument.)
            try:
                packed.append(struct.pack(f"<{n}q", *col))
            except (struct.error, TypeError, OverflowError):
                pass
            else:
                meta.append({"i64": 1})
                continue
        meta.append(col)
    # default=repr: an odd value (an address family's own type) must not stop the recording
    text = json.dumps({"n": n, "cols": meta, "order": "little"}, separators=(",", ":"), default=repr)
    # None (no data) and b"" add no bytes to the blob
    packed += filter(None, items[_W - 1 :: _W])
    return text.encode("utf-8"), packed


_CHANNEL: list[_Channel | None] = [None]
_Q: list[Any] = []  # the buffered records, _W values each
_SSL_TRACED = [False]


def _put(call, t_ns, fd, arg, result, data, error, extra):
    ch = _CHANNEL[0]
    if ch is not None:
        ch.put(call, t_ns, fd, arg, result, data, error, extra)


def _err(exc):
    text = str(exc)
    return type(exc).__name__ + (": " + text if text else "")


def _addr(a):
    if isinstance(a, tuple) and len(a) >= 2:
        return [str(a[0]), a[1] if isinstance(a[1], int) else str(a[1])]
    if isinstance(a, bytes):
        return a.decode("utf-8", "backslashreplace")
    return str(a)


def _names(sock):
    out = {}
    try:
        out["local"] = _addr(sock.getsockname())
    except OSError:
        pass
    try:
        out["peer"] = _addr(sock.getpeername())
    except OSError:
        pass
    return out


def _as_bytes(buf, n):
    """The first ``n`` bytes of any bytes-like object, as bytes (a copy only when needed)."""
    if type(buf) is bytes and (n is None or n == len(buf)):
        return buf
    mv = memoryview(buf)
    if mv.format != "B" or mv.ndim != 1:
        mv = mv.cast("B")
    return bytes(mv if n is None else mv[:n])


def _fileno(sock):
    try:
        return sock.fileno()
    except Exception:
        return -1


def _inside():
    return _mode.get(_get_ident()) == _INSIDE


# ------------------------------------------------------------------------- socket.socket
_orig: dict[str, Any] = {}


def _wrap_socket_class():
    S = _o_socket
    for name in (
        "__init__",
        "bind",
        "listen",
        "accept",
        "connect",
        "connect_ex",
        "send",
        "sendall",
        "sendto",
        "sendmsg",
        "recv",
        "recv_into",
        "recvfrom",
        "recvfrom_into",
        "recvmsg",
        "recvmsg_into",
        "shutdown",
        "close",
        "detach",
        "setblocking",
        "settimeout",
    ):
        if hasattr(S, name):
            _orig[name] = getattr(S, name)

    o = _orig

    def __init__(self, *args, **kwargs):
        if not _SSL_TRACED[0] and "ssl" in sys.modules:
            _wrap_ssl()  # ssl imported by now: every SSLSocket is made through here, so none is missed
        o["__init__"](self, *args, **kwargs)
        if _inside():
            return
        extra = {"family": int(self.family), "type": int(self.type)}
        if kwargs.get("fileno") is not None or len(args) >= 4:
            extra["from_fd"] = True
        _put("socket", _mono(), _fileno(self), None, _fileno(self), None, None, extra)

    def bind(self, address):
        t = _mono()
        try:
            o["bind"](self, address)
        except BaseException as e:
            _put("bind", t, _fileno(self), _addr(address), None, None, _err(e), None)
            raise
        _put("bind", t, _fileno(self), _addr(address), None, None, None, _names(self))

    def listen(self, *args):
        t = _mono()
        try:
            o["listen"](self, *args)
        except BaseException as e:
            _put("listen", t, _fileno(self), list(args), None, None, _err(e), None)
            raise
        _put("listen", t, _fileno(self), list(args), None, None, None, _names(self))

    def accept(self):
        t = _mono()
        try:
            conn, addr = o["accept"](self)
        except BaseException as e:
            _put("accept", t, _fileno(self), None, None, None, _err(e), None)
            raise
        extra = _names(conn)
        extra.setdefault("peer", _addr(addr))
        _put("accept", t, _fileno(self), None, _fileno(conn), None, None, extra)
        return conn, addr

    def connect(self, address):
        t = _mono()
        try:
            o["connect"](self, address)
        except BaseException as e:
            extra = _names(self)
            extra.setdefault("peer", _addr(address))
            _put("connect", t, _fileno(self), _addr(address), None, None, _err(e), extra)
            raise
        extra = _names(self)
        extra.setdefault("peer", _addr(address))
        _put("connect", t, _fileno(self), _addr(address), None, None, None, extra)

    def connect_ex(self, address):
        t = _mono()
        try:
            r = o["connect_ex"](self, address)
        except BaseException as e:
            _put("connect_ex", t, _fileno(self), _addr(address), None, None, _err(e), None)
            raise
        extra = _names(self)
        extra.setdefault("peer", _addr(address))
        _put("connect_ex", t, _fileno(self), _addr(address), r, None, None, extra)
        return r

    # The hot paths (send, sendall, recv) look up as little as possible per call, and append
    # their record (the _W values) to the flat buffer in one C call.
    o_send, o_sendall, o_recv = o["send"], o["sendall"], o["recv"]
    get_ident, mode, mode_get, mono, ch_box, q_extend = (
        _get_ident,
        _mode,
        _mode.get,
        _mono,
        _CHANNEL,
        _Q.extend,
    )
    INSIDE = _INSIDE

    def send(self, data, *args):
        tid: int | None = None  # the thread id is taken only if the call is recorded...
        via = None
        if mode:  # ...or a makefile() or SSL call is under way in some thread (mostly none)
            tid = get_ident()
            via = mode_get(tid)
            if via == INSIDE:
                return o_send(self, data, *args)
        t = mono()
        try:
            n = o_send(self, data, *args) if args else o_send(self, data)
        except BaseException as e:
            _put("send", t, _fileno(self), None, None, None, _err(e), None)
            raise
        if ch_box[0] is not None:
            b = data if type(data) is bytes and n == len(data) else _as_bytes(data, n)
            if tid is None:
                tid = get_ident()
            q_extend(("send", t, tid, self.fileno(), None, n, n, None, via and {"via": via}, 1, b))
        return n

    def sendall(self, data, *args):
        tid: int | None = None  # the thread id is taken only if the call is recorded...
        via = None
        if mode:  # ...or a makefile() or SSL call is under way in some thread (mostly none)
            tid = get_ident()
            via = mode_get(tid)
            if via == INSIDE:
                return o_sendall(self, data, *args)
        t = mono()
        try:
            r = o_sendall(self, data, *args) if args else o_sendall(self, data)
        except BaseException as e:
            # How much went out before the error is not known (CPython does not say).
            _put("sendall", t, _fileno(self), None, None, _as_bytes(data, None), _err(e), {"partial": True})
            raise
        if ch_box[0] is not None:
            b = data if type(data) is bytes else _as_bytes(data, None)
            n = len(b)
            if tid is None:
                tid = get_ident()
            q_extend(("sendall", t, tid, self.fileno(), None, n, n, None, via and {"via": via}, 1, b))
        return r

    def sendto(self, data, *args):
        if _inside():
            return o["sendto"](self, data, *args)
        t = _mono()
        address = args[-1] if args else None
        try:
            n = o["sendto"](self, data, *args)
        except BaseException as e:
            _put("sendto", t, _fileno(self), _addr(address), None, None, _err(e), None)
            raise
        extra = _names(self) if address is not None else None
        _put("sendto", t, self.fileno(), _addr(address), n, _as_bytes(data, n), None, extra)
        return n

    def sendmsg(self, buffers, *args):
        if _inside():
            return o["sendmsg"](self, buffers, *args)
        t = _mono()
        buffers = list(buffers)
        address = args[2] if len(args) >= 3 else None
        try:
            n = o["sendmsg"](self, buffers, *args)
        except BaseException as e:
            _put("sendmsg", t, _fileno(self), _addr(address) if address else None, None, None, _err(e), None)
            raise
        whole = b"".join(_as_bytes(b, None) for b in buffers)
        extra = _names(self) if address is not None else None
        _put("sendmsg", t, self.fileno(), _addr(address) if address else None, n, whole[:n], None, extra)
        return n

    def recv(self, bufsize, *args):
        tid: int | None = None  # the thread id is taken only if the call is recorded...
        via = None
        if mode:  # ...or a makefile() or SSL call is under way in some thread (mostly none)
            tid = get_ident()
            via = mode_get(tid)
            if via == INSIDE:
                return o_recv(self, bufsize, *args)
        t = mono()
        try:
            data = o_recv(self, bufsize, *args) if args else o_recv(self, bufsize)
        except BaseException as e:
            _put("recv", t, _fileno(self), bufsize, None, None, _err(e), None)
            raise
        if ch_box[0] is not None:
            n = len(data)
            if tid is None:
                tid = get_ident()
            q_extend(("recv", t, tid, self.fileno(), bufsize, n, n, None, via and {"via": via}, 1, data))
        return data

    def recv_into(self, buffer, *args):
        if _inside():
            return o["recv_into"](self, buffer, *args)
        t = _mono()
        try:
            n = o["recv_into"](self, buffer, *args)
        except BaseException as e:
            _put("recv_into", t, _fileno(self), args[0] if args else None, None, None, _err(e), None)
            raise
        size = args[0] if args and args[0] else memoryview(buffer).nbytes
        _put("recv_into", t, self.fileno(), size, n, _as_bytes(buffer, n), None, None)
        return n

    def recvfrom(self, bufsize, *args):
        if _inside():
            return o["recvfrom"](self, bufsize, *args)
        t = _mono()
        try:
            data, address = o["recvfrom"](self, bufsize, *args)
        except BaseException as e:
            _put("recvfrom", t, _fileno(self), bufsize, None, None, _err(e), None)
            raise
        extra = dict(_names(self), peer=_addr(address))
        _put("recvfrom", t, self.fileno(), bufsize, len(data), data, None, extra)
        return data, address

    def recvfrom_into(self, buffer, *args):
        if _inside():
            return o["recvfrom_into"](self, buffer, *args)
        t = _mono()
        try:
            n, address = o["recvfrom_into"](self, buffer, *args)
        except BaseException as e:
            _put("recvfrom_into", t, _fileno(self), None, None, None, _err(e), None)
            raise
        extra = dict(_names(self), peer=_addr(address))
        size = args[0] if args and args[0] else memoryview(buffer).nbytes
        _put("recvfrom_into", t, self.fileno(), size, n, _as_bytes(buffer, n), None, extra)
        return n, address

    def recvmsg(self, bufsize, *args):
        if _inside():
            return o["recvmsg"](self, bufsize, *args)
        t = _mono()
        try:
            result = o["recvmsg"](self, bufsize, *args)
        except BaseException as e:
            _put("recvmsg", t, _fileno(self), bufsize, None, None, _err(e), None)
            raise
        data, _anc, msg_flags, address = result
        extra = {"msg_flags": msg_flags}
        if address is not None:
            extra.update(_names(self), peer=_addr(address))
        _put("recvmsg", t, self.fileno(), bufsize, len(data), data, None, extra)
        return result

    def recvmsg_into(self, buffers, *args):
        if _inside():
            return o["recvmsg_into"](self, buffers, *args)
        t = _mono()
        buffers = list(buffers)
        try:
            result = o["recvmsg_into"](self, buffers, *args)
        except BaseException as e:
            _put("recvmsg_into", t, _fileno(self), None, None, None, _err(e), None)
            raise
        n, _anc, msg_flags, address = result
        whole = b"".join(_as_bytes(b, None) for b in buffers)[:n]
        extra = {"msg_flags": msg_flags}
        if address is not None:
            extra.update(_names(self), peer=_addr(address))
        _put("recvmsg_into", t, self.fileno(), len(whole), n, whole, None, extra)
        return result

    def shutdown(self, how):
        t = _mono()
        try:
            o["shutdown"](self, how)
        except BaseException as e:
            _put("shutdown", t, _fileno(self), how, None, None, _err(e), None)
            raise
        _put("shutdown", t, _fileno(self), how, None, None, None, None)

    def close(self):
        fd = _fileno(self)
        t = _mono()
        o["close"](self)
        if fd >= 0 and not _inside():
            # socket.close() closes the fd only when no makefile() object still uses it.
            _put("close", t, fd, None, None, None, None, {"closed": _fileno(self) < 0})

    def detach(self):
        fd = _fileno(self)
        r = o["detach"](self)
        if not _inside():
            _put("detach", _mono(), fd, None, r, None, None, None)
        return r

    def setblocking(self, flag):
        o["setblocking"](self, flag)
        if not _inside():
            _put("setblocking", _mono(), _fileno(self), bool(flag), None, None, None, None)

    def settimeout(self, value):
        o["settimeout"](self, value)
        if not _inside():
            _put("settimeout", _mono(), _fileno(self), value, None, None, None, None)

    wrappers = dict(locals())
    for name in list(_orig):
        w = wrappers[name]
        w.__name__ = name
        w.__qualname__ = "socket." + name
        w.__doc__ = getattr(_orig[name], "__doc__", None)
        setattr(S, name, w)

    # makefile(): SocketIO.readinto/write call recv_into/send; tag those records.
    SocketIO = getattr(socket, "SocketIO", None)
    if SocketIO is not None:
        o_readinto, o_write = SocketIO.readinto, SocketIO.write

        def readinto(self, b):
            tid = _get_ident()
            prev = _mode.get(tid)
            _mode[tid] = _MAKEFILE
            try:
                return o_readinto(self, b)
            finally:
                _restore(tid, prev)

        def write(self, b):
            tid = _get_ident()
            prev = _mode.get(tid)
            _mode[tid] = _MAKEFILE
            try:
                return o_write(self, b)
            finally:
                _restore(tid, prev)

        SocketIO.readinto = readinto
        SocketIO.write = write


def _restore(tid, prev):
    if prev is None:
        _mode.pop(tid, None)
    else:
        _mode[tid] = prev


# ------------------------------------------------------------------------------ ssl
def _wrap_ssl():
    """Record the plaintext of SSLSocket's own send/recv calls (marked ``tls``)."""
    _SSL_TRACED[0] = True
    ssl = sys.modules.get("ssl")
    C = getattr(ssl, "SSLSocket", None)
    if C is None:
        return
    sends = ("send", "sendall", "write")
    recvs = ("recv", "recv_into", "read")

    def make(name, orig):
        def traced(self, *args, **kwargs):
            tid = _get_ident()
            prev = _mode.get(tid)
            if prev == _INSIDE:
                return orig(self, *args, **kwargs)
            t = _mono()
            _mode[tid] = _INSIDE
            try:
                r = orig(self, *args, **kwargs)
            except BaseException as e:
                _restore(tid, prev)
                _put(name, t, _fileno(self), None, None, None, _err(e), {"tls": True})
                raise
            _restore(tid, prev)
            fd = _fileno(self)
            if name in sends:
                data = args[0] if args else kwargs.get("data", b"")
                n = r if isinstance(r, int) else None
                b = _as_bytes(data, n)
                _put(name, t, fd, None, len(b), b, None, {"tls": True})
            elif isinstance(r, int):  # recv_into / read(len, buffer)
                buf = (
                    args[1]
                    if name == "read" and len(args) > 1
                    else (args[0] if args else kwargs.get("buffer"))
                )
                _put(name, t, fd, None, r, _as_bytes(buf, r), None, {"tls": True})
            else:
                _put(name, t, fd, args[0] if args else None, len(r), bytes(r), None, {"tls": True})
            return r

        traced.__name__ = name
        traced.__doc__ = getattr(orig, "__doc__", None)
        return traced

    for name in sends + recvs:
        orig = getattr(C, name, None)
        if orig is not None:
            setattr(C, name, make(name, orig))


# --------------------------------------------------------------------------- running
def _strip_our_frames(tb):
    here = os.path.abspath(__file__)
    runpy_file = os.path.abspath(runpy.__file__)
    while tb is not None and os.path.abspath(tb.tb_frame.f_code.co_filename) in (here, runpy_file):
        tb = tb.tb_next
    return tb


def _on_sigterm(signum, frame):
    ch = _CHANNEL[0]
    if ch is not None:
        ch.close(join_timeout=1.0, lock_timeout=0.5)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    os.kill(os.getpid(), signal.SIGTERM)


def _usage(message):
    sys.stderr.write("netsim trace launcher: " + message + "\n")
    sys.stderr.write("usage: python launcher.py SCRIPT [ARGS...] | -m MODULE [ARGS...] | -c CODE [ARGS...]\n")
    return 2


def main(argv):
    if not argv:
        return _usage("nothing to run")
    path = os.environ.pop(ENV_SOCKET, None)
    token = os.environ.pop(ENV_TOKEN, "")
    if not path:
        return _usage(ENV_SOCKET + " is not set: run programs through `netsim trace`")

    here = os.path.dirname(os.path.abspath(__file__))
    # Our own directory must not be importable by the program (it is sys.path[0] now).
    if sys.path and sys.path[0] and os.path.abspath(sys.path[0]) == here:
        del sys.path[0]
    safe_path = getattr(sys.flags, "safe_path", False) or sys.flags.isolated

    mode, target, rest = "script", argv[0], argv[1:]
    if argv[0] in ("-m", "-c"):
        if len(argv) < 2:
            return _usage("argument expected for " + argv[0])
        mode, target, rest = argv[0], argv[1], argv[2:]
    if mode == "script" and not os.path.exists(target):
        sys.stderr.write(
            f"{sys.executable}: can't open file {target!r}: [Errno 2] No such file or directory\n"
        )
        return 2

    _wrap_socket_class()
    channel = _Channel(path, token)
    try:
        channel.connect()
    except OSError as exc:
        sys.stderr.write(f"netsim trace launcher: cannot reach netsim at {path}: {exc}\n")
        return 2
    _CHANNEL[0] = channel
    atexit.register(channel.close)
    if hasattr(os, "register_at_fork"):
        os.register_at_fork(
            before=lambda: _CHANNEL[0] is not None and _CHANNEL[0].flush(),
            after_in_child=lambda: _CHANNEL[0] is not None and _CHANNEL[0].reset_after_fork(),
        )
    # A forked child (socketserver.ForkingMixIn, multiprocessing's fork) leaves by os._exit,
    # which skips atexit: flush what it recorded first.
    o_exit = os._exit

    def _exit(status):
        ch = _CHANNEL[0]
        if ch is not None:
            try:
                ch.close()
            except Exception:
                pass
        o_exit(status)

    _exit.__doc__ = o_exit.__doc__
    os._exit = _exit
    if signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _on_sigterm)

    try:
        if mode == "-m":
            sys.argv = [target, *rest]
            if not safe_path:
                sys.path.insert(0, os.getcwd())
            runpy.run_module(target, run_name="__main__", alter_sys=True)
        elif mode == "-c":
            sys.argv = ["-c", *rest]
            if not safe_path:
                sys.path.insert(0, "")
            import types

            # A fresh __main__, as `python -c` has: our own globals stay out of its reach.
            main_module = types.ModuleType("__main__")
            main_module.__dict__["__builtins__"] = __builtins__
            sys.modules["__main__"] = main_module
            exec(compile(target, "<string>", "exec"), main_module.__dict__)
        else:
            sys.argv = [target, *rest]
            if not safe_path:
                sys.path.insert(0, os.path.dirname(os.path.abspath(target)))
            runpy.run_path(target, run_name="__main__")
    except SystemExit:
        raise
    except BaseException as exc:
        tb = _strip_our_frames(exc.__traceback__)
        exc.__traceback__ = tb  # the hook prints the exception's own traceback on newer Pythons
        if isinstance(exc, KeyboardInterrupt):
            traceback.print_exception(type(exc), exc, tb)
            channel.close()
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            os.kill(os.getpid(), signal.SIGINT)
            return 130
        sys.excepthook(type(exc), exc, tb)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
