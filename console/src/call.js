// «Звонок»: number, engine, persona, «Позвонить»; then the call live until «завершён».
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from './api.js';
import { ENDED, ENGINES, ErrorText, engineLabel, html, problemWords } from './ui.js';

export { ENDED };

const E164 = /^\+[1-9]\d{7,14}$/;
const POLL_MS = 700;
export const STEPS = ['набор', 'звонок', 'разговор', 'завершён'];
const FINAL = new Set(['completed', 'failed', 'no_answer', 'busy', 'rejected']);
export const OUTCOME = {
  completed: 'разговор состоялся', failed: 'ошибка', no_answer: 'не ответили', busy: 'занято', rejected: 'отклонён',
};

export function stepOf(status) {
  if (FINAL.has(status)) return 3;
  if (status === 'connected') return 2;
  if (status === 'ringing') return 1;
  return 0;
}

export function numberProblem(number, prefixes) {
  if (!number) return 'Введите номер.';
  if (!E164.test(number)) return 'Номер в формате E.164: «+», код страны и цифры, например +79161234567.';
  if (prefixes && !prefixes.some((p) => number.startsWith(p))) {
    return `Этот номер не разрешён: звонить можно только на ${prefixes.join(', ')}.`;
  }
  return '';
}

function PersonaField({ me, persona, setPersona }) {
  const [text, setText] = useState('');
  const [fileName, setFileName] = useState('');
  const [check, setCheck] = useState(null);
  const [error, setError] = useState(null);
  const area = useRef(null);
  const own = persona.kind === 'yaml';

  async function validate(value) {
    setError(null);
    try {
      const result = await api('POST', '/persona/check', { yaml: value });
      setCheck(result);
      setPersona(result.ok ? { kind: 'yaml', value: result.persona, ok: true } : { kind: 'yaml', ok: false });
    } catch (e) {
      setError(e);
      setPersona({ kind: 'yaml', ok: false });
    }
  }
  useEffect(() => {
    if (!own || !text.trim()) return undefined;
    const t = setTimeout(() => validate(text), 400);
    return () => clearTimeout(t);
  }, [text, own]);

  function jump(line) {
    const el = area.current;
    if (!el || !line) return;
    const lines = el.value.split('\n');
    const start = lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0);
    el.focus();
    el.setSelectionRange(start, start + (lines[line - 1] || '').length);
  }
  async function upload(ev) {
    const file = ev.target.files && ev.target.files[0];
    if (!file) return;
    setFileName(file.name);
    setText(await file.text());
  }

  return html`
    <div class="field">
      <label for="persona">Персона</label>
      <select id="persona" value=${own ? '__yaml' : persona.value}
        onChange=${(e) => (e.target.value === '__yaml'
          ? setPersona({ kind: 'yaml', ok: false }) : setPersona({ kind: 'bundled', value: e.target.value, ok: true }))}>
        ${me.personas.map((p) => html`<option value=${p.id}>${p.name} (${p.id})</option>`)}
        <option value="__yaml">Своя: вставить или загрузить YAML</option>
      </select>
      ${own && html`
        <div class="yaml">
          <textarea ref=${area} id="persona-yaml" rows="12" spellcheck="false" aria-label="Персона в YAML"
            aria-describedby="persona-check" placeholder="id: my_persona&#10;name: Иван&#10;…"
            value=${text} onInput=${(e) => setText(e.target.value)}></textarea>
          <div class="upload">
            <input type="file" id="persona-file" accept=".yaml,.yml,text/yaml" onChange=${upload} />
            <label for="persona-file">Загрузить файл YAML…</label>
            <span class="muted" id="persona-file-name">${fileName || 'файл не выбран'}</span>
          </div>
          <div id="persona-check" aria-live="polite">
            ${check && check.ok && html`<p class="ok">Персона в порядке: ${check.name} (${check.id}).</p>`}
            ${check && !check.ok && html`
              <ul class="problems">
                ${check.problems.map((p) => html`<li>
                  <button type="button" class="linklike" onClick=${() => jump(p.line)}>
                    ${p.line ? `строка ${p.line}` : 'файл'}</button>${p.field ? ` — ${p.field}` : ''}: <span title=${p.message}>${problemWords(p.message)}</span></li>`)}
              </ul>`}
            <${ErrorText} error=${error} />
          </div>
        </div>`}
    </div>`;
}

function Live({ start, onAgain, canStop }) {
  const [call, setCall] = useState(null);
  const [error, setError] = useState(null);
  const [stopError, setStopError] = useState(null);
  const [stopping, setStopping] = useState(false);
  const list = useRef(null);
  const status = call ? call.status : start.status;
  const done = FINAL.has(status);

  useEffect(() => {
    let live = true;
    let timer = null;
    async function poll() {
      try {
        const c = await api('GET', `/call/${start.call_id}`);
        if (!live) return;
        setCall(c);
        setError(null);
        if (FINAL.has(c.status)) return;
      } catch (e) {
        if (!live) return;
        setError(e);
      }
      timer = setTimeout(poll, POLL_MS);
    }
    poll();
    return () => { live = false; clearTimeout(timer); };
  }, [start.call_id]);

  const lines = (call && call.transcript) || [];
  useEffect(() => {
    const el = list.current;
    if (el && el.scrollHeight - el.scrollTop - el.clientHeight < 120) el.scrollTop = el.scrollHeight;
  }, [lines.length]);

  async function stop() {
    setStopping(true);
    setStopError(null);
    try {
      await api('POST', `/call/${start.call_id}/hangup`, {});
    } catch (e) {
      setStopError(e);
      setStopping(false);
    }
  }

  const v2v = {};
  for (const t of (call && call.turns) || []) v2v[t.turn] = t.voice_to_voice_ms;
  const t0 = lines.length ? lines[0].t : 0;
  const step = stepOf(status);
  const outcome = done ? `${OUTCOME[status] || status}${call && call.end_reason ? `, ${ENDED[call.end_reason] || call.end_reason}` : ''}` : '';

  return html`
    <section class="live" aria-labelledby="live-title">
      <h2 id="live-title">Звонок ${engineLabel(start.engine)}</h2>
      <p class="muted">Идентификатор звонка: <code>${start.call_id}</code></p>
      <ol class="steps" aria-label="Статус звонка">
        ${STEPS.map((s, i) => html`<li class=${i < step ? 'past' : i === step ? 'now' : ''} aria-current=${i === step ? 'step' : undefined}>${s}</li>`)}
      </ol>
      <p class="status" role="status" data-status=${status}>Статус: <strong>${STEPS[step]}</strong>${outcome && html` — ${outcome}`}</p>
      <${ErrorText} error=${error} />
      <ol class="transcript" ref=${list} aria-live="polite" aria-label="Расшифровка">
        ${lines.length === 0 && html`<li class="muted placeholder">Реплики появятся здесь, как только начнётся разговор.</li>`}
        ${lines.map((l) => html`
          <li class=${`line ${l.who}`}>
            <span class="time">${fmtTime(l.t - t0)}</span>
            <span class="who">${l.who === 'client' ? 'Клиент' : 'Оператор'}</span>
            <span class="text">${l.text}${l.cut ? html` <em class="tag">перебит</em>` : ''}${l.barge_in ? html` <em class="tag">перебивает</em>` : ''}</span>
            <span class="v2v" title="голос-в-голос: конец речи оператора → первый звук клиента">${l.who === 'client' && v2v[l.turn] != null ? `${v2v[l.turn]} мс` : ''}</span>
          </li>`)}
      </ol>
      <p class="muted summary">${summaryText(call)}</p>
      <div class="actions">
        ${!done && canStop && html`<button type="button" class="danger" onClick=${stop} disabled=${stopping}>${stopping ? 'Завершаем…' : 'Завершить'}</button>`}
        ${done && html`<button type="button" onClick=${onAgain}>Новый звонок</button>
          <a class="button-like" href=${`#/calls/${start.call_id}`}>Разбор звонка</a>`}
      </div>
      <${ErrorText} error=${stopError} />
    </section>`;
}

const ms = (v) => (v == null ? '—' : `${v} мс`);

/** One line under the transcript, always there (empty until known) so nothing below it moves. */
function summaryText(call) {
  const s = call && call.summary;
  if (!s || !s.voice_to_voice_ms) return '\u00a0';
  return `Голос-в-голос: p50 ${ms(s.voice_to_voice_ms.p50)}, p95 ${ms(s.voice_to_voice_ms.p95)}; ходов: ${s.turns}`;
}

export function fmtTime(ms) {
  const s = Math.max(0, Math.round(ms / 1000));
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

export function CallPage({ me }) {
  const canCall = me.permissions.includes('place_calls');
  const [to, setTo] = useState('');
  const [touched, setTouched] = useState(false);
  const [engine, setEngine] = useState(me.default_engine);
  const [persona, setPersona] = useState({ kind: 'bundled', value: (me.personas[0] || {}).id, ok: true });
  const [trainee, setTrainee] = useState('');
  const [team, setTeam] = useState('');
  const [error, setError] = useState(null);
  const [sending, setSending] = useState(false);
  const [started, setStarted] = useState(null);

  useEffect(() => setEngine(me.default_engine), [me.default_engine]);
  const problem = numberProblem(to.trim(), me.allowed_prefixes);

  async function submit(ev) {
    ev.preventDefault();
    setTouched(true);
    if (problem) return;
    if (!persona.ok) {
      setError({ message: 'Персона не прошла проверку: исправьте ошибки в YAML выше.' });
      return;
    }
    setSending(true);
    setError(null);
    try {
      const labels = {};
      if (trainee.trim()) labels.trainee = trainee.trim();
      if (team.trim()) labels.team = team.trim();
      const body = { to: to.trim(), scenario: engine, persona: persona.value, labels };
      setStarted(await api('POST', '/call', body));
    } catch (e) {
      setError(e);
    } finally {
      setSending(false);
    }
  }

  if (started) return html`<${Live} start=${started} canStop=${canCall} onAgain=${() => setStarted(null)} />`;
  const fieldError = error && error.field;
  return html`
    <form class="card" onSubmit=${submit} novalidate aria-labelledby="call-title">
      <h2 id="call-title">Звонок</h2>
      <div class="field">
        <label for="to">Номер оператора</label>
        <input id="to" type="tel" inputmode="tel" autocomplete="off" placeholder="+79161234567" value=${to}
          aria-invalid=${touched && problem ? 'true' : 'false'} aria-describedby="to-error"
          onInput=${(e) => setTo(e.target.value)} onBlur=${() => setTouched(true)} />
        ${touched && problem && html`<p class="error" id="to-error">${problem}</p>`}
        ${fieldError === 'to' && html`<${ErrorText} error=${error} id="to-error" />`}
      </div>
      <fieldset class="field">
        <legend>Движок</legend>
        ${ENGINES.map((e) => html`
          <label class="radio"><input type="radio" name="engine" value=${e.id} checked=${engine === e.id}
            onChange=${() => setEngine(e.id)} /> ${e.label}${e.id === me.default_engine ? html` <span class="muted">(по умолчанию)</span>` : ''}</label>`)}
      </fieldset>
      <${PersonaField} me=${me} persona=${persona} setPersona=${setPersona} />
      <div class="field pair">
        <div><label for="trainee">Стажёр (метка trainee)</label>
          <input id="trainee" value=${trainee} maxlength="100" onInput=${(e) => setTrainee(e.target.value)} /></div>
        <div><label for="team">Команда (метка team)</label>
          <input id="team" value=${team} maxlength="100" onInput=${(e) => setTeam(e.target.value)} /></div>
      </div>
      ${error && fieldError !== 'to' && html`<${ErrorText} error=${error} />`}
      ${canCall
        ? html`<button type="submit" class="primary" disabled=${sending}>${sending ? 'Звоним…' : 'Позвонить'}</button>`
        : html`<p class="note" id="viewer-note">Ваша роль — ${me.role === 'viewer' ? 'наблюдатель' : me.role}: звонить могут тренеры и администраторы.</p>`}
    </form>`;
}
