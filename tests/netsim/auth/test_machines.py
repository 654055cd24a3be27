"""Sans-I/O tests of the challenge-response machines and MAC constructions (no sockets)."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from netsim.auth import macs
from netsim.auth.machines import (
    FIXED_CHALLENGE,
    MULTIPROCESSING,
    AuthConfig,
    Handshake,
    MpClient,
    MpServer,
    NetsimClient,
    NetsimServer,
    Outgoing,
)

KEY = b"hello"


def pump(server: Handshake, client: Handshake, *, tamper_to_client=None, max_rounds: int = 20) -> None:
    """Carry frames between two machines until both are finished (no sockets)."""
    server.start()
    client.start()
    for _ in range(max_rounds):
        moved = False
        for src, dst in ((server, client), (client, server)):
            for action in src.take_actions():
                if isinstance(action, Outgoing) and not dst.finished:
                    payload = action.payload
                    if src is server and tamper_to_client is not None:
                        payload = tamper_to_client(payload)
                    dst.receive(payload)
                    moved = True
        if server.finished and client.finished:
            return
        if not moved:
            break
    for side in (server, client):
        side.fail("eof")


def counter_nonce(size: int) -> bytes:
    return bytes(range(size))


def test_the_lessons_hmac_new_without_digestmod_no_longer_runs() -> None:
    with pytest.raises(TypeError, match="digestmod"):
        hmac.new(KEY, b"challenge")  # type: ignore[call-arg]


@pytest.mark.parametrize("variant", macs.VARIANTS)
@pytest.mark.parametrize("digest", macs.DIGESTS)
def test_right_key_is_accepted_by_every_variant_and_digest(variant: str, digest: str) -> None:
    cfg = AuthConfig(variant=variant, digest=digest)
    server, client = NetsimServer(cfg, KEY), NetsimClient(cfg, KEY)
    pump(server, client)
    assert (server.accepted, server.reason) == (True, "ok")
    assert (client.accepted, client.reason) == (True, "ok")


@pytest.mark.parametrize("variant", macs.VARIANTS)
def test_wrong_key_is_rejected(variant: str) -> None:
    cfg = AuthConfig(variant=variant)
    server, client = NetsimServer(cfg, KEY), NetsimClient(cfg, b"hellO")
    pump(server, client)
    assert server.accepted is False
    assert client.accepted is False
    if variant in (macs.MUTUAL, macs.MUTUAL_UNBOUND):
        # In mutual mode the client catches the impostor first: the server's proof is wrong.
        assert client.reason == "server_mac_wrong"
    else:
        assert server.reason == "wrong_mac"
        assert client.reason == "rejected_by_server"


def test_known_answer_hmac_sha256_covers_the_announced_digest() -> None:
    cfg = AuthConfig(digest="sha256")
    server, client = NetsimServer(cfg, KEY, counter_nonce), NetsimClient(cfg, KEY)
    pump(server, client)
    body = b"{hmac:sha256}" + bytes(range(32))
    assert client.sent_answers == [hmac.new(KEY, body, hashlib.sha256).digest()]


def test_legacy_variant_is_the_lessons_sha1_of_key_plus_challenge() -> None:
    cfg = AuthConfig(variant=macs.LEGACY_SHA1)
    server, client = NetsimServer(cfg, KEY, counter_nonce), NetsimClient(cfg, KEY)
    pump(server, client)
    sha = hashlib.sha1(KEY)
    sha.update(bytes(range(32)))
    assert client.sent_answers == [sha.hexdigest().encode()]
    assert "LEGACY" in macs.VARIANT_NOTES[macs.LEGACY_SHA1]
    assert "length extension" in macs.VARIANT_NOTES[macs.LEGACY_SHA1]


def test_the_comparison_is_hmac_compare_digest(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        calls.append((bytes(a), bytes(b)))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    cfg = AuthConfig()
    server, client = NetsimServer(cfg, KEY), NetsimClient(cfg, KEY)
    pump(server, client)
    assert server.accepted is True
    assert calls == [(client.sent_answers[0], client.sent_answers[0])]


def test_the_verdict_comes_from_compare_digest_not_from_equality(monkeypatch: pytest.MonkeyPatch) -> None:
    # If the code compared with ==, a compare_digest that always says "different" would not
    # change the outcome; it must.
    monkeypatch.setattr(hmac, "compare_digest", lambda a, b: False)
    cfg = AuthConfig()
    server, client = NetsimServer(cfg, KEY), NetsimClient(cfg, KEY)
    pump(server, client)
    assert (server.accepted, server.reason) == (False, "wrong_mac")


def test_wrong_length_answer_is_rejected_before_comparing(monkeypatch: pytest.MonkeyPatch) -> None:
    compared: list[object] = []
    monkeypatch.setattr(hmac, "compare_digest", lambda a, b: compared.append(1) or True)
    server = NetsimServer(AuthConfig(), KEY)
    server.start()
    server.take_actions()
    server.receive(b"\x00" * 31)
    assert (server.accepted, server.reason) == (False, "wrong_length")
    assert compared == []
    assert server.take_actions()[-1] == Outgoing(macs.FAILURE, "verdict")


def test_role_binding_is_what_stops_reflection() -> None:
    body = macs.announce(macs.MUTUAL_UNBOUND, "sha256") + bytes(32)
    unbound_server = macs.answer_for(macs.MUTUAL_UNBOUND, "sha256", KEY, body, role="server")
    unbound_client = macs.answer_for(macs.MUTUAL_UNBOUND, "sha256", KEY, body, role="client")
    assert unbound_server.value == unbound_client.value  # the reflection oracle
    bound_server = macs.answer_for(macs.MUTUAL, "sha256", KEY, body, role="server")
    bound_client = macs.answer_for(macs.MUTUAL, "sha256", KEY, body, role="client")
    assert bound_server.value != bound_client.value


def test_strict_client_refuses_another_variant_lenient_follows() -> None:
    server_cfg = AuthConfig(digest="sha512")
    strict = NetsimClient(AuthConfig(digest="sha256"), KEY)
    server = NetsimServer(server_cfg, KEY)
    pump(server, strict)
    assert (strict.accepted, strict.reason) == (False, "variant_mismatch")
    lenient = NetsimClient(AuthConfig(digest="sha256", strict=False), KEY)
    server = NetsimServer(server_cfg, KEY)
    pump(server, lenient)
    assert (server.accepted, lenient.accepted) == (True, True)


def test_downgrade_rewrite_of_the_announcement_is_refused_by_the_server() -> None:
    cfg = AuthConfig(digest="sha256")
    server = NetsimServer(cfg, KEY)
    lenient = NetsimClient(AuthConfig(digest="sha1", strict=False), KEY)

    def rewrite(payload: bytes) -> bytes:
        return payload.replace(b"{hmac:sha256}", b"{hmac:sha1}")

    pump(server, lenient, tamper_to_client=rewrite)
    assert server.accepted is False
    assert server.reason == "wrong_length"  # a 20-byte SHA-1 MAC for a SHA-256 server

    # Same length but a rewritten challenge: the MAC covers the announcement, so it fails.
    server = NetsimServer(cfg, KEY)
    client = NetsimClient(AuthConfig(digest="sha256"), KEY)
    pump(server, client, tamper_to_client=lambda p: p[:-1] + bytes([p[-1] ^ 1]))
    assert (server.accepted, server.reason) == (False, "wrong_mac")


def test_fixed_challenge_server_repeats_itself() -> None:
    cfg = AuthConfig(fixed_challenge=FIXED_CHALLENGE)
    answers = []
    for _ in range(2):
        server, client = NetsimServer(cfg, KEY), NetsimClient(AuthConfig(), KEY)
        pump(server, client)
        answers.append(client.sent_answers[0])
    assert answers[0] == answers[1]
    fresh = []
    for _ in range(2):
        server, client = NetsimServer(AuthConfig(), KEY), NetsimClient(AuthConfig(), KEY)
        pump(server, client)
        fresh.append(client.sent_answers[0])
    assert fresh[0] != fresh[1]


def test_config_validation() -> None:
    with pytest.raises(ValueError, match="digest"):
        AuthConfig(digest="md5")
    with pytest.raises(ValueError, match="multiprocessing digest"):
        AuthConfig(protocol=MULTIPROCESSING, digest="sha512")
    with pytest.raises(ValueError, match="256"):
        AuthConfig(max_preauth_frame_bytes=1024)
    with pytest.raises(ValueError, match="variant"):
        AuthConfig(variant="plain")


# --- multiprocessing.connection form --------------------------------------------------------


@pytest.mark.parametrize("digest", macs.MP_DIGESTS)
def test_mp_machines_agree(digest: str) -> None:
    cfg = AuthConfig(protocol=MULTIPROCESSING, digest=digest)
    server, client = MpServer(cfg, KEY), MpClient(cfg, KEY)
    pump(server, client)
    assert (server.accepted, client.accepted) == (True, True)


def test_mp_wrong_key_gets_failure() -> None:
    cfg = AuthConfig(protocol=MULTIPROCESSING)
    server, client = MpServer(cfg, KEY), MpClient(cfg, b"other")
    pump(server, client)
    assert (server.reason, client.reason) == ("wrong_mac", "rejected_by_server")


def test_mp_responses_match_cpython_311_and_312_formulas() -> None:
    legacy = bytes(20)
    assert macs.mp_create_response(KEY, legacy) is not None
    assert macs.mp_create_response(KEY, legacy).value == hmac.new(KEY, legacy, "md5").digest()  # type: ignore[union-attr]
    modern = b"{sha256}" + bytes(40)
    expected = b"{sha256}" + hmac.new(KEY, modern, "sha256").digest()
    assert macs.mp_create_response(KEY, modern).value == expected  # type: ignore[union-attr]
    assert macs.mp_create_response(KEY, b"{sha1}" + bytes(40)) is None  # not an allowed digest


def test_mp_strict_side_refuses_legacy_md5() -> None:
    strict = AuthConfig(protocol=MULTIPROCESSING, accept_legacy=False)
    server = MpServer(strict, KEY)
    server.start()
    challenge = server.take_actions()[-1]
    assert isinstance(challenge, Outgoing)
    message = challenge.payload[len(macs.CHALLENGE_TAG) :]
    server.receive(hmac.new(KEY, message, "md5").digest())  # what a 3.11 client answers
    assert (server.accepted, server.reason) == (False, "legacy_refused")

    client = MpClient(strict, KEY)
    client.start()
    client.receive(macs.CHALLENGE_TAG + bytes(20))  # a 3.11 server's challenge
    assert (client.accepted, client.reason) == (False, "legacy_refused")
