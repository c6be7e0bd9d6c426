'use strict';
/**
 * Turn-taking as people do it on the phone: the operator answering an outbound call greets first and
 * the client's opening follows; a persona may speak first; a greeting that cuts the dialog opening
 * is told to the backend.
 */
const test = require('node:test');
const assert = require('node:assert/strict');
const { runCall, assertClean, said, ended, botLines } = require('../test-support/run');
const { FIRST_LINE, PURE_LINES } = require('../test-support/backend');

const GREETING = 'Автосалон «Север», Мария, слушаю.';
const LINES = {
  dialog: ['Да, продаётся.', 'Пробег сорок тысяч.'],
  realtime: ['Да, продаётся.', 'Пробег сорок тысяч.'],
  realtime_pure: ['Да, продаётся.', 'Пробег сорок тысяч. До свидания!'],
};
const opening = (engine) => (engine === 'realtime_pure' ? PURE_LINES[0] : FIRST_LINE);
const lines = (evs) => said(evs, 'client').concat(said(evs, 'operator')).sort((a, b) => a.seq - b.seq);

for (const engine of ['dialog', 'realtime', 'realtime_pure']) {
  test(`${engine}: the operator greets first → the transcript starts with the greeting, the opening follows`, async () => {
    const operator = { answer: 'answer', greeting: GREETING, lines: LINES[engine].map((say) => ({ say })) };
    const { report, be } = await runCall(engine, { operator });
    const evs = assertClean(report, be);
    const first = lines(evs).slice(0, 2).map((l) => [l.who, l.text, l.turn]);
    assert.deepEqual(first, [['operator', GREETING, 0], ['client', opening(engine), 0]]);
    // The opening is said right after the greeting ends (the wait is for the greeting, not longer).
    const greet = report.transcript.find((t) => t.greeting);
    const open = botLines(report)[0];
    assert.equal(open.text, opening(engine));
    assert.ok(open.t_ms > greet.end_ms && open.t_ms - greet.end_ms < 2500, `opening ${open.t_ms - greet.end_ms} ms after the greeting`);
    assert.ok(!open.cut, 'nobody talks over the opening');
    // The greeting is no backend turn: turn 1 is the operator's answer to the opening.
    if (engine !== 'realtime_pure') assert.deepEqual(be.replyRequests.slice(0, 2).map((r) => [r.turn, r.text]), LINES[engine].map((t, i) => [i + 1, t]));
    assert.equal(ended(evs).reason, 'end_call');
  });

  test(`${engine}: an operator who says nothing → the opening after limits.greeting_wait_s from the answer`, async () => {
    const { report, be } = await runCall(engine, {
      operator: { answer: 'answer', lines: [{ silence_s: 6 }, { hangup: true }] }, backend: { limits: { greeting_wait_s: 3 } },
    });
    assertClean(report, be);
    const open = botLines(report)[0];
    assert.equal(open.text, opening(engine));
    const delay = open.t_ms - report.calls[0].connected_at_ms;
    assert.ok(delay >= 3000 && delay < 4000, `${delay} ms after the answer`);
  });

  test(`${engine}: a persona that speaks first says the opening at once`, async () => {
    const { report, be } = await runCall(engine, {
      operator: { answer: 'answer', lines: [{ silence_s: 6 }, { hangup: true }] }, backend: { sessionPatch: { speaks_first: 'client' } },
    });
    assertClean(report, be);
    const delay = botLines(report)[0].t_ms - report.calls[0].connected_at_ms;
    assert.ok(delay < 1500, `${delay} ms after the answer`);
  });
}

test('dialog: a greeting that cuts the opening (persona speaks first) → the backend is told (client_cut) on turn 1', async () => {
  const { report, be } = await runCall('dialog', {
    operator: { answer: 'answer', greeting: GREETING, lines: LINES.dialog.map((say) => ({ say })) },
    backend: { sessionPatch: { speaks_first: 'client' } },
  });
  const evs = assertClean(report, be);
  const cut = said(evs, 'client').filter((l) => l.cut);
  assert.deepEqual(cut.map((l) => [l.text, l.turn]), [[FIRST_LINE, 0]]);
  assert.deepEqual(be.replyRequests[0], { ...be.replyRequests[0], turn: 1, text: GREETING, client_cut: true });
  assert.ok(be.replyRequests.slice(1).every((r) => r.client_cut === undefined), 'only the turn after the cut says so');
});
