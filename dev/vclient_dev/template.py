"""Reads template.yaml so the local stack and the tests follow the template instead of copying it.

Understands just the intrinsics the template uses (``!Ref``, ``!Sub``, ``!GetAtt``) against a
table of local values, which is enough to derive tables, parameters, secrets, routes and env.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "template.yaml"


class _Loader(yaml.SafeLoader):
    """A YAML loader that keeps CloudFormation short-form tags as ``{"Fn": value}`` dicts."""


def _tag(name: str):
    def construct(loader: yaml.SafeLoader, node: yaml.Node) -> dict[str, Any]:
        if isinstance(node, yaml.ScalarNode):
            value: Any = loader.construct_scalar(node)
        elif isinstance(node, yaml.SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        else:
            value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
        return {name: value}

    return construct


for _short, _long in {
    "!Ref": "Ref",
    "!Sub": "Fn::Sub",
    "!GetAtt": "Fn::GetAtt",
    "!Join": "Fn::Join",
    "!If": "Fn::If",
    "!Equals": "Fn::Equals",
    "!Not": "Fn::Not",
    "!Select": "Fn::Select",
    "!Split": "Fn::Split",
}.items():
    _Loader.add_constructor(_short, _tag(_long))


def load_template(path: Path = TEMPLATE) -> dict[str, Any]:
    return yaml.load(path.read_text(), Loader=_Loader)


@dataclass
class Resolver:
    """Resolves intrinsics against ``refs`` (parameters, pseudo parameters, resource names)."""

    refs: dict[str, Any]
    attrs: dict[str, Any] = field(default_factory=dict)

    def __call__(self, value: Any) -> Any:
        if isinstance(value, dict) and len(value) == 1:
            ((key, arg),) = value.items()
            if key == "Ref":
                return self.refs[arg]
            if key == "Fn::Sub":
                return self._sub(arg)
            if key == "Fn::GetAtt":
                name = arg if isinstance(arg, str) else ".".join(arg)
                return self.attrs[name]
        if isinstance(value, dict):
            return {k: self(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self(v) for v in value]
        return value

    def _sub(self, text: str) -> str:
        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name in self.refs:
                return str(self.refs[name])
            return str(self.attrs[name])

        return re.sub(r"\$\{([^}]+)\}", replace, text)


def parameter_defaults(template: Mapping[str, Any]) -> dict[str, Any]:
    return {
        name: spec.get("Default")
        for name, spec in template.get("Parameters", {}).items()
        if "Default" in spec
    }


def resources_of(template: Mapping[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {
        name: res.get("Properties", {})
        for name, res in template["Resources"].items()
        if res["Type"] == kind
    }


@dataclass(frozen=True)
class Route:
    function: str
    method: str
    path: str
    api_key_required: bool
    #: The API's authorizer the route names (``ConsoleCognito``), or None.
    authorizer: str | None = None

    @property
    def pattern(self) -> re.Pattern[str]:
        regex = re.sub(r"\\\{([A-Za-z0-9_]+)\\\+\\\}", r"(?P<\1>.+)", re.escape(self.path))
        regex = re.sub(r"\\\{([A-Za-z0-9_]+)\\\}", r"(?P<\1>[^/]+)", regex)
        return re.compile(f"^{regex}$")


def api_routes(template: Mapping[str, Any]) -> list[Route]:
    routes = []
    for name, props in resources_of(template, "AWS::Serverless::Function").items():
        for event in props.get("Events", {}).values():
            if event.get("Type") != "Api":
                continue
            spec = event["Properties"]
            routes.append(
                Route(
                    function=name,
                    method=spec["Method"].upper(),
                    path=spec["Path"],
                    api_key_required=bool(spec.get("Auth", {}).get("ApiKeyRequired", False)),
                    authorizer=spec.get("Auth", {}).get("Authorizer"),
                )
            )
    return routes


def table_definitions(template: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """``create_table`` keyword arguments per logical id (without ``TableName``)."""
    tables = {}
    for name, props in resources_of(template, "AWS::DynamoDB::Table").items():
        tables[name] = {
            "AttributeDefinitions": props["AttributeDefinitions"],
            "KeySchema": props["KeySchema"],
            "BillingMode": props.get("BillingMode", "PAY_PER_REQUEST"),
            "ttl": props.get("TimeToLiveSpecification"),
        }
        for key in ("GlobalSecondaryIndexes", "StreamSpecification"):
            if props.get(key):
                tables[name][key] = props[key]
        if "StreamSpecification" in tables[name]:
            tables[name]["StreamSpecification"] = {
                "StreamEnabled": True,
                **tables[name]["StreamSpecification"],
            }
    return tables


def create_tables(
    client: Any, names: Mapping[str, str], template: Mapping[str, Any], *, streams: bool = True
) -> None:
    """Creates every table of the template (logical id → ``names[id]``) with its TTL (and its
    stream, unless ``streams`` is False)."""
    for logical_id, spec in table_definitions(template).items():
        ttl = spec.pop("ttl")
        if not streams:
            spec.pop("StreamSpecification", None)
        client.create_table(TableName=names[logical_id], **spec)
        if ttl:
            client.update_time_to_live(
                TableName=names[logical_id],
                TimeToLiveSpecification={"AttributeName": ttl["AttributeName"], "Enabled": True},
            )


def gateway_responses(template: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The API's GatewayResponses: type → {status, body} (JSON template as text)."""
    apis = resources_of(template, "AWS::Serverless::Api")
    out: dict[str, dict[str, Any]] = {}
    for props in apis.values():
        for kind, spec in props.get("GatewayResponses", {}).items():
            out[kind] = {
                "status": spec.get("StatusCode"),
                "body": spec.get("ResponseTemplates", {}).get("application/json"),
            }
    return out
