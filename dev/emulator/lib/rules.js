'use strict';
/**
 * voximplant/rules.json: which scenarios each Voximplant rule binds, in order (shared first).
 * The emulator runs a rule's list in one context; dev/vclient_dev/rules.py is the Python reader
 * of the same file (vox setup, the local stack, the bundle command).
 */
const fs = require('node:fs');
const path = require('node:path');

const SCENARIO_DIR = path.resolve(__dirname, '..', '..', '..', 'voximplant');
const RULES_FILE = path.join(SCENARIO_DIR, 'rules.json');

function loadRules(file = RULES_FILE) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/** The rule's scenario files (absolute paths), in binding order; throws on an unknown rule. */
function scenarioFiles(rule, file = RULES_FILE) {
  const rules = loadRules(file);
  const spec = rules.rules[rule];
  if (!spec) throw new Error(`runScenario: no rule ${JSON.stringify(rule)} in rules.json (known: ${Object.keys(rules.rules).join(', ')})`);
  return spec.scenarios.map((name) => {
    if (!rules.scenarios[name]) throw new Error(`rules.json: rule ${rule} names unknown scenario ${name}`);
    return path.join(path.dirname(file), rules.scenarios[name]);
  });
}

module.exports = { loadRules, scenarioFiles, RULES_FILE, SCENARIO_DIR };
