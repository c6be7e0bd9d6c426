'use strict';
/**
 * Contract 3: the realtime scenarios post what OpenAI reported it used (`usage` events: each
 * response.done's usage and each input transcription's), and the hybrid engine posts the backend's
 * line beside the words the model spoke (`spoken`, per turn). The emulator's usage figures are
 * simulated; the test checks they are carried over as reported, not their size.
 */
const test = require('node:test');
const assert = require('node:assert/strict');
const { runCall, assertClean, ofType, said } = require('../test-support/run');
const { FIRST_LINE, REPLIES } = require('../test-support/backend');

const OPERATOR = ['Алло, слушаю.', 'Да, продаётся.', 'Пробег сорок тысяч.'];
const conversation = () => ({ answer: 'answer', lines: OPERATOR.map((say) => ({ say })) });
const serverDone = (report) => report.realtime_server_events.filter((e) => e.type === 'response.done' && e.response.usage);

for (const engine of ['realtime', 'realtime_pure']) {
  test(`${engine}: every response.done usage is posted as a usage event, as reported`, async () => {
    const { report, be } = await runCall(engine, { operator: conversation() });
    const evs = assertClean(report, be);
    const usage = ofType(evs, 'usage').filter((e) => e.source === 'realtime');
    const done = serverDone(report);
    assert.ok(done.length >= 3, `responses with usage: ${done.length}`);
    assert.deepEqual(usage.map((e) => e.response_id), done.map((e) => e.response.id));
    assert.deepEqual(usage.map((e) => e.usage), done.map((e) => e.response.usage));
    assert.ok(usage.every((e) => e.model === 'gpt-realtime-2.1'), 'the session\'s model names the usage');
    for (const e of usage) {
      assert.ok(e.usage.output_token_details.audio_tokens > 0 || e.usage.output_token_details.text_tokens > 0, JSON.stringify(e));
    }
    // The input transcriptions' usage (seconds of audio) comes as source transcription.
    const heard = report.realtime_server_events.filter((e) => e.type === 'conversation.item.input_audio_transcription.completed');
    const tr = ofType(evs, 'usage').filter((e) => e.source === 'transcription');
    assert.equal(tr.length, heard.length);
    assert.ok(tr.every((e) => e.usage.type === 'duration' && e.usage.seconds > 0), JSON.stringify(tr));
    assert.ok(tr.every((e) => e.model === 'gpt-4o-mini-transcribe'), JSON.stringify(tr));
  });
}

test('realtime (hybrid): each voiced backend line is posted with the words spoken (spoken events)', async () => {
  const { report, be } = await runCall('realtime', { operator: conversation() });
  const evs = assertClean(report, be);
  const spoken = ofType(evs, 'spoken');
  assert.deepEqual(spoken.map((e) => [e.turn, e.line]), [[0, FIRST_LINE], ...REPLIES.map((r, i) => [i + 1, r.reply])]);
  // The emulated model says the line as given: the spoken text is the client's transcript line.
  const client = said(evs, 'client');
  assert.deepEqual(spoken.map((e) => e.text), client.map((l) => l.text));
});

test('realtime_pure posts no spoken events (no backend lines)', async () => {
  const { report, be } = await runCall('realtime_pure', { operator: conversation() });
  const evs = assertClean(report, be);
  assert.equal(ofType(evs, 'spoken').length, 0);
});

test('a contract 2 backend gets neither usage nor spoken events (it would refuse the batch)', async () => {
  for (const engine of ['realtime', 'realtime_pure']) {
    const { report, be } = await runCall(engine, { operator: conversation(), backend: { sessionPatch: { contract: 2 } } });
    const evs = assertClean(report, be);
    assert.deepEqual(ofType(evs, 'usage').concat(ofType(evs, 'spoken')), [], engine);
  }
});
