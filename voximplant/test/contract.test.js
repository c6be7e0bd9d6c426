'use strict';
// The scenario tests' backend stub follows the contract generated from the backend's models.
const test = require('node:test');
const assert = require('node:assert/strict');
const { SCHEMAS, CONTRACT_VERSION } = require('../test-support/contract');
const { problems } = require('../test-support/schema');
const { startBackend, CALL_ID, TOKEN } = require('../test-support/backend');

async function call(be, method, route, body) {
  const res = await fetch(`${be.url}/call/${CALL_ID}/${route}`, {
    method,
    headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

test('the generated contract is version 3 and has every payload', () => {
  assert.equal(CONTRACT_VERSION, 3);
  for (const name of ['session', 'reply_request', 'reply_response', 'event', 'event_batch', 'events_accepted']) {
    assert.ok(SCHEMAS[name], name);
  }
});

test('the checker finds an unknown field, a wrong type, a missing field and a bound', () => {
  const reply = SCHEMAS.reply_request;
  assert.deepEqual(problems(reply, { turn: 1, text: 'Да.' }), []);
  assert.deepEqual(problems(reply, { turn: 1, text: 'Да.', mood: 'x' }), ['mood: not a field of the contract']);
  assert.deepEqual(problems(reply, { turn: '1', text: 'Да.' }), ['turn: must be integer']);
  assert.deepEqual(problems(reply, { text: 'Да.' }), ['turn: required']);
  assert.deepEqual(problems(reply, { turn: 10001, text: '' }), ['turn: above 10000']);
  assert.deepEqual(problems(SCHEMAS.event, { seq: 1, t: 1, type: 'nope' }).length, 1);
  assert.deepEqual(problems(SCHEMAS.event, { seq: 1, t: 1, type: 'ended', reason: 'end_call' }), ['hangup_by: required']);
});

for (const engine of ['dialog', 'realtime', 'realtime_pure']) {
  test(`${engine}: the stub's session and answers are what the backend could send`, async () => {
    const be = await startBackend({ engine });
    try {
      const session = await call(be, 'GET', 'session');
      assert.equal(session.status, 200);
      const absent = ['contract', 'speaks_first', 'limits.greeting_wait_s'];
      assert.deepEqual(problems(SCHEMAS.session, session.json, { allowAbsent: absent }), []);
      if (engine !== 'realtime_pure') {
        const reply = await call(be, 'POST', 'reply', { turn: 1, text: 'Алло.' });
        assert.equal(reply.status, 200);
        assert.deepEqual(problems(SCHEMAS.reply_response, reply.json), []);
      }
    } finally {
      await be.close();
    }
  });
}

test('the stub refuses what the backend refuses: a reply field or an event outside the contract', async () => {
  const be = await startBackend({ engine: 'dialog' });
  try {
    const reply = await call(be, 'POST', 'reply', { turn: 1, text: 'Алло.', mood: 'angry' });
    assert.equal(reply.status, 422);
    const events = await call(be, 'POST', 'events', { events: [{ seq: 1, t: 1, type: 'turn', turn: 10 ** 39 }] });
    assert.equal(events.status, 422);
    assert.match(events.json.message, /events\[0\] turn: above 10000/);
    assert.equal(be.events.length, 0);
    assert.equal(be.rejectedEvents.length, 1);
  } finally {
    await be.close();
  }
});
