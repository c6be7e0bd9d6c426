"""One module owns the SSM prefix: it parses every parameter into one typed ``Config``."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from vclient.errors import ConfigurationError
from vclient.logic.config import (
    CALL_PARAMETERS,
    ROUTING_PARAMETERS,
    engine_parameter,
    parameter_name,
    parse_config,
    parse_engine_route,
)
from vclient.settings import StartCallSettings
from vclient.vocabulary import ENGINES

ROOT = Path(__file__).resolve().parents[2]
OWNER = ROOT / "layers" / "common" / "vclient" / "logic" / "config.py"
ROUTE = (
    '{"rule_name": "voice_dialog", "application_name": "vclient", "scenario_name": "voice_dialog"}'
)


def test_the_whole_prefix_becomes_one_config() -> None:
    # Given parameters of every kind under the prefix
    raw = {
        "engines/dialog": ROUTE,
        "default_engine": "realtime",
        "default_caller_id": "+74950000000",
        "allowed_prefixes": "+7, +44",
        "max_call_duration_s": "600",
        "default_persona": "car_buyer",
        "openai/text_model": "gpt-x",
        "dialog/llm_timeout_ms": "1500",
        "calls/speaks_first": "client",
        "realtime/hybrid_mode": "direct",
        "realtime/trace": "true",
    }
    # When they are parsed
    config = parse_config(raw)
    # Then routing, defaults, limits, OpenAI and realtime settings are all typed in one object
    assert config.routing.engines["dialog"].label == "voice_dialog"
    assert config.routing.default_engine == "realtime"
    assert config.routing.allowed_prefixes == ("+7", "+44")
    assert config.routing.max_call_duration_s == 600
    assert config.call.text_model == "gpt-x" and config.call.llm_timeout_ms == 1500
    assert config.call.speaks_first == "client" and config.call.hybrid_mode == "direct"
    assert config.call.realtime_trace is True


def test_an_empty_prefix_is_all_defaults() -> None:
    config = parse_config({})
    assert config.routing.engines == {} and config.routing.max_call_duration_s == 900
    assert config.call.default_persona == "car_buyer"
    assert config.verdict.judge_model is None and config.verdict.pricing is None


def test_the_verdict_parameters_belong_to_the_config() -> None:
    # The evaluation's parameters are named by the owner like every other one.
    assert parameter_name("judge_model") == "verdict/judge_model"
    assert parameter_name("pricing") == "pricing"
    config = parse_config({"verdict/judge_model": " gpt-judge ", "pricing": '{"as_of": "x"}'})
    assert config.verdict.judge_model == "gpt-judge"
    # The price table stays text: its shape is the cost module's, and a broken one falls back
    # to the defaults there instead of stopping calls here.
    assert config.verdict.pricing == '{"as_of": "x"}'
    assert parse_config({"pricing": "not json"}).verdict.pricing == "not json"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("max_call_duration_s", "a lot"),
        ("max_call_duration_s", "99999999"),
        ("default_caller_id", "555"),
        ("allowed_prefixes", "7"),
        ("realtime/hybrid_mode", "both"),
        ("dialog/llm_timeout_ms", "1"),
        ("engines/realtime", '{"rule_name": "x"}'),
        ("verdict/judge_model", "m" * 101),
    ],
)
def test_a_broken_parameter_is_named(name: str, value: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        parse_config({name: value})
    assert caught.value.details["parameter"] == name


def test_an_engine_parameter_that_is_not_json_is_named() -> None:
    with pytest.raises(ConfigurationError, match="not valid JSON") as caught:
        parse_engine_route("dialog", '{"rule_name": ')
    assert caught.value.details["parameter"] == "engines/dialog"


def test_the_seeds_environment_names_override_routes_through_the_settings() -> None:
    # Given the start-call settings with two of the seed's names set
    settings = StartCallSettings.from_env(
        {
            "CALLS_TABLE": "t",
            "TOKEN_SECRET": "s",
            "PARAM_PREFIX": "/x",
            "IDEMPOTENCY_TABLE": "i",
            "VOX_CREDENTIALS_SECRET": "v",
            "VOX_DIALOG_RULE_NAME": "seed_dialog",
            "VOX_APPLICATION_NAME": "seedapp",
        }
    )
    # When the prefix holds a route by id
    raw = {"engines/dialog": '{"rule_id": 7, "scenario_name": "voice_dialog"}'}
    route = parse_config(raw, settings.route_overrides).routing.engines["dialog"]
    # Then the named rule wins over the stored id, in the named application
    assert (route.rule_id, route.rule_name, route.application_name) == (
        None,
        "seed_dialog",
        "seedapp",
    )


def test_names_come_from_the_owner() -> None:
    assert engine_parameter("realtime_pure") == "engines/realtime_pure"
    assert parameter_name("realtime_reasoning_effort") == "realtime/reasoning_effort"
    assert parameter_name("max_call_duration_s") == "max_call_duration_s"


def _sources() -> list[Path]:
    files = [
        *(ROOT / "layers" / "common" / "vclient").rglob("*.py"),
        *(ROOT / "dev" / "vclient_dev").rglob("*.py"),
        *(ROOT / "functions").rglob("*.py"),
    ]
    return [p for p in files if p != OWNER]


def test_no_other_module_spells_a_parameter_name() -> None:
    # Every name with a section (openai/…, dialog/…, engines/…) is unmistakably a parameter:
    # outside the owner none may appear in code (docstrings and comments may mention them).
    # ("engines/*" in a help text is a description; f"engines/{engine}" leaves "engines/".)
    names = [n for n in (CALL_PARAMETERS | ROUTING_PARAMETERS) if "/" in n]
    names += [engine_parameter(engine) for engine in ENGINES]
    found = []
    for path in _sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
            and node.body
            and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)
        }
        # A field's description is documentation too (it becomes the contract's tables).
        docstrings |= {
            id(node.value)
            for node in ast.walk(tree)
            if isinstance(node, ast.keyword) and node.arg == "description"
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if id(node) in docstrings:
                    continue
                hits = [n for n in names if n in node.value]
                if node.value.endswith("engines/"):
                    hits.append("engines/")
                if hits:
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} {hits}")
    assert not found, "\n".join(found)
