'use strict';
/**
 * The ways out every engine shares, run against each of the three scenarios: the operator is busy,
 * does not answer or rejects; hangs up mid-sentence; the call hits max duration; the session
 * cannot be fetched; the events endpoint fails for a while.
 */
const test = require('node:test');
const assert = require('node:assert/strict');
const { runCall, assertClean, ofType, said, ended } = require('../test-support/run');
const { FIRST_LINE, PURE_LINES } = require('../test-support/backend');

const ENGINES = ['dialog', 'realtime', 'realtime_pure'];
const CONVERSATION = [{ say: 'Алло, слушаю.' }, { say: 'Да, продаётся.' }, { say: 'Пробег сорок тысяч.' }];
const firstLine = (engine) => (engine === 'realtime_pure' ? PURE_LINES[0] : FIRST_LINE);

for (const engine of ENGINES) {
  for (const [answer, code] of [['busy', 486], ['no_answer', 408], ['reject', 603]]) {
    test(`${engine}: operator ${answer} → failed ${code}, ended, terminated`, async () => {
      const { report, be } = await runCall(engine, { operator: { answer } });
      const evs = assertClean(report, be);
      assert.deepEqual(evs.map((e) => e.type).filter((t) => t !== 'ringing'), ['session_started', 'dialing', 'failed', 'ended']);
      assert.equal(ofType(evs, 'failed')[0].code, code);
      assert.equal(typeof ofType(evs, 'failed')[0].reason, 'string');
      assert.equal(ended(evs).reason, 'failed');
      assert.equal(ended(evs).duration_ms, 0);
      assert.deepEqual(be.statuses, answer === 'busy'
        ? ['session', 'dialing', 'failed'] : ['session', 'dialing', 'ringing', 'failed']);
      assert.equal(report.calls.length, 1);
      assert.equal(report.realtime_client_events.length, 0, 'no OpenAI session for a call never answered');
      assert.equal(be.replyRequests.length, 0);
    });
  }

  test(`${engine}: nobody answers within answer_timeout_s → the scenario gives up (failed 408)`, async () => {
    const { report, be } = await runCall(engine, {
      operator: { answer: 'no_answer' }, backend: { limits: { answer_timeout_s: 20 } },
    });
    const evs = assertClean(report, be);
    const failed = ofType(evs, 'failed')[0];
    assert.equal(failed.code, 408);
    assert.match(failed.reason, /no answer in 20 s/);
    assert.equal(report.duration_ms, 22000, 'answer_timeout_s + 2 s grace, not the platform 60 s');
    assert.equal(ended(evs).reason, 'failed');
  });

  test(`${engine}: the operator hangs up while the client speaks → cut line, ended operator_hangup`, async () => {
    const { report, be } = await runCall(engine, {
      operator: { answer: 'answer', lines: [{ say: 'Алло, слушаю.' }, { hangup: true, barge_in: true }] },
    });
    const evs = assertClean(report, be);
    assert.equal(report.hangup_by, 'operator');
    assert.deepEqual({ reason: ended(evs).reason, hangup_by: ended(evs).hangup_by }, { reason: 'operator_hangup', hangup_by: 'operator' });
    const client = said(evs, 'client');
    assert.equal(client[0].text, firstLine(engine));
    assert.equal(client[0].cut, undefined);
    const last = client[client.length - 1];
    assert.equal(last.cut, true, 'the line the operator hung up on is marked cut');
    assert.equal(last.turn, 1);
    assert.ok(report.transcript.find((t) => t.who === 'bot' && t.cut), 'the emulator saw the line cut');
    assert.ok(ended(evs).duration_ms > 0);
  });

  test(`${engine}: max duration → the call is cut at limits.max_duration_s`, async () => {
    const { report, be } = await runCall(engine, {
      operator: { answer: 'answer', lines: CONVERSATION }, backend: { limits: { max_duration_s: 7 } },
    });
    const evs = assertClean(report, be);
    assert.deepEqual({ reason: ended(evs).reason, hangup_by: ended(evs).hangup_by }, { reason: 'max_duration', hangup_by: 'system' });
    assert.equal(ended(evs).duration_ms, 7000);
    const call = report.calls[0];
    assert.equal(call.ended_at_ms - call.connected_at_ms, 7000);
    assert.equal(report.hangup_by, 'bot');
  });

  test(`${engine}: the session cannot be fetched (5xx twice) → no call, error + ended, terminated`, async () => {
    const { report, be } = await runCall(engine, { backend: { sessionFail: { status: 502, times: 2 } } });
    const evs = assertClean(report, be);
    assert.equal(be.sessionRequests.length, 2, 'one retry');
    assert.equal(report.calls.length, 0);
    assert.deepEqual(evs.map((e) => e.type), ['error', 'ended']);
    assert.equal(evs[0].where, 'session');
    assert.equal(evs[0].code, 502);
    assert.equal(ended(evs).reason, 'backend_error');
  });

  test(`${engine}: the session fetch fails once → the retry succeeds and the call goes on`, async () => {
    const { report, be } = await runCall(engine, {
      operator: { answer: 'answer', lines: [{ say: 'Алло, слушаю.' }, { hangup: true }] },
      backend: { sessionFail: { status: 503, times: 1 } },
    });
    const evs = assertClean(report, be);
    assert.equal(be.sessionRequests.length, 2);
    assert.ok(ofType(evs, 'connected').length === 1);
  });

  test(`${engine}: the events endpoint fails twice → the batch is retried whole, nothing lost or doubled`, async () => {
    const { report, be } = await runCall(engine, {
      operator: { answer: 'answer', lines: [{ say: 'Алло, слушаю.' }, { hangup: true }] },
      backend: { eventsFail: { status: 500, times: 2 }, eventsDelayMs: 20 },
    });
    const evs = assertClean(report, be);
    assert.deepEqual(evs.slice(0, 4).map((e) => e.type), ['session_started', 'dialing', 'ringing', 'connected']);
    const first = be.eventRequests[0].events;
    assert.deepEqual(be.eventRequests[2].events.slice(0, first.length), first, 'the failed batch is sent again (newer events may follow)');
    assert.ok(be.eventRequests.some((r) => r.events.length > 1), 'events go in batches');
    assert.equal(be.maxEventsInFlight, 1);
  });
}
