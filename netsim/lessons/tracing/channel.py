"""netsim's end of the private channel: a UNIX socket the launchers report to, and a queue.

One reader thread accepts every launcher's connection and cuts its byte stream into frames;
frames (and strace's output lines, from their own reader threads) go into a
:class:`SpillQueue`, which holds them in memory up to a bound and past it in a temporary file.
So a slow viewer never blocks a traced program and nothing is dropped.  Parsing happens on the
consumer's side, when it drains the queue.
"""

from __future__ import annotations

import collections
import errno
import mmap
import os
import secrets
import selectors
import socket
import struct
import tempfile
import threading
from dataclasses import dataclass, field

from netsim.lessons.tracing.launcher import ENV_SOCKET, ENV_TOKEN

try:
    import fcntl
except ImportError:  # pragma: no cover - not on Windows
    fcntl = None  # type: ignore[assignment]

MAX_META_BYTES = 64 * 1024 * 1024
MAX_BLOB_BYTES = 256 * 1024 * 1024
SPILL_BOUND_BYTES = 64 * 1024 * 1024
_HEADER = struct.Struct(">II")
_ITEM = struct.Struct(">BiI")  # tag, source, payload length (in the spill file)
_POLL_S = 0.05
_ALIGN = 4096  # direct I/O: buffer address, file offset and length in multiples of this

TAG_FRAME = 1  # one launcher frame, header included
TAG_HELLO = 2  # a launcher connected: payload = its hello JSON
TAG_CLOSED = 3  # a launcher's connection ended: payload = an error text, or empty
TAG_STRACE = 4  # one line of strace output (source = program index)


@dataclass(frozen=True, slots=True)
class Item:
    tag: int
    source: int  # launcher connection number, or the program index for strace lines
    payload: bytes | bytearray


STAGE_AT = _ITEM.size  # where an item's payload starts in a stage buffer


def _padded_size(n: int) -> int:
    return -(-(STAGE_AT + n) // _ALIGN) * _ALIGN


def stage_buffer(n: int) -> mmap.mmap:
    """A page-aligned buffer for a payload of up to ``n`` bytes at :data:`STAGE_AT`, its header
    in front: what a spilled item is written from."""
    return mmap.mmap(-1, _padded_size(n))  # anonymous memory is page-aligned


class _SpillFile:
    """An unlinked temporary file of queue items, written with direct I/O where the system has it.

    Through the page cache, spilling a few hundred megabytes cost netsim more CPU than anything
    else during a fast run (every byte copied into freshly allocated cache pages, 0.4 s per
    136 MiB on the 2-core VM this was measured on) - CPU the traced programs then lacked.
    ``O_DIRECT`` writes go to the disk from one page-aligned buffer reused for every item, so
    each item starts at a multiple of :data:`_ALIGN` (padded).  Items are read back through a
    second, ordinary descriptor.  Without O_DIRECT (macOS, tmpfs), plain unpadded writes.
    """

    def __init__(self) -> None:
        fd, path = tempfile.mkstemp(prefix="netsim-trace-spill-", suffix=".bin")
        try:
            self._rfd = os.open(path, os.O_RDONLY)
        except OSError:
            os.close(fd)
            raise
        finally:
            os.unlink(path)  # nothing left behind, however the run ends
        self._wfd = fd
        self._padded = False
        direct = getattr(os, "O_DIRECT", 0)
        if direct and fcntl is not None:
            try:
                fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) | direct)
                self._padded = True
            except OSError:
                pass
        self._buf: mmap.mmap | None = None
        self.written = 0

    def append(self, tag: int, source: int, payload: bytes | bytearray | memoryview) -> None:
        n = len(payload)
        if not self._padded:
            self._write_all(_ITEM.pack(tag, source, n), self.written)
            self._write_all(payload, self.written + _ITEM.size)
            self.written += _ITEM.size + n
            return
        size = _padded_size(n)
        buf = self._buf
        if buf is None or len(buf) < size:
            if buf is not None:
                buf.close()
            buf = self._buf = stage_buffer(max(n, 4 << 20))
        _ITEM.pack_into(buf, 0, tag, source, n)
        buf[STAGE_AT : STAGE_AT + n] = payload
        with memoryview(buf) as view:
            self._write_direct(view[:size])
        self.written += size

    def append_staged(self, tag: int, source: int, stage: mmap.mmap, n: int) -> None:
        """Append the item whose payload is ``stage[STAGE_AT : STAGE_AT + n]`` (see
        :func:`stage_buffer`): its header goes in front of it, and the page-aligned buffer is
        written as it is - no copy on our side."""
        if not self._padded:
            with memoryview(stage) as view:
                self.append(tag, source, view[STAGE_AT : STAGE_AT + n])
            return
        size = _padded_size(n)
        _ITEM.pack_into(stage, 0, tag, source, n)
        with memoryview(stage) as view:
            self._write_direct(view[:size])
        self.written += size

    def _write_direct(self, view: memoryview) -> None:
        try:
            self._write_all(view, self.written)
        except OSError as exc:
            if exc.errno != errno.EINVAL:
                raise
            # Direct I/O refused here (an odd block size): plain writes, same padded layout.
            flags = fcntl.fcntl(self._wfd, fcntl.F_GETFL)
            fcntl.fcntl(self._wfd, fcntl.F_SETFL, flags & ~getattr(os, "O_DIRECT", 0))
            self._write_all(view, self.written)

    def _write_all(self, data: bytes | bytearray | memoryview, offset: int) -> None:
        with memoryview(data) as view:
            while len(view):
                k = os.pwrite(self._wfd, view, offset)
                view = view[k:]
                offset += k

    def read(self, offset: int) -> tuple[Item, int]:
        """The item at ``offset`` and where the next one starts."""
        tag, source, n = _ITEM.unpack(os.pread(self._rfd, _ITEM.size, offset))
        payload = os.pread(self._rfd, n, offset + _ITEM.size)
        if len(payload) != n:
            raise OSError(errno.EIO, "the trace spill file ended early")
        return Item(tag, source, payload), offset + (_padded_size(n) if self._padded else _ITEM.size + n)

    def close(self) -> None:
        os.close(self._wfd)
        os.close(self._rfd)
        if self._buf is not None:
            self._buf.close()
            self._buf = None


class SpillQueue:
    """A FIFO of :class:`Item` that spills to a temporary file past ``bound_bytes`` in memory.

    ``put`` never blocks on the consumer.  Once anything is in the file, new items go there too
    (so order holds) until the consumer has read the file to its end.
    """

    def __init__(self, bound_bytes: int = SPILL_BOUND_BYTES) -> None:
        self._bound = bound_bytes
        self._lock = threading.Lock()
        self._mem: collections.deque[Item] = collections.deque()
        self._mem_bytes = 0
        self._file: _SpillFile | None = None
        self._file_read = 0
        self._file_written = 0
        self.spilled_items = 0
        self.nonempty = threading.Event()

    def spilling(self, nbytes: int) -> bool:
        """Would an item of ``nbytes`` go to the file now?  (A hint: the consumer may drain.)"""
        with self._lock:
            return self._file is not None or self._mem_bytes + nbytes > self._bound

    def put_staged(self, tag: int, source: int, stage: mmap.mmap, n: int) -> None:
        """Queue an item whose payload the caller read into ``stage`` (from :func:`stage_buffer`)
        and reuses once this returns: written to the file from there, or copied if it stays in
        memory."""
        self._put(tag, source, None, stage, n)

    def put(self, item: Item) -> None:
        self._put(item.tag, item.source, item, None, len(item.payload))

    def _put(self, tag: int, source: int, item: Item | None, stage: mmap.mmap | None, n: int) -> None:
        with self._lock:
            if self._file is None and self._mem_bytes + n <= self._bound:
                if item is None:
                    assert stage is not None
                    item = Item(tag, source, stage[STAGE_AT : STAGE_AT + n])
                self._mem.append(item)
                self._mem_bytes += n
            else:
                if self._file is None:
                    self._file = _SpillFile()
                    self._file_read = 0
                if item is not None:
                    self._file.append(tag, source, item.payload)
                else:
                    assert stage is not None
                    self._file.append_staged(tag, source, stage, n)
                self._file_written = self._file.written
                self.spilled_items += 1
            self.nonempty.set()

    def drain(self, max_bytes: int = 8 * 1024 * 1024) -> list[Item]:
        """Everything queued, in order (at most about ``max_bytes`` from the file at once)."""
        with self._lock:
            out = list(self._mem)
            self._mem.clear()
            self._mem_bytes = 0
            if self._file is not None:
                f = self._file
                taken = 0
                while self._file_read < self._file_written and taken < max_bytes:
                    item, self._file_read = f.read(self._file_read)
                    out.append(item)
                    taken += len(item.payload)
                if self._file_read >= self._file_written:
                    f.close()
                    self._file = None
            if self._file is None:
                self.nonempty.clear()
            return out

    def close(self) -> None:
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = None
            self._mem.clear()


@dataclass
class _Conn:
    number: int
    sock: socket.socket
    buf: bytearray = field(default_factory=bytearray)  # a frame header being read
    frame: bytearray | memoryview | None = None  # the frame being read, header included
    got: int = 0
    stage: mmap.mmap | None = None  # reused for frames that go straight to the spill file
    staged: bool = False  # the frame being read is in ``stage``
    hello: bool = False


class Collector:
    """The UNIX socket the launchers connect to, read by one thread."""

    def __init__(self, queue: SpillQueue) -> None:
        self.queue = queue
        self.token = secrets.token_hex(16)
        self._dir = tempfile.TemporaryDirectory(prefix="netsim-trace-")
        os.chmod(self._dir.name, 0o700)
        self.path = os.path.join(self._dir.name, "channel.sock")
        self._listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._listener.bind(self.path)
        self._listener.listen(64)
        self._listener.setblocking(False)
        self._sel = selectors.DefaultSelector()
        self._sel.register(self._listener, selectors.EVENT_READ, None)
        self._conns: dict[int, _Conn] = {}
        self._next = 0
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="netsim-trace-collector")
        self.error: str | None = None

    @property
    def env(self) -> dict[str, str]:
        return {ENV_SOCKET: self.path, ENV_TOKEN: self.token}

    def start(self) -> None:
        self._thread.start()

    @property
    def open_connections(self) -> int:
        with self._lock:
            return len(self._conns)

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                for key, _ in self._sel.select(_POLL_S):
                    if key.data is None:
                        self._accept()
                    else:
                        self._read(key.data)
        except Exception as exc:  # a bug here must not hang the run: say it, stop reading
            self.error = f"trace channel failed: {type(exc).__name__}: {exc}"
        finally:
            with self._lock:
                conns = list(self._conns.values())
                self._conns.clear()
            for c in conns:
                self._drop(c, "", locked=True)

    def _accept(self) -> None:
        while True:
            try:
                sock, _ = self._listener.accept()
            except BlockingIOError:
                return
            sock.setblocking(False)
            c = _Conn(self._next, sock)
            self._next += 1
            with self._lock:
                self._conns[c.number] = c
            self._sel.register(sock, selectors.EVENT_READ, c)

    def _read(self, c: _Conn) -> None:
        # The header first, then the whole frame read straight into its own buffer: the
        # payload bytes are copied once here, however large the frame.
        for _ in range(64):  # then let the other launchers have a turn
            try:
                if c.frame is None:
                    data = c.sock.recv(_HEADER.size - len(c.buf))
                    if not data:
                        self._drop(c, "" if not c.buf else "ended inside a frame header")
                        return
                    c.buf += data
                    if len(c.buf) < _HEADER.size:
                        continue
                    meta_len, blob_len = _HEADER.unpack_from(c.buf)
                    if meta_len > MAX_META_BYTES or blob_len > MAX_BLOB_BYTES:
                        self._drop(
                            c, f"frame too large ({meta_len} + {blob_len} bytes): not a netsim launcher"
                        )
                        return
                    size = _HEADER.size + meta_len + blob_len
                    if c.hello and self.queue.spilling(size):
                        # Bound for the spill file: read it into a buffer kept for the purpose,
                        # from which the file is written (rather than fresh memory, megabytes
                        # zeroed and faulted in per frame, then copied again).
                        if c.stage is None or len(c.stage) < STAGE_AT + size:
                            if c.stage is not None:
                                c.stage.close()
                            c.stage = stage_buffer(size)
                        c.frame, c.staged = memoryview(c.stage)[STAGE_AT : STAGE_AT + size], True
                    else:
                        c.frame, c.staged = bytearray(size), False
                    c.frame[: _HEADER.size] = c.buf
                    c.got = _HEADER.size
                    c.buf.clear()
                if c.got < len(c.frame):
                    n = c.sock.recv_into(c.frame[c.got :] if c.staged else memoryview(c.frame)[c.got :])
                    if n == 0:
                        self._drop(c, f"ended inside a frame ({len(c.frame) - c.got} bytes missing)")
                        return
                    c.got += n
                if c.got == len(c.frame):
                    self._frame_done(c)
                    if c.sock.fileno() < 0:
                        return
            except BlockingIOError:
                return
            except OSError as exc:
                self._drop(c, f"read failed: {exc}")
                return

    def _frame_done(self, c: _Conn) -> None:
        frame, c.frame, c.got = c.frame, None, 0
        assert frame is not None
        if not c.hello:
            meta = bytes(frame[_HEADER.size :])
            if self.token.encode() not in meta:
                self._drop(c, "refused: wrong or missing token")
                return
            c.hello = True
            self.queue.put(Item(TAG_HELLO, c.number, meta))
        else:
            if isinstance(frame, memoryview):
                n = len(frame)
                frame.release()
                assert c.stage is not None
                self.queue.put_staged(TAG_FRAME, c.number, c.stage, n)
            else:
                self.queue.put(Item(TAG_FRAME, c.number, frame))

    def _drop(self, c: _Conn, why: str, *, locked: bool = False) -> None:
        if not locked:
            with self._lock:
                self._conns.pop(c.number, None)
        try:
            self._sel.unregister(c.sock)
        except (KeyError, ValueError):
            pass
        c.sock.close()
        if isinstance(c.frame, memoryview):
            c.frame.release()
        c.frame = None
        if c.stage is not None:
            c.stage.close()
            c.stage = None
        if c.hello or why:
            self.queue.put(Item(TAG_CLOSED, c.number, why.encode()))

    def close(self) -> None:
        self._stop.set()
        if self._thread.is_alive() or self._thread.ident is not None:
            self._thread.join(5.0)
            if self._thread.is_alive():
                raise RuntimeError("the trace collector thread did not stop")
        self._sel.close()
        self._listener.close()
        self._dir.cleanup()
