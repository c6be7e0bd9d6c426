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
