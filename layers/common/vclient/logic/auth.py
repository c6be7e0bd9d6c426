"""Who is asking and what they may do: the console's roles, enforced on the server.

API Gateway has already checked the credential before a handler runs: a Cognito ID token on the
console's routes (``/console/api/...``, its claims in ``requestContext.authorizer.claims``) or the
API key on the machine routes. Here only the role is decided:

| role      | may                                                                     |
|-----------|-------------------------------------------------------------------------|
| `viewer`  | read calls, batches and reports                                         |
| `trainer` | also place and end calls, start and steer batches                       |
| `admin`   | also change the routing (the default engine)                            |

A person in several groups gets the strongest role. A machine client (the API key, no Cognito
claims) may read and place calls, as before the console existed; it never changes the routing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from vclient.errors import ApiError

Role = Literal["viewer", "trainer", "admin"]
Permission = Literal["read", "place_calls", "change_routing"]

ROLES: tuple[Role, ...] = ("viewer", "trainer", "admin")
GRANTS: dict[str, frozenset[str]] = {
    "viewer": frozenset({"read"}),
    "trainer": frozenset({"read", "place_calls"}),
    "admin": frozenset({"read", "place_calls", "change_routing"}),
    "machine": frozenset({"read", "place_calls"}),
}
#: The sentence a refusal carries, by permission (the console shows its own words by code).
REFUSALS: dict[str, str] = {
    "read": "Your account is in none of the console's groups (admin, trainer, viewer)",
    "place_calls": "Placing and ending calls needs the trainer or admin role",
    "change_routing": "Changing the routing needs the admin role",
}


class RoleForbidden(ApiError):
    """Signed in, but the role does not allow this."""

    status, code = 403, "role_forbidden"


@dataclass(frozen=True)
class Principal:
    """The person (or machine client) behind a request."""

    username: str
    role: Role | Literal["machine"] | None
    groups: tuple[str, ...] = ()

    def may(self, permission: Permission) -> bool:
        return self.role is not None and permission in GRANTS[self.role]

    def permissions(self) -> list[str]:
        return sorted(GRANTS[self.role]) if self.role else []


def groups_of(value: Any) -> tuple[str, ...]:
    """``cognito:groups`` as API Gateway passes it: a list, ``"a,b"`` or ``"[a b]"``."""
    if isinstance(value, list | tuple):
        items = [str(v) for v in value]
    elif isinstance(value, str):
        items = re.split(r"[\s,]+", value.strip().strip("[]"))
    else:
        items = []
    return tuple(item for item in items if item)


def principal_of(request_context: Mapping[str, Any] | None) -> Principal:
    """The principal of a REST API request (its ``requestContext``)."""
    context = request_context or {}
    claims = (context.get("authorizer") or {}).get("claims")
    if isinstance(claims, Mapping):
        groups = groups_of(claims.get("cognito:groups"))
        role = next((r for r in reversed(ROLES) if r in groups), None)
        username = str(claims.get("cognito:username") or claims.get("sub") or "?")
        return Principal(username=username, role=role, groups=groups)
    if (context.get("identity") or {}).get("apiKey"):
        return Principal(username="api-key", role="machine")
    return Principal(username="anonymous", role=None)


def require(principal: Principal, permission: Permission) -> Principal:
    """``principal`` when it may do ``permission``; else a 403 ``role_forbidden``."""
    if not principal.may(permission):
        raise RoleForbidden(REFUSALS[permission], permission=permission, role=principal.role)
    return principal
