'use strict';
/** scenario_voice_realtime.js (hybrid: backend lines voiced by OpenAI Realtime) in the emulator. */
const test = require('node:test');
const assert = require('node:assert/strict');
const { runCall, assertClean, ofType, said, ended, botLines } = require('../test-support/run');
const { FIRST_LINE, REPLIES, REPROMPTS, SILENCE_LINE, APOLOGY } = require('../test-support/backend');

const sayVoices = (report) => report.events.filter((e) => e.api === 'call.say').map((e) => e.voice);

const OPERATOR = ['Алло, слушаю.', 'Да, продаётся.', 'Пробег сорок тысяч.'];
const conversation = () => ({ answer: 'answer', lines: OPERATOR.map((say) => ({ say })) });
const clientEvents = (report, type) => report.realtime_client_events.filter((e) => e.type === type);

test('realtime happy path: session.update, first line, get_reply → backend → function_call_output + response.create', async () => {
  const { report, be } = await runCall('realtime', { operator: conversation() });
  const evs = assertClean(report, be);
  assert.deepEqual(be.statuses, ['session', 'dialing', 'ringing', 'connected', 'completed']);
  // The client events, in order, are exactly the GA protocol round trips.
  // The opening runs with create_response off (the operator greets first), switched back on after it.
  assert.deepEqual(report.realtime_client_events.map((e) => e.type), [
    'session.update', 'response.create', 'session.update',
    'conversation.item.create', 'response.create',
    'conversation.item.create', 'response.create',
    'conversation.item.create', 'response.create',
  ]);
  const [su, restore] = clientEvents(report, 'session.update');
  assert.equal(su.session.type, 'realtime');
  assert.equal(su.session.tools[0].name, 'get_reply');
  assert.equal(su.session.audio.input.turn_detection.create_response, false);
  assert.deepEqual(restore.session, { type: 'realtime', audio: { input: { turn_detection: { ...su.session.audio.input.turn_detection, create_response: true } } } });
  // Every response.create carries an event_id, so a refused one is known.
  const ids = clientEvents(report, 'response.create').map((e) => e.event_id);
  assert.ok(ids.every((id) => /^vc_response_\d+$/.test(id)) && new Set(ids).size === ids.length, JSON.stringify(ids));
  // Each function_call_output answers the model's get_reply call with {reply, end_call}.
  const calls = report.realtime_server_events.filter((e) => e.type === 'response.output_item.done' && e.item.type === 'function_call');
  const outputs = clientEvents(report, 'conversation.item.create').map((e) => e.item);
  assert.deepEqual(outputs.map((o) => o.call_id), calls.map((c) => c.item.call_id));
  assert.deepEqual(outputs.map((o) => JSON.parse(o.output)), REPLIES.map((r) => ({ reply: r.reply, end_call: Boolean(r.end_call) })));
  // The tool's operator_said reached the backend.
  assert.deepEqual(be.replyRequests.map((r) => [r.turn, r.text]), OPERATOR.map((t, i) => [i + 1, t]));
  // What the operator heard: the first line and the backend's replies, voiced by the model.
  assert.deepEqual(botLines(report).map((t) => t.text), [FIRST_LINE, ...REPLIES.map((r) => r.reply)]);
  const lines = said(evs, 'client').concat(said(evs, 'operator')).sort((a, b) => a.seq - b.seq);
  assert.deepEqual(lines.map((l) => [l.who, l.text, l.turn]), [
    ['client', FIRST_LINE, 0],
    ['operator', OPERATOR[0], 1], ['client', REPLIES[0].reply, 1],
    ['operator', OPERATOR[1], 2], ['client', REPLIES[1].reply, 2],
    ['operator', OPERATOR[2], 3], ['client', REPLIES[2].reply, 3],
  ]);
  // Latency: speech_stopped → reply → WebSocketMediaStarted.
  const turns = ofType(evs, 'turn');
  assert.deepEqual(turns.map((t) => t.turn), [1, 2, 3]);
  for (const t of turns) {
    assert.ok(t.speech_end_at <= t.reply_requested_at && t.reply_received_at <= t.audio_started_at, JSON.stringify(t));
    assert.equal(t.backend_ms, 12);
  }
  const stops = report.realtime_server_events.filter((e) => e.type === 'input_audio_buffer.speech_stopped');
  assert.equal(turns[0].speech_end_at - report.start_epoch_ms, stops[0].t_ms);
  // Never two responses at once: no collision error.
  assert.equal(report.realtime_server_events.filter((e) => e.type === 'error').length, 0);
  // Hang up after the last audio: WebSocketMediaEnded.
  assert.deepEqual({ reason: ended(evs).reason, hangup_by: ended(evs).hangup_by }, { reason: 'end_call', hangup_by: 'client' });
  const mediaEnded = report.events.filter((e) => e.kind === 'dispatch' && e.name === 'OpenAI.Events.WebSocketMediaEnded').at(-1);
  assert.equal(report.calls[0].ended_at_ms, mediaEnded.t_ms);
  assert.ok(report.calls[0].ended_at_ms >= botLines(report).at(-1).end_ms);
  assert.equal(report.warnings.filter((w) => w.kind === 'realtime_not_closed').length, 0);
});

test('realtime with an ephemeral key: apiKey comes from the session, no secret read', async () => {
  const { report, be } = await runCall('realtime', {
    operator: { answer: 'answer', lines: [{ say: 'Алло, слушаю.' }, { hangup: true }] },
    backend: { keySource: 'ephemeral' }, secrets: {},
  });
  const evs = assertClean(report, be);
  assert.equal(report.events.filter((e) => e.api === 'VoxEngine.getSecretValue').length, 0);
  assert.equal(clientEvents(report, 'session.update').length, 2, 'the session, then create_response back on after the opening');
  assert.equal(ended(evs).reason, 'operator_hangup');
});

test('realtime without the OpenAI secret: the apology via TTS, then hang up', async () => {
  const { report, be } = await runCall('realtime', { operator: conversation(), secrets: {} });
  const evs = assertClean(report, be);
  assert.deepEqual(ofType(evs, 'error').map((e) => e.where), ['openai']);
  assert.deepEqual(botLines(report).map((t) => [t.text, t.source]), [[APOLOGY, 'call.say']]);
  assert.deepEqual({ reason: ended(evs).reason, hangup_by: ended(evs).hangup_by }, { reason: 'socket_closed', hangup_by: 'system' });
});

test('realtime barge-in: clearMediaBuffer on speech_started while the client audio plays', async () => {
  const operator = conversation();
  operator.lines[1] = { say: 'Да-да, продаётся, приезжайте посмотреть.', barge_in: true };
  const { report, be } = await runCall('realtime', { operator });
  const evs = assertClean(report, be);
  assert.equal(report.barge_ins.length, 1);
  assert.equal(report.barge_ins[0].via, 'clearMediaBuffer');
  assert.equal(report.barge_ins[0].bot_text, REPLIES[0].reply);
  const cut = said(evs, 'client').filter((l) => l.cut);
  assert.deepEqual(cut.map((l) => [l.text, l.turn]), [[REPLIES[0].reply, 1]]);
  assert.deepEqual(ofType(evs, 'barge_in').map((b) => b.turn), [2]);
  // Only the real interruption counts: no barge_in for speech in the 1 s tail after the audio.
  assert.equal(ofType(evs, 'barge_in').length, 1);
  assert.equal(be.replyRequests[1].text, 'Да-да, продаётся, приезжайте посмотреть.');
  assert.equal(ended(evs).reason, 'end_call');
});

test('realtime silence: empty-text turns reach the backend; reprompts are voiced with realtime_response', async () => {
  const { report, be } = await runCall('realtime', {
    operator: { answer: 'answer', lines: [{ silence_s: 60 }] },
    backend: { limits: { silence_timeout_s: 3, max_reprompts: 2 } },
  });
  const evs = assertClean(report, be);
  assert.deepEqual(be.replyRequests.map((r) => [r.turn, r.text]), [[1, ''], [2, ''], [3, '']]);
  assert.deepEqual(botLines(report).map((t) => t.text), [FIRST_LINE, REPROMPTS[0], REPROMPTS[1], SILENCE_LINE]);
  // No tool call to answer: only response.create after the first line.
  assert.deepEqual(report.realtime_client_events.map((e) => e.type), ['session.update', 'response.create', 'session.update', 'response.create', 'response.create', 'response.create']);
  assert.deepEqual({ reason: ended(evs).reason, hangup_by: ended(evs).hangup_by }, { reason: 'silence', hangup_by: 'client' });
});

test('realtime backend 5xx: one retry, then the apology (TTS) and hang up; the OpenAI client is closed', async () => {
  const { report, be } = await runCall('realtime', {
    operator: conversation(), backend: { replyFail: { turn: 2, status: 500, times: 2 } },
  });
  const evs = assertClean(report, be);
  assert.deepEqual(be.replyRequests.map((r) => r.turn), [1, 2, 2]);
  assert.deepEqual(ofType(evs, 'error').map((e) => [e.where, e.code]), [['reply', 500]]);
  const last = botLines(report).at(-1);
  assert.deepEqual([last.text, last.source], [APOLOGY, 'call.say']);
  assert.equal(said(evs, 'client').at(-1).text, APOLOGY);
  assert.ok(report.events.some((e) => e.api === 'client.close'));
  assert.deepEqual({ reason: ended(evs).reason, hangup_by: ended(evs).hangup_by }, { reason: 'backend_error', hangup_by: 'system' });
  assert.ok(report.calls[0].ended_at_ms >= last.end_ms);
});

test('realtime socket closed mid-call: error event, the apology via TTS, ended socket_closed', async () => {
  const { report, be } = await runCall('realtime', {
    operator: conversation(),
    config: { faults: { realtimeCloseAtTurn: 2, realtimeCloseCode: 1006, realtimeCloseReason: 'network drop' } },
  });
  const evs = assertClean(report, be);
  assert.deepEqual(ofType(evs, 'error').map((e) => [e.where, e.code, e.message]), [['openai', 1006, 'socket closed: network drop']]);
  assert.equal(be.replyRequests.length, 1);
  const last = botLines(report).at(-1);
  assert.deepEqual([last.text, last.source], [APOLOGY, 'call.say']);
  assert.deepEqual({ reason: ended(evs).reason, hangup_by: ended(evs).hangup_by }, { reason: 'socket_closed', hangup_by: 'system' });
  assert.equal(report.hangup_by, 'bot');
});

test('realtime: response.create colliding with a server-VAD response is retried after its ResponseDone', async () => {
  // A persona that speaks first (server VAD stays on), a slow socket (client events seen 900 ms
  // late) and an operator who says "Алло" at once: the first line's response.create reaches OpenAI
  // while the VAD response to "Алло" is running.
  const { report, be } = await runCall('realtime', {
    operator: conversation(), config: { realtimeClientLatencyMs: 900, operatorFirstLinePatienceMs: 400 },
    backend: { sessionPatch: { speaks_first: 'client' } },
  });
  const evs = assertClean(report, be);
  const errors = report.realtime_server_events.filter((e) => e.type === 'error');
  assert.deepEqual(errors.map((e) => e.error.code), ['conversation_already_has_active_response']);
  assert.deepEqual(ofType(evs, 'error').map((e) => e.code), ['conversation_already_has_active_response']);
  assert.equal(botLines(report)[0].text, FIRST_LINE, 'the first line is still said');
  assert.deepEqual(botLines(report).map((t) => t.text).slice(1), REPLIES.map((r) => r.reply));
  assert.equal(ended(evs).reason, 'end_call');
});

for (const [ttsVoice, expected] of [[undefined, 'tts:yandex-neural/ru_RU_alena'], [null, 'tts:tbank/ru_RU_Dima']]) {
  test(`realtime apology voice: session.tts_voice ${ttsVoice === null ? 'absent → the TBank.ru_RU_Dima fallback' : 'is used'}`, async () => {
    const { report, be } = await runCall('realtime', { operator: conversation(), secrets: {}, backend: { ttsVoice } });
    assertClean(report, be);
    assert.deepEqual(botLines(report).map((t) => t.text), [APOLOGY]);
    assert.deepEqual(sayVoices(report), [expected]);
  });
}

for (const [ending, reason] of [['max_duration', 'max_duration'], ['silence', 'silence'], ['goodbye', 'end_call'],
  ['max_turns', 'end_call'], ['hang_up', 'end_call'], ['success', 'end_call']]) {
  test(`realtime: the reply's ending ${ending} → ended ${reason}`, async () => {
    const replies = [REPLIES[0], { ...REPLIES[2], ending }];
    const { report, be } = await runCall('realtime', { operator: conversation(), backend: { replies } });
    const evs = assertClean(report, be);
    assert.deepEqual({ reason: ended(evs).reason, hangup_by: ended(evs).hangup_by }, { reason, hangup_by: 'client' });
    assert.equal(botLines(report).at(-1).text, REPLIES[2].reply, 'the last line is spoken before the hang-up');
  });
}
