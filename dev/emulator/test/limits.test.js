'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { run, logs, kinds } = require('../test-support/run');
const { startBackend } = require('../test-support/backend');

test('a callback that does not return within 1 s is stopped and fails the run', async () => {
  const report = await run('limits.vjs', { customData: 'busy_loop' });
  assert.equal(report.ok, false);
  assert.ok(kinds(report).includes('callback_time'), JSON.stringify(report.violations));
});

test('a 4th concurrent HTTP request is queued, not lost; never more than 3 active', async () => {
  let active = 0;
  let maxActive = 0;
  const be = await startBackend(async () => {
    active += 1;
    maxActive = Math.max(maxActive, active);
    await new Promise((r) => setTimeout(r, 30));
    active -= 1;
    return { json: { ok: true } };
  });
  try {
    const report = await run('limits.vjs', { customData: `http_flood:4|${be.url}` });
    assert.equal(report.ok, true, JSON.stringify(report.violations));
    assert.ok(logs(report).includes('codes 200,200,200,200'));
    assert.equal(be.requests.length, 4);
    assert.equal(maxActive, 3);
    assert.equal(report.events.filter((e) => e.kind === 'http' && e.action === 'queued').length, 1);
  } finally {
    await be.close();
  }
});

test('the 36th pending HTTP request throws; the first 35 all complete', async () => {
  const be = await startBackend(async () => ({ json: {} }));
  try {
    const report = await run('limits.vjs', { customData: `http_flood:36|${be.url}` });
    assert.deepEqual(kinds(report), ['http_queue_overflow']);
    assert.ok(logs(report).some((l) => l.startsWith('request 35 threw: Net.httpRequestAsync: more than 35')));
    assert.equal(be.requests.length, 35);
    assert.equal(report.http.length, 35);
  } finally {
    await be.close();
  }
});

test('custom data over 200 bytes fails the run; exactly 200 bytes is fine', async () => {
  const long = await run('limits.vjs', { customData: 'x'.repeat(201) });
  assert.equal(long.ok, false);
  assert.deepEqual(kinds(long), ['custom_data_size']);
  const exact = await run('limits.vjs', { customData: `timers|${'ж'.repeat(96)}x` }); // 7 + 192 + 1 = 200 bytes
  assert.ok(!kinds(exact).includes('custom_data_size'));
});

test('after AppEvents.Terminating exactly one more HTTP request may be made', async () => {
  const be = await startBackend(async () => ({ json: {} }));
  try {
    const report = await run('limits.vjs', { customData: `terminating_http|${be.url}` });
    assert.deepEqual(kinds(report), ['http_after_terminating']);
    assert.deepEqual(be.requests.map((r) => r.url), ['/final1']);
    assert.ok(logs(report).includes('final codes 200,0'));
  } finally {
    await be.close();
  }
});

test('an undocumented API throws a TypeError; post-Firefox-81 builtins are absent', async () => {
  const report = await run('limits.vjs', { customData: 'unknown_api' });
  assert.deepEqual(kinds(report), ['unknown_api']);
  const l = logs(report);
  assert.ok(l.some((x) => x.startsWith('caught true: VoxEngine.foo is not a function/does not exist in VoxEngine')), l.join('\n'));
  assert.ok(l.includes('at: undefined, hasOwn: undefined'));
});

test('at most 100 active timers', async () => {
  const report = await run('limits.vjs', { customData: 'timers' });
  assert.deepEqual(kinds(report), ['timer_limit']);
  assert.equal(report.duration_ms, 5000);
  assert.ok(logs(report).some((l) => l.startsWith('timer 101 threw: more than 100 active timers')));
});

test('TTS text over 1500 characters fails with PlayerEvents.Error', async () => {
  const report = await run('limits.vjs', { customData: 'tts_long' });
  assert.deepEqual(kinds(report), ['tts_text_too_long']);
  assert.ok(logs(report).some((l) => l.startsWith('player error: TTS text longer than 1500')));
});

test('a session with no calls is ended after 60 s and that is a violation', async () => {
  const report = await run('limits.vjs', { customData: 'no_terminate' });
  assert.deepEqual(kinds(report), ['no_calls_timeout']);
  assert.equal(report.duration_ms, 60000);
  assert.equal(report.terminated, true);
});

test('AppEvents.HttpRequest injected at a virtual time', async () => {
  const report = await run('limits.vjs', {
    customData: 'http_request',
    config: { httpRequests: [{ at_ms: 5000, method: 'POST', path: '/cmd', content: 'stop' }] },
  });
  assert.equal(report.ok, true, JSON.stringify(report.violations));
  assert.ok(logs(report).includes('got POST /cmd stop'));
  assert.equal(report.duration_ms, 5000);
});

/** Inline scenario: speak `n` lines one after another, each with a fresh TTS player or with call.say. */
function linesScenario(n, how) {
  return `
    VoxEngine.addEventListener(AppEvents.Started, () => {
      const call = VoxEngine.callPSTN('+79990001122', '+74950000000');
      let i = 0;
      function next() {
        i += 1;
        if (i > ${n}) { call.hangup(); return; }
        const text = 'Строка номер ' + i + '.';
        if (${JSON.stringify(how)} === 'say') { call.say(text, { voice: VoiceList.TBank.ru_RU_Dima }); return; }
        const p = VoxEngine.createTTSPlayer(text, { voice: VoiceList.TBank.ru_RU_Dima });
        p.addEventListener(PlayerEvents.PlaybackFinished, next);
        p.sendMediaTo(call);
      }
      call.addEventListener(CallEvents.Connected, next);
      call.addEventListener(CallEvents.PlaybackFinished, next);
      call.addEventListener(CallEvents.Disconnected, () => VoxEngine.terminate());
    });`;
}

test('media players: the 11th player created in a session is a violation even when only one plays at a time', async () => {
  const { runScenario } = require('../emulator');
  const ten = await runScenario({ scenarioSource: linesScenario(10, 'player'), operator: { answer: 'answer', lines: [] } });
  assert.equal(ten.ok, true, JSON.stringify(ten.violations));
  assert.equal(ten.players_created, 10);
  const eleven = await runScenario({ scenarioSource: linesScenario(11, 'player'), operator: { answer: 'answer', lines: [] } });
  assert.deepEqual(kinds(eleven), ['player_limit']);
  assert.match(eleven.violations[0].message, /player #11 .*concurrent or total is unconfirmed/);
  assert.equal(eleven.players_created, 11);
  assert.equal(eleven.transcript.filter((t) => t.who === 'bot').length, 11, 'the player still plays: the run goes on');
});

test('media players: call.say creates no player object (any number of lines)', async () => {
  const { runScenario } = require('../emulator');
  const report = await runScenario({ scenarioSource: linesScenario(15, 'say'), operator: { answer: 'answer', lines: [] } });
  assert.equal(report.ok, true, JSON.stringify(report.violations));
  assert.equal(report.players_created, 0);
  assert.equal(report.transcript.filter((t) => t.who === 'bot' && t.source === 'call.say').length, 15);
});
