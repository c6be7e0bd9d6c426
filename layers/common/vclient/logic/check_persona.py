"""A persona pasted or uploaded in the console, checked on the spot: every problem at its line."""

from __future__ import annotations

from typing import Any

from vclient.dialog.persona import PersonaError, load_persona


def check_persona(text: str) -> dict[str, Any]:
    """``{"ok": True, "persona", "summary"}`` or ``{"ok": False, "problems": [...]}``."""
    if not text.strip():
        return {
            "ok": False,
            "problems": [{"line": None, "field": None, "message": "the persona is empty"}],
        }
    try:
        persona = load_persona(text if "\n" in text else text + "\n")
    except PersonaError as exc:
        return {
            "ok": False,
            "problems": [
                {"line": p.line, "field": p.field, "message": p.message} for p in exc.problems
            ],
        }
    return {
        "ok": True,
        "persona": persona.model_dump(mode="json", exclude_none=True),
        "summary": persona.summary(),
        "id": persona.id,
        "name": persona.name,
    }
