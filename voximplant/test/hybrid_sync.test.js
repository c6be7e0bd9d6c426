'use strict';
/**
 * The hybrid engine stays in sync with a Realtime model that does not comply: it answers by itself,
 * says a preamble, reacts to noise, paraphrases operator_said, and transcribes late. The backend's
 * turns must equal the operator's utterances whatever the model does; both hybrid modes.
 */
const test = require('node:test');
const assert = require('node:assert/strict');
const { runCall, assertClean, ofType, said, ended, botLines } = require('../test-support/run');
const { FIRST_LINE, REPLIES } = require('../test-support/backend');
const { DEFAULTS } = require('../../dev/emulator/emulator');

const OPERATOR = ['Алло, слушаю.', 'Да, продаётся.', 'Пробег сорок тысяч.'];
const conversation = () => ({ answer: 'answer', lines: OPERATOR.map((say) => ({ say })) });
const turnsOf = (be) => be.replyRequests.map((r) => [r.turn, r.text]);
const ALIGNED = OPERATOR.map((t, i) => [i + 1, t]);
const REPLY_LINES = REPLIES.map((r) => r.reply);

test('the model answers turn 2 itself (no get_reply): cut, a deviation event, the turn still reaches the backend', async () => {
  const { report, be } = await runCall('realtime', { operator: conversation(), config: { realtimeSkipToolAtTurn: 2 } });
  const evs = assertClean(report, be);
  const dev = ofType(evs, 'deviation');
  assert.equal(dev.length, 1);
  assert.equal(dev[0].turn, 2);
  assert.ok(dev[0].text && DEFAULTS.realtimeSkipToolText.startsWith(dev[0].text), JSON.stringify(dev[0]));
  // The improvised audio was flushed and the response cancelled.
  const cut = report.transcript.find((t) => t.who === 'bot' && t.text === DEFAULTS.realtimeSkipToolText);
  assert.equal(cut.cut, true);
  assert.equal(cut.cut_by, 'clearMediaBuffer');
  assert.ok(report.realtime_client_events.some((e) => e.type === 'response.cancel'));
  // The backend's turns are the operator's utterances, and the next turn is right.
  assert.deepEqual(turnsOf(be), ALIGNED);
  assert.equal(be.replyRequests[1].operator_said, undefined, 'no get_reply for turn 2: no operator_said');
  assert.deepEqual(botLines(report).filter((t) => !t.cut).map((t) => t.text), [FIRST_LINE, ...REPLY_LINES]);
  assert.ok(!said(evs, 'client').some((l) => l.text === DEFAULTS.realtimeSkipToolText), 'the improvised line is no client line');
  assert.deepEqual({ reason: ended(evs).reason, hangup_by: ended(evs).hangup_by }, { reason: 'end_call', hangup_by: 'client' });
});

/**
 * Every turn mark has the end of the operator's speech and the start of the client's audio, in
 * order: what the call summary counts as a turn and measures as voice-to-voice.
 */
function assertTimedTurns(evs, n) {
  const marks = ofType(evs, 'turn');
  assert.deepEqual(marks.map((t) => t.turn), Array.from({ length: n }, (_, i) => i + 1));
  for (const t of marks) {
    assert.equal(typeof t.speech_end_at, 'number', JSON.stringify(t));
    assert.equal(typeof t.audio_started_at, 'number', `turn ${t.turn} has no audio start: ${JSON.stringify(t)}`);
    assert.ok(t.audio_started_at > t.reply_received_at && t.reply_received_at >= t.speech_end_at, JSON.stringify(t));
  }
}

// Whether the platform ends the media stream at clearMediaBuffer() (a fresh WebSocketMediaStarted
// for the next audio) or only after 1 s of silence is unconfirmed: both readings are run.
for (const endsOnClear of [false, true]) {
  const how = endsOnClear ? 'the stream ends at the clear' : 'the stream runs on after the clear';
  test(`a preamble before every get_reply: each one cut and reported, every turn answered once and timed (${how})`, async () => {
    const { report, be } = await runCall('realtime', { operator: conversation(), config: { realtimePreamble: true, realtimeMediaEndsOnClear: endsOnClear } });
    const evs = assertClean(report, be);
    assert.deepEqual(ofType(evs, 'deviation').map((d) => d.turn), [1, 2, 3]);
    assert.deepEqual(turnsOf(be), ALIGNED);
    assert.deepEqual(botLines(report).filter((t) => !t.cut).map((t) => t.text), [FIRST_LINE, ...REPLY_LINES]);
    assertTimedTurns(evs, 3);
    // The reply's audio start is when the emulated call heard the reply begin.
    const heard = botLines(report).filter((t) => REPLY_LINES.includes(t.text) && !t.cut);
    ofType(evs, 'turn').forEach((t, i) => {
      const at = report.start_epoch_ms + heard[i].t_ms;
      assert.ok(Math.abs(t.audio_started_at - at) <= 100, `turn ${t.turn}: audio_started_at ${t.audio_started_at}, heard at ${at}`);
    });
    assert.equal(ended(evs).reason, 'end_call');
  });

  test(`the model answers turn 2 itself: that turn is still timed (${how})`, async () => {
    const { report, be } = await runCall('realtime', { operator: conversation(), config: { realtimeSkipToolAtTurn: 2, realtimeMediaEndsOnClear: endsOnClear } });
    const evs = assertClean(report, be);
    assert.deepEqual(ofType(evs, 'deviation').map((d) => d.turn), [2]);
    assertTimedTurns(evs, 3);
  });
}

for (const [mode, expectSaid] of [['empty', () => undefined], ['paraphrase', (t) => `Оператор говорит, что ${t.replace(/[.!?]+$/, '').toLowerCase()}`]]) {
  test(`operator_said ${mode} and a transcription that lands after the tool call: the turn text is the transcription`, async () => {
    const { report, be } = await runCall('realtime', {
      operator: conversation(), config: { realtimeOperatorSaid: mode, realtimeTranscriptionMs: 1200, realtimeFunctionCallMs: 400 },
    });
    const evs = assertClean(report, be);
    assert.deepEqual(turnsOf(be), ALIGNED);
    assert.deepEqual(be.replyRequests.map((r) => r.operator_said), OPERATOR.map(expectSaid));
    // Both texts stay with the turn's event (contract 2).
    assert.deepEqual(ofType(evs, 'turn').map((t) => [t.text, t.operator_said]), OPERATOR.map((o) => [o, expectSaid(o)]));
    assert.deepEqual(said(evs, 'operator').map((l) => [l.turn, l.text]), ALIGNED);
    assert.equal(ended(evs).reason, 'end_call');
  });
}

test('no transcription at all: operator_said is the fallback text', async () => {
  const { report, be } = await runCall('realtime', { operator: conversation(), config: { realtimeTranscriptionMs: 60000 } });
  assertClean(report, be);
  assert.deepEqual(turnsOf(be), ALIGNED);
  assert.deepEqual(be.replyRequests.map((r) => r.operator_said), OPERATOR);
});

test('a noise burst: get_reply with no words is no turn, and the next utterance is turn 2', async () => {
  const operator = { answer: 'answer', lines: [{ say: OPERATOR[0] }, { noise_ms: 400 }, { silence_s: 2 }, { say: OPERATOR[1] }, { say: OPERATOR[2] }] };
  const { report, be } = await runCall('realtime', { operator, config: { realtimeOperatorSaid: 'empty' } });
  const evs = assertClean(report, be);
  assert.deepEqual(turnsOf(be), ALIGNED);
  assert.ok(report.realtime_client_events.some((e) => e.type === 'conversation.item.create' && JSON.parse(e.item.output).reply === ''),
    'the noise call is answered with an empty reply');
  assert.equal(ended(evs).reason, 'end_call');
});

test('a pause mid-utterance longer than VAD silence: two items, two turns, the stale reply never voiced', async () => {
  const operator = { answer: 'answer', lines: [{ say: OPERATOR[0] }, { say: ['Да,', 'продаётся.'], pause_ms: 900 }, { say: OPERATOR[2] }] };
  const { report, be } = await runCall('realtime', { operator });
  const evs = assertClean(report, be);
  assert.deepEqual(turnsOf(be), [[1, OPERATOR[0]], [2, 'Да,'], [3, 'продаётся.']]);
  assert.ok(!botLines(report).some((t) => t.text === REPLIES[1].reply), 'the reply to "Да," is stale once "продаётся." is heard');
  assert.equal(ended(evs).reason, 'end_call');
});

test('a pause shorter than VAD silence: one item, one turn', async () => {
  const operator = { answer: 'answer', lines: [{ say: OPERATOR[0] }, { say: ['Да,', 'продаётся.'], pause_ms: 300 }, { say: OPERATOR[2] }] };
  const { report, be } = await runCall('realtime', { operator });
  assertClean(report, be);
  assert.deepEqual(turnsOf(be), ALIGNED);
});

test('direct mode: no tool, create_response false; the scenario asks /reply on each transcription', async () => {
  const { report, be } = await runCall('realtime', {
    operator: conversation(),
    backend: {
      realtimePatch: { hybrid_mode: 'direct' },
      sessionUpdatePatch: {
        tools: [], tool_choice: 'none',
        audio: {
          input: { transcription: { model: 'gpt-4o-mini-transcribe', language: 'ru' }, turn_detection: { type: 'server_vad', silence_duration_ms: 500, create_response: false } },
          output: { voice: 'cedar' },
        },
      },
    },
  });
  const evs = assertClean(report, be);
  assert.deepEqual(turnsOf(be), ALIGNED);
  assert.ok(be.replyRequests.every((r) => r.operator_said === undefined));
  assert.equal(report.realtime_server_events.filter((e) => e.type === 'response.function_call_arguments.done').length, 0);
  // One model pass per turn: the opening and the three say-exactly lines; no restore session.update.
  assert.deepEqual(report.realtime_client_events.map((e) => e.type), ['session.update', 'response.create', 'response.create', 'response.create', 'response.create']);
  assert.equal(report.realtime_server_events.filter((e) => e.type === 'response.created').length, 4);
  assert.deepEqual(botLines(report).map((t) => t.text), [FIRST_LINE, ...REPLY_LINES]);
  assert.equal(ofType(evs, 'deviation').length, 0);
  assert.deepEqual({ reason: ended(evs).reason, hangup_by: ended(evs).hangup_by }, { reason: 'end_call', hangup_by: 'client' });
});

test('direct mode with a model that still answers by itself (create_response left on): cut as a deviation, turns aligned', async () => {
  const { report, be } = await runCall('realtime', {
    operator: conversation(),
    backend: { realtimePatch: { hybrid_mode: 'direct' }, sessionUpdatePatch: { tools: [], tool_choice: 'none' } },
  });
  const evs = assertClean(report, be);
  assert.deepEqual(turnsOf(be), ALIGNED);
  assert.ok(ofType(evs, 'deviation').length >= 1);
  assert.equal(ended(evs).reason, 'end_call');
});

test('a backend on contract 1 gets no new reply fields, and a deviation goes as an error event', async () => {
  const { report, be } = await runCall('realtime', {
    operator: conversation(), config: { realtimeSkipToolAtTurn: 2 }, backend: { sessionPatch: { contract: 1 } },
  });
  const evs = assertClean(report, be);
  assert.ok(be.replyRequests.every((r) => !('operator_said' in r)));
  assert.equal(ofType(evs, 'deviation').length, 0);
  assert.deepEqual(ofType(evs, 'error').map((e) => e.where), ['deviation']);
  assert.deepEqual(turnsOf(be), ALIGNED);
});

test('tool_choice "required" on the session: every utterance calls get_reply, the say-exactly lines stay "none"', async () => {
  const { report, be } = await runCall('realtime', {
    operator: conversation(), config: { realtimeSkipToolAtTurn: 2 }, backend: { sessionUpdatePatch: { tool_choice: 'required' } },
  });
  const evs = assertClean(report, be);
  assert.equal(report.realtime_client_events[0].session.tool_choice, 'required');
  const creates = report.realtime_client_events.filter((e) => e.type === 'response.create');
  assert.ok(creates.every((e) => e.response.tool_choice === 'none'), 'the voiced lines never call the tool');
  // Even a "required" model may answer by itself once: still one deviation, turns aligned.
  assert.equal(ofType(evs, 'deviation').length, 1);
  assert.deepEqual(turnsOf(be), ALIGNED);
  assert.equal(ended(evs).reason, 'end_call');
});
