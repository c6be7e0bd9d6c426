"""The per-call token: minted, verified, and refused when hostile (pure: no AWS)."""

from __future__ import annotations

import pytest

from vclient.errors import Forbidden, Unauthorized
from vclient.logic.call_token import (
    MAX_TTL_S,
    TokenError,
    mint_token,
    require_call_token,
    token_ttl_s,
    verify_token,
)

KEY = "k" * 43
CALL = "0123456789abcdef0123456789abcdef"
NOW = 1_795_000_000


def test_a_fresh_token_verifies_for_its_call_only() -> None:
    token = mint_token(CALL, KEY, now=NOW, ttl_s=token_ttl_s(900))
    assert verify_token(token, CALL, KEY, now=NOW) == NOW + 900 + 120 + 900
    with pytest.raises(TokenError) as caught:
        verify_token(token, "f" * 32, KEY, now=NOW)
    assert caught.value.reason == "wrong_call"


def test_an_expiry_of_5000_digits_is_malformed_not_a_crash() -> None:
    # Given a token whose expiry has more digits than Python's int() parses
    token = "9" * 5000 + "." + "A" * 32
    # When it is verified, then it is refused as malformed (no ValueError escapes)
    with pytest.raises(TokenError) as caught:
        verify_token(token, CALL, KEY, now=NOW)
    assert caught.value.reason == "malformed"
    with pytest.raises(Forbidden) as refused:
        require_call_token(f"Bearer {token}", CALL, KEY, now=NOW)
    assert refused.value.details["reason"] == "malformed"


def test_a_correctly_signed_10_year_expiry_is_refused() -> None:
    # Given a token signed with the real key but valid for ten years
    token = mint_token(CALL, KEY, now=NOW, ttl_s=10 * 365 * 86400)
    # Then it outlives any possible call and is refused
    with pytest.raises(TokenError) as caught:
        verify_token(token, CALL, KEY, now=NOW)
    assert caught.value.reason == "too_long"


def test_the_longest_call_token_is_still_accepted() -> None:
    token = mint_token(CALL, KEY, now=NOW, ttl_s=MAX_TTL_S)
    assert verify_token(token, CALL, KEY, now=NOW) == NOW + MAX_TTL_S


@pytest.mark.parametrize("header", [None, "", "Basic abc", "Bearer ", "Bearer  "])
def test_no_bearer_token_is_401(header: str | None) -> None:
    with pytest.raises(Unauthorized):
        require_call_token(header, CALL, KEY, now=NOW)


def test_every_scenario_route_authorizes_through_the_one_token_module() -> None:
    import ast
    from pathlib import Path

    logic = Path(__file__).resolve().parents[2] / "layers" / "common" / "vclient" / "logic"

    def calls(path: Path) -> list[ast.Call]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        return [n for n in ast.walk(tree) if isinstance(n, ast.Call)]

    def name(call: ast.Call) -> str:
        f = call.func
        return f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", "")

    # Each scenario route (session, reply, events) checks the bearer token with authorize()
    for module in ("session.py", "reply.py", "record_events.py"):
        assert "authorize" in {name(c) for c in calls(logic / module)}, module
    # and only the token module reads the signing key
    readers = [
        path.name
        for path in logic.glob("*.py")
        for c in calls(path)
        if name(c) in ("secret_text", "secret_json")
        and any(
            isinstance(a, ast.Attribute) and a.attr == "token_secret"
            for a in [*c.args, *(k.value for k in c.keywords)]
        )
    ]
    assert readers == [], readers
