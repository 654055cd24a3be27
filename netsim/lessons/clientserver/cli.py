"""``netsim cs-bs``: one tiny HTTP service, reached by the app's own client (C/S) and by a real
browser (B/S, headless Chromium when installed), with HTTP's framing of every message printed.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any, TextIO

from netsim.core.events import SocketFailed
from netsim.lessons.clientserver.analysis import connections, framing_lines, visible
from netsim.lessons.clientserver.browser import find_browser, run_browser
from netsim.lessons.clientserver.lab import WebLab

LABELS = {"cs": "C/S: netsim's own client", "browser": "B/S: a web browser", "other": "another client"}


def register(sub: Any) -> None:
    p = sub.add_parser(
        "cs-bs",
        help="C/S vs B/S: one HTTP service reached by netsim's client and by a headless browser",
        description="Section 一 of the lesson, shown: a small HTTP/1.1 server on 127.0.0.1 is asked by "
        "netsim's own client (C/S: three requests on one keep-alive connection, two of them written "
        "with one sendall) and by a real browser (B/S: headless Chromium, when installed). Every "
        "message is printed with HTTP's framing: the head ends at \\r\\n\\r\\n (a delimiter), the "
        "body is Content-Length bytes (a length) - the lesson's two cures for 黏包.",
    )
    p.add_argument("--port", type=int, default=0, help="server port (default: any free port)")
    p.add_argument("--browser", metavar="PATH", help="the Chromium-family browser to run headless")
    p.add_argument("--no-browser", action="store_true", help="only the C/S client")
    p.add_argument("--name", default="学生", help="the name the C/S client POSTs (default 学生)")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.set_defaults(func=run)


def run(args: argparse.Namespace, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    if not 0 <= args.port <= 65535:
        print(f"netsim cs-bs: --port {args.port} is outside 0-65535", file=sys.stderr)
        return 2
    browser = None if args.no_browser else (args.browser or find_browser())
    browser_note = (
        "" if browser or args.no_browser else "no Chromium-family browser found: the B/S part was not run"
    )
    lab = WebLab(port=args.port)
    lab.start()
    dom = ""
    browser_ok = False
    try:
        url = lab.wait_listening()
        if not url:
            print(f"netsim cs-bs: the server did not start: {lab.error or 'timeout'}", file=sys.stderr)
            return 1
        lab.run_client(args.name)
        deadline = time.monotonic() + 15
        while not lab.clients_idle() and time.monotonic() < deadline:
            time.sleep(0.02)
        if browser:
            browser_ok, dom = run_browser(browser, url)
            if not browser_ok:
                browser_note = dom
            time.sleep(0.2)  # the browser's connections close as it exits; let the server see it
    finally:
        lab.close()
    events = lab.recorder.events
    views = connections(events)
    failures = [e for e in events if isinstance(e, SocketFailed)]
    if args.json:
        doc = {
            "url": url,
            "connections": [v.to_dict() for v in views],
            "browser": {"path": browser, "ran": bool(browser), "ok": browser_ok, "note": browser_note},
            "browser_saw_greeting": "你好" in dom,
            "errors": [{"call": e.call, "error": e.error, "message": e.message} for e in failures],
        }
        print(json.dumps(doc, indent=2, ensure_ascii=False), file=out)
        return 0 if not failures else 1
    lines = [f"server: {url}  (HTTP/1.1, keep-alive)"]
    for v in views:
        if not v.requests and not v.request_chunks:
            lines.append(
                f"connection :{v.conn}  no request on it (browsers open a spare connection ahead of time); "
                f"closed: {v.closed or 'open'}"
            )
            continue
        lines.append(f"connection :{v.conn}  {LABELS[v.client]}  ({len(v.requests)} request(s) on it)")
        if v.agent:
            lines.append(f"  User-Agent: {visible(v.agent.encode(), 100)}")
        chunks = ", ".join(f"{c.start}–{c.end}" for c in v.request_chunks)
        lines.append(f"  the server's recv() chunks: {chunks}")
        for i, n in v.glued():
            ch = v.request_chunks[i]
            lines.append(
                f"  黏包: recv() chunk {ch.start}–{ch.end} held {n} requests; HTTP's framing took them apart"
            )
        pairs = max(len(v.requests), len(v.responses))
        for k in range(pairs):
            if k < len(v.requests):
                lines += framing_lines(v.requests[k])
            if k < len(v.responses):
                lines += framing_lines(v.responses[k])
        if v.response_chunks:
            lines.append(
                "  the client's recv() chunks: " + ", ".join(f"{c.start}–{c.end}" for c in v.response_chunks)
            )
        for r in v.refused:
            lines.append(f"  refused: {r.status} {r.reason}")
        lines.append(f"  closed: {v.closed or 'open'}")
    if browser_note:
        lines.append(f"browser: {browser_note}")
    elif browser:
        lines.append(
            f"browser ({browser}) rendered the page: greeting {'seen' if '你好' in dom else 'NOT seen'}"
        )
    for e in failures:
        lines.append(f"error: {e.call}: {e.message}")
    print("\n".join(lines), file=out)
    return 0 if not failures else 1
