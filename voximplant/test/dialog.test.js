'use strict';
/** scenario_voice_dialog.js (ASR → backend → TTS) in the emulator against the stub backend. */
const test = require('node:test');
const assert = require('node:assert/strict');
const { runCall, assertClean, ofType, said, ended, botLines } = require('../test-support/run');
const { FIRST_LINE, REPLIES, REPROMPTS, SILENCE_LINE, APOLOGY } = require('../test-support/backend');

const OPERATOR = ['Алло, слушаю.', 'Да, продаётся.', 'Пробег сорок тысяч.'];
const conversation = (extra = {}) => ({ answer: 'answer', lines: OPERATOR.map((say) => ({ say })), ...extra });

test('dialog happy path: first line, operator turns, replies, end_call → hang up after playback', async () => {
  const { report, be } = await runCall('dialog', { operator: conversation() });
  const evs = assertClean(report, be);
  assert.deepEqual(be.statuses, ['session', 'dialing', 'ringing', 'connected', 'completed']);
  assert.equal(ofType(evs, 'session_started')[0].engine, 'dialog');
  assert.match(ofType(evs, 'recording')[0].url, /^https:\/\//);
  // The backend heard every operator line, in turn order.
  assert.deepEqual(be.replyRequests.map((r) => [r.turn, r.text]), OPERATOR.map((t, i) => [i + 1, t]));
  assert.ok(be.replyRequests.every((r) => typeof r.speech_end_at === 'number'));
  // Transcript: the first line, then operator / client alternating, ending with the end_call line.
  const lines = said(evs, 'client').concat(said(evs, 'operator')).sort((a, b) => a.seq - b.seq);
  assert.deepEqual(lines.map((l) => [l.who, l.text, l.turn]), [
    ['client', FIRST_LINE, 0],
    ['operator', OPERATOR[0], 1], ['client', REPLIES[0].reply, 1],
    ['operator', OPERATOR[1], 2], ['client', REPLIES[1].reply, 2],
    ['operator', OPERATOR[2], 3], ['client', REPLIES[2].reply, 3],
  ]);
  assert.ok(lines.every((l) => !l.cut));
  // What the operator heard is exactly that, spoken with call.say (no TTS player: the 10-player limit).
  assert.deepEqual(botLines(report).map((t) => t.text), [FIRST_LINE, ...REPLIES.map((r) => r.reply)]);
  assert.ok(botLines(report).every((t) => t.source === 'call.say'));
  assert.equal(report.players_created, 0);
  // Latency marks for each turn.
  const turns = ofType(evs, 'turn');
  assert.deepEqual(turns.map((t) => t.turn), [1, 2, 3]);
  for (const t of turns) {
    assert.ok(t.speech_end_at <= t.reply_requested_at && t.reply_requested_at <= t.reply_received_at && t.reply_received_at <= t.audio_started_at, JSON.stringify(t));
    assert.equal(t.backend_ms, 12);
    assert.equal(t.llm_ms, 340);
    assert.equal(t.fallback, false);
  }
  // The client hangs up after the goodbye has played out.
  assert.deepEqual({ reason: ended(evs).reason, hangup_by: ended(evs).hangup_by }, { reason: 'end_call', hangup_by: 'client' });
  assert.equal(report.hangup_by, 'bot');
  const last = botLines(report).at(-1);
  assert.ok(report.calls[0].ended_at_ms >= last.end_ms);
  assert.equal(report.calls[0].number, '+79161234567');
  assert.equal(report.calls[0].caller_id, '+74950000000');
  assert.ok(report.calls[0].recording_url);
});

for (const finishedOnStop of [false, true]) {
  test(`dialog barge-in: CaptureStarted while the client speaks → call.stopPlayback (cut line, barge_in event; PlaybackFinished on stop: ${finishedOnStop})`, async () => {
    const operator = conversation();
    operator.lines[1] = { say: 'Да-да, продаётся, приезжайте посмотреть.', barge_in: true };
    const { report, be } = await runCall('dialog', { operator, config: { sayStopFiresPlaybackFinished: finishedOnStop } });
    const evs = assertClean(report, be);
    assert.equal(report.barge_ins.length, 1);
    assert.equal(report.barge_ins[0].via, 'call.stopPlayback');
    assert.equal(report.barge_ins[0].bot_text, REPLIES[0].reply);
    const cut = said(evs, 'client').filter((l) => l.cut);
    assert.deepEqual(cut.map((l) => [l.text, l.turn]), [[REPLIES[0].reply, 1]]);
    assert.equal(said(evs, 'client').filter((l) => l.text === REPLIES[0].reply).length, 1, 'the cut line is posted once');
    const barge = ofType(evs, 'barge_in');
    assert.deepEqual(barge.map((b) => b.turn), [2]);
    assert.ok(barge[0].seq > cut[0].seq);
    // The interrupting words are the next turn; the call goes on to the end.
    assert.equal(be.replyRequests[1].text, 'Да-да, продаётся, приезжайте посмотреть.');
    assert.deepEqual(botLines(report).map((t) => t.text), [FIRST_LINE, ...REPLIES.map((r) => r.reply)]);
    assert.equal(ended(evs).reason, 'end_call');
  });
}

test('dialog: a long call speaks more than 10 lines without creating a media player', async () => {
  const { report, be } = await runCall('dialog', {
    operator: { answer: 'answer', lines: [{ silence_s: 200 }] },
    backend: { limits: { silence_timeout_s: 2, max_reprompts: 12 } },
  });
  const evs = assertClean(report, be);
  assert.equal(botLines(report).length, 14, 'first line, 12 reprompts, the closing line');
  assert.equal(report.players_created, 0);
  assert.equal(ended(evs).reason, 'silence');
});

test('dialog: the latency mark is CallEvents.PlaybackStarted of the answering line', async () => {
  const { report, be } = await runCall('dialog', { operator: conversation() });
  const evs = assertClean(report, be);
  const started = report.events.filter((e) => e.kind === 'dispatch' && e.name === 'Call.PlaybackStarted').map((e) => e.t_ms);
  const t0 = report.start_epoch_ms;
  assert.deepEqual(ofType(evs, 'turn').map((t) => t.audio_started_at - t0), started.slice(1));
});

test('dialog silence: empty-text turns reach the backend, reprompts are spoken, the backend ends the call', async () => {
  const { report, be } = await runCall('dialog', {
    operator: { answer: 'answer', lines: [{ silence_s: 60 }] },
    backend: { limits: { silence_timeout_s: 3, max_reprompts: 2 } },
  });
  const evs = assertClean(report, be);
  assert.deepEqual(be.replyRequests.map((r) => [r.turn, r.text]), [[1, ''], [2, ''], [3, '']]);
  assert.ok(be.replyRequests.every((r) => r.speech_end_at === undefined));
  assert.deepEqual(botLines(report).map((t) => t.text), [FIRST_LINE, REPROMPTS[0], REPROMPTS[1], SILENCE_LINE]);
  // Each reprompt comes silence_timeout_s after the previous line ended.
  const bots = botLines(report);
  for (let i = 1; i < bots.length; i += 1) assert.equal(bots[i].t_ms - bots[i - 1].end_ms, 3000 + 200);
  assert.equal(said(evs, 'operator').length, 0);
  assert.deepEqual({ reason: ended(evs).reason, hangup_by: ended(evs).hangup_by }, { reason: 'silence', hangup_by: 'client' });
});

test('dialog backend 5xx: one retry, then the apology and hang up', async () => {
  const { report, be } = await runCall('dialog', {
    operator: conversation(), backend: { replyFail: { turn: 2, status: 503, times: 2 } },
  });
  const evs = assertClean(report, be);
  assert.deepEqual(be.replyRequests.map((r) => r.turn), [1, 2, 2]);
  const err = ofType(evs, 'error');
  assert.deepEqual(err.map((e) => [e.where, e.code]), [['reply', 503]]);
  assert.equal(botLines(report).at(-1).text, APOLOGY);
  assert.equal(said(evs, 'client').at(-1).text, APOLOGY);
  assert.deepEqual({ reason: ended(evs).reason, hangup_by: ended(evs).hangup_by }, { reason: 'backend_error', hangup_by: 'system' });
  assert.equal(report.hangup_by, 'bot');
  assert.ok(report.calls[0].ended_at_ms >= botLines(report).at(-1).end_ms, 'hang up after the apology played');
});

test('dialog backend 5xx once: the retry succeeds and the call goes on to end_call', async () => {
  const { report, be } = await runCall('dialog', {
    operator: conversation(), backend: { replyFail: { turn: 2, status: 500, times: 1 } },
  });
  const evs = assertClean(report, be);
  assert.deepEqual(be.replyRequests.map((r) => r.turn), [1, 2, 2, 3]);
  assert.equal(ofType(evs, 'error').length, 0);
  assert.equal(ended(evs).reason, 'end_call');
});

test('dialog reply timeout: reply_timeout_s, one retry, then the apology', async () => {
  const { report, be } = await runCall('dialog', {
    operator: conversation(),
    backend: { limits: { reply_timeout_s: 1 }, replyHang: { turn: 1, delayMs: 1300, times: 2 } },
  });
  const evs = assertClean(report, be);
  const replies = report.http.filter((h) => h.url.endsWith('/reply'));
  assert.deepEqual(replies.map((h) => [h.status, h.virtual_ms]), [[-7, 1000], [-7, 1000]]);
  assert.deepEqual(ofType(evs, 'error').map((e) => [e.where, e.code]), [['reply', -7]]);
  assert.equal(botLines(report).at(-1).text, APOLOGY);
  assert.equal(ended(evs).reason, 'backend_error');
});

test('dialog: a session without a number to dial fails before dialing, cleanly', async () => {
  const { report, be } = await runCall('dialog', {
    backend: { sessionPatch: { to: '' } },
  });
  const evs = assertClean(report, be);
  assert.equal(report.calls.length, 0);
  assert.deepEqual(evs.map((e) => e.type), ['error', 'ended']);
  assert.match(evs[0].message, /session.to is missing/);
});

for (const [ending, reason] of [['max_duration', 'max_duration'], ['silence', 'silence'], ['goodbye', 'end_call'],
  ['max_turns', 'end_call'], ['hang_up', 'end_call'], ['success', 'end_call']]) {
  test(`dialog: the reply's ending ${ending} → ended ${reason}, after the line played`, async () => {
    const replies = [REPLIES[0], { ...REPLIES[2], ending }];
    const { report, be } = await runCall('dialog', { operator: conversation(), backend: { replies } });
    const evs = assertClean(report, be);
    assert.deepEqual({ reason: ended(evs).reason, hangup_by: ended(evs).hangup_by }, { reason, hangup_by: 'client' });
    const last = botLines(report).at(-1);
    assert.equal(last.text, REPLIES[2].reply);
    assert.ok(!last.cut && report.calls[0].ended_at_ms >= last.end_ms);
  });
}

test('dialog: the lines use dialog.tts_voice (the top-level tts_voice is for the realtime engines)', async () => {
  const { report, be } = await runCall('dialog', { operator: conversation() });
  assertClean(report, be);
  const voices = report.events.filter((e) => e.api === 'call.say').map((e) => e.voice);
  assert.equal(voices.length, 4);
  assert.ok(voices.every((v) => v === 'tts:tbank/ru_RU_Dima'));
});
