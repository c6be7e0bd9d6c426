"""The verdict package stays pure: no AWS, no network, no data access or use-case modules."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[3] / "layers/common/vclient/verdict"
ALLOWED_THIRD_PARTY = {"pydantic", "pymorphy3", "pymorphy3_dicts_ru"}
#: The one module outside the package verdict may use: the shared percentile (one definition for
#: the scorecard's bot lag, ``GET /call/{id}``'s summary and the comparison report).
SHARED_PURE = {"vclient.compare.stats"}
STATS = PACKAGE.parent / "compare" / "stats.py"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_the_verdict_package_imports_only_the_stdlib_pydantic_pymorphy_and_itself():
    modules = sorted(PACKAGE.glob("*.py"))
    assert len(modules) >= 10
    for path in modules:
        for name in _imports(path):
            top = name.split(".")[0]
            if name.startswith("vclient."):
                assert name.startswith("vclient.verdict") or name in SHARED_PURE, (
                    f"{path.name} imports {name}"
                )
            elif top != "vclient":
                assert top in sys.stdlib_module_names or top in ALLOWED_THIRD_PARTY, (
                    f"{path.name} imports {name}"
                )


def test_the_shared_statistics_module_imports_only_the_stdlib():
    for name in _imports(STATS):
        assert name.split(".")[0] in sys.stdlib_module_names, f"compare/stats.py imports {name}"


def test_there_is_one_percentile():
    package = PACKAGE.parent
    defined = sorted(
        str(path.relative_to(package))
        for path in package.rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.FunctionDef) and "percentile" in node.name
    )
    assert defined == ["compare/stats.py"], defined
