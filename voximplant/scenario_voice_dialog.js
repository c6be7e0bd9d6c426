/**
 * Virtual client, engine `dialog`: ASR → backend → TTS.
 *
 * Run by the Voximplant rule `voice_dialog` (StartScenarios). The scenario reads its session from
 * the backend, dials the operator, records the call (stereo), speaks the pre-generated first line
 * with `call.say(text, {voice})`, feeds the operator's audio to ASR and posts every recognised
 * utterance to the backend's reply endpoint; the answer is spoken with `call.say` too. Operator
 * speech while the client speaks (ASREvents.CaptureStarted) cuts the line with `call.stopPlayback()`
 * (barge-in). No TTS player is ever created: VoxEngine allows 10 media players per session and
 * whether that counts concurrent or total players is unconfirmed, so a player per line could break
 * a long call. `CallEvents.PlaybackStarted` is the "client audio started" latency mark,
 * `CallEvents.PlaybackFinished` ends a line. Operator silence for `limits.silence_timeout_s`
 * becomes an empty-text turn: the backend answers with a reprompt and ends the call itself after
 * too many. `end_call` → the line is spoken, then the call hangs up; the answer's `ending`
 * (`silence`, `max_duration`) becomes the `ended` reason, anything else is `end_call`.
 *
 * Custom data (VoxEngine.customData(), at most 200 bytes, no phone number, no secret):
 *   {"id": "<call_id>", "api": "<API base URL>", "tok": "<per-call bearer token>"}
 * Backend contract: docs/scenario-contract.md (GET {api}/call/{id}/session, POST reply, POST events).
 *
 * Every way out (operator hangup, call failure, end_call, backend failure, max duration, scenario
 * error) stops the ASR and the playback, hangs the call up, posts `ended` last, flushes the events and
 * calls VoxEngine.terminate().
 */
require(Modules.ASR);

const ENGINE = 'dialog';

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

// ---------------------------------------------------------------- dialog engine
const TTS_SAFETY_MS_PER_CHAR = 150;
const TTS_SAFETY_EXTRA_MS = 5000;

let asrProfile = null;
let ttsVoice = null;
let asr = null;
/**
 * The line `call.say` is speaking now (null when the client is silent). Lines are spoken with
 * call.say and cut with call.stopPlayback, never with one TTS player per line: VoxEngine allows
 * 10 media players per session and whether that counts concurrent or total players is unconfirmed.
 * @type {{text: string, turn: number, mark: object | null, started: boolean} | null}
 */
let line = null;
let lineTimer = null; // safety: a line whose PlaybackFinished never comes still counts as said
let turn = 0; // the last operator turn sent to the backend
let replyBusy = false;
const heardWhileBusy = []; // operator lines recognised while a reply was in flight
let speechEndAt = null;
let silenceTimer = null;

/** Return a problem with the session, or '' when it is usable. */
function checkSession(s) {
  if (s.engine !== ENGINE) return `session is for engine ${s.engine}, this scenario runs ${ENGINE}`;
  for (const k of ['to', 'caller_id', 'event_url', 'dialog_url', 'first_line']) {
    if (typeof s[k] !== 'string' || !s[k]) return `session.${k} is missing`;
  }
  if (!s.dialog || typeof s.dialog.asr_profile !== 'string' || typeof s.dialog.tts_voice !== 'string') {
    return 'session.dialog {asr_profile, tts_voice} is missing';
  }
  return '';
}

/** Resolve the ASR profile and the voice before dialing: a bad path fails before anyone answers. */
function prepareEngine() {
  asrProfile = platformValue(ASRProfileList, session.dialog.asr_profile);
  ttsVoice = platformValue(VoiceList, session.dialog.tts_voice);
}

function onConnected() {
  call.addEventListener(CallEvents.PlaybackStarted, guard('PlaybackStarted', onPlaybackStarted));
  call.addEventListener(CallEvents.PlaybackFinished, guard('PlaybackFinished', onPlaybackFinished));
  asr = VoxEngine.createASR({ profile: asrProfile });
  asr.addEventListener(ASREvents.CaptureStarted, guard('CaptureStarted', onCaptureStarted));
  asr.addEventListener(ASREvents.SpeechCaptured, guard('SpeechCaptured', () => { speechEndAt = Date.now(); }));
  asr.addEventListener(ASREvents.Result, guard('Result', onResult));
  asr.addEventListener(ASREvents.ASRError, guard('ASRError', (e) => {
    postEvent('error', { where: 'asr', message: String(e.error || e.reason || 'ASR error') });
  }));
  call.sendMediaTo(asr);
  speak(session.first_line, 0, null);
}

/** Stop the line being spoken (call.stopPlayback); it goes to the transcript as cut. */
function cutLine() {
  const l = line;
  if (!l) return null;
  line = null;
  clearTimeout(lineTimer);
  if (callState === 'connected') call.stopPlayback();
  postTurn(l.mark);
  postEvent('transcript', { who: 'client', text: l.text, turn: l.turn, cut: true });
  return l;
}

/** Speak one client line with call.say (one at a time: a line still playing is cut first). */
function speak(text, turnNo, mark) {
  cutLine();
  const l = { text, turn: turnNo, mark, started: false };
  line = l;
  lineTimer = setTimeout(guard('playback timer', () => {
    if (line !== l) return;
    log('no PlaybackFinished in time: the line counts as said');
    lineFinished('');
  }), text.length * TTS_SAFETY_MS_PER_CHAR + TTS_SAFETY_EXTRA_MS);
  call.say(text, { voice: ttsVoice });
}

/** Client audio started: the latency mark of the turn this line answers. */
function onPlaybackStarted() {
  if (!line || line.started) return;
  line.started = true;
  if (line.mark) {
    line.mark.audio_started_at = Date.now();
    postTurn(line.mark);
  }
}

/**
 * The line played out (or TTS failed: `error`). Whether the platform also reports a playback cut by
 * call.stopPlayback is unconfirmed: such an event finds no line, or a line not started yet, and is
 * ignored (a playback cannot finish before it starts).
 */
function onPlaybackFinished(e) {
  if (!line) return;
  const error = e && e.error ? String(e.error) : '';
  if (!line.started && !error) return;
  lineFinished(error);
}

function lineFinished(error) {
  const l = line;
  line = null;
  clearTimeout(lineTimer);
  postTurn(l.mark);
  if (error) postEvent('error', { where: 'tts', message: error });
  else postEvent('transcript', { who: 'client', text: l.text, turn: l.turn });
  clientDone();
}

/** The client finished a line: hang up after the last one, else wait for the operator. */
function clientDone() {
  if (finishing) return;
  if (ending) {
    finish(ending.reason, ending.hangupBy);
    return;
  }
  armSilence();
}

/** Speak the last line, then hang up (PlaybackFinished, or the line's safety timer). */
function speakLast(text, turnNo, mark, reason, hangupBy) {
  ending = { reason, hangupBy };
  clearTimeout(silenceTimer);
  if (!text) {
    postTurn(mark);
    finish(reason, hangupBy);
    return;
  }
  speak(text, turnNo, mark);
}

function armSilence() {
  clearTimeout(silenceTimer);
  if (finishing || ending) return;
  silenceTimer = setTimeout(guard('silence timer', onSilence), limits.silence_timeout_s * 1000);
}

/** The operator said nothing for silence_timeout_s: an empty-text turn (the backend reprompts). */
function onSilence() {
  silenceTimer = null;
  if (finishing || ending || replyBusy || line) return;
  turn += 1;
  log(`operator silent ${limits.silence_timeout_s} s: empty turn ${turn}`);
  askBackend(turn, '', null);
}

function onCaptureStarted() {
  if (finishing || ending) return;
  armSilence(); // no Result after this (noise) still ends in a reprompt
  if (line) {
    log('barge-in: the operator speaks over the client');
    cutLine();
    postEvent('barge_in', { turn: turn + 1 });
  }
}

function onResult(e) {
  if (finishing || ending) return;
  const text = String(e.text || '').trim();
  const endAt = speechEndAt || Date.now();
  speechEndAt = null;
  if (!text) return;
  clearTimeout(silenceTimer);
  if (replyBusy) {
    heardWhileBusy.push({ text, endAt });
    return;
  }
  operatorTurn(text, endAt);
}

function operatorTurn(text, endAt) {
  turn += 1;
  postEvent('transcript', { who: 'operator', text, turn });
  askBackend(turn, text, endAt);
}

async function askBackend(turnNo, text, endAt) {
  replyBusy = true;
  const mark = { turn: turnNo, speech_end_at: endAt, reply_requested_at: Date.now(), reply_received_at: null, audio_started_at: null };
  const body = { turn: turnNo, text };
  if (connectedAt !== null) body.connected_at = connectedAt; // the backend's call clock starts here
  if (endAt) body.speech_end_at = endAt;
  const res = await requestWithRetry(session.dialog_url, 'POST', body, limits.reply_timeout_s);
  replyBusy = false;
  if (finishing) return;
  mark.reply_received_at = Date.now();
  const answer = isOk(res) ? jsonOf(res) : null;
  if (!answer || typeof answer.reply !== 'string') {
    postTurn(mark);
    backendFailed(res);
    return;
  }
  for (const k of ['backend_ms', 'llm_ms']) if (typeof answer[k] === 'number') mark[k] = answer[k];
  if (typeof answer.fallback === 'boolean') mark.fallback = answer.fallback;
  if (answer.end_call) {
    heardWhileBusy.length = 0;
    speakLast(answer.reply, turnNo, mark, endReasonOf(answer), 'client');
    return;
  }
  if (heardWhileBusy.length) {
    // The operator went on while we waited: this reply is stale, answer the newest words instead.
    postTurn(mark);
    const lines = heardWhileBusy.splice(0);
    operatorTurn(lines.map((l) => l.text).join(' '), lines[lines.length - 1].endAt);
    return;
  }
  if (!answer.reply) {
    postTurn(mark);
    armSilence();
    return;
  }
  speak(answer.reply, turnNo, mark);
}

/** The `ended` reason for a backend end_call (its optional `ending` names silence and time-outs). */
function endReasonOf(answer) {
  if (answer.ending) endingKind = answer.ending;
  return answer.ending === 'silence' || answer.ending === 'max_duration' ? answer.ending : 'end_call';
}

/** The backend failed twice (or answered nonsense): apologise and hang up. */
function backendFailed(res) {
  log(`reply failed: ${res.code} ${res.error}`);
  postEvent('error', { where: 'reply', code: res.code, message: res.error || `HTTP ${res.code}` });
  speakLast(session.apology_line || DEFAULT_APOLOGY, turn, null, 'backend_error', 'system');
}

/** Every way out: stop listening and speaking (a line still playing is cut). */
function stopEngine() {
  clearTimeout(silenceTimer);
  cutLine();
  if (asr) {
    asr.stop();
    asr = null;
  }
}
