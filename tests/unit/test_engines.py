"""What differs per engine lives in one registry, and nothing outside it compares engine names."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from vclient.dialog.bundled import bundled_ids
from vclient.dialog.persona import load_bundled
from vclient.engines.registry import REGISTRY, RealtimeSettings, engine_spec
from vclient.logic.config import CallConfig
from vclient.vocabulary import ENGINES

PACKAGE = Path(__file__).resolve().parents[2] / "layers" / "common" / "vclient"


def test_every_engine_has_one_entry_named_as_itself() -> None:
    assert tuple(REGISTRY) == ENGINES
    assert all(engine_spec(name).name == name for name in ENGINES)


def test_the_traits_say_what_each_engine_does() -> None:
    # Backend turns for the two engines whose lines the backend writes
    assert [n for n in ENGINES if engine_spec(n).backend_turns] == ["dialog", "realtime"]
    # A Realtime voice (and so a session block) for the two realtime engines
    assert [n for n in ENGINES if engine_spec(n).realtime_block] == ["realtime", "realtime_pure"]
    assert [n for n in ENGINES if engine_spec(n).hybrid] == ["realtime"]


@pytest.mark.parametrize("engine", ["realtime", "realtime_pure"])
def test_a_realtime_block_opens_with_the_first_words_said_exactly(engine: str) -> None:
    persona = load_bundled(next(iter(bundled_ids())))
    config = CallConfig()
    settings = RealtimeSettings(
        model=config.realtime_model,
        transcription_model=config.transcription_model,
        hybrid_mode="direct",
        options=config.realtime_options(),
        say_effort=config.say_effort(),
    )
    block = engine_spec(engine).realtime_block
    assert block is not None
    out = block(persona, "Первая реплика.", settings)
    expected = "Первая реплика." if engine == "realtime" else persona.opening
    assert expected in out["first_response"]["response"]["instructions"]
    assert out["session_update"]["type"] == "session.update"
    # Only the hybrid engine names its mode; only the pure one carries a silence line
    assert ("hybrid_mode" in out) == (engine == "realtime")
    assert ("silence_response" in out) == (engine == "realtime_pure")


def test_no_logic_api_or_dal_module_compares_engine_names() -> None:
    found = []
    for layer in ("logic", "api", "dal"):
        for path in sorted((PACKAGE / layer).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.Compare):
                    continue
                operands = [node.left, *node.comparators]
                names = [
                    c.value
                    for o in operands
                    for c in ([o] if isinstance(o, ast.Constant) else getattr(o, "elts", []))
                    if isinstance(c, ast.Constant) and c.value in ENGINES
                ]
                if names:
                    found.append(f"{path.relative_to(PACKAGE)}:{node.lineno} {names}")
    assert not found, "\n".join(found)
