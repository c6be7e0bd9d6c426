'use strict';
/**
 * A stub of the backend side of docs/scenario-contract.md for the scenario tests (loopback only):
 *
 *   GET  /call/{id}/session   the session for one engine (dialog | realtime | realtime_pure)
 *   POST /call/{id}/reply     a scripted reply sequence ending with end_call; "" → a reprompt,
 *                             more than max_reprompts in a row → end_call (ending "silence");
 *                             `ending` is null unless end_call (then the reply's own, else "goodbye");
 *                             a retried turn gets the same answer, a turn out of order 409
 *   POST /call/{id}/events    records events (dedupe by seq), answers {accepted, duplicates, status}
 *
 * Every request must carry `Authorization: Bearer <tok>`. Fault switches (all optional):
 *   sessionFail: {status, times}          the first `times` session requests fail
 *   replyFail:   {turn, status, times}    the first `times` requests for turn N answer `status`
 *   replyHang:   {turn, delayMs, times}   the first `times` requests for turn N answer after delayMs
 *   eventsFail:  {status, times}          the first `times` events requests fail
 *   eventsDelayMs                         every events answer waits this long (concurrency check)
 *   sessionUpdatePatch                    keys merged into realtime.session_update.session
 *   realtimePatch                         keys merged into session.realtime (e.g. hybrid_mode)
 *
 * The payloads follow the contract generated from the backend's models (contract.js): the stub's
 * own session and answers are checked against it before any patch (a drifted stub throws), and
 * reply and events bodies are validated as the backend does (422 naming the field).
 */
const http = require('node:http');
const { SCHEMAS } = require('./contract');
const { problems } = require('./schema');

/** The stub serves the contract-1 session shape unless a test patches it; these may be absent. */
const CONTRACT1_ABSENT = ['contract', 'speaks_first', 'limits.greeting_wait_s'];

/** Throws when the stub's own payload is not what the backend could send. */
function mustConform(name, value, opts) {
  const found = problems(SCHEMAS[name], value, opts);
  if (found.length) throw new Error(`test stub ${name} drifted from the contract: ${found.join('; ')}`);
}

const CALL_ID = '5f0c2a9e4b7d4e1f8a3c6b2d9e0f1a2b';
const TOKEN = 'v1.5f0c2a9e.1767225600.QmVhcmVyVG9rZW5Gb3JUZXN0c09ubHk';
const FIRST_LINE = 'Здравствуйте! Я по объявлению о продаже машины, она ещё продаётся?';
const APOLOGY = 'Извините, у меня проблемы со связью. Перезвоню позже. До свидания.';
const TTS_VOICE = 'Yandex.Neural.ru_RU_alena'; // top-level tts_voice: the voice of lines VoxEngine speaks itself
const REPLIES = [
  { reply: 'Отлично. А какой у неё пробег?', phase: 'car' },
  { reply: 'Понятно. А торг возможен?', phase: 'money' },
  { reply: 'Спасибо, я подумаю и перезвоню. До свидания!', phase: 'closing', end_call: true, ending: 'success' },
];
const REPROMPTS = ['Алло, вы меня слышите?', 'Алло? Вас не слышно.'];
const SILENCE_LINE = 'Видимо, связь пропала. Перезвоню позже, до свидания.';
const PURE_LINES = [
  'Здравствуйте! Я по объявлению о продаже машины.',
  'Какой у неё пробег?',
  'А торг возможен?',
  'Спасибо, до свидания!',
];
const DEFAULT_LIMITS = { max_duration_s: 300, silence_timeout_s: 8, max_reprompts: 2, reply_timeout_s: 6, answer_timeout_s: 60 };

/** The backend's say-exactly instruction (the emulator's fake model voices the text after "Say exactly:"). */
function sayExactly(line) {
  return {
    type: 'response.create',
    response: {
      instructions: `Voice the following line word for word, in its language, adding nothing. Say exactly: ${line}`,
      tool_choice: 'none',
      output_modalities: ['audio'],
    },
  };
}

function audioConfig(transcription) {
  const input = { format: { type: 'audio/pcm', rate: 24000 } };
  if (transcription) input.transcription = { model: 'gpt-4o-mini-transcribe', language: 'ru' };
  input.turn_detection = {
    type: 'server_vad', threshold: 0.5, prefix_padding_ms: 300, silence_duration_ms: 500,
    create_response: true, interrupt_response: true,
  };
  return { input, output: { format: { type: 'audio/pcm', rate: 24000 }, voice: 'cedar' } };
}

function hybridSessionUpdate() {
  return {
    type: 'session.update',
    session: {
      type: 'realtime',
      model: 'gpt-realtime-2.1',
      instructions: 'You are the voice of Алексей, a customer on a phone call. Speak Russian only. ' +
        'After EVERY operator utterance call get_reply with operator_said = the operator\'s words. ' +
        'Say `reply` word for word and nothing else.',
      output_modalities: ['audio'],
      audio: audioConfig(true),
      tools: [{
        type: 'function',
        name: 'get_reply',
        description: 'Call after EVERY operator utterance. Returns the line you must say next, word for word.',
        parameters: {
          type: 'object',
          properties: { operator_said: { type: 'string', description: 'The operator\'s last utterance, verbatim.' } },
          required: ['operator_said'],
          additionalProperties: false,
        },
      }],
      tool_choice: 'auto',
    },
  };
}

function pureSessionUpdate() {
  return {
    type: 'session.update',
    session: {
      type: 'realtime',
      model: 'gpt-realtime-2.1',
      instructions: [
        'You are Алексей, a CUSTOMER on a phone call with a car dealer. Speak Russian only.',
        `Your first words: «${PURE_LINES[0]}»`,
        `Topics, in order: ask «${PURE_LINES[1]}», then ask «${PURE_LINES[2]}».`,
        `The operator says goodbye: say «${PURE_LINES[3]}», then call end_call(reason=goodbye).`,
      ].join('\n'),
      output_modalities: ['audio'],
      audio: audioConfig(true),
      tools: [{
        type: 'function',
        name: 'end_call',
        description: 'Finish the call after you have said your closing line.',
        parameters: {
          type: 'object',
          properties: { reason: { type: 'string', enum: ['goodbye', 'success', 'hang_up', 'max_turns'] } },
          required: ['reason'],
          additionalProperties: false,
        },
      }],
      tool_choice: 'auto',
    },
  };
}

const STATUS_OF = { session_started: 'session', dialing: 'dialing', ringing: 'ringing', connected: 'connected', failed: 'failed' };

/**
 * Start the stub backend.
 * @param {object} opts {engine, limits?, replies?, keySource?, record?, ttsVoice? (null: no tts_voice), sessionPatch?,
 *                       sessionUpdatePatch?, sessionFail?, replyFail?, replyHang?, eventsFail?, eventsDelayMs?}
 */
async function startBackend(opts = {}) {
  const engine = opts.engine || 'dialog';
  const replies = opts.replies || REPLIES;
  const st = {
    sessionRequests: [],
    replyRequests: [],
    eventRequests: [],
    events: [], // accepted events in arrival order
    rejectedEvents: [], // what the contract refused (a scenario sending it is a bug)
    duplicates: 0,
    unauthorized: 0,
    statuses: [],
    status: 'starting',
    maxEventsInFlight: 0,
  };
  const answers = {}; // turn → answer (a retried turn gets the same answer)
  let lastTurn = 0;
  let scriptIdx = 0;
  let reprompts = 0;
  let eventsInFlight = 0;
  const hits = { session: 0, events: 0, reply: {} };
  let base = '';

  function session() {
    const limits = { ...DEFAULT_LIMITS, ...(opts.limits || {}) };
    const s = {
      call_id: CALL_ID,
      engine,
      to: '+79161234567',
      caller_id: '+74950000000',
      event_url: `${base}/call/${CALL_ID}/events`,
      persona: { id: 'car_buyer', name: 'Алексей', language: 'ru-RU' },
      limits,
      apology_line: APOLOGY,
      tts_voice: opts.ttsVoice !== undefined ? opts.ttsVoice : TTS_VOICE,
      record: opts.record !== undefined ? opts.record : true,
    };
    if (engine !== 'realtime_pure') {
      s.dialog_url = `${base}/call/${CALL_ID}/reply`;
      s.first_line = FIRST_LINE;
    }
    if (s.tts_voice === null) delete s.tts_voice;
    if (engine === 'dialog') s.dialog = { asr_profile: 'Google.ru_RU', tts_voice: 'TBank.ru_RU_Dima' };
    if (engine !== 'dialog') {
      const rt = { model: 'gpt-realtime-2.1', key_source: opts.keySource || 'voximplant_secret' };
      if (rt.key_source === 'ephemeral') rt.api_key = 'ek_test_ephemeral_key';
      else rt.secret_name = 'OPENAI_API_KEY';
      rt.session_update = engine === 'realtime' ? hybridSessionUpdate() : pureSessionUpdate();
      Object.assign(rt.session_update.session, opts.sessionUpdatePatch || {});
      // As the real backend does: both engines open with the first line said exactly.
      rt.first_response = sayExactly(engine === 'realtime' ? FIRST_LINE : PURE_LINES[0]);
      if (engine === 'realtime_pure' && opts.silenceLine) rt.silence_response = sayExactly(opts.silenceLine);
      s.realtime = rt;
    }
    // A test that drops tts_voice checks the scenario's fallback: the backend always sends one.
    const absent = opts.ttsVoice === null ? [...CONTRACT1_ABSENT, 'tts_voice'] : CONTRACT1_ABSENT;
    mustConform('session', s, { allowAbsent: absent });
    if (s.realtime) Object.assign(s.realtime, opts.realtimePatch || {});
    return Object.assign(s, opts.sessionPatch || {});
  }

  function answerFor(turn, text) {
    let a;
    if (!text.trim()) {
      reprompts += 1;
      const limits = { ...DEFAULT_LIMITS, ...(opts.limits || {}) };
      if (reprompts > limits.max_reprompts) a = { reply: SILENCE_LINE, end_call: true, phase: 'closing', ending: 'silence' };
      else a = { reply: REPROMPTS[(reprompts - 1) % REPROMPTS.length], end_call: false, phase: 'reprompt' };
    } else {
      reprompts = 0;
      const r = replies[Math.min(scriptIdx, replies.length - 1)];
      scriptIdx += 1;
      a = { end_call: false, ...r };
    }
    const out = { turn, reply: a.reply, end_call: Boolean(a.end_call), phase: a.phase, ending: null, backend_ms: 12, llm_ms: 340, fallback: false };
    if (out.end_call) out.ending = a.ending || 'goodbye';
    if (engine === 'realtime') out.realtime_response = sayExactly(a.reply);
    mustConform('reply_response', out);
    return out;
  }

  async function handle(req, body) {
    const auth = req.headers.authorization || '';
    if (auth !== `Bearer ${TOKEN}`) {
      st.unauthorized += 1;
      return { status: 401, json: { code: 'unauthorized', message: 'Send the call\'s token' } };
    }
    const m = req.url.match(/^\/call\/([0-9a-f]{32})\/(session|reply|events)$/);
    if (!m || m[1] !== CALL_ID) return { status: 404, json: { code: 'not_found', message: 'No such route' } };
    const route = m[2];
    if (route === 'session' && req.method === 'GET') {
      st.sessionRequests.push({ at: Date.now() });
      hits.session += 1;
      const f = opts.sessionFail;
      if (f && hits.session <= (f.times || 1)) return { status: f.status || 500, json: { code: 'boom', message: 'session failed' } };
      return { json: session() };
    }
    let payload;
    try {
      payload = JSON.parse(body);
    } catch (e) {
      return { status: 400, json: { code: 'bad_json', message: 'body is not JSON' } };
    }
    if (route === 'reply' && req.method === 'POST') {
      st.replyRequests.push(payload);
      const { turn, text } = payload;
      const bad = problems(SCHEMAS.reply_request, payload);
      if (bad.length) {
        return { status: 422, json: { code: 'validation', message: `bad reply body ${body}: ${bad.join('; ')}` } };
      }
      hits.reply[turn] = (hits.reply[turn] || 0) + 1;
      const fail = opts.replyFail;
      if (fail && fail.turn === turn && hits.reply[turn] <= (fail.times || 1)) {
        return { status: fail.status || 500, json: { code: 'boom', message: 'reply failed' } };
      }
      const hang = opts.replyHang;
      const delayMs = hang && hang.turn === turn && hits.reply[turn] <= (hang.times || 1) ? hang.delayMs : 0;
      if (answers[turn]) return { json: answers[turn], delayMs };
      if (turn !== lastTurn + 1) {
        return { status: 409, json: { code: 'conflict', message: `turn ${turn} out of order; next is ${lastTurn + 1}` } };
      }
      lastTurn = turn;
      answers[turn] = answerFor(turn, text);
      return { json: answers[turn], delayMs };
    }
    if (route === 'events' && req.method === 'POST') {
      st.eventRequests.push(payload);
      hits.events += 1;
      eventsInFlight += 1;
      st.maxEventsInFlight = Math.max(st.maxEventsInFlight, eventsInFlight);
      try {
        if (opts.eventsDelayMs) await new Promise((r) => setTimeout(r, opts.eventsDelayMs));
        const f = opts.eventsFail;
        if (f && hits.events <= (f.times || 1)) return { status: f.status || 500, json: { code: 'boom', message: 'events failed' } };
        // As the backend: the batch and every event in it follow the contract, or nothing is taken.
        const bad = problems(SCHEMAS.event_batch, payload);
        (Array.isArray(payload.events) ? payload.events : []).forEach((ev, i) => {
          bad.push(...problems(SCHEMAS.event, ev).map((p) => `events[${i}] ${p}`));
        });
        if (bad.length) {
          st.rejectedEvents.push(...bad);
          return { status: 422, json: { code: 'validation_failed', message: bad.join('; ') } };
        }
        let accepted = 0;
        let duplicates = 0;
        for (const ev of payload.events || []) {
          if (st.events.some((e) => e.seq === ev.seq)) {
            duplicates += 1;
            continue;
          }
          accepted += 1;
          st.events.push(ev);
          let next = STATUS_OF[ev.type];
          if (ev.type === 'ended') next = st.status === 'failed' ? 'failed' : 'completed';
          if (next && next !== st.status) {
            st.status = next;
            st.statuses.push(next);
          }
        }
        st.duplicates += duplicates;
        return { json: { accepted, duplicates, status: st.status } };
      } finally {
        eventsInFlight -= 1;
      }
    }
    return { status: 405, json: { code: 'method', message: 'Method not allowed' } };
  }

  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const out = await handle(req, Buffer.concat(chunks).toString('utf8'));
      if (out.delayMs) await new Promise((r) => setTimeout(r, out.delayMs));
      if (res.destroyed) return;
      res.writeHead(out.status || 200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(out.json));
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${server.address().port}`;
  return Object.assign(st, {
    url: base,
    customData: JSON.stringify({ id: CALL_ID, api: base, tok: TOKEN }),
    /** Accepted events sorted by seq. */
    sorted: () => [...st.events].sort((a, b) => a.seq - b.seq),
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }),
  });
}

module.exports = { startBackend, CALL_ID, TOKEN, FIRST_LINE, APOLOGY, TTS_VOICE, REPLIES, REPROMPTS, SILENCE_LINE, PURE_LINES };
