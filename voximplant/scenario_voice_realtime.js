/**
 * Virtual client, engine `realtime` (hybrid): the backend decides every line, OpenAI Realtime voices it.
 *
 * Run by the Voximplant rule `voice_realtime`, bound after `lib_call` and `lib_realtime`
 * (voximplant/rules.json): the call skeleton and the Realtime plumbing are theirs; this file holds
 * only the hybrid engine and registers its hooks with `defineRealtimeEngine`.
 *
 * Every operator turn is keyed by its input audio item (`speech_stopped.item_id`). The backend gets
 * the item's transcription (waited for up to TRANSCRIPT_WAIT_MS, since it may come before or after
 * the response) in preference to the model's own `operator_said`, and both are sent. Two modes,
 * by `session.realtime.hybrid_mode` (the backend's SSM `realtime/hybrid_mode`):
 *   tool    (default) the model calls `get_reply` after each utterance (`tool_choice: "required"`
 *           on the session); the scenario POSTs the turn, returns `{reply, end_call}` as the
 *           `function_call_output` and sends the backend's `realtime_response` (say exactly).
 *   direct  no tool, `create_response: false`: on the item's transcription the scenario POSTs the
 *           turn itself and sends `realtime_response` (one model pass per turn fewer).
 * A spoken response that the scenario did not request and that no `get_reply` preceded (the model
 * answered by itself, said a preamble, reacted to noise) is cut (clearMediaBuffer + cancel),
 * posted as a `deviation` event with its text, and the turn still goes to the backend. An utterance
 * with no words (noise) is no turn. Operator silence for `limits.silence_timeout_s` becomes an
 * empty-text turn (the backend reprompts, and ends the call itself after too many). `end_call` →
 * hang up after the last audio; the reply's `ending` (`silence`, `max_duration`) becomes the
 * `ended` reason, any other ending is `end_call`.
 *
 * Custom data (VoxEngine.customData(), at most 200 bytes, no phone number, no secret):
 *   {"id": "<call_id>", "api": "<API base URL>", "tok": "<per-call bearer token>"}
 * Backend contract: docs/scenario-contract.md. Session: `dialog_url`, `first_line`,
 * `realtime {session_update, first_response, hybrid_mode?, key_source, api_key | secret_name}`.
 */
const TRANSCRIPT_WAIT_MS = 1500; // after the tool call (or speech end, direct): the item's transcription
const DIRECT_TRANSCRIPT_WAIT_MS = 3000;

let hybridMode = 'tool';
let turn = 0; // the last operator turn sent to the backend
let replyBusy = false;
const pendingItems = []; // operator items heard and not yet part of a turn
const collecting = []; // turns waiting for their items' transcriptions: {items, said, callId, timer}
const turnQueue = []; // collected turns waiting for the reply in flight: {text, said, callId, endAt}

defineRealtimeEngine({
  name: 'realtime',
  checkSession,
  currentTurn: () => turn,
  isBusy: () => replyBusy || turnQueue.length > 0 || collecting.length > 0,
  onSpeechStarted: () => {},
  onOperatorItem,
  onTranscription,
  onFunctionCall,
  onUnrequestedAudio,
  onSilence,
  onStop,
});

/** Return a problem with the session, or '' when it is usable. */
function checkSession(s) {
  for (const k of ['dialog_url', 'first_line']) {
    if (typeof s[k] !== 'string' || !s[k]) return `session.${k} is missing`;
  }
  if (!s.realtime.first_response || typeof s.realtime.first_response !== 'object') return 'session.realtime.first_response is missing';
  hybridMode = s.realtime.hybrid_mode === 'direct' ? 'direct' : 'tool';
  return '';
}

/** An operator utterance ended: direct mode asks for its text now; tool mode waits for get_reply. */
function onOperatorItem(item) {
  pendingItems.push(item);
  if (hybridMode === 'direct') collect(pendingItems.splice(0), '', null, DIRECT_TRANSCRIPT_WAIT_MS);
}

function onTranscription(item) {
  collecting.filter((c) => c.items.indexOf(item) >= 0).forEach(checkCollected);
}

/** The model called get_reply: the turn is every item heard since the last one. */
function onFunctionCall(fc) {
  if (fc.name !== 'get_reply') {
    log(`unexpected tool ${fc.name}`);
    answerCall(fc.call_id, { error: 'unknown tool' });
    return;
  }
  if (ending) return;
  let said = '';
  try {
    const args = JSON.parse(fc.arguments || '{}');
    if (args && typeof args.operator_said === 'string') said = args.operator_said.trim();
  } catch (e) {
    log(`get_reply arguments are not JSON: ${fc.arguments}`);
  }
  clearTimeout(silenceTimer);
  collect(pendingItems.splice(0), said, fc.call_id, TRANSCRIPT_WAIT_MS);
}

/** The model spoke without get_reply: cut it (lib_realtime posts the deviation); the turn goes on. */
function onUnrequestedAudio() {
  if (!ending && pendingItems.length) collect(pendingItems.splice(0), '', null, TRANSCRIPT_WAIT_MS);
  return true;
}

function answerCall(callId, output) {
  client.conversationItemCreate({ item: { type: 'function_call_output', call_id: callId, output: JSON.stringify(output) } });
}

/** Wait (at most waitMs) for the items' transcriptions, then make the turn. */
function collect(items, said, callId, waitMs) {
  const c = { items, said, callId, timer: null };
  collecting.push(c);
  c.timer = setTimeout(guard('transcription wait', () => collected(c)), waitMs);
  checkCollected(c);
}

function checkCollected(c) {
  if (c.items.every((i) => i.transcribed)) collected(c);
}

function collected(c) {
  const at = collecting.indexOf(c);
  if (at < 0) return;
  collecting.splice(at, 1);
  clearTimeout(c.timer);
  if (finishing || ending) return;
  const heard = c.items.map((i) => i.text).filter((t) => t).join(' ');
  const text = heard || c.said;
  if (!text) {
    log('an utterance without words (noise): no turn');
    if (c.callId) answerCall(c.callId, { reply: '', end_call: false });
    armSilence();
    return;
  }
  const last = c.items[c.items.length - 1];
  turnQueue.push({ text, said: c.said, callId: c.callId, endAt: last ? last.endAt : null });
  nextReply();
}

function nextReply() {
  if (replyBusy || turnQueue.length === 0 || finishing || ending) return;
  const t = turnQueue.shift();
  turn += 1;
  postEvent('transcript', { who: 'operator', text: t.text, turn });
  askBackend(turn, t);
}

/** The operator was silent: an empty-text turn; the backend answers with a reprompt. */
function onSilence() {
  turn += 1;
  log(`operator silent ${limits.silence_timeout_s} s: empty turn ${turn}`);
  askBackend(turn, { text: '', said: '', callId: null, endAt: null });
}

async function askBackend(turnNo, t) {
  replyBusy = true;
  if (pendingMark) {
    postTurn(pendingMark);
    pendingMark = null;
  }
  const mark = { turn: turnNo, speech_end_at: t.endAt, reply_requested_at: Date.now(), reply_received_at: null, audio_started_at: null, text: t.text, operator_said: t.said };
  const body = { turn: turnNo, text: t.text };
  if (t.said && contractAtLeast(2)) body.operator_said = t.said; // the model's rendering, stored beside the transcription
  if (connectedAt !== null) body.connected_at = connectedAt; // the backend's call clock starts here
  if (t.endAt) body.speech_end_at = t.endAt;
  const res = await requestWithRetry(session.dialog_url, 'POST', body, limits.reply_timeout_s);
  replyBusy = false;
  if (finishing || ending) {
    postTurn(mark);
    return;
  }
  mark.reply_received_at = Date.now();
  const answer = isOk(res) ? jsonOf(res) : null;
  if (!answer || typeof answer.reply !== 'string') {
    postTurn(mark);
    log(`reply failed: ${res.code} ${res.error}`);
    postEvent('error', { where: 'reply', code: res.code, message: res.error || `HTTP ${res.code}` });
    apologize('backend_error');
    return;
  }
  for (const k of ['backend_ms', 'llm_ms']) if (typeof answer[k] === 'number') mark[k] = answer[k];
  if (typeof answer.fallback === 'boolean') mark.fallback = answer.fallback;
  const endCall = Boolean(answer.end_call);
  if (t.callId) answerCall(t.callId, { reply: answer.reply, end_call: endCall });
  if (!endCall && turnQueue.length) {
    // The operator went on while we waited: this reply is stale, answer the newest words instead.
    postTurn(mark);
    nextReply();
    return;
  }
  if (!answer.reply) {
    postTurn(mark);
    if (endCall) finish(endReasonOf(answer), 'client');
    else armSilence();
    return;
  }
  const rr = answer.realtime_response && typeof answer.realtime_response === 'object' ? withoutType(answer.realtime_response) : {};
  if (endCall) {
    turnQueue.length = 0;
    endAfterAudio(endReasonOf(answer), 'client', null);
  }
  voiceLine(rr, answer.reply, turnNo, mark, endCall);
}

/** The call is ending: what the operator said that never became a turn still goes to the transcript. */
function onStop() {
  const unsent = pendingItems.splice(0);
  collecting.splice(0).forEach((c) => {
    clearTimeout(c.timer);
    unsent.push(...c.items);
  });
  turnQueue.splice(0).forEach((t) => unsent.push({ text: t.text }));
  unsent.filter((i) => i.text).forEach((i) => postEvent('transcript', { who: 'operator', text: i.text, turn: turn + 1 }));
}
