"""Every Lambda entry module keeps the collector off while it builds itself, then freezes it.

A cold start allocates ~85 000 objects that live as long as the container; a full collection in
the middle of the imports scans them all for nothing (25–90 ms measured, docs/decisions.md).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from vclient_dev.template import load_template, resources_of

ROOT = Path(__file__).resolve().parents[2]
HANDLERS = sorted(
    {
        ROOT / props["CodeUri"] / f"{props['Handler'].rpartition('.')[0]}.py"
        for props in resources_of(load_template(), "AWS::Serverless::Function").values()
    }
)


def _calls(nodes: list[ast.stmt]) -> list[str]:
    return [ast.unparse(n) for n in nodes if isinstance(n, ast.Expr | ast.Import)]


def test_every_handler_in_the_template_is_checked() -> None:
    assert len(HANDLERS) >= 9, HANDLERS
    assert all(path.exists() for path in HANDLERS), HANDLERS


@pytest.mark.parametrize("path", HANDLERS, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_collector_is_off_before_the_first_import_and_back_after_the_last_line(
    path: Path,
) -> None:
    body = ast.parse(path.read_text(encoding="utf-8")).body
    code = [n for n in body if not (isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant))]
    code = [n for n in code if not (isinstance(n, ast.ImportFrom) and n.module == "__future__")]
    # Then the first two statements are the switch-off, before any other import
    assert _calls(code[:2]) == ["import gc", "gc.disable()"]
    # And the last two freeze what was built and switch the collector back on
    assert _calls(code[-2:]) == ["gc.freeze()", "gc.enable()"]
