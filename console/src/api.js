// The console's HTTP client: its own origin only, the Cognito ID token in Authorization,
// every error turned into Russian words next to the field that caused it.
const root = document.getElementById('app');
export const BASE = (root && root.dataset.base) || '/console';
const API = `${BASE}/api`;
const STORE = 'vclient.console.session';

export function loadSession() {
  try { return JSON.parse(sessionStorage.getItem(STORE) || 'null'); } catch { return null; }
}
export function saveSession(s) {
  if (s) sessionStorage.setItem(STORE, JSON.stringify(s)); else sessionStorage.removeItem(STORE);
}

/** Russian words for the API's error codes (the API's own sentence is kept as detail). */
const WORDS = {
  sign_in_failed: 'Неверное имя пользователя или пароль.',
  new_password_required: 'Задайте новый пароль, чтобы войти.',
  password_rejected: 'Пароль не подходит: не короче 12 символов, строчные и заглавные буквы и цифра.',
  unauthorized: 'Сессия истекла — войдите снова.',
  role_forbidden: 'Вашей роли это не разрешено.',
  destination_not_allowed: 'Этот номер не входит в разрешённые направления.',
  validation_error: 'Проверьте поле',
  invalid_json: 'Запрос не разобран сервером.',
  not_found: 'Не найдено.',
  conflict: 'Сейчас это невозможно',
  voximplant_error: 'Voximplant отказал в звонке',
  voximplant_unavailable: 'Voximplant сейчас недоступен, попробуйте позже.',
  voximplant_timeout: 'Voximplant не ответил вовремя; звонок мог начаться.',
  configuration_error: 'Стенд настроен не полностью',
  openai_not_configured: 'Не настроен ключ OpenAI.',
  payload_too_large: 'Слишком большой запрос.',
  gateway_error: 'Ошибка шлюза API.',
  route_not_found: 'Нет такого адреса API.',
  internal_error: 'Ошибка на стороне сервера; она записана в журнал.',
};

/** Codes whose Russian words need the API's own sentence after them (which field, which rule). */
const WITH_DETAIL = new Set(['validation_error', 'conflict', 'voximplant_error', 'configuration_error']);

export class ApiError extends Error {
  constructor(status, body) {
    const code = (body && body.code) || 'network';
    const words = WORDS[code] || (status === 0 ? 'Нет связи с сервером.' : `Ошибка ${status}.`);
    super(words);
    this.status = status;
    this.code = code;
    this.field = body && body.field;
    this.detail = WITH_DETAIL.has(code) || !WORDS[code] ? body && body.message : '';
    this.body = body || {};
  }
}

let onSignedOut = () => {};
export function whenSignedOut(fn) { onSignedOut = fn; }

async function send(method, path, body, token) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = token;
  if (method === 'POST' && path === '/call') headers['Idempotency-Key'] = (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random());
  let res;
  try {
    res = await fetch(API + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, null);
  }
  let data = null;
  try { data = await res.json(); } catch { data = null; }
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}

let refreshing = null;
async function refreshed(session) {
  if (!session || !session.refresh_token) return null;
  refreshing = refreshing || send('POST', '/session', { refresh_token: session.refresh_token })
    .then((s) => { const next = { ...session, ...s, refresh_token: s.refresh_token || session.refresh_token }; saveSession(next); return next; })
    .catch(() => null)
    .finally(() => { refreshing = null; });
  return refreshing;
}

/** A call with the signed-in user's token; one refresh on a 401, then sign-out. */
export async function api(method, path, body) {
  const session = loadSession();
  try {
    return await send(method, path, body, session && session.id_token);
  } catch (e) {
    if (e.status !== 401) throw e;
    const next = await refreshed(session);
    if (!next) { saveSession(null); onSignedOut(); throw e; }
    return send(method, path, body, next.id_token);
  }
}

export function signIn(fields) {
  return send('POST', '/session', fields);
}
