/**
 * Shared OpenAI Realtime plumbing of the two realtime engines (scenario `lib_realtime`).
 *
 * Bound second, after `lib_call`, on the rules `voice_realtime` and `voice_realtime_pure`
 * (voximplant/rules.json); same space as both. On answer it connects an OpenAI Realtime client
 * (GA) with the session's key, `VoxEngine.sendMediaBetween(call, client)`, sends the backend's
 * `session.update` body and then the opening (`first_response`, said exactly). It keeps one
 * response active at a time (`response.create` waits for ResponseDone; each carries an
 * `event_id`, so a rejected one is known and never blocks later responses), flushes the client's
 * audio when the operator speaks over it (`client.clearMediaBuffer()`, barge-in), turns operator
 * silence into the engine's silence hook, and hangs up after the last audio.
 *
 * Turn-taking: the operator speaks first. Until the opening is sent the session runs with
 * `create_response: false` (restored afterwards), so the greeting gets no model answer; the opening
 * follows the greeting's `speech_stopped`, or `limits.greeting_wait_s` of silence. A session with
 * `speaks_first: "client"` says the opening at once.
 *
 * No dead air: a response that ends `failed` (or `incomplete` with no audio), or a rejected
 * `response.create`, posts an `error` and is asked again once; a second failure in a row says the
 * apology with Voximplant TTS (`call.say`, voice `session.tts_voice`, a path under VoiceList;
 * `TBank.ru_RU_Dima` when absent) and hangs up. So do a closed socket, a refused session and a
 * missing key. `WebSocketError` and an `HTTPResponse` of 400 or more are posted as `error` events;
 * `session.realtime.trace: true` turns on the client's trace (a file of every WebSocket message).
 *
 * Cost (contract 3): each `response.done` usage and each input transcription's usage is posted as
 * a `usage` event as OpenAI reported it; the hybrid engine posts each voiced backend line with the
 * words the model spoke (`spoken`), so the verdict can measure how verbatim the voice was.
 *
 * Hooks: the engine registers ONE object at top level: `defineRealtimeEngine(hooks)` (which
 * registers lib_call's hooks itself):
 *   name                   'realtime' | 'realtime_pure'
 *   checkSession(s)        '' or the problem with the engine's part of the session
 *   currentTurn()          the turn number of the client's next line (transcripts, the apology)
 *   isBusy()               the engine waits on something (a reply): silence does not count
 *   onSpeechStarted()      operator speech began (after the opening)
 *   onOperatorItem(item)   an operator utterance ended (`speech_stopped`): item {id, endAt, text,
 *                          transcribed}; lib_realtime fills `text` when its transcription comes
 *   onTranscription(item)  the item's transcription arrived (item.text set, maybe empty)
 *   onFunctionCall(fc, r)  the model called a tool: fc {name, call_id, arguments}, r = the response
 *   onUnrequestedAudio(r)  a response nobody asked for (server VAD) speaks before any tool call:
 *                          return true to cut it (it is flushed, cancelled, posted as `deviation`)
 *   onSilence()            the operator was silent for limits.silence_timeout_s, nothing pending
 *   onStop()               the engine stops: when the apology starts and on every way out
 *                          (so it may run twice)
 *   truncateOnBargeIn      boolean: after a barge-in, truncate the cut item (`audio_end_ms`
 *                          estimated from WebSocketMediaStarted)
 *
 * Provides: `client`, `sendResponse(body, final)`, `withoutType`, `voiceLine(text, turn)`,
 * `endAfterAudio`, `apologize`, `armSilence`, `silenceTimer`, `realtimeSession`, `opItems`.
 */
require(Modules.OpenAI);

const SESSION_UPDATE_TIMEOUT_MS = 8000;
// WebSocketMediaEnded comes 1 s after the last audio. When it comes this long after a
// clearMediaBuffer(), audio was still playing when the operator spoke: a real barge-in.
const BARGE_IN_GAP_MS = 850;
const FINAL_AUDIO_GRACE_MS = 1500;
const ENDING_SAFETY_MS = 30000;
const APOLOGY_SAFETY_MS = 20000;
const GREETING_MAX_MS = 8000; // the greeting began: the opening follows its end, or this
const MAX_COLLISION_RETRIES = 3;
const MAX_FAILURES_IN_A_ROW = 2;
const ACTIVE_RESPONSE = 'conversation_already_has_active_response';
const DEFAULT_TTS_VOICE = 'TBank.ru_RU_Dima';
const RT_HOOKS = ['checkSession', 'currentTurn', 'isBusy', 'onSpeechStarted', 'onOperatorItem', 'onTranscription',
  'onFunctionCall', 'onUnrequestedAudio', 'onSilence', 'onStop'];

let rtEngine = null;
let client = null;
let clientClosed = false;
let sessionReady = false;
let sessionTimer = null;
let realtimeSession = null; // the session.update body as the backend sent it
let restoreTurnDetection = null; // create_response to switch back on after the opening
let openingPending = false;
let greetingTimer = null;
let mediaPlaying = false;
let mediaStartedAt = null;
// clearMediaBuffer() flushed the stream and no audio has started since. The platform announces a
// stream's start once (WebSocketMediaStarted) and its end after 1 s of silence: audio that follows
// a clear within that second may get no fresh WebSocketMediaStarted (unconfirmed; docs/decisions.md
// 2026-12-03), so while this is set the first audio content part marks the audio's start instead.
let mediaCleared = false;
let activeResponse = null; // {id, requested, sent, functionCalls, audio, text, cut}
let awaitingCreated = false; // our response.create is not answered yet
const responseQueue = []; // client events waiting for the active response: {body, final, tries}
let lastSent = null;
let eventSeq = 0;
let failuresInARow = 0;
const responses = {}; // response id → record
let lastAudioItem = null; // the newest assistant audio item {id, at}
let bargeCut = null; // what a barge-in cut: {responseId} while generating, then {id, at}
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
const opItems = {}; // operator input audio items by id: {id, endAt, text, transcribed, turn}
let apologyLine = null; // {text, turn} while call.say speaks the apology
let apologyVoice = null; // VoiceList value, resolved before dialing

/** Register the engine's realtime hooks (and lib_call's hooks on its behalf). */
function defineRealtimeEngine(hooks) {
  if (rtEngine) throw new Error(`defineRealtimeEngine: ${rtEngine.name} is already registered`);
  const missing = RT_HOOKS.filter((k) => typeof (hooks || {})[k] !== 'function');
  if (missing.length) throw new Error(`defineRealtimeEngine(${hooks && hooks.name}): missing hooks ${missing.join(', ')}`);
  rtEngine = Object.freeze(Object.assign({ truncateOnBargeIn: false }, hooks));
  defineCallEngine({
    name: hooks.name,
    checkSession: (s) => checkRealtimeSession(s) || rtEngine.checkSession(s),
    prepare: resolveApologyVoice,
    onConnected: connectRealtime,
    onStop: stopRealtime,
  });
}

/** A client event without its `type` (VoxEngine senders take it that way). */
function withoutType(ev) {
  const out = {};
  Object.keys(ev || {}).forEach((k) => { if (k !== 'type') out[k] = ev[k]; });
  return out;
}

/** Resolve session.tts_voice (fallback DEFAULT_TTS_VOICE) before dialing: the apology must not fail. */
function resolveApologyVoice() {
  const p = typeof session.tts_voice === 'string' && session.tts_voice ? session.tts_voice : DEFAULT_TTS_VOICE;
  try {
    apologyVoice = platformValue(VoiceList, p);
  } catch (e) {
    apologyVoice = undefined;
  }
  if (!apologyVoice) {
    log(`session.tts_voice ${p} is not in VoiceList: the apology uses ${DEFAULT_TTS_VOICE}`);
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
  if (rt.trace === true) params.trace = true; // diagnosing first calls: a trace of every message
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
  client.addEventListener(E.HTTPResponse, guard('HTTPResponse', (e) => connectorTrouble('HTTP response', e)));
  client.addEventListener(E.WebSocketError, guard('WebSocketError', (e) => connectorTrouble('WebSocket error', e)));
  client.addEventListener(E.ResponseCreated, guard('ResponseCreated', onResponseCreated));
  client.addEventListener(E.ResponseDone, guard('ResponseDone', onResponseDone));
  client.addEventListener(E.ResponseOutputItemDone, guard('ResponseOutputItemDone', onOutputItemDone));
  client.addEventListener(E.ResponseContentPartAdded, guard('ResponseContentPartAdded', onContentPartAdded));
  client.addEventListener(E.ResponseOutputAudioTranscriptDone, guard('TranscriptDone', onClientTranscript));
  client.addEventListener(E.InputAudioBufferSpeechStarted, guard('SpeechStarted', onSpeechStarted));
  client.addEventListener(E.InputAudioBufferSpeechStopped, guard('SpeechStopped', onSpeechStopped));
  client.addEventListener(E.ConversationItemInputAudioTranscriptionCompleted, guard('TranscriptionCompleted', onInputTranscription));
  client.addEventListener(OpenAI.Events.WebSocketMediaStarted, guard('WebSocketMediaStarted', onMediaStarted));
  client.addEventListener(OpenAI.Events.WebSocketMediaEnded, guard('WebSocketMediaEnded', onMediaEnded));
  VoxEngine.sendMediaBetween(call, client);
  realtimeSession = rt.session_update.session;
  client.sessionUpdate({ session: openingSession(realtimeSession) });
  sessionTimer = setTimeout(guard('session.update timer', () => {
    if (!sessionReady) realtimeUnavailable('no session.updated from OpenAI');
  }), SESSION_UPDATE_TIMEOUT_MS);
}

/** The session for the opening: while the operator greets, server VAD creates no response. */
function openingSession(s) {
  openingPending = true;
  const td = s.audio && s.audio.input && s.audio.input.turn_detection;
  if (clientSpeaksFirst() || !td || td.create_response === false) return s;
  restoreTurnDetection = td;
  const out = JSON.parse(JSON.stringify(s));
  out.audio.input.turn_detection.create_response = false;
  return out;
}

/**
 * An HTTPResponse / WebSocketError from the connector: posted as an error event (an HTTP answer
 * with a status under 400 is the normal upgrade: only logged).
 */
function connectorTrouble(what, e) {
  const d = (e && e.data) || {};
  const code = d.code || d.status || d.statusCode || null;
  let detail = '';
  try {
    detail = JSON.stringify(d).slice(0, 300);
  } catch (err) {
    detail = String(d);
  }
  log(`OpenAI ${what}: ${detail}`);
  if (what === 'HTTP response' && typeof code === 'number' && code < 400) return;
  if (!finishing) postEvent('error', { where: 'openai', code: typeof code === 'number' || typeof code === 'string' ? code : null, message: `${what}: ${detail}` });
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
  if (clientSpeaksFirst()) {
    sayOpening();
    return;
  }
  // greeting_wait_s counts from the answer, as a person on the phone counts it.
  const left = connectedAt + limits.greeting_wait_s * 1000 - Date.now();
  greetingTimer = setTimeout(guard('greeting timer', sayOpening), Math.max(0, left));
}

/** The opening line (first_response, said exactly); then server VAD answers the operator again. */
function sayOpening() {
  clearTimeout(greetingTimer);
  if (!openingPending || finishing || ending) return;
  openingPending = false;
  voicing = session.first_line ? { text: session.first_line, turn: 0, transcribed: false } : null;
  const first = session.realtime.first_response;
  sendResponse(first && typeof first === 'object' ? withoutType(first) : {}, false);
  if (restoreTurnDetection) {
    client.sessionUpdate({ session: { type: 'realtime', audio: { input: { turn_detection: restoreTurnDetection } } } });
    restoreTurnDetection = null;
  }
}

/** Say one line the scenario asked for (the backend's say-exactly response). */
function voiceLine(body, text, turnNo, mark, final) {
  voicing = { text, turn: turnNo, transcribed: false };
  pendingMark = mark;
  sendResponse(body, final);
}

/** Send response.create now, or after the active response is done (only one may be active). */
function sendResponse(body, final) {
  if (!client || clientClosed || finishing) return;
  responseQueue.push({ body, final, tries: 0 });
  pumpResponses();
}

function pumpResponses() {
  if (!client || clientClosed || finishing) return;
  if (activeResponse || awaitingCreated || responseQueue.length === 0) return;
  lastSent = responseQueue.shift();
  eventSeq += 1;
  lastSent.eventId = `vc_response_${eventSeq}`;
  awaitingCreated = true;
  client.responseCreate(Object.assign({ event_id: lastSent.eventId }, lastSent.body));
}

function onResponseCreated(e) {
  const r = e.data.payload.response || {};
  const rec = { id: r.id, requested: awaitingCreated, sent: awaitingCreated ? lastSent : null, functionCalls: 0, audio: false, text: '', cut: false, createdAt: Date.now() };
  if (awaitingCreated) {
    awaitingCreated = false;
    if (lastSent && lastSent.final) finalResponseId = r.id;
  }
  responses[r.id] = rec;
  activeResponse = rec;
}

function onResponseDone(e) {
  const r = e.data.payload.response || {};
  const rec = responses[r.id] || { id: r.id, requested: false, functionCalls: 0, audio: false, text: '' };
  if (activeResponse && activeResponse.id === r.id) activeResponse = null;
  postUsage('realtime', session.realtime.model, r.usage, { response_id: String(r.id || '') });
  if (rec.cut) postDeviation(rec, r);
  if (bargeCut && bargeCut.responseId === r.id) {
    // The barge-in cancelled it while generating: its (partial) audio item is the one cut.
    const item = (r.output || []).filter((o) => o.type === 'message').pop();
    bargeCut = item ? { id: item.id, at: Date.now() } : null;
  }
  const status = r.status;
  if (status === 'failed' || (status === 'incomplete' && !rec.audio)) {
    responseFailed(rec, r);
  } else {
    if (status === 'completed') failuresInARow = 0;
    if (r.id === finalResponseId) {
      finalDone = true;
      checkFinal();
    }
  }
  pumpResponses();
}

/** A response ended failed/incomplete: post it, ask once more, apologise on the second in a row. */
function responseFailed(rec, r) {
  const details = r.status_details || {};
  const err = details.error || {};
  const code = err.code || err.type || details.reason || r.status;
  log(`response ${r.id} ${r.status}: ${code} ${err.message || ''}`);
  if (finishing) return;
  postEvent('error', { where: 'openai', code: String(code), message: `response ${r.status}: ${err.message || details.reason || 'no details'}` });
  failAndRetry(rec.requested ? rec.sent : null, r.id === finalResponseId);
}

/** One more try of what failed (ours: the same body; the model's own turn: a plain response.create). */
function failAndRetry(sent, wasFinal) {
  failuresInARow += 1;
  if (wasFinal) finalResponseId = null;
  if (failuresInARow >= MAX_FAILURES_IN_A_ROW) {
    log(`${failuresInARow} failures in a row: apologising`);
    apologize('socket_closed');
    return;
  }
  responseQueue.unshift(sent ? { body: sent.body, final: sent.final, tries: sent.tries + 1 } : { body: {}, final: false, tries: 1 });
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
  const ours = lastSent && (err.event_id ? err.event_id === lastSent.eventId : err.code === ACTIVE_RESPONSE);
  if (!ours) return;
  // Our response.create was refused. A ResponseCreated that came meanwhile was not ours.
  Object.keys(responses).forEach((id) => {
    if (responses[id].sent === lastSent) {
      responses[id].requested = false;
      responses[id].sent = null;
      if (finalResponseId === id) finalResponseId = null;
    }
  });
  const refused = lastSent;
  lastSent = null;
  awaitingCreated = false;
  if (err.code === ACTIVE_RESPONSE) {
    // It met a response started by server VAD: it goes again after that one's ResponseDone.
    if (refused.tries < MAX_COLLISION_RETRIES) responseQueue.unshift({ body: refused.body, final: refused.final, tries: refused.tries + 1 });
    else if (refused.final) finalDone = true;
    pumpResponses();
    return;
  }
  failAndRetry(refused, refused.final);
  pumpResponses();
}

function onOutputItemDone(e) {
  const p = e.data.payload;
  const item = p.item;
  if (!item || finishing) return;
  const rec = responses[p.response_id];
  if (item.type === 'message' && item.role === 'assistant') {
    lastAudioItem = { id: item.id, at: Date.now() };
    return;
  }
  if (item.type !== 'function_call' || item.status !== 'completed') return;
  if (rec) rec.functionCalls += 1;
  if (rec && rec.cut) {
    // The response was cut as a deviation: its late tool call gets an empty answer, no turn.
    client.conversationItemCreate({ item: { type: 'function_call_output', call_id: item.call_id, output: JSON.stringify({ reply: '', end_call: false }) } });
    return;
  }
  rtEngine.onFunctionCall(item, rec || { id: p.response_id, requested: false });
}

function onClientTranscript(e) {
  const p = e.data.payload;
  const text = String(p.transcript || '').trim();
  const rec = responses[p.response_id];
  if (rec) {
    rec.audio = true;
    rec.text = text;
    if (rec.cut) return;
    if (!rec.requested && rec.functionCalls === 0 && checkUnrequested(rec)) return;
  }
  if (!text || finishing) return;
  let turnNo = rtEngine.currentTurn();
  if (voicing && !voicing.transcribed) {
    voicing.transcribed = true;
    turnNo = voicing.turn;
    // The hybrid engine: the backend's line beside the words the model actually spoke (fidelity).
    if (rtEngine.name === 'realtime' && contractAtLeast(3)) postEvent('spoken', { turn: turnNo, line: voicing.text.slice(0, 2000), text: text.slice(0, 2000) });
  }
  if (mediaPlaying) heldLines.push({ text, turn: turnNo });
  else postEvent('transcript', { who: 'client', text, turn: turnNo });
}

/**
 * Contract 3: what OpenAI reports it used (response.done's `usage`; a transcription's `usage`),
 * posted as is for the cost of the call. Nothing reported, nothing posted: the cost says unknown.
 */
function postUsage(source, model, usage, fields) {
  if (!usage || typeof usage !== 'object' || !contractAtLeast(3) || endedPosted) return;
  postEvent('usage', Object.assign({ source, model: typeof model === 'string' && model ? model : null, usage }, fields));
}

/** A response nobody asked for speaks: the engine decides; a cut one is flushed and cancelled. */
function checkUnrequested(rec) {
  if (rec.cut) return false;
  const turnNo = rtEngine.currentTurn() + 1; // the operator turn it answered
  if (!rtEngine.onUnrequestedAudio(rec)) return false;
  rec.cut = true;
  rec.cutTurn = turnNo;
  log(`response ${rec.id} spoke without being asked: cut`);
  clearMedia();
  if (activeResponse === rec) client.responseCancel({});
  return true;
}

/** The cut response is done: post what it said (its transcript, else the partial output). */
function postDeviation(rec, r) {
  let text = rec.text;
  if (!text) {
    (r.output || []).forEach((item) => {
      (item.content || []).forEach((c) => { if (c.transcript) text = `${text} ${c.transcript}`.trim(); });
    });
  }
  const fields = { turn: rec.cutTurn, text: text.slice(0, 1000), response_id: String(rec.id || '') };
  if (contractAtLeast(2)) postEvent('deviation', fields);
  else postEvent('error', { where: 'deviation', message: `unrequested response: ${fields.text}` });
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
  if (openingPending) {
    clearTimeout(greetingTimer);
    greetingTimer = setTimeout(guard('greeting timer', sayOpening), GREETING_MAX_MS);
    return;
  }
  rtEngine.onSpeechStarted();
  if (mediaPlaying && !ending && bargeAt === null) {
    clearMedia();
    bargeAt = Date.now();
    bargeTurn = rtEngine.currentTurn() + 1;
    bargeCut = activeResponse ? { responseId: activeResponse.id } : lastAudioItem;
  }
}

/**
 * After a real barge-in the pure engine's model must not believe the operator heard the rest of
 * the cut line: truncate its item where the audio stopped (estimated from WebSocketMediaStarted).
 */
function truncateCut(cutAt) {
  const item = bargeCut;
  bargeCut = null;
  if (!rtEngine.truncateOnBargeIn || !item || !item.id || mediaStartedAt === null || clientClosed) return;
  // The item playing is the response generating at the cut (cancelled: it counts from its cancel, so
  // 0), else the newest one generated (generation outruns playback), counted from when it was done
  // or the media start: both err short, so the model forgets a little more than the operator missed.
  const audioEndMs = Math.max(0, Math.round(cutAt - Math.max(mediaStartedAt, item.at)));
  client.conversationItemTruncate({ item_id: item.id, content_index: 0, audio_end_ms: audioEndMs });
}

function onSpeechStopped(e) {
  if (finishing) return;
  const id = e.data.payload.item_id || `item_${Date.now()}`;
  const item = { id, endAt: Date.now(), text: '', transcribed: false, turn: null };
  opItems[id] = item;
  if (openingPending) {
    item.turn = 0; // the greeting: in the transcript, never a backend turn
    sayOpening();
    return;
  }
  rtEngine.onOperatorItem(item);
  armSilence();
}

function onInputTranscription(e) {
  const p = e.data.payload;
  if (finishing) return;
  const tr = realtimeSession && realtimeSession.audio && realtimeSession.audio.input && realtimeSession.audio.input.transcription;
  postUsage('transcription', tr && tr.model, p.usage, {});
  const item = opItems[p.item_id] || { id: p.item_id, endAt: Date.now(), text: '', transcribed: false, turn: openingPending ? 0 : null };
  opItems[item.id] = item;
  item.text = String(p.transcript || '').trim();
  item.transcribed = true;
  if (item.turn === 0 && item.text) postEvent('transcript', { who: 'operator', text: item.text, turn: 0 });
  if (item.turn !== 0) rtEngine.onTranscription(item);
}

/** Flush the audio queued toward the call (a barge-in, a cut response). */
function clearMedia() {
  client.clearMediaBuffer();
  mediaCleared = true;
}

function onMediaStarted() {
  mediaPlaying = true;
  audioStarted(activeResponse);
}

/**
 * A response's audio item begins. After a clear the stream may still count as playing (no
 * WebSocketMediaStarted will come): the emptied buffer plays this audio at once, so its start is now.
 * Otherwise WebSocketMediaStarted announces it (or it queues behind audio still playing).
 */
function onContentPartAdded(e) {
  const p = e.data.payload;
  if (!p.part || p.part.type !== 'audio' || !mediaPlaying || !mediaCleared || finishing) return;
  const rec = responses[p.response_id];
  if (!rec || rec.cut) return;
  audioStarted(rec);
}

/** The client's audio started playing (rec: the response it belongs to, when known). */
function audioStarted(rec) {
  mediaStartedAt = Date.now();
  mediaCleared = false;
  clearTimeout(finalGraceTimer);
  if (rec && !rec.requested && rec.functionCalls === 0 && checkUnrequested(rec)) return;
  if (pendingMark) {
    pendingMark.audio_started_at = Date.now();
    postTurn(pendingMark);
    pendingMark = null;
  }
}

function onMediaEnded() {
  mediaPlaying = false;
  mediaCleared = false;
  if (finishing) return;
  const barged = bargeAt !== null && Date.now() - bargeAt >= BARGE_IN_GAP_MS;
  const cutAt = bargeAt;
  bargeAt = null;
  flushHeld(barged);
  if (barged) {
    log('barge-in: the operator spoke over the client');
    postEvent('barge_in', { turn: bargeTurn });
    truncateCut(cutAt);
  }
  if (ending) {
    checkFinal(true);
    return;
  }
  armSilence();
}

function armSilence() {
  clearTimeout(silenceTimer);
  if (finishing || ending || openingPending) return;
  silenceTimer = setTimeout(guard('silence timer', onRealtimeSilence), limits.silence_timeout_s * 1000);
}

/** The operator said nothing for silence_timeout_s while nothing else was going on. */
function onRealtimeSilence() {
  silenceTimer = null;
  if (finishing || ending) return;
  if (rtEngine.isBusy() || activeResponse || awaitingCreated || responseQueue.length || mediaPlaying) {
    armSilence();
    return;
  }
  rtEngine.onSilence();
}

/** Hang up after the last audio: the final response is done and its audio has played out. */
function endAfterAudio(reason, hangupBy, responseId) {
  ending = { reason, hangupBy };
  clearTimeout(silenceTimer);
  endTimer = setTimeout(guard('ending timer', () => finish(reason, hangupBy)), ENDING_SAFETY_MS);
  if (responseId) {
    finalResponseId = responseId;
    finalDone = Boolean(responses[responseId] && !activeResponseIs(responseId));
    checkFinal();
  }
}

function activeResponseIs(id) {
  return Boolean(activeResponse && activeResponse.id === id);
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
  clearTimeout(greetingTimer);
  flushHeld(mediaPlaying);
  closeClient();
  rtEngine.onStop();
  apologyLine = { text: session.apology_line || DEFAULT_APOLOGY, turn: rtEngine.currentTurn() };
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
function stopRealtime() {
  clearTimeout(silenceTimer);
  clearTimeout(endTimer);
  clearTimeout(finalGraceTimer);
  clearTimeout(sessionTimer);
  clearTimeout(greetingTimer);
  if (pendingMark) {
    postTurn(pendingMark);
    pendingMark = null;
  }
  if (rtEngine) rtEngine.onStop();
  flushHeld(mediaPlaying);
  if (apologyLine) {
    postEvent('transcript', { who: 'client', text: apologyLine.text, turn: apologyLine.turn, cut: true });
    apologyLine = null;
  }
  closeClient();
}
