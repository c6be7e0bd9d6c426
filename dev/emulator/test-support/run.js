'use strict';
const path = require('node:path');
const { runScenario } = require('../../emulator');

const FIXTURES = path.join(__dirname, '..', 'test', 'fixtures');
const fixture = (name) => path.join(FIXTURES, name);

/** Run a fixture scenario with sensible test defaults. */
function run(name, opts = {}) {
  return runScenario({
    scenarioPath: fixture(name),
    secrets: { OPENAI_API_KEY: 'sk-test-not-a-real-key' },
    ...opts,
  });
}

const logs = (report) => report.logs.map((l) => l.text);
const kinds = (report) => report.violations.map((v) => v.kind);
const dispatched = (report, name) => report.events.filter((e) => e.kind === 'dispatch' && e.name === name);

module.exports = { run, fixture, logs, kinds, dispatched };
