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
const REPLIES = ['Да, конечно. А сколько сотрудников?', 'Понятно, спасибо, до свидания.'];

async function hybrid(config = {}) {
  const be = await startBackend((req, n) => ({ json: { reply: REPLIES[n - 1], hangup: n >= 2 } }));
  try {
    const report = await run('realtime_hybrid.vjs', {
      customData: JSON.stringify({ phone: '+79990001122', backend: be.url }), operator: OPERATOR, config,
    });
    return { report, requests: be.requests };
  } finally {
    await be.close();
  }
}

test('realtime hybrid: get_reply function call → backend → function_call_output + response.create', async () => {
  const { report, requests } = await hybrid({ realtimeFirstAudioMs: 700 });
  assert.equal(report.ok, true, JSON.stringify(report.violations));
  // The model called get_reply with the operator's words; the backend saw them
  assert.deepEqual(requests.map((r) => JSON.parse(r.body).text), ['Алло, слушаю вас.', 'Да, могу помочь, какой у вас бизнес?']);
  // The bot said the greeting and then exactly the backend's replies
  const bot = report.transcript.filter((t) => t.who === 'bot').map((t) => t.text);
  assert.deepEqual(bot, ['Здравствуйте! Подскажите, пожалуйста, по тарифам.', ...REPLIES]);
  // Client events are captured as full GA client events (type added back)
  const types = report.realtime_client_events.map((e) => e.type);
  assert.deepEqual(types, ['session.update', 'response.create', 'conversation.item.create', 'response.create', 'conversation.item.create', 'response.create']);
  const su = report.realtime_client_events[0];
  assert.equal(su.session.type, 'realtime');
  assert.equal(su.session.tools[0].name, 'get_reply');
  const out = report.realtime_client_events[2];
  assert.equal(out.item.type, 'function_call_output');
  const fc = report.realtime_server_events.find((e) => e.type === 'response.output_item.done' && e.item.type === 'function_call');
  assert.equal(out.item.call_id, fc.item.call_id);
  assert.equal(fc.item.status, 'completed');
  assert.equal(typeof fc.item.arguments, 'string');
  // Speech: media starts realtimeFirstAudioMs after response.create
  const firstCreate = report.events.find((e) => e.kind === 'realtime_send' && e.type === 'response.create');
  assert.equal(dispatched(report, 'OpenAI.Events.WebSocketMediaStarted')[0].t_ms, firstCreate.t_ms + 700);
  // Barge-in via clearMediaBuffer while the bot spoke
  assert.equal(report.barge_ins.length, 1);
  assert.equal(report.barge_ins[0].via, 'clearMediaBuffer');
  assert.equal(report.transcript.find((t) => t.cut).text, REPLIES[0]);
  assert.equal(report.hangup_by, 'bot');
  assert.equal(report.simulated.realtimeFirstAudioMs, 700);
});

test('realtime: response.create while a response is active → Error conversation_already_has_active_response; beta keys rejected', async () => {
  const report = await run('realtime_collision.vjs', { customData: '+79990001122', operator: { answer: 'answer', lines: [] } });
  const l = logs(report);
  assert.ok(l.includes('error code=unknown_parameter param=session.voice'), l.join('\n'));
  assert.ok(l.includes('error code=conversation_already_has_active_response param=null'), l.join('\n'));
  // Only the first of the two responses was spoken
  assert.deepEqual(report.transcript.filter((t) => t.who === 'bot').map((t) => t.text), ['Раз.']);
  const errors = report.realtime_server_events.filter((e) => e.type === 'error');
  assert.equal(errors.length, 2);
  assert.equal(report.realtime_client_events.length, 4);
});

test('realtime: the socket closes at operator turn N → onWebSocketClose, no more events', async () => {
  const { report, requests } = await hybrid({ faults: { realtimeCloseAtTurn: 2, realtimeCloseCode: 1011, realtimeCloseReason: 'boom' } });
  assert.ok(logs(report).includes('socket closed 1011 boom'), logs(report).join('\n'));
  // Only the first turn reached the backend
  assert.equal(requests.length, 1);
  const closeAt = report.events.find((e) => e.kind === 'realtime' && e.action === 'socket_closed').t_ms;
  assert.equal(report.realtime_server_events.filter((e) => e.t_ms > closeAt).length, 0);
  assert.equal(report.hangup_by, 'bot');
  assert.equal(report.ok, true, JSON.stringify(report.violations));
});

test('realtime pure: the model speaks lines from its instructions and calls end_call on goodbye', async () => {
  const report = await run('realtime_pure.vjs', {
    customData: '+79990001122',
    operator: { answer: 'answer', lines: [{ say: 'Алло, слушаю вас.' }, { say: 'Льготный период сто дней. До свидания!' }] },
  });
  assert.equal(report.ok, true, JSON.stringify(report.violations));
  const bot = report.transcript.filter((t) => t.who === 'bot').map((t) => t.text);
  assert.deepEqual(bot.slice(0, 2), ['Добрый день, я по поводу кредитной карты', 'Какой у карты льготный период?']);
  const calls = report.realtime_server_events.filter((e) => e.type === 'response.function_call_arguments.done');
  assert.deepEqual(calls.map((c) => c.name), ['end_call']);
  assert.deepEqual(JSON.parse(calls[0].arguments), { reason: 'goodbye' });
  assert.equal(bot.at(-1), 'До свидания!');
  assert.equal(report.hangup_by, 'bot');
});

test('realtime: an utterance whose get_reply is cancelled by the next one still reaches the model (both words)', async () => {
  // The operator says A, then B before the model's get_reply for A is out: B's speech_started
  // cancels that response, and the next get_reply carries A and B (the conversation holds both).
  // (operatorPatienceMs 600: B follows A without waiting for the bot; the silence lets B's get_reply out.)
  const operator = { answer: 'answer', lines: [{ say: 'Алло.' }, { say: 'Слушаю вас внимательно.' }, { silence_s: 3 }] };
  const be = await startBackend((req, n) => ({ json: { reply: REPLIES[n - 1], hangup: n >= 2 } }));
  try {
    const report = await run('realtime_hybrid.vjs', {
      customData: JSON.stringify({ phone: '+79990001122', backend: be.url }), operator, config: { operatorPatienceMs: 600 },
    });
    assert.equal(report.ok, true, JSON.stringify(report.violations));
    assert.ok(report.events.some((e) => e.kind === 'realtime' && e.action === 'response_cancelled' && e.reason === 'turn_detected'));
    assert.deepEqual(be.requests.map((r) => JSON.parse(r.body).text), ['Алло. Слушаю вас внимательно.', 'До свидания!']);
    assert.deepEqual(logs(report).filter((l) => l.startsWith('operator: ')),
      ['operator: Алло.', 'operator: Слушаю вас внимательно.', 'operator: До свидания!']);
  } finally {
    await be.close();
  }
});

test('the fake model voices the backend\'s say-exactly instruction word for word', async () => {
  const { verbatim } = require('../lib/realtime');
  const line = 'Понятно. А торг возможен? Скажем, до трёхсот тысяч: это реально?';
  const instructions = `Voice the following line word for word, in its language, adding nothing. Say exactly: ${line}`;
  assert.equal(verbatim(instructions), line);
  const { runScenario } = require('../emulator');
  const report = await runScenario({
    secrets: { OPENAI_API_KEY: 'sk-x' },
    operator: { answer: 'answer', lines: [] },
    scenarioSource: `
      require(Modules.OpenAI);
      VoxEngine.addEventListener(AppEvents.Started, () => {
        const call = VoxEngine.callPSTN('+79990001122', '+74950000000');
        let client = null;
        call.addEventListener(CallEvents.Connected, async () => {
          client = await OpenAI.createRealtimeAPIClient({ apiKey: VoxEngine.getSecretValue('OPENAI_API_KEY'), onWebSocketClose: () => {} });
          VoxEngine.sendMediaBetween(call, client);
          client.addEventListener(OpenAI.RealtimeAPIEvents.SessionUpdated, () => {
            client.responseCreate({ response: { instructions: ${JSON.stringify(instructions)}, tool_choice: 'none' } });
          });
          client.addEventListener(OpenAI.Events.WebSocketMediaEnded, () => { client.close(); call.hangup(); });
          client.sessionUpdate({ session: { type: 'realtime', instructions: 'Ты клиент.' } });
        });
        call.addEventListener(CallEvents.Disconnected, () => VoxEngine.terminate());
      });`,
  });
  assert.equal(report.ok, true, JSON.stringify(report.violations));
  assert.deepEqual(report.transcript.filter((t) => t.who === 'bot').map((t) => t.text), [line]);
});
