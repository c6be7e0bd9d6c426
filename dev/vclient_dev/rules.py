"""Reads voximplant/rules.json: which scenarios each Voximplant rule binds, in order.

Voximplant runs the scenarios bound to one rule in one space, in the order they are bound, so the
shared files (``lib_call``, ``lib_realtime``) come before each engine's own file. This module is
the one Python reader of that map: ``vclient vox setup`` uploads and binds from it, the local stack
hands a rule's list to the VoxEngine emulator, and ``vclient vox bundle`` joins a list into one
file. Scenario names are what Voximplant stores (under 30 characters); file names are relative to
``voximplant/``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

# Standard library only: the node tests run `python3 -m vclient_dev.bundle` without the venv.
SCENARIO_DIR = Path(__file__).resolve().parents[2] / "voximplant"
RULES_FILE = SCENARIO_DIR / "rules.json"
ENGINES = ("dialog", "realtime", "realtime_pure")
#: Voximplant's AddScenario limit is "under 30 characters"; keep to a plain name alphabet.
_SCENARIO_NAME = re.compile(r"^[A-Za-z0-9_]{1,29}$")


class RulesError(ValueError):
    """rules.json is missing, malformed, or names something that does not exist."""


@dataclass(frozen=True)
class Rule:
    name: str
    engine: str
    #: Scenario names in binding order (shared first).
    scenarios: tuple[str, ...]


@dataclass(frozen=True)
class Rules:
    application: str
    #: Scenario name -> file path (absolute).
    scenarios: dict[str, Path]
    rules: dict[str, Rule]

    def rule(self, rule_name: str) -> Rule:
        try:
            return self.rules[rule_name]
        except KeyError:
            known = ", ".join(sorted(self.rules))
            raise RulesError(f"no rule {rule_name!r} in rules.json (known: {known})") from None

    def rule_for_engine(self, engine: str) -> Rule:
        for rule in self.rules.values():
            if rule.engine == engine:
                return rule
        raise RulesError(f"no rule for engine {engine!r} in rules.json")

    def scenario_files(self, rule_name: str) -> list[Path]:
        return [self.scenarios[name] for name in self.rule(rule_name).scenarios]


def parse_rules(data: object, base: Path = SCENARIO_DIR) -> Rules:
    """Validates the parsed JSON; every problem is one RulesError sentence."""
    if not isinstance(data, dict):
        raise RulesError("rules.json must be an object with application, scenarios and rules")
    application = data.get("application")
    if not isinstance(application, str) or not application:
        raise RulesError("rules.json: 'application' must be a non-empty string")
    raw_scenarios = data.get("scenarios")
    if not isinstance(raw_scenarios, dict) or not raw_scenarios:
        raise RulesError("rules.json: 'scenarios' must map scenario names to file names")
    scenarios: dict[str, Path] = {}
    for name, file in raw_scenarios.items():
        if not _SCENARIO_NAME.match(name):
            raise RulesError(
                f"rules.json: scenario name {name!r} must be 1-29 letters, digits or underscores"
            )
        if not isinstance(file, str) or not file.endswith(".js") or "/" in file or "\\" in file:
            raise RulesError(
                f"rules.json: scenario {name!r} must name a .js file in voximplant/, got {file!r}"
            )
        scenarios[name] = base / file
    raw_rules = data.get("rules")
    if not isinstance(raw_rules, dict) or not raw_rules:
        raise RulesError("rules.json: 'rules' must map rule names to {engine, scenarios}")
    rules: dict[str, Rule] = {}
    engines_seen: set[str] = set()
    for rule_name, spec in raw_rules.items():
        if not isinstance(spec, dict):
            raise RulesError(f"rules.json: rule {rule_name!r} must be an object")
        engine = spec.get("engine")
        if engine not in ENGINES:
            raise RulesError(
                f"rules.json: rule {rule_name!r} has engine {engine!r}; "
                f"expected one of {', '.join(ENGINES)}"
            )
        if engine in engines_seen:
            raise RulesError(f"rules.json: two rules for engine {engine!r}")
        engines_seen.add(engine)
        names = spec.get("scenarios")
        if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
            raise RulesError(f"rules.json: rule {rule_name!r} needs a non-empty scenario list")
        unknown = [n for n in names if n not in scenarios]
        if unknown:
            raise RulesError(f"rules.json: rule {rule_name!r} names unknown scenarios {unknown}")
        if len(set(names)) != len(names):
            raise RulesError(f"rules.json: rule {rule_name!r} binds a scenario twice")
        rules[rule_name] = Rule(name=rule_name, engine=engine, scenarios=tuple(names))
    return Rules(application=application, scenarios=scenarios, rules=rules)


@cache
def load_rules(path: Path = RULES_FILE) -> Rules:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RulesError(f"{path} is missing") from None
    except ValueError as exc:
        raise RulesError(f"{path} is not valid JSON: {exc}") from None
    return parse_rules(data, base=path.parent)


def rule_for_engine(engine: str) -> Rule:
    return load_rules().rule_for_engine(engine)


def scenario_files(rule_name: str) -> list[Path]:
    """The rule's scenario files, in binding order."""
    return load_rules().scenario_files(rule_name)
