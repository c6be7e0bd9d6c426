'use strict';
/**
 * «Завершить» in the console: the backend POSTs {"action": "hangup", "call_id"} to the session's
 * access URL (AppEvents.HttpRequest); every engine ends the call its usual way out, `ended`
 * reason `stopped`, and ignores a command for another call or one it does not know.
 */
const test = require('node:test');
const assert = require('node:assert/strict');
const { runCall, assertClean, ended } = require('../test-support/run');
const { CALL_ID } = require('../test-support/backend');

const ENGINES = ['dialog', 'realtime', 'realtime_pure'];
const TALKATIVE = {
  answer: 'answer',
  lines: [{ say: 'Алло, слушаю.' }, { say: 'Да, продаётся.' }, { say: 'Пробег сорок тысяч.' }, { say: 'Да.' }, { say: 'Конечно.' }],
};
const at = (ms, content) => ({ at_ms: ms, method: 'POST', path: '/', content });

for (const engine of ENGINES) {
  test(`${engine}: a hangup command from the console ends the call → ended stopped by system`, async () => {
    const hangup = JSON.stringify({ action: 'hangup', call_id: CALL_ID });
    const { report, be } = await runCall(engine, { operator: TALKATIVE, config: { httpRequests: [at(9000, hangup)] } });
    const evs = assertClean(report, be);
    assert.deepEqual({ reason: ended(evs).reason, hangup_by: ended(evs).hangup_by }, { reason: 'stopped', hangup_by: 'system' });
    assert.ok(ended(evs).duration_ms > 0, 'it was connected when stopped');
    assert.ok(report.duration_ms < 20000, `ended soon after the command (${report.duration_ms} ms)`);
    assert.equal(report.terminated, true);
  });

  test(`${engine}: a command for another call, or an unknown one, changes nothing`, async () => {
    const other = JSON.stringify({ action: 'hangup', call_id: 'f'.repeat(32) });
    const { report, be } = await runCall(engine, {
      operator: TALKATIVE,
      config: { httpRequests: [at(5000, other), at(6000, '{"action":"dance"}'), at(7000, 'not json')] },
    });
    const evs = assertClean(report, be);
    assert.notEqual(ended(evs).reason, 'stopped');
  });
}
