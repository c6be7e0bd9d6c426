// «Пакеты»: start a batch (persona, engines, targets, pacing, window), watch it, pause/resume/cancel.
import { useEffect, useState } from 'preact/hooks';
import { api } from './api.js';
import { ENGINES, ErrorText, engineLabel, html, itemReasonWords } from './ui.js';
import { OUTCOME, numberProblem } from './call.js';

const OUTCOMES = { ...OUTCOME, cancelled: 'отменён' };

const BATCH_STATE = { queued: 'в очереди', running: 'идёт', paused: 'на паузе', done: 'завершён', cancelled: 'отменён' };
const ITEM_STATE = { queued: 'в очереди', waiting: 'ждёт', dialing: 'набор', live: 'разговор', done: 'готово', cancelled: 'отменён' };
const DAYS = [['mon', 'пн'], ['tue', 'вт'], ['wed', 'ср'], ['thu', 'чт'], ['fri', 'пт'], ['sat', 'сб'], ['sun', 'вс']];
const FINAL = new Set(['done', 'cancelled']);

function BatchForm({ me, onStarted }) {
  const [persona, setPersona] = useState((me.personas[0] || {}).id);
  const [engines, setEngines] = useState(ENGINES.map((e) => e.id));
  const [targets, setTargets] = useState('');
  const [repeats, setRepeats] = useState(1);
  const [concurrent, setConcurrent] = useState(2);
  const [interval, setInterval_] = useState(5);
  const [useWindow, setUseWindow] = useState(false);
  const [windowSpec, setWindowSpec] = useState({ timezone: 'Europe/Moscow', from: '09:00', to: '18:00', days: ['mon', 'tue', 'wed', 'thu', 'fri'] });
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const numbers = targets.split(/[\s,;]+/).map((t) => t.trim()).filter(Boolean);
  const total = numbers.length * engines.length * repeats;
  const [touched, setTouched] = useState(false);
  // Every number checked as «Звонок» checks one (E.164, the allowlist), before anything is sent.
  const wrong = numbers.map((n) => [n, numberProblem(n, me.allowed_prefixes)]).filter(([, p]) => p);
  const why = (n) => (/^\+[1-9]\d{7,14}$/.test(n) ? 'не из разрешённых направлений' : 'не в формате E.164');
  const targetsProblem = !numbers.length ? 'Введите хотя бы один номер.'
    : wrong.length ? `Не подходят: ${wrong.map(([n]) => `${n} — ${why(n)}`).join('; ')}. `
      + `Номер — «+», код страны и цифры; звонить можно только на ${(me.allowed_prefixes || []).join(', ')}.` : '';

  const toggle = (list, value) => (list.includes(value) ? list.filter((v) => v !== value) : [...list, value]);
  async function submit(ev) {
    ev.preventDefault();
    setTouched(true);
    if (targetsProblem) return;
    setBusy(true);
    setError(null);
    try {
      const body = {
        persona, engines, targets: numbers.map((to) => ({ to })), repeats: Number(repeats),
        max_concurrent: Number(concurrent), start_interval_s: Number(interval),
        ...(useWindow ? { window: windowSpec } : {}),
      };
      onStarted(await api('POST', '/batches', body));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }
  return html`
    <form class="card" onSubmit=${submit} aria-labelledby="batch-title" novalidate>
      <h2 id="batch-title">Новый пакет</h2>
      <div class="field"><label for="batch-persona">Персона</label>
        <select id="batch-persona" value=${persona} onChange=${(e) => setPersona(e.target.value)}>
          ${me.personas.map((p) => html`<option value=${p.id}>${p.name} (${p.id})</option>`)}</select></div>
      <fieldset class="field"><legend>Движки</legend>
        ${ENGINES.map((e) => html`<label class="radio"><input type="checkbox" checked=${engines.includes(e.id)}
          onChange=${() => setEngines(toggle(engines, e.id))} /> ${e.label}</label>`)}</fieldset>
      <div class="field"><label for="batch-targets">Номера операторов (через запятую или с новой строки)</label>
        <textarea id="batch-targets" rows="3" value=${targets} onInput=${(e) => setTargets(e.target.value)}
          onBlur=${() => setTouched(true)} aria-invalid=${touched && targetsProblem ? 'true' : 'false'}
          aria-describedby="batch-targets-error batch-total"></textarea>
        ${touched && targetsProblem && html`<p class="error" id="batch-targets-error">${targetsProblem}</p>`}
        ${error && error.field && error.field.startsWith('targets') && html`<${ErrorText} error=${error} id="batch-targets-error" />`}
        <p class="muted" id="batch-total">Звонков в пакете: ${total} (номера × движки × повторы; не больше 300)</p></div>
      <div class="field triple">
        <div><label for="batch-repeats">Повторы</label><input id="batch-repeats" type="number" min="1" max="20" value=${repeats} onInput=${(e) => setRepeats(e.target.value)} /></div>
        <div><label for="batch-concurrent">Одновременно</label><input id="batch-concurrent" type="number" min="1" max="20" value=${concurrent} onInput=${(e) => setConcurrent(e.target.value)} /></div>
        <div><label for="batch-interval">Пауза между стартами, с</label><input id="batch-interval" type="number" min="0" max="3600" value=${interval} onInput=${(e) => setInterval_(e.target.value)} /></div>
      </div>
      <fieldset class="field"><legend>Окно звонков</legend>
        <label class="radio"><input type="checkbox" checked=${useWindow} onChange=${() => setUseWindow(!useWindow)} /> звонить только в заданные часы</label>
        ${useWindow && html`<div class="triple">
          <div><label for="batch-tz">Часовой пояс</label><input id="batch-tz" value=${windowSpec.timezone} onInput=${(e) => setWindowSpec({ ...windowSpec, timezone: e.target.value })} /></div>
          <div><label for="batch-from">С</label><input id="batch-from" value=${windowSpec.from} onInput=${(e) => setWindowSpec({ ...windowSpec, from: e.target.value })} /></div>
          <div><label for="batch-to">До</label><input id="batch-to" value=${windowSpec.to} onInput=${(e) => setWindowSpec({ ...windowSpec, to: e.target.value })} /></div>
        </div>
        <div class="days">${DAYS.map(([d, w]) => html`<label class="radio"><input type="checkbox" checked=${windowSpec.days.includes(d)}
          onChange=${() => setWindowSpec({ ...windowSpec, days: toggle(windowSpec.days, d) })} /> ${w}</label>`)}</div>`}
      </fieldset>
      ${!(error && error.field && error.field.startsWith('targets')) && html`<${ErrorText} error=${error} />`}
      <button type="submit" class="primary" disabled=${busy}>${busy ? 'Запускаем…' : 'Запустить пакет'}</button>
    </form>`;
}

function BatchView({ batchId, canAct }) {
  const [batch, setBatch] = useState(null);
  const [error, setError] = useState(null);
  const [actionError, setActionError] = useState(null);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    let live = true;
    let timer = null;
    async function load() {
      try {
        const b = await api('GET', `/batches/${batchId}`);
        if (!live) return;
        setBatch(b);
        setError(null);
        if (FINAL.has(b.state)) return;
      } catch (e) {
        if (live) setError(e);
      }
      timer = setTimeout(load, 1500);
    }
    load();
    return () => { live = false; clearTimeout(timer); };
  }, [batchId, tick]);

  async function act(action) {
    setActionError(null);
    try {
      await api('POST', `/batches/${batchId}/${action}`, {});
      setTick(tick + 1);
    } catch (e) {
      setActionError(e);
    }
  }
  if (!batch) return html`<section class="card">${error ? html`<${ErrorText} error=${error} />` : html`<p class="muted">Загрузка…</p>`}</section>`;
  const byState = (batch.counts && batch.counts.by_state) || {};
  return html`
    <section class="card" aria-labelledby="batch-view-title">
      <h2 id="batch-view-title">Пакет <code>${batchId}</code></h2>
      <p role="status" class="status" data-state=${batch.state}>Состояние: <strong>${BATCH_STATE[batch.state] || batch.state}</strong>;
        сейчас в разговоре: ${batch.live ?? 0}</p>
      <p class="muted">${Object.entries(byState).map(([s, n]) => `${ITEM_STATE[s] || s}: ${n}`).join(' · ')}</p>
      ${canAct && html`<div class="actions">
        ${['queued', 'running'].includes(batch.state) && html`<button type="button" onClick=${() => act('pause')}>Пауза</button>`}
        ${batch.state === 'paused' && html`<button type="button" onClick=${() => act('resume')}>Продолжить</button>`}
        ${!FINAL.has(batch.state) && html`<button type="button" class="danger" onClick=${() => act('cancel')}>Отменить</button>`}
      </div>`}
      <${ErrorText} error=${actionError} />
      <p><a href=${`#/compare/${batchId}`}>Сравнение движков по этому пакету →</a></p>
      <div class="table-wrap"><table class="batch-items">
        <thead><tr><th scope="col">#</th><th scope="col">Номер</th><th scope="col">Движок</th><th scope="col">Состояние</th>
          <th scope="col">Попытка</th><th scope="col">Итог</th><th scope="col">Звонки</th></tr></thead>
        <tbody>${(batch.items || []).map((item, i) => html`<tr>
          <td data-label="#">${(item.index ?? i) + 1}</td><td data-label="Номер">${item.to}</td><td data-label="Движок">${engineLabel(item.engine)}</td>
          <td data-label="Состояние">${ITEM_STATE[item.state] || item.state}${item.reason ? html` <span class="muted reason" title=${item.reason}>(${itemReasonWords(item.reason, OUTCOMES)})</span>` : ''}</td>
          <td data-label="Попытка">${item.attempt ?? '—'}</td><td data-label="Итог">${item.outcome ? OUTCOMES[item.outcome] || item.outcome : '—'}</td>
          <td data-label="Звонки">${(item.calls || []).map((id) => html`<a href=${`#/calls/${id}`}>${id.slice(0, 8)}</a> `)}</td></tr>`)}</tbody>
      </table></div>
    </section>`;
}

export function BatchesPage({ me, batchId }) {
  const canAct = me.permissions.includes('place_calls');
  if (batchId) return html`<${BatchView} key=${batchId} batchId=${batchId} canAct=${canAct} />`;
  if (!canAct) return html`<section class="card"><h2>Пакеты</h2><p class="note">Запускать пакеты могут тренеры и администраторы.</p></section>`;
  return html`<${BatchForm} me=${me} onStarted=${(b) => { location.hash = `#/batches/${b.batch_id}`; }} />`;
}
