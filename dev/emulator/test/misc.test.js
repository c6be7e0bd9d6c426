'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFile } = require('node:child_process');
const { run, logs, kinds, fixture } = require('../test-support/run');

const CLI = path.join(__dirname, '..', 'cli.js');
const REPORT = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'voxemu-')), 'report.json');

test('an unhandled rejection in scenario code is a violation (CLI, outside the test runner)', async () => {
  // node:test fails a test on any unhandledRejection itself, so run the CLI in a child process.
  const r = await new Promise((resolve) => {
    execFile(process.execPath, [CLI, '--scenario', fixture('misc.vjs'), '--custom-data', 'unhandled', '--report', REPORT],
      (err) => resolve(err ? err.code : 0));
  });
  assert.equal(r, 1);
  const report = JSON.parse(fs.readFileSync(REPORT, 'utf8'));
  assert.deepEqual(kinds(report), ['uncaught_exception']);
  assert.match(report.violations[0].message, /Error: boom from an un-awaited async function/);
});

test('OpenAI is not defined before require(Modules.OpenAI)', async () => {
  const report = await run('misc.vjs', { customData: 'no_require' });
  assert.deepEqual(kinds(report), ['uncaught_exception']);
  assert.match(report.violations[0].message, /ReferenceError: OpenAI is not defined/);
});

test('Date follows the virtual clock', async () => {
  const report = await run('misc.vjs', { customData: 'clock' });
  assert.ok(logs(report).includes('elapsed 1500 1500'));
  assert.equal(report.ok, true);
});

test('silence lines: the operator stays silent, then speaks; ASR hears only speech', async () => {
  const report = await run('misc.vjs', {
    customData: 'silence',
    operator: { answer: 'answer', answer_after_s: 1, lines: [{ silence_s: 10 }, { say: 'Да, слышу.' }, { hangup: true }] },
    config: { asrFinalizeMs: 500 },
  });
  assert.equal(report.ok, true, JSON.stringify(report.violations));
  const op = report.transcript.filter((t) => t.who === 'operator');
  assert.equal(op.length, 1);
  const botEnd = report.transcript.find((t) => t.who === 'bot').end_ms;
  // the silence starts after the bot's question + reaction time and lasts 10 s
  assert.equal(op[0].t_ms, botEnd + 600 + 10000 + 600);
  assert.deepEqual(logs(report), ['result Да, слышу.']);
  assert.equal(report.hangup_by, 'operator');
});

test('runs are deterministic in virtual time', async () => {
  const opts = {
    customData: JSON.stringify({ phone: '+7999', backend: 'http://127.0.0.1:9' }),
    operator: { answer: 'answer', lines: [{ say: 'Алло' }, { say: 'Да', barge_in: true }] },
    config: { faults: { net: [{ urlContains: '/reply', code: 500 }] } },
  };
  const a = await run('asr_loop.vjs', opts);
  const b = await run('asr_loop.vjs', opts);
  const shape = (r) => r.events.filter((e) => e.kind !== 'log').map((e) => `${e.t_ms} ${e.kind} ${e.name || e.action || e.api || ''}`);
  assert.deepEqual(shape(a), shape(b));
  assert.deepEqual(a.transcript, b.transcript);
});

test('unknown config keys are rejected (a typo would silently use a default)', async () => {
  await assert.rejects(run('misc.vjs', { customData: 'clock', config: { asrFinalizeMS: 5 } }), /asrFinalizeMS/);
  await assert.rejects(run('misc.vjs', { customData: 'clock', config: { faults: { socketClose: 1 } } }), /faults\.socketClose/);
});

test('ApplicationStorage put/get round trip (inline scenario)', async () => {
  const { runScenario } = require('../emulator');
  const report = await runScenario({
    scenarioSource: `
      require(Modules.ApplicationStorage);
      VoxEngine.addEventListener(AppEvents.Started, async () => {
        await ApplicationStorage.put('k', 'v1', 60);
        const e = await ApplicationStorage.get('k');
        const missing = await ApplicationStorage.get('nope');
        Logger.write(e.key + '=' + e.value + ' ' + missing);
        VoxEngine.terminate();
      });`,
  });
  assert.equal(report.ok, true, JSON.stringify(report.violations));
  assert.deepEqual(logs(report), ['k=v1 null']);
});

test('GA session.update validation: missing session.type, bad voice, bad format', async () => {
  const { runScenario } = require('../emulator');
  const report = await runScenario({
    secrets: { OPENAI_API_KEY: 'sk-x' },
    scenarioSource: `
      require(Modules.OpenAI);
      VoxEngine.addEventListener(AppEvents.Started, async () => {
        const client = await OpenAI.createRealtimeAPIClient({ apiKey: VoxEngine.getSecretValue('OPENAI_API_KEY'), model: 'gpt-realtime' });
        client.addEventListener(OpenAI.RealtimeAPIEvents.Error, (e) => Logger.write(e.data.payload.error.code + ' ' + e.data.payload.error.param));
        client.sessionUpdate({ session: { instructions: 'x' } });
        client.sessionUpdate({ session: { type: 'realtime', audio: { output: { voice: 'nova' } } } });
        client.sessionUpdate({ session: { type: 'realtime', audio: { input: { format: { type: 'g711_ulaw' } } } } });
        client.sessionUpdate({ session: { type: 'realtime', modalities: ['audio', 'text'] } });
        client.responseCancel({});
        setTimeout(() => { client.close(); VoxEngine.terminate(); }, 1000);
      });`,
  });
  assert.deepEqual(logs(report), [
    'missing_required_parameter session.type',
    'invalid_value session.audio.output.voice',
    'invalid_value session.audio.input.format.type',
    'unknown_parameter session.modalities',
    'response_cancel_not_active null',
  ]);
  assert.equal(report.realtime_client_events[0].type, 'session.update');
  assert.equal(report.ok, true, JSON.stringify(report.violations));
});

test('call.say over 1500 characters fails the run and reports the playback error', async () => {
  const { runScenario } = require('../emulator');
  const report = await runScenario({
    operator: { answer: 'answer', lines: [] },
    scenarioSource: `
      VoxEngine.addEventListener(AppEvents.Started, () => {
        const call = VoxEngine.callPSTN('+7999', '+7495');
        call.addEventListener(CallEvents.Connected, () => call.say('a'.repeat(1600), { voice: VoiceList.TBank.ru_RU_Dima }));
        call.addEventListener(CallEvents.PlaybackFinished, (e) => { Logger.write('finished: ' + e.error); call.hangup(); });
        call.addEventListener(CallEvents.Disconnected, () => VoxEngine.terminate());
      });`,
  });
  assert.deepEqual(kinds(report), ['tts_text_too_long']);
  assert.deepEqual(logs(report), ['finished: TTS text longer than 1500 characters']);
});

for (const finished of [false, true]) {
  test(`call.stopPlayback cuts call.say: cut transcript, barge-in; PlaybackFinished only with sayStopFiresPlaybackFinished (${finished})`, async () => {
    const { runScenario } = require('../emulator');
    const report = await runScenario({
      operator: { answer: 'answer', lines: [] },
      scenarioSource: `
        VoxEngine.addEventListener(AppEvents.Started, () => {
          const call = VoxEngine.callPSTN('+7999', '+7495');
          call.addEventListener(CallEvents.Connected, () => {
            call.say('Это длинная фраза, которую перебьют на середине.', { voice: VoiceList.TBank.ru_RU_Dima });
            setTimeout(() => call.stopPlayback(), 1000);
            setTimeout(() => call.hangup(), 3000);
          });
          call.addEventListener(CallEvents.PlaybackStarted, () => Logger.write('started ' + Date.now()));
          call.addEventListener(CallEvents.PlaybackFinished, () => Logger.write('finished'));
          call.addEventListener(CallEvents.Disconnected, () => VoxEngine.terminate());
        });`,
      config: { sayStopFiresPlaybackFinished: finished, startEpochMs: 0 },
    });
    assert.equal(report.ok, true, JSON.stringify(report.violations));
    const bot = report.transcript.filter((t) => t.who === 'bot');
    assert.equal(bot.length, 1);
    assert.equal(bot[0].source, 'call.say');
    assert.equal(bot[0].cut, true);
    assert.equal(bot[0].cut_by, 'call.stopPlayback');
    assert.equal(report.barge_ins[0].via, 'call.stopPlayback');
    assert.deepEqual(logs(report), finished ? ['started 3200', 'finished'] : ['started 3200']);
  });
}
