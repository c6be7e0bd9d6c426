// «Настройки» (admin): the routing as it is now and the default-engine switch for everyone.
import { useEffect, useState } from 'preact/hooks';
import { api } from './api.js';
import { ENGINES, ErrorText, engineLabel, html } from './ui.js';

export function SettingsPage({ onChanged }) {
  const [data, setData] = useState(null);
  const [error, setError] = useState(null);
  const [choice, setChoice] = useState(null);
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState('');

  async function load() {
    try {
      const d = await api('GET', '/settings');
      setData(d);
      setChoice(d.default_engine);
    } catch (e) {
      setError(e);
    }
  }
  useEffect(() => { load(); }, []);

  async function save(ev) {
    ev.preventDefault();
    setSaving(true);
    setError(null);
    setSaved('');
    try {
      const d = await api('PUT', '/settings/default_engine', { engine: choice });
      setData(d);
      setSaved(`Движок по умолчанию теперь «${engineLabel(d.default_engine)}».`);
      onChanged();
    } catch (e) {
      setError(e);
    } finally {
      setSaving(false);
    }
  }

  if (!data) return html`<section class="card"><h2>Настройки</h2>${error ? html`<${ErrorText} error=${error} />` : html`<p class="muted">Загрузка…</p>`}</section>`;
  return html`
    <section class="card" aria-labelledby="settings-title">
      <h2 id="settings-title">Настройки</h2>
      <h3>Маршрутизация сейчас</h3>
      <div class="table-wrap"><table>
        <thead><tr><th scope="col">Движок</th><th scope="col">Правило Voximplant</th><th scope="col">Сценарий</th></tr></thead>
        <tbody>
          ${ENGINES.map((e) => {
            const r = data.engines[e.id];
            return html`<tr><th scope="row">${e.label}${e.id === data.default_engine ? html` <span class="badge">по умолчанию</span>` : ''}</th>
              <td>${r ? r.rule : html`<span class="error">не настроено</span>`}${r && r.application_name ? html` <span class="muted">(${r.application_name})</span>` : ''}</td>
              <td>${r ? r.scenario_name : '—'}</td></tr>`;
          })}
        </tbody>
      </table></div>
      <dl class="facts">
        <dt>Разрешённые направления</dt><dd>${data.allowed_prefixes.join(', ') || 'никакие'}</dd>
        <dt>Номер по умолчанию</dt><dd>${data.default_caller_id || 'не задан'}</dd>
        <dt>Предел длительности</dt><dd>${data.max_call_duration_s} с</dd>
      </dl>
      <form onSubmit=${save}>
        <fieldset class="field">
          <legend>Движок по умолчанию для всех (${data.parameter})</legend>
          ${ENGINES.map((e) => html`<label class="radio"><input type="radio" name="default-engine" value=${e.id}
            checked=${choice === e.id} onChange=${() => setChoice(e.id)} /> ${e.label}</label>`)}
        </fieldset>
        <button type="submit" class="primary" disabled=${saving || choice === data.default_engine}>${saving ? 'Сохраняем…' : 'Сохранить'}</button>
        <p role="status" class="ok">${saved}</p>
        <${ErrorText} error=${error} />
      </form>
      <h3>Кто и когда менял</h3>
      ${data.history.length === 0 ? html`<p class="muted">Из консоли ещё ничего не меняли.</p>` : html`
        <div class="table-wrap"><table class="history">
          <thead><tr><th scope="col">Когда (UTC)</th><th scope="col">Кто</th><th scope="col">Было</th><th scope="col">Стало</th></tr></thead>
          <tbody>${data.history.map((h) => html`<tr><td>${h.at.replace('T', ' ').replace('+00:00', '')}</td><td>${h.who}</td>
            <td>${engineLabel(h.old)}</td><td>${engineLabel(h.new)}</td></tr>`)}</tbody>
        </table></div>`}
    </section>`;
}
