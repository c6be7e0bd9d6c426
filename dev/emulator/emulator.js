'use strict';
/**
 * VoxEngine emulator (dev tooling, never deployed).
 *
 *   const {runScenario} = require('./emulator');
 *   const report = await runScenario({rule, customData, operator, secrets, config});
 *   (or scenarioPaths: [...] in binding order, scenarioPath, scenarioSource)
 *
 * See README.md for what is simulated and the report shape.
 */
const fs = require('node:fs');
const YAML = require('yaml');
const { Session, DEFAULTS } = require('./lib/session');
const { normalizeScript } = require('./lib/operator');
const { scenarioFiles, loadRules } = require('./lib/rules');

/** Parse an operator script file (YAML or JSON; JSON is valid YAML). */
function loadOperator(file) {
  return normalizeScript(YAML.parse(fs.readFileSync(file, 'utf8')));
}

/**
 * Create a session without running it (the HTTP server needs the handle to
 * read the live report and deliver AppEvents.HttpRequest).
 */
function createSession({ scenarioPath, scenarioPaths, rule, scenarioSource, customData = '', operator, secrets = {}, config = {} } = {}) {
  const given = [scenarioPath, scenarioPaths, rule, scenarioSource].filter((v) => v != null);
  if (given.length !== 1) throw new Error('runScenario: give exactly one of rule, scenarioPaths, scenarioPath, scenarioSource');
  let paths = null;
  if (rule != null) paths = scenarioFiles(rule);
  else if (scenarioPaths != null) paths = scenarioPaths;
  else if (scenarioPath != null) paths = [scenarioPath];
  if (paths) {
    if (!Array.isArray(paths) || paths.length === 0 || !paths.every((p) => typeof p === 'string' && p)) {
      throw new Error('runScenario: scenarioPaths must be a non-empty list of file paths');
    }
    for (const p of paths) if (!fs.existsSync(p)) throw new Error(`runScenario: no scenario at ${p}`);
  }
  const op = typeof operator === 'string' ? loadOperator(operator) : normalizeScript(operator || { answer: 'answer', lines: [] });
  return new Session({ scenarioPaths: paths, scenarioSource, customData, operator: op, secrets, config });
}

/** Run a scenario to the end; resolves to the report (never rejects for scenario bugs). */
async function runScenario(opts) {
  return createSession(opts).run();
}

module.exports = { runScenario, createSession, loadOperator, scenarioFiles, loadRules, DEFAULTS };
