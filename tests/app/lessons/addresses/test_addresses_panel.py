"""The addresses panel: this machine's interfaces, classification, ports, a frame drawn by layer."""

from __future__ import annotations

import socket
import sys
import threading
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

import app.lessons.addresses.panel as panel_module
from app.lessons.addresses.panel import AddressesPanel, join_sentences
from netsim.lessons.addresses import names

LINUX = sys.platform.startswith("linux")


@pytest.fixture
def panel(qtbot: QtBot) -> Iterator[AddressesPanel]:
    widget = AddressesPanel()
    qtbot.addWidget(widget)
    widget.resize(1400, 900)
    qtbot.waitUntil(widget.is_idle, timeout=10_000)  # the machine is read on the helper thread
    yield widget
    widget.shutdown()


@pytest.mark.skipif(not LINUX, reason="the loopback interface is called lo on Linux")
def test_this_machine_shows_lo_with_127_0_0_1(panel: AddressesPanel) -> None:
    rows = panel.interface_rows()
    lo = [r for r in rows if r[0].startswith("lo") and r[3] == "127.0.0.1/8"]
    assert lo and lo[0][1] == "✔ up" and lo[0][4] == "loopback"
    assert "Default gateway (IPv4):" in panel.gateway_label.text()


def test_default_preset_fills_the_three_parts(qtbot: QtBot, panel: AddressesPanel) -> None:
    panel.run_default_preset()
    qtbot.waitUntil(panel.is_idle, timeout=15000)  # the name lookup runs in a worker
    text = panel.address_result.text()
    assert "192.168.16.67 is a private address (192.168.0.0/16)" in text and "NAT" in text
    assert "9001 is a registered port" in panel.port_result.text()
    assert panel.layer_keys() == ["ethernet", "ipv4", "tcp", "payload"]
    assert (
        panel.frame_summary.text()
        == "Frame: Ethernet II 14 + IPv4 20 + TCP 20 + Application data 5 = 59 bytes"
    )


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("127.0.0.1", "127.0.0.1 is a loopback address (127.0.0.0/8)"),
        ("172.31.255.255", "172.31.255.255 is a private address (172.16.0.0/12)"),
        ("172.32.0.1", "172.32.0.1 is a public (global) address"),
        ("0.0.0.0", "0.0.0.0 means &quot;all interfaces&quot;"),
        ("::1", "IPv6: ::1 is a loopback address"),
        ("10.1.2.3/8", "Its network is 10.0.0.0/8 (netmask 255.0.0.0)."),
        ("not an address", "“not an address” is not an IP address"),
    ],
)
def test_an_address_typed_in_is_classified(
    qtbot: QtBot, panel: AddressesPanel, typed: str, expected: str
) -> None:
    panel.address_edit.clear()
    qtbot.keyClicks(panel.address_edit, typed)
    qtbot.keyClick(panel.address_edit, Qt.Key.Key_Return)
    assert expected in panel.address_result.text()


def test_a_port_someone_listens_on_names_the_listener(qtbot: QtBot, panel: AddressesPanel) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        panel.port_spin.setValue(port)
        qtbot.mouseClick(panel.port_btn, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(panel.is_idle, timeout=10_000)
        assert "Listening now: TCP 127.0.0.1:" in panel.port_result.text()
        assert ("TCP", "127.0.0.1", str(port)) in [r[:3] for r in panel.listening_rows()]
    panel.refresh_machine()
    qtbot.waitUntil(panel.is_idle, timeout=10_000)
    assert "Nobody listens on it now." in panel.port_result.text()


def test_port_sentences(qtbot: QtBot, panel: AddressesPanel) -> None:
    panel.port_spin.setValue(0)
    panel.explain_port()
    qtbot.waitUntil(panel.is_idle, timeout=10_000)
    assert "choose a free port" in panel.port_result.text()
    panel.port_spin.setValue(65000)
    panel.explain_port()
    qtbot.waitUntil(panel.is_idle, timeout=10_000)
    assert "dynamic / private port (49152–65535)" in panel.port_result.text()


def test_layers_for_a_message_and_udp(qtbot: QtBot, panel: AddressesPanel) -> None:
    panel.message_edit.clear()
    qtbot.keyClicks(panel.message_edit, "hi there")
    assert panel.layer_keys() == ["ethernet", "ipv4", "tcp", "payload"]
    assert panel.frame_summary.text().endswith("= 62 bytes")
    texts = panel.layers_view.texts
    assert [t.osi for t in texts] == [
        "OSI 2: data link layer",
        "OSI 3: network layer",
        "OSI 4: transport layer",
        "OSI 5–7: session / presentation / application",
    ]
    assert [t.size for t in texts] == [
        "header: 14 bytes",
        "header: 20 bytes",
        "header: 20 bytes",
        "data: 8 bytes",
    ]
    assert "src: 127.0.0.1" in texts[1].fields and "flags: PSH,ACK" in texts[2].fields
    assert "text: 'hi there'" in texts[3].fields
    panel.transport.setCurrentIndex(panel.transport.findData("udp"))
    assert panel.layer_keys() == ["ethernet", "ipv4", "udp", "payload"]
    assert (
        panel.frame_summary.text()
        == "Frame: Ethernet II 14 + IPv4 20 + UDP 8 + Application data 8 = 50 bytes"
    )
    hex_text = panel.hex_view.toPlainText()
    assert hex_text.splitlines()[0].startswith("0000") and "68 69 20 74" in hex_text
    panel.layers_view.grab()  # paints without error


def test_too_long_a_message_says_so(panel: AddressesPanel) -> None:
    panel.message_edit.setText("x" * 2000)
    assert panel.frame_summary.text().endswith("= 2054 bytes")
    assert "… 1030 more bytes" in panel.hex_view.toPlainText()
    panel.message_edit.setText("你" * 30_000)  # 90,000 bytes of UTF-8
    assert panel.layer_keys() == []
    assert "does not fit" in panel.frame_summary.text()


def test_scale_timer_and_shutdown(qtbot: QtBot, panel: AddressesPanel) -> None:
    panel.run_default_preset()
    qtbot.waitUntil(panel.is_idle, timeout=10_000)
    rows = panel.interface_rows()
    panel.set_scale(1.5)
    panel.retranslate()
    assert panel.font().pointSizeF() == pytest.approx(15.0)
    assert panel.layers_view.scale == 1.5
    assert panel.interface_rows() == rows
    panel.auto_refresh.setChecked(True)
    assert panel.timer.isActive()
    panel.pause()
    assert not panel.timer.isActive()
    panel.auto_refresh.setChecked(True)
    panel.shutdown()
    assert not panel.timer.isActive() and panel.is_idle()
    panel.reset()  # after shutdown the keys still answer, without starting a thread
    panel.run()
    panel.step()
    assert "192.168.16.67" in panel.address_result.text()


def test_join_sentences() -> None:
    assert join_sentences(["A.", "B."]) == "A. B."
    assert join_sentences(["甲。", "乙。"]) == "甲。乙。"


def test_the_panel_speaks_chinese(qtbot, chinese) -> None:  # type: ignore[no-untyped-def]
    """With the app's own translations installed (completeness: tests/app/test_i18n.py)."""
    widget = AddressesPanel()
    qtbot.addWidget(widget)
    widget.run_default_preset()
    assert widget.title() == "地址、端口与分层"
    assert "是私有地址（192.168.0.0/16）" in widget.address_result.text()
    assert "讲义称它为8位块；RFC 1918 按主机位数给地址块命名，称它为 16 位块" in widget.address_result.text()
    assert widget.tabs.tabText(3) == "域名"
    assert widget.layers_view.texts[0].osi == "OSI 第 2 层：数据链路层"
    assert widget.layers_view.texts[3].title == "应用数据"
    assert widget.iface_table.horizontalHeaderItem(0).text() == "网卡"
    assert widget.frame_summary.text().endswith("= 59 字节")
    widget.shutdown()


# ===================================================================== domain names
def test_private_block_names_lesson_and_rfc(panel: AddressesPanel) -> None:
    panel.address_edit.setText("172.20.0.1")
    panel.classify_typed()
    text = panel.address_result.text()
    assert "The lesson calls it the 16-bit block (16位块)" in text and "20-bit block" in text
    panel.address_edit.setText("10.0.0.1")
    panel.classify_typed()
    assert "both call it the 24-bit block (24位块)" in panel.address_result.text()


def test_localhost_resolves_in_a_worker_and_fills_the_table(qtbot: QtBot, panel: AddressesPanel) -> None:
    threads = threading.active_count()
    panel.name_edit.setText("localhost")
    panel.resolve_typed()
    assert not panel.resolve_btn.isEnabled()  # the lookup is off the GUI thread, still pending
    qtbot.waitUntil(panel.is_idle, timeout=15000)
    rows = panel.resolution_rows()
    assert rows and {r[0] for r in rows} <= {"127.0.0.1", "::1"}
    assert any(r[1] in ("A (IPv4)", "AAAA (IPv6)") for r in rows)
    assert all(r[2].startswith(("hosts file", "resolver")) for r in rows)
    assert "localhost:" in panel.resolve_result.text()
    assert threading.active_count() == threads
    assert panel.bind_hosts() == ["localhost", "127.0.0.1", "0.0.0.0"]
    assert "Who can connect:" in panel.bind_text.text() and "0.0.0.0" in panel.bind_text.text()


def test_bad_name_and_no_resolver(
    qtbot: QtBot, panel: AddressesPanel, monkeypatch: pytest.MonkeyPatch
) -> None:
    panel.name_edit.setText("two words")
    panel.resolve_typed()
    qtbot.waitUntil(panel.is_idle, timeout=15000)
    assert "is not a domain name" in panel.resolve_result.text()
    # A resolver that never answers: the child doing getaddrinfo sleeps and is killed at the deadline.
    monkeypatch.setattr(
        names, "child_command", lambda name: [sys.executable, "-c", "import time; time.sleep(30)"]
    )
    monkeypatch.setattr(panel_module, "RESOLVE_TIMEOUT_S", 0.5)
    panel.name_edit.setText("offline.example")
    panel.resolve_typed()
    qtbot.waitUntil(panel.is_idle, timeout=15000)
    assert "No resolver answered within 0.5 s" in panel.resolve_result.text()
    assert panel.resolution_rows() == []


def test_layer_boxes_fit_their_text_at_projector_size(qtbot: QtBot, panel: AddressesPanel) -> None:
    panel.resize(1280, 720)
    panel.set_scale(1.5)
    panel.tabs.setCurrentIndex(2)
    panel.show()
    qtbot.waitExposed(panel)
    view = panel.layers_view
    factor, split = view.fit()
    widths, heights, fits = view._geometry(factor, split)
    assert fits, (view.size(), widths, heights)
    assert factor >= 0.65  # and legible: not shrunk to the floor
