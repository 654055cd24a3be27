"""Domain names: the hosts / resolv.conf / nsswitch parsers (hostile input), getaddrinfo's answers
and where each came from, the timeout path, the CLI.

No real name server is ever contacted: the only real lookups are of ``localhost`` and of address
literals; the resolver's silence is simulated by replacing the lookup child.
"""

from __future__ import annotations

import io
import json
import socket
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from netsim.cli import build_parser
from netsim.lessons.addresses import names
from netsim.lessons.addresses.cli import run
from netsim.lessons.addresses.names import (
    BIND_CHOICES,
    NameLookup,
    check_name,
    parse_hosts,
    parse_nsswitch_hosts,
    parse_resolv_conf,
    read_hosts,
    resolve,
)

HOSTS = """\
# comment
127.0.0.1   localhost  Localhost.
::1         localhost ip6-localhost
10.1.2.3    lab-server.example lab   # trailing comment
not-an-ip   nobody
192.168.1.300 bad
fe80::1%eth0 linky
10.9.9.9
10.1.2.4    ok bad!name
"""


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    p = tmp_path / name
    if isinstance(text, bytes):
        p.write_bytes(text)
    else:
        p.write_text(text)
    return p


# ============================================================================ parsers
def test_hosts_parse_keeps_good_lines_and_counts_bad_ones() -> None:
    h = parse_hosts(HOSTS, "hosts")
    by_addr = {e.address: e.names for e in h.entries}
    assert by_addr["127.0.0.1"] == ("localhost",)  # case and trailing dot folded, duplicate dropped
    assert by_addr["::1"] == ("localhost", "ip6-localhost")
    assert by_addr["10.1.2.3"] == ("lab-server.example", "lab")
    assert by_addr["fe80::1"] == ("linky",)
    assert by_addr["10.1.2.4"] == ("ok",)
    assert "192.168.1.300" not in by_addr and "10.9.9.9" not in by_addr
    assert h.skipped == 4  # not-an-ip, .300, an address without names, one bad name
    assert h.addresses_for("LAB.") == {"10.1.2.3"}
    assert h.addresses_for("localhost") == {"127.0.0.1", "::1"}


@pytest.mark.parametrize(
    "text",
    [
        "\x00\xff garbage \n" * 50,
        "1.2.3.4 " + "a" * 70,  # a label longer than 63
        "1.2.3.4 " + ".".join(["a"] * 200),  # a name longer than 253
        "#" * 10_000,
        "::::: x\n" + "1.2.3.4\t\t\n",
    ],
)
def test_hosts_parse_hostile_lines_give_no_entry(text: str) -> None:
    h = parse_hosts(text)
    assert h.entries == ()


def test_hosts_file_over_the_cap_is_cut_at_a_line_and_said(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setattr(names, "MAX_FILE_BYTES", 100)
    p = write(tmp_path, "hosts", "10.0.0.1 a\n" * 30)
    h = read_hosts(p)
    assert 0 < len(h.entries) <= 100 // len("10.0.0.1 a\n")
    assert "larger than 100 bytes" in h.note


def test_unreadable_files_are_said_not_raised(tmp_path: Path) -> None:
    h = read_hosts(tmp_path / "missing")
    assert h.entries == () and "not readable" in h.note
    r = names.read_resolv_conf(tmp_path / "missing")
    assert r.nameservers == () and "not readable" in r.note


def test_resolv_conf_parse() -> None:
    text = """\
# generated
nameserver 192.0.2.53
nameserver fe80::53%eth0 ; zone id
nameserver not-an-address
nameserver 192.0.2.54
nameserver 192.0.2.55
search lab.example bad!domain
options ndots:2 timeout:1
gibberish line
"""
    r = parse_resolv_conf(text)
    assert r.nameservers == ("192.0.2.53", "fe80::53", "192.0.2.54", "192.0.2.55")
    assert r.used_nameservers == r.nameservers[:3]
    assert r.search == ("lab.example",)
    assert r.options == ("ndots:2", "timeout:1")
    assert r.skipped == 3


def test_nsswitch_hosts_line() -> None:
    assert parse_nsswitch_hosts("passwd: files\nhosts: files mdns4_minimal [NOTFOUND=return] dns\n") == (
        "files",
        "mdns4_minimal",
        "dns",
    )
    assert parse_nsswitch_hosts("nothing here") == ()


@pytest.mark.parametrize("bad", ["", "   ", "two words", "-rf", "a\x00b", "x" * 300, "a..b"])
def test_check_name_refuses_what_cannot_be_a_name(bad: str) -> None:
    with pytest.raises(ValueError):
        check_name(bad)


# ===================================================================== real lookups
def test_localhost_resolves_offline_from_the_hosts_file() -> None:
    res = resolve("localhost", timeout_s=10)
    assert res.status == "ok", res.message
    assert res.addresses and {a.address for a in res.addresses} <= {"127.0.0.1", "::1"}
    for a in res.addresses:
        # /etc/hosts names localhost on (nearly) every system; say so whenever it does
        expected = "hosts" if a.address in res.hosts.addresses_for("localhost") else "resolver"
        assert a.source == expected
        assert a.record == ("A" if a.family == "IPv4" else "AAAA")


def test_an_address_is_its_own_answer_without_lookup() -> None:
    def never(name: str, timeout_s: float) -> dict[str, Any]:
        raise AssertionError("no lookup for a literal")

    res = resolve("::1", lookup=never)
    assert res.status == "ok" and res.addresses[0].source == "literal" and res.addresses[0].family == "IPv6"


def test_sources_attributed_from_a_temporary_hosts_file(tmp_path: Path) -> None:
    hosts = write(tmp_path, "hosts", "10.1.2.3 lab-server\n")
    resolv = write(tmp_path, "resolv.conf", "nameserver 192.0.2.53\n")

    def fake(name: str, timeout_s: float) -> dict[str, Any]:
        assert name == "lab-server"
        return {
            "addresses": [
                [int(socket.AF_INET), "10.1.2.3"],
                [int(socket.AF_INET6), "2001:db8::7"],
                [int(socket.AF_INET), "10.1.2.3"],  # duplicates (one per socket type) are folded
                [99, "1.2.3.4"],  # a family we do not know is dropped
                [int(socket.AF_INET), "not an address"],
            ]
        }

    res = resolve("lab-server", hosts_path=hosts, resolv_path=resolv, lookup=fake)
    assert res.status == "ok"
    assert [(a.address, a.family, a.source) for a in res.addresses] == [
        ("10.1.2.3", "IPv4", "hosts"),
        ("2001:db8::7", "IPv6", "resolver"),
    ]
    assert "192.0.2.53" in res.resolver_text
    doc = res.to_dict()
    assert doc["resolv_conf"]["nameservers"] == ["192.0.2.53"]
    assert doc["addresses"][1]["record"] == "AAAA"


def test_real_child_lookup_of_a_name_in_a_temporary_hosts_file_parse(tmp_path: Path) -> None:
    # The child really runs getaddrinfo("localhost"); the hosts file we parse is our own, so the
    # same addresses are attributed to it or to the resolver by that file alone.
    hosts = write(tmp_path, "hosts", "127.0.0.1 localhost\n")
    res = resolve("localhost", hosts_path=hosts, timeout_s=10)
    assert res.status == "ok"
    v4 = [a for a in res.addresses if a.address == "127.0.0.1"]
    assert v4 and v4[0].source == "hosts"
    assert all(a.source == "resolver" for a in res.addresses if a.address != "127.0.0.1")


def test_no_resolver_answering_ends_at_the_deadline(tmp_path: Path, monkeypatch: Any) -> None:
    # The child sleeps as getaddrinfo does when no name server answers; it must be killed.
    monkeypatch.setattr(
        names, "child_command", lambda name: [sys.executable, "-c", "import time; time.sleep(30)"]
    )
    resolv = write(tmp_path, "resolv.conf", "nameserver 192.0.2.1\n")
    t0 = time.monotonic()
    res = resolve("offline.example", timeout_s=0.5, resolv_path=resolv, hosts_path=tmp_path / "none")
    assert time.monotonic() - t0 < 5
    assert res.status == "timeout"
    assert "no resolver answered within 0.5 s" in res.message and "192.0.2.1" in res.message


def test_temporary_failure_says_no_resolver_answers(monkeypatch: Any) -> None:
    def again(name: str, timeout_s: float) -> dict[str, Any]:
        return {"gai_error": socket.EAI_AGAIN, "message": "Temporary failure in name resolution"}

    res = resolve("offline.example", lookup=again)
    assert res.status == "no-answer" and "no resolver answers" in res.message


def test_child_reporting_eai_again_goes_through_the_real_child(monkeypatch: Any) -> None:
    code = (
        "import json, socket; print(json.dumps({'gai_error': socket.EAI_AGAIN, "
        "'message': 'Temporary failure in name resolution'}))"
    )
    monkeypatch.setattr(names, "child_command", lambda name: [sys.executable, "-I", "-S", "-c", code])
    res = resolve("offline.example", timeout_s=10)
    assert res.status == "no-answer"


def test_child_garbage_is_an_error_not_a_crash(monkeypatch: Any) -> None:
    monkeypatch.setattr(
        names, "child_command", lambda name: [sys.executable, "-c", "print('[' * 5000); print('{\"x\": 1}')"]
    )
    res = resolve("x.example", timeout_s=10)
    assert res.status == "error"


def test_name_lookup_worker_is_joined(monkeypatch: Any) -> None:
    before = threading.active_count()
    job = NameLookup("localhost", timeout_s=10)
    deadline = time.monotonic() + 15
    while not job.done() and time.monotonic() < deadline:
        time.sleep(0.01)
    job.close()
    res = job.result()
    assert res is not None and res.status == "ok"
    assert threading.active_count() == before
    bad = NameLookup("two words")
    bad.close()
    assert bad.result() is None and "not a domain name" in bad.error()


# ============================================================================== CLI
def test_cli_resolve_json_and_bind_sentences() -> None:
    out = io.StringIO()
    args = build_parser().parse_args(["addresses", "--resolve", "localhost", "--json"])
    assert run(args, out=out) == 0
    doc = json.loads(out.getvalue())
    assert doc["resolve"][0]["status"] == "ok"
    assert {b["host"] for b in doc["bind"]} == {"localhost", "127.0.0.1", "0.0.0.0"}
    assert "interfaces" not in doc
    assert len(BIND_CHOICES) == 3


def test_cli_resolve_text_and_a_bad_name() -> None:
    out = io.StringIO()
    args = build_parser().parse_args(["addresses", "--resolve", "localhost", "a b"])
    assert run(args, out=out) == 2
    text = out.getvalue()
    assert "from /etc/hosts" in text or "from the resolver" in text
    assert "a b: error" in text and "who can connect" in text
