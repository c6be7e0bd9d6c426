// «Звонки»: the list with filters and paging, and one call's page (transcript, per-turn timeline,
// recording, evaluation with quotes that jump to their line, errors).
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from './api.js';
import {
  ENGINES, ErrorText, METHOD_WORDS, engineLabel, evaluationFailureWords, fallbackWords, html, levelWords,
} from './ui.js';
import { OUTCOME, ENDED, fmtTime } from './call.js';

const STATUSES = ['starting', 'dialing', 'ringing', 'connected', 'completed', 'failed', 'no_answer', 'busy', 'rejected'];
const STATUS_WORDS = {
  starting: 'запуск', dialing: 'набор', ringing: 'звонок', connected: 'разговор', ...OUTCOME,
};
const FAILURE_SOURCE = {
  voximplant: 'Voximplant отказал в звонке',
  call: 'Звонок не состоялся',
  scenario: 'Сценарий завершил звонок до соединения',
  system: 'Итог звонка не дошёл до сервера (звонок потерян)',
};
const ITEM = { yes: 'да', partial: 'частично', no: 'нет', na: 'неприменимо' };
const dateTime = (iso) => (iso ? iso.slice(0, 19).replace('T', ' ') : '—');
const seconds = (ms) => (ms == null ? '—' : `${Math.round(ms / 1000)} с`);
const milli = (v) => (v == null ? '—' : `${v} мс`);

function query(filters, cursor) {
  const q = new URLSearchParams();
  for (const key of ['engine', 'persona', 'status']) if (filters[key]) q.set(key, filters[key]);
  for (const [key, value] of [['trainee', filters.trainee], ['team', filters.team]]) {
    if (value && value.trim()) q.append('label', `${key}:${value.trim()}`);
  }
  if (filters.since) q.set('since', filters.since);
  if (filters.until) q.set('until', filters.until);
  q.set('limit', String(filters.limit || 20));
  if (cursor) q.set('cursor', cursor);
  return q.toString();
}

export function CallsPage({ me }) {
  const [filters, setFilters] = useState({ engine: '', persona: '', status: '', trainee: '', team: '', since: '', until: '', limit: 20 });
  const [applied, setApplied] = useState(filters);
  const [pages, setPages] = useState([null]); // cursors of the pages seen, for «Назад»
  const [page, setPage] = useState(null);
  const [error, setError] = useState(null);
  const [loading, setLoading] = useState(false);
  const cursor = pages[pages.length - 1];

  useEffect(() => {
    let live = true;
    setLoading(true);
    api('GET', `/calls?${query(applied, cursor)}`)
      .then((p) => { if (live) { setPage(p); setError(null); } })
      .catch((e) => { if (live) setError(e); })
      .finally(() => { if (live) setLoading(false); });
    return () => { live = false; };
  }, [applied, cursor]);

  const set = (key) => (e) => setFilters({ ...filters, [key]: e.target.value });
  function apply(ev) {
    ev.preventDefault();
    setApplied(filters);
    setPages([null]);
  }

  return html`
    <section class="card" aria-labelledby="calls-title">
      <h2 id="calls-title">Звонки</h2>
      <form class="filters" onSubmit=${apply} aria-label="Фильтры">
        <label>Движок<select value=${filters.engine} onChange=${set('engine')}>
          <option value="">все</option>${ENGINES.map((e) => html`<option value=${e.id}>${e.label}</option>`)}</select></label>
        <label>Персона<select value=${filters.persona} onChange=${set('persona')}>
          <option value="">все</option>${me.personas.map((p) => html`<option value=${p.id}>${p.name}</option>`)}</select></label>
        <label>Статус<select value=${filters.status} onChange=${set('status')}>
          <option value="">все</option>${STATUSES.map((s) => html`<option value=${s}>${STATUS_WORDS[s] || s}</option>`)}</select></label>
        <label>Стажёр<input value=${filters.trainee} onInput=${set('trainee')} /></label>
        <label>Команда<input value=${filters.team} onInput=${set('team')} /></label>
        <label>С даты<input type="date" value=${filters.since} onInput=${set('since')} /></label>
        <label>По дату (не включая)<input type="date" value=${filters.until} onInput=${set('until')} /></label>
        <label>На странице<select value=${filters.limit} onChange=${set('limit')}>
          ${[10, 20, 50].map((n) => html`<option value=${n}>${n}</option>`)}</select></label>
        <button type="submit" class="primary">Показать</button>
      </form>
      <${ErrorText} error=${error} />
      <div class="table-wrap"><table class="calls" aria-busy=${loading ? 'true' : 'false'}>
        <thead><tr><th scope="col">Начат (UTC)</th><th scope="col">Движок</th><th scope="col">Персона</th>
          <th scope="col">Метки</th><th scope="col">Статус</th><th scope="col">Длит.</th><th scope="col">v2v p50</th><th scope="col">Оценка</th></tr></thead>
        <tbody>
          ${page && page.calls.length === 0 && html`<tr><td colspan="8" class="muted">Звонков с такими условиями нет.</td></tr>`}
          ${page && page.calls.map((c) => html`<tr>
            <td data-label="Начат"><a href=${`#/calls/${c.call_id}`}>${dateTime(c.created_at)}</a></td>
            <td data-label="Движок">${engineLabel(c.engine)}</td><td data-label="Персона">${c.persona || '—'}</td>
            <td data-label="Метки">${Object.entries(c.labels || {}).map(([k, v]) => html`<span class="badge">${k}: ${v}</span> `)}</td>
            <td data-label="Статус">${STATUS_WORDS[c.status] || c.status}</td><td data-label="Длит.">${seconds(c.duration_ms)}</td>
            <td data-label="v2v p50">${milli(c.voice_to_voice_p50_ms)}</td>
            <td data-label="Оценка">${c.evaluation && c.evaluation.operator_score != null ? `${c.evaluation.operator_score}/100` : '—'}</td>
          </tr>`)}
        </tbody>
      </table></div>
      <nav class="pager" aria-label="Страницы">
        <button type="button" disabled=${pages.length < 2} onClick=${() => setPages(pages.slice(0, -1))}>Назад</button>
        <span class="muted">Страница ${pages.length}</span>
        <button type="button" disabled=${!page || !page.next_cursor} onClick=${() => setPages([...pages, page.next_cursor])}>Дальше</button>
      </nav>
    </section>`;
}

function Quote({ q, jump }) {
  return html`<button type="button" class="quote" onClick=${() => jump(q)}>«${q.text}»</button>`;
}

function Evaluation({ evaluation, jump }) {
  if (!evaluation || evaluation.status === 'pending') return html`<p class="muted" role="status">Оценка готовится: она появится здесь после окончания звонка.</p>`;
  if (evaluation.status === 'failed') return html`<p class="error" title=${evaluation.reason}>Оценка не удалась: ${evaluationFailureWords(evaluation.reason)}.</p>`;
  const op = evaluation.operator;
  const cost = evaluation.cost;
  return html`
    ${op && html`
      <p><strong>Оператор: ${op.score}/100</strong> (${levelWords(op.level)})${op.raw_score !== op.score ? html` <span class="muted">до штрафов ${op.raw_score}</span>` : ''}</p>
      <div class="table-wrap"><table class="scorecard">
        <thead><tr><th scope="col">Пункт</th><th scope="col">Итог</th><th scope="col">Цитаты</th></tr></thead>
        <tbody>${op.checklist.map((item) => html`<tr>
          <td>${item.question}${item.critical ? html` <span class="badge">критичный</span>` : ''}</td>
          <td class=${`verdict ${item.status}`}>${ITEM[item.status] || item.status}${item.note ? html`<br /><span class="muted">${item.note}</span>` : ''}</td>
          <td>${item.quotes.map((q) => html`<${Quote} q=${q} jump=${jump} />`)}</td></tr>`)}</tbody>
      </table></div>
      ${op.issues.length > 0 && html`<h4>Замечания</h4><ul>${op.issues.map((i) => html`<li><strong>${i.title}</strong> — ${i.recommendation}
        ${i.quotes.map((q) => html` <${Quote} q=${q} jump=${jump} />`)}</li>`)}</ul>`}`}
    <p class="muted">Метод оценки: ${METHOD_WORDS[evaluation.method] || evaluation.method}${evaluation.model ? `, модель ${evaluation.model}` : ''}</p>
    <p>Верность персоне (клиент): <strong>${evaluation.client.fidelity ?? '—'}</strong>${evaluation.client.fidelity != null ? '/100' : ''}</p>
    <p>Стоимость: <strong>${typeof cost.total_usd === 'number' ? `$${cost.total_usd.toFixed(4)}` : `неизвестна (известная часть $${cost.known_usd.toFixed(4)})`}</strong>
      <span class="muted"> цены на ${cost.pricing_as_of}</span></p>`;
}

function Timeline({ turns }) {
  if (!turns.length) return html`<p class="muted">Замеров по ходам нет.</p>`;
  const max = Math.max(...turns.map((t) => t.voice_to_voice_ms || 0), 1);
  return html`
    <p class="muted">Конец речи оператора → запрос реплики → ответ бэкенда → первый звук клиента. Полоса — голос-в-голос;
      тёмная часть — запрос и ответ реплики (из них бэкенд и LLM), светлая — остальное (распознавание, синтез, сеть).</p>
    <ol class="timeline">${turns.map((t) => {
      const v2v = t.voice_to_voice_ms;
      const round = t.reply_roundtrip_ms;
      return html`<li>
        <span class="turn">ход ${t.turn}</span>
        <span class="bar" role="img" aria-label=${`голос-в-голос ${milli(v2v)}, реплика ${milli(round)}`}>
          ${v2v != null && html`<span class="whole" style=${`width:${(100 * v2v) / max}%`}>
            ${round != null && html`<span class="reply" style=${`width:${Math.min(100, (100 * round) / v2v)}%`}></span>`}</span>`}
        </span>
        <span class="figures">${milli(v2v)}; реплика ${milli(round)}; бэкенд ${milli(t.backend_ms)}; LLM ${milli(t.llm_ms)}${t.fallback ? '; запасной ответ' : ''}</span>
      </li>`;
    })}</ol>`;
}

export function CallDetail({ callId }) {
  const [call, setCall] = useState(null);
  const [error, setError] = useState(null);
  const [lit, setLit] = useState(null);
  const list = useRef(null);

  useEffect(() => {
    let live = true;
    let timer = null;
    async function load() {
      try {
        const c = await api('GET', `/call/${callId}`);
        if (!live) return;
        setCall(c);
        const running = !['completed', 'failed', 'no_answer', 'busy', 'rejected'].includes(c.status);
        const pending = !c.evaluation || c.evaluation.status === 'pending';
        if (running || pending) timer = setTimeout(load, 2000);
      } catch (e) {
        if (live) setError(e);
      }
    }
    load();
    return () => { live = false; clearTimeout(timer); };
  }, [callId]);

  function jump(q) {
    const lines = call.transcript;
    const index = lines.findIndex((l) => l.turn === q.turn && (!q.who || l.who === q.who) && l.text.includes(q.text.slice(0, 20)));
    const found = index >= 0 ? index : lines.findIndex((l) => l.turn === q.turn && (!q.who || l.who === q.who));
    if (found < 0) return;
    setLit(found);
    const el = list.current && list.current.children[found];
    if (el) { el.scrollIntoView({ block: 'center' }); el.focus(); }
  }

  if (error) return html`<section class="card"><h2>Звонок</h2><${ErrorText} error=${error} /><p><a href="#/calls">← Все звонки</a></p></section>`;
  if (!call) return html`<section class="card"><p class="muted">Загрузка…</p></section>`;
  const t0 = call.transcript.length ? call.transcript[0].t : 0;
  const s = call.summary || {};
  return html`
    <section class="card" aria-labelledby="detail-title">
      <p><a href="#/calls">← Все звонки</a></p>
      <h2 id="detail-title">Звонок ${engineLabel(call.engine)}: ${call.persona.name || call.persona.id}</h2>
      <dl class="facts">
        <dt>Идентификатор</dt><dd><code>${call.call_id}</code></dd>
        <dt>Статус</dt><dd>${STATUS_WORDS[call.status] || call.status}${call.end_reason ? `, ${ENDED[call.end_reason] || call.end_reason}` : ''}</dd>
        <dt>Начат (UTC)</dt><dd>${dateTime(call.created_at)}</dd>
        <dt>Длительность</dt><dd>${seconds(call.duration_ms)}</dd>
        <dt>Метки</dt><dd>${Object.entries(call.labels || {}).map(([k, v]) => html`<span class="badge">${k}: ${v}</span> `)}${Object.keys(call.labels || {}).length ? '' : '—'}</dd>
        <dt>Голос-в-голос</dt><dd>p50 ${milli(s.voice_to_voice_ms && s.voice_to_voice_ms.p50)}, p95 ${milli(s.voice_to_voice_ms && s.voice_to_voice_ms.p95)}</dd>
        <dt>Перебивания</dt><dd>${s.barge_ins ?? '—'}</dd>
        ${call.fallback_reason && html`<dt>Запасные ответы</dt><dd class="fallback" title=${call.fallback_reason}>${fallbackWords(call.fallback_reason)}</dd>`}
      </dl>
      <h3>Запись</h3>
      ${call.recording_url
        ? html`<audio controls preload="none" src=${call.recording_url}></audio><p><a href=${call.recording_url} rel="noreferrer">Скачать запись</a></p>`
        : html`<p class="muted">Записи нет.</p>`}
      <h3>Расшифровка</h3>
      <ol class="transcript detail" ref=${list} aria-label="Расшифровка">
        ${call.transcript.map((l, i) => html`<li tabindex="-1" class=${`line ${l.who}${lit === i ? ' lit' : ''}`}>
          <span class="time">${fmtTime(l.t - t0)}</span>
          <span class="who">${l.who === 'client' ? 'Клиент' : 'Оператор'}</span>
          <span class="text">${l.text}${l.cut ? html` <em class="tag">перебит</em>` : ''}${l.barge_in ? html` <em class="tag">перебивает</em>` : ''}</span>
          <span class="v2v"></span></li>`)}
      </ol>
      <h3>Ходы</h3>
      <${Timeline} turns=${call.turns || []} />
      <h3>Оценка</h3>
      <${Evaluation} evaluation=${call.evaluation} jump=${jump} />
      <h3>Ошибки</h3>
      ${(call.errors || []).length === 0 && !call.failure
        ? html`<p class="muted">Ошибок нет.</p>`
        : html`<ul class="errors">
            ${call.failure && html`<li>${FAILURE_SOURCE[call.failure.source] || call.failure.source}: <code>${call.failure.reason || call.failure.code}</code></li>`}
            ${(call.errors || []).map((e) => html`<li>Сценарий сообщил об ошибке (${e.where}${e.code ? `, ${e.code}` : ''}): <code>${e.message}</code></li>`)}</ul>`}
    </section>`;
}
