"""C/S and B/S (section 一): one tiny HTTP service, reached by the app's own client and by a browser.

The server and the C/S client run in :class:`netsim.lessons.clientserver.lab.WebLab`'s worker
threads; the headless browser (when installed) runs in a worker thread of this panel; "Open in
browser" hands the URL to the desktop (``QDesktopServices``).  Nothing here calls a socket: the
panel reads the lab's events through the bridge and draws each connection's messages with
HTTP's framing marked — the head up to ``␍␊␍␊`` (a delimiter), the body of
``Content-Length`` bytes (a length) — beside the ``recv()`` chunks the bytes really came in.
"""

from __future__ import annotations

import html
import threading

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QBrush, QColor, QDesktopServices, QFont, QFontMetricsF
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.panels.base import LessonPanel
from app.shell.theme import Theme
from app.widgets.os_errors import explain, with_explanation
from netsim.core.events import Event, SocketFailed
from netsim.core.trace import Trace
from netsim.lessons.clientserver.analysis import ConnectionView, connections
from netsim.lessons.clientserver.browser import find_browser, run_browser
from netsim.lessons.clientserver.events import HttpMessageFramed, ServerListening
from netsim.lessons.clientserver.lab import WebLab

MAX_EVENTS = 20_000  # a browser reloading for an hour must not grow the panel without end
SHOW_BODY_BYTES = 400
POLL_MS = 50

# Okabe–Ito: head, delimiter, body, recv() boundary.
# The parts of an HTTP message, as indices into the theme's message palette.
HEAD, DELIM, BODY, CHUNK = 1, 0, 2, 6


def over_white(colour: QColor, alpha: int) -> str:
    a = alpha / 255
    r, g, b = (round(255 - (255 - v) * a) for v in (colour.red(), colour.green(), colour.blue()))
    return f"#{r:02x}{g:02x}{b:02x}"


CRLF2 = r"\r\n\r\n"  # as a programmer writes it: shown, never translated


def shown(data: bytes, *, breaks: bool = True) -> str:
    """Bytes as HTML text: CR and LF written as \\r \\n (a line break after LF), control bytes as ·."""
    text = data.decode("utf-8", "replace")
    out = []
    for ch in text:
        if ch == "\r":
            out.append("\\r")
        elif ch == "\n":
            out.append("\\n<br>" if breaks else "\\n")
        elif ch == "\t":
            out.append("→")
        elif not ch.isprintable():
            out.append("·")
        else:
            out.append(html.escape(ch))
    return "".join(out)


class ClientServerPanel(LessonPanel):
    panel_id = "clientserver"
    tick_ms = POLL_MS

    def __init__(self, theme: Theme | None = None, parent: QWidget | None = None) -> None:
        super().__init__(theme, parent)
        self._scale = 1.0
        self._lab: WebLab | None = None
        self._events: list[Event] = []
        self._dropped = 0
        self._views: list[ConnectionView] = []
        self._url = ""
        self._error = ""
        self._browser_running = False  # the headless browser runs on the panel's helper thread
        self._browser_note = ""
        self._browser_stop = threading.Event()
        self._browser_path = find_browser()
        self._client_runs = 0
        self._build()
        self.retranslate()
        self.apply_theme(self.theme)

    # ================================================================ layout
    def _build(self) -> None:
        self._title = QLabel()
        self._title.setWordWrap(True)
        self._intro = QLabel()
        self._intro.setWordWrap(True)
        self._port_label = QLabel()
        self.port_spin = QSpinBox()
        self.port_spin.setRange(0, 65535)
        self.port_spin.setValue(0)
        self.start_btn = QPushButton()
        self.start_btn.clicked.connect(self.toggle_server)
        self.url_label = QLabel()
        self.url_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.client_btn = QPushButton()
        self.client_btn.clicked.connect(self.run_client)
        self.open_btn = QPushButton()
        self.open_btn.clicked.connect(self.open_in_browser)
        self.headless_btn = QPushButton()
        self.headless_btn.clicked.connect(self.run_headless_browser)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.RichText)
        row = QHBoxLayout()
        row.addWidget(self._port_label)
        row.addWidget(self.port_spin)
        row.addWidget(self.start_btn)
        row.addWidget(self.url_label, 1)
        row2 = QHBoxLayout()
        row2.addWidget(self.client_btn)
        row2.addWidget(self.open_btn)
        row2.addWidget(self.headless_btn)
        row2.addStretch(1)

        self.conn_table = QTableWidget(0, 4)
        self.conn_table.verticalHeader().setVisible(False)
        self.conn_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.conn_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.conn_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.conn_table.horizontalHeader().setStretchLastSection(True)
        self.conn_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.conn_table.itemSelectionChanged.connect(self._show_selected)
        self.ribbon = QTextBrowser()
        self.ribbon.setOpenLinks(False)
        self._legend = QLabel()
        self._legend.setWordWrap(True)
        self._legend.setTextFormat(Qt.TextFormat.RichText)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self._legend)
        rl.addWidget(self.ribbon, 1)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.conn_table)
        split.addWidget(right)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 5)
        self._split = split

        outer = QVBoxLayout(self.content)
        outer.addWidget(self._title)
        outer.addWidget(self._intro)
        outer.addLayout(row)
        outer.addLayout(row2)
        outer.addWidget(self.status)
        outer.addWidget(split, 1)
        self._update_buttons()

    # =========================================================== translation
    def title(self) -> str:
        return self.tr("C/S and B/S")

    def client_name(self, kind: str) -> str:
        return {
            "cs": self.tr("C/S client"),
            "browser": self.tr("browser (B/S)"),
            "other": self.tr("another client"),
        }[kind]

    def retranslate(self) -> None:
        self._title.setText(self.tr("C/S and B/S — one service, two kinds of client"))
        self._intro.setText(
            self.tr(
                "C/S: a client program you install talks to its server. B/S: the browser is the client; it "
                "speaks HTTP to a web server, nothing to install. Below, one small HTTP server on this machine "
                "is reached both ways. HTTP separates its messages with the two cures for sticky packets "
                "(黏包): the head ends at {crlf2} (a delimiter), the body is Content-Length bytes (a length)."
            ).format(crlf2=CRLF2)
        )
        self._port_label.setText(self.tr("Port:"))
        self.port_spin.setSpecialValueText(self.tr("any free port"))
        self.client_btn.setText(self.tr("Run the C/S client"))
        self.open_btn.setText(self.tr("Open in browser"))
        self.headless_btn.setText(self.tr("Headless Chromium"))
        self.conn_table.setHorizontalHeaderLabels(
            [self.tr("Connection"), self.tr("Client"), self.tr("Requests"), self.tr("State")]
        )
        self._legend.setText(
            " ".join(
                f"<span style='background-color:{over_white(c, 110)}'>&nbsp;{html.escape(t)}&nbsp;</span>"
                for c, t in (
                    (self.theme.message_colour(HEAD), self.tr("head")),
                    (
                        self.theme.message_colour(DELIM),
                        self.tr("{crlf2}: end of head (delimiter)").format(crlf2=CRLF2),
                    ),
                    (self.theme.message_colour(BODY), self.tr("body: Content-Length bytes (length)")),
                    (self.theme.message_colour(CHUNK), self.tr("a recv() chunk ends here")),
                )
            )
        )
        self._update_buttons()
        self._fill_table()
        self._show_selected()
        self._show_status()

    def apply_theme(self, theme: Theme) -> None:
        self._scale = max(0.5, theme.scale)

        def font(mult: float, bold: bool = False) -> QFont:
            return theme.font(mult, bold)

        self.setFont(font(1.0))
        self._title.setFont(font(1.5, bold=True))
        for w in (self._intro, self.status, self._legend, self.url_label):
            w.setFont(font(1.05))
        self.url_label.setFont(font(1.1, bold=True))
        self.ribbon.setFont(theme.font(0.95, mono=True))
        self.conn_table.verticalHeader().setDefaultSectionSize(int(QFontMetricsF(font(1.0)).height() * 1.5))
        self.conn_table.resizeColumnsToContents()

    # ================================================================ server
    def toggle_server(self) -> None:
        if self._lab is None:
            self.start_server()
        else:
            self.stop_server()

    def start_server(self) -> None:
        if self._lab is not None:
            return
        self._events, self._views, self._dropped = [], [], 0
        self._url, self._error, self._browser_note = "", "", ""
        self._client_runs = 0
        lab = WebLab(port=self.port_spin.value())
        self._lab = lab
        self.bridge.attach(lab.recorder)
        lab.start()  # binds in its own thread: the URL arrives as an event
        self._update_buttons()
        self._fill_table()
        self._show_selected()
        self._show_status()

    def stop_server(self) -> None:
        self._browser_stop.set()  # the headless browser (if any) ends at once
        lab, self._lab = self._lab, None
        if lab is not None:
            # stop flag + join, on the helper thread; then the lab's last events are taken
            def closed(lab: WebLab = lab) -> None:
                if self.bridge.recorder is lab.recorder:
                    self.bridge.attach(None)

            self.close_off_gui(lab.close, self.tr("Stopping the server"), then=closed)
        self._url = ""
        self._update_buttons()
        self._show_status()

    def run_client(self) -> None:
        if self._lab is None or not self._url or not self._lab.clients_idle():
            return
        self._client_runs += 1
        self._lab.run_client(self.tr("student"))
        self._update_buttons()

    def open_in_browser(self) -> None:
        if self._url:
            QDesktopServices.openUrl(QUrl(self._url))

    def run_headless_browser(self) -> None:
        browser = self._browser_path
        if browser is None or not self._url or self._browser_running:
            return
        url = self._url
        stop = self._browser_stop = threading.Event()
        self._browser_running = True
        self.run_off_gui(
            lambda: run_browser(browser, url, stop=stop),
            what=self.tr("Headless Chromium"),
            done=self._browser_done,
            discard=self._browser_done,
            failed=self._browser_failed,
        )
        self._browser_note = self.tr("Headless Chromium is loading {url} …").format(url=url)
        self._update_buttons()
        self._show_status()

    def _browser_done(self, result: tuple[bool, str]) -> None:
        """run_browser ends at once when stopped, or by its own timeout: the browser is killed."""
        self._browser_running = False
        ok, text = result
        if ok:
            seen = "你好" in text
            self._browser_note = (
                self.tr("Headless Chromium rendered the page; the greeting is on it.")
                if seen
                else self.tr("Headless Chromium rendered the page, but without the greeting.")
            )
        else:
            self._browser_note = self.tr("Headless Chromium failed: {reason}").format(reason=text[:300])
        self._update_buttons()
        self._show_status()

    def _browser_failed(self, exc: BaseException) -> None:
        self._browser_done((False, f"{type(exc).__name__}: {exc}"))

    def _update_buttons(self) -> None:
        running = self._lab is not None
        listening = running and bool(self._url)
        self.start_btn.setText(self.tr("Stop server") if running else self.tr("Start server"))
        self.port_spin.setEnabled(not running)
        client_busy = self._lab is not None and not self._lab.clients_idle()
        self.client_btn.setEnabled(listening and not client_busy)
        self.open_btn.setEnabled(listening)
        have_browser = self._browser_path is not None
        self.headless_btn.setEnabled(listening and have_browser and not self._browser_running)
        self.headless_btn.setToolTip(
            ""
            if have_browser
            else self.tr("No Chromium-family browser is installed (apt-get install chromium).")
        )
        self.url_label.setText(self._url or (self.tr("starting…") if running else self.tr("server stopped")))

    # ================================================================ events
    def on_events(self, batch: list[Event]) -> None:
        for ev in batch:
            if isinstance(ev, ServerListening):
                self._url = ev.url
            elif isinstance(ev, SocketFailed):
                self._error = with_explanation(f"{ev.endpoint}: {ev.message}", explain(ev))
        self._events.extend(batch)
        if len(self._events) > MAX_EVENTS:
            cut = len(self._events) - MAX_EVENTS
            self._dropped += cut
            del self._events[:cut]
        selected = self._selected_conn()
        self._views = connections(self._events)
        self._fill_table(selected)
        self._update_buttons()
        self._show_status()

    def _selected_conn(self) -> int | None:
        rows = self.conn_table.selectionModel().selectedRows()
        if rows and rows[0].row() < len(self._views):
            return self._views[rows[0].row()].conn
        return None

    def _fill_table(self, keep: int | None = None) -> None:
        t = self.conn_table
        t.blockSignals(True)
        t.setRowCount(len(self._views))
        select = 0 if self._views else -1
        for r, v in enumerate(self._views):
            if v.conn == keep:
                select = r
            state = self.tr("closed") if v.closed else self.tr("open")
            kind = self.client_name(v.client) if v.requests else self.tr("(no request yet)")
            for c, text in enumerate((f":{v.conn}", kind, str(len(v.requests)), state)):
                item = QTableWidgetItem(text)
                if c == 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if v.refused:
                    item.setForeground(QBrush(self.theme.bad_colour))
                t.setItem(r, c, item)
        t.resizeColumnsToContents()
        t.blockSignals(False)
        if select >= 0:
            t.selectRow(select)
        self._show_selected()

    def _show_status(self) -> None:
        parts = []
        if self._error:
            error = self.tr("Error: {e}").format(e=self._error)
            parts.append(f"<span style='color:{self.theme.bad_colour.name()}'>{html.escape(error)}</span>")
        if self._lab is not None and self._url:
            n_cs = sum(1 for v in self._views if v.client == "cs")
            n_bs = sum(1 for v in self._views if v.client == "browser")
            parts.append(
                html.escape(
                    self.tr("Serving {url}: {cs} C/S and {bs} B/S connection(s) so far.").format(
                        url=self._url, cs=n_cs, bs=n_bs
                    )
                )
            )
        if self._dropped:
            parts.append(html.escape(self.tr("The oldest events were dropped to bound memory.")))
        if self._browser_note:
            parts.append(html.escape(self._browser_note))
        self.status.setText(" ".join(parts))

    def _show_selected(self) -> None:
        conn = self._selected_conn()
        view = next((v for v in self._views if v.conn == conn), None)
        self.ribbon.setHtml(self.ribbon_html(view) if view is not None else "")

    def ribbon_html(self, v: ConnectionView) -> str:
        """The connection's messages in order, each with its framing marked, and the recv() chunks."""
        lines: list[str] = []
        muted = self.theme.muted_colour.name()
        chunks = ", ".join(f"{c.start}–{c.end}" for c in v.request_chunks) or "—"
        server_chunks = self.tr("The server’s recv() chunks: {c}").format(c=chunks)
        lines.append(f"<p style='color:{muted}'>{html.escape(server_chunks)}")
        for i, n in v.glued():
            ch = v.request_chunks[i]
            lines.append(
                "<br><b>"
                + html.escape(
                    self.tr(
                        "黏包: one recv() ({a}–{b}) held {n} requests; HTTP's framing took them apart."
                    ).format(a=ch.start, b=ch.end, n=n)
                )
                + "</b>"
            )
        if v.response_chunks:
            c2 = ", ".join(f"{c.start}–{c.end}" for c in v.response_chunks)
            lines.append("<br>" + html.escape(self.tr("The C/S client’s recv() chunks: {c}").format(c=c2)))
        lines.append("</p>")
        ends = {c.end for c in v.request_chunks}
        for k in range(max(len(v.requests), len(v.responses))):
            for m, chunk_ends in (
                (v.requests[k] if k < len(v.requests) else None, ends),
                (v.responses[k] if k < len(v.responses) else None, set()),
            ):
                if m is not None:
                    lines.append(self._message_html(m, chunk_ends))
        for r in v.refused:
            lines.append(
                f"<p style='color:{self.theme.bad_colour.name()}'>"
                + html.escape(
                    self.tr("Refused with {status}: {reason}").format(status=r.status, reason=r.reason)
                )
                + "</p>"
            )
        return "".join(lines)

    def _message_html(self, m: HttpMessageFramed, chunk_ends: set[int]) -> str:
        arrow = "→" if m.direction == "request" else "←"
        what = self.tr("request {i}") if m.direction == "request" else self.tr("response {i}")
        body_len = m.end - m.header_end
        framing = (
            self.tr("bytes {a}–{b}: head {a}–{d}, {crlf2} at {d}–{h}, body {h}–{b} = Content-Length {n}")
            if body_len
            else self.tr(
                "bytes {a}–{b}: head {a}–{d}, {crlf2} at {d}–{h}, no body (Content-Length 0 or none)"
            )
        ).format(a=m.start, b=m.end, d=m.delimiter, h=m.header_end, n=body_len, crlf2=CRLF2)
        head = m.data[: m.delimiter - m.start]
        delim = m.data[m.delimiter - m.start : m.header_end - m.start]
        body = m.data[m.header_end - m.start :]
        more = ""
        if len(body) > SHOW_BODY_BYTES:
            more = html.escape(self.tr("… {n} more bytes").format(n=len(body) - SHOW_BODY_BYTES))
            body = body[:SHOW_BODY_BYTES]
        chunk_mark = ""
        if m.end in chunk_ends:
            chunk_mark = (
                f"<span style='background-color:{over_white(self.theme.message_colour(CHUNK), 150)}'>&nbsp;|"
                + html.escape(self.tr("recv() ends"))
                + "&nbsp;</span>"
            )
        return (
            f"<p><b>{arrow} {html.escape(what.format(i=m.index))}</b> "
            f"<span style='color:{self.theme.muted_colour.name()}'>{html.escape(framing)}</span><br>"
            f"<span style='background-color:{over_white(self.theme.message_colour(HEAD), 70)}'>{shown(head)}</span>"
            f"<span style='background-color:{over_white(self.theme.message_colour(DELIM), 170)}'><b>{shown(delim, breaks=False)}</b></span>"
            + ("<br>" if body else "")
            + f"<span style='background-color:{over_white(self.theme.message_colour(BODY), 90)}'>{shown(body)}</span>{more}"
            f"{chunk_mark}</p>"
        )

    # ============================================================ interface
    def connection_rows(self) -> list[tuple[str, ...]]:
        t = self.conn_table

        def text(r: int, c: int) -> str:
            item = t.item(r, c)
            return item.text() if item is not None else ""

        return [tuple(text(r, c) for c in range(t.columnCount())) for r in range(t.rowCount())]

    def export_trace(self, path: str) -> None:
        """File ▸ Export: the run's events as a JSON Lines trace (loads again in a fresh interpreter)."""
        Trace(self._events).save(path)

    def views(self) -> list[ConnectionView]:
        return list(self._views)

    def run_default_preset(self) -> None:
        """Start the server and, once it listens, the C/S client (and headless Chromium when installed)."""
        if self._lab is None:
            self.start_server()
        self._preset_pending = True  # on_tick starts the client once the server listens

    _preset_pending = False

    def _preset_step(self) -> None:
        if not self._preset_pending or self._lab is None:
            self._preset_pending = False
            return
        if not self._url:
            if self._lab.finished:  # the server failed (port in use…): the status says why
                self._preset_pending = False
            return
        self._preset_pending = False
        self.run_client()
        self.run_headless_browser()

    def on_tick(self) -> None:
        if self._preset_pending:
            self._preset_step()
        if self._lab is not None:
            self._update_buttons()  # the C/S client ends in the lab's thread

    def is_idle(self) -> bool:
        if self._preset_pending or self.helper_busy:
            return False
        if self._browser_running:
            return False
        if self._lab is not None and not self._lab.clients_idle():
            return False
        # The client finished; are its events through the bridge yet?
        return not (
            self._lab is not None and self._client_runs and not any(v.client == "cs" for v in self._views)
        )

    def run(self) -> None:
        """F5: start the server if needed, then the C/S client."""
        self.run_default_preset()

    def step(self) -> None:
        """Space: one more C/S client run on the running server."""
        self.run_client()

    def pause(self) -> None:
        """Nothing to pause: the server answers whoever asks."""

    def reset(self) -> None:
        self.stop_server()
        self._events, self._views, self._dropped, self._error, self._browser_note = [], [], 0, "", ""
        self._fill_table()
        self._show_status()

    def stop_work(self) -> None:
        self._preset_pending = False
        self.stop_server()

    def can_export_trace(self) -> bool:
        return True

    def key_widget(self) -> QWidget | None:
        return self.conn_table
