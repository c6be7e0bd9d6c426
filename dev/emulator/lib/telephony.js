'use strict';
/**
 * Calls (VoxEngine.callPSTN), classic speech units (ASR, TTS player, call.say)
 * and media routing (sendMediaTo / sendMediaBetween).
 */
const { facade, makeId, isPlainObject } = require('./util');
const N = require('./names');
const { Emitter } = require('./emitter');
const { Operator, normalizeScript } = require('./operator');

const VOICES = N.flatValues(N.VoiceList);
const PROFILES = N.flatValues(N.ASRProfileList);

function throwTypeError(s, kind, msg) {
  s.violation(kind, msg);
  throw new s.ctx.TypeError(msg);
}

function speechMs(s, text, perChar) {
  return Math.max(400, Math.round(String(text).length * perChar));
}

// ------------------------------------------------------------------ calls
class CallImpl {
  constructor(s, number, callerId, opts) {
    this.s = s;
    this.idValue = makeId('call-');
    this.numberValue = number;
    this.callerId = callerId;
    this.opts = opts || {};
    this.state = 'dialing'; // dialing | connected | failed | ended
    this.createdAt = s.now;
    this.connectedAt = null;
    this.endedAt = null;
    this.failCode = null;
    this.endedBy = null;
    this.emitter = new Emitter(s, 'Call', N.CallEvents);
    this.mediaTargets = new Set(); // units the call's audio is sent to (ASR, realtime clients)
    this.botUtterances = new Set(); // currently audible bot speech
    this.sayPlayback = null;
    this.recording = null;
    this.tasks = [];
    this.script = normalizeScript(s.operatorScript);
    this.operator = new Operator(s, this, this.script);
    const self = this;
    const e = this.emitter;
    this.facade = facade('Call', {
      addEventListener(ev, fn) { e.add(ev, fn); },
      removeEventListener(ev, fn) { e.remove(ev, fn); },
      hangup() { self.hangup(); },
      record(params) { self.record(params); },
      say(text, params) { self.say(text, params); },
      sendMediaTo(unit) { routeMedia(s, self, unit, true); },
      stopMediaTo(unit) { routeMedia(s, self, unit, false); },
      stopPlayback() { self.stopPlayback(); },
      id() { return self.idValue; },
      number() { return self.numberValue; },
    }, s);
    s.units.set(this.facade, this);
  }

  summary() {
    return {
      id: this.idValue,
      number: this.numberValue,
      caller_id: this.callerId,
      state: this.state,
      answer: this.script.answer,
      created_at_ms: this.createdAt,
      connected_at_ms: this.connectedAt,
      ended_at_ms: this.endedAt,
      fail_code: this.failCode,
      ended_by: this.endedBy,
      recording_url: this.recording ? this.recording.url : null,
    };
  }

  isActive() { return this.state === 'dialing' || this.state === 'connected'; }

  later(ms, fn) {
    const t = this.s.sched.after(ms, fn);
    this.tasks.push(t);
    return t;
  }

  base(name, extra) {
    return { name, call: this.facade, headers: {}, ...extra };
  }

  dial() {
    const s = this.s;
    const cfg = s.cfg;
    const sc = this.script;
    const answerAfter = sc.answer_after_s !== undefined ? Number(sc.answer_after_s) * 1000 : cfg.answerAfterS * 1000;
    s.event('call', { action: 'dial', call: this.idValue, number: this.numberValue, caller_id: this.callerId, operator_answer: sc.answer });
    if (sc.answer === 'busy') {
      this.later(Math.min(1500, answerAfter || 1500), () => this.fail(486, 'Busy Here'));
      return;
    }
    const ringAt = Math.min(cfg.ringMs, Math.max(0, answerAfter - 1));
    this.later(ringAt, () => {
      if (this.state === 'dialing') this.s.fire(this.emitter, N.CallEvents.Ringing, this.base(N.CallEvents.Ringing));
    });
    if (sc.answer === 'answer') this.later(Math.max(answerAfter, ringAt + 1), () => this.connect());
    else if (sc.answer === 'no_answer') this.later(60000, () => this.fail(408, 'Request Timeout'));
    else if (sc.answer === 'reject') this.later(sc.answer_after_s !== undefined ? answerAfter : 4000, () => this.fail(603, 'Decline'));
  }

  connect() {
    if (this.state !== 'dialing') return;
    this.state = 'connected';
    this.connectedAt = this.s.now;
    this.s.fire(this.emitter, N.CallEvents.Connected, this.base(N.CallEvents.Connected));
    if (this.state !== 'connected') return;
    this.later(50, () => {
      if (this.state === 'connected') this.s.fire(this.emitter, N.CallEvents.AudioStarted, this.base(N.CallEvents.AudioStarted));
    });
    this.operator.start();
  }

  fail(code, reason) {
    if (this.state !== 'dialing') return;
    this.state = 'failed';
    this.failCode = code;
    this.endedAt = this.s.now;
    this.s.fire(this.emitter, N.CallEvents.Failed, this.base(N.CallEvents.Failed, { code, reason }));
    this.s.activeCallsChanged();
  }

  /** Stop everything audible on the call; optionally dispatch Disconnected. */
  end(by, dispatch) {
    const s = this.s;
    if (this.state !== 'connected') return;
    this.state = 'ended';
    this.endedAt = s.now;
    this.endedBy = by;
    if (!s.hangupBy) s.hangupBy = by;
    this.operator.stop();
    for (const u of [...this.botUtterances]) this.botEnd(u, { cut: true, via: 'call ended' });
    if (this.sayPlayback) { s.sched.cancel(this.sayPlayback.endTask); this.sayPlayback = null; }
    for (const t of this.tasks) s.sched.cancel(t);
    s.event('call', { action: 'ended', call: this.idValue, by, duration_ms: s.now - this.connectedAt });
    if (dispatch) {
      s.fire(this.emitter, N.CallEvents.Disconnected, this.base(N.CallEvents.Disconnected, {
        reason: by === 'operator' ? 'Normal call clearing (remote hangup)' : 'Normal call clearing',
        duration: Math.round((s.now - this.connectedAt) / 1000),
      }));
      if (this.recording && !this.recording.stopped) {
        this.recording.stopped = true;
        s.fire(this.emitter, N.CallEvents.RecordStopped, this.base(N.CallEvents.RecordStopped, {
          url: this.recording.url, duration: Math.round((s.now - this.recording.start) / 1000), cost: 0,
        }));
      }
    }
    for (const rt of s.realtimeClients) rt.onCallEnded(this);
    s.activeCallsChanged();
  }

  endBySession() {
    if (this.state === 'dialing') {
      this.state = 'ended';
      this.endedAt = this.s.now;
      this.endedBy = 'terminate';
      for (const t of this.tasks) this.s.sched.cancel(t);
    } else if (this.state === 'connected') {
      this.end('terminate', false);
    }
  }

  hangup() {
    const s = this.s;
    s.event('api', { api: 'call.hangup', call: this.idValue, state: this.state });
    if (this.state === 'dialing') {
      this.state = 'failed';
      this.failCode = 487;
      this.endedAt = s.now;
      this.endedBy = 'bot';
      for (const t of this.tasks) s.sched.cancel(t);
      s.sched.after(0, () => s.fire(this.emitter, N.CallEvents.Failed, this.base(N.CallEvents.Failed, { code: 487, reason: 'Request Terminated' })));
      s.activeCallsChanged();
      return;
    }
    if (this.state !== 'connected' || this.hangingUp) return;
    // The operator stops at once; Disconnected arrives asynchronously as on the platform.
    this.hangingUp = true;
    this.operator.stop();
    s.sched.after(0, () => this.end('bot', true));
  }

  remoteHangup() {
    if (this.state !== 'connected') return;
    this.end('operator', true);
  }

  record(params) {
    const s = this.s;
    const p = params || {};
    const known = new Set(['stereo', 'hd_audio', 'transcribe', 'language', 'format', 'lossless', 'expire', 'secure', 'name']);
    for (const k of Object.keys(p)) if (!known.has(k)) s.warn('unknown_option', `call.record(): unknown option "${k}"`);
    if (this.state !== 'connected') {
      s.warn('record_not_connected', 'call.record() on a call that is not connected: nothing is recorded');
      return;
    }
    if (this.recording) return;
    const url = `https://emulator.invalid/records/${s.sessionId}/${this.idValue}.mp3`;
    this.recording = { url, start: s.now, params: p, stopped: false };
    s.event('api', { api: 'call.record', call: this.idValue, params: p });
    this.later(s.cfg.recordStartMs, () => {
      if (this.state === 'connected') s.fire(this.emitter, N.CallEvents.RecordStarted, this.base(N.CallEvents.RecordStarted, { url }));
    });
  }

  say(text, params) {
    const s = this.s;
    const p = params || {};
    const str = String(text);
    checkVoice(s, 'call.say', p);
    s.event('api', { api: 'call.say', call: this.idValue, text: str, voice: p.voice });
    if (this.state !== 'connected') {
      s.warn('say_not_connected', 'call.say() on a call that is not connected: nothing is played');
      return;
    }
    if (str.length > s.cfg.ttsMaxChars) {
      s.violation('tts_text_too_long', `call.say(): text is ${str.length} chars; TTS fails over ${s.cfg.ttsMaxChars}`);
      this.later(s.cfg.ttsStartMs, () => s.fire(this.emitter, N.CallEvents.PlaybackFinished,
        this.base(N.CallEvents.PlaybackFinished, { error: `TTS text longer than ${s.cfg.ttsMaxChars} characters` })));
      return;
    }
    if (this.sayPlayback) this.stopSay('replaced by a new call.say()');
    const pb = { text: str, utt: null, startTask: null, endTask: null };
    this.sayPlayback = pb;
    const dur = speechMs(s, str, s.cfg.ttsMsPerChar);
    pb.startTask = this.later(s.cfg.ttsStartMs, () => {
      if (this.sayPlayback !== pb || this.state !== 'connected') return;
      s.fire(this.emitter, N.CallEvents.PlaybackStarted, this.base(N.CallEvents.PlaybackStarted, { duration: dur / 1000 }));
      pb.utt = this.botStart('call.say', str, dur);
      pb.endTask = this.later(dur, () => {
        if (this.sayPlayback !== pb) return;
        this.sayPlayback = null;
        this.botEnd(pb.utt, { cut: false });
        s.fire(this.emitter, N.CallEvents.PlaybackFinished, this.base(N.CallEvents.PlaybackFinished));
      });
    });
  }

  stopSay(via) {
    const pb = this.sayPlayback;
    if (!pb) return;
    this.sayPlayback = null;
    this.s.sched.cancel(pb.startTask);
    this.s.sched.cancel(pb.endTask);
    if (pb.utt) this.botEnd(pb.utt, { cut: true, via });
  }

  stopPlayback() {
    const s = this.s;
    s.event('api', { api: 'call.stopPlayback', call: this.idValue });
    const had = Boolean(this.sayPlayback);
    this.stopSay('call.stopPlayback');
    // Whether the platform reports a stopped call.say with PlaybackFinished is unconfirmed:
    // by default it does not; config.sayStopFiresPlaybackFinished makes it (test both).
    if (had && s.cfg.sayStopFiresPlaybackFinished && this.state === 'connected') {
      this.later(0, () => s.fire(this.emitter, N.CallEvents.PlaybackFinished, this.base(N.CallEvents.PlaybackFinished)));
    }
  }

  // ---- what the operator hears
  botSpeaking() {
    let latest = null;
    for (const u of this.botUtterances) if (!latest || u.start > latest.start) latest = u;
    return latest;
  }

  botStart(source, text, durMs) {
    const s = this.s;
    const utt = { id: makeId('bot-'), source, text, start: s.now, plannedEnd: s.now + durMs, entry: null };
    utt.entry = { who: 'bot', text, t_ms: s.now, end_ms: null, source };
    s.transcript.push(utt.entry);
    this.botUtterances.add(utt);
    s.event('bot', { action: 'speech_start', source, text, planned_ms: durMs });
    this.operator.onBotStart(utt);
    return utt;
  }

  botEnd(utt, { cut, via }) {
    const s = this.s;
    if (!utt || !this.botUtterances.has(utt)) return;
    this.botUtterances.delete(utt);
    utt.entry.end_ms = s.now;
    if (cut) {
      const total = Math.max(1, utt.plannedEnd - utt.start);
      const frac = Math.max(0, Math.min(1, (s.now - utt.start) / total));
      utt.entry.cut = true;
      utt.entry.spoken_fraction = Math.round(frac * 100) / 100;
      utt.entry.cut_by = via;
      s.event('bot', { action: 'speech_cut', source: utt.source, via, spoken_fraction: utt.entry.spoken_fraction });
      if (via !== 'call ended' && via !== 'replaced by a new call.say()') {
        s.bargeIns.push({ t_ms: s.now, via, bot_text: utt.text, spoken_fraction: utt.entry.spoken_fraction,
          operator_speaking: Boolean(this.operatorSpeech && this.operatorSpeech.end > s.now) });
      }
    } else {
      s.event('bot', { action: 'speech_end', source: utt.source });
    }
    this.operator.onBotEnd(utt);
  }

  // ---- what the bot hears
  /**
   * The operator speaks one line: one utterance, or (a `say` list) parts with `pause_ms` between
   * them, each part delivered to the listening units as its own speech segment. Returns the whole
   * line {start, end, ...}.
   */
  operatorSays(line) {
    const s = this.s;
    const parts = Array.isArray(line.say) ? line.say : [line.say];
    const asrParts = line.asr_text !== undefined ? [String(line.asr_text)] : parts;
    const pause = line.pause_ms !== undefined ? Number(line.pause_ms) : 700;
    const confidence = line.confidence !== undefined ? Number(line.confidence) : 0.92;
    const segments = [];
    let t = s.now;
    parts.forEach((p, i) => {
      const dur = speechMs(s, p, s.cfg.operatorMsPerChar);
      const asrText = asrParts.length === parts.length ? asrParts[i] : (i === 0 ? asrParts[0] : '');
      segments.push({ text: p, asrText, confidence, start: t, end: t + dur, noise: false });
      t += dur + pause;
    });
    const text = parts.join(' ');
    const utt = { text, start: s.now, end: segments[segments.length - 1].end, segments };
    this.operatorSpeech = utt;
    const bot = this.botSpeaking();
    s.transcript.push({ who: 'operator', text, t_ms: s.now, end_ms: utt.end, ...(bot ? { over_bot: true } : {}), ...(line.greeting ? { greeting: true } : {}) });
    s.event('operator', { action: line.greeting ? 'greeting' : 'say', text, duration_ms: utt.end - utt.start, barge_in: Boolean(bot), parts: parts.length });
    this.deliver(segments, text);
    return utt;
  }

  /** A sound without words (line noise, a cough): a speech detector starts, no text follows. */
  operatorNoise(ms) {
    const s = this.s;
    const seg = { text: '', asrText: '', confidence: 0, start: s.now, end: s.now + ms, noise: true };
    this.operatorSpeech = { text: '', start: seg.start, end: seg.end, segments: [seg] };
    s.transcript.push({ who: 'operator', text: '', t_ms: s.now, end_ms: seg.end, noise: true });
    s.event('operator', { action: 'noise', duration_ms: ms });
    this.deliver([seg], '(noise)');
  }

  deliver(segments, label) {
    const s = this.s;
    let heard = false;
    for (const unit of this.mediaTargets) {
      if (!unit.onOperatorSpeech) continue;
      heard = true;
      for (const seg of segments) {
        if (seg.start <= s.now) unit.onOperatorSpeech(seg, this);
        else s.sched.at(seg.start, () => { if (this.mediaTargets.has(unit)) unit.onOperatorSpeech(seg, this); });
      }
    }
    if (!heard) s.event('operator', { action: 'unheard', text: label, message: 'no ASR / realtime client receives this call\'s audio' });
  }

  /** A unit routed while the operator speaks hears the rest of the segment in progress. */
  hearOngoing(unit) {
    const u = this.operatorSpeech;
    if (!u || !unit.onOperatorSpeech) return;
    const now = this.s.now;
    for (const seg of u.segments) {
      if (seg.end <= now) continue;
      const part = seg.start >= now ? seg : { ...seg, start: now };
      this.s.sched.at(part.start, () => { if (this.mediaTargets.has(unit)) unit.onOperatorSpeech(part, this); });
      if (seg.start < now) this.s.event('operator', { action: 'heard_late', text: seg.text, message: 'routed mid-utterance: the rest is heard' });
    }
  }
}

function callPSTN(s, number, callerId, opts) {
  if (typeof number !== 'string' || !number) throwTypeError(s, 'bad_argument', 'VoxEngine.callPSTN(number, callerId, ...): number must be a non-empty string');
  if (typeof callerId !== 'string' || !callerId) {
    throwTypeError(s, 'bad_argument', 'VoxEngine.callPSTN(number, callerId, ...): callerId must be a rented or verified number (string)');
  }
  if (opts !== undefined && !isPlainObject(opts)) throwTypeError(s, 'bad_argument', 'VoxEngine.callPSTN: the third argument must be an object');
  for (const k of Object.keys(opts || {})) {
    if (!['amd', 'followDiversion'].includes(k)) s.warn('unknown_option', `VoxEngine.callPSTN(): option "${k}" is not emulated`);
  }
  if (s.state !== 'running') {
    s.warn('after_terminate', 'VoxEngine.callPSTN() after terminate(): ignored');
  }
  const call = new CallImpl(s, number, callerId, opts);
  s.calls.push(call);
  if (s.state === 'running') call.dial();
  s.activeCallsChanged();
  return call.facade;
}

// ------------------------------------------------------------------ ASR
class ASRImpl {
  constructor(s, opts) {
    this.s = s;
    this.opts = opts;
    this.active = true;
    this.tasks = new Set();
    this.emitter = new Emitter(s, 'ASR', N.ASREvents);
    const self = this;
    const e = this.emitter;
    this.facade = facade('ASR', {
      addEventListener(ev, fn) { e.add(ev, fn); },
      removeEventListener(ev, fn) { e.remove(ev, fn); },
      stop() { self.stop(); },
    }, s);
    s.units.set(this.facade, this);
    this.later(s.cfg.asrStartMs, N.ASREvents.Started, {});
  }

  later(ms, name, extra) {
    const t = this.emitter.emitAfter(ms, name, () => {
      this.tasks.delete(t);
      if (!this.active && name !== N.ASREvents.Stopped) return null;
      return { name, asr: this.facade, ...extra };
    });
    this.tasks.add(t);
    return t;
  }

  /**
   * One speech segment. singleUtterance true: a Result after every utterance, and recognition goes
   * on (typings v28), unless config.asrSingleUtteranceStops (the opposite reading: it stops).
   * false: the Result comes "in unpredictable time", modelled as asrNoSingleUtteranceDelayMs later.
   * A noise burst starts a capture and gives no Result.
   */
  onOperatorSpeech(utt) {
    if (!this.active) return;
    const s = this.s;
    const cfg = s.cfg;
    const rel = (t) => Math.max(0, t - s.now);
    this.later(cfg.asrCaptureMs, N.ASREvents.CaptureStarted, {});
    if (utt.noise) return;
    if (this.opts.interimResults) {
      const words = utt.asrText.split(/\s+/);
      const part = words.slice(0, Math.max(1, Math.ceil(words.length / 2))).join(' ');
      this.later(rel((utt.start + utt.end) / 2), N.ASREvents.InterimResult, { text: part });
    }
    this.later(rel(utt.end), N.ASREvents.SpeechCaptured, {});
    const finalize = this.opts.singleUtterance ? cfg.asrFinalizeMs : cfg.asrNoSingleUtteranceDelayMs;
    const t = this.s.sched.after(rel(utt.end) + finalize, () => {
      this.tasks.delete(t);
      if (!this.active) return;
      s.event('asr', { action: 'result', text: utt.asrText });
      const field = cfg.asrResultField === 'transcript' ? 'transcript' : 'text';
      s.fire(this.emitter, N.ASREvents.Result, { name: N.ASREvents.Result, asr: this.facade, [field]: utt.asrText, confidence: utt.confidence });
      if (this.opts.singleUtterance && cfg.asrSingleUtteranceStops) this.stop();
    });
    this.tasks.add(t);
  }

  stop() {
    if (!this.active) return;
    this.active = false;
    for (const t of this.tasks) this.s.sched.cancel(t);
    this.tasks.clear();
    for (const c of this.s.calls) c.mediaTargets.delete(this);
    this.s.event('api', { api: 'asr.stop' });
    this.later(0, N.ASREvents.Stopped, {});
  }
}

function createASR(s, opts) {
  if (!s.modules.has('asr')) {
    const msg = 'VoxEngine.createASR() before require(Modules.ASR)';
    s.violation('module_not_loaded', msg);
    throw new s.ctx.Error(msg);
  }
  if (!isPlainObject(opts)) throwTypeError(s, 'bad_argument', 'VoxEngine.createASR(parameters): parameters must be an object');
  if (!PROFILES.has(opts.profile)) {
    throwTypeError(s, 'bad_argument', 'VoxEngine.createASR(): profile must be a value of ASRProfileList (e.g. ASRProfileList.Google.ru_RU)');
  }
  const known = new Set(['profile', 'singleUtterance', 'interimResults', 'phraseHints', 'model', 'language', 'profanityFilter', 'headers', 'request']);
  for (const k of Object.keys(opts)) if (!known.has(k)) s.warn('unknown_option', `VoxEngine.createASR(): option "${k}" is not emulated`);
  s.event('api', { api: 'VoxEngine.createASR', profile: opts.profile, singleUtterance: Boolean(opts.singleUtterance) });
  return new ASRImpl(s, { ...opts }).facade;
}

// ------------------------------------------------------------------ TTS player
function checkVoice(s, where, p) {
  if (!isPlainObject(p)) throwTypeError(s, 'bad_argument', `${where}: parameters must be an object`);
  if (p.language !== undefined && p.voice === undefined) {
    s.warn('tts_language_key', `${where}: use {voice: VoiceList.X}; the "language" key is from old examples`);
  }
  if (p.voice !== undefined && !VOICES.has(p.voice)) {
    throwTypeError(s, 'bad_argument', `${where}: voice must be a value of VoiceList (e.g. VoiceList.TBank.ru_RU_Dima)`);
  }
}

class PlayerImpl {
  constructor(s, text, opts) {
    this.s = s;
    this.text = text;
    this.targets = new Set();
    this.state = 'pending'; // pending | playing | finished | stopped | error
    this.utts = new Map(); // call -> utterance
    this.tasks = [];
    this.emitter = new Emitter(s, 'Player', N.PlayerEvents);
    const self = this;
    const e = this.emitter;
    this.facade = facade('Player', {
      addEventListener(ev, fn) { e.add(ev, fn); },
      removeEventListener(ev, fn) { e.remove(ev, fn); },
      sendMediaTo(unit) { self.route(unit, true); },
      stopMediaTo(unit) { self.route(unit, false); },
      stop() { self.stop(); },
    }, s);
    s.units.set(this.facade, this);
    const cfg = s.cfg;
    if (text.length > cfg.ttsMaxChars) {
      s.violation('tts_text_too_long', `VoxEngine.createTTSPlayer(): text is ${text.length} chars; TTS fails over ${cfg.ttsMaxChars}`);
      this.state = 'error';
      this.emitter.emitAfter(cfg.ttsStartMs, N.PlayerEvents.Error, {
        name: N.PlayerEvents.Error, player: this.facade, error: `TTS text longer than ${cfg.ttsMaxChars} characters`,
      });
      return;
    }
    this.dur = speechMs(s, text, cfg.ttsMsPerChar);
    this.tasks.push(s.sched.after(cfg.ttsStartMs, () => {
      if (this.state !== 'pending') return;
      this.state = 'playing';
      this.startedAt = s.now;
      s.fire(this.emitter, N.PlayerEvents.Started, { name: N.PlayerEvents.Started, player: this.facade, duration: this.dur / 1000 });
      if (this.state !== 'playing') return;
      for (const c of this.targets) this.startOn(c);
      if (this.targets.size === 0) s.event('bot', { action: 'player_unrouted', text, message: 'TTS player plays to no call' });
      this.tasks.push(s.sched.after(this.dur, () => {
        if (this.state !== 'playing') return;
        this.state = 'finished';
        for (const c of [...this.utts.keys()]) this.endOn(c, false);
        s.fire(this.emitter, N.PlayerEvents.PlaybackFinished, { name: N.PlayerEvents.PlaybackFinished, player: this.facade });
      }));
    }));
  }

  startOn(call) {
    if (call.state !== 'connected' || this.utts.has(call)) return;
    const remaining = this.startedAt + this.dur - this.s.now;
    if (remaining <= 0) return;
    const u = call.botStart('tts_player', this.text, remaining);
    u.start = this.startedAt;
    u.plannedEnd = this.startedAt + this.dur;
    this.utts.set(call, u);
  }

  endOn(call, cut, via) {
    const u = this.utts.get(call);
    this.utts.delete(call);
    if (u) call.botEnd(u, { cut, via });
  }

  route(unit, on) {
    const s = this.s;
    const call = s.units.get(unit);
    if (!(call instanceof CallImpl)) throwTypeError(s, 'bad_argument', 'player.sendMediaTo(unit): unit must be a Call');
    if (on) {
      this.targets.add(call);
      if (this.state === 'playing') this.startOn(call);
    } else {
      this.targets.delete(call);
      if (this.utts.has(call)) this.endOn(call, true, 'player.stopMediaTo');
    }
  }

  stop() {
    const s = this.s;
    s.event('api', { api: 'player.stop', state: this.state });
    if (this.state !== 'pending' && this.state !== 'playing') return;
    this.state = 'stopped';
    for (const t of this.tasks) s.sched.cancel(t);
    for (const c of [...this.utts.keys()]) this.endOn(c, true, 'player.stop');
    this.emitter.emitAfter(0, N.PlayerEvents.Stopped, { name: N.PlayerEvents.Stopped, player: this.facade });
  }
}

/**
 * VoxEngine allows 10 media players per session; whether that counts concurrent or total players
 * is unconfirmed. The emulator takes the conservative reading: every player created counts, for
 * the whole session, and the 11th is a violation (the player still works so the run goes on).
 * call.say() is not counted (emulator choice: it is not a player object the scenario creates).
 */
function countPlayer(s, api) {
  s.players += 1;
  if (s.players > s.cfg.maxPlayers) {
    s.violation('player_limit', `${api}: media player #${s.players} in this session; VoxEngine allows ${s.cfg.maxPlayers} ` +
      'per session and whether that is concurrent or total is unconfirmed, so the emulator counts every player ever ' +
      'created (speak lines with call.say / call.stopPlayback, or reuse players)');
  }
}

function createTTSPlayer(s, text, opts) {
  if (typeof text !== 'string') throwTypeError(s, 'bad_argument', 'VoxEngine.createTTSPlayer(text, parameters): text must be a string');
  const p = opts === undefined ? {} : opts;
  checkVoice(s, 'VoxEngine.createTTSPlayer', p);
  countPlayer(s, 'VoxEngine.createTTSPlayer');
  s.event('api', { api: 'VoxEngine.createTTSPlayer', text });
  return new PlayerImpl(s, text, p).facade;
}

// ------------------------------------------------------------------ media routing
function routeMedia(s, call, unit, on) {
  const target = s.units.get(unit);
  if (!target) throwTypeError(s, 'bad_argument', 'call.sendMediaTo(unit): unit must be a VoxEngine media unit (ASR, Call, OpenAI client)');
  if (target instanceof CallImpl) {
    s.event('api', { api: on ? 'call.sendMediaTo' : 'call.stopMediaTo', target: 'Call' });
    return;
  }
  if (target instanceof PlayerImpl) throwTypeError(s, 'bad_argument', 'call.sendMediaTo(player): a call cannot send media to a player');
  s.event('api', { api: on ? 'call.sendMediaTo' : 'call.stopMediaTo', target: target.constructor.name.replace('Impl', '') });
  if (on) {
    call.mediaTargets.add(target);
    if (target.linkCallInput) target.linkCallInput(call);
    call.hearOngoing(target);
  } else {
    call.mediaTargets.delete(target);
    if (target.unlinkCallInput) target.unlinkCallInput(call);
  }
}

function sendMediaBetween(s, a, b) {
  const ia = s.units.get(a);
  const ib = s.units.get(b);
  if (!ia || !ib) throwTypeError(s, 'bad_argument', 'VoxEngine.sendMediaBetween(a, b): both must be media units (Call, OpenAI client)');
  s.event('api', { api: 'VoxEngine.sendMediaBetween', a: ia.constructor.name.replace('Impl', ''), b: ib.constructor.name.replace('Impl', '') });
  for (const [x, y] of [[ia, ib], [ib, ia]]) {
    if (x instanceof CallImpl && !(y instanceof CallImpl)) {
      x.mediaTargets.add(y);
      if (y.linkCallInput) y.linkCallInput(x);
      if (y.linkCallOutput) y.linkCallOutput(x);
      x.hearOngoing(y);
    }
  }
}

module.exports = { callPSTN, createASR, createTTSPlayer, sendMediaBetween, CallImpl, ASRImpl, PlayerImpl };
