"""The layer's arrows point one way: parsed from the source, so a lazy import counts too."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "layers" / "common" / "vclient"
#: Third-party clients that do I/O: only the dal (and the handlers' wiring) may import them.
IO = ("boto3", "botocore", "openai", "requests")
#: What a pure layer never imports: data access, use cases, the HTTP edge, and I/O clients.
PURE = ("vclient.dal", "vclient.logic", "vclient.web", *IO)
#: Layer → what it must never import (a module path prefix or a third-party top-level name).
FORBIDDEN: dict[str, tuple[str, ...]] = {
    **{layer: PURE for layer in ("api", "dialog", "verdict", "compare", "engines")},
    # Use cases reach AWS, Voximplant and OpenAI only through the dal.
    "logic": IO,
    "dal": ("vclient.logic",),
}


def imports_of(path: Path) -> set[str]:
    """Every module ``path`` imports, at the top or inside a function."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _forbidden(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_imports_only_what_it_may(layer: str) -> None:
    files = sorted((PACKAGE / layer).rglob("*.py"))
    assert files, f"no modules found under {layer}/"
    wrong = {
        f"{path.relative_to(PACKAGE)} imports {name}"
        for path in files
        for name in imports_of(path)
        if _forbidden(name, FORBIDDEN[layer])
    }
    assert not wrong, "\n".join(sorted(wrong))


def test_the_checker_sees_lazy_imports(tmp_path: Path) -> None:
    # Given a module that imports boto3 inside a function and the dal with a relative-free from
    module = tmp_path / "m.py"
    module.write_text("def f():\n    import boto3\n    from vclient.dal import calls_table\n")
    # Then both are found
    assert {"boto3", "vclient.dal", "vclient.dal.calls_table"} <= imports_of(module)


def test_the_root_keeps_a_handful_of_modules() -> None:
    root = sorted(p.name for p in PACKAGE.glob("*.py") if p.name != "__init__.py")
    assert len(root) <= 6, root


def test_init_files_are_empty_so_a_cold_start_pays_nothing_for_them() -> None:
    inits = [PACKAGE / "__init__.py", *PACKAGE.glob("*/__init__.py")]
    heavy = [str(p.relative_to(PACKAGE)) for p in inits if _has_code(p)]
    assert not heavy, heavy


def _has_code(path: Path) -> bool:
    body = ast.parse(path.read_text(encoding="utf-8")).body
    docstring = (
        body[:1] and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)
    )
    return len(body) > (1 if docstring else 0)
