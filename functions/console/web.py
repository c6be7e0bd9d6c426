"""GET /console and GET /console/assets/{file}: the console's page and its bundled assets.

Static files built from console/ (esbuild) into static/; nothing is fetched from elsewhere at run
time. Only the standard library: this function's cold start is the console's first view.
"""

from __future__ import annotations

import gc

# The cold start collects nothing: its objects live as long as the container (docs/decisions.md).
gc.disable()

import hashlib
import json
from pathlib import Path
from typing import Any

STATIC = Path(__file__).resolve().parent / "static"
TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
}
#: Everything is our own origin; recordings may play from Voximplant's storage (https).
SECURITY = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "media-src 'self' https:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
        "form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
ASSETS = {p.name: p.read_bytes() for p in STATIC.iterdir() if p.suffix in TYPES}
VERSION = hashlib.sha256(b"".join(ASSETS[name] for name in sorted(ASSETS))).hexdigest()[:12]
PAGE = (STATIC / "index.html").read_text(encoding="utf-8")


def _response(status: int, body: str | bytes, content_type: str, cache: str) -> dict[str, Any]:
    text = body.decode() if isinstance(body, bytes) else body
    return {
        "statusCode": status,
        "headers": {"Content-Type": content_type, "Cache-Control": cache, **SECURITY},
        "body": text,
        "isBase64Encoded": False,
    }


def _not_found(message: str) -> dict[str, Any]:
    body = json.dumps({"code": "not_found", "message": message})
    return _response(404, body, "application/json", "no-store")


def base_path(event: dict[str, Any]) -> str:
    """The console's URL path (``/prod/console`` deployed, ``/console`` locally)."""
    context = event.get("requestContext") or {}
    route_path = event.get("path") or "/console"
    full = context.get("path") or route_path
    prefix = full[: len(full) - len(route_path)] if full.endswith(route_path) else ""
    return f"{prefix}/console"


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    params = event.get("pathParameters") or {}
    name = params.get("file")
    if name is None:
        base = base_path(event)
        page = PAGE.replace("{{base}}", base).replace("{{version}}", VERSION)
        return _response(200, page, "text/html; charset=utf-8", "no-cache")
    body = ASSETS.get(name)
    if body is None:
        return _not_found("No such console asset")
    # The page names assets with ?v=<hash of them all>: a new deployment is a new URL.
    return _response(200, body, TYPES[Path(name).suffix], "public, max-age=31536000, immutable")


# What the cold start built is frozen out of every later collection, then collection resumes.
gc.freeze()
gc.enable()
