'use strict';
/**
 * The stand-in behaviours as unkind as the platforms (all off by default, echoed in the report):
 * the operator greets first, pauses mid-utterance, makes noise; ASR follows singleUtterance; the
 * fake Realtime model skips the tool, says a preamble, fails responses, paraphrases operator_said,
 * accepts every GA key and still rejects unknown ones.
 */
const test = require('node:test');
const assert = require('node:assert/strict');
const { runScenario, DEFAULTS } = require('../emulator');
const { run, logs } = require('../test-support/run');
const { startBackend } = require('../test-support/backend');

/** An ASR listener that logs what it hears; the call ends when the operator hangs up. */
const asrScenario = (params) => `
require(Modules.ASR);
VoxEngine.addEventListener(AppEvents.Started, () => {
  const call = VoxEngine.callPSTN('+79990001122', '+74950000000');
  call.addEventListener(CallEvents.Connected, () => {
    const asr = VoxEngine.createASR(Object.assign({ profile: ASRProfileList.Google.ru_RU }, ${JSON.stringify(params)}));
    asr.addEventListener(ASREvents.CaptureStarted, () => Logger.write('capture'));
    asr.addEventListener(ASREvents.Result, (e) => Logger.write('result ' + (e.text !== undefined ? 'text' : 'transcript') + ':' + (e.text || e.transcript)));
    asr.addEventListener(ASREvents.Stopped, () => Logger.write('stopped'));
    call.sendMediaTo(asr);
  });
  call.addEventListener(CallEvents.Failed, () => VoxEngine.terminate());
  call.addEventListener(CallEvents.Disconnected, () => VoxEngine.terminate());
});`;

const asrRun = (params, operator, config = {}) => runScenario({ scenarioSource: asrScenario(params), operator, config });
const heard = (report) => logs(report).filter((l) => /^(result|capture|stopped)/.test(l));
const at = (report, text) => report.logs.find((l) => l.text === text).t_ms;

test('operator greeting: said operatorGreetingAfterMs after the answer, before the script lines', async () => {
  const report = await asrRun({ singleUtterance: true }, { answer: 'answer', greeting: 'Автосалон «Север», Мария, слушаю.', lines: [{ say: 'Да.' }] });
  assert.equal(report.ok, true, JSON.stringify(report.violations));
  const ops = report.transcript.filter((t) => t.who === 'operator');
  assert.deepEqual(ops.map((t) => [t.text, Boolean(t.greeting)]), [['Автосалон «Север», Мария, слушаю.', true], ['Да.', false], ['До свидания!', false]]);
  assert.equal(ops[0].t_ms - report.calls[0].connected_at_ms, DEFAULTS.operatorGreetingAfterMs);
  assert.deepEqual(heard(report).filter((l) => l.startsWith('result')), ['result text:Автосалон «Север», Мария, слушаю.', 'result text:Да.', 'result text:До свидания!']);
  assert.equal(report.simulated.operatorGreetingAfterMs, 500);
});

test('ASR singleUtterance: a Result after every utterance and recognition goes on; the opposite reading stops', async () => {
  const operator = { answer: 'answer', lines: [{ say: 'Раз.' }, { say: 'Два.' }] };
  const on = await asrRun({ singleUtterance: true }, operator);
  assert.deepEqual(heard(on).filter((l) => l !== 'capture'), ['result text:Раз.', 'result text:Два.', 'result text:До свидания!']);
  const stops = await asrRun({ singleUtterance: true }, operator, { asrSingleUtteranceStops: true });
  assert.deepEqual(heard(stops).filter((l) => l !== 'capture'), ['result text:Раз.', 'stopped']);
  assert.equal(stops.simulated.asrSingleUtteranceStops, true);
  // Without singleUtterance the Result comes "in unpredictable time": asrNoSingleUtteranceDelayMs late.
  const off = await asrRun({}, operator);
  const first = off.transcript.find((t) => t.who === 'operator');
  assert.equal(at(off, 'result text:Раз.') - first.end_ms, DEFAULTS.asrNoSingleUtteranceDelayMs);
  const provider = await asrRun({ singleUtterance: true }, operator, { asrResultField: 'transcript' });
  assert.ok(heard(provider).includes('result transcript:Раз.'));
});

test('mid-utterance pause: a say list is one line, heard by ASR as one Result per part; noise gives a capture only', async () => {
  const report = await asrRun({ singleUtterance: true }, {
    answer: 'answer', lines: [{ say: ['Да, продаётся.', 'Пробег сорок тысяч.'], pause_ms: 900 }, { noise_ms: 300 }, { say: 'Всё.' }],
  });
  assert.equal(report.ok, true, JSON.stringify(report.violations));
  const ops = report.transcript.filter((t) => t.who === 'operator');
  assert.deepEqual(ops.map((t) => t.text), ['Да, продаётся. Пробег сорок тысяч.', '', 'Всё.', 'До свидания!']);
  assert.equal(ops[1].noise, true);
  const h = heard(report);
  assert.deepEqual(h.filter((l) => l.startsWith('result')), ['result text:Да, продаётся.', 'result text:Пробег сорок тысяч.', 'result text:Всё.', 'result text:До свидания!']);
  assert.equal(h.filter((l) => l === 'capture').length, 5, 'two parts, the noise, two more lines');
});

test('a unit routed while the operator speaks hears the rest of the utterance', async () => {
  const late = `
require(Modules.ASR);
VoxEngine.addEventListener(AppEvents.Started, () => {
  const call = VoxEngine.callPSTN('+79990001122', '+74950000000');
  call.addEventListener(CallEvents.Connected, () => {
    setTimeout(() => {
      const asr = VoxEngine.createASR({ profile: ASRProfileList.Google.ru_RU, singleUtterance: true });
      asr.addEventListener(ASREvents.Result, (e) => Logger.write('result ' + e.text));
      call.sendMediaTo(asr);
    }, 1000);
  });
  call.addEventListener(CallEvents.Disconnected, () => VoxEngine.terminate());
});`;
  const report = await runScenario({ scenarioSource: late, operator: { answer: 'answer', greeting: 'Автосалон «Север», Мария, слушаю вас внимательно.', lines: [] } });
  assert.ok(logs(report).includes('result Автосалон «Север», Мария, слушаю вас внимательно.'), logs(report).join('\n'));
  assert.ok(report.events.some((e) => e.kind === 'operator' && e.action === 'heard_late'));
});

// ---------------------------------------------------------------- the fake Realtime model
const OPERATOR = { answer: 'answer', lines: [{ say: 'Алло, слушаю вас.' }, { say: 'Да, могу помочь.' }, { say: 'Хорошо.' }] };

async function hybrid(config) {
  const be = await startBackend((req, n) => ({ json: { reply: `Ответ ${n}.`, hangup: n >= 3 } }));
  try {
    const report = await run('realtime_hybrid.vjs', { customData: JSON.stringify({ phone: '+79990001122', backend: be.url }), operator: OPERATOR, config });
    return { report, texts: be.requests.map((r) => JSON.parse(r.body).text) };
  } finally {
    await be.close();
  }
}
const dones = (report) => report.realtime_server_events.filter((e) => e.type === 'response.done').map((e) => e.response);
const calls = (report) => report.realtime_server_events.filter((e) => e.type === 'response.function_call_arguments.done');

test('realtimeSkipToolAtTurn: the N-th utterance is answered in audio with no tool call', async () => {
  const { report } = await hybrid({ realtimeSkipToolAtTurn: 2 });
  assert.equal(report.ok, true, JSON.stringify(report.violations));
  const skipped = dones(report).find((r) => r.output.length && r.output[0].type === 'message' && r.output[0].content[0].transcript === DEFAULTS.realtimeSkipToolText);
  assert.ok(skipped, 'a response that speaks the skip text');
  assert.ok(skipped.output.every((o) => o.type === 'message'));
  assert.deepEqual(calls(report).map((c) => JSON.parse(c.arguments).text), ['Алло, слушаю вас.', 'Хорошо.', 'До свидания!']);
  assert.equal(report.simulated.realtimeSkipToolAtTurn, 2);
  assert.ok(report.events.some((e) => e.kind === 'fault' && e.fault === 'realtime_skip_tool' && e.turn === 2));
});

test('realtimePreamble: a short filler item before each get_reply call, in the same response', async () => {
  const { report, texts } = await hybrid({ realtimePreamble: true });
  const withCall = dones(report).filter((r) => r.output.some((o) => o.type === 'function_call'));
  assert.equal(withCall.length, 3);
  for (const r of withCall) assert.deepEqual(r.output.map((o) => o.type), ['message', 'function_call']);
  assert.equal(withCall[0].output[0].content[0].transcript, DEFAULTS.realtimePreambleText);
  assert.equal(texts.length, 3);
});

test('realtimeFailResponseAt + realtimeFailTimes: those responses end failed with status_details.error', async () => {
  const { report } = await hybrid({ realtimeFailResponseAt: 2, realtimeFailTimes: 2 });
  const failed = dones(report).filter((r) => r.status === 'failed');
  assert.equal(failed.length, 2);
  assert.deepEqual(failed.map((r) => r.status_details.error.code), ['server_error', 'server_error']);
  assert.deepEqual(failed.map((r) => r.output), [[], []]);
  assert.equal(report.simulated.realtimeFailTimes, 2);
});

test('realtimeOperatorSaid: exact (default), paraphrase, empty; the transcription stays exact', async () => {
  for (const [mode, first] of [['exact', 'Алло, слушаю вас.'], ['paraphrase', 'Оператор говорит, что алло, слушаю вас'], ['empty', '']]) {
    const { report, texts } = await hybrid({ realtimeOperatorSaid: mode });
    assert.equal(texts[0], first, mode);
    assert.ok(logs(report).includes('operator: Алло, слушаю вас.'), mode);
  }
  await assert.rejects(() => runScenario({ scenarioSource: '', config: { realtimeOperatorSaid: 'loud' } }), /exact, paraphrase or empty/);
  await assert.rejects(() => runScenario({ scenarioSource: '', config: { realtimeFailTimes: -1 } }), /integer >= 0/);
});

test('GA keys: reasoning, parallel_tool_calls, noise_reduction, semantic_vad accepted; bad values and unknown keys refused', async () => {
  const probe = (session, response) => `
require(Modules.OpenAI);
VoxEngine.addEventListener(AppEvents.Started, () => {
  const call = VoxEngine.callPSTN('+79990001122', '+74950000000');
  call.addEventListener(CallEvents.Connected, async () => {
    const client = await OpenAI.createRealtimeAPIClient({ apiKey: 'sk-x', onWebSocketClose: () => {} });
    client.addEventListener(OpenAI.RealtimeAPIEvents.SessionUpdated, () => {
      Logger.write('updated');
      client.responseCreate(Object.assign({ event_id: 'probe_1' }, { response: ${JSON.stringify(response)} }));
    });
    client.addEventListener(OpenAI.RealtimeAPIEvents.ResponseCreated, () => Logger.write('created'));
    client.addEventListener(OpenAI.RealtimeAPIEvents.Error, (e) => Logger.write('error ' + e.data.payload.error.code + ' ' + e.data.payload.error.event_id));
    VoxEngine.sendMediaBetween(call, client);
    client.sessionUpdate({ session: ${JSON.stringify(session)} });
    setTimeout(() => { client.close(); VoxEngine.terminate(); }, 3000);
  });
});`;
  const good = { type: 'realtime', reasoning: { effort: 'low' }, parallel_tool_calls: false,
    audio: { input: { noise_reduction: { type: 'near_field' }, turn_detection: { type: 'semantic_vad', eagerness: 'auto' } } } };
  const ok = await runScenario({ scenarioSource: probe(good, { reasoning: { effort: 'minimal' }, parallel_tool_calls: false, instructions: 'Say exactly: Да.' }), operator: { answer: 'answer', lines: [{ silence_s: 10 }] } });
  assert.deepEqual(logs(ok).filter((l) => /^(updated|created|error)/.test(l)), ['updated', 'created']);
  const bad = await runScenario({ scenarioSource: probe({ ...good, reasoning: { effort: 'extreme' } }, {}), operator: { answer: 'answer', lines: [{ silence_s: 10 }] } });
  assert.deepEqual(logs(bad).filter((l) => /^error/.test(l)), ['error invalid_value null']);
  const unknown = await runScenario({ scenarioSource: probe({ type: 'realtime' }, { temperature: 0.7 }), operator: { answer: 'answer', lines: [{ silence_s: 10 }] } });
  assert.deepEqual(logs(unknown).filter((l) => /^error/.test(l)), ['error unknown_parameter probe_1'], 'the error names the client event_id');
});

test('every unkind key is off by default and echoed in the report', async () => {
  const report = await asrRun({ singleUtterance: true }, { answer: 'busy' });
  for (const k of ['realtimeSkipToolAtTurn', 'realtimePreamble', 'realtimeFailResponseAt', 'realtimeFailTimes', 'realtimeOperatorSaid',
    'realtimeTranscriptionMs', 'realtimeFunctionCallMs', 'asrSingleUtteranceStops', 'operatorGreetingAfterMs']) {
    assert.ok(k in report.simulated, k);
  }
  assert.deepEqual([report.simulated.realtimeSkipToolAtTurn, report.simulated.realtimePreamble, report.simulated.realtimeFailResponseAt,
    report.simulated.realtimeOperatorSaid], [0, false, 0, 'exact']);
  assert.equal(report.simulated.simulated, true);
});
