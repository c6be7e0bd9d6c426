'use strict';
/**
 * One emulated VoxEngine session: the node:vm sandbox the scenario runs in,
 * the virtual-clock loop, limit enforcement and the report.
 */
const vm = require('node:vm');
const path = require('node:path');
const { Scheduler } = require('./scheduler');
const { strict, namespace, facade, makeId, clone, safeJson } = require('./util');
const { Emitter } = require('./emitter');
const N = require('./names');
const { Net } = require('./net');
const telephony = require('./telephony');
const realtime = require('./realtime');

const DEFAULTS = {
  // limits (docs "VoxEngine limits")
  callbackLimitMs: 1000,
  maxActiveHttp: 3,
  maxPendingHttp: 35, // active + queued; the 36th outstanding request throws
  httpRequestsAfterTerminating: 1,
  customDataMaxBytes: 200,
  noCallsTimeoutMs: 60000,
  maxActiveTimers: 100,
  ttsMaxChars: 1500,
  maxPlayers: 10, // media players created per session (total: the conservative reading)
  maxScenarioChars: 256 * 1024,
  httpMaxResponseBytes: 2 * 1024 * 1024,
  // run guards
  maxWallMs: 60000,
  maxVirtualMs: 2 * 60 * 60 * 1000,
  realTimeFactor: 0, // 0 = as fast as possible; 1 = virtual time follows wall time
  // simulated costs (virtual ms)
  httpLatencyMs: 0,
  httpRealLatency: false, // true: real HTTP time also passes in virtual time (local stack)
  ringMs: 1000,
  answerAfterS: 3,
  asrStartMs: 100,
  asrCaptureMs: 250,
  asrFinalizeMs: 800,
  ttsStartMs: 200,
  ttsMsPerChar: 65,
  recordStartMs: 100,
  operatorMsPerChar: 70,
  operatorReactionMs: 600,
  operatorPatienceMs: 8000,
  operatorFirstLinePatienceMs: 3000,
  operatorBargeInAfterMs: 1200,
  operatorHangupDelayMs: 2000,
  operatorGoodbye: 'До свидания!',
  realtimeConnectMs: 300,
  realtimeClientLatencyMs: 0,
  realtimeEventMs: 50,
  realtimeVadStartMs: 200,
  realtimeTranscriptionMs: 300,
  realtimeFunctionCallMs: 400,
  realtimeFirstAudioMs: 700,
  realtimeMsPerChar: 65,
  realtimeGenerationRatio: 0.3,
  realtimeMediaEndedAfterMs: 1000,
  operatorGreetingAfterMs: 500, // a script's `greeting` is said this long after the answer
  asrNoSingleUtteranceDelayMs: 3000, // singleUtterance false: Result "in unpredictable time" (this much later)
  // as unkind as the platforms (README "Stand-ins as unkind as the platforms"); all off by default
  realtimeSkipToolAtTurn: 0, // the N-th operator utterance: the model answers in audio, no tool call
  realtimeSkipToolText: 'Да-да, я вас слушаю, продолжайте.',
  realtimePreamble: false, // the model says a short filler before each get_reply call
  realtimePreambleText: 'Так, секундочку.',
  // clearMediaBuffer() ends the media stream at once (WebSocketMediaEnded now, so the next audio gets
  // a fresh WebSocketMediaStarted); off: the stream ends only after 1 s of silence (the typings)
  realtimeMediaEndsOnClear: false,
  realtimeFailResponseAt: 0, // the N-th response (and realtimeFailTimes - 1 after it) ends `failed`
  realtimeFailTimes: 1,
  realtimeOperatorSaid: 'exact', // get_reply's operator_said: exact | paraphrase | empty
  realtimeWebSocketErrorAtTurn: 0, // the N-th operator utterance: the connector reports WebSocketError
  realtimeConnectHttpStatus: 0, // after connecting, the connector dispatches HTTPResponse {code: N}
  // unconfirmed platform behaviour, switchable so a scenario can be tested both ways
  sayStopFiresPlaybackFinished: false, // call.stopPlayback() also dispatches CallEvents.PlaybackFinished
  asrSingleUtteranceStops: false, // true: singleUtterance stops the ASR after its first Result
  asrResultField: 'text', // the Result's text field: text, or transcript (some providers, typings v28)
  realtime: {},
  faults: {},
  storage: {},
  httpRequests: [],
  startEpochMs: null,
  accessURL: null,
  applicationId: 1000001,
  accountId: 2000002,
};

const FAULT_KEYS = new Set(['net', 'realtimeCloseAtTurn', 'realtimeCloseCode', 'realtimeCloseReason', 'realtimeCloseWasClean',
  'realtimeDeviateAtResponse', 'realtimeDeviateText']);
const REALTIME_KEYS = new Set(['functionArgs', 'cannedLines', 'goodbyeLine']);

/** Reject unknown config keys: a typo would otherwise silently use a default. */
function checkConfig(config) {
  const bad = Object.keys(config).filter((k) => !(k in DEFAULTS));
  bad.push(...Object.keys(config.faults || {}).filter((k) => !FAULT_KEYS.has(k)).map((k) => `faults.${k}`));
  bad.push(...Object.keys(config.realtime || {}).filter((k) => !REALTIME_KEYS.has(k)).map((k) => `realtime.${k}`));
  if (bad.length) throw new Error(`unknown emulator config key(s): ${bad.join(', ')}`);
  if (config.realtimeOperatorSaid !== undefined && !['exact', 'paraphrase', 'empty'].includes(config.realtimeOperatorSaid)) {
    throw new Error('emulator config realtimeOperatorSaid must be exact, paraphrase or empty');
  }
  for (const k of ['realtimeSkipToolAtTurn', 'realtimeFailResponseAt', 'realtimeFailTimes', 'realtimeWebSocketErrorAtTurn', 'realtimeConnectHttpStatus']) {
    if (config[k] !== undefined && !(Number.isInteger(config[k]) && config[k] >= 0)) throw new Error(`emulator config ${k} must be an integer >= 0`);
  }
}

const SIMULATED_KEYS = [
  'httpLatencyMs', 'httpRealLatency', 'ringMs', 'answerAfterS', 'asrStartMs', 'asrCaptureMs', 'asrFinalizeMs', 'ttsStartMs',
  'ttsMsPerChar', 'recordStartMs', 'operatorMsPerChar', 'operatorReactionMs', 'operatorPatienceMs',
  'operatorFirstLinePatienceMs', 'operatorBargeInAfterMs', 'operatorHangupDelayMs', 'realtimeConnectMs', 'realtimeClientLatencyMs',
  'realtimeEventMs', 'realtimeVadStartMs', 'realtimeTranscriptionMs', 'realtimeFunctionCallMs',
  'realtimeFirstAudioMs', 'realtimeMsPerChar', 'realtimeGenerationRatio', 'realtimeMediaEndedAfterMs',
  'operatorGreetingAfterMs', 'asrNoSingleUtteranceDelayMs',
  // the unkind behaviours (off by default): echoed so a report says which ones ran
  'realtimeSkipToolAtTurn', 'realtimeSkipToolText', 'realtimePreamble', 'realtimePreambleText', 'realtimeMediaEndsOnClear', 'realtimeFailResponseAt',
  'realtimeFailTimes', 'realtimeOperatorSaid', 'realtimeWebSocketErrorAtTurn', 'realtimeConnectHttpStatus', 'sayStopFiresPlaybackFinished',
  'asrSingleUtteranceStops', 'asrResultField',
];

// Builtins newer than SpiderMonkey 81 (Firefox 81): removed so a scenario that
// uses them fails here as it would on the platform.
const PRELUDE = `(function (nowFn) {
  'use strict';
  const RealDate = Date;
  function VDate(...a) {
    if (!new.target) return new RealDate(nowFn()).toString();
    return a.length ? new RealDate(...a) : new RealDate(nowFn());
  }
  VDate.prototype = RealDate.prototype;
  Object.defineProperty(RealDate.prototype, 'constructor', { value: VDate, writable: true, configurable: true });
  VDate.now = function now() { return nowFn(); };
  VDate.parse = RealDate.parse;
  VDate.UTC = RealDate.UTC;
  globalThis.Date = VDate;
  const TA = Object.getPrototypeOf(Int8Array.prototype);
  const drop = [
    [Array.prototype, ['at', 'findLast', 'findLastIndex', 'toSorted', 'toReversed', 'toSpliced', 'with', 'group', 'groupToMap']],
    [String.prototype, ['at', 'isWellFormed', 'toWellFormed']],
    [TA, ['at', 'findLast', 'findLastIndex', 'toSorted', 'toReversed', 'with']],
    [Object, ['hasOwn', 'groupBy']],
    [Map, ['groupBy']],
    [Promise, ['withResolvers']],
    [Array, ['fromAsync']],
  ];
  for (const [o, keys] of drop) for (const k of keys) { try { delete o[k]; } catch (e) { /* ignore */ } }
  for (const k of ['structuredClone', 'SharedArrayBuffer', 'WebAssembly', 'Atomics', 'FinalizationRegistry']) {
    try { delete globalThis[k]; } catch (e) { /* ignore */ }
  }
})`;

const SLOT = `__voxemu_${Math.random().toString(36).slice(2)}`;
const INVOKER = new vm.Script(`globalThis[${JSON.stringify(SLOT)}]()`, { filename: 'voxengine-emulator' });

// Sessions alive in this process, to attribute unhandled rejections.
const LIVE = new Set();
function onUnhandled(reason, promise) {
  for (const s of LIVE) {
    if (promise instanceof s.ctx.Promise) {
      s.uncaught('unhandled promise rejection', reason);
      return;
    }
  }
  setImmediate(() => { throw reason; });
}

class Session {
  constructor({ scenarioPaths, scenarioSource, customData = '', operator, secrets = {}, config = {} }) {
    checkConfig(config);
    this.cfg = { ...DEFAULTS, ...config };
    this.cfg.realtime = { ...(config.realtime || {}) };
    this.cfg.faults = { ...(config.faults || {}) };
    // The rule's scenarios, in binding order: they run in one context, as VoxEngine runs the
    // scenarios bound to one rule "in the same space" (or one source string, for fixtures).
    this.scenarioPaths = scenarioPaths && scenarioPaths.length ? [...scenarioPaths] : [];
    this.scenarioSource = scenarioSource;
    this.customDataValue = customData == null ? '' : String(customData);
    this.operatorScript = operator || { answer: 'answer', lines: [] };
    this.secrets = { ...secrets };
    this.sched = new Scheduler();
    this.sessionId = String(Math.floor(1e9 + Math.random() * 9e9));
    this.epoch = this.cfg.startEpochMs == null ? Date.now() : Number(this.cfg.startEpochMs);
    this.state = 'new'; // new | running | terminating | finished
    this.events = [];
    this.violations = [];
    this.warnings = [];
    this.transcript = [];
    this.httpLog = [];
    this.rtClientEvents = [];
    this.rtServerEvents = [];
    this.bargeIns = [];
    this.logs = [];
    this.calls = [];
    this.realtimeClients = [];
    this.players = 0;
    this.hangupBy = null;
    this.terminated = false;
    this.maxCallbackMs = 0;
    this.modules = new Set();
    this.units = new WeakMap(); // facade -> internal object
    this.timers = new Map();
    this.timerSeq = 0;
    this.noCallsTask = null;
    this.storage = new Map(Object.entries(this.cfg.storage || {}));
    this.accessBase = this.cfg.accessURL || `http://emulator.invalid/sessions/${this.sessionId}`;
    this.done = null;
  }

  // ---------------------------------------------------------------- report
  get now() { return this.sched.now; }

  event(kind, fields = {}) {
    this.events.push({ t_ms: this.now, kind, ...fields });
  }

  violation(kind, message) {
    // The same message at the same virtual time is recorded once.
    if (this.violations.some((v) => v.kind === kind && v.message === message && v.t_ms === this.now)) return;
    this.violations.push({ t_ms: this.now, kind, message });
    this.event('violation', { violation: kind, message });
  }

  warn(kind, message) {
    if (this.warnings.some((w) => w.kind === kind && w.message === message)) return;
    this.warnings.push({ t_ms: this.now, kind, message });
    this.event('warning', { warning: kind, message });
  }

  uncaught(label, err) {
    let msg = String(err);
    if (err && typeof err === 'object' && 'message' in err) {
      const at = String(err.stack || '').split('\n').find((l) => /^\s+at /.test(l));
      msg = `${err.name || 'Error'}: ${err.message}${at ? ` (${at.trim()})` : ''}`;
    }
    this.violation('uncaught_exception', `${label}: ${msg}`);
  }

  simulated() {
    const out = { simulated: true };
    for (const k of SIMULATED_KEYS) out[k] = this.cfg[k];
    return out;
  }

  report() {
    return {
      ok: this.violations.length === 0,
      status: this.state === 'finished' ? 'finished' : 'running',
      session_id: this.sessionId,
      scenario: this.scenarioPaths.length ? this.scenarioPaths[this.scenarioPaths.length - 1] : null,
      scenarios: this.scenarioPaths,
      violations: this.violations,
      warnings: this.warnings,
      events: this.events,
      transcript: this.transcript,
      http: this.httpLog,
      realtime_client_events: this.rtClientEvents,
      realtime_server_events: this.rtServerEvents,
      barge_ins: this.bargeIns,
      players_created: this.players,
      calls: this.calls.map((c) => c.summary()),
      hangup_by: this.hangupBy,
      terminated: this.terminated,
      duration_ms: this.now,
      wall_ms: this.wallStart ? Date.now() - this.wallStart : 0,
      max_callback_ms: Math.round(this.maxCallbackMs * 10) / 10,
      start_epoch_ms: this.epoch,
      logs: this.logs,
      simulated: this.simulated(),
    };
  }

  // ---------------------------------------------------------------- sandbox
  buildSandbox() {
    const context = vm.createContext({}, { name: 'voxengine-scenario', microtaskMode: 'afterEvaluate' });
    Object.defineProperty(context, SLOT, { value: null, writable: true, enumerable: false, configurable: false });
    this.context = context;
    this.ctx = {};
    for (const k of ['Promise', 'TypeError', 'Error', 'ReferenceError', 'RangeError', 'Object', 'JSON']) {
      this.ctx[k] = vm.runInContext(k, context);
    }
    vm.runInContext(PRELUDE, context)(() => this.epoch + this.now);
    const s = this;
    const g = {};

    g.Logger = namespace('Logger', { write: (msg) => s.log(msg) }, s);
    const con = (level) => (...args) => s.log(args.map((a) => (typeof a === 'string' ? a : safeJson(a))).join(' '), level);
    g.console = namespace('console', { log: con('log'), info: con('info'), warn: con('warn'), error: con('error'), debug: con('debug') }, s);

    g.setTimeout = (fn, ms, ...args) => s.addTimer(fn, ms, args, false);
    g.setInterval = (fn, ms, ...args) => s.addTimer(fn, ms, args, true);
    g.clearTimeout = (id) => s.clearTimer(id);
    g.clearInterval = (id) => s.clearTimer(id);

    g.AppEvents = namespace('AppEvents', N.AppEvents, s);
    g.CallEvents = namespace('CallEvents', N.CallEvents, s);
    g.PlayerEvents = namespace('PlayerEvents', N.PlayerEvents, s);
    g.VoiceList = namespace('VoiceList', N.VoiceList, s);
    g.Modules = namespace('Modules', N.Modules, s);
    g.require = (mod) => s.requireModule(mod);
    g.Net = namespace('Net', { httpRequestAsync: (url, opts) => s.net.request(url, opts) }, s);

    this.appEmitter = new Emitter(this, 'VoxEngine', N.AppEvents);
    g.VoxEngine = namespace('VoxEngine', {
      addEventListener: (ev, fn) => s.appEmitter.add(ev, fn),
      removeEventListener: (ev, fn) => s.appEmitter.remove(ev, fn),
      customData: (value) => {
        if (value !== undefined) s.customDataValue = String(value);
        return s.customDataValue;
      },
      terminate: () => s.terminate('VoxEngine.terminate()'),
      callPSTN: (number, callerId, opts) => telephony.callPSTN(s, number, callerId, opts),
      createASR: (opts) => telephony.createASR(s, opts),
      createTTSPlayer: (text, opts) => telephony.createTTSPlayer(s, text, opts),
      sendMediaBetween: (a, b) => telephony.sendMediaBetween(s, a, b),
      getSecretValue: (name) => {
        s.event('api', { api: 'VoxEngine.getSecretValue', name: String(name), found: name in s.secrets });
        return Object.prototype.hasOwnProperty.call(s.secrets, name) ? String(s.secrets[name]) : undefined;
      },
    }, s);

    for (const [k, v] of Object.entries(g)) {
      Object.defineProperty(context, k, { value: v, writable: true, enumerable: false, configurable: true });
    }
  }

  defineGlobal(name, value) {
    Object.defineProperty(this.context, name, { value, writable: true, enumerable: false, configurable: true });
  }

  requireModule(mod) {
    const name = Object.keys(N.Modules).find((k) => N.Modules[k] === mod);
    if (!name) {
      const msg = `require(${safeJson(mod)}): VoxEngine can only require platform modules (require(Modules.X))`;
      this.violation('unknown_api', msg);
      throw new this.ctx.Error(msg);
    }
    if (!N.EMULATED_MODULES.has(mod)) {
      const msg = `require(Modules.${name}): this module exists on the platform but is not emulated`;
      this.violation('not_emulated', msg);
      throw new this.ctx.Error(msg);
    }
    if (this.modules.has(mod)) return undefined;
    this.modules.add(mod);
    this.event('api', { api: 'require', module: `Modules.${name}` });
    if (mod === 'asr') {
      this.defineGlobal('ASREvents', namespace('ASREvents', N.ASREvents, this));
      this.defineGlobal('ASRProfileList', namespace('ASRProfileList', N.ASRProfileList, this));
    } else if (mod === 'openai') {
      this.defineGlobal('OpenAI', realtime.makeNamespace(this));
    } else if (mod === 'applicationstorage') {
      this.defineGlobal('ApplicationStorage', this.makeStorage());
    }
    return undefined;
  }

  makeStorage() {
    const s = this;
    const entry = (key) => {
      const e = s.storage.get(key);
      if (e === undefined) return null;
      const v = typeof e === 'object' && e !== null && 'value' in e ? e : { value: String(e), ttl: 0 };
      return s.toCtx({ key, value: v.value, ttl: v.ttl || 0 });
    };
    const later = (fn) => s.deferred((resolve) => s.sched.after(1, () => s.enter('ApplicationStorage', () => resolve(fn()))));
    return namespace('ApplicationStorage', {
      get: (key) => later(() => entry(String(key))),
      put: (key, value, ttl) => later(() => {
        s.storage.set(String(key), { value: String(value), ttl: ttl || 0 });
        return entry(String(key));
      }),
      delete: (key) => later(() => {
        const e = entry(String(key));
        s.storage.delete(String(key));
        return e;
      }),
    }, this);
  }

  /** A promise of the scenario's realm; executor runs now. */
  deferred(executor) {
    return new this.ctx.Promise((resolve, reject) => executor(resolve, reject));
  }

  /** Copy plain data into the sandbox realm (so instanceof Object/Array hold there). */
  toCtx(value) {
    if (value === undefined) return undefined;
    return this.ctx.JSON.parse(JSON.stringify(value));
  }

  log(msg, level) {
    const text = typeof msg === 'string' ? msg : safeJson(msg);
    this.logs.push({ t_ms: this.now, text, ...(level ? { level } : {}) });
    this.event('log', { text });
  }

  // ---------------------------------------------------------------- timers
  addTimer(fn, ms, args, repeat) {
    if (typeof fn !== 'function') {
      const msg = 'setTimeout/setInterval needs a function (string code is not supported)';
      this.violation('bad_argument', msg);
      throw new this.ctx.TypeError(msg);
    }
    if (this.timers.size >= this.cfg.maxActiveTimers) {
      const msg = `more than ${this.cfg.maxActiveTimers} active timers (VoxEngine limit)`;
      this.violation('timer_limit', msg);
      throw new this.ctx.Error(msg);
    }
    const id = ++this.timerSeq;
    const delay = Math.max(0, Number(ms) || 0);
    const schedule = () => {
      const task = this.sched.after(repeat ? Math.max(1, delay) : delay, () => {
        if (!this.timers.has(id)) return;
        if (repeat) schedule(); else this.timers.delete(id);
        this.invoke(repeat ? 'setInterval callback' : 'setTimeout callback', () => fn(...args));
      });
      this.timers.set(id, task);
    };
    schedule();
    return id;
  }

  clearTimer(id) {
    const task = this.timers.get(id);
    if (task) {
      this.sched.cancel(task);
      this.timers.delete(id);
    }
  }

  // ---------------------------------------------------------------- entering the sandbox
  /**
   * Run fn (which calls into scenario code) under the 1 s callback limit. The
   * context drains its own microtasks at the end, so async continuations that
   * fn triggers are covered by the same limit.
   */
  enter(label, fn) {
    if (this.state === 'finished') return;
    this.context[SLOT] = fn;
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    try {
      INVOKER.runInContext(this.context, { timeout: this.cfg.callbackLimitMs });
    } catch (e) {
      if (e && e.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') {
        this.violation('callback_time', `${label} did not return within ${this.cfg.callbackLimitMs} ms ` +
          '(VoxEngine: each callback must return within 1 s); execution was stopped');
      } else {
        this.uncaught(label, e);
      }
    } finally {
      this.context[SLOT] = null;
    }
    const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
    const cpu = process.cpuUsage(cpu0);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    this.maxCallbackMs = Math.max(this.maxCallbackMs, wallMs);
    if (cpuMs > this.cfg.callbackLimitMs && wallMs <= this.cfg.callbackLimitMs) {
      this.violation('callback_time', `${label} used ${Math.round(cpuMs)} ms of CPU (limit ${this.cfg.callbackLimitMs} ms)`);
    }
  }

  /** Call a scenario function (handler); report its async failure too. */
  invoke(label, fn, ...args) {
    let ret;
    this.enter(label, () => { ret = fn(...args); });
    if (ret && typeof ret === 'object' && typeof ret.then === 'function') {
      try {
        ret.then(undefined, (e) => this.uncaught(`${label} (async)`, e));
      } catch (e) { /* not a real promise */ }
    }
  }

  /** Dispatch a platform event to the listeners of an emitter, now. */
  fire(emitter, name, payload) {
    if (this.state === 'finished') return;
    if (this.state === 'terminating' && emitter !== this.appEmitter) {
      this.event('dropped', { name, target: emitter.label, message: 'event after terminate() is not delivered' });
      return;
    }
    const ls = emitter.listenersOf(name);
    this.event('dispatch', { name, target: emitter.label, listeners: ls.length, ...summarizePayload(payload) });
    for (const fn of ls) this.invoke(`${name} handler`, fn, payload);
  }

  // ---------------------------------------------------------------- lifecycle
  terminate(reason) {
    if (this.state !== 'running') return;
    this.state = 'terminating';
    this.terminated = true;
    this.httpAfterTerminating = 0;
    this.event('terminate', { reason });
    for (const c of this.calls) c.endBySession();
    for (const rt of this.realtimeClients) rt.endBySession();
    this.sched.cancel(this.noCallsTask);
    this.sched.at(this.now, () => {
      this.fire(this.appEmitter, N.AppEvents.Terminating, { name: N.AppEvents.Terminating });
    }, { afterTerminate: true });
  }

  activeCallsChanged() {
    const active = this.calls.filter((c) => c.isActive()).length;
    if (active > 0) {
      this.sched.cancel(this.noCallsTask);
      this.noCallsTask = null;
    } else if (!this.noCallsTask && this.state === 'running') {
      this.noCallsTask = this.sched.after(this.cfg.noCallsTimeoutMs, () => {
        this.noCallsTask = null;
        this.violation('no_calls_timeout', `the session had no calls for ${this.cfg.noCallsTimeoutMs / 1000} s and ` +
          'was ended by VoxEngine (the scenario never called VoxEngine.terminate())');
        this.terminate('no calls for 60 s');
      });
    }
  }

  finish() {
    if (this.state === 'finished') return;
    this.state = 'finished';
    for (const [id, task] of this.timers) { this.sched.cancel(task); this.timers.delete(id); }
    if (this.net) this.net.abortAll();
    this.event('finished', {});
  }

  /** An HTTP request to the session's access URL (AppEvents.HttpRequest). */
  httpRequest({ method = 'POST', path: p = '/', content = '', headers = {} } = {}) {
    return new Promise((resolve) => {
      const deliver = () => {
        if (this.state !== 'running') { resolve({ status: 404, body: 'session is not running' }); return; }
        const ls = this.appEmitter.listenersOf(N.AppEvents.HttpRequest);
        this.event('dispatch', { name: N.AppEvents.HttpRequest, target: 'VoxEngine', listeners: ls.length, path: p });
        let body = '';
        for (const fn of ls) {
          let ret;
          this.enter(`${N.AppEvents.HttpRequest} handler`, () => {
            ret = fn({ name: N.AppEvents.HttpRequest, method, path: p, content, headers });
          });
          if (typeof ret === 'string') body = ret;
        }
        resolve({ status: 200, body });
      };
      if (this.state === 'new') this.sched.at(0, deliver); else this.sched.at(this.now, deliver);
      this.sched.wake();
    });
  }

  async run() {
    this.wallStart = Date.now();
    LIVE.add(this);
    if (LIVE.size === 1) process.on('unhandledRejection', onUnhandled);
    try {
      await this._run();
    } finally {
      LIVE.delete(this);
      if (LIVE.size === 0) process.removeListener('unhandledRejection', onUnhandled);
    }
    return this.report();
  }

  async _run() {
    const bytes = Buffer.byteLength(this.customDataValue, 'utf8');
    if (bytes > this.cfg.customDataMaxBytes) {
      this.violation('custom_data_size', `custom data is ${bytes} bytes; VoxEngine documents at most ` +
        `${this.cfg.customDataMaxBytes} bytes (fetch the rest over HTTPS)`);
      this.state = 'finished';
      return;
    }
    const fs = require('node:fs');
    const units = this.scenarioSource != null
      ? [{ name: 'scenario.js', source: String(this.scenarioSource) }]
      : this.scenarioPaths.map((p) => ({ name: path.basename(p), source: fs.readFileSync(p, 'utf8') }));
    for (const u of units) {
      if (u.source.length > this.cfg.maxScenarioChars) {
        this.violation('scenario_size', `${u.name} is ${u.source.length} chars; VoxEngine allows ${this.cfg.maxScenarioChars}`);
      }
    }
    this.buildSandbox();
    this.net = new Net(this);
    const scripts = [];
    for (const u of units) {
      try {
        scripts.push({ name: u.name, script: new vm.Script(u.source, { filename: u.name }) });
      } catch (e) {
        this.violation('scenario_error', `${u.name} does not compile: ${e.message}`);
        this.state = 'finished';
        return;
      }
    }
    this.state = 'running';
    this.event('scenario_start', { scenarios: units.map((u) => u.name), custom_data_bytes: bytes });
    for (const { name, script } of scripts) this.enter(`${name} top-level code`, () => script.runInContext(this.context));
    for (const r of this.cfg.httpRequests || []) {
      this.sched.at(r.at_ms || 0, () => { this.httpRequest(r); });
    }
    this.sched.at(0, () => {
      if (this.state !== 'running') return;
      this.fire(this.appEmitter, N.AppEvents.Started, {
        name: N.AppEvents.Started,
        accessURL: this.accessBase,
        accessSecureURL: this.accessBase.replace(/^http:/, 'https:'),
        sessionId: this.sessionId,
        applicationId: this.cfg.applicationId,
        accountId: this.cfg.accountId,
        logURL: `https://emulator.invalid/logs/${this.sessionId}.log`,
      });
      this.activeCallsChanged();
    });
    await this.loop();
  }

  async loop() {
    while (this.state !== 'finished') {
      await new Promise((r) => setImmediate(r));
      if (this.state === 'finished') break;
      if (Date.now() - this.wallStart > this.cfg.maxWallMs) {
        this.violation('wall_time', `run exceeded maxWallMs=${this.cfg.maxWallMs} ms of real time ` +
          `(${this.sched.realPending} HTTP request(s) still in flight)`);
        this.finish();
        break;
      }
      const next = this.sched.peek();
      if (this.sched.realPending > 0 && (!next || next.at > this.now)) {
        await this.sched.waitReal(200);
        continue;
      }
      if (!next) {
        if (this.state === 'terminating') {
          this.fire(this.appEmitter, N.AppEvents.Terminated, { name: N.AppEvents.Terminated });
          this.finish();
        } else {
          this.violation('idle', 'nothing is left to happen but the session was never terminated ' +
            '(on the platform it would hang until a platform limit ends it)');
          this.terminate('idle');
        }
        continue;
      }
      if (this.cfg.realTimeFactor > 0 && next.at > this.now) {
        // Paced mode: virtual time may not run ahead of wall time x factor, so
        // external AppEvents.HttpRequest calls can arrive "during" the call.
        const due = this.wallStart + next.at / this.cfg.realTimeFactor;
        if (Date.now() < due) {
          await this.sched.waitReal(Math.min(200, due - Date.now()));
          continue;
        }
      }
      this.sched.take();
      if (this.state === 'terminating' && !next.afterTerminate) continue;
      if (next.at > this.cfg.maxVirtualMs) {
        this.violation('virtual_time', `session still running after maxVirtualMs=${this.cfg.maxVirtualMs} ms`);
        this.finish();
        break;
      }
      this.sched.now = next.at;
      try {
        next.fn();
      } catch (e) {
        if (e instanceof this.ctx.Error || e instanceof this.ctx.TypeError) {
          this.uncaught('event', e);
        } else {
          this.violation('emulator_error', `internal emulator error: ${e && e.stack ? e.stack : e}`);
        }
      }
    }
  }
}

/** Scalar fields of an event payload worth showing in the timeline. */
function summarizePayload(p) {
  const out = {};
  if (!p || typeof p !== 'object') return out;
  for (const k of ['code', 'reason', 'text', 'confidence', 'url', 'error']) {
    if (p[k] !== undefined && typeof p[k] !== 'object') out[k] = p[k];
  }
  if (p.data && p.data.payload && p.data.payload.type) out.payload_type = p.data.payload.type;
  return out;
}

module.exports = { Session, DEFAULTS };
