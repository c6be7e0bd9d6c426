'use strict';
/** Run a real scenario file in the VoxEngine emulator against the stub backend, plus shared checks. */
const path = require('node:path');
const assert = require('node:assert/strict');
const { runScenario } = require('../../dev/emulator/emulator');
const { startBackend } = require('./backend');

const SCENARIOS = {
  dialog: path.join(__dirname, '..', 'scenario_voice_dialog.js'),
  realtime: path.join(__dirname, '..', 'scenario_voice_realtime.js'),
  realtime_pure: path.join(__dirname, '..', 'scenario_voice_realtime_pure.js'),
};

/**
 * @param {string} engine dialog | realtime | realtime_pure
 * @param {object} opts {operator, config, backend (stub options), secrets}
 * @returns {Promise<{report: object, be: object}>}
 */
async function runCall(engine, { operator, config = {}, backend = {}, secrets } = {}) {
  const be = await startBackend({ engine, ...backend });
  try {
    const report = await runScenario({
      scenarioPath: SCENARIOS[engine],
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
  'conversation', 'metadata', 'input', 'audio', 'prompt']);

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

module.exports = { runCall, assertClean, assertGaClientEvents, ofType, said, ended, botLines, SCENARIOS };
