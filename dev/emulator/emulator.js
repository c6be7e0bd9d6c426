'use strict';
/**
 * VoxEngine emulator (dev tooling, never deployed).
 *
 *   const {runScenario} = require('./emulator');
 *   const report = await runScenario({scenarioPath, customData, operator, secrets, config});
 *
 * See README.md for what is simulated and the report shape.
 */
const fs = require('node:fs');
const YAML = require('yaml');
const { Session, DEFAULTS } = require('./lib/session');
const { normalizeScript } = require('./lib/operator');

/** Parse an operator script file (YAML or JSON; JSON is valid YAML). */
function loadOperator(file) {
  return normalizeScript(YAML.parse(fs.readFileSync(file, 'utf8')));
}

/**
 * Create a session without running it (the HTTP server needs the handle to
 * read the live report and deliver AppEvents.HttpRequest).
 */
function createSession({ scenarioPath, scenarioSource, customData = '', operator, secrets = {}, config = {} } = {}) {
  if (!scenarioPath && scenarioSource == null) throw new Error('runScenario: scenarioPath (or scenarioSource) is required');
  if (scenarioPath && scenarioSource == null && !fs.existsSync(scenarioPath)) throw new Error(`runScenario: no scenario at ${scenarioPath}`);
  const op = typeof operator === 'string' ? loadOperator(operator) : normalizeScript(operator || { answer: 'answer', lines: [] });
  return new Session({ scenarioPath, scenarioSource, customData, operator: op, secrets, config });
}

/** Run a scenario to the end; resolves to the report (never rejects for scenario bugs). */
async function runScenario(opts) {
  return createSession(opts).run();
}

module.exports = { runScenario, createSession, loadOperator, DEFAULTS };
