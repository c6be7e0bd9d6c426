"""The evaluator without an LLM (``method: "heuristic"``): lemma matching, negation, refusal.

**Topics.** The client *raised* a topic when a client line contains its question or follow-up, or
a question sentence with two of the question's content lemmas. An operator sentence *answers* it
(strong evidence) when it carries one of the topic's answer keywords (or the scorecard's hints)
un-negated, or two of the topic's plain-word lemmas (the content words of ``ask``, ``expect`` and
``follow_up`` with a small synonym table; lemmas shared by many of the persona's topics do not
count), or one of them plus a number (for a how-much/when question) or a leading «да/нет» (for a
yes/no question). Weaker evidence in the two operator lines after the question (one plain lemma, a
bare «да», a number) is ``partial``. A refusal («не знаю», «не можем», «не скажу», «ничего … не»,
a bare «нет», or only negated keywords: «не вернём», «трейд-ин не делаем») with no strong evidence
is ``no`` (reason ``refused`` or ``negated``): «Ничего мы не вернём» answers no refund question.
Negated words do answer a topic whose ``expect`` asks *whether* («нужно ли», «есть ли … или»):
«заявление не нужно» answers «Нужно ли заявление?». Question sentences are never evidence.

Evidence anywhere in the call counts, also before the client asked (reason
``answered_before_asked``); an item marked ``must_raise_unprompted`` needs exactly that for
``yes``. A topic nobody raised is n/a under ``na_when: not_raised`` (the default for topics).

**Other items** follow their ``check.kind`` (see ``vclient.verdict.scorecard.CheckKind``); an item
without a check is ``na`` with reason ``not_checkable``. The heuristic never finds
``misinformation``: only the LLM judges truth.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from vclient.verdict import morph
from vclient.verdict.facts import CallFacts, ClientScript, ScriptTopic, TranscriptLine
from vclient.verdict.quotes import Quote, normalize
from vclient.verdict.result import ItemJudgement, SignalFinding
from vclient.verdict.scorecard import Item, Status


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


_CONTENT_POS = frozenset(
    {"NOUN", "ADJF", "ADJS", "COMP", "VERB", "INFN", "PRTF", "PRTS", "GRND", "ADVB", "NUMR", "UNKN"}
)
_CONTENT_POS |= {"LATN"}
_NUMERIC = frozenset({"NUMR", "NUMB", "Anum"})
#: Words that describe the answer rather than being part of it, and everyday filler.
_META = _set("""оператор клиент говорить сказать назвать называть объяснить объяснять подтвердить
    подтверждать предложить предлагать пояснить уточнить хотя например возможно быть мочь хотеть
    знать нужно надо сейчас тогда там тут здесь вот ну уже ещё еще тоже так очень просто хорошо
    понятно спасибо пожалуйста подсказать узнать интересовать вопрос ответ ответить весь этот тот
    такой какой который свой ваш наш мой самый другой каждый любой иметь делать сделать есть
    получиться стать давать дать смочь год куда где когда как""")
SYNONYMS: tuple[frozenset[str], ...] = tuple(
    frozenset(morph.fold(group).split())
    for group in (
        "цена стоимость стоить прайс ценник",
        "наличие склад поставка привезти пригнать поступление",
        "кредит рассрочка ставка процент взнос банк ипотека платёж",
        "трейд обмен выкуп зачёт оценка оценить осмотр диагностика",
        "тест драйв запись записать записывать",
        "документ паспорт договор",
        "получить выдать выплатить перевести перечислить вернуть вернуться",
        "наличные наличный касса карта счёт",
        "приложение онлайн дистанционно удалённо интернет мобильный",
        "досрочно досрочный раньше срок",
        "полностью целиком полный вся",
        "скидка акция спецпредложение",
    )
)
_QUESTION_WORDS = _set("какой сколько когда где как что почему зачем кто куда откуда чей каков")
_QUANTITY = _set(
    "сколько цена стоимость стоить ставка процент взнос сумма срок когда время скидка платёж"
)
_NUMBER_WORDS = _set("тысяча миллион миллиард полтора половина сотня десяток ноль")
_AFFIRM = _set("да конечно разумеется безусловно естественно можно именно верно точно")
REFUSALS = (
    "не знаю",
    "не могу",
    "не можем",
    "не смогу",
    "не сможем",
    "не скажу",
    "не подскажу",
    "не назову",
    "не называем",
    "не сообщаем",
    "не даём",
    "не положено",
    "не обсуждается",
    "без понятия",
    "не в курсе",
    "не имею права",
    "не ко мне",
    "не буду",
)
_NEVER = _set("ничего никак ничем")
RUDE = (
    "не ваше дело",
    "отстаньте",
    "некогда мне",
    "чего надо",
    "заткнитесь",
    "идиот*",
    "дурак*",
    "тупой",
    "сколько можно",
)
NEXT_STEP = (
    "записать",
    "записывать",
    "запись",
    "приехать",
    "приезжать",
    "подъехать",
    "подъезжать",
    "прийти",
    "приходить",
    "встреча",
    "встретиться",
    "ждать",
    "ожидать",
    "перезвонить",
    "отправить",
    "прислать",
    "выслать",
    "оформить",
    "назначить",
    "забронировать",
    "бронь",
)
FOLLOW_UP = (
    "перезвонить",
    "позвонить",
    "напомнить",
    "связаться",
    "написать",
    "прислать",
    "отправить",
    "сообщение",
    "смс",
)
_DAYS = _set(
    """понедельник вторник среда четверг пятница суббота воскресенье сегодня завтра послезавтра
    выходной январь февраль март апрель май июнь июль август сентябрь октябрь ноябрь декабрь
    число"""
)
_TIMES = _set("час утро вечер полдень обед")
_CLOCK = re.compile(r"\b(?:[01]?\d|2[0-3]):[0-5]\d\b")
COMPANY_WORDS = _set(
    """компания банк автосалон салон дилер дилерский центр клиника магазин сервис фирма агентство
    офис отделение служба"""
)
_STOCK_QUESTIONS = _set("помочь слышать алло слушать")
SECRETS = (
    "код из смс",
    "код из сообщения",
    "пароль",
    "cvv",
    "трехзначный код",
    "номер карты",
    "срок действия карты",
)
OBJECTIONS = ("дорого", "подумаю", "не уверен", "сомневаюсь", "не нужно", "не хочу", "без допов")
_QUOTED = re.compile(r"«[^»]{2,}»|\"[^\"]{2,}\"")


# --- text helpers ---------------------------------------------------------------------------------


def content_lemmas(text: str) -> set[str]:
    """Normal forms of the content words of ``text`` (no pronouns, particles, numbers, meta)."""
    out: set[str] = set()
    for token in morph.tokenize(text):
        grammemes = morph.tags(token.text)
        if len(token.text) < 3 or not (grammemes & _CONTENT_POS) or grammemes & _NUMERIC:
            continue
        lemma = morph.lemma(token.text)
        if lemma not in _META and lemma not in _NUMBER_WORDS and len(lemma) >= 3:
            out.add(lemma)
    return out


def _is_number(token: morph.Token) -> bool:
    return (
        token.text.isdigit()
        or "NUMR" in morph.tags(token.text)
        or bool(token.lemmas & _NUMBER_WORDS)
    )


def refusal_clauses(sentence: morph.Sentence) -> set[int]:
    """Clauses that refuse: «не знаю», «не можем», … or «ничего/никак … не»."""
    tokens = sentence.tokens
    out = {tokens[h.start].clause for h in morph.find_any(tokens, REFUSALS)}
    for clause in {t.clause for t in tokens}:
        words = [t for t in tokens if t.clause == clause]
        if any(t.text == "не" for t in words) and any(t.lemmas & _NEVER for t in words):
            out.add(clause)
    return out


def _quote(line: TranscriptLine, text: str) -> Quote:
    return Quote(turn=line.turn, who=line.who, text=text[:500])


@dataclass
class _Parsed:
    index: int  # position in facts.lines
    line: TranscriptLine
    sentences: list[morph.Sentence]


def _parse(lines: list[TranscriptLine]) -> list[_Parsed]:
    return [_Parsed(i, ln, morph.sentences(ln.text)) for i, ln in enumerate(lines) if ln.text]


# --- topics ---------------------------------------------------------------------------------------


@dataclass
class TopicAnalysis:
    """One topic in one call: where the client raised it and how the operator answered."""

    topic_id: str
    raised_at: list[int] = field(default_factory=list)  # positions of client lines
    status: Status = "no"
    reason: str | None = None
    answered_at: int | None = None  # position of the first answering operator line
    quotes: list[Quote] = field(default_factory=list)

    @property
    def raised(self) -> bool:
        return bool(self.raised_at)


class TopicMatcher:
    """The vocabulary of each topic of a script, built once per call."""

    def __init__(self, script: ClientScript, hints: dict[str, list[str]] | None = None) -> None:
        self.script = script
        hints = hints or {}
        base = {
            t.id: content_lemmas(" ".join(filter(None, (t.ask, t.expect, t.follow_up))))
            for t in script.topics
        }
        limit = max(1, len(script.topics) // 3)
        common = {
            lemma
            for lemma in set().union(*base.values())
            if sum(lemma in v for v in base.values()) > limit
        }
        self.vocab: dict[str, set[str]] = {}
        self.keywords: dict[str, list[str]] = {}
        self.ask_lemmas: dict[str, set[str]] = {}
        self.yes_no: dict[str, bool] = {}
        self.quantity: dict[str, bool] = {}
        self.either: dict[str, bool] = {}
        self.unique: dict[str, set[str]] = {}
        for t in script.topics:
            self.either[t.id] = any(tok.text in ("ли", "или") for tok in morph.tokenize(t.expect))
            vocab = base[t.id] - common
            for group in SYNONYMS:
                if vocab & group:
                    vocab |= group
            self.vocab[t.id] = vocab - common
            # Before the client asks, only words no other topic uses can answer (a greeting or
            # another topic's answer must not pass for this one).
            others = set().union(*(v for k, v in base.items() if k != t.id))
            self.unique[t.id] = self.vocab[t.id] - others
            self.keywords[t.id] = [*t.answer_keywords, *hints.get(t.id, [])]
            ask = content_lemmas(t.ask) - common
            self.ask_lemmas[t.id] = ask or content_lemmas(t.ask)
            question = [s for s in morph.sentences(t.ask) if s.is_question] or morph.sentences(
                t.ask
            )
            last = question[-1].tokens if question else []
            self.yes_no[t.id] = not any(tok.lemmas & _QUESTION_WORDS for tok in last)
            self.quantity[t.id] = bool(content_lemmas(t.ask) & _QUANTITY) or any(
                tok.lemmas & _QUANTITY for tok in last
            )

    def raises(self, topic: ScriptTopic, text: str) -> bool:
        said = normalize(text)
        for line in (topic.ask, topic.follow_up):
            if line and normalize(line) in said:
                return True
        needed = self.ask_lemmas[topic.id]
        if not needed:
            return False
        for sentence in morph.sentences(text):  # a paraphrase counts only as a question
            if sentence.is_question:
                got = content_lemmas(sentence.text) & needed
                if len(got) >= min(2, len(needed)):
                    return True
        return False

    def evidence(
        self,
        topic: ScriptTopic,
        sentence: morph.Sentence,
        first_reply: bool,
        before_ask: bool = False,
    ) -> tuple[str, str | None]:
        """('strong' | 'weak' | 'refused' | 'none', reason) for one operator sentence."""
        if sentence.is_question:
            return "none", None
        tokens = sentence.tokens
        refusing = refusal_clauses(sentence)
        free = [i for i, t in enumerate(tokens) if t.clause not in refusing]
        hits = [
            h
            for h in morph.find_any(tokens, self.keywords[topic.id])
            if tokens[h.start].clause not in refusing
        ]
        # «Нужно ли заявление?» is answered by «заявление не нужно»; «подтверждено, что деньги
        # вернут» is not answered by «не вернём».
        either = self.either[topic.id]
        # Beside a refusal to tell («не скажу», «не знаю», …) a keyword alone is no answer
        # («Ничего не скажу, цены меняются»); a figure is («Не скажу точно, цена около трёх
        # миллионов»). A negated action («ничего не вернём, всю сумму») stays in its clause.
        withholds = bool(morph.find_any(tokens, REFUSALS))
        figure = any(_is_number(tokens[i]) for i in free)
        if any(either or not h.negated for h in hits) and (not withholds or figure):
            return "strong", None
        vocab = self.unique[topic.id] if before_ask else self.vocab[topic.id]
        plain = {
            lemma
            for i in free
            if either or not tokens[i].negated_by(tokens, i)
            for lemma in tokens[i].lemmas & vocab
        }
        number = self.quantity[topic.id] and any(_is_number(tokens[i]) for i in free)
        # A yes/no question's direct reply: «Да, …» / «Нет, …».
        starts = bool(free) and free[0] == 0 and self.yes_no[topic.id] and first_reply
        affirm = starts and bool(tokens[0].lemmas & _AFFIRM)
        answer_word = affirm or (starts and tokens[0].text == "нет")
        if len(plain) >= 2 or (plain and (number or answer_word)):
            return "strong", None
        if refusing:
            return "refused", "refused"
        if tokens and tokens[0].text == "нет" and not plain:
            # a bare «Нет»: a thin answer to a whether-question, else a refusal
            return ("weak", "thin") if either and starts else ("refused", "refused")
        if hits:
            # Only negated keywords: «не вернём», «трейд-ин не делаем» — a refusal, not an answer.
            return "refused", "negated"
        if plain or number or affirm:
            return "weak", "thin"
        return "none", None


def analyze_topics(
    facts: CallFacts,
    script: ClientScript,
    hints: dict[str, list[str]] | None = None,
    unprompted: frozenset[str] = frozenset(),
) -> dict[str, TopicAnalysis]:
    matcher = TopicMatcher(script, hints)
    parsed = _parse(facts.lines)
    out: dict[str, TopicAnalysis] = {}
    for topic in script.topics:
        a = TopicAnalysis(topic.id)
        a.raised_at = [
            p.index for p in parsed if p.line.who == "client" and matcher.raises(topic, p.line.text)
        ]
        windows: set[int] = set()
        for raise_pos in a.raised_at:
            replies = [p.index for p in parsed if p.line.who == "operator" and p.index > raise_pos]
            windows |= set(replies[:2])
        firsts = set()
        for raise_pos in a.raised_at:
            nxt = [p.index for p in parsed if p.line.who == "operator" and p.index > raise_pos]
            firsts |= set(nxt[:1])
        best: tuple[int, int, Quote, str | None] | None = None  # (rank, position, quote, reason)
        rank = {"strong": 3, "weak": 2, "refused": 1}
        for p in parsed:
            if p.line.who != "operator":
                continue
            line_best: tuple[str, str | None, str] | None = None
            for sentence in p.sentences:
                before = not a.raised_at or p.index < a.raised_at[0]
                kind, reason = matcher.evidence(topic, sentence, p.index in firsts, before)
                if kind == "none" or (kind != "strong" and p.index not in windows):
                    continue
                if line_best is None or rank[kind] > rank[line_best[0]]:
                    line_best = (kind, reason, sentence.text)
            if line_best is None:
                continue
            kind, reason, text = line_best
            candidate = (rank[kind], p.index, _quote(p.line, text), reason)
            if best is None or candidate[0] > best[0]:
                best = candidate
        first_raise = a.raised_at[0] if a.raised_at else None
        if best is None:
            a.status, a.reason = "no", ("not_answered" if a.raised else "not_raised")
        else:
            level, pos, quote, reason = best
            a.quotes = [quote]
            a.answered_at = pos if level >= 2 else None
            if level == 3:
                a.status = "yes"
                a.reason = (
                    "answered_before_asked" if first_raise is None or pos < first_raise else None
                )
            elif level == 2:
                a.status, a.reason = "partial", reason
            else:
                a.status, a.reason, a.answered_at = "no", reason or "refused", None
        if topic.id in unprompted and a.status == "yes" and a.reason != "answered_before_asked":
            a.status, a.reason = "partial", "answered_only_when_asked"
        out[topic.id] = a
    return out


# --- items ----------------------------------------------------------------------------------------


@dataclass
class _Call:
    facts: CallFacts
    script: ClientScript
    operator: list[_Parsed]
    client: list[_Parsed]


def _first_hit(
    lines: list[_Parsed], keywords: tuple[str, ...] | list[str], *, questions: bool = True
) -> tuple[int, Quote] | None:
    for n, p in enumerate(lines):
        for s in p.sentences:
            if not questions and s.is_question:
                continue
            if any(not h.negated for h in morph.find_any(s.tokens, keywords)):
                return n, _quote(p.line, s.text)
    return None


def _within(item: Item, n: int, quote: Quote, reason_late: str) -> ItemJudgement:
    limit = item.check.within_lines if item.check else None
    if limit is not None and n >= limit:
        return ItemJudgement(id=item.id, status="partial", quotes=[quote], reason=reason_late)
    return ItemJudgement(id=item.id, status="yes", quotes=[quote])


def _introduced(item: Item, call: _Call) -> ItemJudgement:
    client_names = {lemma for t in morph.tokenize(call.script.name) for lemma in t.lemmas}
    for n, p in enumerate(call.operator):
        for s in p.sentences:
            if s.is_question:
                continue
            named = morph.find_any(s.tokens, ["меня зовут", "мое имя"]) or any(
                "Name" in morph.tags(t.text) and not (t.lemmas & client_names) for t in s.tokens
            )
            if named:
                return _within(item, n, _quote(p.line, s.text), "late")
    return ItemJudgement(id=item.id, status="no", reason="not_said")


def _company(item: Item, call: _Call) -> ItemJudgement:
    keywords = item.check.keywords if item.check else []
    for n, p in enumerate(call.operator):
        for s in p.sentences:
            if keywords:
                found = any(not h.negated for h in morph.find_any(s.tokens, keywords))
            else:
                found = bool(_QUOTED.search(s.text)) or any(
                    t.lemmas & COMPANY_WORDS for t in s.tokens
                )
            if found and not s.is_question:
                return _within(item, n, _quote(p.line, s.text), "late")
    return ItemJudgement(id=item.id, status="no", reason="not_said")


def _asks(item: Item, call: _Call) -> ItemJudgement:
    quotes = []
    for p in call.operator:
        for s in p.sentences:
            if not s.is_question or len(s.tokens) < 2:
                continue
            if any(t.lemmas & _STOCK_QUESTIONS for t in s.tokens):
                continue
            quotes.append(_quote(p.line, s.text))
    need = item.check.min_count if item.check else 2
    if len(quotes) >= need:
        return ItemJudgement(id=item.id, status="yes", quotes=quotes[:3])
    if quotes:
        return ItemJudgement(id=item.id, status="partial", quotes=quotes, reason="few_questions")
    return ItemJudgement(id=item.id, status="no", reason="no_questions")


def _keyword_item(item: Item, call: _Call, words: tuple[str, ...]) -> ItemJudgement:
    """yes on an un-negated keyword; only partial when it sits in a refusal or a rude sentence
    («не знаю, приезжайте»): a brush-off is not a concrete step."""
    keywords = [*words, *(item.check.keywords if item.check else [])]
    vague: ItemJudgement | None = None
    for n, p in enumerate(call.operator):
        for s in p.sentences:
            hits = [h for h in morph.find_any(s.tokens, keywords) if not h.negated]
            if not hits:
                continue
            if refusal_clauses(s) or morph.find_any(s.tokens, RUDE):
                vague = vague or ItemJudgement(
                    id=item.id, status="partial", quotes=[_quote(p.line, s.text)], reason="vague"
                )
                continue
            return _within(item, n, _quote(p.line, s.text), "late")
    return vague or ItemJudgement(id=item.id, status="no", reason="not_said")


def _date_time(item: Item, call: _Call) -> ItemJudgement:
    day: Quote | None = None
    time: Quote | None = None
    for p in call.operator:
        for s in p.sentences:
            tokens = s.tokens
            free = [t for i, t in enumerate(tokens) if not t.negated_by(tokens, i)]
            if day is None and any(t.lemmas & _DAYS for t in free):
                day = _quote(p.line, s.text)
            at_number = any(  # «в 11», «в одиннадцать»; not «в 2024 году»
                t.text == "в"
                and i + 1 < len(tokens)
                and _is_number(nxt := tokens[i + 1])
                and (not nxt.text.isdigit() or int(nxt.text) <= 24)
                for i, t in enumerate(tokens)
            )
            if time is None and (
                _CLOCK.search(s.text) or at_number or any(t.lemmas & _TIMES for t in free)
            ):
                time = _quote(p.line, s.text)
    quotes = list(dict.fromkeys(q for q in (day, time) if q is not None))
    if day and time:
        return ItemJudgement(id=item.id, status="yes", quotes=quotes)
    if day or time:
        return ItemJudgement(
            id=item.id, status="partial", quotes=quotes, reason="day_only" if day else "time_only"
        )
    return ItemJudgement(id=item.id, status="no", reason="not_said")


def _rude_words(call: _Call) -> list[str]:
    persona = [
        k for r in call.script.reactions if r.mood == "angry" or r.hang_up for k in r.keywords
    ]
    return [*RUDE, *persona]


def _tone(item: Item, call: _Call) -> ItemJudgement:
    words = [*_rude_words(call), *(item.check.keywords if item.check else [])]
    hit = _first_hit(call.operator, words)
    if hit is not None:
        return ItemJudgement(id=item.id, status="no", quotes=[hit[1]], reason="rude_words")
    return ItemJudgement(id=item.id, status="yes", note="Грубых слов не найдено.")


def _objection(call: _Call) -> bool:
    moods = {"doubtful", "irritated", "angry"}
    says = [normalize(r.say) for r in call.script.reactions if r.say and r.mood in moods]
    for p in call.client:
        text = normalize(p.line.text)
        if any(say and say in text for say in says):
            return True
        if any(morph.find_any(s.tokens, OBJECTIONS) for s in p.sentences):
            return True
    return False


def judge_items(
    facts: CallFacts, script: ClientScript, items: list[Item]
) -> tuple[dict[str, ItemJudgement], dict[str, TopicAnalysis]]:
    """Judge every item; also return the topic analysis (for fidelity and coverage)."""
    parsed = _parse(facts.lines)
    call = _Call(
        facts,
        script,
        [p for p in parsed if p.line.who == "operator"],
        [p for p in parsed if p.line.who == "client"],
    )
    hints: dict[str, list[str]] = {}
    unprompted: set[str] = set()
    for item in items:
        if item.check and item.check.kind == "topic" and item.check.topic:
            hints.setdefault(item.check.topic, []).extend(item.check.keywords)
            if item.must_raise_unprompted:
                unprompted.add(item.check.topic)
    topics = analyze_topics(facts, script, hints, frozenset(unprompted))
    out: dict[str, ItemJudgement] = {}
    for item in items:
        out[item.id] = _judge(item, call, topics)
    return out, topics


def _judge(item: Item, call: _Call, topics: dict[str, TopicAnalysis]) -> ItemJudgement:
    check = item.check
    if check is None:
        return ItemJudgement(
            id=item.id,
            status="na",
            reason="not_checkable",
            note="Без LLM этот пункт не проверяется.",
        )
    if item.na_when == "no_objection" and not _objection(call):
        return ItemJudgement(id=item.id, status="na", reason="no_objection")
    if check.kind == "topic":
        a = topics[str(check.topic)]
        if (
            item.na_when == "not_raised"
            and not item.must_raise_unprompted
            and not a.raised
            and a.status == "no"
        ):
            return ItemJudgement(id=item.id, status="na", reason="not_raised")
        return ItemJudgement(id=item.id, status=a.status, quotes=a.quotes, reason=a.reason)
    if (
        item.na_when == "not_raised"
        and not item.must_raise_unprompted
        and check.keywords
        and _first_hit(call.client, check.keywords) is None
    ):
        return ItemJudgement(id=item.id, status="na", reason="not_raised")
    match check.kind:
        case "introduced_self":
            return _introduced(item, call)
        case "named_company":
            return _company(item, call)
        case "asks_questions":
            return _asks(item, call)
        case "next_step":
            return _keyword_item(item, call, NEXT_STEP)
        case "follow_up":
            return _keyword_item(item, call, FOLLOW_UP)
        case "date_time":
            return _date_time(item, call)
        case "tone":
            return _tone(item, call)
        case "says":
            return _keyword_item(item, call, ())
        case "never_says":
            hit = _first_hit(call.operator, check.keywords)
            if hit is None:
                return ItemJudgement(id=item.id, status="yes")
            return ItemJudgement(id=item.id, status="no", quotes=[hit[1]], reason="said")
    raise AssertionError(check.kind)  # pragma: no cover - the Literal is exhaustive


def signals(facts: CallFacts) -> list[SignalFinding]:
    """Signals the heuristic can see in the words (the facts' own signals are in scoring)."""
    parsed = _parse(facts.lines)
    operator = [p for p in parsed if p.line.who == "operator"]
    out = []
    secret = _first_hit(operator, SECRETS)
    if secret is not None:
        out.append(SignalFinding(signal="asked_for_secrets", quotes=[secret[1]]))
    for p in operator:
        for s in p.sentences:
            if morph.find(s.tokens, "сайт") and morph.find_any(
                s.tokens, ["смотреть", "посмотреть", "найти", "зайти", "почитать", "глянуть"]
            ):
                out.append(
                    SignalFinding(signal="redirect_to_website", quotes=[_quote(p.line, s.text)])
                )
                return out
    return out
