/**
 * Virtual client, engine `realtime_pure`: OpenAI Realtime plays the persona on its own.
 *
 * Run by the Voximplant rule `voice_realtime_pure`, bound after `lib_call` and `lib_realtime`
 * (voximplant/rules.json): the call skeleton and the Realtime plumbing are theirs; this file holds
 * only the engine and registers its hooks with `defineRealtimeEngine`.
 *
 * There are no backend turns (the session has no dialog_url): the backend's `session.update`
 * carries instructions compiled from the persona and an `end_call` tool; the opening is
 * `first_response` (the model's first words, after the operator's greeting). Server VAD answers
 * every operator utterance; after a barge-in the cut item is truncated so the model does not
 * believe the operator heard the rest. Operator silence for `limits.silence_timeout_s` → a
 * response.create (the instructions say how to reprompt), at most `limits.max_reprompts` times in
 * a row, then the call ends (reason `silence`, saying `silence_response` when the session has
 * one). The model's `end_call` tool → hang up after the last audio.
 *
 * Custom data (VoxEngine.customData(), at most 200 bytes, no phone number, no secret):
 *   {"id": "<call_id>", "api": "<API base URL>", "tok": "<per-call bearer token>"}
 * Backend contract: docs/scenario-contract.md. Session: `realtime {session_update,
 * first_response?, silence_response?, key_source, api_key | secret_name}`.
 */
let opTurn = 0; // operator utterances heard so far
let reprompts = 0; // silence nudges in a row

defineRealtimeEngine({
  name: 'realtime_pure',
  checkSession: () => '',
  currentTurn: () => opTurn,
  isBusy: () => false,
  onSpeechStarted: () => { reprompts = 0; },
  onOperatorItem,
  onTranscription,
  onFunctionCall,
  onUnrequestedAudio: () => false, // every answer here is the model's own
  onSilence,
  onStop: () => {},
  truncateOnBargeIn: true,
});

/** One operator utterance: a turn whose latency runs to the model's first audio. */
function onOperatorItem(item) {
  if (pendingMark) postTurn(pendingMark);
  opTurn += 1;
  item.turn = opTurn;
  pendingMark = { turn: opTurn, speech_end_at: item.endAt, reply_requested_at: null, reply_received_at: null, audio_started_at: null };
}

function onTranscription(item) {
  if (item.text) postEvent('transcript', { who: 'operator', text: item.text, turn: item.turn || opTurn + 1 });
}

/** The model called end_call: hang up after its last audio (asking for a goodbye if it said none). */
function onFunctionCall(fc, r) {
  if (fc.name !== 'end_call') {
    log(`unexpected tool ${fc.name}`);
    client.conversationItemCreate({ item: { type: 'function_call_output', call_id: fc.call_id, output: JSON.stringify({ error: 'unknown tool' }) } });
    return;
  }
  if (ending) return;
  let why = '';
  try {
    const args = JSON.parse(fc.arguments || '{}');
    if (args && typeof args.reason === 'string') why = args.reason;
  } catch (e) {
    log(`end_call arguments are not JSON: ${fc.arguments}`);
  }
  log(`end_call (${why || 'no reason'})`);
  endingKind = why || null;
  client.conversationItemCreate({ item: { type: 'function_call_output', call_id: fc.call_id, output: JSON.stringify({ ok: true }) } });
  if (r && r.audio) {
    endAfterAudio('end_call', 'client', r.id);
  } else {
    endAfterAudio('end_call', 'client', null);
    sendResponse({ response: { tool_choice: 'none' } }, true);
  }
}

/** The operator was silent: let the model reprompt (its instructions say how), then give up. */
function onSilence() {
  if (reprompts >= limits.max_reprompts) {
    log(`operator silent after ${reprompts} reprompts: ending the call`);
    const goodbye = session.realtime && session.realtime.silence_response;
    if (goodbye && goodbye.response) {
      // Say the persona's silence line (exactly), then hang up after its audio.
      endingKind = 'silence';
      endAfterAudio('silence', 'client', null);
      sendResponse({ response: goodbye.response }, true);
    } else {
      finish('silence', 'client');
    }
    return;
  }
  reprompts += 1;
  log(`operator silent ${limits.silence_timeout_s} s: reprompt ${reprompts}`);
  sendResponse({}, false);
}
