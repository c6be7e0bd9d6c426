'use strict';
/**
 * No dead air on any failure: failed Realtime responses (re-asked once, then the apology), a refused
 * response.create, connector errors made visible, the trace flag; dialog ASR quirks.
 */
const test = require('node:test');
const assert = require('node:assert/strict');
const { runCall, assertClean, ofType, said, ended, botLines } = require('../test-support/run');
const { FIRST_LINE, REPLIES, PURE_LINES, APOLOGY } = require('../test-support/backend');

const LINES = {
  realtime: ['Алло, слушаю.', 'Да, продаётся.', 'Пробег сорок тысяч.'],
  realtime_pure: ['Алло, слушаю.', 'Пробег сорок тысяч.', 'Торг возможен. До свидания!'],
  dialog: ['Алло, слушаю.', 'Да, продаётся.', 'Пробег сорок тысяч.'],
};
const conversation = (engine) => ({ answer: 'answer', lines: LINES[engine].map((say) => ({ say })) });
const openaiErrors = (evs) => ofType(evs, 'error').filter((e) => e.where === 'openai');

for (const engine of ['realtime', 'realtime_pure']) {
  test(`${engine}: one failed response → an error event, asked again, the call goes on to its end`, async () => {
    const { report, be } = await runCall(engine, { operator: conversation(engine), config: { realtimeFailResponseAt: 2 } });
    const evs = assertClean(report, be);
    assert.deepEqual(openaiErrors(evs).map((e) => e.code), ['server_error']);
    assert.match(openaiErrors(evs)[0].message, /response failed/);
    if (engine === 'realtime') assert.deepEqual(be.replyRequests.map((r) => r.text), LINES.realtime);
    else assert.deepEqual(botLines(report).map((t) => t.text), [...PURE_LINES.slice(0, 3), 'До свидания!']);
    assert.deepEqual({ reason: ended(evs).reason, hangup_by: ended(evs).hangup_by }, { reason: 'end_call', hangup_by: 'client' });
  });

  test(`${engine}: two failed responses in a row → two errors, the apology (TTS), hang up within seconds`, async () => {
    const { report, be } = await runCall(engine, { operator: conversation(engine), config: { realtimeFailResponseAt: 2, realtimeFailTimes: 2 } });
    const evs = assertClean(report, be);
    const errors = openaiErrors(evs);
    assert.deepEqual(errors.map((e) => e.code), ['server_error', 'server_error']);
    const last = botLines(report).at(-1);
    assert.deepEqual([last.text, last.source], [APOLOGY, 'call.say']);
    assert.equal(said(evs, 'client').at(-1).text, APOLOGY);
    assert.equal(said(evs, 'operator')[0].text, LINES[engine][0], 'what the operator said before the failure is in the transcript');
    assert.deepEqual({ reason: ended(evs).reason, hangup_by: ended(evs).hangup_by }, { reason: 'socket_closed', hangup_by: 'system' });
    assert.ok(ended(evs).t - errors[1].t < 10000, `over ${ended(evs).t - errors[1].t} ms after the second failure`);
    assert.ok(report.events.some((e) => e.api === 'client.close'));
  });

  test(`${engine}: a WebSocketError from the connector is posted as an error event; the call goes on`, async () => {
    const { report, be } = await runCall(engine, { operator: conversation(engine), config: { realtimeWebSocketErrorAtTurn: 1 } });
    const evs = assertClean(report, be);
    assert.deepEqual(openaiErrors(evs).map((e) => [e.code, /WebSocket error/.test(e.message)]), [[1011, true]]);
    assert.equal(ended(evs).reason, 'end_call');
  });
}

test('realtime: an HTTPResponse of 401 from the connector is an error event; a 101 upgrade is only logged', async () => {
  const bad = await runCall('realtime', { operator: conversation('realtime'), config: { realtimeConnectHttpStatus: 401 } });
  assert.deepEqual(openaiErrors(assertClean(bad.report, bad.be)).map((e) => [e.code, /^HTTP response/.test(e.message)]), [[401, true]]);
  const ok = await runCall('realtime', { operator: conversation('realtime'), config: { realtimeConnectHttpStatus: 101 } });
  assert.equal(openaiErrors(assertClean(ok.report, ok.be)).length, 0);
  assert.ok(ok.report.logs.some((l) => /OpenAI HTTP response/.test(l.text)));
});

test('realtime: a refused response.create (the error names its event_id) is tried once more, then the apology', async () => {
  const bad = { type: 'response.create', response: { instructions: `Say exactly: ${FIRST_LINE}`, tool_choice: 'none', bogus: true } };
  const { report, be } = await runCall('realtime', { operator: conversation('realtime'), backend: { realtimePatch: { first_response: bad } } });
  const evs = assertClean(report, be, { ga: false });
  const refused = report.realtime_server_events.filter((e) => e.type === 'error');
  const creates = report.realtime_client_events.filter((e) => e.type === 'response.create');
  assert.deepEqual(refused.map((e) => e.error.event_id), creates.map((e) => e.event_id), 'each error names the refused event');
  assert.equal(creates.length, 2);
  assert.deepEqual(botLines(report).map((t) => t.text), [APOLOGY]);
  assert.equal(ended(evs).reason, 'socket_closed');
  assert.ok(report.calls[0].ended_at_ms - report.calls[0].connected_at_ms < 15000);
});

test('realtime: session.realtime.trace turns on the client\'s trace; absent, no trace', async () => {
  const on = await runCall('realtime', { operator: { answer: 'answer', lines: [{ hangup: true }] }, backend: { realtimePatch: { trace: true } } });
  assertClean(on.report, on.be);
  const connect = (r) => r.report.events.find((e) => e.kind === 'realtime' && e.action === 'connecting');
  assert.equal(connect(on).trace, true);
  const off = await runCall('realtime', { operator: { answer: 'answer', lines: [{ hangup: true }] } });
  assert.equal(connect(off).trace, false);
});

test('dialog: ASR runs with singleUtterance; a platform that stops it after each Result gets a new one', async () => {
  const { report, be } = await runCall('dialog', { operator: conversation('dialog'), config: { asrSingleUtteranceStops: true } });
  const evs = assertClean(report, be);
  const asrs = report.events.filter((e) => e.api === 'VoxEngine.createASR');
  assert.ok(asrs.every((a) => a.singleUtterance === true));
  assert.ok(asrs.length >= 3, `${asrs.length} ASR instances`);
  assert.deepEqual(be.replyRequests.map((r) => r.text), LINES.dialog);
  assert.equal(ended(evs).reason, 'end_call');
});

test('dialog: a provider that names the Result field `transcript` is read too', async () => {
  const { report, be } = await runCall('dialog', { operator: conversation('dialog'), config: { asrResultField: 'transcript' } });
  assertClean(report, be);
  assert.deepEqual(be.replyRequests.map((r) => r.text), LINES.dialog);
  assert.deepEqual(botLines(report).map((t) => t.text), [FIRST_LINE, ...REPLIES.map((r) => r.reply)]);
});
