// The console's shell: sign-in, the tabs a role may see, hash routes (#/call, #/settings).
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import './style.css';
import { api, loadSession, saveSession, signIn, whenSignedOut } from './api.js';
import { CallPage } from './call.js';
import { CallDetail, CallsPage } from './calls.js';
import { BatchesPage } from './batches.js';
import { SettingsPage } from './settings.js';
import { ErrorText, ROLE_WORDS, html } from './ui.js';

function SignIn({ onSignedIn }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [challenge, setChallenge] = useState(null);
  const [newPassword, setNewPassword] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);

  async function submit(ev) {
    ev.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const fields = challenge
        ? { username, new_password: newPassword, session: challenge }
        : { username, password };
      const s = await signIn(fields);
      saveSession(s);
      onSignedIn();
    } catch (e) {
      if (e.code === 'new_password_required') setChallenge(e.body.session);
      setError(e);
    } finally {
      setBusy(false);
    }
  }
  return html`
    <main class="signin">
      <form class="card" onSubmit=${submit} aria-labelledby="signin-title">
        <h1 id="signin-title">Виртуальный клиент</h1>
        <p class="muted">Войдите, чтобы звонить и смотреть звонки.</p>
        <div class="field"><label for="username">Имя пользователя</label>
          <input id="username" autocomplete="username" value=${username} onInput=${(e) => setUsername(e.target.value)} required /></div>
        ${challenge
          ? html`<div class="field"><label for="new-password">Новый пароль</label>
              <input id="new-password" type="password" autocomplete="new-password" value=${newPassword} onInput=${(e) => setNewPassword(e.target.value)} required /></div>`
          : html`<div class="field"><label for="password">Пароль</label>
              <input id="password" type="password" autocomplete="current-password" value=${password} onInput=${(e) => setPassword(e.target.value)} required /></div>`}
        <${ErrorText} error=${error} />
        <button type="submit" class="primary" disabled=${busy}>${busy ? 'Входим…' : 'Войти'}</button>
      </form>
    </main>`;
}

const TABS = [
  { id: 'call', title: 'Звонок', may: () => true },
  { id: 'calls', title: 'Звонки', may: () => true },
  { id: 'batches', title: 'Пакеты', may: () => true },
  { id: 'compare', title: 'Сравнение', may: () => true },
  { id: 'settings', title: 'Настройки', may: (me) => me.permissions.includes('change_routing') },
];

function route() {
  const [tab, id] = location.hash.replace(/^#\/?/, '').split('/');
  return { tab: tab || 'call', id: id || null };
}

/** «Сравнение» with its charts, loaded the first time the page opens (a separate chunk). */
function LazyCompare(props) {
  const [mod, setMod] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    import('./compare.js').then(setMod).catch(() => setError({ message: 'Не удалось загрузить страницу сравнения.' }));
  }, []);
  if (error) return html`<${ErrorText} error=${error} />`;
  return mod ? html`<${mod.ComparePage} ...${props} />` : html`<p class="muted">Загрузка…</p>`;
}

function App() {
  const [session, setSession] = useState(loadSession());
  const [me, setMe] = useState(null);
  const [error, setError] = useState(null);
  const [tab, setTab] = useState(route());

  useEffect(() => {
    whenSignedOut(() => { setSession(null); setMe(null); });
    const onHash = () => setTab(route());
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);

  async function loadMe() {
    try {
      setMe(await api('GET', '/me'));
      setError(null);
    } catch (e) {
      setError(e);
    }
  }
  useEffect(() => { if (session) loadMe(); }, [session]);

  if (!session) return html`<${SignIn} onSignedIn=${() => setSession(loadSession())} />`;
  if (!me) return html`<main class="page">${error ? html`<${ErrorText} error=${error} />` : html`<p class="muted">Загрузка…</p>`}</main>`;

  const tabs = TABS.filter((t) => t.may(me));
  const current = tabs.find((t) => t.id === tab.tab) ? tab.tab : 'call';
  function signOut() { saveSession(null); setSession(null); setMe(null); }
  return html`
    <header class="top">
      <span class="brand">Виртуальный клиент</span>
      <nav aria-label="Разделы"><ul>
        ${tabs.map((t) => html`<li><a href=${`#/${t.id}`} aria-current=${t.id === current ? 'page' : undefined}>${t.title}</a></li>`)}
      </ul></nav>
      <span class="who">${me.username} · ${ROLE_WORDS[me.role] || me.role}
        <button type="button" class="linklike" onClick=${signOut}>Выйти</button></span>
    </header>
    <main class="page">
      ${current === 'call' && html`<${CallPage} me=${me} />`}
      ${current === 'calls' && !tab.id && html`<${CallsPage} me=${me} />`}
      ${current === 'calls' && tab.id && html`<${CallDetail} key=${tab.id} callId=${tab.id} />`}
      ${current === 'batches' && html`<${BatchesPage} key=${tab.id || 'new'} me=${me} batchId=${tab.id} />`}
      ${current === 'compare' && html`<${LazyCompare} key=${tab.id || 'form'} me=${me} batchId=${tab.id} />`}
      ${current === 'settings' && html`<${SettingsPage} onChanged=${loadMe} />`}
    </main>`;
}

render(html`<${App} />`, document.getElementById('app'));
