"""The MAC constructions of the lesson, side by side, and the words that explain them.

Nothing here touches a socket.  Every comparison of a secret-dependent value goes through
``hmac.compare_digest`` (called through the module, so a test can spy on it) after an
explicit length check, so a wrong-length answer is refused with its own reason.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

# --- variants of the netsim protocol --------------------------------------------------------

LEGACY_SHA1 = "legacy-sha1"
HMAC = "hmac"
MUTUAL = "mutual"
MUTUAL_UNBOUND = "mutual-unbound"
VARIANTS: tuple[str, ...] = (LEGACY_SHA1, HMAC, MUTUAL, MUTUAL_UNBOUND)

VARIANT_NOTES: dict[str, str] = {
    LEGACY_SHA1: (
        "LEGACY - the lesson's first method, sha1(key + challenge): a bare hash is not a MAC "
        "construction (SHA-1/SHA-2 of key||message allow length extension) and SHA-1 itself "
        "is broken for collisions; shown to learn from, never to copy."
    ),
    HMAC: "HMAC with an explicit digest; the server's challenge (digest name included) is what is MACed.",
    MUTUAL: (
        "Mutual: the client challenges the server too; the role ('client'/'server') is inside "
        "each MAC, so one side's answer is never valid for the other."
    ),
    MUTUAL_UNBOUND: (
        "INSECURE mutual variant without role binding: a server answer can be reflected back to "
        "it as a client answer."
    ),
}

# Digests of the netsim protocol (HMAC variants).  hmac.new(key, msg) without digestmod raises
# TypeError on Python 3.8+ - the lesson's code no longer runs - so the digest is always named.
DIGESTS: tuple[str, ...] = ("sha256", "sha1", "sha512", "sha3_256")
DEFAULT_DIGEST = "sha256"

# multiprocessing.connection (CPython 3.12+) accepts these, plus unprefixed HMAC-MD5 from <=3.11.
MP_DIGESTS: tuple[str, ...] = ("sha256", "sha384", "sha3_256", "sha3_384", "md5")
MP_LEGACY_DIGEST = "md5"

# The lesson's own unframed form (``--protocol lesson``): any fixed-size hashlib digest may be
# named; md5 is the default because the lesson's ``hmac.new(key, rand)`` relied on it (Python
# 3.8+ requires the digest to be named).  Never a default anywhere else.
LESSON_DIGESTS: tuple[str, ...] = ("md5", "sha1", "sha224", "sha256", "sha384", "sha512", "sha3_256")
LESSON_DEFAULT_DIGEST = "md5"
LESSON_VARIANTS: tuple[str, ...] = (HMAC, LEGACY_SHA1)
LESSON_CHALLENGE_BYTES = 32  # os.urandom(32), as the lesson
LESSON_SERVER_RECV = 1024  # the lesson's server: ret = conn.recv(1024)
# The lesson's server prints these words (and nothing goes back on the wire).
LESSON_ACCEPTED = "是合法的客户端"
LESSON_REFUSED = "不是合法的客户端"
LESSON_ACCEPTED_GLOSS = "a legitimate client"
LESSON_REFUSED_GLOSS = "not a legitimate client"

# What is weak about the lesson's form, one sentence each (the panel translates its own copy).
LESSON_WEAKNESSES: dict[str, str] = {
    "short_read": (
        "recv(32) returns what has arrived, up to 32 bytes: a challenge sent in pieces gives the "
        "lesson's client a short challenge, so even the right key computes a wrong answer."
    ),
    "no_framing": (
        "Nothing marks where the answer ends: the lesson's server takes one recv(1024) as the "
        "answer, so a first message sent right behind it is glued on and a legitimate client is refused."
    ),
    "no_verdict": (
        "The server sends no verdict: it prints it, and closes on a refusal, so a client cannot "
        "tell 'refused' from 'the server simply ended'."
    ),
    "equals": (
        "ret == res stops at the first differing byte, so the time it takes leaks how much of a "
        "guess was right; hmac.compare_digest takes the same time whatever matches (used here)."
    ),
    "md5": (
        "MD5 was hmac.new's default digest: HMAC-MD5 still resists forgery in practice, but MD5 is "
        "broken for collisions and deprecated (RFC 6151) - name a SHA-2 digest instead."
    ),
}

CHALLENGE_TAG = b"#CHALLENGE#"
WELCOME = b"#WELCOME#"
FAILURE = b"#FAILURE#"

DEFAULT_CHALLENGE_BYTES = 32
MAX_PREAUTH_FRAME_BYTES = 256
MAX_CHAT_FRAME_BYTES = 4096

# --- reasons (why a connection ended) and one-sentence explanations ---------------------------

REASONS: dict[str, str] = {
    "ok": "the MAC matched (hmac.compare_digest) - accepted",
    "wrong_mac": "the MAC did not match (hmac.compare_digest) - rejected",
    "wrong_length": "the answer has the wrong length for this digest - rejected before comparing",
    "frame_too_large": "the frame header announced more than the pre-authentication limit - cut off",
    "malformed": "the frame or message does not follow the protocol",
    "timeout": "the whole exchange missed its deadline - cut off",
    "eof": "the peer closed the connection before the exchange finished",
    "variant_mismatch": "the challenge announces a different variant or digest - refused (no downgrade)",
    "legacy_refused": "legacy unprefixed HMAC-MD5 is switched off - refused (no downgrade)",
    "server_mac_wrong": "the server's proof did not match - the client hangs up",
    "rejected_by_server": "the server answered #FAILURE#",
    "rejected_by_peer": "the peer did not answer #WELCOME# to our proof",
    "stopped": "the run was stopped",
    "abandoned": "the attacker hung up on purpose once it had what it wanted",
    "socket_error": "a socket error ended the connection",
    "internal_error": "an unexpected error ended the connection (caught in the worker)",
    "busy": "the server is at its connection limit - refused at once (#BUSY#) and closed",
    "no_verdict": (
        "answer sent; the lesson's exchange has no verdict message, so only the server knows (it prints it)"
    ),
    "short_challenge": (
        "recv(32) returned fewer than 32 bytes and the lesson's code answered that short challenge - "
        "the server refuses it, right key or not"
    ),
    "lesson_reply": (
        "the server went on talking after our answer (it answered our message) - in the lesson's form "
        "the only sign of acceptance"
    ),
    "closed_no_verdict": (
        "the server closed the connection after our answer - in the lesson's form that is the only "
        "sign of a refusal (no verdict message)"
    ),
}

EXPLANATIONS: dict[str, str] = {
    "good": "The client knew the key, so its MAC of the fresh challenge matched and it was accepted.",
    "wrong_key": "A different key gives a different MAC of the same challenge, so the server rejected it.",
    "replay_rejected": (
        "The recorded answer was a MAC of an old challenge; the new connection got a fresh random "
        "challenge, so the replay did not match."
    ),
    "replay_accepted": (
        "The insecure server sends the same challenge every time, so an answer recorded once is "
        "valid forever - the replay got in."
    ),
    "reflection_accepted": (
        "Without role binding the server's answer to a challenge equals the client's answer to "
        "it, so the attacker got the server to compute its own proof on a second connection."
    ),
    "reflection_rejected": (
        "The role is inside every MAC, so the server's answer ('server') is never a valid client "
        "answer ('client') - the reflection failed."
    ),
    "downgrade_rejected": (
        "The server requires its own digest and the digest name is inside the MACed challenge, so "
        "an on-path rewrite to the legacy method only produces an answer the server refuses."
    ),
    "downgrade_accepted": "The server accepted a weaker method than the one it offered.",
    "multi": "Each connection gets its own fresh challenge; only the clients holding the key are accepted.",
    "lesson_short_read": (
        "The challenge left the slow server in pieces; the lesson's recv(32) returned only the first, "
        "so its client answered a short challenge and was refused with the right key - the exact "
        "reader waited for all 32 bytes and got in."
    ),
    "lesson_glued": (
        "The answer and the first message left in one send(); the lesson's server took its one "
        "recv(1024) as the answer and refused the right key - a server reading exactly the answer's "
        "size accepted, and the message was still there to read."
    ),
    "failed": "The run did not complete; see the steps for the reason.",
}


@dataclass(frozen=True, slots=True)
class MacResult:
    """An answer and what it was computed over, so a front end can show inputs and output."""

    value: bytes
    message: bytes
    formula: str


def digest_size(digest: str) -> int:
    return hashlib.new(digest).digest_size


def announce(variant: str, digest: str) -> bytes:
    """The ``{variant:digest}`` tag the server puts before its challenge (and under its MAC)."""
    return b"{" + f"{variant}:{digest}".encode("ascii") + b"}"


def parse_announce(body: bytes) -> tuple[str, str, bytes] | None:
    """Split a challenge body into (variant, digest, nonce); ``None`` if it is not well formed."""
    if not body.startswith(b"{"):
        return None
    end = body.find(b"}", 1, 40)
    if end < 0:
        return None
    try:
        variant, _, digest = body[1:end].decode("ascii").partition(":")
    except UnicodeDecodeError:
        return None
    if variant not in VARIANTS:
        return None
    if variant == LEGACY_SHA1:
        if digest != "sha1":
            return None
    elif digest not in DIGESTS:
        return None
    return variant, digest, body[end + 1 :]


def legacy_sha1(key: bytes, nonce: bytes) -> MacResult:
    """The lesson's first method: ``sha1(key); update(challenge); hexdigest()`` (40 ASCII bytes)."""
    sha = hashlib.sha1(key)
    sha.update(nonce)
    return MacResult(sha.hexdigest().encode("ascii"), nonce, "sha1(key + challenge).hexdigest()")


def hmac_mac(key: bytes, message: bytes, digest: str, *, label: str = "message") -> MacResult:
    value = hmac.new(key, message, digest).digest()
    return MacResult(value, message, f"HMAC-{digest.upper()}(key, {label})")


def role_message(role: str, body: bytes, *, bound: bool) -> bytes:
    """What a mutual-mode MAC covers: the role first when bound, the bare challenge when not."""
    return (role.encode("ascii") + b"|" + body) if bound else body


def answer_for(variant: str, digest: str, key: bytes, body: bytes, *, role: str) -> MacResult:
    """The answer to challenge ``body`` (everything after ``#CHALLENGE#``) by ``role``."""
    if variant == LEGACY_SHA1:
        parsed = parse_announce(body)
        nonce = parsed[2] if parsed is not None else body
        return legacy_sha1(key, nonce)
    if variant == HMAC:
        return hmac_mac(key, body, digest, label="challenge")
    bound = variant == MUTUAL
    label = f"'{role}|' + challenge" if bound else "challenge"
    return hmac_mac(key, role_message(role, body, bound=bound), digest, label=label)


def answer_size(variant: str, digest: str) -> int:
    return 40 if variant == LEGACY_SHA1 else digest_size(digest)


def verify(expected: bytes, received: bytes) -> str:
    """``"ok"``, ``"wrong_length"`` or ``"wrong_mac"`` - constant time for equal lengths."""
    if len(received) != len(expected):
        return "wrong_length"
    if hmac.compare_digest(expected, received):
        return "ok"
    return "wrong_mac"


# --- multiprocessing.connection wire form ----------------------------------------------------

MP_MESSAGE_LENGTH = 40  # CPython 3.12+: random bytes after the {digest} prefix
MP_LEGACY_MESSAGE_LENGTH = 20  # CPython <= 3.11: 20 random bytes, no prefix, HMAC-MD5
MP_MD5_DIGEST_LEN = 16
_MP_ALLOWED = frozenset({b"md5", b"sha256", b"sha384", b"sha3_256", b"sha3_384"})
_MP_MAX_DIGEST_LEN = max(len(d) for d in _MP_ALLOWED)


def mp_split(message: bytes) -> tuple[str, bytes] | None:
    """CPython's ``_get_digest_name_and_payload``: ``("", msg)`` for the legacy lengths
    (16 or 20 bytes), ``(digest, rest)`` for a ``{digest}`` prefix, ``None`` otherwise."""
    if len(message) in (MP_LEGACY_MESSAGE_LENGTH, MP_MD5_DIGEST_LEN):
        return "", message
    if message.startswith(b"{"):
        curly = message.find(b"}", 1, _MP_MAX_DIGEST_LEN + 2)
        if curly > 0 and message[1:curly] in _MP_ALLOWED:
            return message[1:curly].decode("ascii"), message[curly + 1 :]
    return None


def mp_create_response(key: bytes, message: bytes) -> MacResult | None:
    """CPython's ``_create_response``: raw HMAC-MD5 for a legacy challenge, else
    ``{digest}`` + HMAC over the whole message (prefix included)."""
    split = mp_split(message)
    if split is None:
        return None
    name = split[0]
    if not name:
        return MacResult(hmac.new(key, message, "md5").digest(), message, "HMAC-MD5(key, message)")
    mac = hmac.new(key, message, name).digest()
    return MacResult(
        b"{" + name.encode("ascii") + b"}" + mac,
        message,
        f"'{{{name}}}' + HMAC-{name.upper()}(key, message)",
    )
