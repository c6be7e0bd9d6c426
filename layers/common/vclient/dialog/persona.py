"""Personas: who the virtual client is and how the call should go.

A persona is a human-edited YAML file (bundled ones live in ``vclient/personas/``) or an inline JSON
object posted with a call. Both go through the same pydantic models: ``extra="forbid"`` everywhere,
unique ids, cross-references checked. ``load_persona`` turns any problem into a ``PersonaError``
that names the field and, for YAML, the line.

Keyword matching (used by the scripted responder) is described in ``vclient.dialog.text``: a word
matches its Russian inflections (``кредит`` matches ``кредитом``), a ``*`` suffix forces a plain
prefix match (``цен*``), words of four letters or fewer match exactly (``пока``).
"""

import functools
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

from vclient.dialog.bundled import bundled_dir, bundled_ids
from vclient.verdict.scorecard import Scorecard, default_scorecard

if TYPE_CHECKING:
    import yaml

MAX_LINE_CHARS = 300
"""Cap for every line the client speaks verbatim (Voximplant's TTS limit is 1500 characters)."""

MAX_TEXT_CHARS = 2000
"""Cap for descriptive text that only the LLM reads (description, goals, conditions)."""

Mood = Literal["calm", "interested", "doubtful", "irritated", "angry"]
"""The client's mood; ``angry`` reactions count towards hanging up (see ``Ending.angry_limit``)."""

REALTIME_VOICES = (
    "alloy",
    "ash",
    "ballad",
    "coral",
    "echo",
    "sage",
    "shimmer",
    "verse",
    "marin",
    "cedar",
)
RealtimeVoice = Literal[
    "alloy", "ash", "ballad", "coral", "echo", "sage", "shimmer", "verse", "marin", "cedar"
]

Ident = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,47}$")]
Line = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_LINE_CHARS)
]
Text = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_TEXT_CHARS)
]
Keyword = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]
LanguageTag = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")]


#: What a persona may leave out, per language (the ISO-639-1 part of ``language``; others: en).
LANGUAGE_DEFAULTS: dict[str, dict[str, Any]] = {
    "ru": {
        "fillers": ["Понятно.", "Хорошо.", "Ясно."],
        "reprompts": ["Алло, вы меня слышите?", "Вы ещё здесь?"],
        "goodbye_line": "Спасибо, до свидания!",
        "close_line": "Спасибо, мне пора. До свидания!",
    },
    "en": {
        "fillers": ["I see.", "Okay.", "Right."],
        "reprompts": ["Hello, can you hear me?", "Are you still there?"],
        "goodbye_line": "Thank you, goodbye!",
        "close_line": "Thanks, I have to go now. Goodbye!",
    },
}


def language_defaults(language: object) -> dict[str, Any]:
    lang = str(language or "").split("-", 1)[0].lower()
    return LANGUAGE_DEFAULTS.get(lang, LANGUAGE_DEFAULTS["en"])


class PersonaError(ValueError):
    """A persona that cannot be used. ``field``: dotted path; ``line``: 1-based (YAML only).

    ``problems`` lists every problem found (this one first), each a ``PersonaError`` of its own.
    """

    def __init__(
        self,
        message: str,
        field: str | None = None,
        line: int | None = None,
        problems: "list[PersonaError] | None" = None,
    ) -> None:
        self.message = message
        self.field = field
        self.line = line
        self.problems: list[PersonaError] = problems or [self]
        where = ""
        if field:
            where = f"{field}"
        if line is not None:
            where = f"{where} (line {line})" if where else f"line {line}"
        super().__init__(f"{where}: {message}" if where else message)


class _RuleError(ValueError):
    """A cross-field rule broken inside the persona; ``loc`` points at the offending field."""

    def __init__(self, loc: tuple[str | int, ...], message: str) -> None:
        super().__init__(message)
        self.loc = loc


class _Strict(BaseModel):
    # Compiled on first use, not at a cold start (docs/decisions.md).
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Phase(_Strict):
    """A stage of the call. Done when all its topics are answered or after ``max_turns`` turns."""

    id: Ident
    goal: Text
    max_turns: int | None = Field(default=None, ge=1, le=100)


class Topic(_Strict):
    """Something the client must find out. ``ask`` is the canonical question."""

    id: Ident
    ask: Line
    expect: Text = Field(description="What counts as an answer, in words (read by the LLM).")
    follow_up: Line | None = Field(default=None, description="Asked once if the answer is missing.")
    phase: Ident | None = Field(default=None, description="Phase id; the first phase if omitted.")
    answer_keywords: list[Keyword] = Field(
        default_factory=list,
        description="Words that mark the topic answered (scripted responder). "
        "Without them the longer words of `expect` are used.",
    )


class Reaction(_Strict):
    """How the client reacts when the operator does something (``trigger``, in words)."""

    id: Ident | None = None
    trigger: Text
    keywords: list[Keyword] = Field(default_factory=list)
    say: Line | None = None
    mood: Mood | None = None
    once: bool = Field(default=True, description="Fire at most once per call.")
    hang_up: bool = Field(default=False, description="The client hangs up right away.")

    @model_validator(mode="after")
    def _does_something(self) -> "Reaction":
        if self.say is None and self.mood is None and not self.hang_up:
            raise ValueError("a reaction needs at least one of: say, mood, hang_up")
        return self


class Ending(_Strict):
    """How and when the call ends. Every line here is said word for word.

    ``goodbye_line`` and ``close_line`` may be left out: the persona fills them in its language.
    """

    success_line: Line = Field(description="Said when every topic is answered.")
    goodbye_line: Line = Field(
        description="Said when the operator says goodbye first (default: by language)."
    )
    close_line: Line = Field(
        description="Said when max_turns or max_duration_s runs out (default: by language)."
    )
    hangup_line: Line = Field(description="Said when the client hangs up (hang_up_if, anger).")
    silence_line: Line | None = Field(
        default=None, description="Said after max_reprompts silences; close_line if omitted."
    )
    max_turns: int = Field(ge=1, le=200)
    max_duration_s: int = Field(ge=10, le=3600)
    max_reprompts: int = Field(default=2, ge=0, le=10)
    angry_limit: int = Field(
        default=2, ge=1, le=10, description="Turns with an angry reaction before hanging up."
    )
    hang_up_if: list[Text] = Field(
        default_factory=list,
        description="Conditions (in words) under which the LLM may hang up: one or a list.",
    )
    goodbye_keywords: list[Keyword] = Field(
        default_factory=list, description="Extra operator phrases meaning goodbye."
    )

    @field_validator("hang_up_if", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value


class Voice(_Strict):
    """Per-engine voice choice: a Voximplant TTS voice name and/or an OpenAI Realtime voice."""

    tts: Annotated[str, StringConstraints(min_length=1, max_length=100)] | None = None
    realtime: RealtimeVoice | None = None


class Persona(_Strict):
    """A virtual client. Validates ids, references and speakable lines."""

    id: Ident
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
    language: LanguageTag = Field(description="BCP-47 tag, e.g. ru-RU.")
    description: Text
    goal: Text
    initial_mood: Mood = "calm"
    opening: Line
    #: Who speaks first; None follows the deployment (SSM calls/speaks_first, default operator).
    speaks_first: Literal["operator", "client"] | None = None
    fillers: list[Line] = Field(
        min_length=1,
        description="Short acknowledgements ('Понятно.') used between questions "
        "(default: by language).",
    )
    reprompts: list[Line] = Field(
        min_length=1, description="Said in turn when the operator is silent (default: by language)."
    )
    phases: list[Phase] = Field(min_length=1)
    topics: list[Topic] = Field(min_length=1)
    reactions: list[Reaction] = Field(default_factory=list)
    ending: Ending
    voice: Voice = Field(default_factory=Voice)
    #: How the operator is scored (docs/verdict.md); absent: ``default_scorecard()``.
    scorecard: Scorecard | None = None

    @model_validator(mode="before")
    @classmethod
    def _language_defaults(cls, data: Any) -> Any:
        """Fills what the documented minimum leaves out with lines in the persona's language."""
        if not isinstance(data, dict):
            return data
        defaults = language_defaults(data.get("language"))
        data = dict(data)
        for key in ("fillers", "reprompts"):
            if data.get(key) is None:
                data[key] = list(defaults[key])
        ending = data.get("ending")
        if isinstance(ending, dict):
            ending = dict(ending)
            for key in ("goodbye_line", "close_line"):
                if ending.get(key) is None:
                    ending[key] = defaults[key]
            data["ending"] = ending
        return data

    @model_validator(mode="after")
    def _check_references(self) -> "Persona":
        _unique("phases", [p.id for p in self.phases])
        _unique("topics", [t.id for t in self.topics])
        _unique("reactions", [r.id for r in self.reactions])
        phase_ids = {p.id for p in self.phases}
        for i, topic in enumerate(self.topics):
            if topic.phase is not None and topic.phase not in phase_ids:
                raise _RuleError(
                    ("topics", i, "phase"),
                    f"unknown phase {topic.phase!r}; known phases: {', '.join(sorted(phase_ids))}",
                )
        for i, phase in enumerate(self.phases):
            if not self.topics_of(phase.id) and phase.max_turns is None:
                raise _RuleError(
                    ("phases", i),
                    f"phase {phase.id!r} has no topics and no max_turns, so it would never run",
                )
        if self.scorecard is not None:
            try:
                self.scorecard.resolve([(t.id, t.ask) for t in self.topics])
            except ValueError as exc:
                raise _RuleError(("scorecard",), str(exc)) from None
        return self

    @property
    def operator_scorecard(self) -> Scorecard:
        """The scorecard the operator is judged by: the persona's own, else the default."""
        return self.scorecard or default_scorecard()

    @property
    def lang(self) -> str:
        """The ISO-639-1 part of ``language`` (``ru`` for ``ru-RU``)."""
        return self.language.split("-", 1)[0]

    def phase_of(self, topic: Topic) -> str:
        """The phase id a topic belongs to (the first phase when the topic names none)."""
        return topic.phase or self.phases[0].id

    def phase_index(self, phase_id: str) -> int:
        return [p.id for p in self.phases].index(phase_id)

    def topics_of(self, phase_id: str) -> list[Topic]:
        return [t for t in self.topics if self.phase_of(t) == phase_id]

    def topic(self, topic_id: str) -> Topic | None:
        return next((t for t in self.topics if t.id == topic_id), None)

    def reaction_ref(self, index: int) -> str:
        """How prompts and signals name a reaction: its id, or its 0-based index as text."""
        reaction = self.reactions[index]
        return reaction.id if reaction.id else str(index)

    def summary(self) -> str:
        """A short human summary, as printed by ``vclient persona check``."""
        e = self.ending
        phases = " → ".join(
            f"{p.id}({len(self.topics_of(p.id))} topics"
            + (f", ≤{p.max_turns} turns" if p.max_turns else "")
            + ")"
            for p in self.phases
        )
        reactions = ", ".join(
            f"{self.reaction_ref(i)}"
            + (f"→{r.mood}" if r.mood else "")
            + (" [hang up]" if r.hang_up else "")
            for i, r in enumerate(self.reactions)
        )
        lines = [
            f"{self.name} ({self.id}), {self.language}, mood {self.initial_mood}",
            f"Goal: {self.goal}",
            f"Opening: {self.opening}",
            f"Phases ({len(self.phases)}): {phases}",
            f"Topics ({len(self.topics)}): {', '.join(t.id for t in self.topics)}",
            f"Reactions ({len(self.reactions)}): {reactions or 'none'}",
            f"Endings: success when all topics answered; goodbye; hang up after "
            f"{e.angry_limit} angry turns"
            + (f" or if: {'; '.join(c.rstrip('.') for c in e.hang_up_if)}" if e.hang_up_if else "")
            + f"; close after {e.max_turns} turns or {e.max_duration_s} s; "
            f"after {e.max_reprompts} silent reprompts",
        ]
        if self.voice.tts or self.voice.realtime:
            lines.append(
                f"Voice: tts={self.voice.tts or '-'}, realtime={self.voice.realtime or '-'}"
            )
        return "\n".join(lines)


def _unique(field: str, ids: list[str | None]) -> None:
    seen: set[str] = set()
    for i, value in enumerate(ids):
        if value is None:
            continue
        if value in seen:
            raise _RuleError((field, i, "id"), f"duplicate id {value!r}")
        seen.add(value)


# --- loading -------------------------------------------------------------------------------------


def load_persona(source: str | Path) -> Persona:
    """Load a persona from a YAML file path or YAML text; raise ``PersonaError`` on any problem.

    A ``Path``, or a one-line string ending in ``.yaml``/``.yml``, is read as a file; anything else
    is parsed as YAML text.
    """
    if isinstance(source, Path) or (
        "\n" not in source and source.strip().lower().endswith((".yaml", ".yml"))
    ):
        path = Path(source)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise PersonaError(f"cannot read {path}: {exc.strerror or exc}") from exc
    else:
        text = source
    return _parse(text)


def _parse(text: str) -> Persona:
    import yaml  # only YAML sources need it (~12 ms); turns read the persona as JSON

    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise PersonaError(f"invalid YAML: {exc.problem or exc}", line=line) from exc
    except yaml.YAMLError as exc:
        raise PersonaError(f"invalid YAML: {exc}") from exc
    if not isinstance(data, dict) or node is None:
        raise PersonaError("a persona must be a YAML mapping (key: value lines)", line=1)
    _check_duplicate_keys(node, ())
    try:
        return Persona.model_validate(data)
    except ValidationError as exc:
        problems = [_to_persona_error(one, node) for one in _each_error(exc)]
        first = _to_persona_error(exc, node)
        raise PersonaError(first.message, first.field, first.line, problems) from exc


def _each_error(exc: ValidationError) -> list[ValidationError]:
    """One ValidationError per problem, so each can be named with its field and line."""
    if len(exc.errors()) == 1:
        return [exc]
    out = []
    for error in exc.errors(include_url=False):
        detail: dict[str, Any] = {k: error[k] for k in ("type", "loc", "input")}
        if "ctx" in error:
            detail["ctx"] = error["ctx"]
        out.append(ValidationError.from_exception_data(exc.title, [detail]))  # type: ignore[list-item]
    return out


def persona_error(exc: ValidationError, node: "yaml.Node | None" = None) -> PersonaError:
    """A pydantic error on a persona as a ``PersonaError`` (with a line when ``node`` is given)."""
    return _to_persona_error(exc, node)


def _to_persona_error(exc: ValidationError, node: "yaml.Node | None") -> PersonaError:
    err = exc.errors()[0]
    loc: tuple[str | int, ...] = tuple(err["loc"])
    message = err["msg"]
    cause = (err.get("ctx") or {}).get("error")
    if isinstance(cause, _RuleError):
        loc = loc + cause.loc
        message = str(cause)
    elif err["type"] == "extra_forbidden":
        message = "unknown field (check the spelling; see the bundled personas for examples)"
    elif err["type"] == "missing":
        message = "required field is missing"
    elif message.startswith("Value error, "):
        message = message.removeprefix("Value error, ")
    extra = len(exc.errors()) - 1
    if extra:
        message += f" (and {extra} more problem{'s' if extra > 1 else ''})"
    field = _dotted(loc) or None
    line = _line_of(node, loc) if node is not None else None
    return PersonaError(message, field=field, line=line)


def _dotted(loc: tuple[str | int, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _line_of(node: "yaml.Node", loc: tuple[str | int, ...]) -> int:
    import yaml

    """Walk the composed YAML tree along ``loc``; return the 1-based line of the deepest match."""
    line = node.start_mark.line + 1
    current: yaml.Node = node
    for part in loc:
        if isinstance(current, yaml.MappingNode) and isinstance(part, str):
            for key, value in current.value:
                if isinstance(key, yaml.ScalarNode) and key.value == part:
                    line = key.start_mark.line + 1
                    current = value
                    break
            else:
                return line
        elif isinstance(current, yaml.SequenceNode) and isinstance(part, int):
            if not 0 <= part < len(current.value):
                return line
            current = current.value[part]
            line = current.start_mark.line + 1
        else:
            return line
    return line


def _check_duplicate_keys(node: "yaml.Node", loc: tuple[str | int, ...]) -> None:
    import yaml

    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            name = str(key.value)
            if name in seen:
                raise PersonaError(
                    "key appears twice", field=_dotted((*loc, name)), line=key.start_mark.line + 1
                )
            seen.add(name)
            _check_duplicate_keys(value, (*loc, name))
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _check_duplicate_keys(item, (*loc, i))


# --- bundled personas ----------------------------------------------------------------------------


def bundled_persona_ids() -> list[str]:
    """Ids of the personas shipped in the layer, sorted."""
    return list(bundled_ids())


@functools.cache
def load_bundled(persona_id: str) -> Persona:
    """Load a bundled persona by id (cached per process). Unknown ids raise ``PersonaError``."""
    if persona_id not in bundled_ids():
        raise PersonaError(
            f"unknown persona {persona_id!r}; bundled: {', '.join(bundled_persona_ids())}",
            field="persona",
        )
    text = bundled_dir().joinpath(f"{persona_id}.yaml").read_text(encoding="utf-8")
    try:
        persona = _parse(text)
    except PersonaError as exc:
        raise PersonaError(
            f"bundled persona {persona_id}: {exc.message}", exc.field, exc.line
        ) from exc
    if persona.id != persona_id:
        raise PersonaError(f"bundled file {persona_id}.yaml declares id {persona.id!r}", field="id")
    return persona
