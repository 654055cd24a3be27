"""Addresses, ports and layers: the lesson's network basics (网络基础, OSI 七层) on this machine.

Three parts: "This machine" (network cards with MAC, addresses with prefix and their kind,
default gateway and the MAC ARP learnt for it), "Addresses and ports" (classify any address in
one sentence, explain a port and who listens on it, the listening sockets), and "Layers" (a
message wrapped in a real Ethernet/IPv4/TCP-or-UDP frame, drawn as nested boxes with the bytes
in hex coloured by layer).  Everything comes from :mod:`netsim.lessons.addresses`; nothing is
sent on the network.  The kernel (interfaces, routes, ARP, the listening-socket scan through
psutil) is read on the panel's helper thread (:class:`app.panels.base.LessonPanel`) on a button
or the optional auto-refresh timer, never on the GUI thread and never while painting.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from PySide6.QtCore import QRectF, QSize, Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.panels.base import LessonPanel
from app.shell.theme import Theme
from netsim.lessons.addresses import (
    LESSON_BLOCK_BITS,
    AddressInfo,
    Gateway,
    Interface,
    Layer,
    ListeningScan,
    Neighbour,
    PortInfo,
    Transport,
    classify,
    default_gateway,
    encapsulate,
    interfaces,
    layers,
    neighbours,
    port_info,
    scan_listening,
)
from netsim.lessons.addresses.names import BIND_CHOICES, NameLookup, Resolution

DEFAULT_ADDRESS = "192.168.16.67"
DEFAULT_PORT = 9001
DEFAULT_MESSAGE = "hello"
SRC_PORT = 50000
AUTO_REFRESH_MS = 3000
DEFAULT_NAME = "localhost"
RESOLVE_TIMEOUT_S = 3.0
HEX_PER_LINE = 16
HEX_MAX_BYTES = 1024
FIT_MAX = 1.6  # the boxes' text may grow to 1.6x the zoom when the view has room
SPLIT_MIN_FIELDS = 6  # boxes with more fields than this may show them in two columns
INSET_Y = 5  # px (at scale 1) between a layer's box and the box inside it, top and bottom
LINE_SPACING = 1.02


@dataclass(frozen=True)
class MachineSnapshot:
    """What the helper thread read from the kernel in one go."""

    interfaces: list[Interface]
    scan: ListeningScan
    gateways: dict[int, Gateway]
    arp: dict[str, Neighbour]


def read_machine() -> MachineSnapshot:
    """Interfaces, the listening-socket scan, default gateways and ARP (helper thread)."""
    return MachineSnapshot(
        interfaces=interfaces(),
        scan=scan_listening(),
        gateways={v: default_gateway(v) for v in (4, 6)},
        arp={n.address: n for n in neighbours()},
    )


def read_port(port: int) -> tuple[ListeningScan, PortInfo]:
    """A fresh listening scan and what it says about ``port`` (helper thread)."""
    scan = scan_listening()
    return scan, port_info(port, scan=scan)


def join_sentences(parts: list[str]) -> str:
    """Sentences joined with a space, or with nothing after a Chinese full stop."""
    out = ""
    for part in parts:
        if out and not out.endswith(("。", "）", "！")):
            out += " "
        out += part
    return out


def tint(colour: QColor, alpha: int) -> QColor:
    c = QColor(colour)
    c.setAlpha(alpha)
    return c


def over_white(colour: QColor, alpha: int) -> str:
    """The colour at ``alpha``/255 over white, as ``#rrggbb`` (rich text has no alpha)."""
    a = alpha / 255
    r, g, b = (round(255 - (255 - v) * a) for v in (colour.red(), colour.green(), colour.blue()))
    return f"#{r:02x}{g:02x}{b:02x}"


@dataclass(frozen=True)
class LayerText:
    """What the view writes in one layer's box, already translated."""

    title: str
    osi: str
    tcpip: str
    size: str
    fields: tuple[str, ...]


class LayersView(QWidget):
    """The frame as nested boxes: each layer's header on the left of its box, what it carries inside."""

    def __init__(self, parent: QWidget | None = None, *, theme: Theme | None = None) -> None:
        super().__init__(parent)
        self.theme = theme if theme is not None else Theme(self)
        self.layers: list[Layer] = []
        self.texts: list[LayerText] = []
        self.scale = 1.0
        self.setMinimumHeight(200)

    def set_layers(self, found: list[Layer], texts: list[LayerText]) -> None:
        self.layers, self.texts = found, texts
        self.update()

    def set_scale(self, factor: float) -> None:
        self.scale = factor
        self.setMinimumHeight(int(150 * factor))
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(int(900 * self.scale), int(260 * self.scale))

    def _fonts(self, fit: float) -> tuple[QFont, QFont, QFont]:
        title_font = self.theme.font(1.15 * fit, bold=True)
        body_font = self.theme.font(0.95 * fit)
        mono = self.theme.font(0.9 * fit, mono=True)
        return title_font, body_font, mono

    def _box_layout(
        self, text: LayerText, fonts: tuple[QFont, QFont, QFont], split: bool
    ) -> tuple[float, float, list[tuple[float, float, QFont, QColor, str]]]:
        """(width, height, items) of one box's text; items are (dx, dy, font, ink, text).

        The first row is the title in bold with the header size beside it, then the OSI and
        TCP/IP names, then the fields: one per row, or (``split``) two per row in two columns.
        """
        title_font, body_font, mono = fonts
        tfm, bfm, mfm = QFontMetricsF(title_font), QFontMetricsF(body_font), QFontMetricsF(mono)
        gap = bfm.horizontalAdvance("  ")
        items: list[tuple[float, float, QFont, QColor, str]] = []
        title_w = tfm.horizontalAdvance(text.title)
        items.append((0.0, 0.0, title_font, self.theme.text_colour, text.title))
        items.append((title_w + gap, 0.0, body_font, self.theme.text_colour, text.size))
        width = title_w + gap + bfm.horizontalAdvance(text.size)
        y = tfm.height() * LINE_SPACING
        fields = list(text.fields)
        split_fields = split and len(fields) > SPLIT_MIN_FIELDS
        for line in (text.osi, text.tcpip):
            # When space is short, a long name breaks after its colon ("OSI 5–7:" / "session / …").
            head, sep, tail = line.partition("：") if "：" in line else line.partition(": ")
            if split and not split_fields and sep and bfm.horizontalAdvance(line) > width:
                parts = [head + sep.strip(), "  " + tail]
            else:
                parts = [line]
            for part in parts:
                items.append((0.0, y, body_font, self.theme.text_colour, part))
                width = max(width, bfm.horizontalAdvance(part))
                y += bfm.height() * LINE_SPACING
        if split_fields:
            half = (len(fields) + 1) // 2
            first, second = fields[:half], fields[half:]
            col2 = max(mfm.horizontalAdvance(f) for f in first) + gap
            for row, f in enumerate(first):
                items.append((0.0, y + row * mfm.height() * LINE_SPACING, mono, self.theme.muted_colour, f))
            for row, f in enumerate(second):
                items.append((col2, y + row * mfm.height() * LINE_SPACING, mono, self.theme.muted_colour, f))
            width = max(width, col2 + max(mfm.horizontalAdvance(f) for f in second))
            y += half * mfm.height() * LINE_SPACING
        else:
            for f in fields:
                items.append((0.0, y, mono, self.theme.muted_colour, f))
                width = max(width, mfm.horizontalAdvance(f))
                y += mfm.height() * LINE_SPACING
        return width, y, items

    def _geometry(self, fit: float, split: bool = False) -> tuple[list[float], list[float], bool]:
        """Each column's width and each box's height at font factor ``fit``; whether all fits."""
        s = self.scale
        margin, inset_y, inset_r, pad = 4 * s, INSET_Y * s, 8 * s, 6 * s
        outer = QRectF(self.rect()).adjusted(margin, margin, -margin, -margin)
        fonts = self._fonts(fit)
        widths, heights = [], []
        for text in self.texts:
            w, h, _ = self._box_layout(text, fonts, split)
            widths.append(w + 2 * pad + 2)
            heights.append(h + 2 * pad)
        n = len(self.texts)
        need_w = sum(widths) + (n - 1) * inset_r
        fits = need_w <= outer.width() and all(
            h <= outer.height() - 2 * i * inset_y for i, h in enumerate(heights)
        )
        return widths, heights, fits

    def fit(self) -> tuple[float, bool]:
        """The largest font factor at which every box's text fits (0.5 to 1.6: larger text when the
        view has room, on a projector), and whether the fields go in two columns to get it."""
        best = (0.5, False)
        for split in (False, True):
            factor = 0.5
            while factor < FIT_MAX - 1e-9 and self._geometry(factor + 0.05, split)[2]:
                factor += 0.05
            if factor > best[0] + 1e-9 and self._geometry(factor, split)[2]:
                best = (factor, split)
        return best

    def fit_factor(self) -> float:
        return self.fit()[0]

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), self.theme.background_colour)
        n = len(self.layers)
        if not n:
            p.end()
            return
        s = self.scale
        margin, inset_y, inset_r, pad = 4 * s, INSET_Y * s, 8 * s, 6 * s
        outer = QRectF(self.rect()).adjusted(margin, margin, -margin, -margin)
        factor, split = self.fit()
        widths, _, _ = self._geometry(factor, split)
        # Share the spare width among the columns in proportion to what each needs.
        spare = max(0.0, outer.width() - sum(widths) - (n - 1) * inset_r)
        cols = [w + spare * w / sum(widths) for w in widths]
        fonts = self._fonts(factor)
        pen_w = (2.0 if self.theme.high_contrast else 1.5) * s
        left = outer.left()
        for i, (layer, text) in enumerate(zip(self.layers, self.texts, strict=True)):
            box = QRectF(
                left,
                outer.top() + i * inset_y,
                outer.right() - i * inset_r - left,
                outer.height() - 2 * i * inset_y,
            )
            colour = self.theme.layer_colour(layer.key)
            p.setPen(QPen(colour.darker(130), pen_w))
            p.setBrush(QBrush(self.theme.background_colour))
            p.drawRoundedRect(box, 6 * s, 6 * s)
            p.setBrush(QBrush(tint(colour, 70)))
            p.drawRoundedRect(box, 6 * s, 6 * s)
            width = (cols[i] if i < n - 1 else box.width()) - 2 * pad
            x, y = box.left() + pad, box.top() + pad
            bottom = box.bottom() - pad
            _, _, items = self._box_layout(text, fonts, split)
            for dx, dy, font, ink, line in items:
                fm = QFontMetricsF(font)
                room = width - dx
                if y + dy + fm.height() > bottom or room <= 0:
                    continue  # only when even the smallest fonts do not fit: never drawn outside the box
                p.setFont(font)
                p.setPen(ink)
                p.drawText(
                    QRectF(x + dx, y + dy, room, fm.height()),
                    int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                    fm.elidedText(line, Qt.TextElideMode.ElideRight, room),
                )
            left += cols[i]
        p.end()


class AddressesPanel(LessonPanel):
    panel_id = "addresses"

    def __init__(self, theme: Theme | None = None, parent: QWidget | None = None) -> None:
        super().__init__(theme, parent)
        self._scale = 1.0
        self._ifaces: list[Interface] = []
        self._gateways: dict[int, Gateway] = {}
        self._arp: dict[str, Neighbour] = {}
        self._reading = False
        self._scan: ListeningScan | None = None
        self._address_info: AddressInfo | None = None
        self._address_error = ""
        self._port: PortInfo | None = None
        self._frame = b""
        self._layers: list[Layer] = []
        self._lookup: NameLookup | None = None
        self._resolution: Resolution | None = None
        self._resolve_error = ""
        self.timer = QTimer(self)
        self.timer.setInterval(AUTO_REFRESH_MS)
        self.timer.timeout.connect(self.refresh_machine)
        self._build()
        self.retranslate()
        self.refresh_machine()
        self.apply_theme(self.theme)

    # ================================================================ layout
    def _build(self) -> None:
        self._title = QLabel()
        self._title.setWordWrap(True)

        # ---- (1) this machine
        self._machine_box = QGroupBox()
        self._machine_note = QLabel()
        self._machine_note.setWordWrap(True)
        self.iface_table = QTableWidget(0, 5)
        self._setup_table(self.iface_table)
        self.gateway_label = QLabel()
        self.gateway_label.setWordWrap(True)
        self.gateway_label.setTextFormat(Qt.TextFormat.RichText)
        self.gateway_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.refresh_btn = QPushButton()
        self.refresh_btn.clicked.connect(self.refresh_machine)
        self.auto_refresh = QCheckBox()
        self.auto_refresh.toggled.connect(self._auto_toggled)
        row = QHBoxLayout()
        row.addWidget(self.gateway_label, 1)
        row.addWidget(self.auto_refresh)
        row.addWidget(self.refresh_btn)
        ml = QVBoxLayout(self._machine_box)
        ml.addWidget(self._machine_note)
        ml.addWidget(self.iface_table, 1)
        ml.addLayout(row)

        # ---- (2) addresses and ports
        self._ports_box = QGroupBox()
        self._address_label = QLabel()
        self.address_edit = QLineEdit()
        self.address_edit.returnPressed.connect(self.classify_typed)
        self.classify_btn = QPushButton()
        self.classify_btn.clicked.connect(self.classify_typed)
        self.address_result = QLabel()
        self.address_result.setWordWrap(True)
        self.address_result.setTextFormat(Qt.TextFormat.RichText)
        self._port_label = QLabel()
        self.port_spin = QSpinBox()
        self.port_spin.setRange(0, 65535)
        self.port_spin.setValue(DEFAULT_PORT)
        self.port_spin.editingFinished.connect(self.explain_port)
        self.port_btn = QPushButton()
        self.port_btn.clicked.connect(self.explain_port)
        self.port_result = QLabel()
        self.port_result.setWordWrap(True)
        self.port_result.setTextFormat(Qt.TextFormat.RichText)
        self._listening_label = QLabel()
        self.listen_table = QTableWidget(0, 4)
        self._setup_table(self.listen_table)
        self.listen_note = QLabel()
        self.listen_note.setWordWrap(True)
        arow = QHBoxLayout()
        arow.addWidget(self._address_label)
        arow.addWidget(self.address_edit, 1)
        arow.addWidget(self.classify_btn)
        prow = QHBoxLayout()
        prow.addWidget(self._port_label)
        prow.addWidget(self.port_spin, 1)
        prow.addWidget(self.port_btn)
        pl = QVBoxLayout(self._ports_box)
        pl.addLayout(arow)
        pl.addWidget(self.address_result)
        pl.addLayout(prow)
        pl.addWidget(self.port_result)
        pl.addWidget(self._listening_label)
        pl.addWidget(self.listen_table, 1)
        pl.addWidget(self.listen_note)

        # ---- (3) layers
        self._layers_box = QGroupBox()
        self._message_label = QLabel()
        self.message_edit = QLineEdit(DEFAULT_MESSAGE)
        self.message_edit.textChanged.connect(self._show_layers)
        self.transport = QComboBox()
        self.transport.addItem("TCP", "tcp")
        self.transport.addItem("UDP", "udp")
        self.transport.currentIndexChanged.connect(self._show_layers)
        self.frame_summary = QLabel()
        self.frame_summary.setWordWrap(True)
        self._encap_note = QLabel()
        self._encap_note.setWordWrap(True)
        self.layers_view = LayersView(theme=self.theme)
        self.hex_view = QTextBrowser()
        self.hex_view.setOpenLinks(False)
        lrow = QHBoxLayout()
        lrow.addWidget(self._message_label)
        lrow.addWidget(self.message_edit, 3)
        lrow.addWidget(self.transport)
        # The hex below the boxes: the boxes get the whole width, the hex four lines or so.
        lay_split = QSplitter(Qt.Orientation.Vertical)
        lay_split.addWidget(self.layers_view)
        lay_split.addWidget(self.hex_view)
        lay_split.setStretchFactor(0, 1)
        lay_split.setStretchFactor(1, 0)
        ll = QVBoxLayout(self._layers_box)
        ll.addWidget(self._encap_note)
        ll.addLayout(lrow)
        ll.addWidget(self.frame_summary)
        ll.addWidget(lay_split, 1)
        self._lay_split = lay_split

        # ---- (4) domain names
        self._names_box = QWidget()
        self._names_note = QLabel()
        self._names_note.setWordWrap(True)
        self._name_label = QLabel()
        self.name_edit = QLineEdit(DEFAULT_NAME)
        self.name_edit.returnPressed.connect(self.resolve_typed)
        self.resolve_btn = QPushButton()
        self.resolve_btn.clicked.connect(self.resolve_typed)
        self.resolve_result = QLabel()
        self.resolve_result.setWordWrap(True)
        self.resolve_result.setTextFormat(Qt.TextFormat.RichText)
        self.resolve_table = QTableWidget(0, 3)
        self._setup_table(self.resolve_table)
        self.resolve_sources = QLabel()
        self.resolve_sources.setWordWrap(True)
        self._bind_title = QLabel()
        self.bind_text = QLabel()
        self.bind_text.setWordWrap(True)
        self.bind_text.setTextFormat(Qt.TextFormat.RichText)
        nrow = QHBoxLayout()
        nrow.addWidget(self._name_label)
        nrow.addWidget(self.name_edit, 1)
        nrow.addWidget(self.resolve_btn)
        nl = QVBoxLayout(self._names_box)
        nl.addWidget(self._names_note)
        nl.addLayout(nrow)
        nl.addWidget(self.resolve_result)
        nl.addWidget(self.resolve_table)
        nl.addWidget(self.resolve_sources)
        nl.addWidget(self._bind_title)
        nl.addWidget(self.bind_text)
        nl.addStretch(1)
        # Scrolls rather than cuts when zoom makes the sentences taller than the tab.
        self._names_scroll = QScrollArea()
        self._names_scroll.setWidgetResizable(True)
        self._names_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self._names_scroll.setWidget(self._names_box)

        # Three tabs, so each part has the whole width and height at a projector's 1280x720.
        self.tabs = QTabWidget()
        self.tabs.addTab(self._machine_box, "")
        self.tabs.addTab(self._ports_box, "")
        self.tabs.addTab(self._layers_box, "")
        self.tabs.addTab(self._names_scroll, "")
        outer = QVBoxLayout(self.content)
        outer.addWidget(self._title)
        outer.addWidget(self.tabs, 1)

    @staticmethod
    def _setup_table(table: QTableWidget) -> None:
        table.verticalHeader().setVisible(False)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.horizontalHeader().setStretchLastSection(True)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.setWordWrap(False)

    # =========================================================== translation
    def title(self) -> str:
        return self.tr("Addresses, ports and layers")

    def kind_name(self, kind: str) -> str:
        return {
            "loopback": self.tr("loopback"),
            "private": self.tr("private"),
            "link-local": self.tr("link-local"),
            "unspecified": self.tr("all interfaces (unspecified)"),
            "multicast": self.tr("multicast"),
            "broadcast": self.tr("broadcast"),
            "shared": self.tr("shared (carrier NAT)"),
            "documentation": self.tr("documentation"),
            "reserved": self.tr("reserved"),
            "ipv4-mapped": self.tr("IPv4-mapped"),
            "global": self.tr("public (global)"),
        }[kind]

    def explain_address(self, info: AddressInfo) -> str:
        """One translated sentence saying what the address is and what that means."""
        a, b = info.address, info.block
        sentences = {
            "loopback": self.tr(
                "{addr} is a loopback address ({block}): it never leaves this machine; "
                "a program reaches another program on the same computer."
            ),
            "private": self.tr(
                "{addr} is a private address ({block}): it works inside a LAN, "
                "a router's NAT stands between it and the Internet."
            ),
            "link-local": self.tr(
                "{addr} is a link-local address ({block}): it is valid only on one link "
                "(one switch or cable) and routers do not forward it."
            ),
            "unspecified": self.tr(
                '{addr} means "all interfaces": not a destination; a server bound to it '
                "accepts connections on every address of this machine."
            ),
            "multicast": self.tr(
                "{addr} is a multicast address ({block}): one packet reaches every member of a group."
            ),
            "broadcast": self.tr(
                "{addr} is the broadcast address: one packet reaches every machine on the local network."
            ),
            "shared": self.tr(
                "{addr} is in the carrier-grade NAT block ({block}): an ISP uses it between its "
                "customers and the Internet."
            ),
            "documentation": self.tr(
                "{addr} is a documentation address ({block}): reserved for examples, "
                "never routed on the Internet."
            ),
            "reserved": self.tr("{addr} is a reserved address ({block}): not used by ordinary hosts."),
            "ipv4-mapped": self.tr(
                "{addr} is an IPv4 address written as IPv6 ({block}), as dual-stack sockets show it."
            ),
            "global": self.tr(
                "{addr} is a public (global) address: routable on the Internet and unique worldwide."
            ),
        }
        text = sentences[info.kind].format(addr=a, block=b or "-")
        if info.version == 6:
            text = self.tr("IPv6: {sentence}").format(sentence=text)
        if info.network:
            text = join_sentences(
                [
                    text,
                    self.tr("Its network is {network} (netmask {netmask}).").format(
                        network=info.network, netmask=info.netmask
                    ),
                ]
            )
        names = self.block_names(info)
        if names:
            text = join_sentences([text, names])
        if info.mapped is not None:
            text = join_sentences([text, self.explain_address(info.mapped)])
        return text

    def block_names(self, info: AddressInfo) -> str:
        """The lesson's name for a private block beside RFC 1918's (which counts host bits)."""
        if not info.lesson_block or info.rfc_host_bits is None:
            return ""
        lesson_bits, rfc_bits = LESSON_BLOCK_BITS[info.block], info.rfc_host_bits
        if lesson_bits == rfc_bits:
            return self.tr("The lesson and RFC 1918 both call it the {bits}-bit block ({name}).").format(
                bits=rfc_bits, name=info.lesson_block
            )
        return self.tr(
            "The lesson calls it the {lesson_bits}-bit block ({name}); RFC 1918 names the blocks by their "
            "host bits and calls it the {rfc_bits}-bit block."
        ).format(lesson_bits=lesson_bits, name=info.lesson_block, rfc_bits=rfc_bits)

    def explain_port(self) -> None:
        """Explain the port in the box; the listening scan it needs runs on the helper thread."""
        port = self.port_spin.value()
        self.run_off_gui(
            lambda: read_port(port),
            what=self.tr("Reading the listening sockets"),
            done=self._port_read,
            failed=self._port_failed,
        )

    def _port_read(self, result: tuple[ListeningScan, PortInfo]) -> None:
        self._scan, self._port = result
        self._fill_listening()
        self._show_port()

    def _port_failed(self, exc: BaseException) -> None:
        if not isinstance(exc, ValueError):
            self.report_error(self.tr("Reading the listening sockets failed: {e}").format(e=exc))
        self._port = None
        self._fill_listening()
        self._show_port()

    def port_sentence(self, info: PortInfo) -> str:
        ranges = {
            "well-known": self.tr("{port} is a well-known port (0–1023)."),
            "registered": self.tr("{port} is a registered port (1024–49151)."),
            "dynamic": self.tr("{port} is a dynamic / private port (49152–65535)."),
        }
        parts = [ranges[info.range_class].format(port=info.port)]
        if info.port == 0:
            parts.append(self.tr("bind() to port 0 asks the operating system to choose a free port."))
        elif info.privileged:
            parts.append(
                self.tr("Binding it needs root here (ports below {start} are privileged).").format(
                    start=info.unprivileged_start
                )
            )
        elif info.range_class == "well-known":
            parts.append(
                self.tr("This machine lets any program bind it (privileged ports end below {start}).").format(
                    start=info.unprivileged_start
                )
            )
        if info.in_ephemeral:
            lo, hi = info.ephemeral
            parts.append(
                self.tr(
                    "It lies in this machine's ephemeral range {lo}–{hi}, where client ports are picked: "
                    "a server may find it taken."
                ).format(lo=lo, hi=hi)
            )
        if info.good_for_lab_server:
            parts.append(self.tr("A good port for your own server (the lesson: ports from 8000 up)."))
        names = sorted({n for n in (info.service_tcp, info.service_udp) if n})
        if names:
            parts.append(self.tr("Known service: {name}.").format(name="/".join(names)))
        if info.listeners:
            who = ", ".join(
                self._listener_text(s.transport, s.endpoint, s.process, s.pid) for s in info.listeners
            )
            parts.append(self.tr("Listening now: {who}.").format(who=who))
        else:
            parts.append(self.tr("Nobody listens on it now."))
        return join_sentences(parts)

    def _listener_text(self, transport: str, endpoint: str, process: str | None, pid: int | None) -> str:
        if pid is None:
            return f"{transport.upper()} {endpoint}"
        return self.tr("{transport} {endpoint} ({process}, pid {pid})").format(
            transport=transport.upper(), endpoint=endpoint, process=process or "?", pid=pid
        )

    def layer_texts(self, found: list[Layer]) -> list[LayerText]:
        osi_names = {
            "data link": self.tr("data link layer"),
            "network": self.tr("network layer"),
            "transport": self.tr("transport layer"),
            "session / presentation / application": self.tr("session / presentation / application"),
        }
        tcpip_names = {
            "link": self.tr("link layer"),
            "internet": self.tr("internet layer"),
            "transport": self.tr("transport layer"),
            "application": self.tr("application layer"),
        }
        field_names = {
            "dst MAC": self.tr("dst MAC"),
            "src MAC": self.tr("src MAC"),
            "type": self.tr("type"),
            "src": self.tr("src"),
            "dst": self.tr("dst"),
            "ttl": "TTL",
            "proto": self.tr("protocol"),
            "total length": self.tr("total length"),
            "id": "id",
            "flags": self.tr("flags"),
            "checksum": self.tr("checksum"),
            "src port": self.tr("src port"),
            "dst port": self.tr("dst port"),
            "seq": "seq",
            "ack": "ack",
            "window": self.tr("window"),
            "header": self.tr("header"),
            "length": self.tr("length"),
            "text": self.tr("text"),
        }
        out = []
        for layer in found:
            title = self.tr("Application data") if layer.key == "payload" else layer.name
            size = (
                self.tr("data: {n} bytes").format(n=layer.header_bytes)
                if layer.key == "payload"
                else self.tr("header: {n} bytes").format(n=layer.header_bytes)
            )
            fields = tuple(
                f"{field_names.get(k, k)}: {v}"
                for k, v in layer.fields
                if not (layer.key == "payload" and k == "length")
            )
            out.append(
                LayerText(
                    title=title,
                    osi=self.tr("OSI {n}: {name}").format(
                        n=layer.osi_text.replace("-", "–"), name=osi_names.get(layer.osi_name, layer.osi_name)
                    ),
                    tcpip=self.tr("TCP/IP: {name}").format(
                        name=tcpip_names.get(layer.tcpip_name, layer.tcpip_name)
                    ),
                    size=size,
                    fields=fields,
                )
            )
        return out

    def retranslate(self) -> None:
        self._title.setText(self.tr("Addresses, ports and layers — on this machine's real data"))
        self.tabs.setTabText(0, self.tr("This machine"))
        self._machine_note.setText(
            self.tr(
                "A network card (NIC) has a MAC address from the factory. A switch connects the machines "
                "of one LAN; a router (the gateway) connects LANs. ARP finds the MAC address for an IP address."
            )
        )
        self.iface_table.setHorizontalHeaderLabels(
            [
                self.tr("Network card"),
                self.tr("State"),
                self.tr("MAC address"),
                self.tr("IP address / prefix"),
                self.tr("Kind"),
            ]
        )
        self.refresh_btn.setText(self.tr("Refresh"))
        self.auto_refresh.setText(self.tr("every 3 s"))
        self.tabs.setTabText(1, self.tr("Addresses and ports"))
        self._address_label.setText(self.tr("Address:"))
        self.address_edit.setPlaceholderText(self.tr("e.g. 192.168.16.67, 127.0.0.1, ::1, 10.0.0.1/8"))
        self.classify_btn.setText(self.tr("Classify"))
        self._port_label.setText(self.tr("Port:"))
        self.port_btn.setText(self.tr("Explain"))
        self._listening_label.setText(self.tr("Listening now on this machine:"))
        self.listen_table.setHorizontalHeaderLabels(
            [self.tr("Protocol"), self.tr("Local address"), self.tr("Port"), self.tr("Process (pid)")]
        )
        self.tabs.setTabText(2, self.tr("Layers (encapsulation)"))
        self._message_label.setText(self.tr("Message:"))
        self._encap_note.setText(
            self.tr(
                "Sending wraps the message layer by layer (encapsulation): each layer puts its header in front. "
                "The receiver takes them off in reverse order. Here: a loopback frame, 127.0.0.1 to 127.0.0.1, "
                "port {src} → {dst}, MAC addresses all zero as on lo."
            ).format(src=SRC_PORT, dst=DEFAULT_PORT)
        )
        self.tabs.setTabText(3, self.tr("Domain names"))
        self._names_note.setText(
            self.tr(
                "A domain name corresponds to an IP address: resolving the name gives the address. "
                "getaddrinfo() asks the sources on the hosts: line of /etc/nsswitch.conf in order, usually "
                "the file /etc/hosts first, then the resolver (the DNS name servers in /etc/resolv.conf). "
                "A records carry IPv4 addresses, AAAA records IPv6."
            )
        )
        self._name_label.setText(self.tr("Name:"))
        self.name_edit.setPlaceholderText(self.tr("e.g. localhost, or a name from /etc/hosts"))
        self.resolve_btn.setText(self.tr("Resolve"))
        self.resolve_table.setHorizontalHeaderLabels(
            [self.tr("Address"), self.tr("Family"), self.tr("Source")]
        )
        self._bind_title.setText(self.tr("bind() to a name or an address: who can connect?"))
        self._fill_bind()
        self._fill_interfaces()
        self._fill_listening()
        self._show_address()
        self._show_port()
        self._show_layers()
        self._show_resolution()

    # ================================================================= scale
    def apply_theme(self, theme: Theme) -> None:
        self._scale = max(0.5, theme.scale)

        def font(mult: float, bold: bool = False) -> QFont:
            return theme.font(mult, bold)

        self.setFont(theme.font(1.0))
        self._title.setFont(font(1.5, bold=True))
        for box in (self._machine_box, self._ports_box, self._layers_box, self._names_box):
            box.setFont(font(1.2, bold=True))
            for child in box.findChildren(QWidget):
                child.setFont(font(1.1))
        for label in (self.address_result, self.port_result):
            label.setFont(font(1.25, bold=True))
        self.gateway_label.setFont(font(1.15))
        self.frame_summary.setFont(font(1.15, bold=True))
        mono = theme.font(1.0, mono=True)
        self.hex_view.setFont(mono)
        fm = QFontMetricsF(mono)
        self.hex_view.setMinimumHeight(
            int(fm.height() * 4 + 16 * self._scale)
        )  # a short message's four lines
        self.layers_view.set_scale(self._scale)
        self.tabs.tabBar().setFont(font(1.1, bold=True))
        self.resolve_result.setFont(font(1.2, bold=True))
        for table in (self.iface_table, self.listen_table, self.resolve_table):
            table.verticalHeader().setDefaultSectionSize(int(QFontMetricsF(font(1.1)).height() * 1.5))
            table.resizeColumnsToContents()
        # Room for a name's usual answers (an A and an AAAA or two) without a scroll bar.
        row_h = self.resolve_table.verticalHeader().defaultSectionSize()
        self.resolve_table.setFixedHeight(int(row_h * 4.6))
        self._fill_interfaces()  # their colours follow the theme too
        self._fill_listening()
        self._show_address()
        self._show_port()
        self._show_layers()
        self._show_resolution()

    # ============================================================ this machine
    def refresh_machine(self) -> None:
        """Read the interfaces, gateway and listening sockets again (button or timer), on the
        helper thread; the tables fill in when the reading arrives."""
        if self._reading:
            return  # one reading at a time (the auto-refresh timer must not pile them up)
        self._reading = True
        self.run_off_gui(
            read_machine,
            what=self.tr("Reading this machine"),
            done=self._machine_read,
            failed=self._machine_failed,
        )

    def _machine_read(self, snap: MachineSnapshot) -> None:
        self._reading = False
        self._ifaces, self._scan = snap.interfaces, snap.scan
        self._gateways, self._arp = snap.gateways, snap.arp
        if self._port is not None:
            self._port = port_info(self._port.port, scan=self._scan)
        self._fill_interfaces()
        self._fill_listening()
        self._show_port()

    def _machine_failed(self, exc: BaseException) -> None:
        self._reading = False
        self.report_error(self.tr("Reading this machine failed: {e}").format(e=exc))

    def _fill_interfaces(self) -> None:
        rows: list[tuple[Interface, str, str, str | None]] = []
        for iface in self._ifaces:
            if not iface.addresses:
                rows.append((iface, "—", "", None))
            for a in iface.addresses:
                rows.append((iface, a.with_prefix, self.kind_name(a.info.kind), a.info.kind))
        t = self.iface_table
        t.setRowCount(len(rows))
        for r, (iface, addr, kind_text, kind) in enumerate(rows):
            up = self.tr("✔ up") if iface.up else self.tr("✘ down")
            name = iface.name + (" " + self.tr("(loopback)") if iface.loopback else "")
            cells = [name, up, iface.mac or "—", addr, kind_text]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c == 1:
                    item.setForeground(QBrush(self.theme.ok_colour if iface.up else self.theme.bad_colour))
                if c in (3, 4) and kind is not None:
                    item.setBackground(QBrush(QColor(over_white(self.theme.kind_colour(kind), 90))))
                t.setItem(r, c, item)
        t.resizeColumnsToContents()
        self._fill_gateway()

    def _fill_gateway(self) -> None:
        arp = self._arp
        parts = []
        for version in (4, 6):
            gw = self._gateways.get(version)
            label = self.tr("Default gateway (IPv{v}):").format(v=version)
            if gw is None:
                parts.append(f"<b>{label}</b> " + html.escape(self.tr("reading…")))
                continue
            if gw.address is None:
                unknown = self.tr("unknown (no default route could be read)")
                parts.append(f"<b>{label}</b> {html.escape(unknown)}")
                continue
            text = self.tr("{addr} via {iface}").format(addr=gw.address, iface=gw.interface)
            if gw.address in arp:
                text += " — " + self.tr("its MAC {mac}, learnt by ARP").format(mac=arp[gw.address].mac)
            parts.append(f"<b>{label}</b> {html.escape(text)}")
        self.gateway_label.setText("<br>".join(parts))

    def _auto_toggled(self, on: bool) -> None:
        if on:
            self.timer.start()
        else:
            self.timer.stop()

    # ===================================================== addresses and ports
    def classify_typed(self) -> None:
        text = self.address_edit.text()
        try:
            self._address_info, self._address_error = classify(text), ""
        except ValueError:
            self._address_info, self._address_error = None, text
        self._show_address()

    def _show_address(self) -> None:
        if self._address_info is not None:
            info = self._address_info
            colour = self.theme.kind_colour(info.kind).darker(150).name()
            self.address_result.setText(
                f"<span style='color:{colour}'>■</span> {html.escape(self.explain_address(info))}"
            )
        elif self._address_error or self.address_edit.text().strip():
            msg = self.tr(
                "“{text}” is not an IP address: IPv4 is four numbers 0–255 separated by dots, "
                "IPv6 eight groups of hex digits separated by colons."
            ).format(text=self._address_error.strip())
            self.address_result.setText(
                f"<span style='color:{self.theme.bad_colour.name()}'>{html.escape(msg)}</span>"
            )
        else:
            self.address_result.setText("")

    def _show_port(self) -> None:
        if self._port is None:
            self.port_result.setText("")
            return
        colour = self.theme.ok_colour if self._port.good_for_lab_server else self.theme.text_colour
        self.port_result.setText(
            f"<span style='color:{colour.name()}'>{html.escape(self.port_sentence(self._port))}</span>"
        )

    def _fill_listening(self) -> None:
        t = self.listen_table
        scan = self._scan
        sockets = scan.sockets if scan else ()
        t.setRowCount(len(sockets))
        for r, s in enumerate(sockets):
            who = f"{s.process or '?'} ({s.pid})" if s.pid is not None else self.tr("hidden")
            for c, text in enumerate((s.transport.upper(), s.address, str(s.port), who)):
                item = QTableWidgetItem(text)
                if c == 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if self._port is not None and s.port == self._port.port:
                    item.setBackground(QBrush(QColor(over_white(self.theme.layer_colour("tcp"), 90))))
                t.setItem(r, c, item)
        t.resizeColumnsToContents()
        if scan is None:
            self.listen_note.setText("")
        elif not scan.complete:
            self.listen_note.setText(
                self.tr("Access denied: only the sockets of our own processes are listed.")
            )
        elif any(s.pid is None for s in sockets):
            self.listen_note.setText(
                self.tr(
                    "Sockets: {n}; some owners are hidden (other users' or other containers' processes)."
                ).format(n=len(sockets))
            )
        else:
            self.listen_note.setText(self.tr("Sockets: {n}.").format(n=len(sockets)))

    # ========================================================== domain names
    def resolve_typed(self) -> None:
        """Resolve the typed name in a worker thread (getaddrinfo must never run on the GUI thread)."""
        if self._lookup is not None:
            return  # one lookup at a time; it ends by its own deadline
        text = self.name_edit.text()
        self._resolution, self._resolve_error = None, ""
        self._lookup = NameLookup(text, timeout_s=RESOLVE_TIMEOUT_S)
        self.resolve_btn.setEnabled(False)  # the base's tick polls the lookup (on_tick)
        self._show_resolution()

    def _poll_lookup(self) -> None:
        job = self._lookup
        if job is None or not job.done():
            return
        job.close()  # already ended: joins at once
        self._lookup = None
        self.resolve_btn.setEnabled(True)
        self._resolution = job.result()
        self._resolve_error = job.error()
        self._show_resolution()

    def wait_for_lookup(self, timeout_s: float = 10.0) -> None:
        """Block until a pending lookup ends (tests and screenshots)."""
        if self._lookup is not None:
            self._lookup.close(timeout_s)
            self._poll_lookup()

    def source_text(self, res: Resolution, source: str) -> str:
        if source == "hosts":
            return self.tr("hosts file ({path})").format(path=res.hosts.path)
        if source == "resolver":
            servers = ", ".join(res.resolv.used_nameservers) or "127.0.0.1"
            return self.tr("resolver (DNS {servers})").format(servers=servers)
        return self.tr("the name is an address")

    def resolution_sentence(self, res: Resolution) -> str:
        servers = ", ".join(res.resolv.used_nameservers) or "127.0.0.1"
        if res.status == "ok":
            if res.addresses and res.addresses[0].source == "literal":
                return self.tr(
                    "{name} is an address already: getaddrinfo() returns it without any lookup."
                ).format(name=res.name)
            n_hosts = sum(a.source == "hosts" for a in res.addresses)
            return self.tr("{name}: {n} address(es), {h} from {hosts}, {r} from the resolver.").format(
                name=res.name,
                n=len(res.addresses),
                h=n_hosts,
                hosts=res.hosts.path,
                r=len(res.addresses) - n_hosts,
            )
        if res.status == "timeout":
            return self.tr(
                "No resolver answered within {t} s (name servers {servers}). Offline, only the names in "
                "{hosts} resolve."
            ).format(t=f"{res.timeout_s:g}", servers=servers, hosts=res.hosts.path)
        if res.status == "no-answer":
            return self.tr(
                "No resolver answers: the name servers {servers} could not be reached, and {name} is not in {hosts}."
            ).format(servers=servers, name=res.name, hosts=res.hosts.path)
        if res.status == "not-found":
            return self.tr(
                "{name} was not found: it is not in {hosts} and the resolver did not know it."
            ).format(name=res.name, hosts=res.hosts.path)
        return self.tr("The lookup failed: {message}").format(message=res.message)

    def _show_resolution(self) -> None:
        t = self.resolve_table
        res = self._resolution
        if self._lookup is not None:
            self.resolve_result.setText(
                html.escape(self.tr("Resolving {name} …").format(name=self._lookup.name.strip()))
            )
        elif self._resolve_error:
            msg = self.tr("“{text}” is not a domain name.").format(text=self.name_edit.text().strip()[:80])
            self.resolve_result.setText(
                f"<span style='color:{self.theme.bad_colour.name()}'>{html.escape(msg)}</span>"
            )
        elif res is not None:
            colour = self.theme.ok_colour if res.status == "ok" else self.theme.bad_colour
            self.resolve_result.setText(
                f"<span style='color:{colour.name()}'>{html.escape(self.resolution_sentence(res))}</span>"
            )
        else:
            self.resolve_result.setText("")
        rows = res.addresses if res is not None and self._lookup is None else ()
        t.setRowCount(len(rows))
        for r, a in enumerate(rows):
            family = "A (IPv4)" if a.family == "IPv4" else "AAAA (IPv6)"
            for c, text in enumerate((a.address, family, self.source_text(res, a.source) if res else "")):
                t.setItem(r, c, QTableWidgetItem(text))
        t.resizeColumnsToContents()
        if res is not None:
            order = " → ".join(res.nsswitch)
            self.resolve_sources.setText(
                self.tr(
                    "{hosts}: {n} entries. Resolver: name servers {servers} ({resolv}). Order of sources "
                    "(/etc/nsswitch.conf): {order}."
                ).format(
                    hosts=res.hosts.path,
                    n=len(res.hosts.entries),
                    servers=", ".join(res.resolv.used_nameservers) or "127.0.0.1",
                    resolv=res.resolv.path,
                    order=order,
                )
            )
        else:
            self.resolve_sources.setText("")

    def _fill_bind(self) -> None:
        texts = {
            "localhost": (
                self.tr(
                    "A name, not an address: bind() resolves it first (through /etc/hosts), usually to "
                    "127.0.0.1, sometimes ::1."
                ),
                self.tr("Only programs on this machine, over the address the name resolved to."),
            ),
            "127.0.0.1": (
                self.tr("The IPv4 loopback address itself: no lookup; it never leaves this machine."),
                self.tr("Only programs on this machine (not from the LAN, not over ::1)."),
            ),
            "0.0.0.0": (
                self.tr(
                    "The unspecified address: not a destination; it means every IPv4 address of this machine."
                ),
                self.tr(
                    "Anyone who can reach any of this machine's IPv4 addresses: this machine, the LAN, "
                    "and the Internet if a router forwards the port."
                ),
            ),
        }
        rows = []
        who_label = self.tr("Who can connect:")
        for choice in BIND_CHOICES:
            meaning, who = texts[choice.host]
            rows.append(
                f"<b>{html.escape(choice.host)}</b> — {html.escape(meaning)}<br>"
                f"&nbsp;&nbsp;&nbsp;&nbsp;<i>{html.escape(who_label)}</i> {html.escape(who)}"
            )
        self.bind_text.setText("<br>".join(rows))

    def bind_hosts(self) -> list[str]:
        return [c.host for c in BIND_CHOICES]

    def resolution_rows(self) -> list[tuple[str, ...]]:
        return self._rows(self.resolve_table)

    # ================================================================ layers
    def _show_layers(self) -> None:
        payload = self.message_edit.text().encode("utf-8")
        transport: Transport = "udp" if self.transport.currentData() == "udp" else "tcp"
        try:
            self._frame = encapsulate(payload, src_port=SRC_PORT, dst_port=DEFAULT_PORT, transport=transport)
        except ValueError as exc:
            self._frame, self._layers = b"", []
            self.frame_summary.setText(str(exc))
            self.layers_view.set_layers([], [])
            self.hex_view.setHtml("")
            return
        self._layers = layers(self._frame)
        texts = self.layer_texts(self._layers)
        self.layers_view.set_layers(self._layers, texts)
        sizes = " + ".join(f"{t.title} {x.header_bytes}" for x, t in zip(self._layers, texts, strict=True))
        self.frame_summary.setText(
            self.tr("Frame: {sizes} = {total} bytes").format(sizes=sizes, total=len(self._frame))
        )
        self.hex_view.setHtml(self._hex_html())

    def _hex_html(self) -> str:
        owner = [""] * len(self._frame)
        for layer in self._layers:
            for i in range(layer.start, layer.header_end):
                owner[i] = layer.key
        lines = []
        shown = min(len(self._frame), HEX_MAX_BYTES)  # a long message would make a slow page
        for off in range(0, shown, HEX_PER_LINE):
            cells = []
            for i in range(off, min(off + HEX_PER_LINE, shown)):
                bg = over_white(self.theme.layer_colour(owner[i] or "unknown"), 110)
                cells.append(f"<span style='background-color:{bg}'>{self._frame[i]:02x}</span>")
            lines.append(
                f"<span style='color:{self.theme.muted_colour.name()}'>{off:04x}</span>&nbsp;&nbsp;"
                + "&nbsp;".join(cells)
            )
        if shown < len(self._frame):
            more = self.tr("… {n} more bytes").format(n=len(self._frame) - shown)
            lines.append(f"<span style='color:{self.theme.muted_colour.name()}'>{html.escape(more)}</span>")
        return "<div style='white-space:pre'>" + "<br>".join(lines) + "</div>"

    # ============================================================ interface
    def layer_keys(self) -> list[str]:
        return [x.key for x in self._layers]

    @staticmethod
    def _rows(t: QTableWidget) -> list[tuple[str, ...]]:
        def text(r: int, c: int) -> str:
            item = t.item(r, c)
            return item.text() if item is not None else ""

        return [tuple(text(r, c) for c in range(t.columnCount())) for r in range(t.rowCount())]

    def interface_rows(self) -> list[tuple[str, ...]]:
        return self._rows(self.iface_table)

    def listening_rows(self) -> list[tuple[str, ...]]:
        return self._rows(self.listen_table)

    def run_default_preset(self) -> None:
        self.address_edit.setText(DEFAULT_ADDRESS)
        self.classify_typed()
        self.port_spin.setValue(DEFAULT_PORT)
        self.explain_port()
        self.transport.setCurrentIndex(0)
        self.message_edit.setText(DEFAULT_MESSAGE)
        self._show_layers()
        self.name_edit.setText(DEFAULT_NAME)
        self.resolve_typed()

    def on_tick(self) -> None:
        if self._lookup is not None:
            self._poll_lookup()

    def is_idle(self) -> bool:
        if self._lookup is not None and self._lookup.done():
            self._poll_lookup()
        return self._lookup is None and not self.helper_busy

    def run(self) -> None:
        """F5: read the machine again and redo the three answers."""
        self.refresh_machine()
        self.classify_typed()
        self.explain_port()
        self._show_layers()

    def step(self) -> None:
        """Nothing runs step by step here; Space reads the machine again."""
        self.refresh_machine()

    def pause(self) -> None:
        self.auto_refresh.setChecked(False)

    def reset(self) -> None:
        self.auto_refresh.setChecked(False)
        self.run_default_preset()

    def stop_work(self) -> None:
        self.timer.stop()
        lookup, self._lookup = self._lookup, None
        if lookup is not None:  # ends by its own deadline (the lookup child is killed there)
            self.close_off_gui(lookup.close, self.tr("Stopping the name lookup"))

    def key_widget(self) -> QWidget | None:
        return self.tabs
