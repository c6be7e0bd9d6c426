"""A running Voximplant session's access URL: a POST there is AppEvents.HttpRequest in it."""

from __future__ import annotations

import json

import requests


class SessionGone(Exception):
    """The session no longer runs (the call ended) or cannot be reached."""


def send_command(access_url: str, command: dict[str, str], *, timeout_s: float = 5.0) -> str:
    """POSTs ``command`` as JSON to the session; returns the scenario's answer text."""
    try:
        response = requests.post(
            access_url,
            data=json.dumps(command, separators=(",", ":")),
            headers={"Content-Type": "application/json"},
            timeout=timeout_s,
        )
    except requests.RequestException as exc:
        raise SessionGone(type(exc).__name__) from None
    if response.status_code != 200:
        raise SessionGone(f"HTTP {response.status_code}")
    return response.text.strip()
