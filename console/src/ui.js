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

/** The scorecard's level ids (API values) in Russian; a scorecard's own level keeps its id. */
export const LEVEL_WORDS = { good: 'хорошо', average: 'средне', acceptable: 'приемлемо', poor: 'слабо' };
export const levelWords = (id) => LEVEL_WORDS[id] || id;

export const METHOD_WORDS = { heuristic: 'по правилам, без LLM', llm: 'LLM-судья' };

/** Why the scenario ended the call (the call's ``end_reason``). */
export const ENDED = {
  end_call: 'клиент попрощался', operator_hangup: 'оператор положил трубку', max_duration: 'истекло время звонка',
  silence: 'долгое молчание', backend_error: 'ошибка бэкенда', socket_closed: 'OpenAI закрыл соединение',
  failed: 'сбой сценария', stopped: 'завершён из консоли',
};

/** How the dialog ended (the summary's ``ending``; the end reason when the dialog did not say). */
export const ENDING_WORDS = {
  ...ENDED,
  success: 'все темы разобраны', goodbye: 'попрощались', max_turns: 'лимит ходов', max_duration: 'лимит времени',
  hang_up: 'клиент положил трубку', silence: 'молчание', none: 'не записано',
};

/** Words for the backend's English sentences (kept machine-readable in the API), by pattern. */
function translate(table, text) {
  if (!text) return text;
  for (const [pattern, words] of table) {
    const m = pattern.exec(text);
    if (m) return words(m);
  }
  return null;
}

/** Why the scripted responder answered instead of the text model (logic/reply.py). */
const FALLBACK_WORDS = [
  [/^no OpenAI key/, () => 'нет ключа OpenAI в секрете стека openai-api-key — отвечал сценарный ответчик'],
  [/^the text model gave no answer within (\d+) ms \(SSM (\S+)\)/, (m) => `текстовая модель не ответила за ${m[1]} мс (параметр SSM ${m[2]})`],
  [/^OpenAI has no model (.+) \(SSM (\S+)\)/, (m) => `у OpenAI нет модели ${m[1]} (параметр SSM ${m[2]})`],
  [/^OpenAI refused the key/, () => 'OpenAI отклонил ключ из секрета стека openai-api-key'],
  [/^OpenAI rate limit/, () => 'превышен лимит запросов или квота OpenAI'],
  [/^OpenAI could not be reached/, () => 'OpenAI недоступен'],
  [/^OpenAI rejected the request for (.+) \(/, (m) => `OpenAI отклонил запрос к модели ${m[1]} (проверьте модель и effort)`],
  [/^the text model's answer was unusable \((.+)\)/, (m) => `ответ текстовой модели не годится (${m[1]})`],
];
export const fallbackWords = (reason) => translate(FALLBACK_WORDS, reason) || `запасной ответ: ${reason}`;

/** Why an evaluation failed (logic/evaluate_call.py, verdict/llm_judge.py). */
const EVALUATION_WORDS = [
  [/^judge_error/, () => 'LLM-судья не ответил'],
  [/^(malformed|unknown item|items omitted|item |signal )/, () => 'ответ LLM-судьи не разобран'],
];
export const evaluationFailureWords = (reason) => translate(EVALUATION_WORDS, reason) || 'техническая причина (подробности — в подсказке)';

/** A batch item's reason for waiting (logic/batches.py). */
export function itemReasonWords(reason, outcomeWords) {
  if (!reason) return '';
  if (reason === 'window') return 'ждёт окна звонков';
  if (reason.startsWith('voximplant_backoff')) return 'Voximplant просит подождать';
  const retry = /^retry after (\w+)/.exec(reason);
  if (retry) return `повтор: ${outcomeWords[retry[1]] || retry[1]}`;
  return reason;
}
