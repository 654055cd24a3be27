"""The table-driven TCP state model: the table itself, and two ends wired back to back."""

from __future__ import annotations

import pytest

from netsim.lessons.handshake.tcpstate import (
    ACK,
    FIN,
    PSH,
    RST,
    SYN,
    TRANSITIONS,
    ConnectionModel,
    Ev,
    ModelError,
    State,
    flag_text,
    lookup,
    states_reachable,
)


def test_table_covers_all_eleven_rfc9293_states() -> None:
    assert states_reachable() == set(State)
    assert len(State) == 11


def test_table_has_one_row_per_state_and_event() -> None:
    keys = [(t.state, t.event) for t in TRANSITIONS]
    assert len(keys) == len(set(keys))


def test_lookup_rejects_a_call_that_is_not_valid_in_the_state() -> None:
    with pytest.raises(ModelError):
        lookup(State.LISTEN, Ev.ACTIVE_OPEN)
    assert lookup(State.FIN_WAIT_2, Ev.RCV_FIN).next is State.TIME_WAIT


@pytest.mark.parametrize(
    ("kernel", "state"),
    [
        ("FIN_WAIT2", State.FIN_WAIT_2),
        ("SYN_RECV", State.SYN_RECEIVED),
        ("CLOSED", State.CLOSED),
        ("TIME_WAIT", State.TIME_WAIT),
        ("CLOSE", State.CLOSED),
    ],
)
def test_kernel_names_map_to_states(kernel: str, state: State) -> None:
    assert State.from_kernel(kernel) is state


def test_kernel_name_round_trip() -> None:
    for s in State:
        assert State.from_kernel(s.kernel_name) is s
    with pytest.raises(ValueError):
        State.from_kernel("BOGUS")


def test_flag_text_orders_like_the_lesson() -> None:
    assert flag_text(SYN | ACK) == "SYN/ACK"
    assert flag_text(FIN | ACK) == "FIN/ACK"
    assert flag_text(PSH | ACK) == "PSH/ACK"
    assert flag_text(RST | ACK) == "RST/ACK"
    assert flag_text(0) == "-"


def wire(steps: list) -> list[tuple[str, str, int, int, int]]:
    return [
        (m.segment.endpoint, m.segment.flag_text, m.segment.rel_seq, m.segment.rel_ack, m.segment.payload_len)
        for m in steps
        if m.segment is not None
    ]


def test_three_way_handshake_and_client_first_teardown() -> None:
    m = ConnectionModel()
    m.call("server", Ev.PASSIVE_OPEN)
    assert m.states() == {"client": State.CLOSED, "server": State.LISTEN}
    assert wire(m.call("client", Ev.ACTIVE_OPEN)) == [
        ("client", "SYN", 0, 0, 0),
        ("server", "SYN/ACK", 0, 1, 0),
        ("client", "ACK", 1, 1, 0),
    ]
    assert m.states() == {"client": State.ESTABLISHED, "server": State.ESTABLISHED}
    assert wire(m.call("client", Ev.SEND, 5)) == [("client", "PSH/ACK", 1, 1, 5), ("server", "ACK", 1, 6, 0)]
    assert wire(m.call("server", Ev.SEND, 6)) == [("server", "PSH/ACK", 1, 6, 6), ("client", "ACK", 6, 7, 0)]
    assert wire(m.call("client", Ev.CLOSE)) == [("client", "FIN/ACK", 6, 7, 0), ("server", "ACK", 7, 7, 0)]
    assert m.states() == {"client": State.FIN_WAIT_2, "server": State.CLOSE_WAIT}
    steps = m.call("server", Ev.CLOSE)
    assert wire(steps) == [("server", "FIN/ACK", 7, 7, 0), ("client", "ACK", 7, 8, 0)]
    assert m.states() == {"client": State.TIME_WAIT, "server": State.CLOSED}
    assert [(s.endpoint, s.row.state, s.row.next) for s in steps] == [
        ("server", State.CLOSE_WAIT, State.LAST_ACK),
        ("client", State.FIN_WAIT_2, State.TIME_WAIT),
        ("server", State.LAST_ACK, State.CLOSED),
    ]
    assert all(not m_.segment.captured for m_ in steps if m_.segment is not None)


def test_absolute_numbers_start_at_the_isns() -> None:
    m = ConnectionModel(client_isn=4_000_000, server_isn=77)
    m.call("server", Ev.PASSIVE_OPEN)
    syn, synack, ack = [s.segment for s in m.call("client", Ev.ACTIVE_OPEN) if s.segment]
    assert (syn.seq, syn.ack) == (4_000_000, 0)
    assert (synack.seq, synack.ack) == (77, 4_000_001)
    assert (ack.seq, ack.ack) == (4_000_001, 78)


def test_simultaneous_close_goes_through_closing() -> None:
    m = ConnectionModel()
    m.call("server", Ev.PASSIVE_OPEN)
    m.call("client", Ev.ACTIVE_OPEN)
    steps = m.calls([("client", Ev.CLOSE, 0), ("server", Ev.CLOSE, 0)])
    assert [flags for _, flags, *_ in wire(steps)] == ["FIN/ACK", "FIN/ACK", "ACK", "ACK"]
    assert State.CLOSING in {s.row.next for s in steps}
    assert m.states() == {"client": State.TIME_WAIT, "server": State.TIME_WAIT}


def test_connect_to_closed_port_is_refused_with_rst() -> None:
    m = ConnectionModel()
    steps = m.call("client", Ev.ACTIVE_OPEN)
    assert wire(steps) == [("client", "SYN", 0, 0, 0), ("server", "RST/ACK", 0, 1, 0)]
    rst = steps[-2].segment
    assert rst is not None and rst.seq == 0 and rst.ack == m.client_isn + 1
    assert m.states() == {"client": State.CLOSED, "server": State.CLOSED}


def test_close_with_unread_data_sends_rst() -> None:
    m = ConnectionModel()
    m.call("server", Ev.PASSIVE_OPEN)
    m.call("client", Ev.ACTIVE_OPEN)
    m.call("client", Ev.SEND, 10)
    assert wire(m.call("server", Ev.ABORT)) == [("server", "RST/ACK", 1, 11, 0)]
    assert m.states() == {"client": State.CLOSED, "server": State.CLOSED}


def test_half_close_still_carries_data_and_seq_advances_by_payload() -> None:
    m = ConnectionModel()
    m.call("server", Ev.PASSIVE_OPEN)
    m.call("client", Ev.ACTIVE_OPEN)
    m.call("client", Ev.CLOSE)  # shutdown(SHUT_WR)
    steps = m.call("server", Ev.SEND, 3)
    assert wire(steps) == [("server", "PSH/ACK", 1, 2, 3), ("client", "ACK", 2, 4, 0)]
    assert m.states() == {"client": State.FIN_WAIT_2, "server": State.CLOSE_WAIT}
    assert wire(m.call("server", Ev.SEND, 7))[0][2] == 4
