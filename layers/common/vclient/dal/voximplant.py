"""A thin client for the Voximplant Management HTTP API (only what the backend needs).

Why not the official ``voximplant-apiclient``: it sends requests with no timeout and reads
credentials only from a file path. A Lambda needs explicit deadlines, so this client is a few
dozen lines on ``requests`` with connect/read timeouts, bounded retries and typed errors.

Auth: a service-account key JSON exactly as Voximplant issues it (``account_id``, ``key_id``,
``private_key``) → ``Authorization: Bearer <JWT RS256>``; or the deprecated ``account_id`` +
``api_key`` form parameters as a fallback.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import requests

DEFAULT_BASE_URL = "https://api.voximplant.com/platform_api"

# Voximplant error codes that mean "nothing was started, try again shortly".
RETRYABLE_VOX_CODES = frozenset({162, 340, 416})
# 429 and 503 say the request was not served. 500/502/504 may come after the scenario started
# (a proxy's view): like a read timeout, they are never retried.
RETRYABLE_HTTP = frozenset({429, 503})
UNKNOWN_OUTCOME_HTTP = frozenset({500, 502, 504})
JWT_LIFETIME_S = 3600
JWT_REFRESH_MARGIN_S = 300
JWT_BACKDATE_S = 5


class VoximplantError(Exception):
    """Base of the client's typed errors."""


class VoximplantApiError(VoximplantError):
    """Voximplant answered ``{"error": {"code": N, "msg": "..."}}`` (HTTP 200)."""

    def __init__(self, code: int, msg: str) -> None:
        super().__init__(f"Voximplant error {code}: {msg}")
        self.code = code
        self.msg = msg


class VoximplantHttpError(VoximplantError):
    """HTTP 429/503 that outlasted the retries, or another non-200 that started nothing."""

    def __init__(self, status: int) -> None:
        super().__init__(f"Voximplant answered HTTP {status}")
        self.status = status


class VoximplantConnectionError(VoximplantError):
    """The request could not be delivered (DNS, connect refused or timed out)."""


class VoximplantTimeoutError(VoximplantError):
    """The request was sent but no answer came in time: the outcome is unknown."""


@dataclass(frozen=True)
class ServiceAccountKey:
    account_id: int
    key_id: str
    private_key: str = field(repr=False)


@dataclass(frozen=True)
class LegacyApiKey:
    account_id: int
    api_key: str = field(repr=False)


Credentials = ServiceAccountKey | LegacyApiKey


def parse_credentials(raw: Mapping[str, Any]) -> Credentials:
    """Credentials from the secret's JSON: a service-account key file, or account_id + api_key."""
    key: ServiceAccountKey | None = None
    try:
        if raw.get("private_key") and raw.get("key_id"):
            key = ServiceAccountKey(
                account_id=int(raw["account_id"]),
                key_id=str(raw["key_id"]),
                private_key=str(raw["private_key"]),
            )
        elif raw.get("api_key"):
            return LegacyApiKey(account_id=int(raw["account_id"]), api_key=str(raw["api_key"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"Voximplant credentials are malformed: {type(exc).__name__}") from None
    if key is None:
        raise ValueError(
            "Voximplant credentials need either a service-account key "
            "(account_id, key_id, private_key) or account_id + api_key"
        )
    _check_private_key(key.private_key)
    return key


def _check_private_key(pem: str) -> None:
    """Raises ValueError for a key that cannot sign (escaped newlines, a truncated PEM)."""
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    try:
        load_pem_private_key(pem.encode(), password=None)
    except (ValueError, TypeError):
        raise ValueError(
            "Voximplant credentials: private_key is not a readable PEM private key "
            "(store the key JSON exactly as Voximplant issued it)"
        ) from None


@dataclass(frozen=True)
class StartScenariosResult:
    call_session_history_id: int | None
    media_session_access_url: str | None
    media_session_access_secure_url: str | None


class VoximplantClient:
    """Calls Management API methods with explicit timeouts and a total deadline.

    Retries (exponential backoff with jitter) happen only when the request certainly did not
    start anything: HTTP 429/503, a connection that failed before sending, or Voximplant's "try
    later" codes. A read timeout, HTTP 500/502/504 or a connection dropped mid-request is *not*
    retried: the scenario may already be dialing, and a retry could dial twice.
    """

    def __init__(
        self,
        credentials: Credentials,
        *,
        base_url: str = DEFAULT_BASE_URL,
        connect_timeout_s: float = 3.05,
        read_timeout_s: float = 8.0,
        deadline_s: float = 12.0,
        max_attempts: int = 4,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._credentials = credentials
        self._base_url = base_url.rstrip("/")
        self._connect_timeout_s = connect_timeout_s
        self._read_timeout_s = read_timeout_s
        self._deadline_s = deadline_s
        self._max_attempts = max_attempts
        self._session = session
        self._sleep = sleep
        self._clock = clock
        self._jwt: tuple[str, float] | None = None

    def start_scenarios(
        self,
        *,
        script_custom_data: str,
        rule_id: int | None = None,
        rule_name: str | None = None,
        application_name: str | None = None,
        application_id: int | None = None,
    ) -> StartScenariosResult:
        """Runs the rule's scenario; the scenario itself places the call."""
        params: dict[str, Any] = {"script_custom_data": script_custom_data}
        if rule_id is not None:
            params["rule_id"] = rule_id
        else:
            params["rule_name"] = rule_name
        if application_id is not None:
            params["application_id"] = application_id
        elif application_name:
            params["application_name"] = application_name
        data = self.call("StartScenarios", params)
        history_id = data.get("call_session_history_id")
        return StartScenariosResult(
            call_session_history_id=int(history_id) if history_id is not None else None,
            media_session_access_url=data.get("media_session_access_url"),
            media_session_access_secure_url=data.get("media_session_access_secure_url"),
        )

    def call(self, cmd: str, params: Mapping[str, Any]) -> dict[str, Any]:
        """POSTs one Management API method (form-encoded UTF-8) and returns its JSON object."""
        started = self._clock()
        attempt = 0
        while True:
            attempt += 1
            remaining = self._deadline_s - (self._clock() - started)
            try:
                return self._once(cmd, params, remaining)
            except (VoximplantHttpError, VoximplantConnectionError, VoximplantApiError) as exc:
                if not _retryable(exc) or attempt >= self._max_attempts:
                    raise
                delay = min(2.0, 0.25 * 2 ** (attempt - 1)) * (0.5 + random.random() / 2)
                if self._clock() - started + delay + self._connect_timeout_s > self._deadline_s:
                    raise
                self._sleep(delay)

    def _once(self, cmd: str, params: Mapping[str, Any], remaining_s: float) -> dict[str, Any]:
        form = {k: _form_value(v) for k, v in params.items() if v is not None}
        headers = {"Accept": "application/json"}
        if isinstance(self._credentials, ServiceAccountKey):
            headers["Authorization"] = f"Bearer {self._bearer()}"
        else:
            form["account_id"] = str(self._credentials.account_id)
            form["api_key"] = self._credentials.api_key
        import requests  # ~40 ms: paid by the first request, not by every cold start

        if self._session is None:
            self._session = requests.Session()
        read_timeout = max(0.5, min(self._read_timeout_s, remaining_s))
        try:
            response = self._session.post(
                f"{self._base_url}/{cmd}",
                data=form,
                headers=headers,
                timeout=(self._connect_timeout_s, read_timeout),
            )
        except requests.exceptions.ConnectTimeout as exc:
            raise VoximplantConnectionError("connection to Voximplant timed out") from exc
        except requests.exceptions.Timeout as exc:
            raise VoximplantTimeoutError("Voximplant did not answer in time") from exc
        except requests.exceptions.ConnectionError as exc:
            if _never_sent(exc):
                raise VoximplantConnectionError("could not connect to Voximplant") from exc
            # Dropped after the request went out ("connection aborted"): it may have started.
            raise VoximplantTimeoutError(
                "the connection to Voximplant dropped mid-request"
            ) from exc
        if response.status_code in UNKNOWN_OUTCOME_HTTP:
            raise VoximplantTimeoutError(f"Voximplant answered HTTP {response.status_code}")
        if response.status_code != 200:
            raise VoximplantHttpError(response.status_code)
        try:
            data = response.json()
        except ValueError:
            raise VoximplantHttpError(response.status_code) from None
        if not isinstance(data, dict):
            raise VoximplantHttpError(response.status_code)
        error = data.get("error")
        if error:
            raise VoximplantApiError(int(error.get("code", 0)), str(error.get("msg", "")))
        return data

    def _bearer(self) -> str:
        now = time.time()
        if self._jwt and self._jwt[1] - JWT_REFRESH_MARGIN_S > now:
            return self._jwt[0]
        assert isinstance(self._credentials, ServiceAccountKey)
        token = make_jwt(self._credentials, now=int(now))
        self._jwt = (token, now + JWT_LIFETIME_S)
        return token


def make_jwt(key: ServiceAccountKey, *, now: int, lifetime_s: int = JWT_LIFETIME_S) -> str:
    """The RS256 JWT Voximplant expects: header ``kid``; claims ``iss`` (the account id, numeric as
    in Voximplant's JWT guide; its Python client sends a string), ``iat`` back-dated by
    ``JWT_BACKDATE_S`` against clock skew (as that client does) and ``exp`` = ``iat`` + lifetime.

    Signed through PyJWT's JWS layer because its JWT layer now insists on a string ``iss``.
    """
    import json

    from jwt import api_jws  # PyJWT + cryptography cost ~40 ms: paid only when signing.

    iat = now - JWT_BACKDATE_S
    claims = {"iss": key.account_id, "iat": iat, "exp": iat + lifetime_s}
    return api_jws.encode(
        json.dumps(claims, separators=(",", ":")).encode(),
        key.private_key,
        algorithm="RS256",
        headers={"kid": key.key_id, "typ": "JWT"},
    )


def _never_sent(exc: BaseException) -> bool:
    """True when the failure happened before the request reached Voximplant (DNS, connect)."""
    from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError

    seen: BaseException | None = exc
    for _depth in range(8):  # exception chains are short; never loop on a cycle
        if seen is None:
            break
        reason = getattr(seen, "reason", None)
        for candidate in (seen, reason, *getattr(seen, "args", ())):
            if isinstance(
                candidate, NewConnectionError | NameResolutionError | ConnectTimeoutError
            ):
                return True
        seen = seen.__cause__ or seen.__context__
    return False


def _retryable(exc: VoximplantError) -> bool:
    if isinstance(exc, VoximplantHttpError):
        return exc.status in RETRYABLE_HTTP
    if isinstance(exc, VoximplantApiError):
        return exc.code in RETRYABLE_VOX_CODES
    return isinstance(exc, VoximplantConnectionError)


def _form_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
