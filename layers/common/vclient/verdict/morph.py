"""Russian words for the heuristic verdict: tokens, lemmas (pymorphy3), keywords, negation.

Matching works on lemmas, so any inflection of a keyword matches (``вернуть`` matches ``вернём``,
``взять`` matches ``возьмёте``, which no prefix rule can do). Keyword syntax is the persona's:
a phrase matches consecutive words; ``word*`` is a plain prefix match on the spoken form. Case,
``ё``/``е`` and punctuation are ignored; hyphens split words (``трейд-ин`` is two words).

Text is split into sentences (``.``, ``!``, ``?``, ``…``) and sentences into clauses (commas,
dashes, ``но``, ``а``, ``однако``). A word is *negated* when ``не``, ``ни`` or ``нет`` stands
within three words before or after it in its clause («не вернём», «трейд-ин мы не делаем»).

The analyser is built once per process (about 0.17 s and 28 MB; see docs/decisions.md).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pymorphy3

_WORD = re.compile(r"[^\W_]+")
_SENTENCE = re.compile(r"[^.!?…]+(?:[.!?…]+|$)")
_CLAUSE_BREAK = re.compile(r"[,;:—–()]|\s-\s")
_CLAUSE_WORDS = frozenset({"но", "а", "однако", "зато"})
NEGATORS = frozenset({"не", "ни", "нет"})
NEGATION_WINDOW = 3


@functools.cache
def analyzer() -> pymorphy3.MorphAnalyzer:
    import pymorphy3
    import pymorphy3_dicts_ru

    # An explicit path skips scanning every installed package's entry points.
    return pymorphy3.MorphAnalyzer(path=pymorphy3_dicts_ru.get_path(), lang="ru")


def fold(text: str) -> str:
    return text.lower().replace("ё", "е")


@functools.lru_cache(maxsize=50_000)
def lemma(word: str) -> str:
    """The word's normal form under pymorphy's most likely parse, folded."""
    word = fold(word)
    if word.isdigit():
        return word
    parses = analyzer().parse(word)
    return fold(parses[0].normal_form) if parses else word


@functools.lru_cache(maxsize=50_000)
def lemmas(word: str) -> frozenset[str]:
    """What a spoken word matches by: the normal forms of its most likely parses (ties: the
    ambiguous «перечислим» is перечислить or перечислимый) and the word itself.

    A keyword's own word keeps only its first parse (``lemma``), so the keyword ``стоит``
    (стоить) is not matched by «стоят» (стоять), a tie only for «стоит» itself.
    """
    word = fold(word)
    if word.isdigit():
        return frozenset({word})
    parses = analyzer().parse(word)
    best = parses[0].score if parses else 0.0
    return frozenset({fold(p.normal_form) for p in parses if p.score >= best} | {word})


@functools.lru_cache(maxsize=50_000)
def tags(word: str) -> frozenset[str]:
    """Grammemes of the word's likely parses (``NOUN``, ``VERB``, ``Name``, ``NUMR``, …)."""
    word = fold(word)
    if word.isdigit():
        return frozenset({"NUMB"})
    parses = analyzer().parse(word)
    best = parses[0].score if parses else 0.0
    out: set[str] = set()
    for p in parses:
        if p.score >= best / 2:
            out |= set(p.tag.grammemes)
    return frozenset(out)


@dataclass(frozen=True)
class Token:
    text: str  # folded spoken form
    start: int  # span in the sentence's text
    end: int
    clause: int

    @property
    def lemmas(self) -> frozenset[str]:
        return lemmas(self.text)

    def negated_by(self, tokens: list[Token], index: int, end: int | None = None) -> bool:
        """A negator within the window before the word (or phrase ending at ``end``) or after
        it, in the same clause: «не вернём», «трейд-ин мы не делаем», «в наличии нет»."""
        end = index + 1 if end is None else end
        near = tokens[max(0, index - NEGATION_WINDOW) : index] + tokens[end : end + NEGATION_WINDOW]
        return any(t.clause == self.clause and t.text in NEGATORS for t in near)


_QUESTION_START = frozenset(
    {"какой", "сколько", "когда", "где", "как", "что", "почему", "зачем", "кто", "куда"}
)


@dataclass(frozen=True)
class Sentence:
    text: str  # verbatim slice of the line
    tokens: list[Token]
    punctuated: bool = True  # False: the line had no sentence punctuation (raw ASR text)

    @property
    def is_question(self) -> bool:
        if self.punctuated or not self.tokens:
            return self.text.rstrip().endswith("?")
        # Unpunctuated speech recognition: a question word first, or «… ли» second.
        first = self.tokens[0]
        return bool(first.lemmas & _QUESTION_START) or (
            len(self.tokens) > 1 and self.tokens[1].text == "ли"
        )

    def clause_text(self, clause: int) -> str:
        tokens = [t for t in self.tokens if t.clause == clause]
        if not tokens:
            return self.text.strip()
        return self.text[tokens[0].start : tokens[-1].end]


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    clause = 0
    pos = 0
    for match in _WORD.finditer(text):
        if _CLAUSE_BREAK.search(text[pos : match.start()]):
            clause += 1
        word = fold(match.group())
        if word in _CLAUSE_WORDS and tokens:
            clause += 1
        tokens.append(Token(word, match.start(), match.end(), clause))
        pos = match.end()
    return tokens


def sentences(text: str) -> list[Sentence]:
    punctuated = any(c in text for c in ".!?…")
    out = []
    for match in _SENTENCE.finditer(text):
        piece = match.group().strip()
        if piece:
            out.append(Sentence(piece, tokenize(piece), punctuated))
    return out


@dataclass(frozen=True)
class _WordPattern:
    prefix: str | None
    forms: frozenset[str]

    def matches(self, token: Token) -> bool:
        if self.prefix is not None:
            return token.text.startswith(self.prefix)
        return bool(self.forms & token.lemmas)


@functools.lru_cache(maxsize=10_000)
def _pattern(keyword: str) -> tuple[_WordPattern, ...]:
    out = []
    for raw in re.findall(r"[^\W_]+\*?", fold(keyword)):
        if raw.endswith("*"):
            out.append(_WordPattern(raw[:-1], frozenset()))
        else:
            out.append(_WordPattern(None, frozenset({lemma(raw), raw})))
    return tuple(out)


@dataclass(frozen=True)
class Hit:
    keyword: str
    start: int  # token index
    end: int  # token index, exclusive
    negated: bool


def find(tokens: list[Token], keyword: str) -> list[Hit]:
    """Every occurrence of ``keyword`` (word or phrase) in ``tokens``."""
    pattern = _pattern(keyword)
    if not pattern:
        return []
    hits = []
    for i in range(len(tokens) - len(pattern) + 1):
        if all(p.matches(tokens[i + j]) for j, p in enumerate(pattern)):
            # A keyword that itself starts with a negator ("не волнуйтесь") is not negated by it.
            negated = pattern[0].forms.isdisjoint(NEGATORS) and tokens[i].negated_by(
                tokens, i, i + len(pattern)
            )
            hits.append(Hit(keyword, i, i + len(pattern), negated))
    return hits


def find_any(tokens: list[Token], keywords: list[str] | tuple[str, ...]) -> list[Hit]:
    return [hit for keyword in keywords for hit in find(tokens, keyword)]


def has_name(tokens: list[Token]) -> bool:
    """A first name among the words (pymorphy's ``Name`` grammeme)."""
    return any("Name" in tags(t.text) for t in tokens)
