'use strict';
/** scenario_voice_realtime_pure.js (the Realtime model plays the persona alone) in the emulator. */
const test = require('node:test');
const assert = require('node:assert/strict');
const { runCall, assertClean, ofType, said, ended, botLines } = require('../test-support/run');
const { PURE_LINES, APOLOGY } = require('../test-support/backend');

const OPERATOR = ['Алло, слушаю.', 'Пробег сорок тысяч.', 'Торг возможен. До свидания!'];
const conversation = () => ({ answer: 'answer', lines: OPERATOR.map((say) => ({ say })) });

test('realtime_pure happy path: the model speaks first, end_call on goodbye → hang up after the last audio', async () => {
  const { report, be } = await runCall('realtime_pure', { operator: conversation() });
  const evs = assertClean(report, be);
  assert.deepEqual(be.statuses, ['session', 'dialing', 'ringing', 'connected', 'completed']);
  assert.equal(be.replyRequests.length, 0, 'no backend turns in the pure engine');
  const su = report.realtime_client_events[0];
  assert.equal(su.type, 'session.update');
  assert.equal(su.session.type, 'realtime');
  assert.deepEqual(su.session.tools.map((t) => t.name), ['end_call']);
  // The model's own lines (picked from its instructions by the fake model), then the goodbye.
  assert.deepEqual(botLines(report).map((t) => t.text), [...PURE_LINES.slice(0, 3), 'До свидания!']);
  const lines = said(evs, 'client').concat(said(evs, 'operator')).sort((a, b) => a.seq - b.seq);
  assert.deepEqual(lines.map((l) => [l.who, l.text, l.turn]), [
    ['client', PURE_LINES[0], 0],
    ['operator', OPERATOR[0], 1], ['client', PURE_LINES[1], 1],
    ['operator', OPERATOR[1], 2], ['client', PURE_LINES[2], 2],
    ['operator', OPERATOR[2], 3], ['client', 'До свидания!', 3],
  ]);
  // end_call is answered, and (no audio in that response) one more response says goodbye.
  const calls = report.realtime_server_events.filter((e) => e.type === 'response.output_item.done' && e.item.type === 'function_call');
  assert.deepEqual(calls.map((c) => c.item.name), ['end_call']);
  const out = report.realtime_client_events.find((e) => e.type === 'conversation.item.create');
  assert.equal(out.item.call_id, calls[0].item.call_id);
  const last = report.realtime_client_events.at(-1);
  assert.deepEqual({ ...last, event_id: undefined }, { type: 'response.create', response: { tool_choice: 'none' }, event_id: undefined });
  // Latency: no backend marks.
  const turns = ofType(evs, 'turn');
  assert.deepEqual(turns.map((t) => t.turn), [1, 2, 3]);
  for (const t of turns) {
    assert.equal(t.reply_requested_at, null);
    assert.equal(t.backend_ms, undefined);
    assert.ok(t.audio_started_at > t.speech_end_at);
  }
  assert.equal(report.realtime_server_events.filter((e) => e.type === 'error').length, 0);
  assert.deepEqual({ reason: ended(evs).reason, hangup_by: ended(evs).hangup_by }, { reason: 'end_call', hangup_by: 'client' });
  const mediaEnded = report.events.filter((e) => e.kind === 'dispatch' && e.name === 'OpenAI.Events.WebSocketMediaEnded').at(-1);
  assert.equal(report.calls[0].ended_at_ms, mediaEnded.t_ms);
});

test('realtime_pure barge-in: clearMediaBuffer cuts the model\'s line', async () => {
  const operator = conversation();
  operator.lines[0] = { say: 'Алло, да, слушаю вас внимательно.', barge_in: true };
  const { report, be } = await runCall('realtime_pure', { operator });
  const evs = assertClean(report, be);
  assert.equal(report.barge_ins.length, 1);
  assert.equal(report.barge_ins[0].via, 'clearMediaBuffer');
  assert.deepEqual(said(evs, 'client').filter((l) => l.cut).map((l) => [l.text, l.turn]), [[PURE_LINES[0], 0]]);
  assert.deepEqual(ofType(evs, 'barge_in').map((b) => b.turn), [1]);
  assert.equal(ended(evs).reason, 'end_call');
});

test('realtime_pure silence: the model is nudged max_reprompts times, then the call ends (reason silence)', async () => {
  const { report, be } = await runCall('realtime_pure', {
    operator: { answer: 'answer', lines: [{ silence_s: 60 }] },
    backend: { limits: { silence_timeout_s: 3, max_reprompts: 2 } },
  });
  const evs = assertClean(report, be);
  assert.deepEqual(report.realtime_client_events.map((e) => e.type), ['session.update', 'response.create', 'session.update', 'response.create', 'response.create']);
  assert.equal(botLines(report).length, 3);
  assert.deepEqual({ reason: ended(evs).reason, hangup_by: ended(evs).hangup_by }, { reason: 'silence', hangup_by: 'client' });
});

test('realtime_pure silence with silence_response: the silence line is said exactly, then the call ends', async () => {
  const silenceLine = 'Алло? Вас совсем не слышно. Я перезвоню позже.';
  const { report, be } = await runCall('realtime_pure', {
    operator: { answer: 'answer', lines: [{ silence_s: 60 }] },
    backend: { limits: { silence_timeout_s: 3, max_reprompts: 2 }, silenceLine },
  });
  const evs = assertClean(report, be);
  const lines = botLines(report).map((t) => t.text);
  assert.equal(lines[lines.length - 1], silenceLine);
  assert.deepEqual({ reason: ended(evs).reason, hangup_by: ended(evs).hangup_by, ending: ended(evs).ending }, { reason: 'silence', hangup_by: 'client', ending: 'silence' });
});

test('realtime_pure socket closed mid-call: error event, the apology via TTS, ended socket_closed', async () => {
  const { report, be } = await runCall('realtime_pure', {
    operator: conversation(), config: { faults: { realtimeCloseAtTurn: 2, realtimeCloseCode: 1011, realtimeCloseReason: 'server error' } },
  });
  const evs = assertClean(report, be);
  assert.deepEqual(ofType(evs, 'error').map((e) => [e.where, e.code]), [['openai', 1011]]);
  const last = botLines(report).at(-1);
  assert.deepEqual([last.text, last.source], [APOLOGY, 'call.say']);
  assert.deepEqual({ reason: ended(evs).reason, hangup_by: ended(evs).hangup_by }, { reason: 'socket_closed', hangup_by: 'system' });
});

test('realtime_pure: a response.create colliding with a server-VAD response is retried', async () => {
  const { report, be } = await runCall('realtime_pure', {
    operator: conversation(), config: { realtimeClientLatencyMs: 900, operatorFirstLinePatienceMs: 400 },
    backend: { sessionPatch: { speaks_first: 'client' } },
  });
  const evs = assertClean(report, be);
  assert.deepEqual(report.realtime_server_events.filter((e) => e.type === 'error').map((e) => e.error.code), ['conversation_already_has_active_response']);
  assert.equal(botLines(report).at(-1).text, 'До свидания!');
  assert.equal(ended(evs).reason, 'end_call');
});

test('realtime_pure: OpenAI rejects the session.update → error, the apology via TTS, no dead air', async () => {
  // A beta key the GA API refuses (the GA shape check is off for this run on purpose).
  const { report, be } = await runCall('realtime_pure', {
    operator: conversation(), backend: { sessionUpdatePatch: { voice: 'cedar' } },
  });
  const evs = assertClean(report, be, { ga: false });
  assert.deepEqual(ofType(evs, 'error').map((e) => [e.where, e.code]), [['openai', 'unknown_parameter']]);
  assert.deepEqual(botLines(report).map((t) => [t.text, t.source]), [[APOLOGY, 'call.say']]);
  assert.equal(report.realtime_client_events.length, 1, 'no response.create on a rejected session');
  assert.deepEqual({ reason: ended(evs).reason, hangup_by: ended(evs).hangup_by }, { reason: 'socket_closed', hangup_by: 'system' });
  assert.ok(report.calls[0].ended_at_ms - report.calls[0].connected_at_ms < 10000);
});

test('realtime_pure apology voice: session.tts_voice, a fallback when absent', async () => {
  for (const [ttsVoice, expected] of [[undefined, 'tts:yandex-neural/ru_RU_alena'], [null, 'tts:tbank/ru_RU_Dima']]) {
    const { report, be } = await runCall('realtime_pure', { operator: conversation(), secrets: {}, backend: { ttsVoice } });
    assertClean(report, be);
    assert.deepEqual(botLines(report).map((t) => t.text), [APOLOGY]);
    assert.deepEqual(report.events.filter((e) => e.api === 'call.say').map((e) => e.voice), [expected]);
  }
});
