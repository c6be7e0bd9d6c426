'use strict';
/**
 * Both rule compositions behave alike: the rule's scenario list run in one context (as Voximplant
 * binds it) and the one-file bundle `vclient vox bundle` writes. A list in the wrong order, or
 * without its engine, fails at once and loudly instead of mid-call.
 */
const test = require('node:test');
const assert = require('node:assert/strict');
const { runScenario } = require('../../dev/emulator/emulator');
const { runCall, assertClean, SCENARIOS } = require('../test-support/run');
const { startBackend } = require('../test-support/backend');

const OPERATOR = {
  answer: 'answer',
  greeting: 'Алло, слушаю.',
  lines: [{ say: 'Да, продаётся.' }, { say: 'Пробег сорок тысяч.', barge_in: true }, { say: 'Торг возможен. До свидания!' }],
};
/** What a run did, without ids and clocks. */
const shape = (report, be) => ({
  events: be.sorted().map((e) => [e.type, e.who || e.reason || '', e.text || '', e.turn === undefined ? null : e.turn]),
  heard: report.transcript.map((t) => [t.who, t.text, Boolean(t.cut)]),
  replies: be.replyRequests.map((r) => [r.turn, r.text]),
  client: report.realtime_client_events.map((e) => e.type),
});

for (const engine of ['dialog', 'realtime', 'realtime_pure']) {
  test(`${engine}: the rule's list and its bundle run the same call`, async () => {
    const list = await runCall(engine, { operator: OPERATOR });
    const bundle = await runCall(engine, { operator: OPERATOR, form: 'bundle' });
    assertClean(list.report, list.be);
    assertClean(bundle.report, bundle.be);
    assert.equal(list.report.scenarios.length, SCENARIOS[engine].length);
    assert.equal(bundle.report.scenarios.length, 1);
    assert.deepEqual(shape(bundle.report, bundle.be), shape(list.report, list.be));
  });
}

test('the engine bound before lib_call: the composition fails at load, loudly', async () => {
  const be = await startBackend({ engine: 'dialog' });
  try {
    const report = await runScenario({ scenarioPaths: [...SCENARIOS.dialog].reverse(), customData: be.customData });
    assert.ok(report.violations.some((v) => v.kind === 'uncaught_exception' && /defineCallEngine is not defined/.test(v.message)),
      JSON.stringify(report.violations));
    assert.equal(report.calls.length, 0);
  } finally {
    await be.close();
  }
});

test('lib_call alone (no engine bound after it): the session ends at once, no call', async () => {
  const be = await startBackend({ engine: 'dialog' });
  try {
    const report = await runScenario({ scenarioPaths: [SCENARIOS.dialog[0]], customData: be.customData });
    assert.equal(report.terminated, true);
    assert.equal(report.calls.length, 0);
    assert.ok(report.logs.some((l) => /no engine registered/.test(l.text)));
    assert.equal(be.sessionRequests.length, 0);
  } finally {
    await be.close();
  }
});

test('an engine registering a hooks object without a hook fails at load with the missing names', async () => {
  const report = await runScenario({
    scenarioPaths: [SCENARIOS.dialog[0]], customData: '{}',
  });
  assert.equal(report.violations.length, 0);
  const broken = await runScenario({
    scenarioSource: `${require('node:fs').readFileSync(SCENARIOS.dialog[0], 'utf8')}\ndefineCallEngine({ name: 'dialog', checkSession: () => '' });`,
    customData: '{}',
  });
  assert.ok(broken.violations.some((v) => /missing hooks prepare, onConnected, onStop/.test(v.message)), JSON.stringify(broken.violations));
});
