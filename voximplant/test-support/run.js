'use strict';
/** Run a real scenario file in the VoxEngine emulator against the stub backend, plus shared checks. */
const path = require('node:path');
const fs = require('node:fs');
const os = require('node:os');
const { spawnSync } = require('node:child_process');
const assert = require('node:assert/strict');
const { runScenario, scenarioFiles, loadRules } = require('../../dev/emulator/emulator');
const { startBackend } = require('./backend');

const ROOT = path.join(__dirname, '..', '..');
/** engine → its rule in voximplant/rules.json (the one map vox setup and the local stack read). */
const RULES = Object.fromEntries(Object.entries(loadRules().rules).map(([rule, spec]) => [spec.engine, rule]));
const SCENARIOS = Object.fromEntries(Object.entries(RULES).map(([engine, rule]) => [engine, scenarioFiles(rule)]));

const bundles = {};
/** The one-file bundle of a rule, written by the same code as `vclient vox bundle` (stdlib Python). */
function bundleOf(rule) {
  if (bundles[rule]) return bundles[rule];
  const venv = path.join(ROOT, '.venv', 'bin', 'python');
  const python = fs.existsSync(venv) ? venv : 'python3';
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'vclient-bundle-')), `${rule}.js`);
  const res = spawnSync(python, ['-m', 'vclient_dev.bundle', rule, '-o', out], {
    env: { ...process.env, PYTHONPATH: path.join(ROOT, 'dev') }, encoding: 'utf8',
  });
  assert.equal(res.status, 0, `vclient_dev.bundle ${rule}: ${res.stderr || res.error}`);
  bundles[rule] = out;
  return out;
}

/**
 * Run an engine's rule in the VoxEngine emulator against the stub backend: its scenario list in one
 * context (as Voximplant binds it), or with `form: 'bundle'` the one-file bundle of that list.
 * @param {string} engine dialog | realtime | realtime_pure
 * @param {object} opts {operator, config, backend (stub options), secrets, form: 'list' | 'bundle'}
 * @returns {Promise<{report: object, be: object}>}
 */
async function runCall(engine, { operator, config = {}, backend = {}, secrets, form = 'list' } = {}) {
  // The stub speaks contract 3 (2: the reply fields operator_said / client_cut, the deviation
  // event; 3: the usage and spoken events).
  const be = await startBackend({ engine, ...backend, sessionPatch: { contract: 3, ...(backend.sessionPatch || {}) } });
  try {
    const report = await runScenario({
      scenarioPaths: form === 'bundle' ? [bundleOf(RULES[engine])] : SCENARIOS[engine],
      customData: be.customData,
      operator: operator || { answer: 'answer', lines: [] },
      secrets: secrets || { OPENAI_API_KEY: 'sk-test-not-a-real-key' },
      config,
    });
    return { report, be };
  } finally {
    await be.close();
  }
}

// Warnings that point at a scenario bug (the rest, e.g. more than 10 players, are platform
// uncertainties the emulator only mentions).
const BAD_WARNINGS = new Set([
  'unknown_option', 'http_option', 'http_get_body', 'tts_language_key', 'realtime_not_closed', 'realtime_send_after_close',
  'no_onWebSocketClose', 'realtime_type_key', 'realtime_bad_argument', 'after_terminate', 'say_not_connected',
  'record_not_connected',
]);
const BETA_SESSION_KEYS = ['voice', 'input_audio_format', 'output_audio_format', 'input_audio_transcription', 'turn_detection',
  'modalities', 'temperature', 'max_response_output_tokens', 'input_audio_noise_reduction', 'speed'];
const RESPONSE_KEYS = new Set(['instructions', 'tools', 'tool_choice', 'output_modalities', 'max_output_tokens',
  'conversation', 'metadata', 'input', 'audio', 'prompt', 'reasoning', 'parallel_tool_calls']);

/** Every client event the scenario sent has the GA shape. */
function assertGaClientEvents(report) {
  for (const ev of report.realtime_client_events) {
    assert.equal(typeof ev.type, 'string', JSON.stringify(ev));
    if (ev.type === 'session.update') {
      assert.equal(ev.session.type, 'realtime', JSON.stringify(ev));
      for (const k of BETA_SESSION_KEYS) assert.ok(!(k in ev.session), `beta key session.${k}`);
    } else if (ev.type === 'response.create') {
      for (const k of Object.keys(ev.response || {})) assert.ok(RESPONSE_KEYS.has(k), `response.${k}`);
    } else if (ev.type === 'conversation.item.create') {
      assert.equal(ev.item.type, 'function_call_output');
      assert.equal(typeof ev.item.call_id, 'string');
      assert.equal(typeof ev.item.output, 'string');
      JSON.parse(ev.item.output);
    }
  }
}

/** The checks every run must pass, whatever the outcome. */
function assertClean(report, be, { ga = true } = {}) {
  assert.deepEqual(report.violations, [], JSON.stringify(report.violations, null, 1));
  const bad = report.warnings.filter((w) => BAD_WARNINGS.has(w.kind));
  assert.deepEqual(bad, [], JSON.stringify(bad));
  assert.equal(report.status, 'finished');
  assert.equal(report.terminated, true);
  assert.equal(be.unauthorized, 0, 'every request carries the bearer token');
  assert.equal(be.duplicates, 0, 'no event posted twice');
  assert.ok(be.maxEventsInFlight <= 1, 'at most one events request in flight');
  const evs = be.sorted();
  assert.ok(evs.length > 0);
  assert.deepEqual(evs.map((e) => e.seq), evs.map((_, i) => i + 1), 'seq 1..n, contiguous');
  assert.deepEqual(be.events.map((e) => e.seq), evs.map((e) => e.seq), 'batches arrive in seq order');
  assert.equal(evs.filter((e) => e.type === 'ended').length, 1);
  assert.equal(evs[evs.length - 1].type, 'ended', 'ended is the last event');
  for (const e of evs) assert.equal(typeof e.t, 'number');
  if (ga) assertGaClientEvents(report);
  return evs;
}

const ofType = (evs, type) => evs.filter((e) => e.type === type);
const said = (evs, who) => ofType(evs, 'transcript').filter((e) => e.who === who);
const ended = (evs) => evs[evs.length - 1];
const botLines = (report) => report.transcript.filter((t) => t.who === 'bot');

module.exports = { runCall, assertClean, assertGaClientEvents, ofType, said, ended, botLines, SCENARIOS, RULES, bundleOf };
