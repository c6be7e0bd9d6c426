/**
 * Virtual client, engine `dialog`: ASR → backend → TTS.
 *
 * Run by the Voximplant rule `voice_dialog`, bound after `lib_call` (voximplant/rules.json): the
 * call skeleton (session, dialing, events, the one way out) is lib_call's; this file holds only
 * the engine and registers its hooks with `defineCallEngine`.
 *
 * On answer the operator's audio goes to ASR (`singleUtterance: true`: a `Result` after every
 * utterance, as the typings describe; a platform that stops the ASR after a result gets a new one).
 * The operator speaks first: the client waits for the greeting (or `limits.greeting_wait_s` of
 * silence) and then says the pre-generated `first_line` (a persona with `speaks_first: "client"`
 * says it at once). Every later utterance is POSTed to the backend's reply endpoint; the answer is
 * spoken with `call.say(text, {voice})`. Operator speech while the client speaks
 * (ASREvents.CaptureStarted) cuts the line with `call.stopPlayback()` (barge-in), and the next
 * turn tells the backend (`client_cut: true`) so a cut opening is asked again. No TTS player is ever
 * created: VoxEngine allows 10 media players per session and whether that counts concurrent or
 * total players is unconfirmed. `CallEvents.PlaybackStarted` is the "client audio started"
 * latency mark. Operator silence for `limits.silence_timeout_s` becomes an empty-text turn (the
 * backend reprompts, and ends the call itself after too many). `end_call` → the line is spoken,
 * then the call hangs up.
 *
 * Custom data (VoxEngine.customData(), at most 200 bytes, no phone number, no secret):
 *   {"id": "<call_id>", "api": "<API base URL>", "tok": "<per-call bearer token>"}
 * Backend contract: docs/scenario-contract.md. Session: `dialog_url`, `first_line`,
 * `dialog {asr_profile, tts_voice}` (paths under ASRProfileList / VoiceList), `speaks_first?`.
 */
require(Modules.ASR);

const TTS_SAFETY_MS_PER_CHAR = 150;
const TTS_SAFETY_EXTRA_MS = 5000;
const GREETING_MAX_MS = 8000; // the operator started speaking: the opening follows their Result, or this
const ASR_RESTARTS_MAX = 200;

let asrProfile = null;
let ttsVoice = null;
let asr = null;
let asrRestarts = 0;
/**
 * The line `call.say` is speaking now (null when the client is silent). Lines are spoken with
 * call.say and cut with call.stopPlayback, never with one TTS player per line.
 * @type {{text: string, turn: number, mark: object | null, started: boolean} | null}
 */
let line = null;
let lineTimer = null; // safety: a line whose PlaybackFinished never comes still counts as said
let turn = 0; // the last operator turn sent to the backend
let replyBusy = false;
const heardWhileBusy = []; // operator lines recognised while a reply was in flight
let speechEndAt = null;
let silenceTimer = null;
let awaitingGreeting = false; // the operator speaks first: the opening waits for their greeting
let greetingTimer = null;
let lineWasCut = false; // the client's last line was cut by the operator: the next turn says so

defineCallEngine({ name: 'dialog', checkSession, prepare, onConnected, onStop });

/** Return a problem with the session, or '' when it is usable. */
function checkSession(s) {
  for (const k of ['dialog_url', 'first_line']) {
    if (typeof s[k] !== 'string' || !s[k]) return `session.${k} is missing`;
  }
  if (!s.dialog || typeof s.dialog.asr_profile !== 'string' || typeof s.dialog.tts_voice !== 'string') {
    return 'session.dialog {asr_profile, tts_voice} is missing';
  }
  return '';
}

/** Resolve the ASR profile and the voice before dialing: a bad path fails before anyone answers. */
function prepare() {
  asrProfile = platformValue(ASRProfileList, session.dialog.asr_profile);
  ttsVoice = platformValue(VoiceList, session.dialog.tts_voice);
}

function onConnected() {
  call.addEventListener(CallEvents.PlaybackStarted, guard('PlaybackStarted', onPlaybackStarted));
  call.addEventListener(CallEvents.PlaybackFinished, guard('PlaybackFinished', onPlaybackFinished));
  startAsr();
  if (clientSpeaksFirst()) {
    speak(session.first_line, 0, null);
    return;
  }
  awaitingGreeting = true;
  greetingTimer = setTimeout(guard('greeting timer', sayOpening), limits.greeting_wait_s * 1000);
}

/** One ASR on the call's audio; a platform that stops it by itself (not us) gets a new one. */
function startAsr() {
  const unit = VoxEngine.createASR({ profile: asrProfile, singleUtterance: true });
  asr = unit;
  unit.addEventListener(ASREvents.CaptureStarted, guard('CaptureStarted', onCaptureStarted));
  unit.addEventListener(ASREvents.SpeechCaptured, guard('SpeechCaptured', () => { speechEndAt = Date.now(); }));
  unit.addEventListener(ASREvents.Result, guard('Result', onResult));
  unit.addEventListener(ASREvents.ASRError, guard('ASRError', (e) => {
    postEvent('error', { where: 'asr', message: String(e.error || e.reason || 'ASR error') });
  }));
  unit.addEventListener(ASREvents.Stopped, guard('ASR Stopped', () => {
    if (asr !== unit || finishing) return;
    asrRestarts += 1;
    if (asrRestarts > ASR_RESTARTS_MAX) {
      log('ASR stopped too often: no longer restarted');
      return;
    }
    log('ASR stopped by the platform: listening again');
    startAsr();
  }));
  call.sendMediaTo(unit);
}

/** The greeting was heard (or did not come): the client says its opening line. */
function sayOpening() {
  clearTimeout(greetingTimer);
  if (!awaitingGreeting || finishing) return;
  awaitingGreeting = false;
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
  lineWasCut = false;
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
 * The line played out (or TTS failed: `error`). `call.stopPlayback()` finishes any media without
 * a PlaybackFinished (typings v28); should one come anyway it finds no line, or a line not started
 * yet, and is ignored (a playback cannot finish before it starts).
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
  if (finishing || ending || awaitingGreeting) return;
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
  if (awaitingGreeting) {
    // The greeting has begun: the opening follows its Result (or GREETING_MAX_MS, for noise).
    clearTimeout(greetingTimer);
    greetingTimer = setTimeout(guard('greeting timer', sayOpening), GREETING_MAX_MS);
    return;
  }
  armSilence(); // no Result after this (noise) still ends in a reprompt
  if (line) {
    log('barge-in: the operator speaks over the client');
    cutLine();
    lineWasCut = true;
    postEvent('barge_in', { turn: turn + 1 });
  }
}

function onResult(e) {
  if (finishing || ending) return;
  // The field is `text`, or `transcript` for some providers (typings v28).
  const text = String(e.text || e.transcript || '').trim();
  const endAt = speechEndAt || Date.now();
  speechEndAt = null;
  if (!text) return;
  if (awaitingGreeting) {
    postEvent('transcript', { who: 'operator', text, turn: 0 });
    sayOpening();
    return;
  }
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
  const mark = { turn: turnNo, speech_end_at: endAt, reply_requested_at: Date.now(), reply_received_at: null, audio_started_at: null, text };
  const body = { turn: turnNo, text };
  if (connectedAt !== null) body.connected_at = connectedAt; // the backend's call clock starts here
  if (endAt) body.speech_end_at = endAt;
  if (text && lineWasCut && contractAtLeast(2)) body.client_cut = true; // the operator cut the line this turn answers
  lineWasCut = false;
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

/** The backend failed twice (or answered nonsense): apologise and hang up. */
function backendFailed(res) {
  log(`reply failed: ${res.code} ${res.error}`);
  postEvent('error', { where: 'reply', code: res.code, message: res.error || `HTTP ${res.code}` });
  speakLast(session.apology_line || DEFAULT_APOLOGY, turn, null, 'backend_error', 'system');
}

/** Every way out: stop listening and speaking (a line still playing is cut). */
function onStop() {
  clearTimeout(silenceTimer);
  clearTimeout(greetingTimer);
  awaitingGreeting = false;
  cutLine();
  if (asr) {
    const unit = asr;
    asr = null;
    unit.stop();
  }
}
