"""Domain names (域名): what ``getaddrinfo`` answers for a name, and where each answer came from.

The lesson: a domain name has a corresponding IP address, found by resolving it.  On Linux the C
library asks the sources named on the ``hosts:`` line of ``/etc/nsswitch.conf`` in order —
usually ``files`` (``/etc/hosts``) then ``dns`` (the name servers of ``/etc/resolv.conf``).  This
module reads those three files itself (each read capped, every line checked: they are input
like any other) and says, for every address ``getaddrinfo`` returned, whether ``/etc/hosts``
holds it for that name or it came from the resolver.

``getaddrinfo`` cannot be cancelled, and on an offline machine it can wait for name servers
that never answer.  So the lookup runs in a child Python process started from a worker thread,
killed at the deadline: the thread always ends by then and is joined, and the answer says "no
resolver answered within N s" instead of hanging.  :class:`NameLookup` is the non-blocking
handle a GUI polls.
"""

from __future__ import annotations

import ipaddress
import json
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

HOSTS_FILE = Path("/etc/hosts")
RESOLV_CONF = Path("/etc/resolv.conf")
NSSWITCH_CONF = Path("/etc/nsswitch.conf")
MAX_FILE_BYTES = 1 << 20  # a hosts file larger than 1 MiB is read up to there, and said so
MAX_NAME_CHARS = 253  # RFC 1035: a whole name
MAX_LABEL_CHARS = 63
MAX_ADDRESSES = 64  # answers shown; a name with more is cut, and said so
MAX_CHILD_OUTPUT = 64 * 1024
DEFAULT_TIMEOUT_S = 3.0
GLIBC_MAXNS = 3  # glibc uses the first three nameserver lines

Source = Literal["hosts", "resolver", "literal"]
Status = Literal["ok", "not-found", "no-answer", "timeout", "error"]


# ================================================================== the three files
@dataclass(frozen=True, slots=True)
class HostsEntry:
    address: str
    names: tuple[str, ...]
    line: int


@dataclass(frozen=True, slots=True)
class HostsFile:
    path: str
    entries: tuple[HostsEntry, ...]
    skipped: int  # lines that were not "address name…" (reported, never guessed at)
    note: str  # why the file could not be read, or was cut; "" when read whole

    def addresses_for(self, name: str) -> set[str]:
        want = normal_name(name)
        return {e.address for e in self.entries if want in e.names}


@dataclass(frozen=True, slots=True)
class ResolvConf:
    path: str
    nameservers: tuple[str, ...]  # every valid one, in file order (glibc uses the first three)
    search: tuple[str, ...]
    options: tuple[str, ...]
    skipped: int
    note: str

    @property
    def used_nameservers(self) -> tuple[str, ...]:
        return self.nameservers[:GLIBC_MAXNS]


def normal_name(name: str) -> str:
    """Names compare case-insensitively and without the root's trailing dot."""
    return name.strip().rstrip(".").lower()


def _read_capped(path: Path) -> tuple[str, str]:
    """(text, note): at most MAX_FILE_BYTES, decoded leniently; note says what went wrong."""
    try:
        with path.open("rb") as f:
            raw = f.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        return "", f"{path} not readable ({exc.strerror or exc})"
    note = ""
    if len(raw) > MAX_FILE_BYTES:
        raw = raw[:MAX_FILE_BYTES]
        raw = raw[: raw.rfind(b"\n") + 1]  # never half a line
        note = f"{path} is larger than {MAX_FILE_BYTES} bytes: only the first part was read"
    return raw.decode("utf-8", "replace"), note


def valid_hostname(name: str) -> bool:
    """A hosts-file name: labels of letters, digits, '-' and '_' (non-ASCII allowed), 1–63 each."""
    n = name.rstrip(".")
    if not n or len(n) > MAX_NAME_CHARS:
        return False
    for label in n.split("."):
        if not 0 < len(label) <= MAX_LABEL_CHARS:
            return False
        if not all(c.isalnum() or c in "-_" for c in label):
            return False
    return True


def parse_hosts(text: str, path: str = str(HOSTS_FILE)) -> HostsFile:
    entries: list[HostsEntry] = []
    skipped = 0
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        fields = line.split()
        try:
            address = str(ipaddress.ip_address(fields[0].split("%", 1)[0]))
        except ValueError:
            skipped += 1
            continue
        good = [normal_name(n) for n in fields[1:] if valid_hostname(n)]
        names = tuple(dict.fromkeys(good))
        if not names or len(good) != len(fields) - 1:
            skipped += 1
        if names:
            entries.append(HostsEntry(address, names, number))
    return HostsFile(path, tuple(entries), skipped, "")


def read_hosts(path: Path = HOSTS_FILE) -> HostsFile:
    text, note = _read_capped(path)
    parsed = parse_hosts(text, str(path))
    return HostsFile(parsed.path, parsed.entries, parsed.skipped, note)


def parse_resolv_conf(text: str, path: str = str(RESOLV_CONF)) -> ResolvConf:
    servers: list[str] = []
    search: list[str] = []
    options: list[str] = []
    skipped = 0
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].split(";", 1)[0].strip()
        if not line:
            continue
        key, *rest = line.split()
        if key == "nameserver" and len(rest) == 1:
            try:
                servers.append(str(ipaddress.ip_address(rest[0].split("%", 1)[0])))
            except ValueError:
                skipped += 1
        elif key in ("search", "domain") and rest:
            good = [d for d in rest if valid_hostname(d)]
            skipped += len(good) != len(rest)
            search = good if key == "search" else good[:1]
        elif key == "options" and rest:
            options.extend(o for o in rest if len(o) <= 40 and o.isprintable())
        else:
            skipped += 1
    return ResolvConf(path, tuple(servers), tuple(search), tuple(options[:32]), skipped, "")


def read_resolv_conf(path: Path = RESOLV_CONF) -> ResolvConf:
    text, note = _read_capped(path)
    parsed = parse_resolv_conf(text, str(path))
    if not note and not parsed.nameservers:
        note = f"no nameserver in {path}: glibc then asks 127.0.0.1"
    return ResolvConf(parsed.path, parsed.nameservers, parsed.search, parsed.options, parsed.skipped, note)


def parse_nsswitch_hosts(text: str) -> tuple[str, ...]:
    """The services of the ``hosts:`` line, in order (``("files", "dns")``); actions dropped."""
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if line.startswith("hosts:"):
            words = line[len("hosts:") :].split()
            return tuple(w for w in words if not w.startswith("[") and w.isidentifier())[:16]
    return ()


def read_nsswitch_hosts(path: Path = NSSWITCH_CONF) -> tuple[str, ...]:
    text, _ = _read_capped(path)
    # Without the file (or the line), glibc's default order is dns then files.
    return parse_nsswitch_hosts(text) or ("dns", "files")


# ====================================================================== the lookup
@dataclass(frozen=True, slots=True)
class ResolvedAddress:
    address: str
    family: Literal["IPv4", "IPv6"]
    source: Source

    @property
    def record(self) -> str:
        """The DNS record type that carries this family."""
        return "A" if self.family == "IPv4" else "AAAA"

    def to_dict(self) -> dict[str, Any]:
        return {"address": self.address, "family": self.family, "record": self.record, "source": self.source}


@dataclass(frozen=True, slots=True)
class Resolution:
    name: str
    status: Status
    addresses: tuple[ResolvedAddress, ...]
    message: str  # English; "" when ok
    elapsed_s: float
    timeout_s: float
    hosts: HostsFile
    resolv: ResolvConf
    nsswitch: tuple[str, ...]
    truncated: bool = False
    gai_error: int = 0  # the EAI_* code getaddrinfo returned, 0 if none

    @property
    def resolver_text(self) -> str:
        servers = ", ".join(self.resolv.used_nameservers) or "127.0.0.1 (default)"
        return f"the resolver (name servers {servers} from {self.resolv.path})"

    @property
    def summary(self) -> str:
        if self.status == "ok":
            n_hosts = sum(a.source == "hosts" for a in self.addresses)
            n_res = sum(a.source == "resolver" for a in self.addresses)
            if self.addresses and self.addresses[0].source == "literal":
                return f"{self.name} is an address already: getaddrinfo returns it without any lookup"
            parts = []
            if n_hosts:
                parts.append(f"{n_hosts} from {self.hosts.path}")
            if n_res:
                parts.append(f"{n_res} from {self.resolver_text}")
            return f"{self.name}: {len(self.addresses)} address(es), " + " and ".join(parts)
        return self.message

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "status": self.status,
            "addresses": [a.to_dict() for a in self.addresses],
            "truncated": self.truncated,
            "message": self.message,
            "summary": self.summary,
            "elapsed_s": round(self.elapsed_s, 3),
            "timeout_s": self.timeout_s,
            "gai_error": self.gai_error,
            "hosts_file": {
                "path": self.hosts.path,
                "entries": len(self.hosts.entries),
                "skipped_lines": self.hosts.skipped,
                "note": self.hosts.note,
            },
            "resolv_conf": {
                "path": self.resolv.path,
                "nameservers": list(self.resolv.nameservers),
                "used_nameservers": list(self.resolv.used_nameservers),
                "search": list(self.resolv.search),
                "options": list(self.resolv.options),
                "note": self.resolv.note,
            },
            "nsswitch_hosts": list(self.nsswitch),
        }


class LookupTimeout(Exception):
    """No answer before the deadline (the child doing the lookup was killed)."""


# What the child runs: getaddrinfo(name), A and AAAA (AF_UNSPEC), one line of JSON on stdout.
_CHILD_CODE = """
import json, socket, sys
try:
    infos = socket.getaddrinfo(sys.argv[1], None, socket.AF_UNSPEC, socket.SOCK_STREAM)
except socket.gaierror as exc:
    print(json.dumps({"gai_error": exc.errno, "message": exc.strerror or str(exc)}))
except (UnicodeError, ValueError) as exc:
    print(json.dumps({"gai_error": 0, "message": str(exc)}))
else:
    print(json.dumps({"addresses": [[int(f), a[0]] for f, _t, _p, _c, a in infos]}))
"""

Lookup = Callable[[str, float], dict[str, Any]]


def child_command(name: str) -> list[str]:
    # -I -S: no site, no user paths, no environment: fast, and nothing of ours is imported.
    return [sys.executable, "-I", "-S", "-c", _CHILD_CODE, name]


def lookup_in_child(name: str, timeout_s: float) -> dict[str, Any]:
    """getaddrinfo in a child process, killed at the deadline; its one JSON line, parsed and checked."""
    try:
        done = subprocess.run(
            child_command(name),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=timeout_s,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise LookupTimeout from None
    out = done.stdout[:MAX_CHILD_OUTPUT].decode("utf-8", "replace").strip()
    try:
        doc = json.loads(out.splitlines()[-1]) if out else None
    except (ValueError, RecursionError):
        doc = None
    if not isinstance(doc, dict):
        err = done.stderr[-300:].decode("utf-8", "replace").strip()
        return {
            "gai_error": 0,
            "message": f"the lookup process failed (exit {done.returncode}) {err}".strip(),
        }
    return doc


def check_name(name: str) -> str:
    """The name to look up, stripped; ``ValueError`` with a plain message when it cannot be one."""
    text = name.strip()
    if not text:
        raise ValueError("empty name")
    if len(text) > MAX_NAME_CHARS + 1:
        raise ValueError(f"a domain name has at most {MAX_NAME_CHARS} characters (this one {len(text)})")
    if text.startswith("-") or any(not c.isprintable() or c.isspace() for c in text):
        raise ValueError(f"{text!r} is not a domain name (spaces, control characters or a leading '-')")
    try:
        ipaddress.ip_address(text.split("%", 1)[0])
        return text
    except ValueError:
        pass
    try:
        text.rstrip(".").encode("idna")
    except UnicodeError as exc:
        raise ValueError(f"{text!r} is not a domain name ({exc})") from None
    return text


def _family(value: Any) -> Literal["IPv4", "IPv6"] | None:
    if value == int(socket.AF_INET):
        return "IPv4"
    if value == int(socket.AF_INET6):
        return "IPv6"
    return None


def resolve(
    name: str,
    *,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    hosts_path: Path = HOSTS_FILE,
    resolv_path: Path = RESOLV_CONF,
    nsswitch_path: Path = NSSWITCH_CONF,
    lookup: Lookup | None = None,
) -> Resolution:
    """Resolve ``name`` (blocking, at most about ``timeout_s``): call it from a worker, never a GUI."""
    if not 0 < timeout_s <= 60:
        raise ValueError(f"timeout must be between 0 and 60 s, not {timeout_s}")
    text = check_name(name)
    hosts = read_hosts(hosts_path)
    resolv = read_resolv_conf(resolv_path)
    nss = read_nsswitch_hosts(nsswitch_path)
    t0 = time.monotonic()

    def result(
        status: Status, message: str, found: tuple[ResolvedAddress, ...] = (), **kw: Any
    ) -> Resolution:
        return Resolution(
            text, status, found, message, time.monotonic() - t0, timeout_s, hosts, resolv, nss, **kw
        )

    try:
        literal = ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        literal = None
    if literal is not None:
        fam: Literal["IPv4", "IPv6"] = "IPv4" if literal.version == 4 else "IPv6"
        return result("ok", "", (ResolvedAddress(str(literal), fam, "literal"),))
    try:
        doc = (lookup or lookup_in_child)(text, timeout_s)
    except LookupTimeout:
        servers = ", ".join(resolv.used_nameservers) or "127.0.0.1"
        return result(
            "timeout",
            f"no resolver answered within {timeout_s:g} s (name servers {servers} from {resolv.path}); "
            f"{text} is not in {hosts.path}. Offline, only names in the hosts file resolve.",
        )
    gai = doc.get("gai_error")
    if isinstance(gai, int) and not isinstance(gai, bool) and "addresses" not in doc:
        msg = str(doc.get("message", ""))[:300]
        if gai in (socket.EAI_AGAIN, getattr(socket, "EAI_SYSTEM", -11)):
            servers = ", ".join(resolv.used_nameservers) or "127.0.0.1"
            return result(
                "no-answer",
                f"no resolver answers ({msg}): the name servers {servers} from {resolv.path} could not be "
                f"reached, and {text} is not in {hosts.path}",
                gai_error=gai,
            )
        if gai in (socket.EAI_NONAME, getattr(socket, "EAI_NODATA", -5)):
            return result(
                "not-found",
                f"{text} was not found: it is not in {hosts.path} and the resolver did not know it ({msg})",
                gai_error=gai,
            )
        return result("error", f"getaddrinfo failed: {msg}", gai_error=gai)
    raw = doc.get("addresses")
    if not isinstance(raw, list):
        return result("error", "the lookup gave no usable answer")
    in_hosts = hosts.addresses_for(text)
    found: list[ResolvedAddress] = []
    seen: set[str] = set()
    for item in raw:
        if not (isinstance(item, list) and len(item) == 2 and isinstance(item[1], str)):
            continue
        family = _family(item[0])
        try:
            addr = str(ipaddress.ip_address(item[1].split("%", 1)[0]))
        except ValueError:
            continue
        if family is None or addr in seen:
            continue
        seen.add(addr)
        found.append(ResolvedAddress(addr, family, "hosts" if addr in in_hosts else "resolver"))
    truncated = len(found) > MAX_ADDRESSES
    found.sort(key=lambda a: a.family)  # A (IPv4) before AAAA (IPv6); getaddrinfo's order within each
    if not found:
        return result("not-found", f"getaddrinfo returned no IPv4 or IPv6 address for {text}")
    return result("ok", "", tuple(found[:MAX_ADDRESSES]), truncated=truncated)


class NameLookup:
    """One lookup in a worker thread; the GUI polls :meth:`result` and calls :meth:`close` at the end."""

    def __init__(self, name: str, *, timeout_s: float = DEFAULT_TIMEOUT_S, lookup: Lookup | None = None):
        self.name = name
        self._result: Resolution | None = None
        self._error = ""
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, args=(timeout_s, lookup), name="netsim-resolve")
        self._thread.start()

    def _run(self, timeout_s: float, lookup: Lookup | None) -> None:
        try:
            res = resolve(self.name, timeout_s=timeout_s, lookup=lookup)
        except (ValueError, OSError) as exc:
            with self._lock:
                self._error = str(exc)
            return
        with self._lock:
            self._result = res

    def done(self) -> bool:
        return not self._thread.is_alive()

    def result(self) -> Resolution | None:
        with self._lock:
            return self._result

    def error(self) -> str:
        with self._lock:
            return self._error

    def close(self, timeout_s: float = 70.0) -> None:
        """Join the worker (it ends by its own deadline: the child is killed there)."""
        self._thread.join(timeout_s)
        if self._thread.is_alive():
            raise RuntimeError("the name lookup thread did not end")


# ===================================================================== bind() choices
@dataclass(frozen=True, slots=True)
class BindChoice:
    host: str
    meaning: str
    who_can_connect: str

    def to_dict(self) -> dict[str, str]:
        return {"host": self.host, "meaning": self.meaning, "who_can_connect": self.who_can_connect}


BIND_CHOICES: tuple[BindChoice, ...] = (
    BindChoice(
        "localhost",
        "a name, not an address: bind() resolves it first (through /etc/hosts), usually to 127.0.0.1 "
        "and sometimes ::1, so the socket gets whichever address comes first",
        "only programs on this machine, and only over the address the name resolved to",
    ),
    BindChoice(
        "127.0.0.1",
        "the IPv4 loopback address itself: no lookup, never leaves this machine",
        "only programs on this machine (a client connecting to ::1 or to the LAN address is refused)",
    ),
    BindChoice(
        "0.0.0.0",
        "the unspecified address: not a destination, it means every IPv4 address this machine has",
        "anyone who can reach any of this machine's IPv4 addresses: this machine, the LAN, "
        "and the Internet if a router forwards the port",
    ),
)
