'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { run, logs, dispatched } = require('../test-support/run');

const PHONE = JSON.stringify({ phone: '+79990001122' });

test('callPSTN → Connected → say → hangup, with a recording and a full report', async () => {
  // Given an operator who answers after 2 s
  const report = await run('say_hangup.vjs', { customData: PHONE, operator: { answer: 'answer', answer_after_s: 2, lines: [] } });
  // Then the call connects at 2 s, the greeting plays and the bot hangs up
  assert.equal(report.ok, true, JSON.stringify(report.violations));
  assert.equal(report.status, 'finished');
  assert.equal(dispatched(report, 'Call.Connected')[0].t_ms, 2000);
  assert.equal(report.hangup_by, 'bot');
  assert.equal(report.terminated, true);
  assert.deepEqual(report.transcript.map((t) => [t.who, t.text]), [['bot', 'Здравствуйте! Это тестовый звонок.']]);
  assert.ok(logs(report).some((l) => l.startsWith('record https://')));
  assert.equal(report.calls[0].number, '+79990001122');
  assert.equal(report.calls[0].caller_id, '+74950000000');
  assert.equal(report.simulated.simulated, true);
  for (const key of ['ok', 'violations', 'events', 'transcript', 'http', 'realtime_client_events', 'hangup_by', 'terminated', 'duration_ms', 'simulated']) {
    assert.ok(key in report, key);
  }
  // And a 4-second call took far less than a second of wall time
  assert.ok(report.wall_ms < 1000);
});

for (const [answer, code, atMs] of [['busy', 486, 1500], ['no_answer', 408, 60000], ['reject', 603, 4000]]) {
  test(`a ${answer} operator gives CallEvents.Failed ${code}`, async () => {
    const report = await run('say_hangup.vjs', { customData: PHONE, operator: { answer } });
    assert.equal(report.ok, true, JSON.stringify(report.violations));
    const failed = dispatched(report, 'Call.Failed');
    assert.equal(failed.length, 1);
    assert.equal(failed[0].code, code);
    assert.equal(failed[0].t_ms, atMs);
    assert.ok(logs(report).some((l) => l.startsWith(`failed ${code}`)));
    assert.equal(dispatched(report, 'Call.Connected').length, 0);
    assert.equal(report.hangup_by, null);
    assert.equal(report.calls[0].fail_code, code);
  });
}

test('the operator hangs up after the goodbye when the bot never does', async () => {
  // Given a scenario that only terminates on Disconnected and an operator with one line
  const report = await run('asr_loop.vjs', {
    customData: JSON.stringify({ phone: '+7999', backend: 'http://127.0.0.1:9' }),
    operator: { answer: 'answer', lines: [{ hangup: true }] },
  });
  // Then the operator's hangup line ends the call after the greeting
  assert.equal(report.hangup_by, 'operator');
  assert.equal(dispatched(report, 'Call.Disconnected').length, 1);
  assert.equal(report.ok, true, JSON.stringify(report.violations));
});
