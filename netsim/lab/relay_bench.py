"""How much does the relay cost?  Latency added per message, and throughput at loopback's MSS.

The relay runs in this process; both ends run in a *child* process (so the relay's threads do
not share a GIL with them), once directly and once through the relay:

* latency: 2,000 ping-pongs of 64 bytes; the relay is crossed twice per round trip, so the
  latency it adds per message is (median RTT through it - median RTT direct) / 2;
* throughput: ``megabytes`` sent through the relay with MSS 65,483 (and directly, for scale).

Run it with ``netsim relay-bench``; it prints figures and checks nothing is lost.
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

from netsim.lab.relay import MSS_MAX, Relay, WireConfig

TARGET_ADDED_LATENCY_MS = 1.0
TARGET_THROUGHPUT_MBPS = 200.0
MB = 1_000_000

# The child: listens; for each command line on stdin ("lat PORT N" / "tput PORT BYTES") runs one
# measurement against PORT (its own listener, directly, or the relay in front of it) and prints JSON.
_CHILD = r"""
import json, socket, statistics, sys, threading, time
listener = socket.create_server(("127.0.0.1", 0))
print(listener.getsockname()[1], flush=True)

def serve(mode, result):
    conn, _ = listener.accept()
    with conn:
        if mode == "echo":
            while data := conn.recv(65536):
                conn.sendall(data)
        else:
            buf = bytearray(1 << 20)
            total = 0
            while n := conn.recv_into(buf):
                total += n
            result["received"] = total

for line in sys.stdin:
    cmd, port, amount = line.split()
    port, amount = int(port), int(amount)
    result = {}
    t = threading.Thread(target=serve, args=("echo" if cmd == "lat" else "sink", result))
    t.start()
    c = socket.create_connection(("127.0.0.1", port))
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    if cmd == "lat":
        msg = b"x" * 64
        rtts = []
        for _ in range(amount):
            t0 = time.perf_counter()
            c.sendall(msg)
            got = 0
            while got < len(msg):
                got += len(c.recv(65536))
            rtts.append(time.perf_counter() - t0)
        c.close()
        t.join()
        print(json.dumps({"median_rtt_ms": statistics.median(rtts) * 1e3}), flush=True)
    else:
        chunk = b"y" * (1 << 20)
        t0 = time.perf_counter()
        sent = 0
        while sent < amount:
            c.sendall(chunk)
            sent += len(chunk)
        c.shutdown(socket.SHUT_WR)
        t.join()
        elapsed = time.perf_counter() - t0
        c.close()
        print(json.dumps({"sent": sent, "received": result.get("received", 0), "seconds": elapsed}), flush=True)
"""


def _ask(child: subprocess.Popen[str], line: str) -> dict[str, Any]:
    assert child.stdin is not None and child.stdout is not None
    child.stdin.write(line + "\n")
    child.stdin.flush()
    reply = child.stdout.readline()
    if not reply:
        raise RuntimeError("the benchmark's child process ended early")
    result: dict[str, Any] = json.loads(reply)
    return result


def run_bench(*, pings: int = 2000, megabytes: float = 512.0) -> dict[str, Any]:
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout is not None
        port = int(child.stdout.readline())
        target = ("127.0.0.1", port)
        nbytes = int(megabytes * MB)
        report: dict[str, Any] = {}
        report["direct_rtt_ms"] = _ask(child, f"lat {port} {pings}")["median_rtt_ms"]
        with Relay(target, WireConfig()) as relay:
            assert relay.address is not None
            report["relay_rtt_ms"] = _ask(child, f"lat {relay.address[1]} {pings}")["median_rtt_ms"]
        report["added_latency_ms"] = (report["relay_rtt_ms"] - report["direct_rtt_ms"]) / 2
        direct = _ask(child, f"tput {port} {nbytes}")
        with Relay(target, WireConfig(mss=MSS_MAX)) as relay:
            assert relay.address is not None
            relayed = _ask(child, f"tput {relay.address[1]} {nbytes}")
        report["direct_mbps"] = direct["sent"] / direct["seconds"] / MB
        report["relay_mbps"] = relayed["sent"] / relayed["seconds"] / MB
        report["verified"] = direct["received"] == direct["sent"] and relayed["received"] == relayed["sent"]
        report["pings"] = pings
        report["megabytes"] = megabytes
        return report
    finally:
        if child.stdin is not None:
            child.stdin.close()
        try:
            child.wait(30)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait(5)
        if child.stdout is not None:
            child.stdout.close()


def format_report(r: dict[str, Any]) -> str:
    ok_lat = r["added_latency_ms"] < TARGET_ADDED_LATENCY_MS
    ok_tput = r["relay_mbps"] >= TARGET_THROUGHPUT_MBPS
    return "\n".join(
        [
            f"latency ({r['pings']} ping-pongs of 64 B, default settings):",
            f"  median RTT direct {r['direct_rtt_ms']:.3f} ms, through the relay {r['relay_rtt_ms']:.3f} ms",
            f"  added per message (one way): {r['added_latency_ms']:.3f} ms "
            f"(target < {TARGET_ADDED_LATENCY_MS:g} ms: {'met' if ok_lat else 'NOT met'})",
            f"throughput ({r['megabytes']:g} MB, MSS {MSS_MAX}):",
            f"  direct {r['direct_mbps']:.0f} MB/s, through the relay {r['relay_mbps']:.0f} MB/s "
            f"(target >= {TARGET_THROUGHPUT_MBPS:g} MB/s: {'met' if ok_tput else 'NOT met'})",
            f"every byte arrived: {'yes' if r['verified'] else 'NO'}",
        ]
    )
