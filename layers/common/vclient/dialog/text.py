"""Text helpers: tolerant keyword matching for Russian and reply capping for TTS.

Matching rules for a keyword (each word of a phrase, phrases match consecutive words):

- ``word*``: any word starting with ``word`` (``цен*`` matches ``цену``, ``ценник``);
- a word of four letters or fewer: that exact word (``пока`` does not match ``покупка``);
- a longer word: its stem, the word without trailing vowels, ``й`` and ``ь``, must start the word
  (``кредит`` matches ``кредитом``, ``машина`` matches ``машину``).

Case and ``ё``/``е`` are ignored.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_WORD = re.compile(r"\w+")
_KEYWORD_WORD = re.compile(r"\w+\*?")
_ENDING = "аеёиоуыэюяйь"
_SENTENCE_END = re.compile(r"[.!?…](?=\s|$)")


def normalize(text: str) -> str:
    return text.lower().replace("ё", "е")


def words(text: str) -> list[str]:
    """Lower-case words; hyphens split words (``трейд-ин`` is ``трейд``, ``ин``)."""
    return _WORD.findall(normalize(text))


def _word_matcher(keyword_word: str) -> tuple[str, bool]:
    """Return (pattern, is_prefix) for one keyword word."""
    if keyword_word.endswith("*"):
        return keyword_word[:-1], True
    if len(keyword_word) <= 4:
        return keyword_word, False
    stem = keyword_word.rstrip(_ENDING)
    if len(stem) < 4:
        stem = keyword_word[:4]
    return stem, True


def _matches_at(tokens: list[str], start: int, pattern: list[tuple[str, bool]]) -> bool:
    if start + len(pattern) > len(tokens):
        return False
    for token, (stem, prefix) in zip(tokens[start:], pattern, strict=False):
        if not (token.startswith(stem) if prefix else token == stem):
            return False
    return True


def contains_keyword(text: str, keyword: str) -> bool:
    """True when ``text`` contains ``keyword`` (a word or phrase) under the rules above."""
    pattern = [_word_matcher(w) for w in _KEYWORD_WORD.findall(normalize(keyword))]
    if not pattern:
        return False
    tokens = words(text)
    return any(_matches_at(tokens, i, pattern) for i in range(len(tokens)))


def matches_any(text: str, keywords: Iterable[str]) -> bool:
    return any(contains_keyword(text, k) for k in keywords)


def expect_keywords(expect: str) -> list[str]:
    """Fallback answer keywords: the distinct words of six letters or more in ``expect``."""
    seen: list[str] = []
    for w in words(expect):
        if len(w) >= 6 and w not in seen:
            seen.append(w)
    return seen


def cap_reply(text: str, max_chars: int) -> str:
    """Collapse whitespace and cut to ``max_chars`` at a sentence end, else at a word boundary."""
    text = " ".join(text.split())
    if len(text) <= max_chars:
        return text
    head = text[:max_chars]
    ends = [m.end() for m in _SENTENCE_END.finditer(head)]
    if ends and ends[-1] >= max_chars // 2:
        return head[: ends[-1]].strip()
    head = text[: max_chars - 1]
    cut = head.rfind(" ")
    if cut >= max_chars // 2:
        head = head[:cut]
    return head.rstrip(" ,;:-—") + "…"
