"""«Настройки»: the routing as it is now, and the default-engine switch for everyone.

The switch writes ``<prefix>/default_engine`` (what ``aws ssm put-parameter`` would), with the
person and the time in the parameter's description, and keeps the change in the settings audit
(who, when, from, to). ``POST /call`` reads the parameter with its cache age (30 s deployed,
0 locally), so the next call without an engine uses the new one.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from vclient.dal import parameters
from vclient.dal.settings_audit import SettingsAudit
from vclient.logic.auth import Principal
from vclient.logic.config import Routing, load_config, parameter_name
from vclient.settings import ConsoleSettings
from vclient.vocabulary import Engine


@dataclass
class RoutingSettings:
    settings: ConsoleSettings
    audit: SettingsAudit
    now: Callable[[], float] = field(default=time.time)

    def routing(self) -> Routing:
        return load_config(self.settings).routing

    def show(self) -> dict[str, Any]:
        routing = self.routing()
        return {
            "engines": {
                engine: {"rule": route.label, **route.model_dump(exclude_none=True)}
                for engine, route in routing.engines.items()
            },
            "default_engine": routing.default_engine,
            "default_caller_id": routing.default_caller_id,
            "allowed_prefixes": list(routing.allowed_prefixes),
            "max_call_duration_s": routing.max_call_duration_s,
            "parameter": f"{self.settings.param_prefix}/{parameter_name('default_engine')}",
            "history": self.audit.latest(),
        }

    def set_default_engine(self, engine: Engine, principal: Principal) -> dict[str, Any]:
        old = self.routing().default_engine
        at = datetime.fromtimestamp(self.now(), UTC).isoformat(timespec="seconds")
        parameters.put_parameter(
            f"{self.settings.param_prefix}/{parameter_name('default_engine')}",
            engine,
            description=f"Default engine, set by {principal.username} from the console at {at}",
        )
        parameters.clear_caches()  # this instance reads the new value at once
        self.audit.record(
            at=at, who=principal.username, setting="default_engine", old=old, new=engine
        )
        return self.show()
