"""SSM Parameter Store and Secrets Manager reads, through Powertools parameters with a cache.

Every read passes an explicit ``max_age``; tests clear the caches with ``clear_caches()``.
"""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.utilities import parameters

from vclient.errors import ConfigurationError


def parameters_under(prefix: str, *, max_age: int) -> dict[str, str]:
    """All parameters below ``prefix``, keyed by their name relative to it (one API call)."""
    try:
        values = parameters.get_parameters(prefix, recursive=True, max_age=max_age)
    except parameters.exceptions.GetParameterError:
        raise ConfigurationError(
            "The service's SSM parameters cannot be read right now", parameter=prefix
        ) from None
    return {name: str(value) for name, value in values.items()}


def secret_text(secret_id: str, *, max_age: int) -> str:
    try:
        value = parameters.get_secret(secret_id, max_age=max_age)
    except parameters.exceptions.GetParameterError:
        raise ConfigurationError(
            "A secret the service needs is missing or unreadable", secret=_short(secret_id)
        ) from None
    return value.decode() if isinstance(value, bytes) else str(value)


def secret_json(secret_id: str, *, max_age: int) -> dict[str, Any]:
    text = secret_text(secret_id, max_age=max_age)
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        raise ConfigurationError("A secret is not valid JSON", secret=_short(secret_id)) from None
    if not isinstance(value, dict):
        raise ConfigurationError("A secret must hold a JSON object", secret=_short(secret_id))
    return value


def put_parameter(name: str, value: str, *, description: str) -> None:
    """Overwrites one String parameter (the console's default-engine switch)."""
    try:
        parameters.set_parameter(name, value, overwrite=True, description=description)
    except parameters.exceptions.SetParameterError:
        raise ConfigurationError(
            "The SSM parameter cannot be written right now", parameter=name
        ) from None


def clear_caches() -> None:
    parameters.clear_caches()


def _short(secret_id: str) -> str:
    """The secret's name without the account-identifying ARN parts."""
    return secret_id.rsplit(":", 1)[-1] if secret_id.startswith("arn:") else secret_id
