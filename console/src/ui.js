import { h } from 'preact';
import htm from 'htm';

export const html = htm.bind(h);

export const ENGINES = [
  { id: 'dialog', label: 'Наш LLM' },
  { id: 'realtime', label: 'OpenAI Realtime (гибрид)' },
  { id: 'realtime_pure', label: 'OpenAI Realtime (чистый, только промпт)' },
];
export const engineLabel = (id) => (ENGINES.find((e) => e.id === id) || { label: id }).label;

export const ROLE_WORDS = { admin: 'администратор', trainer: 'тренер', viewer: 'наблюдатель' };

/** An error in words, next to what caused it. */
export function ErrorText({ error, id }) {
  if (!error) return null;
  const detail = error.detail && error.detail !== error.message ? ` (${error.detail})` : '';
  return html`<p class="error" id=${id} role="alert">${error.message}${detail}</p>`;
}

/** The persona checker's messages (shared with the CLI, in English) in Russian where known. */
const PROBLEM_WORDS = [
  [/^required field is missing$/, () => 'обязательное поле не задано'],
  [/^Field required$/, () => 'обязательное поле не задано'],
  [/^(unknown field|Extra inputs are not permitted)$/, () => 'неизвестное поле'],
  [/^Input should be a valid list/, () => 'должно быть списком'],
  [/^Input should be a valid string/, () => 'должно быть строкой'],
  [/^Input should be a valid integer/, () => 'должно быть целым числом'],
  [/^Input should be a valid number/, () => 'должно быть числом'],
  [/^Input should be a valid boolean/, () => 'должно быть true или false'],
  [/^Input should be a valid dictionary/, () => 'должно быть набором строк «ключ: значение»'],
  [/^Input should be (.+)$/, (m) => `допустимые значения: ${m[1]}`],
  [/^List should have at least (\d+) items? after validation, not (\d+)$/, (m) => `нужно хотя бы ${m[1]} (сейчас ${m[2]})`],
  [/^List should have at most (\d+) items? after validation, not (\d+)$/, (m) => `не больше ${m[1]} (сейчас ${m[2]})`],
  [/^String should have at least (\d+) characters?$/, (m) => `не короче ${m[1]} символов`],
  [/^String should have at most (\d+) characters?$/, (m) => `не длиннее ${m[1]} символов`],
  [/^duplicate id (.+)$/, (m) => `id ${m[1]} повторяется`],
  [/^duplicate key (.+)$/, (m) => `ключ ${m[1]} повторяется`],
  [/^invalid YAML: (.+)$/, (m) => `YAML не разобран: ${m[1]}`],
  [/^a persona must be a YAML mapping/, () => 'персона — это YAML со строками «ключ: значение»'],
  [/^the persona is empty$/, () => 'персона пуста'],
];

export function problemWords(message) {
  for (const [pattern, words] of PROBLEM_WORDS) {
    const m = pattern.exec(message);
    if (m) return words(m);
  }
  return message;
}
