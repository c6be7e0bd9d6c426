/**
 * Shared call skeleton of the virtual client (scenario `lib_call`).
 *
 * Bound FIRST on every rule (voximplant/rules.json: `voice_dialog`, `voice_realtime`,
 * `voice_realtime_pure`); the scenarios bound after it run in the same space and use what it
 * defines. It reads the session from the backend, dials the operator (`VoxEngine.callPSTN`),
 * records the call (stereo), posts events in batches (`seq` per call, `ended` last, one request
 * in flight, the one request allowed after `AppEvents.Terminating`), caps the call at
 * `limits.max_duration_s`, and owns the one way out: `finish(reason, hangupBy)` stops the engine,
 * hangs up, posts `ended`, flushes the events and calls `VoxEngine.terminate()`.
 *
 * Custom data (VoxEngine.customData(), at most 200 bytes, no phone number, no secret):
 *   {"id": "<call_id>", "api": "<API base URL>", "tok": "<per-call bearer token>"}
 * Backend contract: docs/scenario-contract.md (GET {api}/call/{id}/session, POST reply, POST events).
 *
 * Hooks: the engine registers ONE object, once, at top level: `defineCallEngine(hooks)`
 * (a realtime engine goes through lib_realtime's `defineRealtimeEngine`, which registers these):
 *   name              'dialog' | 'realtime' | 'realtime_pure' (must equal session.engine)
 *   checkSession(s)   '' when the session suits the engine, else the problem (one sentence)
 *   prepare()         after the session is read, before dialing (resolve voices and profiles)
 *   onConnected()     the operator answered (may return a promise)
 *   onStop()          every way out: stop listening and speaking (called once, errors logged)
 *
 * Provides to the scenarios bound after it: `session`, `limits`, `call`, `callState`,
 * `connectedAt`, `finishing`, `ending`, `endingKind`, and `log`, `num`, `isOk`, `jsonOf`,
 * `request`, `requestWithRetry`, `postEvent`, `postTurn`, `finish`, `guard`, `platformValue`,
 * `clientSpeaksFirst`, `contractAtLeast`, `endReasonOf`.
 */
const SESSION_TIMEOUT_S = 10;
const CONNECT_TIMEOUT_S = 4;
const EVENTS_TIMEOUT_S = 5;
const EVENTS_BATCH_MAX = 50;
const EVENTS_MAX_ATTEMPTS = 3;
const EVENTS_RETRY_MS = 1000;
const EVENTS_COALESCE_MS = 400; // events within this window go in one batch
const FLUSH_WAIT_MS = 10000;
const ANSWER_GRACE_S = 2;
const DEFAULT_LIMITS = {
  max_duration_s: 300, silence_timeout_s: 8, max_reprompts: 2, reply_timeout_s: 6, answer_timeout_s: 60,
  greeting_wait_s: 2, // the operator speaks first: the client waits this long for a greeting
};
const CALL_HOOKS = ['checkSession', 'prepare', 'onConnected', 'onStop'];
const ENGINE_NAMES = ['dialog', 'realtime', 'realtime_pure'];
const DEFAULT_APOLOGY = 'Извините, у меня проблемы со связью. Перезвоню позже. До свидания.';

/** The engine's hooks (defineCallEngine); null until the engine's scenario registers them. */
let callEngine = null;
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
  Logger.write(`[${callEngine ? callEngine.name : 'vclient'}] ${msg}`);
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
  // Contract 2 keeps the turn's texts with it: what the backend got, and the hybrid model's own.
  if (contractAtLeast(2)) for (const k of ['text', 'operator_said']) if (mark[k]) ev[k] = String(mark[k]).slice(0, 2000);
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
    callEngine.onStop();
  } catch (e) {
    log(`onStop failed: ${e}`);
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

/**
 * Register the engine's hooks (see the docblock). Throws at top level on a missing hook, so a
 * broken composition fails when the scenarios load, not mid-call.
 */
function defineCallEngine(hooks) {
  if (callEngine) throw new Error(`defineCallEngine: ${callEngine.name} is already registered`);
  if (!hooks || ENGINE_NAMES.indexOf(hooks.name) < 0) throw new Error(`defineCallEngine: name must be one of ${ENGINE_NAMES.join(', ')}`);
  const missing = CALL_HOOKS.filter((k) => typeof hooks[k] !== 'function');
  if (missing.length) throw new Error(`defineCallEngine(${hooks.name}): missing hooks ${missing.join(', ')}`);
  callEngine = Object.freeze(Object.assign({}, hooks));
}

/** Return a problem with the session, or '' when this engine can run it. */
function checkCallSession(s) {
  if (s.engine !== callEngine.name) return `session is for engine ${s.engine}, this scenario runs ${callEngine.name}`;
  for (const k of ['to', 'caller_id', 'event_url']) {
    if (typeof s[k] !== 'string' || !s[k]) return `session.${k} is missing`;
  }
  return callEngine.checkSession(s);
}

/**
 * The backend speaks contract version n or later (session.contract; absent = 1). Version 2 accepts
 * the reply fields `operator_said` and `client_cut` and the `deviation` event; scenarios and the
 * backend are deployed separately, so the scenario sends them only to a backend that says so.
 */
function contractAtLeast(n) {
  return Boolean(session) && typeof session.contract === 'number' && session.contract >= n;
}

/** The persona speaks first (session.speaks_first "client"); by default the operator greets first. */
function clientSpeaksFirst() {
  return Boolean(session) && session.speaks_first === 'client';
}

/** The `ended` reason for a backend end_call (its optional `ending` names silence and time-outs). */
function endReasonOf(answer) {
  if (answer.ending) endingKind = answer.ending;
  return answer.ending === 'silence' || answer.ending === 'max_duration' ? answer.ending : 'end_call';
}

async function start() {
  if (!callEngine) {
    log('no engine registered: bind lib_call first and an engine scenario after it (voximplant/rules.json)');
    VoxEngine.terminate();
    return;
  }
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
  const problem = body ? checkCallSession(body) : `session request failed (${res.code} ${res.error})`;
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
  Object.keys(DEFAULT_LIMITS).forEach((k) => { limits[k] = num(l[k], DEFAULT_LIMITS[k], k === 'max_reprompts' || k === 'greeting_wait_s' ? 0 : undefined); });
  postEvent('session_started', { engine: callEngine.name });
  callEngine.prepare();
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
  return callEngine.onConnected();
}

/**
 * «Завершить» in the console: the backend POSTs `{"action": "hangup", "call_id"}` to this
 * session's media_session_access_url (it never leaves the server). The call ends the usual way
 * out, `ended` with reason `stopped`. Answers `ok`, or what was wrong with the request.
 */
function onHttpRequest(ev) {
  let command = null;
  try {
    command = JSON.parse(ev.content || '');
  } catch (e) {
    command = null;
  }
  if (!command || command.action !== 'hangup') return 'unknown command';
  if (!data || command.call_id !== data.id) return 'not this call';
  if (finishing) return 'already ending';
  log('stop requested from the console');
  finish('stopped', 'system');
  return 'ok';
}

VoxEngine.addEventListener(AppEvents.Started, guard('Started', start));
VoxEngine.addEventListener(AppEvents.HttpRequest, onHttpRequest);

VoxEngine.addEventListener(AppEvents.Terminating, () => {
  terminatingSeen = true;
  if (!finishing && data) {
    // The platform ends the session on its own (a limit): report it with the one request left.
    finishing = true;
    try {
      callEngine.onStop();
    } catch (e) {
      log(`onStop failed: ${e}`);
    }
    postEvent('ended', { reason: 'failed', hangup_by: 'system', duration_ms: connectedAt === null ? 0 : Date.now() - connectedAt });
  }
  sendLastBatch();
});
