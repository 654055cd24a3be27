"""Frame layouts shared by every lesson that shows bytes on the wire (hex dumps by layer)."""

from __future__ import annotations

ETH_HEADER_BYTES = 14


def layer_spans(frame: bytes) -> list[tuple[str, int, int]]:
    """``[(layer, start, end), ...]`` for Ethernet / IPv4 / TCP / payload, for colouring hex dumps."""
    if len(frame) < ETH_HEADER_BYTES + 20:
        return [("ethernet", 0, len(frame))]
    ip_len = (frame[ETH_HEADER_BYTES] & 0x0F) * 4
    tcp_start = ETH_HEADER_BYTES + ip_len
    if len(frame) < tcp_start + 13:
        return [("ethernet", 0, ETH_HEADER_BYTES), ("ipv4", ETH_HEADER_BYTES, len(frame))]
    tcp_len = (frame[tcp_start + 12] >> 4) * 4
    pay_start = min(tcp_start + tcp_len, len(frame))
    spans = [
        ("ethernet", 0, ETH_HEADER_BYTES),
        ("ipv4", ETH_HEADER_BYTES, tcp_start),
        ("tcp", tcp_start, pay_start),
    ]
    if pay_start < len(frame):
        spans.append(("payload", pay_start, len(frame)))
    return spans
