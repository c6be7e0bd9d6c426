"""Strict validation of Realtime client events against the installed OpenAI SDK's own models.

The SDK models accept unknown keys silently (``extra="allow"``), so a beta key such as
``session.voice`` would pass ``model_validate``. ``strict_validate`` validates, then walks the
resulting model tree and fails on any key the SDK did not recognise.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


def unknown_keys(value: Any, path: str = "$") -> list[str]:
    """Paths of every key that landed in a ``model_extra`` anywhere in ``value``."""
    found: list[str] = []
    if isinstance(value, BaseModel):
        for key in sorted(value.model_extra or {}):
            found.append(f"{path}.{key}")
        for name in type(value).model_fields:
            found += unknown_keys(getattr(value, name), f"{path}.{name}")
    elif isinstance(value, dict):
        for key, item in value.items():
            found += unknown_keys(item, f"{path}.{key}")
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            found += unknown_keys(item, f"{path}[{i}]")
    return found


def strict_validate[M: BaseModel](payload: dict[str, Any], model_cls: type[M]) -> M:
    """Validate ``payload`` with ``model_cls`` and fail on any key the SDK model does not know."""
    model = model_cls.model_validate(payload)
    extras = unknown_keys(model)
    if extras:
        raise AssertionError(f"keys unknown to {model_cls.__name__}: {', '.join(extras)}")
    return model
