'use strict';
/**
 * OpenAI module: OpenAI.createRealtimeAPIClient and a FAKE Realtime model that
 * speaks the GA protocol (no network). What it does is deterministic:
 *
 * - sessionUpdate is validated like the GA API (session.type === 'realtime',
 *   beta keys rejected) and answered with session.updated.
 * - Operator speech reaching the client (VoxEngine.sendMediaBetween(call, client))
 *   gives speech_started / speech_stopped and, when audio.input.transcription
 *   is set, ...input_audio_transcription.completed. With turn_detection
 *   create_response (default true) the model then takes a turn by itself.
 * - A model turn either calls a function (hybrid: `get_reply` after operator
 *   speech; pure: `end_call` once the operator said goodbye; a forced
 *   tool_choice) or speaks a line (see chooseSpeech()).
 * - Only one response may be active (conversation_already_has_active_response).
 * - Audio: WebSocketMediaStarted when playback starts, ResponseDone before the
 *   audio has finished playing (generation is faster than playback), and
 *   WebSocketMediaEnded 1 s after the last audio. clearMediaBuffer() cuts it.
 */
const { facade, makeId, clone, isPlainObject, namespace } = require('./util');
const N = require('./names');
const { Emitter } = require('./emitter');

const GA_SESSION_KEYS = new Set(['type', 'model', 'instructions', 'output_modalities', 'audio', 'tools', 'tool_choice',
  'max_output_tokens', 'include', 'prompt', 'tracing', 'truncation', 'reasoning', 'parallel_tool_calls']);
const BETA_SESSION_KEYS = new Set(['voice', 'input_audio_format', 'output_audio_format', 'input_audio_transcription',
  'turn_detection', 'modalities', 'temperature', 'max_response_output_tokens', 'input_audio_noise_reduction', 'speed']);
const FORMAT_TYPES = new Set(['audio/pcm', 'audio/pcmu', 'audio/pcma']);
const RESPONSE_KEYS = new Set(['instructions', 'tools', 'tool_choice', 'output_modalities', 'max_output_tokens',
  'conversation', 'metadata', 'input', 'audio', 'prompt', 'reasoning', 'parallel_tool_calls']);
const REASONING_EFFORTS = ['minimal', 'low', 'medium', 'high', 'xhigh'];
const NOISE_REDUCTION_TYPES = ['near_field', 'far_field'];
const EAGERNESS = ['low', 'medium', 'high', 'auto'];

/** A problem with `reasoning` / `parallel_tool_calls` (session or response), or null. */
function checkReasoning(obj, where) {
  if (obj.reasoning !== undefined && obj.reasoning !== null) {
    const r = obj.reasoning;
    if (!isPlainObject(r) || Object.keys(r).some((k) => k !== 'effort') || (r.effort !== undefined && !REASONING_EFFORTS.includes(r.effort))) {
      return ['invalid_value', `${where}.reasoning must be {effort: ${REASONING_EFFORTS.join('|')}}.`, `${where}.reasoning`];
    }
  }
  if (obj.parallel_tool_calls !== undefined && typeof obj.parallel_tool_calls !== 'boolean') {
    return ['invalid_type', `${where}.parallel_tool_calls must be a boolean.`, `${where}.parallel_tool_calls`];
  }
  return null;
}
const GOODBYE_RE = /до свидания|всего доброго|всего хорошего|до встречи|пока[.!\s]|^пока$|goodbye|bye/i;
const CANNED = ['Здравствуйте!', 'Да, понимаю.', 'Хорошо, спасибо.', 'Расскажите подробнее, пожалуйста.', 'Понятно.'];

function defaultSession(model) {
  return {
    type: 'realtime',
    model,
    instructions: '',
    output_modalities: ['audio'],
    audio: {
      input: {
        format: { type: 'audio/pcm', rate: 24000 },
        transcription: null,
        noise_reduction: null,
        turn_detection: {
          type: 'server_vad', threshold: 0.5, prefix_padding_ms: 300, silence_duration_ms: 500,
          create_response: true, interrupt_response: true,
        },
      },
      output: { format: { type: 'audio/pcm', rate: 24000 }, voice: 'alloy', speed: 1 },
    },
    tools: [],
    tool_choice: 'auto',
    max_output_tokens: 'inf',
  };
}

function deepMerge(base, patch) {
  if (!isPlainObject(base) || !isPlainObject(patch)) return clone(patch);
  const out = { ...base };
  for (const [k, v] of Object.entries(patch)) out[k] = isPlainObject(v) && isPlainObject(base[k]) ? deepMerge(base[k], v) : clone(v);
  return out;
}

function quotedLines(text) {
  const out = [];
  const re = /«([^»]{2,300})»|“([^”]{2,300})”|"([^"\n]{2,300})"/g;
  let m;
  while ((m = re.exec(String(text || ''))) !== null) {
    const t = (m[1] || m[2] || m[3]).trim();
    if (/\p{L}/u.test(t)) out.push(t);
  }
  return out;
}

/** The questions a persona's compiled instructions list (`ask «…»`), else every quoted line. */
function pureLines(text) {
  const asks = [];
  const re = /\bask «([^»]{2,300})»/g;
  let m;
  while ((m = re.exec(String(text || ''))) !== null) asks.push(m[1].trim());
  return asks.length ? asks : quotedLines(text);
}

/** The text after "Say exactly:" / "Скажи дословно:" / "Произнеси:", unquoted. */
function verbatim(instr) {
  const m = String(instr || '').match(/(?:say exactly|say verbatim|скажи дословно|скажи ровно|произнеси дословно|произнеси)\s*[:：]\s*([\s\S]+)$/i);
  if (!m) return null;
  let t = m[1].trim();
  const q = t.match(/^[«"“'](.+?)[»"”']\s*\.?$/s);
  if (q) t = q[1];
  return t.trim() || null;
}

function makeNamespace(s) {
  return namespace('OpenAI', {
    createRealtimeAPIClient: (params) => createClient(s, params),
    RealtimeAPIEvents: N.RealtimeAPIEvents,
    Events: N.OpenAIEvents,
    RealtimeAPIClientType: N.RealtimeAPIClientType,
  }, s);
}

function createClient(s, params) {
  if (!isPlainObject(params)) {
    const msg = 'OpenAI.createRealtimeAPIClient(parameters): parameters must be an object';
    s.violation('bad_argument', msg);
    return Promise.reject(new s.ctx.TypeError(msg));
  }
  const known = new Set(['apiKey', 'model', 'onWebSocketClose', 'type', 'privacy', 'statistics', 'trace']);
  for (const k of Object.keys(params)) if (!known.has(k)) s.warn('unknown_option', `OpenAI.createRealtimeAPIClient(): option "${k}" is not emulated`);
  return s.deferred((resolve, reject) => {
    if (typeof params.apiKey !== 'string' || !params.apiKey) {
      s.event('realtime', { action: 'connect_failed', reason: 'apiKey missing' });
      s.sched.after(s.cfg.realtimeConnectMs, () => s.enter('createRealtimeAPIClient rejection',
        () => reject(new s.ctx.Error('OpenAI.createRealtimeAPIClient: apiKey is required (401 from OpenAI)'))));
      return;
    }
    if (params.type !== undefined && params.type !== N.RealtimeAPIClientType.REALTIME) {
      s.warn('not_emulated', `OpenAI.createRealtimeAPIClient(): type ${params.type} is not emulated (REALTIME only)`);
    }
    const model = params.model || 'gpt-realtime';
    if (!/^gpt-realtime/.test(model)) s.warn('realtime_model', `OpenAI Realtime model "${model}" is not a gpt-realtime* model`);
    const rt = new RealtimeClient(s, params, model);
    s.realtimeClients.push(rt);
    s.event('realtime', { action: 'connecting', model, trace: params.trace === true });
    s.sched.after(s.cfg.realtimeConnectMs, () => {
      if (s.state !== 'running') return;
      rt.connected = true;
      s.enter('createRealtimeAPIClient resolution', () => resolve(rt.facade));
      rt.emitServer(10, { type: 'session.created', session: clone(rt.session) });
      if (s.cfg.realtimeConnectHttpStatus) {
        s.event('fault', { fault: 'realtime_http_response', code: s.cfg.realtimeConnectHttpStatus });
        rt.later(5, () => rt.emitConnector('HTTPResponse', { code: s.cfg.realtimeConnectHttpStatus, message: 'emulated HTTP response' }));
      }
    });
  });
}

class RealtimeClient {
  constructor(s, params, model) {
    this.s = s;
    this.params = params;
    this.model = model;
    this.session = defaultSession(model);
    this.connected = false;
    this.closed = false;
    this.tasks = new Set();
    this.items = []; // conversation items
    this.active = null; // active response
    this.responses = 0;
    this.spokenResponses = 0;
    this.operatorTurns = 0;
    this.pendingOperator = [];
    this.lastOperatorText = '';
    this.pureIdx = 0;
    this.cannedIdx = 0;
    this.audioProduced = false;
    this.inputCalls = new Set();
    this.outputCalls = new Set();
    this.audioQueue = [];
    this.playing = null;
    this.mediaActive = false;
    this.mediaEndTask = null;
    this.processing = null; // the client event being processed (its event_id goes into errors)
    this.openInput = null; // the operator input item being spoken (speech_started, no speech_stopped yet)
    this.audioMs = {}; // assistant item id → its audio length (truncate checks against it)
    this.failedSoFar = 0;
    this.skipDone = false;
    this.emitter = new Emitter(s, 'OpenAI.RealtimeAPIClient', { ...N.RealtimeAPIEvents, ...N.OpenAIEvents });
    const self = this;
    const e = this.emitter;
    const sender = (type) => (arg) => self.send(type, arg);
    this.facade = facade('OpenAI.RealtimeAPIClient', {
      addEventListener(ev, fn) { e.add(ev, fn); },
      removeEventListener(ev, fn) { e.remove(ev, fn); },
      sessionUpdate: sender('session.update'),
      responseCreate: sender('response.create'),
      conversationItemCreate: sender('conversation.item.create'),
      conversationItemTruncate: sender('conversation.item.truncate'),
      responseCancel: sender('response.cancel'),
      inputAudioBufferClear: sender('input_audio_buffer.clear'),
      clearMediaBuffer() { self.clearMediaBuffer(); },
      close() { self.close(); },
    }, s);
    s.units.set(this.facade, this);
  }

  get cfg() { return this.s.cfg; }

  later(ms, fn) {
    const t = this.s.sched.after(ms, () => {
      this.tasks.delete(t);
      if (this.closed) return;
      fn();
    });
    this.tasks.add(t);
    return t;
  }

  /** Emit a GA server event `ms` from now, as OpenAI.RealtimeAPIEvents.<Name>. */
  emitServer(ms, payload, after) {
    return this.later(ms, () => {
      const p = { event_id: makeId('event_'), ...payload };
      this.s.rtServerEvents.push({ t_ms: this.s.now, ...clone(p) });
      if (after) after();
      const name = N.SERVER_TYPE_TO_EVENT[p.type] || 'Unknown';
      const ev = N.RealtimeAPIEvents[name];
      this.s.fire(this.emitter, ev, { name: ev, client: this.facade, data: { payload: this.s.toCtx(p) } });
    });
  }

  /** A connector event (OpenAI.RealtimeAPIEvents.HTTPResponse / WebSocketError) with `data`. */
  emitConnector(name, data) {
    return this.later(0, () => {
      const ev = N.RealtimeAPIEvents[name];
      this.s.fire(this.emitter, ev, { name: ev, client: this.facade, data: this.s.toCtx(data) });
    });
  }

  emitMedia(ms, key, extra) {
    return this.later(ms, () => {
      const ev = N.OpenAIEvents[key];
      this.s.fire(this.emitter, ev, { name: ev, client: this.facade, tag: '', ...extra });
    });
  }

  error(code, message, param) {
    // The GA error names the client event that caused it (`event_id`) when the client sent one.
    const eventId = this.processing ? this.processing.event_id || null : null;
    this.s.event('realtime', { action: 'error', code, message, event_id: eventId });
    this.emitServer(this.cfg.realtimeEventMs, {
      type: 'error',
      error: { type: 'invalid_request_error', code, message, param: param || null, event_id: eventId },
    });
  }

  // ------------------------------------------------------------ client events
  send(type, arg) {
    const s = this.s;
    const ev = isPlainObject(arg) ? { ...clone(arg), type } : { type };
    if (arg !== undefined && !isPlainObject(arg)) {
      s.warn('realtime_bad_argument', `${type}: the sender takes an object (the client event without its type)`);
    } else if (isPlainObject(arg) && 'type' in arg) {
      s.warn('realtime_type_key', `${type}: senders take the client event WITHOUT "type"; it was overwritten`);
    }
    if (!this.connected) {
      s.violation('realtime_not_connected', `${type} sent before createRealtimeAPIClient() resolved`);
      return;
    }
    if (this.closed) {
      s.event('realtime', { action: 'send_after_close', type });
      s.warn('realtime_send_after_close', `${type} sent on a closed Realtime client: dropped`);
      return;
    }
    s.rtClientEvents.push(ev);
    s.event('realtime_send', { type });
    const a = isPlainObject(arg) ? clone(arg) : {};
    // The server sees the event after the events it already emitted at this
    // instant (e.g. response.done right after response.output_item.done), as
    // over a real socket: processing is a separate task, in send order.
    this.later(this.cfg.realtimeClientLatencyMs, () => {
      this.processing = a;
      try {
        switch (type) {
          case 'session.update': return this.onSessionUpdate(a);
          case 'response.create': return this.onResponseCreate(a);
          case 'conversation.item.create': return this.onItemCreate(a);
          case 'conversation.item.truncate': return this.onItemTruncate(a);
          case 'response.cancel': return this.onResponseCancel(a);
          default: return undefined;
        }
      } finally {
        this.processing = null;
      }
    });
  }

  validateSession(sess) {
    if (!isPlainObject(sess)) return ['missing_required_parameter', "Missing required parameter: 'session'.", 'session'];
    if (sess.type === undefined) return ['missing_required_parameter', "Missing required parameter: 'session.type'.", 'session.type'];
    if (sess.type !== 'realtime') {
      return ['invalid_value', `Invalid value: '${sess.type}'. This emulator supports session.type 'realtime'.`, 'session.type'];
    }
    for (const k of Object.keys(sess)) {
      if (BETA_SESSION_KEYS.has(k)) {
        return ['unknown_parameter', `Unknown parameter: 'session.${k}'. (a beta Realtime key; the GA shape nests it under session.audio)`, `session.${k}`];
      }
      if (!GA_SESSION_KEYS.has(k)) return ['unknown_parameter', `Unknown parameter: 'session.${k}'.`, `session.${k}`];
    }
    if (sess.output_modalities !== undefined) {
      const om = sess.output_modalities;
      if (!Array.isArray(om) || om.length !== 1 || !['audio', 'text'].includes(om[0])) {
        return ['invalid_value', "session.output_modalities must be ['audio'] or ['text'].", 'session.output_modalities'];
      }
    }
    const audio = sess.audio;
    if (audio !== undefined) {
      if (!isPlainObject(audio)) return ['invalid_type', 'session.audio must be an object.', 'session.audio'];
      for (const k of Object.keys(audio)) if (!['input', 'output'].includes(k)) return ['unknown_parameter', `Unknown parameter: 'session.audio.${k}'.`, `session.audio.${k}`];
      for (const dir of ['input', 'output']) {
        const f = audio[dir] && audio[dir].format;
        if (f !== undefined && f !== null) {
          if (!isPlainObject(f) || !FORMAT_TYPES.has(f.type)) {
            return ['invalid_value', `session.audio.${dir}.format.type must be one of ${[...FORMAT_TYPES].join(', ')}.`, `session.audio.${dir}.format.type`];
          }
          if (f.type === 'audio/pcm' && f.rate !== undefined && f.rate !== 24000) {
            return ['invalid_value', 'audio/pcm supports rate 24000 only.', `session.audio.${dir}.format.rate`];
          }
        }
      }
      const td = audio.input && audio.input.turn_detection;
      if (td !== undefined && td !== null) {
        if (!isPlainObject(td) || !['server_vad', 'semantic_vad'].includes(td.type)) {
          return ['invalid_value', "turn_detection.type must be 'server_vad' or 'semantic_vad'.", 'session.audio.input.turn_detection.type'];
        }
        if (td.type === 'semantic_vad' && td.eagerness !== undefined && !EAGERNESS.includes(td.eagerness)) {
          return ['invalid_value', `turn_detection.eagerness must be one of ${EAGERNESS.join(', ')}.`, 'session.audio.input.turn_detection.eagerness'];
        }
      }
      const nr = audio.input && audio.input.noise_reduction;
      if (nr !== undefined && nr !== null && (!isPlainObject(nr) || !NOISE_REDUCTION_TYPES.includes(nr.type))) {
        return ['invalid_value', `noise_reduction.type must be one of ${NOISE_REDUCTION_TYPES.join(', ')}.`, 'session.audio.input.noise_reduction.type'];
      }
      const voice = audio.output && audio.output.voice;
      if (voice !== undefined) {
        if (typeof voice !== 'string' || !N.REALTIME_VOICES.includes(voice)) {
          return ['invalid_value', `Invalid voice '${voice}'. Supported: ${N.REALTIME_VOICES.join(', ')}.`, 'session.audio.output.voice'];
        }
        if (this.audioProduced && voice !== this.session.audio.output.voice) {
          return ['cannot_update_voice', 'Cannot update a conversation\'s voice if assistant audio is present.', 'session.audio.output.voice'];
        }
      }
      const tr = audio.input && audio.input.transcription;
      if (tr !== undefined && tr !== null && (!isPlainObject(tr) || typeof tr.model !== 'string')) {
        return ['invalid_value', 'session.audio.input.transcription.model is required.', 'session.audio.input.transcription.model'];
      }
    }
    if (sess.tools !== undefined) {
      if (!Array.isArray(sess.tools)) return ['invalid_type', 'session.tools must be an array.', 'session.tools'];
      for (let i = 0; i < sess.tools.length; i += 1) {
        const t = sess.tools[i];
        if (!isPlainObject(t) || !['function', 'mcp'].includes(t.type)) return ['invalid_value', `session.tools[${i}].type must be 'function'.`, `session.tools[${i}].type`];
        if (t.type === 'function' && (typeof t.name !== 'string' || !t.name)) return ['missing_required_parameter', `session.tools[${i}].name is required.`, `session.tools[${i}].name`];
      }
    }
    const err = this.validateToolChoice(sess.tool_choice, sess.tools !== undefined ? sess.tools : this.session.tools, 'session.tool_choice')
      || checkReasoning(sess, 'session');
    if (err) return err;
    if (sess.max_output_tokens !== undefined && sess.max_output_tokens !== 'inf' &&
        !(Number.isInteger(sess.max_output_tokens) && sess.max_output_tokens >= 1 && sess.max_output_tokens <= 4096)) {
      return ['invalid_value', "max_output_tokens must be 1..4096 or 'inf'.", 'session.max_output_tokens'];
    }
    return null;
  }

  validateToolChoice(tc, tools, param) {
    if (tc === undefined) return null;
    if (['auto', 'none', 'required'].includes(tc)) return null;
    if (isPlainObject(tc) && tc.type === 'function' && typeof tc.name === 'string') {
      if (!(tools || []).some((t) => t.type === 'function' && t.name === tc.name)) {
        return ['invalid_value', `tool_choice names function '${tc.name}' which is not in tools.`, param];
      }
      return null;
    }
    return ['invalid_value', "tool_choice must be 'auto', 'none', 'required' or {type: 'function', name}.", param];
  }

  onSessionUpdate(a) {
    const err = this.validateSession(a.session);
    if (err) { this.error(...err); return; }
    this.session = deepMerge(this.session, clone(a.session));
    if (a.session.tools !== undefined) this.session.tools = clone(a.session.tools);
    this.s.event('realtime', { action: 'session_updated', tools: (this.session.tools || []).map((t) => t.name) });
    this.emitServer(this.cfg.realtimeEventMs, { type: 'session.updated', session: clone(this.session) });
  }

  onResponseCreate(a) {
    const r = a.response === undefined ? {} : a.response;
    if (!isPlainObject(r)) { this.error('invalid_type', 'response must be an object.', 'response'); return; }
    for (const k of Object.keys(r)) {
      if (!RESPONSE_KEYS.has(k)) { this.error('unknown_parameter', `Unknown parameter: 'response.${k}'.`, `response.${k}`); return; }
    }
    for (const k of Object.keys(a)) {
      if (!['response', 'event_id'].includes(k)) { this.error('unknown_parameter', `Unknown parameter: '${k}'.`, k); return; }
    }
    const err = this.validateToolChoice(r.tool_choice, r.tools !== undefined ? r.tools : this.session.tools, 'response.tool_choice')
      || checkReasoning(r, 'response');
    if (err) { this.error(...err); return; }
    this.startResponse(r, 'client');
  }

  onItemCreate(a) {
    const item = a.item;
    if (!isPlainObject(item)) { this.error('missing_required_parameter', "Missing required parameter: 'item'.", 'item'); return; }
    if (!['message', 'function_call', 'function_call_output'].includes(item.type)) {
      this.error('invalid_value', `Invalid value: '${item.type}'. Supported item types: message, function_call, function_call_output.`, 'item.type');
      return;
    }
    if (item.type === 'function_call_output') {
      if (typeof item.output !== 'string') { this.error('invalid_type', 'item.output must be a string.', 'item.output'); return; }
      const call = this.items.find((i) => i.type === 'function_call' && i.call_id === item.call_id);
      if (!call) { this.error('invalid_value', `Tool call ID '${item.call_id}' not found in conversation.`, 'item.call_id'); return; }
    }
    if (item.type === 'message' && !['user', 'assistant', 'system'].includes(item.role)) {
      this.error('invalid_value', "item.role must be 'user', 'assistant' or 'system'.", 'item.role');
      return;
    }
    this.items.push({ id: item.id || makeId('item_'), ...clone(item) });
  }

  onItemTruncate(a) {
    const item = this.items.find((i) => i.id === a.item_id && i.type === 'message' && i.role === 'assistant');
    if (!item) {
      this.error('invalid_value', `Item '${a.item_id}' is not an assistant message in the conversation.`, 'item_id');
      return;
    }
    const total = this.audioMs[item.id] || 0;
    if (!Number.isInteger(a.audio_end_ms) || a.audio_end_ms < 0 || a.audio_end_ms > total) {
      this.error('invalid_value', `audio_end_ms must be an integer from 0 to the item's audio length (${total} ms).`, 'audio_end_ms');
      return;
    }
    this.s.event('realtime', { action: 'item_truncated', item_id: item.id, audio_end_ms: a.audio_end_ms });
    this.emitServer(this.cfg.realtimeEventMs, { type: 'conversation.item.truncated', item_id: item.id, content_index: 0, audio_end_ms: a.audio_end_ms });
  }

  onResponseCancel(a) {
    if (!this.active || (a.response_id && a.response_id !== this.active.id)) {
      this.error('response_cancel_not_active', 'Cancellation failed: no active response found.', null);
      return;
    }
    this.cancelResponse('client_cancelled');
  }

  // ------------------------------------------------------------ model turns
  startResponse(params, origin) {
    const s = this.s;
    if (this.active) {
      if (origin === 'client') {
        this.error('conversation_already_has_active_response',
          `Conversation already has an active response in progress: ${this.active.id}. ` +
          'Wait until the response is finished before creating a new one.', null);
      } else {
        s.event('realtime', { action: 'vad_response_skipped', message: 'a response is already active' });
      }
      return;
    }
    this.responses += 1;
    // heard: the operator utterances this response answers; produced: it has output (a function
    // call or audio). A response cancelled before producing anything gives its utterances back.
    const r = { id: makeId('resp_'), origin, tasks: [], status: 'in_progress', params, heard: [...this.pendingOperator], produced: false };
    this.active = r;
    if (this.failsNow()) { this.planFailure(r); return; }
    const decision = this.decide(params);
    s.event('realtime', { action: 'response_start', origin, response_id: r.id, decision: decision.kind, ...(decision.name ? { function: decision.name } : {}) });
    this.emitServer(this.cfg.realtimeEventMs, { type: 'response.created', response: this.responseObj(r, 'in_progress', []) });
    if (decision.kind === 'function') this.planFunctionCall(r, decision.name, decision.tool);
    else this.planSpeech(r, params, decision.text);
  }

  /** realtimeFailResponseAt N (+ realtimeFailTimes): responses N.. end `failed` (server error). */
  failsNow() {
    const at = this.cfg.realtimeFailResponseAt;
    if (!at || this.responses < at || this.failedSoFar >= (this.cfg.realtimeFailTimes || 1)) return false;
    this.failedSoFar += 1;
    return true;
  }

  planFailure(r) {
    const s = this.s;
    s.event('fault', { fault: 'realtime_response_failed', response_id: r.id, response: this.responses });
    s.event('realtime', { action: 'response_start', origin: r.origin, response_id: r.id, decision: 'fail' });
    this.emitServer(this.cfg.realtimeEventMs, { type: 'response.created', response: this.responseObj(r, 'in_progress', []) });
    const details = { type: 'failed', error: { type: 'server_error', code: 'server_error', message: 'The server had an error while processing your request (emulated).' } };
    r.tasks.push(this.emitServer(this.cfg.realtimeEventMs + this.cfg.realtimeFunctionCallMs,
      { type: 'response.done', response: this.responseObj(r, 'failed', [], details) },
      () => {
        if (this.active === r) this.active = null;
        // The user items stay in the conversation: the next response answers them.
        this.pendingOperator = r.heard.concat(this.pendingOperator);
      }));
  }

  responseObj(r, status, output, details) {
    return {
      object: 'realtime.response', id: r.id, status, status_details: details || null, output,
      conversation_id: 'conv_emulated', output_modalities: ['audio'], max_output_tokens: 'inf',
      audio: { output: { format: clone(this.session.audio.output.format), voice: this.session.audio.output.voice } },
      usage: status === 'in_progress' || status === 'failed' ? null : this.usageOf(r, output), metadata: null,
    };
  }

  /**
   * A SIMULATED usage in the GA shape (figures made up, deterministic): input text ≈ the
   * instructions and the conversation's text at 4 characters a token, earlier responses' input
   * counted as cached; input audio 10 tokens a second of operator speech; output audio 20 tokens
   * a second of speech (≈ 60 ms a character), output text ≈ the transcript at 4 characters a token.
   */
  usageOf(r, output) {
    const said = (output || []).map((o) => (o.content || []).map((c) => c.transcript || '').join(' ')).join(' ');
    const calls = (output || []).filter((o) => o.type === 'function_call').map((o) => o.arguments || '').join('');
    const heardChars = (r.heard || []).join(' ').length;
    const textIn = Math.ceil(((this.session.instructions || '').length + JSON.stringify(this.items).length) / 4);
    const audioIn = Math.ceil(heardChars * 0.6);
    const cachedText = Math.min(textIn, this.cachedTextTokens || 0);
    this.cachedTextTokens = textIn;
    const textOut = Math.ceil((said.length + calls.length) / 4);
    const audioOut = Math.ceil(said.length * 1.2);
    return {
      total_tokens: textIn + audioIn + textOut + audioOut, input_tokens: textIn + audioIn, output_tokens: textOut + audioOut,
      input_token_details: { text_tokens: textIn, audio_tokens: audioIn, image_tokens: 0, cached_tokens: cachedText,
        cached_tokens_details: { text_tokens: cachedText, audio_tokens: 0, image_tokens: 0 } },
      output_token_details: { text_tokens: textOut, audio_tokens: audioOut },
    };
  }

  decide(params) {
    const tools = ((params.tools !== undefined ? params.tools : this.session.tools) || []).filter((t) => t.type === 'function');
    const tc = params.tool_choice !== undefined ? params.tool_choice : (this.session.tool_choice || 'auto');
    const operatorSpoke = this.pendingOperator.length > 0;
    const last = this.items[this.items.length - 1];
    const heard = this.pendingOperator.join(' ');
    if (operatorSpoke) this.lastOperatorText = heard;
    this.pendingOperator = [];
    const byName = (n) => tools.find((t) => t.name === n);
    if (tc === 'none' || tools.length === 0) return { kind: 'speak' };
    if (isPlainObject(tc)) return { kind: 'function', name: tc.name, tool: byName(tc.name) };
    if (last && last.type === 'function_call_output' && !operatorSpoke) return { kind: 'speak' };
    const skipAt = this.cfg.realtimeSkipToolAtTurn;
    if (operatorSpoke && skipAt && this.operatorTurns >= skipAt && !this.skipDone) {
      // A real model sometimes answers in audio instead of calling the tool, whatever tool_choice says.
      this.skipDone = true;
      this.s.event('fault', { fault: 'realtime_skip_tool', turn: this.operatorTurns });
      return { kind: 'speak', text: this.cfg.realtimeSkipToolText };
    }
    if (byName('get_reply')) {
      return operatorSpoke || tc === 'required' ? { kind: 'function', name: 'get_reply', tool: byName('get_reply') } : { kind: 'speak' };
    }
    if (byName('end_call')) {
      if (operatorSpoke && GOODBYE_RE.test(this.lastOperatorText)) return { kind: 'function', name: 'end_call', tool: byName('end_call') };
      return { kind: 'speak' };
    }
    if (tc === 'required') return { kind: 'function', name: tools[0].name, tool: tools[0] };
    return { kind: 'speak' };
  }

  functionArgs(name, tool) {
    const over = (this.cfg.realtime.functionArgs || {})[name] || {};
    const props = (tool && tool.parameters && tool.parameters.properties) || {};
    const out = {};
    for (const [k, p] of Object.entries(props)) {
      if (k in over) { out[k] = over[k]; continue; }
      const type = Array.isArray(p.type) ? p.type[0] : p.type;
      const bye = GOODBYE_RE.test(this.lastOperatorText);
      if (Array.isArray(p.enum) && p.enum.length) out[k] = /reason/i.test(k) && bye && p.enum.includes('goodbye') ? 'goodbye' : p.enum[0];
      else if (type === 'string') {
        if (/text|utter|transcript|message|speech|said|phrase|question|input|query|operator|client|user/i.test(k)) out[k] = this.operatorSaid();
        else if (/reason/i.test(k)) out[k] = GOODBYE_RE.test(this.lastOperatorText) ? 'goodbye' : 'emulated';
        else out[k] = 'emulated';
      } else if (type === 'number' || type === 'integer') out[k] = 0;
      else if (type === 'boolean') out[k] = false;
      else if (type === 'array') out[k] = [];
      else if (type === 'object') out[k] = {};
    }
    return { ...out, ...over };
  }

  /** What the model writes for the operator's words: realtimeOperatorSaid exact | paraphrase | empty. */
  operatorSaid() {
    const mode = this.cfg.realtimeOperatorSaid;
    if (mode === 'empty') return '';
    if (mode === 'paraphrase') {
      const t = this.lastOperatorText.replace(/[.!?…]+$/u, '').toLowerCase();
      return t ? `Оператор говорит, что ${t}` : '';
    }
    return this.lastOperatorText;
  }

  planFunctionCall(r, name, tool) {
    let t = this.cfg.realtimeFunctionCallMs;
    if (this.cfg.realtimePreamble && name === 'get_reply') {
      // A preamble: a short filler spoken before the tool call, in the same response.
      this.s.event('fault', { fault: 'realtime_preamble', response_id: r.id });
      const pre = this.planAudio(r, this.cfg.realtimePreambleText, t, { last: false });
      t = pre.genEnd + 1;
    }
    const callId = makeId('call_');
    const itemId = makeId('item_');
    const args = JSON.stringify(this.functionArgs(name, tool));
    const item = { id: itemId, type: 'function_call', status: 'completed', name, call_id: callId, arguments: args };
    const outputIndex = r.outputs ? r.outputs.length : 0;
    r.outputs = (r.outputs || []).concat([item]);
    r.tasks.push(this.emitServer(t, {
      type: 'response.function_call_arguments.done', response_id: r.id, item_id: itemId, output_index: outputIndex, call_id: callId, name, arguments: args,
    }, () => { r.produced = true; this.items.push(clone(item)); this.s.event('realtime', { action: 'function_call', name, arguments: args }); }));
    r.tasks.push(this.emitServer(t, { type: 'response.output_item.done', response_id: r.id, output_index: outputIndex, item: clone(item) }));
    r.tasks.push(this.emitServer(t, { type: 'response.done', response: this.responseObj(r, 'completed', clone(r.outputs)) },
      () => { if (this.active === r) this.active = null; }));
  }

  chooseSpeech(params) {
    const cfg = this.cfg;
    const v = verbatim(params.instructions);
    if (v) return v;
    const q = quotedLines(params.instructions);
    if (q.length) return q[0];
    const last = this.items[this.items.length - 1];
    if (last && last.type === 'function_call_output') {
      const fc = this.items.find((i) => i.type === 'function_call' && i.call_id === last.call_id);
      const fname = fc ? fc.name : '';
      let parsed = null;
      try { parsed = JSON.parse(last.output); } catch (e) { parsed = null; }
      if (isPlainObject(parsed)) {
        for (const k of ['reply', 'text', 'say', 'message', 'answer', 'speech']) if (typeof parsed[k] === 'string' && parsed[k]) return parsed[k];
      }
      if (fname === 'end_call') return cfg.realtime.goodbyeLine || 'До свидания!';
      if (typeof parsed === 'string' && parsed) return parsed;
      if (parsed === null && last.output && last.output.length < 500) return last.output;
    }
    const pure = pureLines(this.session.instructions);
    if (this.pureIdx < pure.length) return pure[this.pureIdx++];
    const canned = cfg.realtime.cannedLines || CANNED;
    return canned[this.cannedIdx++ % canned.length];
  }

  planSpeech(r, params, forced) {
    const faults = this.cfg.faults;
    let text = forced || this.chooseSpeech(params);
    this.spokenResponses += 1;
    if (faults.realtimeDeviateAtResponse === this.spokenResponses) {
      text = faults.realtimeDeviateText || 'Извините, не расслышала. Повторите, пожалуйста?';
      this.s.event('fault', { fault: 'realtime_deviate', response_id: r.id });
    }
    this.planAudio(r, text, this.cfg.realtimeFirstAudioMs, { last: true });
  }

  /**
   * One assistant audio item of response r, its first audio `first` ms from now; the item and (when
   * `last`) the response finish generating after realtimeGenerationRatio of the playback.
   */
  planAudio(r, text, first, { last }) {
    const cfg = this.cfg;
    const dur = Math.max(600, Math.round(text.length * cfg.realtimeMsPerChar));
    const gen = Math.max(1, Math.round(dur * cfg.realtimeGenerationRatio));
    const itemId = makeId('item_');
    const outputIndex = r.outputs ? r.outputs.length : 0;
    const sp = { text, dur, itemId, firstAt: this.s.now + first, genEndAt: this.s.now + first + gen, audio: null };
    r.speeches = (r.speeches || []).concat([sp]);
    r.speech = sp;
    this.audioMs[itemId] = dur;
    const item = { id: itemId, type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_audio', transcript: text }] };
    const base = { response_id: r.id, item_id: itemId, output_index: outputIndex, content_index: 0 };
    // As OpenAI does: the item and its audio content part are announced just before the first audio.
    r.tasks.push(this.emitServer(first, { type: 'response.output_item.added', response_id: r.id, output_index: outputIndex,
      item: { id: itemId, type: 'message', role: 'assistant', status: 'in_progress', content: [] } }));
    r.tasks.push(this.emitServer(first, { type: 'response.content_part.added', ...base, part: { type: 'audio', transcript: '' } }));
    r.tasks.push(this.later(first, () => {
      r.produced = true;
      sp.audio = { r, text, dur, item: null };
      this.enqueueAudio(sp.audio);
    }));
    r.outputs = (r.outputs || []).concat([item]);
    r.tasks.push(this.emitServer(first + gen, { type: 'response.output_audio.done', ...base }));
    r.tasks.push(this.emitServer(first + gen, { type: 'response.output_audio_transcript.done', ...base, transcript: text }));
    r.tasks.push(this.emitServer(first + gen, { type: 'response.output_item.done', response_id: r.id, output_index: outputIndex, item: clone(item) },
      () => { this.items.push(clone(item)); }));
    if (last) {
      r.tasks.push(this.emitServer(first + gen, { type: 'response.done', response: this.responseObj(r, 'completed', clone(r.outputs)) },
        () => { if (this.active === r) this.active = null; }));
    }
    return { genEnd: first + gen };
  }

  cancelResponse(reason) {
    const r = this.active;
    if (!r) return;
    this.active = null;
    for (const t of r.tasks) this.s.sched.cancel(t);
    this.s.event('realtime', { action: 'response_cancelled', response_id: r.id, reason });
    if (!r.produced && r.heard.length) {
      // The user items stay in the conversation: the next response answers them too (a real model
      // sees every user item; without this the first of two quick utterances would be lost).
      this.pendingOperator = r.heard.concat(this.pendingOperator);
      this.s.event('realtime', { action: 'operator_input_kept', response_id: r.id, text: r.heard.join(' ') });
    }
    const partial = [];
    for (const sp of r.speeches || []) {
      const now = this.s.now;
      const frac = Math.max(0, Math.min(1, (now - sp.firstAt) / Math.max(1, sp.genEndAt - sp.firstAt)));
      if (now < sp.firstAt) {
        if (sp.audio) this.audioQueue = this.audioQueue.filter((a) => a !== sp.audio);
        continue;
      }
      // What was generated before the cancel stays in the conversation (its transcript too).
      const words = sp.text.split(/\s+/);
      const said = words.slice(0, Math.max(1, Math.round(words.length * frac))).join(' ');
      const kept = { id: sp.itemId, type: 'message', role: 'assistant', status: 'incomplete', content: [{ type: 'output_audio', transcript: said }] };
      partial.push(kept);
      if (!this.items.some((i) => i.id === sp.itemId)) this.items.push(clone(kept));
      if (sp.audio) {
        const newDur = Math.max(1, Math.round(sp.dur * frac));
        sp.audio.dur = newDur;
        this.audioMs[sp.itemId] = newDur;
        if (this.playing && this.playing.audio === sp.audio) this.reschedulePlaying(this.playing.start + newDur);
      }
    }
    this.emitServer(this.cfg.realtimeEventMs, {
      type: 'response.done', response: this.responseObj(r, 'cancelled', partial, { type: 'cancelled', reason }),
    });
  }

  // ------------------------------------------------------------ audio to the call
  linkCallInput(call) { this.inputCalls.add(call); }

  unlinkCallInput(call) { this.inputCalls.delete(call); }

  linkCallOutput(call) { this.outputCalls.add(call); }

  enqueueAudio(a) {
    this.audioQueue.push(a);
    this.audioProduced = true;
    if (!this.playing) this.playNext();
  }

  playNext() {
    const a = this.audioQueue.shift();
    if (!a) {
      this.playing = null;
      this.mediaEndTask = this.later(this.cfg.realtimeMediaEndedAfterMs, () => {
        this.mediaEndTask = null;
        if (this.playing || !this.mediaActive) return;
        this.mediaActive = false;
        this.emitMedia(0, 'WebSocketMediaEnded', { mediaInfo: {} });
      });
      return;
    }
    if (this.mediaEndTask) { this.s.sched.cancel(this.mediaEndTask); this.mediaEndTask = null; }
    if (!this.mediaActive) {
      this.mediaActive = true;
      this.emitMedia(0, 'WebSocketMediaStarted', { encoding: 'PCM16' });
    }
    const p = { audio: a, start: this.s.now, utts: new Map(), task: null };
    this.playing = p;
    for (const c of this.outputCalls) {
      if (c.state === 'connected') p.utts.set(c, c.botStart('realtime', a.text, a.dur));
    }
    if (p.utts.size === 0) this.s.event('bot', { action: 'realtime_audio_unrouted', text: a.text });
    p.task = this.later(a.dur, () => this.finishPlaying(false));
  }

  reschedulePlaying(endAt) {
    const p = this.playing;
    if (!p) return;
    this.s.sched.cancel(p.task);
    p.task = this.later(Math.max(0, endAt - this.s.now), () => this.finishPlaying(false));
    for (const u of p.utts.values()) u.plannedEnd = endAt;
  }

  finishPlaying(cut, via) {
    const p = this.playing;
    if (!p) return;
    this.s.sched.cancel(p.task);
    for (const [c, u] of p.utts) c.botEnd(u, { cut, via });
    this.playing = null;
    if (!cut) this.playNext();
  }

  clearMediaBuffer() {
    const s = this.s;
    s.event('api', { api: 'client.clearMediaBuffer', playing: Boolean(this.playing) });
    this.audioQueue = [];
    if (this.playing) {
      this.finishPlaying(true, 'clearMediaBuffer');
      this.playNext();
    }
    if (this.cfg.realtimeMediaEndsOnClear && this.mediaActive) {
      // The other reading of the platform (unconfirmed): the cleared stream ends now.
      this.s.event('fault', { fault: 'realtime_media_ends_on_clear' });
      if (this.mediaEndTask) { this.s.sched.cancel(this.mediaEndTask); this.mediaEndTask = null; }
      this.mediaActive = false;
      this.emitMedia(0, 'WebSocketMediaEnded', { mediaInfo: {} });
    }
  }

  // ------------------------------------------------------------ operator speech
  /**
   * One operator speech segment reaches the model. A segment that starts before the previous one's
   * speech_stopped (a pause shorter than silence_duration_ms) continues the same input item.
   */
  onOperatorSpeech(utt) {
    if (!this.connected || this.closed) return;
    const s = this.s;
    const cfg = this.cfg;
    const td = this.session.audio.input.turn_detection;
    if (!td) {
      s.event('realtime', { action: 'speech_not_detected', message: 'turn_detection is null: no VAD events' });
      return;
    }
    const rel = (t) => Math.max(0, t - s.now);
    const audioMs = (t) => Math.max(0, t - (this.linkedAt || 0));
    const silenceMs = td.silence_duration_ms !== undefined ? td.silence_duration_ms : 500;
    let open = this.openInput;
    if (open) {
      s.sched.cancel(open.stopTask);
      this.tasks.delete(open.stopTask);
      open.texts.push(utt.asrText);
      open.end = utt.end;
      s.event('realtime', { action: 'speech_continued', item_id: open.itemId });
    } else {
      open = { itemId: makeId('item_'), texts: [utt.asrText], end: utt.end, stopTask: null };
      this.openInput = open;
      this.later(rel(utt.start + cfg.realtimeVadStartMs), () => {
        if (td.interrupt_response !== false && this.active) this.cancelResponse('turn_detected');
      });
      this.emitServer(rel(utt.start + cfg.realtimeVadStartMs), {
        type: 'input_audio_buffer.speech_started', audio_start_ms: audioMs(utt.start), item_id: open.itemId,
      });
    }
    open.stopTask = this.later(rel(open.end + silenceMs), () => this.speechStopped(open, audioMs(open.end)));
  }

  speechStopped(open, audioEndMs) {
    const s = this.s;
    const cfg = this.cfg;
    if (this.openInput === open) this.openInput = null;
    const text = open.texts.filter((t) => t).join(' ');
    const itemId = open.itemId;
    this.operatorTurns += 1;
    this.pendingOperator.push(text);
    this.items.push({ id: itemId, type: 'message', role: 'user', content: [{ type: 'input_audio', transcript: text }] });
    const fault = cfg.faults;
    this.emitServer(0, { type: 'input_audio_buffer.speech_stopped', audio_end_ms: audioEndMs, item_id: itemId });
    if (cfg.realtimeWebSocketErrorAtTurn === this.operatorTurns) {
      s.event('fault', { fault: 'realtime_websocket_error', turn: this.operatorTurns });
      this.emitConnector('WebSocketError', { code: 1011, message: 'emulated WebSocket error' });
    }
    if (fault.realtimeCloseAtTurn && fault.realtimeCloseAtTurn === this.operatorTurns) {
      s.event('fault', { fault: 'realtime_socket_close', turn: this.operatorTurns });
      this.later(1, () => this.socketClosed({
        code: fault.realtimeCloseCode || 1006,
        reason: fault.realtimeCloseReason || 'emulated socket drop',
        wasClean: Boolean(fault.realtimeCloseWasClean),
      }));
      return;
    }
    const input = this.session.audio.input;
    if (input.transcription) {
      this.emitServer(cfg.realtimeTranscriptionMs, {
        type: 'conversation.item.input_audio_transcription.completed', item_id: itemId, content_index: 0, transcript: text,
        // SIMULATED: the seconds of audio transcribed (≈ 70 ms a character of what was said).
        usage: { type: 'duration', seconds: Math.max(1, Math.round(text.length * 0.07)) },
      });
    }
    // The session as it is now (a session.update may have changed create_response meanwhile).
    if (input.turn_detection && input.turn_detection.create_response !== false) this.later(20, () => this.startResponse({}, 'vad'));
  }

  // ------------------------------------------------------------ closing
  stopAll(via) {
    for (const t of this.tasks) this.s.sched.cancel(t);
    this.tasks.clear();
    this.audioQueue = [];
    if (this.playing) this.finishPlaying(true, via);
    this.active = null;
  }

  socketClosed(ev) {
    const s = this.s;
    if (this.closed) return;
    this.stopAll('socket closed');
    this.closed = true;
    s.event('realtime', { action: 'socket_closed', ...ev });
    const cb = this.params.onWebSocketClose;
    if (typeof cb === 'function') {
      s.sched.after(0, () => s.invoke('onWebSocketClose', cb, s.toCtx(ev)));
    } else {
      s.warn('no_onWebSocketClose', 'the Realtime socket closed and the scenario passed no onWebSocketClose: it is never told');
    }
  }

  close() {
    if (this.closed) return;
    this.s.event('api', { api: 'client.close' });
    this.stopAll('client.close');
    this.closed = true;
  }

  onCallEnded(call) {
    this.inputCalls.delete(call);
    this.outputCalls.delete(call);
  }

  endBySession() {
    if (!this.closed && this.connected) {
      this.s.warn('realtime_not_closed', 'session ended with the Realtime client still open (call client.close() on every way out)');
    }
    this.stopAll('session ended');
    this.closed = true;
  }
}

module.exports = { makeNamespace, RealtimeClient, quotedLines, pureLines, verbatim };
