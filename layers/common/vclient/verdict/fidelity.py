"""The virtual client's fidelity: did it follow its own script? The same way for every engine.

Parts (each 0–100, or ``na`` when the call gives nothing to judge; weights in ``WEIGHTS``):

- ``phase_order``: the topics the client raised, in the order of their phases (consecutive pairs
  where the phase goes backwards count against it);
- ``repeats``: a topic asked again after the operator had answered that question;
- ``reactions``: each reaction fired right after its trigger (once, if ``once``) and never without
  one. A reaction counts as fired when the client says its ``say`` line; one with neither keywords
  nor a ``say``/``hang_up`` effect cannot be checked from words and is skipped;
- ``ending``: the ending the script calls for (hang-up after a hang-up reaction or too many angry
  turns, success when every topic was answered, goodbye after the operator's goodbye) against the
  one that happened; n/a when the operator hung up or the call broke;
- ``language``: client lines written mostly in the persona language's script;
- ``reply_length``: the client's own (not word-for-word) replies within ``MAX_REPLY_WORDS``;
- ``verbatim`` (hybrid engine only): word error rate between the backend's line and the spoken
  output transcript, per turn; a turn above ``DEVIATION_WER`` is a deviation.

The fidelity score is the weighted mean of the scored parts, rounded half up.
"""

from __future__ import annotations

import itertools
import statistics

from vclient.verdict import morph
from vclient.verdict.facts import CallFacts, ClientScript, TranscriptLine
from vclient.verdict.heuristic import TopicAnalysis
from vclient.verdict.quotes import Quote, normalize
from vclient.verdict.result import ClientVerdict, FidelityPart, Verbatim, VerbatimTurn
from vclient.verdict.scoring import round_half_up

WEIGHTS = {
    "phase_order": 20,
    "repeats": 15,
    "reactions": 15,
    "ending": 20,
    "language": 10,
    "reply_length": 10,
    "verbatim": 10,
}
MAX_REPLY_WORDS = 40
DEVIATION_WER = 0.15
_CYRILLIC_LANGS = frozenset({"ru", "uk", "be", "bg", "kk", "sr", "mk", "ky", "tg", "mn"})
GOODBYES = ("до свидания", "всего доброго", "всего хорошего", "до встречи", "хорошего дня")
_CLOSE = frozenset({"max_turns", "max_duration"})


def word_error_rate(reference: str, hypothesis: str) -> float:
    """Word-level Levenshtein distance over the reference's length (normalised words)."""
    ref = normalize(reference).split()
    hyp = normalize(hypothesis).split()
    if not ref:
        return 0.0 if not hyp else 1.0
    previous = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, start=1):
        current = [i] + [0] * len(hyp)
        for j, h in enumerate(hyp, start=1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (r != h))
        previous = current
    return previous[-1] / len(ref)


def _part(
    id: str, score: float | None, detail: dict[str, object], quotes: list[Quote] | None = None
) -> FidelityPart:
    return FidelityPart(
        id=id,
        status="na" if score is None else "scored",
        score=None if score is None else round_half_up(100 * score),
        weight=WEIGHTS[id],
        detail=detail,
        quotes=quotes or [],
    )


def _q(line: TranscriptLine) -> Quote:
    return Quote(turn=line.turn, who=line.who, text=line.text[:500])


def _phase_order(
    script: ClientScript, topics: dict[str, TopicAnalysis], lines: list[TranscriptLine]
) -> FidelityPart:
    raised = sorted((a.raised_at[0], t) for t in script.topics if (a := topics[t.id]).raised)
    order = [t.id for _, t in raised]
    if not raised:
        return _part("phase_order", None, {"order": []})
    backwards = []
    for (_, before), (pos, after) in itertools.pairwise(raised):
        if script.phase_index(after) < script.phase_index(before):
            backwards.append((after.id, pos))
    score = 1.0 if len(raised) < 2 else 1 - len(backwards) / (len(raised) - 1)
    return _part(
        "phase_order",
        score,
        {"order": order, "out_of_order": [tid for tid, _ in backwards]},
        [_q(lines[pos]) for _, pos in backwards],
    )


def _repeats(topics: dict[str, TopicAnalysis], lines: list[TranscriptLine]) -> FidelityPart:
    raised = [a for a in topics.values() if a.raised]
    if not raised:
        return _part("repeats", None, {"repeated": []})
    repeated = []
    for a in raised:
        # Only "asked, was answered, asked again": an answer the operator volunteered before the
        # question is no reason the client could know of.
        if a.status != "yes" or a.answered_at is None or a.answered_at < a.raised_at[0]:
            continue
        again = [pos for pos in a.raised_at if pos > a.answered_at]
        if again:
            repeated.append((a.topic_id, again[0]))
    return _part(
        "repeats",
        1 - len(repeated) / len(raised),
        {"repeated": [tid for tid, _ in repeated]},
        [_q(lines[pos]) for _, pos in repeated],
    )


def _says(line: TranscriptLine, say: str) -> bool:
    return normalize(say) in normalize(line.text)


def _reactions(
    facts: CallFacts, script: ClientScript, hung_up_with: str | None
) -> tuple[FidelityPart, int, bool]:
    """The part, the number of angry reactions fired, whether a hang-up reaction triggered."""
    lines = facts.lines
    checks = 0
    correct = 0
    angry = 0
    hang_up_triggered = False
    problems: list[dict[str, object]] = []
    quotes: list[Quote] = []
    for index, reaction in enumerate(script.reactions):
        if not reaction.keywords or not (reaction.say or reaction.hang_up):
            continue
        ref = script.reaction_ref(index)
        triggers = [
            pos
            for pos, line in enumerate(lines)
            if line.who == "operator"
            and any(
                not h.negated
                for s in morph.sentences(line.text)
                for h in morph.find_any(s.tokens, reaction.keywords)
            )
        ]
        if reaction.say:
            say = reaction.say
            fires = [pos for pos, ln in enumerate(lines) if ln.who == "client" and _says(ln, say)]
        else:
            # A silent hang-up reaction: its only trace is the call ending in a hang-up right
            # after the trigger (and a hang-up has other causes, so no "without trigger" check).
            last = max((p for p, ln in enumerate(lines) if ln.who == "client"), default=None)
            fires = [last] if last is not None and hung_up_with == "hang_up" else []
            fires = [f for f in fires if triggers and f > triggers[0]]
        if triggers and reaction.hang_up:
            hang_up_triggered = True
        if reaction.mood == "angry":
            angry += len(fires)
        expected = triggers[:1] if reaction.once else triggers
        used: set[int] = set()
        for trigger in expected:
            checks += 1
            following = [f for f in fires if f > trigger and f not in used]
            nxt_op = next(
                (p for p in range(trigger + 1, len(lines)) if lines[p].who == "operator"),
                len(lines),
            )
            hit = next((f for f in following if f < nxt_op), None)
            if hit is not None:
                used.add(hit)
                correct += 1
            else:
                problems.append({"reaction": ref, "problem": "missed", "turn": lines[trigger].turn})
                quotes.append(_q(lines[trigger]))
        for fire in fires:
            if fire in used or not reaction.say:
                continue
            checks += 1
            kind = "repeated" if reaction.once and used else "without_trigger"
            problems.append({"reaction": ref, "problem": kind, "turn": lines[fire].turn})
            quotes.append(_q(lines[fire]))
    score = None if checks == 0 else correct / checks
    part = _part("reactions", score, {"checked": checks, "problems": problems}, quotes)
    return part, angry, hang_up_triggered


def _actual_ending(facts: CallFacts, script: ClientScript) -> str | None:
    if facts.ending is not None:
        return "close" if facts.ending in _CLOSE else facts.ending
    e = script.ending
    by_line = [
        (e.hangup_line, "hang_up"),
        (e.success_line, "success"),
        (e.goodbye_line, "goodbye"),
        (e.silence_line, "silence"),
        (e.close_line, "close"),
    ]
    client = facts.client_lines()
    if not client:
        return None
    last = client[-1]
    for line, kind in by_line:
        if line and _says(last, line):
            return kind
    return None


def _ending(
    facts: CallFacts,
    script: ClientScript,
    topics: dict[str, TopicAnalysis],
    angry: int,
    hang_up_triggered: bool,
) -> FidelityPart:
    actual = _actual_ending(facts, script)
    if facts.hangup_by == "operator" or facts.end_reason == "operator_hangup":
        return _part("ending", None, {"actual": actual, "why_na": "operator_hung_up"})
    if facts.end_reason in ("backend_error", "socket_closed", "failed"):
        return _part("ending", None, {"actual": actual, "why_na": f"call_{facts.end_reason}"})
    operator = facts.operator_lines()
    goodbye = [*GOODBYES, *script.ending.goodbye_keywords]
    said_goodbye = bool(operator) and any(
        morph.find_any(s.tokens, goodbye) for s in morph.sentences(operator[-1].text)
    )
    if hang_up_triggered or angry >= script.ending.angry_limit:
        expected = "hang_up"
    elif all(a.status == "yes" for a in topics.values()):
        expected = "success"
    elif said_goodbye:
        expected = "goodbye"
    elif facts.end_reason == "silence" or facts.ending == "silence":
        expected = "silence"
    else:
        expected = "close"  # the turn or time budget ran out: nothing else was due
    detail: dict[str, object] = {"expected": expected, "actual": actual}
    client = facts.client_lines()
    quotes = [_q(client[-1])] if client and actual != expected else []
    return _part("ending", 1.0 if actual == expected else 0.0, detail, quotes)


def _script_ok(text: str, lang: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return True
    cyrillic = sum(1 for c in letters if "\u0400" <= c <= "\u04ff")
    share = cyrillic / len(letters)
    return share >= 0.5 if lang in _CYRILLIC_LANGS else share < 0.5


def _language(facts: CallFacts, script: ClientScript) -> FidelityPart:
    client = facts.client_lines()
    if not client:
        return _part("language", None, {"lines": 0})
    wrong = [ln for ln in client if not _script_ok(ln.text, script.lang)]
    return _part(
        "language",
        1 - len(wrong) / len(client),
        {"language": script.language, "lines": len(client), "other_language": len(wrong)},
        [_q(ln) for ln in wrong[:3]],
    )


def _own_words(text: str, verbatim: list[str]) -> int:
    """How many words of the line are the client's own (not a word-for-word script line)."""
    rest = f" {normalize(text)} "
    for line in sorted(verbatim, key=len, reverse=True):
        n = normalize(line)
        if n:
            rest = rest.replace(f" {n} ", " ")
    return len(rest.split())


def _reply_length(facts: CallFacts, script: ClientScript) -> FidelityPart:
    verbatim = script.verbatim_lines()
    own = [(ln, len(normalize(ln.text).split())) for ln in facts.client_lines()]
    own = [(ln, n) for ln, n in own if _own_words(ln.text, verbatim) > 2]
    if not own:
        return _part("reply_length", None, {"own_replies": 0})
    long = [(ln, n) for ln, n in own if n > MAX_REPLY_WORDS]
    return _part(
        "reply_length",
        1 - len(long) / len(own),
        {
            "own_replies": len(own),
            "median_words": statistics.median(n for _, n in own),
            "max_words": max(n for _, n in own),
            "limit_words": MAX_REPLY_WORDS,
        },
        [_q(ln) for ln, _ in long[:3]],
    )


def verbatim(facts: CallFacts) -> Verbatim | None:
    """The hybrid engine's spoken-vs-backend comparison; ``None`` for the other engines."""
    if facts.engine != "realtime":
        return None
    turns = [
        VerbatimTurn(
            turn=t.turn,
            backend_line=t.backend_line,
            spoken=t.spoken,
            wer=round(wer, 3),
            deviation=wer > DEVIATION_WER,
        )
        for t in facts.turns
        if t.backend_line is not None and t.spoken is not None
        for wer in [word_error_rate(t.backend_line, t.spoken)]
    ]
    mean = round(statistics.fmean(t.wer for t in turns), 3) if turns else None
    return Verbatim(
        turns=turns,
        mean_wer=mean,
        deviations=sum(1 for t in turns if t.deviation),
        threshold=DEVIATION_WER,
    )


def fidelity(
    facts: CallFacts, script: ClientScript, topics: dict[str, TopicAnalysis]
) -> ClientVerdict:
    lines = facts.lines
    actual = _actual_ending(facts, script)
    reactions, angry, hang_up_triggered = _reactions(facts, script, actual)
    parts = [
        _phase_order(script, topics, lines),
        _repeats(topics, lines),
        reactions,
        _ending(facts, script, topics, angry, hang_up_triggered),
        _language(facts, script),
        _reply_length(facts, script),
    ]
    spoken = verbatim(facts)
    if spoken is not None:
        score = None if spoken.mean_wer is None else max(0.0, 1 - spoken.mean_wer)
        parts.append(
            _part(
                "verbatim",
                score,
                {"turns": len(spoken.turns), "deviations": spoken.deviations},
            )
        )
    scored = [p for p in parts if p.score is not None]
    total = sum(p.weight for p in scored)
    value = round_half_up(sum(p.weight * (p.score or 0) for p in scored) / total) if total else None
    return ClientVerdict(fidelity=value, parts=parts, verbatim=spoken)
