'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFile } = require('node:child_process');
const { fixture } = require('../test-support/run');
const { createServer } = require('../server');

const CLI = path.join(__dirname, '..', 'cli.js');

function cli(args) {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], (err, stdout, stderr) => {
      resolve({ code: err ? err.code : 0, stdout, stderr });
    });
  });
}

test('CLI: prints a timeline, writes the JSON report, exit 0 when ok', async () => {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'voxemu-')), 'report.json');
  const r = await cli(['--scenario', fixture('say_hangup.vjs'), '--custom-data', '{"phone":"+79990001122"}',
    '--operator', fixture('operator_answer.yaml'), '--config', '{"ttsMsPerChar":50}', '--secret', 'OPENAI_API_KEY=sk-x', '--report', out]);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  assert.match(r.stdout, /Call\.Connected/);
  assert.match(r.stdout, /^OK$/m);
  const report = JSON.parse(fs.readFileSync(out, 'utf8'));
  assert.equal(report.ok, true);
  assert.equal(report.simulated.ttsMsPerChar, 50);
});

test('CLI: exit 1 on violations, 2 on usage errors', async () => {
  const bad = await cli(['--scenario', fixture('limits.vjs'), '--custom-data', 'unknown_api', '--quiet']);
  assert.equal(bad.code, 1);
  const usage = await cli(['--nope']);
  assert.equal(usage.code, 2);
});

test('CLI: --rule runs the rule\'s scenario list from voximplant/rules.json; an unknown rule is a usage error', async () => {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'voxemu-')), 'report.json');
  // Bad custom data: lib_call logs it and terminates at once, cleanly.
  const r = await cli(['--rule', 'voice_realtime', '--custom-data', 'not json', '--quiet', '--report', out]);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  const report = JSON.parse(fs.readFileSync(out, 'utf8'));
  assert.deepEqual(report.scenarios.map((p) => path.basename(p)), ['lib_call.js', 'lib_realtime.js', 'scenario_voice_realtime.js']);
  assert.equal(report.terminated, true);
  const unknown = await cli(['--rule', 'voice_nope']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /no rule "voice_nope" in rules.json/);
  const both = await cli(['--rule', 'voice_dialog', '--scenario', fixture('say_hangup.vjs')]);
  assert.equal(both.code, 2);
});

async function json(url, opts) {
  const res = await fetch(url, opts);
  return { status: res.status, body: await res.json() };
}

test('server: POST /run starts a session, GET /runs/{id} returns the report', async () => {
  const { server, runs } = createServer();
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${server.address().port}`;
  try {
    const started = await json(`${base}/run`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        scenarioPath: fixture('say_hangup.vjs'),
        customData: '{"phone":"+79990001122"}',
        operator: { answer: 'busy' },
        secrets: {},
        config: {},
      }),
    });
    assert.equal(started.status, 201);
    const id = started.body.session_id;
    let report;
    for (let i = 0; i < 100; i += 1) {
      report = (await json(`${base}/runs/${id}`)).body;
      if (report.status === 'finished') break;
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(report.status, 'finished');
    assert.equal(report.calls[0].fail_code, 486);
    // A finished run keeps its report, and its session is released: the access URL is a 404
    assert.equal(runs.get(id).session, null);
    assert.equal((await json(`${base}/runs/${id}`)).body.status, 'finished');
    const gone = await fetch(`${base}/sessions/${id}/`, { method: 'POST', body: '{}' });
    assert.equal(gone.status, 404);
    assert.equal(await gone.text(), 'session is not running');
    assert.equal((await json(`${base}/runs/nope`)).status, 404);
    const bad = await json(`${base}/run`, { method: 'POST', body: JSON.stringify({ scenarioPath: '/nope.js' }) });
    assert.equal(bad.status, 400);
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
});

test('server: the access URL delivers AppEvents.HttpRequest to a paced session', async () => {
  const { server } = createServer();
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${server.address().port}`;
  try {
    const started = await json(`${base}/run`, {
      method: 'POST',
      body: JSON.stringify({ scenarioPath: fixture('limits.vjs'), customData: 'http_request', config: { realTimeFactor: 1 } }),
    });
    const res = await fetch(`${started.body.access_url}/cmd`, { method: 'POST', body: 'stop' });
    assert.equal(await res.text(), 'ack');
    let report;
    for (let i = 0; i < 100; i += 1) {
      report = (await json(`${base}/runs/${started.body.session_id}`)).body;
      if (report.status === 'finished') break;
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(report.ok, true, JSON.stringify(report.violations));
    assert.ok(report.logs.some((l) => l.text === 'got POST /cmd stop'));
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
});
