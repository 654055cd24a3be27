"""HMAC panel: client legitimacy check (客户端合法性验证) by challenge-response, step by step.

Server and client cards side by side (key, digest, variant), a step list with the bytes of
every frame and MAC in hex, attack buttons that run each attack for real against a loopback
server with a one-sentence verdict, and a table with one row per connection (several clients
at once).  The lesson's own unframed form is a variant too, with its weaknesses listed and two
of them run for real (a short ``recv(32)``, no framing after the check).  All socket work happens in :class:`netsim.lessons.hmac.AuthLab`'s worker threads; this
widget only calls its non-blocking methods and draws the events the bridge drains.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.panels.base import LessonPanel, TraceCursor
from app.shell.theme import Theme
from app.widgets.os_errors import describe
from app.widgets.table_fit import ColumnFitter
from netsim.auth import macs
from netsim.auth.events import (
    STEP_LESSON_VERDICT,
    STEP_WEAKNESS,
    AuthStep,
    AuthVerdict,
    ScenarioFinished,
)
from netsim.auth.machines import FIXED_CHALLENGE, LESSON, MULTIPROCESSING, NETSIM, AuthConfig
from netsim.core.events import CallPending, Event, RunFinished, SocketFailed
from netsim.core.recorder import Recorder
from netsim.core.trace import Trace
from netsim.lessons.hmac.scenarios import AuthLab, Setup

MP_VARIANT = "multiprocessing"
LESSON_HMAC = "lesson-hmac"  # the lesson's own unframed form: raw HMAC digest
LESSON_SHA1 = "lesson-sha1"  # the lesson's own unframed form: sha1 hexdigest (its hashlib programs)
LESSON_CHOICES = (LESSON_HMAC, LESSON_SHA1)
VARIANT_CHOICES: tuple[str, ...] = (*macs.VARIANTS, MP_VARIANT, *LESSON_CHOICES)
NETSIM_ONLY_ATTACKS = ("replay", "reflection", "downgrade")  # they speak the framed protocol
PRESET_SCENARIOS: dict[str, tuple[str, ...]] = {  # the Run button and the attack buttons
    "good": ("good",),
    "wrong-key": ("wrong-key",),
    "replay": ("replay", "fixed-challenge-replay"),
    "reflection": ("reflection",),
    "downgrade": ("downgrade",),
    "multi": ("multi",),
}
MAX_ROWS = 2000
RECORD_STEP_S = 0.1  # a recorded run steps one socket call per 0.1 s: the replay shows each step  # the step list keeps the latest rows; a run has a few dozen


def readable(data: bytes) -> str:
    """``'#CHALLENGE#{hmac:sha256}' + 32 B`` when the bytes start with text, else ``""``."""
    n = 0
    while n < len(data) and 32 <= data[n] < 127:
        n += 1
    if n < 4:
        return ""
    brace = data.find(b"}", 0, n)
    if brace >= 0:  # '{variant:digest}' ends the tag; printable random bytes after it are noise
        n = brace + 1
    text = data[:n].decode("ascii")
    return f"'{text}'" + (f" + {len(data) - n} B" if n < len(data) else "")


def hex_groups(data: bytes, limit: int = 8) -> str:
    """``23434841 4c4c454e …(+12)``: 4-byte groups, cut after ``limit`` bytes."""
    if len(data) <= limit + 4:
        limit = len(data)
    shown = data[:limit].hex()
    text = " ".join(shown[i : i + 8] for i in range(0, len(shown), 8))
    if len(data) > limit:
        text += f" …(+{len(data) - limit})"
    return text


def wire_hex(data: bytes, header_bytes: int, limit: int = 8) -> str:
    if header_bytes:
        return f"{data[:header_bytes].hex()} │ {hex_groups(data[header_bytes:], limit)}"
    return hex_groups(data, limit)


def who_kind(who: str) -> str:
    if who.startswith("attacker") or "via attacker" in who:
        return "attacker"
    return "server" if who == "server" else "client"


class HmacPanel(LessonPanel):
    panel_id = "hmac"

    def __init__(self, theme: Theme | None = None, parent: QWidget | None = None) -> None:
        super().__init__(theme, parent)
        self._recorder = Recorder(keep=False)
        self._lab = AuthLab(self._recorder)
        self.bridge.attach(self._recorder)
        self._replay_cursor = TraceCursor()
        self._auto_step_s: float | None = None  # set while a recorded run steps itself
        self._last_auto_step = 0.0
        self._events: list[Event] = []  # what the step list shows, kept to re-render
        self._outcomes: list[ScenarioFinished] = []
        self._connections: dict[int, dict[str, str | bool]] = {}
        self._pending = ""
        self._status_key = "ready"
        self._error = ""
        self._mono = self.theme.font(0.95, mono=True)
        self._build()
        self.retranslate()
        self.apply_theme(self.theme)

    # --- construction -----------------------------------------------------------------------

    def _build(self) -> None:
        self._title = QLabel()
        self._title.setWordWrap(True)
        self._subtitle = QLabel()
        self._subtitle.setWordWrap(True)

        self._server_box = QGroupBox()
        self._server_key = QLineEdit("hello")
        self._server_digest = QComboBox()
        self._server_variant = QComboBox()
        self._fixed = QCheckBox()
        self._server_form = QFormLayout(self._server_box)
        self._server_key_label, self._server_digest_label, self._server_variant_label = (
            QLabel(),
            QLabel(),
            QLabel(),
        )
        self._server_form.addRow(self._server_key_label, self._server_key)
        self._server_form.addRow(self._server_digest_label, self._server_digest)
        self._server_form.addRow(self._server_variant_label, self._server_variant)
        self._server_form.addRow(self._fixed)

        self._client_box = QGroupBox()
        self._client_key = QLineEdit("hello")
        self._client_digest = QComboBox()
        self._client_variant = QComboBox()
        self._strict = QCheckBox()
        self._strict.setChecked(True)
        self._client_form = QFormLayout(self._client_box)
        self._client_key_label, self._client_digest_label, self._client_variant_label = (
            QLabel(),
            QLabel(),
            QLabel(),
        )
        self._client_form.addRow(self._client_key_label, self._client_key)
        self._client_form.addRow(self._client_digest_label, self._client_digest)
        self._client_form.addRow(self._client_variant_label, self._client_variant)
        self._client_form.addRow(self._strict)

        for combo in (self._server_variant, self._client_variant):
            for value in VARIANT_CHOICES:
                combo.addItem(value, value)
            combo.setCurrentIndex(VARIANT_CHOICES.index(macs.HMAC))
        self._server_variant.currentIndexChanged.connect(lambda _i: self._variant_changed(server=True))
        self._client_variant.currentIndexChanged.connect(lambda _i: self._variant_changed(server=False))
        self._fill_digests(self._server_digest, macs.HMAC)
        self._fill_digests(self._client_digest, macs.HMAC)
        # Long variant names must not set the width of the cards: the panel fits a 1280-pixel
        # projector at presenter zoom (the open list still shows the whole names).
        for combo in (self._server_variant, self._client_variant, self._server_digest, self._client_digest):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(10)

        cards = QHBoxLayout()
        cards.addWidget(self._server_box, 1)
        self._arrow = QLabel("⇄")
        self._arrow.setAlignment(Qt.AlignmentFlag.AlignCenter)
        cards.addWidget(self._arrow)
        cards.addWidget(self._client_box, 1)

        self._variant_note = QLabel()
        self._variant_note.setWordWrap(True)
        self._fixed.toggled.connect(lambda _on: self._update_variant_note())

        self._run_button = QPushButton()
        self._step_button = QPushButton()
        self._pause_button = QPushButton()
        self._reset_button = QPushButton()
        self._run_button.clicked.connect(self.run)
        self._step_button.clicked.connect(self.step)
        self._pause_button.clicked.connect(self.pause)
        self._reset_button.clicked.connect(self.reset)
        self._status = QLabel()
        self._status.setWordWrap(True)
        controls = QHBoxLayout()
        for button in (self._run_button, self._step_button, self._pause_button, self._reset_button):
            controls.addWidget(button)
        controls.addWidget(self._status, 1)

        self._attacks_label = QLabel()
        self._attack_buttons: dict[str, QPushButton] = {}
        attacks = QHBoxLayout()
        attacks.addWidget(self._attacks_label)
        for name, scenarios in (
            ("replay", ["replay", "fixed-challenge-replay"]),
            ("wrong-key", ["wrong-key"]),
            ("reflection", ["reflection"]),
            ("downgrade", ["downgrade"]),
            ("multi", ["multi"]),
        ):
            button = QPushButton()
            button.clicked.connect(lambda _c=False, s=scenarios: self.start_scenarios(s))
            self._attack_buttons[name] = button
            attacks.addWidget(button)
        attacks.addStretch(1)

        # The lesson's own form: what is weak about it, and two weaknesses run for real.
        self._weak_box = QGroupBox()
        weak_layout = QVBoxLayout(self._weak_box)
        self._weak_text = QLabel()
        self._weak_text.setWordWrap(True)
        self._weak_text.setTextFormat(Qt.TextFormat.PlainText)
        weak_layout.addWidget(self._weak_text)
        lesson_row = QHBoxLayout()
        self._lesson_label = QLabel()
        lesson_row.addWidget(self._lesson_label)
        self._lesson_buttons: dict[str, QPushButton] = {}
        for name in ("lesson-short-read", "lesson-glued"):
            button = QPushButton()
            button.clicked.connect(lambda _c=False, s=name: self.start_scenarios([s]))
            self._lesson_buttons[name] = button
            lesson_row.addWidget(button)
        lesson_row.addStretch(1)
        weak_layout.addLayout(lesson_row)
        self._weak_box.setVisible(False)

        self._steps = QTableWidget(0, 5)
        self._steps.verticalHeader().setVisible(False)
        self._steps.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self._steps.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self._steps.setWordWrap(True)
        # The note explains each step: it keeps a third of the width whatever the hex dumps need.
        self._steps_fit = ColumnFitter(self._steps, flexible=4, min_share=0.34)

        self._verdicts_label = QLabel()
        self._verdicts = QListWidget()
        self._verdicts.setWordWrap(True)
        self._conns_label = QLabel()
        self._conns = QTableWidget(0, 4)
        self._conns.verticalHeader().setVisible(False)
        self._conns.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self._conns.setWordWrap(True)  # the reason wraps in its column rather than leave the view
        self._conns_fit = ColumnFitter(self._conns, flexible=3, min_share=0.45)

        # Steps on top at the full width, verdicts and connections side by side below: at a
        # projector's 1280 px a column beside the steps left each explanation ~40 px wide.
        verdicts = QWidget()
        verdicts_layout = QVBoxLayout(verdicts)
        verdicts_layout.setContentsMargins(0, 0, 0, 0)
        verdicts_layout.addWidget(self._verdicts_label)
        verdicts_layout.addWidget(self._verdicts, 1)
        conns = QWidget()
        conns_layout = QVBoxLayout(conns)
        conns_layout.setContentsMargins(0, 0, 0, 0)
        conns_layout.addWidget(self._conns_label)
        conns_layout.addWidget(self._conns, 1)
        right = QWidget()
        right_layout = QHBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(verdicts, 1)
        right_layout.addWidget(conns, 1)

        self._steps_label = QLabel()
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self._steps_label)
        left_layout.addWidget(self._steps)

        self._splitter = QSplitter(Qt.Orientation.Vertical)
        self._splitter.setChildrenCollapsible(False)
        self._splitter.addWidget(left)
        self._splitter.addWidget(right)
        self._splitter.setStretchFactor(0, 3)
        self._splitter.setStretchFactor(1, 2)

        layout = QVBoxLayout(self.content)
        layout.addWidget(self._title)
        layout.addWidget(self._subtitle)
        layout.addLayout(cards)
        layout.addWidget(self._variant_note)
        layout.addLayout(controls)
        layout.addLayout(attacks)
        layout.addWidget(self._weak_box)
        layout.addWidget(self._splitter, 1)

    def _fill_digests(self, combo: QComboBox, variant: str) -> None:
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        if variant in (macs.LEGACY_SHA1, LESSON_SHA1):
            choices: Sequence[str] = ("sha1",)
        elif variant == MP_VARIANT:
            choices = macs.MP_DIGESTS
        elif variant == LESSON_HMAC:
            choices = macs.LESSON_DIGESTS
            current = macs.LESSON_DEFAULT_DIGEST  # the old default the lesson's two-argument hmac.new used
        else:
            choices = macs.DIGESTS
        for name in choices:
            combo.addItem(name.upper().replace("_", "-"), name)
        index = combo.findData(current)
        combo.setCurrentIndex(index if index >= 0 else 0)
        combo.setEnabled(len(choices) > 1)
        combo.blockSignals(False)

    def _variant_changed(self, *, server: bool) -> None:
        combo = self._server_variant if server else self._client_variant
        self._fill_digests(self._server_digest if server else self._client_digest, combo.currentData())
        self._update_variant_note()

    # --- texts --------------------------------------------------------------------------------

    def title(self) -> str:
        return self.tr("HMAC challenge-response")

    def _variant_names(self) -> dict[str, str]:
        return {
            macs.LEGACY_SHA1: self.tr("Legacy: sha1(key + challenge)"),
            macs.HMAC: self.tr("HMAC"),
            macs.MUTUAL: self.tr("Mutual HMAC (role-bound)"),
            macs.MUTUAL_UNBOUND: self.tr("Mutual HMAC without role binding (insecure)"),
            MP_VARIANT: self.tr("multiprocessing.connection"),
            LESSON_HMAC: self.tr("The lesson's own form: raw HMAC digest, unframed"),
            LESSON_SHA1: self.tr("The lesson's own form: sha1 hexdigest, unframed"),
        }

    def _variant_notes(self) -> dict[str, str]:
        return {
            macs.LEGACY_SHA1: self.tr(
                "LEGACY — the lesson's first method: a bare hash of key + challenge is not a MAC "
                "construction (length extension) and SHA-1 is broken for collisions. Learn from it, "
                "never copy it."
            ),
            macs.HMAC: self.tr(
                "HMAC with an explicit digest (hmac.new without digestmod fails on current Python); "
                "the challenge, digest name included, is what gets MACed."
            ),
            macs.MUTUAL: self.tr(
                "Mutual: the client challenges the server too; each MAC includes the role "
                "('client' or 'server'), so one side's answer is never valid for the other."
            ),
            macs.MUTUAL_UNBOUND: self.tr(
                "INSECURE: mutual without role binding — the server's answer can be reflected back "
                "to it as a client's answer."
            ),
            MP_VARIANT: self.tr(
                "The standard library's own handshake (multiprocessing.connection): "
                "'{sha256}'-prefixed in Python 3.12+, unprefixed HMAC-MD5 in 3.11 and earlier."
            ),
            LESSON_HMAC: self.tr(
                "The lesson's exchange exactly as its programs speak it: 32 random bytes, then the raw "
                "HMAC digest (MD5 by default, as the lesson relied on) — no header, no verdict sent back. "
                "Its own programs can talk to this server and client."
            ),
            LESSON_SHA1: self.tr(
                "The lesson's first method exactly as its programs speak it: 32 random bytes, then "
                "sha1(key + challenge).hexdigest() as 40 characters of text — no header, no verdict."
            ),
        }

    def _weakness_texts(self) -> dict[str, str]:
        return {
            "short_read": self.tr(
                "recv(32) returns what has arrived, up to 32 bytes: a challenge sent in pieces gives the "
                "lesson's client a short challenge, and even the right key computes a wrong answer."
            ),
            "no_framing": self.tr(
                "No framing after the check: the lesson's server takes one recv(1024) as the answer, so "
                "a first message sent right behind it is glued on and a legitimate client is refused."
            ),
            "no_verdict": self.tr(
                "No verdict on the wire: the server prints it and closes on a refusal, so a client "
                "cannot tell 'refused' from 'the server simply ended'."
            ),
            "equals": self.tr(
                "ret == res stops at the first differing byte, so its running time leaks how much of a "
                "guess was right (a few nanoseconds per byte, visible only over many tries — not measured "
                "here). hmac.compare_digest takes the same time whatever matches; this server uses it."
            ),
            "md5": self.tr(
                "MD5 was hmac.new's old default: HMAC-MD5 still resists forgery in practice, but MD5 is "
                "broken for collisions and deprecated (RFC 6151) — name a SHA-2 digest."
            ),
        }

    def _what_words(self) -> dict[str, str]:
        return {
            "challenge": self.tr("challenge"),
            "response": self.tr("response"),
            "client_challenge": self.tr("client's challenge"),
            "server_proof": self.tr("server's proof"),
            "verdict": self.tr("verdict"),
            "chat": self.tr("chat message"),
            "": "",
        }

    def _step_templates(self) -> dict[str, str]:
        return {
            "challenge_generated": self.tr("generates {what}"),
            "frame_sent": self.tr("sends {what} →"),
            "frame_received": self.tr("receives {what}"),
            "mac_computed": self.tr("computes {what}"),
            "mac_expected": self.tr("expects {what}"),
            "compared": self.tr("compares {what}"),
            "refused": self.tr("refuses {what}"),
            "attack": self.tr("ATTACK: {what}"),
            "chat": self.tr("chat: {what}"),
            STEP_WEAKNESS: self.tr("WEAK: {what}"),
            STEP_LESSON_VERDICT: self.tr("prints its {what}"),
        }

    def _reasons(self) -> dict[str, str]:
        return {
            "ok": self.tr("the MAC matched (hmac.compare_digest)"),
            "wrong_mac": self.tr("the MAC did not match (hmac.compare_digest)"),
            "wrong_length": self.tr("wrong length for this digest — rejected before comparing"),
            "frame_too_large": self.tr("frame header over the 256-byte pre-authentication limit — cut off"),
            "malformed": self.tr("the frame or message breaks the protocol"),
            "timeout": self.tr("the exchange missed its deadline — cut off"),
            "eof": self.tr("the peer closed the connection too early"),
            "variant_mismatch": self.tr("the challenge announces another variant or digest — refused"),
            "legacy_refused": self.tr("legacy HMAC-MD5 is switched off — refused"),
            "server_mac_wrong": self.tr("the server's proof did not match — the client hangs up"),
            "rejected_by_server": self.tr("the server answered #FAILURE#"),
            "rejected_by_peer": self.tr("the peer did not welcome our proof"),
            "stopped": self.tr("the run was stopped"),
            "abandoned": self.tr("the attacker hung up once it had what it wanted"),
            "socket_error": self.tr("a socket error ended the connection"),
            "internal_error": self.tr("an unexpected error ended the connection"),
            "busy": self.tr("the server is at its connection limit — refused at once"),
            "no_verdict": self.tr("answer sent; the lesson's form sends no verdict, only the server knows"),
            "closed_no_verdict": self.tr(
                "the server hung up after our answer — in the lesson's form the only sign of a refusal"
            ),
            "short_challenge": self.tr(
                "recv(32) returned fewer than 32 bytes and that short challenge was answered — refused"
            ),
            "lesson_reply": self.tr(
                "the server answered our message — in the lesson's form the only sign of acceptance"
            ),
        }

    def _explanations(self) -> dict[str, str]:
        return {
            "good": self.tr("The client knew the key, so its MAC of the fresh challenge matched."),
            "wrong_key": self.tr(
                "A different key gives a different MAC of the same challenge, so it was rejected."
            ),
            "replay_rejected": self.tr(
                "The recorded answer is a MAC of an old challenge; the new connection got a fresh random "
                "challenge, so the replay does not match."
            ),
            "replay_accepted": self.tr(
                "The insecure server sends the same challenge every time, so an answer recorded once is "
                "valid forever — the replay got in."
            ),
            "reflection_accepted": self.tr(
                "Without role binding the server's answer equals the client's answer, so the attacker "
                "made the server compute its own proof on a second connection."
            ),
            "reflection_rejected": self.tr(
                "The role is inside every MAC, so the server's answer is never a valid client answer — "
                "the reflection failed."
            ),
            "downgrade_rejected": self.tr(
                "The server requires its own digest and the digest name is inside the MACed challenge, so "
                "rewriting it to the legacy method only produces an answer the server refuses."
            ),
            "downgrade_accepted": self.tr("The server accepted a weaker method than the one it offered."),
            "multi": self.tr(
                "Each connection gets its own fresh challenge; only the clients holding the key get in."
            ),
            "lesson_short_read": self.tr(
                "The slow server sent the challenge in pieces; the lesson's recv(32) returned only the first, "
                "so its client answered a short challenge and the right key was refused — the exact reader "
                "waited for all 32 bytes and got in."
            ),
            "lesson_glued": self.tr(
                "The answer and the first message left in one send(); the lesson's server took its one "
                "recv(1024) as the answer and refused the right key — a server reading exactly the answer's "
                "size accepted, and the message was still there to read."
            ),
            "failed": self.tr("The run did not complete; see the steps for the reason."),
        }

    def _scenario_names(self) -> dict[str, str]:
        return {
            "good": self.tr("Legitimate client"),
            "wrong-key": self.tr("Wrong key"),
            "replay": self.tr("Replay (fresh challenge)"),
            "fixed-challenge-replay": self.tr("Replay against a fixed-challenge server"),
            "reflection-unbound": self.tr("Reflection, no role binding"),
            "reflection": self.tr("Reflection, role-bound"),
            "downgrade": self.tr("Downgrade to sha1(key + challenge)"),
            "multi": self.tr("3 legitimate clients + 1 wrong key"),
            "lesson-short-read": self.tr("The lesson's recv(32) against a slow server"),
            "lesson-glued": self.tr("The lesson's server, answer and message glued"),
        }

    def _who(self, who: str) -> str:
        match = re.fullmatch(r"client (\d+)( \(wrong key\)| \(via attacker\))?", who)
        if match:
            n, extra = match.group(1), match.group(2) or ""
            if "wrong" in extra:
                return self.tr("client {n} (wrong key)").format(n=n)
            if "attacker" in extra:
                return self.tr("client {n} (via attacker)").format(n=n)
            return self.tr("client {n}").format(n=n)
        return {
            "server": self.tr("server"),
            "client": self.tr("client"),
            "attacker": self.tr("attacker"),
            "attacker (2nd conn)": self.tr("attacker (2nd conn.)"),
            "client 1 (as written)": self.tr("client 1 (the lesson's code)"),
            "client 2 (exact reads)": self.tr("client 2 (exact reads)"),
            "client → lesson's server": self.tr("client → lesson's server"),
            "client → exact server": self.tr("client → exact server"),
        }.get(who, who)

    def _lesson_note(self, ev: AuthStep) -> str | None:
        """Notes of the lesson's unframed form (None: not one of them)."""
        d = ev.detail
        if ev.step == STEP_WEAKNESS:
            return self._weakness_texts().get(d, d)
        if ev.step == STEP_LESSON_VERDICT:
            gloss = (
                self.tr("a legitimate client")
                if d == macs.LESSON_ACCEPTED
                else self.tr("not a legitimate client")
            )
            return self.tr("{words} — the lesson's own words: {gloss}").format(words=d, gloss=gloss)
        m = re.fullmatch(
            r"piece (\d+) of (\d+) \((\d+) bytes(, after a ([\d.]+) s pause)?\) - a slow sender", d
        )
        if m:
            return self.tr("piece {i} of {n} ({size} B) — a slow sender").format(
                i=m.group(1), n=m.group(2), size=m.group(3)
            )
        m = re.fullmatch(r"exact read: (\d+) bytes in (\d+) recv\(\) calls?", d)
        if m:
            return self.tr("exact read: {n} B in {calls} recv() call(s)").format(
                n=m.group(1), calls=m.group(2)
            )
        m = re.fullmatch(r"as written: one recv\((\d+)\) returned (\d+) bytes, trusted whole", d)
        if m:
            return self.tr("the lesson's code: one recv({limit}) returned {n} B, taken as all of it").format(
                limit=m.group(1), n=m.group(2)
            )
        m = re.fullmatch(r"sent in the same send\(\) as the (\d+)-byte answer", d)
        if m:
            return self.tr("sent in the same send() as the {n}-byte answer").format(n=m.group(1))
        known = {
            "one recv() chunk; no framing says where it ends": self.tr(
                "one recv() chunk; no framing says where a message ends"
            ),
            "one recv() chunk taken as the reply": self.tr("one recv() chunk taken as the reply"),
        }
        return known.get(d)

    def _note(self, ev: AuthStep) -> str:
        d = ev.detail
        lesson = self._lesson_note(ev)
        if lesson is not None:
            return lesson
        if ev.step in ("frame_sent", "frame_received"):
            payload = ev.data[ev.header_bytes :]
            sizes = self.tr("prefix {h} B + payload {n} B").format(h=ev.header_bytes, n=len(payload))
            text = readable(payload)
            return f"{sizes}: {text}" if text else sizes
        if ev.step in ("mac_computed", "mac_expected"):
            inputs = readable(ev.inputs) or hex_groups(ev.inputs)
            return self.tr("{formula} over {inputs}").format(formula=d, inputs=inputs)
        if ev.step == "compared":
            m = re.match(r"length (\d+) != (\d+)", d)
            if m:
                return self.tr("length {got} ≠ {want}: rejected before comparing").format(
                    got=m.group(1), want=m.group(2)
                )
            if d.endswith("True"):
                return self.tr("hmac.compare_digest(expected, received) → equal ✔")
            return self.tr("hmac.compare_digest(expected, received) → different ✘")
        if ev.step == "challenge_generated":
            code = d.split(" ")[0]
            if d.startswith("fixed"):
                return self.tr("fixed challenge — INSECURE: the same every time")
            if "legacy" in d:
                return self.tr("{code} — legacy form of Python ≤ 3.11 (HMAC-MD5)").format(code=code)
            if "3.12" in d:
                return self.tr("{code} after a '{{digest}}' prefix (Python 3.12+ form)").format(code=code)
            return code
        known = {
            "recorded from client 1's login": self.tr("recorded from client 1's login"),
            "ignores the new challenge and replays": self.tr(
                "ignores the new challenge and replays the recording"
            ),
            "reflects the 1st connection's challenge": self.tr(
                "sends the 1st connection's challenge as its own"
            ),
            "answers with the server's own proof from the 2nd connection": self.tr(
                "answers with the server's own proof from the 2nd connection"
            ),
            "on-path attacker rewrote this frame": self.tr("an on-path attacker rewrote this frame"),
            "not a netsim challenge": self.tr("not a netsim challenge"),
            "not a challenge": self.tr("not a challenge"),
        }
        if d in known:
            return known[d]
        m = re.fullmatch(r"server asks for (\S+), this client uses (\S+?)( - lenient client follows)?", d)
        if m:
            if m.group(3):
                return self.tr("server asks for {a}, client uses {b} — lenient client follows").format(
                    a=m.group(1), b=m.group(2)
                )
            return self.tr("server asks for {a}, client uses {b} — refused (downgrade?)").format(
                a=m.group(1), b=m.group(2)
            )
        return d

    def retranslate(self) -> None:
        self._title.setText(self.tr("Client legitimacy check: HMAC challenge-response"))
        self._subtitle.setText(
            self.tr(
                "The server sends a fresh random challenge; only a client holding the shared key can "
                "answer with the right MAC. The key itself never crosses the network."
            )
        )
        self._server_box.setTitle(self.tr("Server"))
        self._client_box.setTitle(self.tr("Client"))
        for label in (self._server_key_label, self._client_key_label):
            label.setText(self.tr("Key"))
        for label in (self._server_digest_label, self._client_digest_label):
            label.setText(self.tr("Digest"))
        for label in (self._server_variant_label, self._client_variant_label):
            label.setText(self.tr("Variant"))
        self._fixed.setText(self.tr("Fixed challenge (INSECURE, for the replay lesson)"))
        self._strict.setText(self.tr("Strict: refuse another variant or digest"))
        self._client_key.setToolTip(self.tr("Edit the client's key to make it wrong"))
        names = self._variant_names()
        for combo in (self._server_variant, self._client_variant):
            for i in range(combo.count()):
                combo.setItemText(i, names[combo.itemData(i)])
        self._run_button.setText(self.tr("Run ▶"))
        self._step_button.setText(self.tr("Step"))
        self._pause_button.setText(self.tr("Pause"))
        self._reset_button.setText(self.tr("Reset"))
        self._attacks_label.setText(self.tr("Attacks:"))
        texts = {
            "replay": self.tr("Replay"),
            "wrong-key": self.tr("Wrong key"),
            "reflection": self.tr("Reflection"),
            "downgrade": self.tr("Downgrade"),
            "multi": self.tr("Several clients"),
        }
        tips = {
            "replay": self.tr(
                "Replay a recorded answer on a new connection, then against a fixed-challenge server"
            ),
            "wrong-key": self.tr("A client with a different key"),
            "reflection": self.tr(
                "Mutual mode: reflect the server's challenge back to it, without and with role binding"
            ),
            "downgrade": self.tr("An on-path attacker rewrites the offer to the legacy sha1 method"),
            "multi": self.tr("3 legitimate clients and 1 with a wrong key, all at once"),
        }
        for name, button in self._attack_buttons.items():
            button.setText(texts[name])
            button.setToolTip(tips[name])
        self._weak_box.setTitle(self.tr("What is weak about the lesson's own form"))
        self._lesson_label.setText(self.tr("Run it for real:"))
        self._lesson_buttons["lesson-short-read"].setText(self.tr("recv(32) comes back short"))
        self._lesson_buttons["lesson-short-read"].setToolTip(
            self.tr(
                "The server sends the challenge in 8-byte pieces 0.2 s apart; the lesson's client code "
                "(one recv(32)) and a client reading exactly each try the right key"
            )
        )
        self._lesson_buttons["lesson-glued"].setText(self.tr("No framing after the check"))
        self._lesson_buttons["lesson-glued"].setToolTip(
            self.tr(
                "A client sends its answer and first message in one send(), to the lesson's server code "
                "(one recv(1024)) and to a server reading exactly the answer's size"
            )
        )
        self._steps_label.setText(self.tr("Steps (bytes in hex; frames as length prefix │ payload)"))
        self._steps.setHorizontalHeaderLabels(
            [self.tr("#"), self.tr("Who"), self.tr("Step"), self.tr("Bytes (hex)"), self.tr("Note")]
        )
        self._verdicts_label.setText(self.tr("Verdicts"))
        self._conns_label.setText(self.tr("Connections"))
        self._conns.setHorizontalHeaderLabels(
            [self.tr("Client"), self.tr("Port"), self.tr("Server says"), self.tr("Why")]
        )
        self._update_variant_note()
        self._update_status()
        self._render_all()

    def _lesson_selected(self) -> bool:
        return self._server_variant.currentData() in LESSON_CHOICES or (
            self._client_variant.currentData() in LESSON_CHOICES
        )

    def _update_variant_note(self) -> None:
        notes = self._variant_notes()
        text = notes[self._server_variant.currentData()]
        if self._fixed.isChecked():
            text += " " + self.tr("The fixed challenge makes any recorded answer replayable.")
        self._variant_note.setText(text)
        weak = self._weakness_texts()
        order = ("short_read", "no_framing", "no_verdict", "equals", "md5")
        self._weak_text.setText("\n".join(f"• {weak[code]}" for code in order))
        self._weak_box.setVisible(self._lesson_selected())
        self._update_buttons()

    def _update_buttons(self) -> None:
        busy = not self._lab.is_idle()
        lesson = self._server_variant.currentData() in LESSON_CHOICES
        for name, button in self._attack_buttons.items():
            button.setEnabled(not busy and not (lesson and name in NETSIM_ONLY_ATTACKS))
        for button in self._lesson_buttons.values():
            button.setEnabled(not busy)

    def _update_status(self) -> None:
        if self._error:
            self._status.setText(self._error)
        elif self._status_key == "running":
            self._status.setText(self.tr("Running…"))
        elif self._status_key == "stepping":
            if self._pending:
                self._status.setText(self.tr("Waiting before {call} — press Step").format(call=self._pending))
            else:
                self._status.setText(self.tr("Step mode"))
        elif self._status_key == "done":
            self._status.setText(self.tr("Done."))
        else:
            self._status.setText(self.tr("Ready: set the keys, then Run, Step or try an attack."))

    # --- presenter scale ----------------------------------------------------------------------

    def apply_theme(self, theme: Theme) -> None:
        self.setFont(theme.font(1.0))
        title = theme.font(1.5, bold=True)
        self._title.setFont(title)
        self._arrow.setFont(title)
        bold = theme.font(1.0, bold=True)
        for label in (self._steps_label, self._verdicts_label, self._conns_label, self._attacks_label):
            label.setFont(bold)
        self._mono = theme.font(0.95, mono=True)
        # Enough rows to read in each pane; the panel scrolls when the window is shorter.
        line = QFontMetrics(theme.font(1.0)).lineSpacing()
        self._steps.setMinimumHeight(9 * line)
        self._verdicts.setMinimumHeight(6 * line)
        self._conns.setMinimumHeight(6 * line)
        self._render_all()

    # --- runs ---------------------------------------------------------------------------------

    def _setup(self) -> Setup:
        def config(variant: str, digest: str, **extra: object) -> AuthConfig:
            if variant == MP_VARIANT:
                return AuthConfig(protocol=MULTIPROCESSING, digest=digest, deadline_s=5.0)
            if variant in LESSON_CHOICES:
                form = macs.LEGACY_SHA1 if variant == LESSON_SHA1 else macs.HMAC
                return AuthConfig(protocol=LESSON, variant=form, digest=digest, deadline_s=5.0)
            return AuthConfig(protocol=NETSIM, variant=variant, digest=digest, deadline_s=5.0, **extra)  # type: ignore[arg-type]

        server = config(
            self._server_variant.currentData(),
            self._server_digest.currentData(),
            fixed_challenge=FIXED_CHALLENGE if self._fixed.isChecked() else None,
        )
        client = config(
            self._client_variant.currentData(),
            self._client_digest.currentData(),
            strict=self._strict.isChecked(),
        )
        return Setup(
            server=server,
            client=client,
            server_key=self._server_key.text().encode(),
            client_key=self._client_key.text().encode(),
        )

    def start_scenarios(self, names: Sequence[str], *, stepping: bool = False) -> bool:
        """Start a scenario job (non-blocking); False if one is still running."""
        if not self._lab.is_idle():
            return False
        try:
            setup = self._setup()
        except ValueError as exc:
            self._error = str(exc)
            self._update_status()
            return False
        self._clear_views()
        self._error = ""
        self._status_key = "stepping" if stepping else "running"
        self._lab.start(list(names), setup, stepping=stepping)
        self._set_busy(True)
        self._update_status()
        return True

    def _set_busy(self, busy: bool) -> None:
        for button in (*self._attack_buttons.values(), *self._lesson_buttons.values()):
            button.setEnabled(not busy)
        for widget in (self._server_box, self._client_box):
            widget.setEnabled(not busy)
        if not busy:
            self._update_buttons()

    def run_default_preset(self) -> None:
        self.start_scenarios(["good"])

    def presets(self) -> list[tuple[str, str]]:
        names = self._scenario_names()
        return [(preset, names[preset]) for preset in PRESET_SCENARIOS]

    def load_preset(self, preset_id: str, run: bool = True) -> None:
        """Run scenario ``preset_id`` with the keys and variants on the cards (as its button does)."""
        scenarios = PRESET_SCENARIOS[preset_id]
        if run:
            if not self._lab.is_idle():
                self.reset()
            self.start_scenarios(list(scenarios))

    def start_recorded_run(self, preset_id: str | None) -> None:
        """Recorded in step mode, one call per :data:`RECORD_STEP_S`: run freely, the whole
        exchange takes a few milliseconds and a replay at any frame rate would jump to the end."""
        self.start_recording()
        if not self._lab.is_idle():
            self.reset()
        if self.start_scenarios(list(PRESET_SCENARIOS[preset_id or "good"]), stepping=True):
            self._auto_step_s = RECORD_STEP_S

    def on_tick(self) -> None:
        if self._auto_step_s is None:
            return
        lab = self._lab
        if lab.is_idle():
            self._auto_step_s = None
            return
        now = time.monotonic()
        if lab.gate is not None and lab.gate.pending() and now - self._last_auto_step >= self._auto_step_s:
            self._last_auto_step = now
            lab.step()

    def can_animate(self) -> bool:
        return True

    def show_trace_until(self, trace: Trace, t_ns: int) -> None:
        """The steps, verdicts and connections as they stood at ``t_ns``."""
        new = self._replay_cursor.advance(trace, t_ns)
        if self._replay_cursor.restarted:
            self._clear_views()
            self._error = ""
            self._status_key = "running"
        self.on_events(new)
        self._steps.scrollToBottom()

    def is_idle(self) -> bool:
        return self._lab.is_idle() and not self.helper_busy

    def run(self) -> None:
        if self._lab.is_idle():
            self.start_scenarios(["good"])
        else:
            self._status_key = "running"
            self._lab.resume()
            self._update_status()

    def step(self) -> None:
        if self._lab.is_idle():
            self.start_scenarios(["good"], stepping=True)
        else:
            self._status_key = "stepping"
            self._lab.pause()
            self._lab.step()
            self._pending = ""
            self._update_status()

    def pause(self) -> None:
        if not self._lab.is_idle():
            self._status_key = "stepping"
            self._lab.pause()
            self._update_status()

    def _new_lab(self) -> None:
        """Close the lab on the helper thread; a new lab and recorder take over at once (the
        closing lab's last events go to its own recorder, no longer shown)."""
        old = self._lab
        self.bridge.drain()
        self._recorder = Recorder(keep=False)
        self._lab = AuthLab(self._recorder)
        self.bridge.attach(self._recorder)
        self.close_off_gui(old.close, self.tr("Closing the HMAC lab"))

    def reset(self) -> None:
        self._auto_step_s = None
        self._new_lab()
        self._clear_views()
        self._status_key = "ready"
        self._error = ""
        self._set_busy(False)
        self._update_status()

    def stop_work(self) -> None:
        self.close_off_gui(self._lab.close, self.tr("Closing the HMAC lab"))

    def key_widget(self) -> QWidget | None:
        return self._verdicts

    # --- events (GUI thread, one batch per timer tick) ----------------------------------------

    def _clear_views(self) -> None:
        self._events.clear()
        self._outcomes.clear()
        self._connections.clear()
        self._pending = ""
        self._steps.setRowCount(0)
        self._verdicts.clear()
        self._conns.setRowCount(0)

    def on_events(self, batch: list[Event]) -> None:
        new_rows: list[Event] = []
        conns_changed = False
        for ev in batch:
            if isinstance(ev, AuthStep | SocketFailed):
                new_rows.append(ev)
            elif isinstance(ev, AuthVerdict):
                new_rows.append(ev)
                self._track_connection(ev)
                conns_changed = True
            elif isinstance(ev, ScenarioFinished):
                self._outcomes.append(ev)
                self._add_outcome(ev)
            elif isinstance(ev, CallPending):
                self._pending = f"{self._who(ev.endpoint)}: {ev.call}"
            elif isinstance(ev, RunFinished):
                self._status_key = "done"
                self._pending = ""
                self._set_busy(False)
        if new_rows:
            self._events.extend(new_rows)
            self._steps.setUpdatesEnabled(False)
            for ev in new_rows:
                self._append_row(ev)
            overflow = self._steps.rowCount() - MAX_ROWS
            if overflow > 0:
                del self._events[:overflow]
                for _ in range(overflow):
                    self._steps.removeRow(0)
            self._steps_fit.refit()
            self._steps.setUpdatesEnabled(True)
            self._steps.scrollToBottom()
        if conns_changed:
            self._render_connections()
        self._update_status()

    def _track_connection(self, ev: AuthVerdict) -> None:
        row = self._connections.setdefault(
            ev.conn, {"who": "", "server": "", "reason": "", "accepted": False}
        )
        if ev.endpoint == "server":
            row["server"] = "accepted" if ev.accepted else "rejected"
            row["reason"] = ev.reason
            row["accepted"] = ev.accepted
        else:
            row["who"] = ev.who
            if not row["reason"]:
                row["reason"] = ev.reason

    def _item(
        self, text: str, *, mono: bool = False, colour: QColor | None = None, tip: str = ""
    ) -> QTableWidgetItem:
        item = QTableWidgetItem(text)
        if mono:
            item.setFont(self._mono)
        if colour is not None:
            item.setForeground(QBrush(colour))
        if tip:
            item.setToolTip(tip)
        return item

    def _append_row(self, ev: Event) -> None:
        row = self._steps.rowCount()
        self._steps.insertRow(row)
        self._steps.setItem(row, 0, self._item(str(row + 1)))
        if isinstance(ev, AuthStep):
            kind = who_kind(ev.who)
            self._steps.setItem(
                row, 1, self._item(f"{self._who(ev.who)} #{ev.conn}", colour=self.theme.side_colour(kind))
            )
            what = self._what_words().get(ev.what, ev.what)
            template = self._step_templates().get(ev.step, ev.step + " {what}")
            colour = self.theme.bad_colour if ev.step in ("attack", "refused", STEP_WEAKNESS) else None
            self._steps.setItem(row, 2, self._item(template.format(what=what), colour=colour))
            full = ev.data.hex()
            self._steps.setItem(row, 3, self._item(wire_hex(ev.data, ev.header_bytes), mono=True, tip=full))
            note = self._note(ev)
            self._steps.setItem(row, 4, self._item(note, tip=note))
        elif isinstance(ev, AuthVerdict):
            kind = who_kind(ev.who)
            self._steps.setItem(
                row, 1, self._item(f"{self._who(ev.who)} #{ev.conn}", colour=self.theme.side_colour(kind))
            )
            word = self.tr("VERDICT ✔ accepted") if ev.accepted else self.tr("VERDICT ✘ rejected")
            tint: QColor | None = self.theme.ok_colour if ev.accepted else self.theme.bad_colour
            if ev.reason == "no_verdict":
                word, tint = self.tr("VERDICT ? unknown"), None
            item = self._item(word, colour=tint)
            font = QFont(self.font())
            font.setBold(True)
            item.setFont(font)
            self._steps.setItem(row, 2, item)
            self._steps.setItem(row, 3, self._item(""))
            reason = self._reasons().get(ev.reason, ev.reason)
            self._steps.setItem(row, 4, self._item(reason, tip=reason))
        elif isinstance(ev, SocketFailed):
            self._steps.setItem(row, 1, self._item(self._who(ev.endpoint)))
            self._steps.setItem(
                row,
                2,
                self._item(self.tr("error in {call}").format(call=ev.call), colour=self.theme.bad_colour),
            )
            self._steps.setItem(row, 3, self._item(""))
            text = describe(ev)  # the system's words and, beside them, a sentence in the UI's language
            self._steps.setItem(row, 4, self._item(text, tip=text))
        self._steps.resizeRowToContents(row)

    def _add_outcome(self, ev: ScenarioFinished) -> None:
        name = self._scenario_names().get(ev.scenario, ev.scenario)
        attack = ev.scenario not in ("good", "multi")
        if ev.scenario.startswith("lesson-"):
            # Each of these runs the lesson's code beside a fixed one: "succeeded" = the weakness bit.
            verdict = (
                self.tr("⚠ the weakness bit: the right key was refused")
                if ev.succeeded
                else self.tr("✘ not reproduced this time")
            )
            good = False
        elif ev.scenario == "wrong-key":
            verdict = self.tr("✘ rejected") if not ev.succeeded else self.tr("✔ accepted")
            good = not ev.succeeded
        elif attack:
            verdict = self.tr("⚠ attack succeeded") if ev.succeeded else self.tr("✔ attack stopped")
            good = not ev.succeeded
        else:
            verdict = self.tr("✔ as expected") if ev.succeeded else self.tr("✘ unexpected result")
            good = ev.succeeded
        sentence = self._explanations().get(ev.explanation, ev.explanation)
        item = QListWidgetItem(
            self.tr("{name}: {verdict}").format(name=name, verdict=verdict) + "\n" + sentence
        )
        item.setForeground(QBrush(self.theme.ok_colour if good else self.theme.bad_colour))
        self._verdicts.addItem(item)

    def _render_connections(self) -> None:
        rows = [(conn, info) for conn, info in self._connections.items() if info["who"] or info["server"]]
        self._conns.setRowCount(len(rows))
        reasons = self._reasons()
        for i, (conn, info) in enumerate(rows):
            accepted = bool(info["accepted"])
            self._conns.setItem(i, 0, self._item(self._who(str(info["who"])) if info["who"] else "?"))
            self._conns.setItem(i, 1, self._item(str(conn), mono=True))
            if info["server"]:
                text = self.tr("✔ accepted") if accepted else self.tr("✘ rejected")
                self._conns.setItem(
                    i, 2, self._item(text, colour=self.theme.ok_colour if accepted else self.theme.bad_colour)
                )
            else:
                self._conns.setItem(i, 2, self._item("…"))
            reason = str(info["reason"])
            why = reasons.get(reason, reason)
            self._conns.setItem(i, 3, self._item(why, tip=why))
        self._conns_fit.refit()

    def _render_all(self) -> None:
        self._steps.setUpdatesEnabled(False)
        self._steps.setRowCount(0)
        for ev in self._events:
            self._append_row(ev)
        self._steps_fit.refit()
        self._steps.setUpdatesEnabled(True)
        self._verdicts.clear()
        for outcome in self._outcomes:
            self._add_outcome(outcome)
        self._render_connections()

    # --- for tests and screenshots ------------------------------------------------------------

    def verdict_texts(self) -> list[str]:
        return [self._verdicts.item(i).text() for i in range(self._verdicts.count())]

    def connection_rows(self) -> list[tuple[str, str]]:
        out = []
        for i in range(self._conns.rowCount()):
            who, said = self._conns.item(i, 0), self._conns.item(i, 2)
            out.append((who.text() if who else "", said.text() if said else ""))
        return out

    def step_rows(self) -> int:
        return self._steps.rowCount()
