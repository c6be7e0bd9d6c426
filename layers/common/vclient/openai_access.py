"""The OpenAI calls the backend makes itself (the dialog engine's text turns live in
``vclient.dialog.responders``): minting Realtime ephemeral client secrets.

``openai`` is imported lazily: it costs ~0.6 s, and only a realtime session start needs it here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from vclient.errors import ApiError


class OpenAIUnavailable(ApiError):
    status, code = 502, "openai_unavailable"


@dataclass(frozen=True)
class ClientSecret:
    value: str
    expires_at: int


def mint_client_secret(
    api_key: str,
    session: dict[str, Any],
    *,
    ttl_s: int,
    base_url: str | None = None,
    timeout_s: float = 5.0,
    http_client: Any | None = None,
) -> ClientSecret:
    """``POST /v1/realtime/client_secrets`` with the session baked in; returns the ``ek_…`` key."""
    import openai

    client = openai.OpenAI(
        api_key=api_key,
        base_url=base_url,
        timeout=timeout_s,
        max_retries=1,
        http_client=http_client,
    )
    try:
        created = client.realtime.client_secrets.create(
            expires_after={"anchor": "created_at", "seconds": ttl_s},
            session=session,  # type: ignore[arg-type]
        )
    except openai.APIStatusError as exc:
        raise OpenAIUnavailable(
            f"OpenAI refused to create a Realtime client secret (HTTP {exc.status_code})",
            http_status=exc.status_code,
        ) from None
    except openai.APIError as exc:
        raise OpenAIUnavailable(
            f"OpenAI could not be reached to create a client secret: {type(exc).__name__}"
        ) from None
    return ClientSecret(value=created.value, expires_at=int(created.expires_at))


#: The seam tests replace: (api_key, session, ttl_s, base_url) → ClientSecret.
SecretMinter = Callable[..., ClientSecret]
