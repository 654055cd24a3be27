"""The HMAC panel drives real loopback runs through AuthLab and shows the verdicts."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from app.lessons.hmac.panel import HmacPanel, readable, wire_hex

TIMEOUT_MS = 10_000


@pytest.fixture
def panel(qtbot: QtBot) -> Iterator[HmacPanel]:
    widget = HmacPanel()
    qtbot.addWidget(widget)
    widget.resize(1280, 820)
    yield widget
    widget.shutdown()


def wait_idle(qtbot: QtBot, panel: HmacPanel, verdicts: int) -> None:
    qtbot.waitUntil(lambda: panel.is_idle() and len(panel.verdict_texts()) >= verdicts, timeout=TIMEOUT_MS)


def test_good_run_shows_accepted(qtbot: QtBot, panel: HmacPanel) -> None:
    panel.run_default_preset()
    wait_idle(qtbot, panel, 1)
    assert "as expected" in panel.verdict_texts()[0]
    assert panel.connection_rows() == [("client 1", "✔ accepted")]
    assert panel.step_rows() >= 12


def test_wrong_key_typed_into_the_client_card_is_rejected(qtbot: QtBot, panel: HmacPanel) -> None:
    panel._client_key.setText("hellO")
    panel.run()
    wait_idle(qtbot, panel, 1)
    assert panel.connection_rows() == [("client 1", "✘ rejected")]
    assert "different key" in panel.verdict_texts()[0]


def test_replay_button_fails_then_succeeds_against_the_fixed_challenge_server(
    qtbot: QtBot, panel: HmacPanel
) -> None:
    panel._attack_buttons["replay"].click()
    wait_idle(qtbot, panel, 2)
    fresh, fixed = panel.verdict_texts()
    assert "attack stopped" in fresh and "fresh random challenge" in fresh
    assert "attack succeeded" in fixed and "same challenge every time" in fixed
    assert ("attacker", "✘ rejected") in panel.connection_rows()
    assert ("attacker", "✔ accepted") in panel.connection_rows()


def test_several_clients_each_get_a_verdict(qtbot: QtBot, panel: HmacPanel) -> None:
    panel._attack_buttons["multi"].click()
    wait_idle(qtbot, panel, 1)
    rows = dict(panel.connection_rows())
    assert rows == {
        "client 1": "✔ accepted",
        "client 2": "✔ accepted",
        "client 3": "✔ accepted",
        "client 4 (wrong key)": "✘ rejected",
    }


def test_step_mode_waits_for_each_step(qtbot: QtBot, panel: HmacPanel) -> None:
    panel.step()  # starts a stepping run; the server waits before sending the challenge
    qtbot.waitUntil(lambda: "press Step" in panel._status.text(), timeout=TIMEOUT_MS)
    assert not panel.is_idle()
    assert panel.step_rows() <= 1
    for _ in range(40):
        if panel.is_idle():
            break
        before = panel.step_rows()
        panel.step()
        qtbot.waitUntil(lambda b=before: panel.is_idle() or panel.step_rows() > b, timeout=TIMEOUT_MS)
    wait_idle(qtbot, panel, 1)
    assert "as expected" in panel.verdict_texts()[0]


def test_shutdown_mid_run_leaves_no_threads(qtbot: QtBot, panel: HmacPanel) -> None:
    before = set(threading.enumerate())
    panel.step()
    qtbot.waitUntil(lambda: "press Step" in panel._status.text(), timeout=TIMEOUT_MS)
    panel.shutdown()
    assert panel.is_idle()
    assert [t for t in threading.enumerate() if t not in before and t.is_alive()] == []


def test_scale_and_retranslate_keep_the_rows(qtbot: QtBot, panel: HmacPanel) -> None:
    panel.run_default_preset()
    wait_idle(qtbot, panel, 1)
    rows = panel.step_rows()
    panel.set_scale(1.5)
    panel.retranslate()
    assert panel.step_rows() == rows
    assert panel.font().pointSizeF() == pytest.approx(15.0)


def test_hex_helpers() -> None:
    assert wire_hex(b"\x00\x00\x00\x02hi", 4) == "00000002 │ 6869"
    assert readable(b"#CHALLENGE#{hmac:sha256}\x00\x01") == "'#CHALLENGE#{hmac:sha256}' + 2 B"
    assert readable(b"\x00\x01\x02") == ""


def test_the_panel_speaks_chinese(qtbot, chinese) -> None:  # type: ignore[no-untyped-def]
    """With the app's own translations installed (completeness: tests/app/test_i18n.py)."""
    widget = HmacPanel()
    qtbot.addWidget(widget)
    assert widget.title() == "HMAC 挑战-应答"
    assert widget._title.text() == "客户端合法性验证：HMAC 挑战-应答"
    widget.shutdown()


# --- the lesson's own unframed form ---------------------------------------------------------


def choose(panel: HmacPanel, variant: str) -> None:
    for combo in (panel._server_variant, panel._client_variant):
        combo.setCurrentIndex(combo.findData(variant))


def test_the_lessons_form_is_a_choice_with_md5_and_its_weaknesses_shown(
    qtbot: QtBot, panel: HmacPanel
) -> None:
    assert panel._weak_box.isHidden()
    choose(panel, "lesson-hmac")
    assert not panel._weak_box.isHidden()
    assert panel._server_digest.currentData() == "md5"
    text = panel._weak_text.text()
    for words in ("recv(32)", "recv(1024)", "compare_digest", "MD5", "not measured"):
        assert words in text
    assert not panel._attack_buttons["replay"].isEnabled()  # it speaks the framed protocol
    assert panel._attack_buttons["multi"].isEnabled()
    panel.run()
    wait_idle(qtbot, panel, 1)
    assert panel.connection_rows() == [("client 1", "✔ accepted")]
    notes = [panel._steps.item(r, 4).text() for r in range(panel.step_rows())]
    assert any(n.startswith("是合法的客户端") for n in notes)
    assert any("ret == res" in n for n in notes)


def test_the_short_recv_runs_for_real(qtbot: QtBot, panel: HmacPanel) -> None:
    choose(panel, "lesson-hmac")
    panel._lesson_buttons["lesson-short-read"].click()
    wait_idle(qtbot, panel, 1)
    (text,) = panel.verdict_texts()
    assert "weakness bit" in text
    rows = dict(panel.connection_rows())
    assert rows == {"client 1 (the lesson's code)": "✘ rejected", "client 2 (exact reads)": "✔ accepted"}
    notes = [panel._steps.item(r, 4).text() for r in range(panel.step_rows())]
    assert any("one recv(32) returned 8 B" in n for n in notes)


def test_the_glued_answer_runs_for_real(qtbot: QtBot, panel: HmacPanel) -> None:
    choose(panel, "lesson-sha1")
    panel._lesson_buttons["lesson-glued"].click()
    wait_idle(qtbot, panel, 1)
    assert "weakness bit" in panel.verdict_texts()[0]
    assert sorted(s for _w, s in panel.connection_rows()) == ["✔ accepted", "✘ rejected"]


def test_explanations_keep_their_width_after_an_attack_at_projector_size(qtbot: QtBot) -> None:
    """Issue 8: at 1280 px and 1.5x zoom the note column shrank to ~40 px after an attack and
    the connections table's reason column went off view."""
    widget = HmacPanel()
    qtbot.addWidget(widget)
    try:
        widget.set_scale(1.5)
        widget.resize(1280 - 200, 720)  # the window minus the panel list
        widget.show()
        widget._attack_buttons["replay"].click()
        wait_idle(qtbot, widget, 2)
        qtbot.wait(50)
        for table, why in ((widget._steps, 4), (widget._conns, 3)):
            header = table.horizontalHeader()
            widths = [header.sectionSize(c) for c in range(header.count())]
            view = table.viewport().width()
            assert sum(widths) <= view, (widths, view)  # nothing off view to the right
            assert widths[why] >= 0.33 * view, (widths, view)
    finally:
        widget.shutdown()
