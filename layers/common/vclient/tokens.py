"""Per-call bearer tokens: ``<expiry epoch s>.<HMAC-SHA256(key, "v1:<call_id>:<expiry>")>``.

The token travels in the scenario's custom data (so it must stay short) and authorises the
scenario's requests for this one call only. The signing key lives in Secrets Manager.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

SIGNATURE_CHARS = 32  # 192 bits of the base64url HMAC: ample, and keeps custom data small


class TokenError(Exception):
    """The token is missing, malformed, of another call, or expired."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def mint_token(call_id: str, key: str, *, now: int, ttl_s: int) -> str:
    expires = now + ttl_s
    return f"{expires}.{_signature(call_id, expires, key)}"


def verify_token(token: str, call_id: str, key: str, *, now: int) -> int:
    """Returns the expiry of a valid token; raises ``TokenError`` with a reason otherwise."""
    expires_text, _, signature = token.partition(".")
    well_formed = (
        expires_text.isascii()
        and expires_text.isdigit()
        and signature.isascii()
        and len(signature) == SIGNATURE_CHARS
    )
    if not well_formed:
        raise TokenError("malformed")
    expires = int(expires_text)
    if not hmac.compare_digest(signature, _signature(call_id, expires, key)):
        raise TokenError("wrong_call")
    if expires < now:
        raise TokenError("expired")
    return expires


def _signature(call_id: str, expires: int, key: str) -> str:
    digest = hmac.new(key.encode(), f"v1:{call_id}:{expires}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode()[:SIGNATURE_CHARS]
