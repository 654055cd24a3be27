"""Network namespaces joined by veth pairs to a bridge: a classroom LAN inside one machine.

Layout (``TAG`` is unique per run, so parallel runs never collide)::

    nc<TAG>b   the "switch": a namespace holding bridge br0 and one end of every veth pair
    nc<TAG>0   the instructor's machine: eth0 = 10.213.0.1/24
    nc<TAG>1…  the students' machines: eth0 = 10.213.0.2/24, …

Every address lives inside a namespace; the host's own interfaces, routes and firewall are
never touched (the bridge is in its own namespace too, so the host's netfilter never sees the
class's frames).  :meth:`Lan.down` deletes every namespace (and with them every link); it is
idempotent and also registered with ``atexit``.
"""

from __future__ import annotations

import atexit
import os
import secrets
import shutil
import subprocess
from collections.abc import Sequence

SUBNET = "10.213.0"


def _ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True, timeout=20)


def unavailable_reason() -> str | None:
    """Why namespaces cannot be made here (``None`` if they can)."""
    if os.geteuid() != 0:
        return "needs root to create network namespaces (run .ci/run as root)"
    if shutil.which("ip") is None:
        return "needs iproute2 ('ip' is not installed)"
    probe = f"ncprobe{secrets.token_hex(3)}"
    try:
        _ip("netns", "add", probe)
    except (subprocess.CalledProcessError, OSError) as exc:
        detail = (
            exc.stderr.decode(errors="replace").strip()
            if isinstance(exc, subprocess.CalledProcessError)
            else exc
        )
        return f"cannot create a network namespace here: {detail}"
    try:
        _ip("netns", "del", probe)
    except subprocess.CalledProcessError:
        pass
    return None


class Lan:
    def __init__(self, hosts: int) -> None:
        if not 2 <= hosts <= 200:
            raise ValueError("2..200 hosts")
        self.tag = secrets.token_hex(3)  # 6 hex digits: names stay within IFNAMSIZ (15)
        self.switch = f"nc{self.tag}b"
        self.hosts = [f"nc{self.tag}{i}" for i in range(hosts)]
        self.addresses = [f"{SUBNET}.{i + 1}" for i in range(hosts)]
        self._made: list[str] = []
        atexit.register(self.down)

    def up(self) -> None:
        try:
            _ip("netns", "add", self.switch)
            self._made.append(self.switch)
            _ip("-n", self.switch, "link", "set", "lo", "up")
            _ip("-n", self.switch, "link", "add", "br0", "type", "bridge")
            _ip("-n", self.switch, "link", "set", "br0", "up")
            for i, (ns, address) in enumerate(zip(self.hosts, self.addresses, strict=True)):
                _ip("netns", "add", ns)
                self._made.append(ns)
                _ip("-n", ns, "link", "set", "lo", "up")
                port = f"p{i}"
                # Both ends are created inside namespaces: nothing appears in the host's.
                _ip(
                    "-n",
                    self.switch,
                    "link",
                    "add",
                    port,
                    "type",
                    "veth",
                    "peer",
                    "name",
                    "eth0",
                    "netns",
                    ns,
                )
                _ip("-n", self.switch, "link", "set", port, "master", "br0")
                _ip("-n", self.switch, "link", "set", port, "up")
                _ip("-n", ns, "addr", "add", f"{address}/24", "dev", "eth0")
                _ip("-n", ns, "link", "set", "eth0", "up")
        except BaseException:
            self.down()
            raise

    def down(self) -> None:
        while self._made:
            ns = self._made.pop()
            subprocess.run(["ip", "netns", "del", ns], capture_output=True, timeout=20, check=False)

    def exec_argv(self, host: int, argv: Sequence[str]) -> list[str]:
        return ["ip", "netns", "exec", self.hosts[host], *argv]
