"""The personas shipped in the layer, listed without importing the persona models (cheap)."""

from __future__ import annotations

import functools
from importlib import resources
from typing import Any


def bundled_dir() -> Any:
    return resources.files("vclient").joinpath("personas")


@functools.cache
def bundled_ids() -> tuple[str, ...]:
    """Ids of the bundled personas (their file names), sorted."""
    return tuple(
        sorted(
            entry.name.removesuffix(".yaml")
            for entry in bundled_dir().iterdir()
            if entry.name.endswith(".yaml")
        )
    )
