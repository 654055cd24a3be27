"""Pieces of the tracing lesson that need no program: launcher syntax, strace lines, the queue."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from netsim.lessons.tracing import launcher, strace
from netsim.lessons.tracing.channel import Item, SpillQueue
from netsim.lessons.tracing.session import ProgramError, ProgramSpec, TraceLab, python_command


def test_launcher_parses_as_python_3_8() -> None:
    source = Path(launcher.__file__).read_text(encoding="utf-8")
    ast.parse(source, feature_version=(3, 8))
    tree = ast.parse(source)
    imported = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    imported |= {n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    assert not imported & {"netsim", "psutil", "dpkt", "PySide6"}, "the launcher must be stdlib-only"


def _parser() -> strace.StraceParser:
    return strace.StraceParser(program=1, clock_offset_ns=0)


DECOR = "3<TCP:[127.0.0.1:40000->127.0.0.1:9001]>"


def test_strace_write_on_a_socket_is_a_send_with_its_bytes() -> None:
    ev = _parser().feed(f'123 1700000000.000000005 write({DECOR}, "\\x68\\x69", 2) = 2')
    assert ev is not None
    assert (ev.call, ev.syscall, ev.data, ev.result, ev.truncated) == ("write", "write", b"hi", 2, False)
    assert ev.extra["local"] == ["127.0.0.1", 40000] and ev.extra["peer"] == ["127.0.0.1", 9001]
    assert ev.t_ns == 1_700_000_000_000_000_005


def test_strace_truncated_bytes_are_marked_not_invented() -> None:
    ev = _parser().feed(f'9 1.000000000 read({DECOR}, "\\x61\\x62"..., 1024) = 700')
    assert ev is not None and ev.data == b"ab" and ev.result == 700 and ev.truncated


def test_strace_unfinished_and_resumed_join_and_files_are_skipped() -> None:
    p = _parser()
    assert p.feed(f"7 1.000000000 read({DECOR},  <unfinished ...>") is None
    assert p.feed('8 1.500000000 write(1</dev/pts/0>, "\\x61", 1) = 1') is None  # a terminal
    ev = p.feed('7 2.000000000 <... read resumed>"\\x6f\\x6b", 1024) = 2')
    assert ev is not None and ev.data == b"ok" and ev.t_ns == 1_000_000_000


def test_strace_accept_and_errors() -> None:
    p = _parser()
    ev = p.feed(
        "5 1.0 accept4(3<TCP:[127.0.0.1:9001]>, {sa_family=AF_INET, sin_port=htons(40000), "
        'sin_addr=inet_addr("127.0.0.1")}, [16], SOCK_CLOEXEC) = 4<TCP:[127.0.0.1:9001->127.0.0.1:40000]>'
    )
    assert ev is not None and ev.result == 4 and ev.extra["peer"] == ["127.0.0.1", 40000]
    ev = p.feed(f"5 1.1 read({DECOR}, 0x7ffc, 1024) = -1 EAGAIN (Resource temporarily unavailable)")
    assert ev is not None and ev.error.startswith("EAGAIN") and ev.result is None


def test_strace_missing_names_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(strace.shutil, "which", lambda name: None)
    with pytest.raises(strace.StraceMissingError, match="apt-get install strace"):
        strace.strace_command(["nc"], 3)


def test_spill_queue_keeps_order_past_its_bound() -> None:
    q = SpillQueue(bound_bytes=100)
    items = [Item(1, i, bytes([i % 256]) * 30) for i in range(50)]
    got: list[Item] = []
    for n, item in enumerate(items):
        q.put(item)
        if n == 20:
            got += q.drain(max_bytes=60)  # a slow consumer takes a little
    while len(got) < len(items):
        got += q.drain()
    assert q.spilled_items > 0
    assert got == items
    q.close()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["no-such-program-netsim"], "program not found"),
        (["/nonexistent/dir/prog"], "program not found"),
        (["python3"], "nothing to trace"),
        (["python3", "no_such_script_netsim.py"], "no such Python script"),
    ],
)
def test_programs_that_cannot_start_say_why(argv: list[str], message: str) -> None:
    with pytest.raises(ProgramError, match=message):
        TraceLab([ProgramSpec(argv)])


def test_not_executable(tmp_path: Path) -> None:
    f = tmp_path / "prog"
    f.write_text("#!/bin/sh\necho hi\n")
    with pytest.raises(ProgramError, match="not executable"):
        TraceLab([ProgramSpec([str(f)])])


def test_python_detection(tmp_path: Path) -> None:
    script = tmp_path / "s.py"
    script.write_text("print(1)\n")
    assert python_command(["python3", "-u", str(script), "a"]) == [
        "python3",
        "-u",
        launcher.__file__,
        str(script),
        "a",
    ]
    assert python_command(["python3", "-m", "http.server"]) == [
        "python3",
        launcher.__file__,
        "-m",
        "http.server",
    ]
    assert python_command(["node", "x.js"]) is None


def test_the_trace_lab_is_a_lab() -> None:
    from netsim.lab.base import Lab

    lab = TraceLab([ProgramSpec(["python3", "-c", "pass"])])
    assert isinstance(lab, Lab)
    assert lab.step() is None
    with pytest.raises(NotImplementedError):
        lab.pause()
    lab.close()  # never started: nothing to stop


@pytest.mark.parametrize("mode", ["direct", "refused", "none"])
def test_spill_queue_staged_and_plain_items_keep_order_with_and_without_direct_io(
    mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno
    import fcntl
    import os

    from netsim.lessons.tracing import channel

    direct = mode != "none"
    if mode == "none":  # as on a system without O_DIRECT: plain, unpadded writes
        monkeypatch.delattr(channel.os, "O_DIRECT", raising=False)
    elif mode == "refused":  # a file system that takes the flag, then refuses the writes
        real_pwrite = os.pwrite

        def pwrite(fd: int, data: memoryview, offset: int) -> int:
            if fcntl.fcntl(fd, fcntl.F_GETFL) & getattr(os, "O_DIRECT", 0):
                raise OSError(errno.EINVAL, "Invalid argument")
            return real_pwrite(fd, data, offset)

        monkeypatch.setattr(channel.os, "pwrite", pwrite)
    q = SpillQueue(bound_bytes=10_000)
    stage = channel.stage_buffer(9_000)
    sent: list[Item] = []
    for i in range(40):
        size = (i * 997) % 9_000 + 1  # odd sizes: every item padded differently
        payload = bytes([i]) * size
        if i % 3:
            stage[channel.STAGE_AT : channel.STAGE_AT + size] = payload
            q.put_staged(channel.TAG_FRAME, i, stage, size)  # the stage is overwritten next time
        else:
            q.put(Item(channel.TAG_STRACE, i, payload))
        sent.append(Item(channel.TAG_FRAME if i % 3 else channel.TAG_STRACE, i, payload))
        if i == 25:
            got = q.drain(max_bytes=20_000)  # a consumer part way through the file
    assert q.spilled_items > 30
    assert q._file is not None
    if direct and not q._file._padded:
        q.close()
        stage.close()
        pytest.skip("the temporary directory's file system refuses O_DIRECT")
    assert q._file._padded == direct
    while q.nonempty.is_set():
        got += q.drain()
    assert [(x.tag, x.source, bytes(x.payload)) for x in got] == [(x.tag, x.source, x.payload) for x in sent]
    stage.close()
    q.close()
