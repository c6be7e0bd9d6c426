/**
 * Virtual client, engine `realtime` (hybrid): the backend decides every line, OpenAI Realtime voices it.
 *
 * Run by the Voximplant rule `voice_realtime` (StartScenarios). The scenario reads its session from
 * the backend, dials the operator, records the call (stereo) and on answer connects an OpenAI
 * Realtime client (GA): `VoxEngine.sendMediaBetween(call, client)`, the backend's `session.update`
 * body, then `first_response` to say the pre-generated first line. After each operator utterance
 * the model calls the `get_reply` tool; the scenario POSTs `operator_said` (or the latest input
 * transcription) to the backend's reply endpoint, returns `{reply, end_call}` as the
 * `function_call_output` and sends the backend's `realtime_response` so the model says the reply.
 * Only one response is active at a time: a response.create waits for ResponseDone. Operator speech
 * over the client's audio flushes it (`client.clearMediaBuffer()`, barge-in). Operator silence for
 * `limits.silence_timeout_s` becomes an empty-text turn (the backend reprompts, and ends the call
 * itself after too many). `end_call` → hang up after the last audio.
 *
 * Custom data (VoxEngine.customData(), at most 200 bytes, no phone number, no secret):
 *   {"id": "<call_id>", "api": "<API base URL>", "tok": "<per-call bearer token>"}
 * Backend contract: docs/scenario-contract.md. The OpenAI key is the session's ephemeral key
 * (`realtime.key_source: "ephemeral"`) or the application secret `realtime.secret_name`.
 *
 * Every way out (operator hangup, call failure, end_call, backend failure, OpenAI socket closed,
 * max duration, scenario error) closes the OpenAI client, hangs the call up, posts `ended` last,
 * flushes the events and calls VoxEngine.terminate(). When OpenAI is gone or the backend fails the
 * client apologises with Voximplant TTS (`call.say`, voice `session.tts_voice`, a path under VoiceList;
 * `TBank.ru_RU_Dima` when the session names none) before hanging up: never dead air.
 * The reply answer's `ending` (`silence`, `max_duration`) becomes the `ended` reason of an
 * `end_call`; any other ending (success, goodbye, max_turns, hang_up) is `end_call`.
 */
require(Modules.OpenAI);

const ENGINE = 'realtime';

// ==== shared skeleton: identical in scenario_voice_dialog.js, scenario_voice_realtime.js and
// ==== scenario_voice_realtime_pure.js (VoxEngine scenarios cannot import each other).
const SESSION_TIMEOUT_S = 10;
const CONNECT_TIMEOUT_S = 4;
const EVENTS_TIMEOUT_S = 5;
const EVENTS_BATCH_MAX = 50;
const EVENTS_MAX_ATTEMPTS = 3;
const EVENTS_RETRY_MS = 1000;
const EVENTS_COALESCE_MS = 400; // events within this window go in one batch
const FLUSH_WAIT_MS = 10000;
const ANSWER_GRACE_S = 2;
const DEFAULT_LIMITS = { max_duration_s: 300, silence_timeout_s: 8, max_reprompts: 2, reply_timeout_s: 6, answer_timeout_s: 60 };
const DEFAULT_APOLOGY = 'Извините, у меня проблемы со связью. Перезвоню позже. До свидания.';

/** @type {{id: string, api: string, tok: string} | null} custom data */
let data = null;
/** The backend's session (docs/scenario-contract.md); null until fetched. */
let session = null;
let limits = DEFAULT_LIMITS;
let call = null;
let callState = 'none'; // none | dialing | connected | ended
let connectedAt = null;
let finishing = false; // a way out has started: no new work
/** @type {{reason: string, hangupBy: string} | null} the last line is being spoken */
let ending = null;
/** The dialog ending the client reached (success, goodbye, …) when known: sent with `ended`. */
let endingKind = null;
let answerTimer = null;
let maxDurationTimer = null;
let gaveUpRinging = false;
let ringingPosted = false;
// events: batches to event_url, one request in flight, seq per call, `ended` last
let eventsUrl = null;
let seq = 0;
let endedPosted = false;
const outbox = [];
let eventsInFlight = 0; // events of outbox[0..n) being sent now
let eventsAttempts = 0;
let eventsRetryTimer = null;
let eventsCoalesceTimer = null;
let terminatingSeen = false;
let lastBatchSent = false;
const drainWaiters = [];

function log(msg) {
  Logger.write(`[${ENGINE}] ${msg}`);
}

function num(v, dflt, min) {
  return typeof v === 'number' && isFinite(v) && v >= (min || 0) && (v > 0 || min === 0) ? v : dflt;
}

function isOk(res) {
  return res.code >= 200 && res.code < 300;
}

function retryable(code) {
  return code <= 0 || code >= 500 || code === 409 || code === 429;
}

function jsonOf(res) {
  try {
    const v = JSON.parse(res.text);
    return v && typeof v === 'object' ? v : null;
  } catch (e) {
    return null;
  }
}

/** One request to the backend; never throws. Resolves to {code, text, error}. */
async function request(url, method, payload, timeoutS) {
  const headers = { Authorization: `Bearer ${data.tok}` };
  const opts = { method, headers, timeout: timeoutS, connectionTimeout: Math.min(CONNECT_TIMEOUT_S, timeoutS) };
  if (payload !== undefined) {
    headers['Content-Type'] = 'application/json';
    opts.postData = JSON.stringify(payload);
  }
  try {
    const res = await Net.httpRequestAsync(url, opts);
    return { code: res.code, text: res.text || '', error: res.error || '' };
  } catch (e) {
    return { code: -1, text: '', error: String(e) };
  }
}

/** A request retried once on a transport error, 5xx, 409 or 429 (the backend dedupes by turn). */
async function requestWithRetry(url, method, payload, timeoutS) {
  const res = await request(url, method, payload, timeoutS);
  if (isOk(res) || !retryable(res.code) || finishing) return res;
  log(`${method} ${url} failed (${res.code} ${res.error}): one retry`);
  return request(url, method, payload, timeoutS);
}

/** Queue one event for the backend; `ended` is the last one ever posted. */
function postEvent(type, fields) {
  if (endedPosted) {
    log(`event ${type} after ended: dropped`);
    return;
  }
  seq += 1;
  outbox.push(Object.assign({ seq, type, t: Date.now() }, fields || {}));
  if (type === 'ended') endedPosted = true;
  if (finishing || terminatingSeen) {
    pumpEvents();
  } else if (eventsCoalesceTimer === null) {
    eventsCoalesceTimer = setTimeout(() => {
      eventsCoalesceTimer = null;
      pumpEvents();
    }, EVENTS_COALESCE_MS);
  }
}

function eventsDrained() {
  return outbox.length === 0 && eventsInFlight === 0;
}

function notifyDrained() {
  if (!eventsDrained()) return;
  drainWaiters.splice(0).forEach((w) => w());
}

/** Send the next batch unless one is in flight (VoxEngine allows 3 requests; /reply needs one). */
function pumpEvents() {
  if (terminatingSeen) {
    sendLastBatch();
    return;
  }
  if (eventsInFlight || eventsRetryTimer !== null || !eventsUrl || outbox.length === 0) return;
  const batch = outbox.slice(0, EVENTS_BATCH_MAX);
  eventsInFlight = batch.length;
  request(eventsUrl, 'POST', { events: batch }, EVENTS_TIMEOUT_S).then((res) => {
    eventsInFlight = 0;
    eventsAttempts += 1;
    if (isOk(res) || !retryable(res.code) || eventsAttempts >= EVENTS_MAX_ATTEMPTS || terminatingSeen) {
      if (!isOk(res)) log(`events ${batch[0].seq}..${batch[batch.length - 1].seq} dropped (${res.code} ${res.error})`);
      outbox.splice(0, batch.length);
      eventsAttempts = 0;
    } else {
      eventsRetryTimer = setTimeout(() => {
        eventsRetryTimer = null;
        pumpEvents();
      }, EVENTS_RETRY_MS * eventsAttempts);
      return;
    }
    notifyDrained();
    pumpEvents();
  });
}

/** After AppEvents.Terminating exactly one more HTTP request is allowed: everything left, at once. */
function sendLastBatch() {
  if (lastBatchSent || !eventsUrl) return;
  const rest = outbox.slice(eventsInFlight);
  if (rest.length === 0) return;
  lastBatchSent = true;
  outbox.splice(eventsInFlight);
  request(eventsUrl, 'POST', { events: rest }, EVENTS_TIMEOUT_S).then((res) => {
    if (!isOk(res)) log(`last events batch failed (${res.code} ${res.error})`);
  });
}

/** Resolves when every queued event is sent (or after maxMs). */
function whenDrained(maxMs) {
  return new Promise((resolve) => {
    if (eventsDrained()) {
      resolve();
      return;
    }
    const timer = setTimeout(() => {
      log(`events not drained in ${maxMs} ms: the rest goes after Terminating`);
      resolve();
    }, maxMs);
    drainWaiters.push(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Post the latency marks of one operator turn (once; unknown marks are null). */
function postTurn(mark) {
  if (!mark || mark.posted) return;
  mark.posted = true;
  const ev = { turn: mark.turn };
  for (const k of ['speech_end_at', 'reply_requested_at', 'reply_received_at', 'audio_started_at']) {
    ev[k] = typeof mark[k] === 'number' ? mark[k] : null;
  }
  for (const k of ['backend_ms', 'llm_ms', 'fallback']) if (mark[k] !== undefined) ev[k] = mark[k];
  postEvent('turn', ev);
}

function hangupCall() {
  if (call && (callState === 'dialing' || callState === 'connected')) {
    callState = 'ended';
    call.hangup();
  }
}

/** The one way out: stop the engine, hang up, post `ended`, flush, terminate. */
function finish(reason, hangupBy) {
  if (finishing) return;
  finishing = true;
  log(`finish: ${reason} (hangup by ${hangupBy})`);
  clearTimeout(answerTimer);
  clearTimeout(maxDurationTimer);
  try {
    stopEngine();
  } catch (e) {
    log(`stopEngine failed: ${e}`);
  }
  hangupCall();
  const endedFields = { reason, hangup_by: hangupBy, duration_ms: connectedAt === null ? 0 : Date.now() - connectedAt };
  if (endingKind && /^[a-z_]{1,32}$/.test(endingKind)) endedFields.ending = endingKind;
  postEvent('ended', endedFields);
  whenDrained(FLUSH_WAIT_MS).then(() => VoxEngine.terminate());
}

/** Wrap a listener: an exception ends the call cleanly instead of leaving it hanging. */
function guard(label, fn) {
  const fail = (e) => {
    log(`${label} failed: ${e && e.stack ? e.stack : e}`);
    if (finishing) return;
    postEvent('error', { where: 'scenario', message: `${label}: ${e && e.message ? e.message : e}` });
    finish('failed', 'system');
  };
  return (ev) => {
    try {
      const r = fn(ev);
      if (r && typeof r.then === 'function') r.catch(fail);
    } catch (e) {
      fail(e);
    }
  };
}

/** Walk a platform namespace by a dotted path ("Google.ru_RU" under ASRProfileList). */
function platformValue(root, path) {
  return String(path).split('.').reduce((o, k) => o[k], root);
}

async function start() {
  try {
    data = JSON.parse(VoxEngine.customData());
  } catch (e) {
    data = null;
  }
  if (!data || typeof data.id !== 'string' || typeof data.api !== 'string' || typeof data.tok !== 'string') {
    log('bad custom data: expected {"id", "api", "tok"}');
    VoxEngine.terminate();
    return;
  }
  eventsUrl = `${data.api}/call/${data.id}/events`;
  const res = await requestWithRetry(`${data.api}/call/${data.id}/session`, 'GET', undefined, SESSION_TIMEOUT_S);
  const body = isOk(res) ? jsonOf(res) : null;
  const problem = body ? checkSession(body) : `session request failed (${res.code} ${res.error})`;
  if (problem) {
    log(problem);
    postEvent('error', { where: 'session', code: res.code, message: problem });
    finish('backend_error', 'system');
    return;
  }
  session = body;
  eventsUrl = session.event_url;
  const l = session.limits || {};
  limits = {};
  Object.keys(DEFAULT_LIMITS).forEach((k) => { limits[k] = num(l[k], DEFAULT_LIMITS[k], k === 'max_reprompts' ? 0 : undefined); });
  postEvent('session_started', { engine: ENGINE });
  prepareEngine();
  call = VoxEngine.callPSTN(session.to, session.caller_id);
  callState = 'dialing';
  call.addEventListener(CallEvents.Ringing, guard('Ringing', () => {
    if (ringingPosted || finishing) return;
    ringingPosted = true;
    postEvent('ringing');
  }));
  call.addEventListener(CallEvents.Connected, guard('Connected', onConnectedCommon));
  call.addEventListener(CallEvents.Failed, guard('Failed', (e) => {
    callState = 'ended';
    if (finishing) return;
    const code = gaveUpRinging ? 408 : e.code;
    const reason = gaveUpRinging ? `no answer in ${limits.answer_timeout_s} s` : String(e.reason || '');
    postEvent('failed', { code, reason });
    finish('failed', code === 486 || code === 603 ? 'operator' : 'system');
  }));
  call.addEventListener(CallEvents.Disconnected, guard('Disconnected', () => {
    callState = 'ended';
    if (finishing) return;
    finish(ending ? ending.reason : 'operator_hangup', 'operator');
  }));
  call.addEventListener(CallEvents.RecordStarted, guard('RecordStarted', (e) => {
    if (!finishing) postEvent('recording', { url: e.url });
  }));
  postEvent('dialing');
  answerTimer = setTimeout(guard('answer timer', () => {
    if (callState !== 'dialing' || finishing) return;
    log('no answer: giving up');
    gaveUpRinging = true;
    call.hangup();
  }), (limits.answer_timeout_s + ANSWER_GRACE_S) * 1000);
}

function onConnectedCommon() {
  if (finishing) return;
  callState = 'connected';
  connectedAt = Date.now();
  clearTimeout(answerTimer);
  postEvent('connected');
  maxDurationTimer = setTimeout(guard('max duration', () => finish('max_duration', 'system')), limits.max_duration_s * 1000);
  if (session.record) call.record({ stereo: true });
  return onConnected();
}

VoxEngine.addEventListener(AppEvents.Started, guard('Started', start));

VoxEngine.addEventListener(AppEvents.Terminating, () => {
  terminatingSeen = true;
  if (!finishing && data) {
    // The platform ends the session on its own (a limit): report it with the one request left.
    finishing = true;
    try {
      stopEngine();
    } catch (e) {
      log(`stopEngine failed: ${e}`);
    }
    postEvent('ended', { reason: 'failed', hangup_by: 'system', duration_ms: connectedAt === null ? 0 : Date.now() - connectedAt });
  }
  sendLastBatch();
});
// ==== end of shared skeleton

// ==== shared realtime section: identical in scenario_voice_realtime.js and
// ==== scenario_voice_realtime_pure.js (the OpenAI Realtime plumbing of both engines).
const SESSION_UPDATE_TIMEOUT_MS = 8000;
// WebSocketMediaEnded comes 1 s after the last audio. When it comes this long after a
// clearMediaBuffer(), audio was still playing when the operator spoke: a real barge-in.
const BARGE_IN_GAP_MS = 850;
const FINAL_AUDIO_GRACE_MS = 1500;
const ENDING_SAFETY_MS = 30000;
const APOLOGY_SAFETY_MS = 20000;
const MAX_RESPONSE_RETRIES = 3;
const ACTIVE_RESPONSE = 'conversation_already_has_active_response';
// The apology is the one line VoxEngine speaks itself (call.say): in session.tts_voice (a path under
// VoiceList); a session without it (or with a voice this platform lacks) gets this one.
const DEFAULT_TTS_VOICE = 'TBank.ru_RU_Dima';

let client = null;
let clientClosed = false;
let sessionReady = false;
let sessionTimer = null;
let mediaPlaying = false;
let responseActive = false; // ResponseCreated seen, ResponseDone not yet
let awaitingCreated = false; // our response.create is not answered yet
const responseQueue = []; // client events waiting for the active response: {body, final}
let lastSent = null;
let responseRetries = 0;
const doneResponses = {};
const audioResponses = {};
let finalResponseId = null;
let finalDone = false;
let finalGraceTimer = null;
let endTimer = null;
let heldLines = []; // client lines whose audio may still be playing: {text, turn}
/** @type {{text: string, turn: number, transcribed: boolean} | null} the line the model was asked to say */
let voicing = null;
let bargeAt = null;
let bargeTurn = 0;
let silenceTimer = null;
let pendingMark = null; // latency marks waiting for WebSocketMediaStarted
let speechEndAt = null;
let lastTranscript = '';
const itemTurns = {};
let apologyLine = null; // {text, turn} while call.say speaks the apology
let apologyVoice = null; // VoiceList value, resolved before dialing

/** A client event without its `type` (VoxEngine senders take it that way). */
function withoutType(ev) {
  const out = {};
  Object.keys(ev || {}).forEach((k) => { if (k !== 'type') out[k] = ev[k]; });
  return out;
}

/** Resolve session.tts_voice (fallback DEFAULT_TTS_VOICE) before dialing: the apology must not fail. */
function resolveApologyVoice() {
  const path = typeof session.tts_voice === 'string' && session.tts_voice ? session.tts_voice : DEFAULT_TTS_VOICE;
  try {
    apologyVoice = platformValue(VoiceList, path);
  } catch (e) {
    apologyVoice = undefined;
  }
  if (!apologyVoice) {
    log(`session.tts_voice ${path} is not in VoiceList: the apology uses ${DEFAULT_TTS_VOICE}`);
    apologyVoice = platformValue(VoiceList, DEFAULT_TTS_VOICE);
  }
}

function checkRealtimeSession(s) {
  const rt = s.realtime;
  if (!rt || !rt.session_update || !rt.session_update.session || typeof rt.session_update.session !== 'object') {
    return 'session.realtime.session_update.session is missing';
  }
  if (rt.key_source === 'ephemeral' ? typeof rt.api_key !== 'string' : typeof rt.secret_name !== 'string') {
    return `session.realtime has no key for key_source ${rt.key_source}`;
  }
  return '';
}

async function connectRealtime() {
  call.addEventListener(CallEvents.PlaybackFinished, guard('PlaybackFinished', onApologySaid));
  const rt = session.realtime;
  const apiKey = rt.key_source === 'ephemeral' ? rt.api_key : VoxEngine.getSecretValue(rt.secret_name);
  if (!apiKey) {
    realtimeUnavailable(`no OpenAI key (key_source ${rt.key_source})`);
    return;
  }
  const params = { apiKey, onWebSocketClose: guard('onWebSocketClose', onSocketClose) };
  if (rt.model) params.model = rt.model;
  let c;
  try {
    c = await OpenAI.createRealtimeAPIClient(params);
  } catch (e) {
    realtimeUnavailable(`connect failed: ${e && e.message ? e.message : e}`);
    return;
  }
  if (finishing || ending) {
    c.close();
    return;
  }
  client = c;
  const E = OpenAI.RealtimeAPIEvents;
  client.addEventListener(E.SessionUpdated, guard('SessionUpdated', onSessionUpdated));
  client.addEventListener(E.Error, guard('Realtime.Error', onRealtimeError));
  client.addEventListener(E.ResponseCreated, guard('ResponseCreated', onResponseCreated));
  client.addEventListener(E.ResponseDone, guard('ResponseDone', onResponseDone));
  client.addEventListener(E.ResponseOutputItemDone, guard('ResponseOutputItemDone', onOutputItemDone));
  client.addEventListener(E.ResponseOutputAudioTranscriptDone, guard('TranscriptDone', onClientTranscript));
  client.addEventListener(E.InputAudioBufferSpeechStarted, guard('SpeechStarted', onSpeechStarted));
  client.addEventListener(E.InputAudioBufferSpeechStopped, guard('SpeechStopped', onSpeechStopped));
  client.addEventListener(E.ConversationItemInputAudioTranscriptionCompleted, guard('TranscriptionCompleted', onOperatorTranscript));
  client.addEventListener(OpenAI.Events.WebSocketMediaStarted, guard('WebSocketMediaStarted', onMediaStarted));
  client.addEventListener(OpenAI.Events.WebSocketMediaEnded, guard('WebSocketMediaEnded', onMediaEnded));
  VoxEngine.sendMediaBetween(call, client);
  client.sessionUpdate({ session: rt.session_update.session });
  sessionTimer = setTimeout(guard('session.update timer', () => {
    if (!sessionReady) realtimeUnavailable('no session.updated from OpenAI');
  }), SESSION_UPDATE_TIMEOUT_MS);
}

function closeClient() {
  if (client && !clientClosed) {
    clientClosed = true;
    client.close();
  }
}

function onSessionUpdated() {
  if (sessionReady || finishing) return;
  sessionReady = true;
  clearTimeout(sessionTimer);
  engineSessionReady();
}

/** Send response.create now, or after the active response is done (only one may be active). */
function sendResponse(body, final) {
  if (!client || clientClosed || finishing) return;
  responseQueue.push({ body, final });
  pumpResponses();
}

function pumpResponses() {
  if (!client || clientClosed || finishing) return;
  if (responseActive || awaitingCreated || responseQueue.length === 0) return;
  lastSent = responseQueue.shift();
  awaitingCreated = true;
  client.responseCreate(lastSent.body);
}

function onResponseCreated(e) {
  responseActive = true;
  const r = e.data.payload.response;
  if (awaitingCreated) {
    awaitingCreated = false;
    responseRetries = 0;
    if (lastSent && lastSent.final && r) finalResponseId = r.id;
  }
}

function onResponseDone(e) {
  responseActive = false;
  const r = e.data.payload.response;
  if (r && r.id) {
    doneResponses[r.id] = true;
    if (r.id === finalResponseId) {
      finalDone = true;
      checkFinal();
    }
  }
  pumpResponses();
}

function onRealtimeError(e) {
  const err = e.data.payload.error || {};
  log(`OpenAI error ${err.code}: ${err.message}`);
  if (finishing) return;
  postEvent('error', { where: 'openai', code: err.code || null, message: String(err.message || 'OpenAI error') });
  if (!sessionReady) {
    log('session.update rejected: apologising');
    apologize('socket_closed');
    return;
  }
  if (err.code === ACTIVE_RESPONSE && lastSent) {
    // Our one outstanding response.create met a response started by server VAD (whose
    // ResponseCreated may have looked like ours): it goes again after that one's ResponseDone.
    awaitingCreated = false;
    responseActive = true;
    if (lastSent.final) finalResponseId = null;
    responseRetries += 1;
    if (responseRetries <= MAX_RESPONSE_RETRIES) responseQueue.unshift(lastSent);
    else if (lastSent.final) finalDone = true;
    lastSent = null;
  }
}

function onOutputItemDone(e) {
  const p = e.data.payload;
  const item = p.item;
  if (!item || item.type !== 'function_call' || item.status !== 'completed' || finishing) return;
  engineFunctionCall(item, p.response_id);
}

function onClientTranscript(e) {
  const p = e.data.payload;
  if (p.response_id) audioResponses[p.response_id] = true;
  const text = String(p.transcript || '').trim();
  if (!text || finishing) return;
  let turnNo = currentTurn();
  if (voicing && !voicing.transcribed) {
    voicing.transcribed = true;
    turnNo = voicing.turn;
  }
  if (mediaPlaying) heldLines.push({ text, turn: turnNo });
  else postEvent('transcript', { who: 'client', text, turn: turnNo });
}

/** Post the client lines held until their audio ended; `cut` when the operator interrupted them. */
function flushHeld(cut) {
  if (cut && voicing && !voicing.transcribed) {
    voicing.transcribed = true;
    heldLines.push({ text: voicing.text, turn: voicing.turn });
  }
  heldLines.splice(0).forEach((l) => {
    const ev = { who: 'client', text: l.text, turn: l.turn };
    if (cut) ev.cut = true;
    postEvent('transcript', ev);
  });
}

function onSpeechStarted() {
  if (finishing) return;
  clearTimeout(silenceTimer);
  engineSpeechStarted();
  if (mediaPlaying && !ending && bargeAt === null) {
    client.clearMediaBuffer();
    bargeAt = Date.now();
    bargeTurn = nextOperatorTurn();
  }
}

function onSpeechStopped(e) {
  if (finishing) return;
  speechEndAt = Date.now();
  const id = e.data.payload.item_id;
  if (id) itemTurns[id] = nextOperatorTurn();
  engineSpeechStopped();
  armSilence();
}

function onOperatorTranscript(e) {
  const p = e.data.payload;
  const text = String(p.transcript || '').trim();
  if (!text || finishing) return;
  lastTranscript = text;
  postEvent('transcript', { who: 'operator', text, turn: itemTurns[p.item_id] || nextOperatorTurn() });
}

function onMediaStarted() {
  mediaPlaying = true;
  clearTimeout(finalGraceTimer);
  if (pendingMark) {
    pendingMark.audio_started_at = Date.now();
    postTurn(pendingMark);
    pendingMark = null;
  }
}

function onMediaEnded() {
  mediaPlaying = false;
  if (finishing) return;
  const barged = bargeAt !== null && Date.now() - bargeAt >= BARGE_IN_GAP_MS;
  bargeAt = null;
  flushHeld(barged);
  if (barged) {
    log('barge-in: the operator spoke over the client');
    postEvent('barge_in', { turn: bargeTurn });
  }
  if (ending) {
    checkFinal(true);
    return;
  }
  armSilence();
}

function armSilence() {
  clearTimeout(silenceTimer);
  if (finishing || ending) return;
  silenceTimer = setTimeout(guard('silence timer', onSilence), limits.silence_timeout_s * 1000);
}

/** The operator said nothing for silence_timeout_s while nothing else was going on. */
function onSilence() {
  silenceTimer = null;
  if (finishing || ending) return;
  if (engineBusy() || responseActive || awaitingCreated || responseQueue.length || mediaPlaying) {
    armSilence();
    return;
  }
  engineSilence();
}

/** Hang up after the last audio: the final response is done and its audio has played out. */
function endAfterAudio(reason, hangupBy, responseId) {
  ending = { reason, hangupBy };
  clearTimeout(silenceTimer);
  endTimer = setTimeout(guard('ending timer', () => finish(reason, hangupBy)), ENDING_SAFETY_MS);
  if (responseId) {
    finalResponseId = responseId;
    finalDone = Boolean(doneResponses[responseId]);
    checkFinal();
  }
}

/** The final response is done: hang up when its audio has played out (now, after MediaEnded). */
function checkFinal(mediaEnded) {
  if (!finalDone || finishing || !ending || mediaPlaying) return;
  if (mediaEnded) {
    finish(ending.reason, ending.hangupBy);
    return;
  }
  // Done but no audio playing: it may not have started yet; give it a moment.
  clearTimeout(finalGraceTimer);
  finalGraceTimer = setTimeout(guard('final audio timer', () => {
    if (!mediaPlaying && !finishing) finish(ending.reason, ending.hangupBy);
  }), FINAL_AUDIO_GRACE_MS);
}

/** OpenAI is gone (or never came): say the apology with Voximplant TTS, then hang up. */
function realtimeUnavailable(message) {
  if (finishing) return;
  postEvent('error', { where: 'openai', message });
  if (ending && ending.reason === 'end_call') {
    finish(ending.reason, ending.hangupBy);
    return;
  }
  apologize('socket_closed');
}

function onSocketClose(e) {
  if (clientClosed || finishing) return;
  clientClosed = true;
  log(`OpenAI socket closed: ${e.code} ${e.reason}`);
  postEvent('error', { where: 'openai', code: e.code, message: `socket closed: ${e.reason || ''}`.trim() });
  flushHeld(mediaPlaying);
  mediaPlaying = false;
  if (ending && ending.reason === 'end_call') {
    finish(ending.reason, ending.hangupBy);
    return;
  }
  apologize('socket_closed');
}

function apologize(reason) {
  if (finishing || apologyLine) return;
  ending = { reason, hangupBy: 'system' };
  clearTimeout(silenceTimer);
  clearTimeout(endTimer);
  flushHeld(mediaPlaying);
  closeClient();
  apologyLine = { text: session.apology_line || DEFAULT_APOLOGY, turn: currentTurn() };
  call.say(apologyLine.text, { voice: apologyVoice });
  endTimer = setTimeout(guard('apology timer', () => finish(reason, 'system')), APOLOGY_SAFETY_MS);
}

function onApologySaid() {
  if (!apologyLine || finishing) return;
  postEvent('transcript', { who: 'client', text: apologyLine.text, turn: apologyLine.turn });
  apologyLine = null;
  finish(ending.reason, ending.hangupBy);
}

/** Every way out: post what is pending, close the OpenAI client. */
function stopEngine() {
  clearTimeout(silenceTimer);
  clearTimeout(endTimer);
  clearTimeout(finalGraceTimer);
  clearTimeout(sessionTimer);
  if (pendingMark) {
    postTurn(pendingMark);
    pendingMark = null;
  }
  engineStop();
  flushHeld(mediaPlaying);
  if (apologyLine) {
    postEvent('transcript', { who: 'client', text: apologyLine.text, turn: apologyLine.turn, cut: true });
    apologyLine = null;
  }
  closeClient();
}
// ==== end of shared realtime section

// ---------------------------------------------------------------- realtime (hybrid) engine
let turn = 0; // the last operator turn sent to the backend
let replyBusy = false;
const callQueue = []; // get_reply calls waiting for the reply in flight: {callId, said, endAt}

/** Return a problem with the session, or '' when it is usable. */
function checkSession(s) {
  if (s.engine !== ENGINE) return `session is for engine ${s.engine}, this scenario runs ${ENGINE}`;
  for (const k of ['to', 'caller_id', 'event_url', 'dialog_url', 'first_line']) {
    if (typeof s[k] !== 'string' || !s[k]) return `session.${k} is missing`;
  }
  if (!s.realtime || !s.realtime.first_response || typeof s.realtime.first_response !== 'object') {
    return 'session.realtime.first_response is missing';
  }
  return checkRealtimeSession(s);
}

function prepareEngine() {
  resolveApologyVoice();
}

function onConnected() {
  return connectRealtime();
}

function engineSessionReady() {
  voicing = { text: session.first_line, turn: 0, transcribed: false };
  sendResponse(withoutType(session.realtime.first_response), false);
}

function currentTurn() {
  return turn;
}

function nextOperatorTurn() {
  return turn + 1 + callQueue.length;
}

function engineBusy() {
  return replyBusy || callQueue.length > 0;
}

function engineSpeechStarted() {}

function engineSpeechStopped() {}

/** The model called a tool: get_reply → ask the backend (one reply request at a time). */
function engineFunctionCall(item) {
  if (item.name !== 'get_reply') {
    log(`unexpected tool ${item.name}`);
    client.conversationItemCreate({ item: { type: 'function_call_output', call_id: item.call_id, output: JSON.stringify({ error: 'unknown tool' }) } });
    return;
  }
  if (ending) return;
  let said = '';
  try {
    const args = JSON.parse(item.arguments || '{}');
    if (args && typeof args.operator_said === 'string') said = args.operator_said.trim();
  } catch (e) {
    log(`get_reply arguments are not JSON: ${item.arguments}`);
  }
  clearTimeout(silenceTimer);
  callQueue.push({ callId: item.call_id, said: said || lastTranscript, endAt: speechEndAt });
  speechEndAt = null;
  nextReply();
}

function nextReply() {
  if (replyBusy || callQueue.length === 0 || finishing || ending) return;
  const c = callQueue.shift();
  turn += 1;
  askBackend(turn, c.said, c.endAt, c.callId);
}

/** The operator was silent: an empty-text turn; the backend answers with a reprompt. */
function engineSilence() {
  turn += 1;
  log(`operator silent ${limits.silence_timeout_s} s: empty turn ${turn}`);
  askBackend(turn, '', null, null);
}

async function askBackend(turnNo, text, endAt, callId) {
  replyBusy = true;
  if (pendingMark) {
    postTurn(pendingMark);
    pendingMark = null;
  }
  const mark = { turn: turnNo, speech_end_at: endAt, reply_requested_at: Date.now(), reply_received_at: null, audio_started_at: null };
  const body = { turn: turnNo, text };
  if (connectedAt !== null) body.connected_at = connectedAt; // the backend's call clock starts here
  if (endAt) body.speech_end_at = endAt;
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
  if (callId) {
    client.conversationItemCreate({
      item: { type: 'function_call_output', call_id: callId, output: JSON.stringify({ reply: answer.reply, end_call: endCall }) },
    });
  }
  if (!endCall && callQueue.length) {
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
  voicing = { text: answer.reply, turn: turnNo, transcribed: false };
  pendingMark = mark;
  const rr = answer.realtime_response && typeof answer.realtime_response === 'object' ? withoutType(answer.realtime_response) : {};
  if (endCall) {
    callQueue.length = 0;
    endAfterAudio(endReasonOf(answer), 'client', null);
  }
  sendResponse(rr, endCall);
}

/** The `ended` reason for a backend end_call (its optional `ending` names silence and time-outs). */
function endReasonOf(answer) {
  if (answer.ending) endingKind = answer.ending;
  return answer.ending === 'silence' || answer.ending === 'max_duration' ? answer.ending : 'end_call';
}

function engineStop() {
  callQueue.length = 0;
}
