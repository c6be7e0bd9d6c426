'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { run, logs, dispatched } = require('../test-support/run');
const { startBackend } = require('../test-support/backend');

const OPERATOR = {
  answer: 'answer',
  lines: [
    { say: 'Алло, слушаю вас.' },
    { say: 'Да, могу помочь, какой у вас бизнес?', barge_in: true },
    { say: 'Хорошо.' },
  ],
};

async function withBackend(handler, fn) {
  const be = await startBackend(handler);
  try { return await fn(be); } finally { await be.close(); }
}

test('ASR → Result → backend → TTS loop, with barge-in stopping the player', async () => {
  const replies = ['Да, конечно. А сколько сотрудников?', 'Понятно, спасибо, до свидания.'];
  await withBackend((req, n) => ({ json: { reply: replies[n - 1], hangup: n >= 2 } }), async (be) => {
    const report = await run('asr_loop.vjs', {
      customData: JSON.stringify({ phone: '+79990001122', backend: be.url }),
      operator: OPERATOR,
      config: { asrFinalizeMs: 800, ttsMsPerChar: 65 },
    });
    assert.equal(report.ok, true, JSON.stringify(report.violations));
    // The backend got the recognised text of each operator line
    assert.deepEqual(be.requests.map((r) => JSON.parse(r.body).text), ['Алло, слушаю вас.', 'Да, могу помочь, какой у вас бизнес?']);
    assert.deepEqual(report.http.map((h) => [h.method, h.status]), [['POST', 200], ['POST', 200]]);
    // Result arrives asrFinalizeMs after the operator stops speaking
    const op = report.transcript.find((t) => t.who === 'operator');
    assert.equal(dispatched(report, 'ASR.Result')[0].t_ms, op.end_ms + 800);
    // Barge-in: CaptureStarted during the bot's reply stopped the player, the cut is recorded
    const cut = report.transcript.find((t) => t.cut);
    assert.equal(cut.text, replies[0]);
    assert.equal(cut.cut_by, 'player.stop');
    assert.equal(report.barge_ins.length, 1);
    assert.equal(report.barge_ins[0].operator_speaking, true);
    assert.ok(logs(report).includes('barge-in: stopping the bot'));
    // The bot said goodbye and hung up
    assert.equal(report.hangup_by, 'bot');
    assert.equal(report.transcript.at(-1).text, replies[1]);
    assert.equal(report.simulated.asrFinalizeMs, 800);
  });
});

test('Net fault injection: the first K requests to a URL fail without reaching the backend', async () => {
  await withBackend(() => ({ json: { reply: 'Ок', hangup: true } }), async (be) => {
    const report = await run('asr_loop.vjs', {
      customData: JSON.stringify({ phone: '+79990001122', backend: be.url }),
      operator: OPERATOR,
      config: { faults: { net: [{ urlContains: '/reply', code: -7, times: 1 }] } },
    });
    assert.equal(be.requests.length, 0);
    assert.equal(report.http[0].status, -7);
    assert.equal(report.http[0].fault, true);
    // a timeout costs the request's whole timeout (5 s in the fixture) of virtual time
    assert.equal(report.http[0].virtual_ms, 5000);
    assert.ok(logs(report).includes('backend failed -7'));
    assert.equal(report.hangup_by, 'bot');
  });
});

test('real transport errors: -7 on timeout, -4 on a refused connection; headers and body are sent', async () => {
  await withBackend((req) => (req.url === '/slow' ? { delayMs: 1500, json: {} } : { text: `got ${req.body} ${req.headers['x-test']}` }), async (be) => {
    const report = await run('net_probe.vjs', { customData: be.url });
    assert.ok(logs(report).includes('codes -7,-4,200 text=got ping yes'), logs(report).join('\n'));
    const [slow] = report.http;
    assert.equal(slow.virtual_ms, 1000);
    assert.ok(slow.real_ms >= 900);
    // HTTP latency does not move virtual time for successful requests (httpLatencyMs = 0)
    assert.equal(report.http[2].virtual_ms, 0);
  });
});

test('maxWallMs stops a run stuck on a slow backend and drops the request', async () => {
  await withBackend(() => ({ delayMs: 1200, json: { reply: 'поздно' } }), async (be) => {
    const t0 = Date.now();
    const report = await run('asr_loop.vjs', {
      customData: JSON.stringify({ phone: '+79990001122', backend: be.url }),
      operator: OPERATOR,
      config: { maxWallMs: 300 },
    });
    assert.ok(Date.now() - t0 < 2000);
    assert.deepEqual(report.violations.map((v) => v.kind), ['wall_time']);
    assert.equal(report.status, 'finished');
  });
});
