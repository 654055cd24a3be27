"""Compact, append-only storage for a run's events.

A million-message run emits millions of events.  Kept as Python objects they cost ~250 bytes
each (the object, its ints, its bytes); kept here, the hot kinds (``BytesSent``,
``BytesReceived``, ``FrameDecoded``, ``QueueSampled``) are kept as columns - one ``array`` per
field, ~25-30 bytes an event - their ``bytes`` fields in one shared ``bytearray``, and their
``str`` fields (``endpoint``, ``queue``) as numbers into a small table.  Any other event is kept as the object
it is (they are few: calls, errors, the start and the end of a run).

Events come back as ordinary frozen dataclasses, made on demand when they are iterated or
indexed, so everything downstream (analysis, export, views) sees the same objects as before.

Columns start narrow (1-byte ints and string codes) and a column is copied one step wider
(2, 4, then 8 bytes) the first time a value does not fit it; a value that fits no width (not an
int at all, an int past 64 bits) keeps its event as an object, so nothing is lost or changed.

Three fields are kept as differences, which are small where the values are not:

* ``t_ns`` (and the counters ``msg_id``, ``index``): minus a base kept per block of
  ``_BLOCK`` rows of the table - the block's first value (counters: minus the row's place in
  the block too, so 0, 1, 2 ... is stored as 0, 0, 0 ...).  Nanosecond times then take 4 bytes
  instead of 8, message numbers 1 instead of 4.
* ``end``: minus ``start`` of the same row (a size, 1 byte for small messages).

A row is still read on its own (no running sums); a value whose difference fits no width keeps
its event as an object, like any value that fits no width.

Thread safety: :class:`EventStore` itself takes no lock; :class:`~netsim.core.recorder.Recorder`
appends under its lock.  Readers of rows that already exist need no lock: rows are only ever
appended, and a widened column is published in one assignment (a reader sees old or new).
"""

from __future__ import annotations

import dataclasses
import operator
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice
from typing import Any, overload

from netsim.core.events import BytesReceived, BytesSent, Event, FrameDecoded, QueueSampled

#: Event classes stored as packed rows (the rest are kept as objects).
COMPACT_TYPES: tuple[type[Event], ...] = (BytesSent, BytesReceived, FrameDecoded, QueueSampled)

_OBJECT = 0  # order code of an event kept as an object
_CHECKPOINT = 4096  # every this many events, remember how many rows each table had
_BLOCK_BITS = 12
_BLOCK = 1 << _BLOCK_BITS  # rows per base of a field kept as a difference from it
_Q_MIN, _Q_MAX = -(2**63), 2**63 - 1
# Fields kept minus their block's base (the value: how much more each row in the block adds).
_BASED = {"t_ns": 0, "msg_id": 1, "index": 1}

# Per field annotation, the array typecodes a column may use, narrowest first.  A column starts
# at the first and moves one step wider the first time a value does not fit.
_LADDERS = {"int": ("b", "h", "i", "q"), "str": ("B", "H", "I"), "bool": ("b",), "bytes": ("I", "Q")}


def packable(cls: type[Event]) -> bool:
    """Can ``cls`` be stored as columns (every field an int, str, bool or bytes)?"""
    return all(str(f.type) in _LADDERS for f in dataclasses.fields(cls))


class _Table:
    """The events of one class as columns: one ``array`` per field.

    ``str`` fields hold numbers into ``strings``; ``bytes`` fields hold where their bytes end in
    ``data`` (they start where the previous bytes field ended); ``bool`` fields hold 0/1.
    """

    def __init__(self, cls: type[Event]) -> None:
        fields = dataclasses.fields(cls)
        self.cls = cls
        self.types = [str(f.type) for f in fields]
        self.names = [f.name for f in fields]
        self.index = {name: i for i, name in enumerate(self.names)}
        self._get: Callable[[Event], tuple[Any, ...]] = operator.attrgetter(*self.names)
        self.str_fields = [i for i, t in enumerate(self.types) if t == "str"]
        self.bytes_fields = [i for i, t in enumerate(self.types) if t == "bytes"]
        self.bool_fields = [i for i, t in enumerate(self.types) if t == "bool"]
        self.strings: list[str] = []
        self._codes: dict[str, int] = {}
        self.data = bytearray()  # every bytes field of every row, one after another
        ints = [i for i, t in enumerate(self.types) if t == "int"]
        # field -> slope: stored as value - bases[field][row >> _BLOCK_BITS] - slope * (row % _BLOCK)
        self.based = {i: _BASED[self.names[i]] for i in ints if self.names[i] in _BASED}
        self.bases: dict[int, array[int]] = {i: array("q") for i in self.based}
        # field -> field: stored as value - the other field's value (end - start)
        self.minus: dict[int, int] = {}
        if (
            "end" in self.index
            and "start" in self.index
            and {self.index["start"], self.index["end"]} <= set(ints)
        ):
            self.minus[self.index["end"]] = self.index["start"]
        # times are nanoseconds apart within a block: they start at 4 bytes
        self.steps = [2 if name == "t_ns" else 0 for name in self.names]
        self.cols: list[array[Any]] = [
            array(_LADDERS[t][s]) for t, s in zip(self.types, self.steps, strict=True)
        ]
        self._count = [0]  # rows stored (a list: the compiled fast path adds to it)
        self._fast: Callable[[Event], bool] = self._append_slow
        self._compile()

    def append(self, event: Event) -> bool:
        """Store ``event`` as a row; False (nothing stored) if one of its values does not fit.

        This is the hot path of every run, so it is a function made for this class's fields
        (see ``_compile``); values that do not fit the columns as they are take ``_append_slow``.
        """
        return self._fast(event)

    def _compile(self) -> None:
        """Make ``_fast``: ``append`` unrolled for this class, bound to the current columns."""
        n = len(self.names)
        env: dict[str, Any] = {"get": self._get, "slow": self._append_slow, "data": self.data}
        env["extend"] = self.data.extend
        lines = [
            "def fast(event):",
            f"    {', '.join(f'v{i}' for i in range(n))}{',' if n == 1 else ''} = get(event)",
        ]
        for i in self.str_fields:
            env[f"codes{i}"] = self._codes
            lines += [
                f"    if type(v{i}) is not str:",
                "        return False",
                f"    v{i} = codes{i}.get(v{i}, v{i})",
                f"    if type(v{i}) is str:",
                "        return slow(event)",
            ]
        if self.bytes_fields:
            lines.append("    mark = len(data)")
            for i in self.bytes_fields:
                lines += [
                    f"    if type(v{i}) is not bytes:",
                    "        return False",
                    f"    extend(v{i})",
                    f"    v{i} = len(data)",
                ]
        lines.append("    try:")
        if self.based or self.minus:
            lines.append("        k = count[0]")
            lines.append(f"        block, inner = k >> {_BLOCK_BITS}, k & {_BLOCK - 1}")
        for i, j in self.minus.items():  # before any field it reads is changed (start is not)
            lines += [
                f"        if not {_Q_MIN} <= v{i} <= {_Q_MAX}:",
                "            raise OverflowError",
                f"        v{i} = v{i} - v{j}",
            ]
        for i, slope in self.based.items():
            env[f"b{i}"] = self.bases[i]
            lines += [
                f"        if not {_Q_MIN} <= v{i} <= {_Q_MAX}:",
                "            raise OverflowError",
                f"        if len(b{i}) == block:",
                f"            b{i}.append(v{i} - {slope} * inner)",
                f"        v{i} = v{i} - b{i}[block]" + (f" - {slope} * inner" if slope else ""),
            ]
        for i, col in enumerate(self.cols):
            env[f"a{i}"] = col.append
            lines.append(f"        a{i}(v{i})")
        lines += [
            "    except (OverflowError, TypeError):",
            "        undo(" + ("mark" if self.bytes_fields else "-1") + ")",
        ]
        lines += ["        return slow(event)", "    count[0] += 1", "    return True"]
        env["undo"] = self._undo
        env["count"] = self._count
        exec("\n".join(lines), env)
        self._fast = env["fast"]

    def _undo(self, mark: int) -> None:
        """Take back a row half appended (columns past ``count``, bytes past ``mark``)."""
        for col in self.cols:
            if len(col) > self.count:
                col.pop()
        if mark >= 0:
            del self.data[mark:]

    @property
    def count(self) -> int:
        return self._count[0]

    def _append_slow(self, event: Event) -> bool:
        values = list(self._get(event))
        for i in self.str_fields:
            s = values[i]
            if type(s) is not str:
                return False
            code = self._codes.get(s)
            if code is None:
                code = self._codes[s] = len(self.strings)
                self.strings.append(s)
            values[i] = code
        data = self.data
        mark = len(data)
        for i in self.bytes_fields:
            b = values[i]
            if type(b) is not bytes:
                del data[mark:]
                return False
            data += b
            values[i] = len(data)
        if not self._encode(values):
            del data[mark:]
            return False
        cols = self.cols
        done = 0
        try:
            for col, v in zip(cols, values):  # noqa: B905 - same length by construction
                col.append(v)
                done += 1
        except (OverflowError, TypeError):
            for col in cols[:done]:
                col.pop()
            if not self._widen(values):
                del data[mark:]
                return False
            for col, v in zip(self.cols, values):  # noqa: B905
                col.append(v)
            self._compile()  # the columns changed: bind the fast path to the new ones
        self._count[0] += 1
        return True

    def _encode(self, values: list[Any]) -> bool:
        """Replace the fields kept as differences by their differences (False: one cannot be)."""
        if not (self.based or self.minus):
            return True
        k = self.count
        block, inner = k >> _BLOCK_BITS, k & (_BLOCK - 1)
        try:
            for i in list(self.minus) + list(self.based):
                v = values[i]
                if type(v) is not int and type(v) is not bool:
                    return False
                if not _Q_MIN <= v <= _Q_MAX:
                    return False
            for i, j in self.minus.items():
                values[i] -= values[j]
            for i, slope in self.based.items():
                bases = self.bases[i]
                if len(bases) == block:
                    bases.append(values[i] - slope * inner)
                values[i] -= bases[block] + slope * inner
        except (OverflowError, TypeError):
            return False
        return True

    def _widen(self, values: list[Any]) -> bool:
        """Widen the columns ``values`` overflows (False if a value fits no width)."""
        steps = list(self.steps)
        for i, (t, v) in enumerate(zip(self.types, values, strict=True)):
            ladder = _LADDERS[t]
            while True:
                try:
                    array(ladder[steps[i]], [v])
                    break
                except (OverflowError, TypeError):
                    if steps[i] + 1 == len(ladder):
                        return False  # fits no width (or is not even a number)
                    steps[i] += 1
        for i, (t, step) in enumerate(zip(self.types, steps, strict=True)):
            if step != self.steps[i]:
                self.cols[i] = array(
                    _LADDERS[t][step], self.cols[i]
                )  # one assignment: readers see old or new
        self.steps = steps
        return True

    def row(self, k: int) -> Event:
        values = [col[k] for col in self.cols]
        for i, slope in self.based.items():
            values[i] += self.bases[i][k >> _BLOCK_BITS] + slope * (k & (_BLOCK - 1))
        for i, j in self.minus.items():
            values[i] += values[j]
        for i in self.str_fields:
            values[i] = self.strings[values[i]]
        for i in self.bool_fields:
            values[i] = bool(values[i])
        if self.bytes_fields:
            start = 0
            if k:
                start = self.cols[self.bytes_fields[-1]][k - 1]
            for i in self.bytes_fields:
                end = values[i]
                values[i] = bytes(self.data[start:end])
                start = end
        return self.cls(*values)

    def iter_rows(self, first: int, stop: int) -> Iterator[Event]:
        row = self.row
        for k in range(first, stop):
            yield row(k)

    def column(self, name: str, stop: int) -> array[Any]:
        """The first ``stop`` values of an int or bool column: the column itself when that is all
        of it (read it, never change it), else a copy (always a copy of one kept as differences)."""
        i = self.index[name]
        col = self.cols[i]
        if i in self.minus:
            other = self.column(self.names[self.minus[i]], stop)
            return array("q", map(operator.add, other, col[:stop]))
        if i in self.based:
            bases, slope = self.bases[i], self.based[i]
            return array(
                "q",
                (
                    col[k] + bases[k >> _BLOCK_BITS] + slope * (k & (_BLOCK - 1))
                    for k in range(min(stop, len(col)))
                ),
            )
        return col if stop == len(col) else col[:stop]

    @property
    def nbytes(self) -> int:
        bases = sum(len(b) * b.itemsize for b in self.bases.values())
        return sum(len(c) * c.itemsize for c in self.cols) + len(self.data) + bases


class EventStore:
    """An append-only sequence of events, packed where it can be (see the module docstring)."""

    def __init__(self, compact: Iterable[type[Event]] = COMPACT_TYPES) -> None:
        self._tables: list[_Table] = []
        self._code: dict[type[Event], int] = {}
        for cls in compact:
            if packable(cls):
                self._tables.append(_Table(cls))
                self._code[cls] = len(self._tables)  # 0 is "kept as an object"
        self._order = array("B")  # per event: 0, or 1 + the table it went to
        self._objects: list[Event] = []
        # counts[c][j]: rows in table c (objects for c == 0) before event j * _CHECKPOINT
        self._counts: list[array[int]] = [array("q") for _ in range(len(self._tables) + 1)]

    def append(self, event: Event) -> None:
        n = len(self._order)
        if not n % _CHECKPOINT:
            self._counts[0].append(len(self._objects))
            for c, table in enumerate(self._tables, start=1):
                self._counts[c].append(table.count)
        code = self._code.get(type(event), _OBJECT)
        if code and self._tables[code - 1].append(event):
            self._order.append(code)
            return
        self._objects.append(event)
        self._order.append(_OBJECT)

    def extend(self, events: Iterable[Event]) -> None:
        for event in events:
            self.append(event)

    def __len__(self) -> int:
        return len(self._order)

    @property
    def nbytes(self) -> int:
        """Bytes held by the packed rows, their bytes buffer and the order column (not the objects)."""
        return len(self._order) + sum(t.nbytes for t in self._tables)

    def _positions(self, index: int) -> list[int]:
        """For event ``index``: how many objects and rows of each table come before it."""
        j = index // _CHECKPOINT
        base = j * _CHECKPOINT
        between = self._order[base:index]
        return [self._counts[c][j] + between.count(c) for c in range(len(self._counts))]

    def iter_range(self, start: int, stop: int) -> Iterator[Event]:
        """Events ``start`` to ``stop`` (stop <= len(self) when called), made one by one."""
        if start >= stop:
            return
        pos = self._positions(start)
        order = self._order[start:stop]
        objects = self._objects
        tables = self._tables
        iters: list[Iterator[Event] | None] = [None]
        for c, table in enumerate(tables, start=1):
            rows = order.count(c)
            iters.append(table.iter_rows(pos[c], pos[c] + rows) if rows else None)
        k = pos[0]
        for code in order:
            if code == _OBJECT:
                yield objects[k]
                k += 1
            else:
                yield next(iters[code])  # type: ignore[arg-type]

    def get(self, index: int) -> Event:
        code = self._order[index]
        pos = self._positions(index)
        if code == _OBJECT:
            return self._objects[pos[0]]
        return self._tables[code - 1].row(pos[code])

    def rows_before(self, stop: int) -> list[int]:
        """How many objects (first) and rows of each table the first ``stop`` events hold."""
        if stop >= len(self):
            return [len(self._objects)] + [t.count for t in self._tables]
        return self._positions(stop)

    def compact(self, cls: type[Event]) -> bool:
        """Are events of ``cls`` stored as columns (else always as objects)?"""
        return cls in self._code

    def objects(self, stop: int | None = None) -> list[Event]:
        """The events kept as objects among the first ``stop``, in order (they are few)."""
        return self._objects[: self.rows_before(len(self) if stop is None else stop)[0]]

    def columns(
        self, cls: type[Event], names: Sequence[str], stop: int | None = None
    ) -> list[array[Any]] | None:
        """Columns of the first ``stop`` events of ``cls``, in order - or None when that cannot be
        given without making objects (``cls`` is not stored as columns, or some of its events
        did not fit them)."""
        code = self._code.get(cls)
        if code is None:
            return None
        stop = len(self) if stop is None else stop
        if any(type(o) is cls for o in self.objects(stop)):
            return None
        table = self._tables[code - 1]
        rows = self.rows_before(stop)[code]
        return [table.column(name, rows) for name in names]

    def view(self, start: int = 0, stop: int | None = None) -> EventLog:
        return EventLog(self, start, len(self) if stop is None else stop)


class EventLog(Sequence[Event]):
    """A read-only window ``[start, stop)`` of an :class:`EventStore` (a snapshot: it never grows).

    Behaves like the ``list[Event]`` it replaces: ``len``, iteration, indexing, slicing, and
    ``==`` against any sequence of events.
    """

    __slots__ = ("start", "stop", "store")

    def __init__(self, store: EventStore, start: int, stop: int) -> None:
        self.store = store
        self.start = start
        self.stop = stop

    def __len__(self) -> int:
        return self.stop - self.start

    def __iter__(self) -> Iterator[Event]:
        return self.store.iter_range(self.start, self.stop)

    @overload
    def __getitem__(self, index: int) -> Event: ...
    @overload
    def __getitem__(self, index: slice) -> list[Event]: ...
    def __getitem__(self, index: int | slice) -> Event | list[Event]:
        if isinstance(index, slice):
            lo, hi, step = index.indices(len(self))
            if step == 1:
                return list(self.store.iter_range(self.start + lo, self.start + max(lo, hi)))
            return [self[i] for i in range(lo, hi, step)]
        n = len(self)
        if index < 0:
            index += n
        if not 0 <= index < n:
            raise IndexError("event index out of range")
        return self.store.get(self.start + index)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, (str, bytes)):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        head = list(islice(iter(self), 3))
        more = ", …" if len(self) > 3 else ""
        return f"EventLog({len(self)} events: {head!r}{more})"
