"""The calls table's key layout is the dal's: nothing else names a sort key or reads ``"sk"``.

Logic reads a call through ``CallPartition`` (vclient.dal.items); the dal alone knows that the
call item is ``sk = "CALL"``, the events ``EV#<seq>`` and so on.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "layers" / "common" / "vclient"
#: The dal's names for the key layout (sort-key constants and helpers).
KEY_NAMES = {"CALL_SK", "DIALOG_SK", "PERSONA_SK", "EVAL_SK", "EVENT_PREFIX", "event_sk"}


def key_layout_uses(path: Path) -> list[str]:
    """Where ``path`` names a sort-key constant of the dal or the literal key ``"sk"``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("vclient"):
            found += [f"imports {a.name}" for a in node.names if a.name in KEY_NAMES]
        elif isinstance(node, ast.Attribute) and node.attr in KEY_NAMES:
            found.append(f"uses {node.attr}")
        elif isinstance(node, ast.Constant) and node.value == "sk":
            found.append(f'reads "sk" (line {node.lineno})')
    return found


def _outside_the_dal() -> list[Path]:
    layer = [p for p in PACKAGE.rglob("*.py") if "dal" not in p.relative_to(PACKAGE).parts]
    return sorted([*layer, *(ROOT / "functions").rglob("*.py")])


def test_nothing_outside_the_dal_knows_the_key_layout() -> None:
    files = _outside_the_dal()
    assert len(files) > 40
    wrong = [f"{path.relative_to(ROOT)} {use}" for path in files for use in key_layout_uses(path)]
    assert not wrong, "\n".join(wrong)


def test_the_check_sees_an_import_an_attribute_and_the_literal(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text(
        "from vclient.dal.calls_table import CALL_SK\n"
        "import vclient.dal.calls_table as t\n"
        "x = t.EVENT_PREFIX\n"
        "y = {}.get('sk')\n"
    )
    assert key_layout_uses(module) == [
        "imports CALL_SK",
        "uses EVENT_PREFIX",
        'reads "sk" (line 4)',
    ]
