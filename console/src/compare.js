// «Сравнение»: GET /reports/compare for a batch, or a persona and period; one column per engine,
// the same figures and charts as `vclient report` (Chart.js, bundled; this chunk loads only here).
import { useEffect, useRef, useState } from 'preact/hooks';
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Title, Tooltip } from 'chart.js';
import { api } from './api.js';
import { ENDING_WORDS, ErrorText, engineLabel, html } from './ui.js';

/** The report's notes in Russian, chosen by its machine-readable ``timing`` (the API's English
 * sentences stay for the CLI). */
const TIMING_NOTE = {
  simulated: 'эмулятор VoxEngine с заданными задержками распознавания, синтеза и Realtime плюс настоящее время запросов к бэкенду; это не замер движков на телефонной линии',
  measured: 'замерено на настоящих звонках по меткам задержек сценариев',
};
const READING = 'Описательные цифры этих звонков. Разница между движками что-то значит, только если это подтверждают интервалы и парное сравнение; малые выборки отмечены.';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Title, Tooltip);
const COLOURS = { dialog: '#0b5cad', realtime: '#c7632b', realtime_pure: '#2b8a3e' };

const ms = (v) => (v == null ? '—' : `${Math.round(v)} мс`);
const pct = (s) => (s && s.pct != null ? `${s.n} (${s.pct} %)` : '—');
const usd = (v) => (typeof v === 'number' ? `$${v.toFixed(4)}` : 'неизвестно');
const interval = (i) => (i ? ` [${Math.round(i.low)}–${Math.round(i.high)}]` : '');
const score = (f) => (f && f.median != null ? `${Math.round(f.median)}${interval(f.median_interval)} (n=${f.n})` : `— (n=${f ? f.n : 0})`);

function BarChart({ id, title, labels, datasets, yTitle, max }) {
  const canvas = useRef(null);
  useEffect(() => {
    const chart = new Chart(canvas.current, {
      type: 'bar',
      data: { labels, datasets },
      options: {
        animation: false, responsive: true, maintainAspectRatio: false,
        plugins: { title: { display: true, text: title } },
        scales: { y: { beginAtZero: true, ...(max ? { max } : {}), ...(yTitle ? { title: { display: true, text: yTitle } } : {}) } },
      },
    });
    return () => chart.destroy();
  }, [JSON.stringify([labels, datasets])]);
  return html`<div class="chart"><canvas id=${id} ref=${canvas} role="img" aria-label=${title}></canvas></div>`;
}

function Report({ report }) {
  const engines = report.engines;
  const by = report.by_engine;
  const rows = [
    ['Звонков', (f) => f.calls],
    ['Дозвонились', (f) => pct(f.answered)],
    ['Завершены без сбоя', (f) => pct(f.completed)],
    ['Голос-в-голос p50 [95 %]', (f) => `${ms(f.voice_to_voice_ms.p50)}${interval(f.voice_to_voice_ms.p50_interval)}`],
    ['Голос-в-голос p90 / p95', (f) => `${ms(f.voice_to_voice_ms.p90)} / ${ms(f.voice_to_voice_ms.p95)}`],
    ['Первая реплика p50', (f) => ms(f.first_reply_ms.p50)],
    ['Бэкенд p50 / p95', (f) => `${ms(f.backend_ms.p50)} / ${ms(f.backend_ms.p95)}`],
    ['LLM p50 / p95', (f) => `${ms(f.llm_ms.p50)} / ${ms(f.llm_ms.p95)}`],
    ['Перебивания на звонок', (f) => f.barge_ins.per_call ?? '—'],
    ['Отклонения на звонок', (f) => f.deviations.per_call ?? '—'],
    ['Верность персоне, медиана', (f) => score(f.fidelity)],
    ['Оценка оператора, медиана', (f) => score(f.operator_score)],
    ['Концовки', (f) => Object.entries(f.endings).map(([k, v]) => `${ENDING_WORDS[k] || k}: ${v}`).join(', ')],
    ['Стоимость звонка / минуты', (f) => `${usd(f.cost.per_call_usd)} / ${usd(f.cost.per_minute_usd)}`],
  ];
  const h = report.voice_to_voice_histogram;
  const bins = h.edges.slice(0, -1).map((e, i) => `${e}–${h.edges[i + 1]}`);
  const metric = (key, pick) => engines.map((e) => pick(by[e][key]));
  const num = (v) => (typeof v === 'number' ? v : null);
  return html`
    <p class="muted">Звонков: ${report.calls}. Время: <strong>${report.timing === 'simulated' ? 'симулировано' : 'измерено'}</strong> — <span title=${report.timing_note}>${TIMING_NOTE[report.timing] || report.timing_note}</span></p>
    <div class="table-wrap"><table class="compare">
      <thead><tr><th scope="col">Показатель</th>${engines.map((e) => html`<th scope="col">${engineLabel(e)}</th>`)}</tr></thead>
      <tbody>${rows.map(([name, pick]) => html`<tr><th scope="row">${name}</th>${engines.map((e) => html`<td>${pick(by[e])}</td>`)}</tr>`)}</tbody>
    </table></div>
    <div class="charts">
      <${BarChart} id="chart-v2v" title=${`Голос-в-голос по ходам, мс (${report.timing === 'simulated' ? 'симуляция' : 'замер'})`} yTitle="ходов" labels=${bins}
        datasets=${engines.map((e) => ({ label: engineLabel(e), data: h.counts[e], backgroundColor: COLOURS[e] || '#888' }))} />
      <${BarChart} id="chart-quality" title="Качество, 0–100 (медианы; n в таблице)" max=${100} labels=${engines.map(engineLabel)}
        datasets=${[
          { label: 'верность персоне', data: metric('fidelity', (f) => f.median), backgroundColor: '#7a5cc7' },
          { label: 'оценка оператора', data: metric('operator_score', (f) => f.median), backgroundColor: '#c75c8e' },
        ]} />
      <${BarChart} id="chart-cost" title="Стоимость, USD (неизвестная — без столбца)" labels=${engines.map(engineLabel)}
        datasets=${[
          { label: 'за звонок', data: metric('cost', (c) => num(c.per_call_usd)), backgroundColor: '#5c8ec7' },
          { label: 'за минуту', data: metric('cost', (c) => num(c.per_minute_usd)), backgroundColor: '#9bb8dd' },
        ]} />
    </div>
    <p class="muted">${READING}</p>`;
}

export function ComparePage({ me, batchId }) {
  const [form, setForm] = useState({ batch: batchId || '', persona: '', since: '', until: '' });
  const [report, setReport] = useState(null);
  const [error, setError] = useState(null);
  const [loading, setLoading] = useState(false);

  async function load(f) {
    const q = new URLSearchParams();
    if (f.batch) q.set('batch', f.batch.trim());
    else {
      if (f.persona) q.set('persona', f.persona);
      if (f.since) q.set('since', f.since);
      if (f.until) q.set('until', f.until);
    }
    setLoading(true);
    setError(null);
    try {
      setReport(await api('GET', `/reports/compare?${q}`));
    } catch (e) {
      setError(e);
      setReport(null);
    } finally {
      setLoading(false);
    }
  }
  useEffect(() => { if (batchId) load({ ...form, batch: batchId }); }, [batchId]);
  const set = (key) => (e) => setForm({ ...form, [key]: e.target.value });

  return html`
    <section class="card" aria-labelledby="compare-title">
      <h2 id="compare-title">Сравнение</h2>
      <form class="filters" onSubmit=${(e) => { e.preventDefault(); load(form); }}>
        <label>Пакет<input value=${form.batch} onInput=${set('batch')} placeholder="идентификатор пакета" /></label>
        <label>или персона<select value=${form.persona} onChange=${set('persona')}>
          <option value="">—</option>${me.personas.map((p) => html`<option value=${p.id}>${p.name}</option>`)}</select></label>
        <label>С даты<input type="date" value=${form.since} onInput=${set('since')} /></label>
        <label>По дату (не включая)<input type="date" value=${form.until} onInput=${set('until')} /></label>
        <button type="submit" class="primary" disabled=${loading}>${loading ? 'Считаем…' : 'Показать'}</button>
      </form>
      <${ErrorText} error=${error} />
      ${report && html`<${Report} report=${report} />`}
    </section>`;
}
