"""The recorded run, per connection: who the client was, each message with HTTP's framing marked,
and the ``recv()`` chunks the bytes really arrived in — for the CLI's text and the panel's ribbon.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from netsim.core.events import Event
from netsim.lessons.clientserver.events import (
    HttpBytes,
    HttpConnectionClosed,
    HttpMessageFramed,
    HttpRefused,
)
from netsim.lessons.clientserver.lab import CS_AGENT, SERVER

Client = Literal["cs", "browser", "other"]


def client_kind(agent: str) -> Client:
    if agent.startswith(CS_AGENT.split("/")[0]):
        return "cs"
    if agent.startswith("Mozilla/"):
        return "browser"
    return "other"


@dataclass(slots=True)
class ConnectionView:
    """One TCP connection as the server saw it (both directions)."""

    conn: int
    agent: str = ""
    requests: list[HttpMessageFramed] = field(default_factory=list)
    responses: list[HttpMessageFramed] = field(default_factory=list)
    request_chunks: list[HttpBytes] = field(default_factory=list)  # the server's recv() results
    response_chunks: list[HttpBytes] = field(default_factory=list)  # what the C/S client's recv() got
    refused: list[HttpRefused] = field(default_factory=list)
    closed: str = ""

    @property
    def client(self) -> Client:
        return client_kind(self.agent)

    def glued(self) -> list[tuple[int, int]]:
        """(chunk index, messages ending in it) for recv() chunks that held more than one request's end."""
        out = []
        for i, ch in enumerate(self.request_chunks):
            n = sum(ch.start < m.end <= ch.end for m in self.requests)
            if n > 1:
                out.append((i, n))
        return out

    def to_dict(self) -> dict[str, Any]:
        def msg(m: HttpMessageFramed) -> dict[str, Any]:
            return {
                "index": m.index,
                "start_line": m.start_line,
                "start": m.start,
                "head_end_delimiter": [m.delimiter, m.header_end],
                "body": [m.header_end, m.end],
                "content_length": m.end - m.header_end,
                "bytes": m.end - m.start,
            }

        return {
            "conn": self.conn,
            "client": self.client,
            "user_agent": self.agent,
            "requests": [msg(m) for m in self.requests],
            "responses": [msg(m) for m in self.responses],
            "request_recv_chunks": [[c.start, c.end] for c in self.request_chunks],
            "client_recv_chunks": [[c.start, c.end] for c in self.response_chunks],
            "requests_glued_in_one_recv": [{"chunk": i, "messages": n} for i, n in self.glued()],
            "refused": [{"status": r.status, "reason": r.reason} for r in self.refused],
            "closed": self.closed,
        }


def connections(events: Iterable[Event]) -> list[ConnectionView]:
    views: dict[int, ConnectionView] = {}

    def view(conn: int) -> ConnectionView:
        if conn not in views:
            views[conn] = ConnectionView(conn)
        return views[conn]

    for ev in events:
        if isinstance(ev, HttpMessageFramed) and ev.endpoint == SERVER:
            v = view(ev.conn)
            if ev.direction == "request":
                v.requests.append(ev)
                v.agent = v.agent or ev.agent
            else:
                v.responses.append(ev)
        elif isinstance(ev, HttpBytes):
            if ev.endpoint == SERVER and ev.direction == "request":
                view(ev.conn).request_chunks.append(ev)
            elif ev.endpoint != SERVER and ev.direction == "response":
                view(ev.conn).response_chunks.append(ev)
        elif isinstance(ev, HttpRefused):
            view(ev.conn).refused.append(ev)
        elif isinstance(ev, HttpConnectionClosed) and ev.endpoint == SERVER:
            view(ev.conn).closed = ev.reason
    return sorted(views.values(), key=lambda v: (v.client != "cs", v.conn))


def visible(data: bytes, limit: int = 160) -> str:
    """Bytes as one line: CR LF shown as ␍␊, other control bytes as ·, text as UTF-8."""
    text = data[:limit].decode("utf-8", "replace")
    text = text.replace("\r", "␍").replace("\n", "␊").replace("\t", "→")
    text = "".join(c if c.isprintable() else "·" for c in text)
    return text + (f"…(+{len(data) - limit} B)" if len(data) > limit else "")


def framing_lines(m: HttpMessageFramed) -> list[str]:
    """The message with its framing marked: head │ ␍␊␍␊ │ body (Content-Length)."""
    head = m.data[: m.delimiter - m.start]
    body = m.data[m.header_end - m.start :]
    arrow = "→" if m.direction == "request" else "←"
    lines = [
        f"  {arrow} {m.direction} {m.index}: bytes {m.start}–{m.end}  {m.start_line!r}",
        f"      head {m.start}–{m.delimiter}, ends at ␍␊␍␊ (bytes {m.delimiter}–{m.header_end}); "
        f"body {m.header_end}–{m.end} = Content-Length {m.end - m.header_end}"
        if m.end > m.header_end
        else f"      head {m.start}–{m.delimiter}, ends at ␍␊␍␊ (bytes {m.delimiter}–{m.header_end}); no body",
        f"      [{visible(head, 120)}‖␍␊␍␊‖{visible(body, 80)}]",
    ]
    return lines
