'use strict';
/**
 * Every VoxEngine name the emulator exposes, in one place. Only names found in
 * /work/shared/docs/voximplant.md (and the Voximplant typings/examples it cites)
 * belong here: a name added here that the platform does not have would let a
 * broken scenario pass. The string values of the enums are opaque to scenarios
 * (they only compare them), so their exact spelling is not load-bearing except
 * where the docs give it (OpenAI.RealtimeAPI.<Name>).
 */

const AppEvents = {
  Started: 'Application.Started',
  Terminating: 'Application.Terminating',
  Terminated: 'Application.Terminated',
  HttpRequest: 'Application.HttpRequest',
  CallAlerting: 'Application.CallAlerting', // inbound only: never fired by the emulator
};

const CallEvents = {
  Connected: 'Call.Connected',
  Disconnected: 'Call.Disconnected',
  Failed: 'Call.Failed',
  Ringing: 'Call.Ringing',
  PlaybackStarted: 'Call.PlaybackStarted',
  PlaybackFinished: 'Call.PlaybackFinished',
  RecordStarted: 'Call.RecordStarted',
  RecordStopped: 'Call.RecordStopped',
  AudioStarted: 'Call.AudioStarted',
};

const ASREvents = {
  Started: 'ASR.Started',
  CaptureStarted: 'ASR.CaptureStarted',
  SpeechCaptured: 'ASR.SpeechCaptured',
  InterimResult: 'ASR.InterimResult',
  Result: 'ASR.Result',
  ASRError: 'ASR.ASRError',
  Stopped: 'ASR.Stopped',
};

const PlayerEvents = {
  Started: 'Player.Started',
  PlaybackFinished: 'Player.PlaybackFinished',
  Stopped: 'Player.Stopped',
  Error: 'Player.Error',
};

const ASRProfileList = {
  Google: { ru_RU: 'asr:google/ru_RU' },
  Yandex: { ru_RU: 'asr:yandex/ru_RU' },
  TBank: { ru_RU: 'asr:tbank/ru_RU' },
};

const VoiceList = {
  TBank: { ru_RU_Dima: 'tts:tbank/ru_RU_Dima' },
  Yandex: { Neural: { ru_RU_alena: 'tts:yandex-neural/ru_RU_alena' } },
  Google: { ru_RU_Wavenet_A: 'tts:google/ru_RU_Wavenet_A' },
};

// Modules.X values. Only ASR, OpenAI and ApplicationStorage are emulated; the
// others exist on the platform and fail loudly when required here.
const Modules = {
  ASR: 'asr',
  OpenAI: 'openai',
  ApplicationStorage: 'applicationstorage',
  AI: 'ai',
  ACD: 'acd',
  ElevenLabs: 'elevenlabs',
  Gemini: 'gemini',
};
const EMULATED_MODULES = new Set(['asr', 'openai', 'applicationstorage']);

// OpenAI.RealtimeAPIEvents: docs/voximplant.md list, plus SessionCreated (used
// by Voximplant's own OpenAI examples). Value is 'OpenAI.RealtimeAPI.<Name>'.
const REALTIME_EVENT_NAMES = [
  'SessionCreated', 'SessionUpdated', 'Error',
  'InputAudioBufferSpeechStarted', 'InputAudioBufferSpeechStopped',
  'ConversationItemInputAudioTranscriptionCompleted',
  'ResponseCreated', 'ResponseDone', 'ResponseOutputItemDone',
  'ResponseFunctionCallArgumentsDone', 'ResponseOutputAudioTranscriptDone',
  'ResponseOutputAudioDone', 'ConversationItemTruncated', 'Unknown',
  // The first events of an assistant audio item (typings v28 RealtimeAPIEvents; OpenAI sends them
  // before the item's first audio delta).
  'ResponseOutputItemAdded', 'ResponseContentPartAdded',
  // Connector events (typings v28 RealtimeAPIEvents): the HTTP answer to the socket upgrade and
  // WebSocket failures. The fake emits them only under realtimeConnectHttpStatus / realtimeWebSocketErrorAtTurn.
  'HTTPResponse', 'WebSocketError',
];
const RealtimeAPIEvents = Object.fromEntries(REALTIME_EVENT_NAMES.map((n) => [n, `OpenAI.RealtimeAPI.${n}`]));

// GA server event type -> RealtimeAPIEvents name. The fake model emits only these.
const SERVER_TYPE_TO_EVENT = {
  'session.created': 'SessionCreated',
  'session.updated': 'SessionUpdated',
  error: 'Error',
  'input_audio_buffer.speech_started': 'InputAudioBufferSpeechStarted',
  'input_audio_buffer.speech_stopped': 'InputAudioBufferSpeechStopped',
  'conversation.item.input_audio_transcription.completed': 'ConversationItemInputAudioTranscriptionCompleted',
  'response.created': 'ResponseCreated',
  'response.done': 'ResponseDone',
  'response.output_item.added': 'ResponseOutputItemAdded',
  'response.content_part.added': 'ResponseContentPartAdded',
  'response.output_item.done': 'ResponseOutputItemDone',
  'response.function_call_arguments.done': 'ResponseFunctionCallArgumentsDone',
  'response.output_audio_transcript.done': 'ResponseOutputAudioTranscriptDone',
  'response.output_audio.done': 'ResponseOutputAudioDone',
  'conversation.item.truncated': 'ConversationItemTruncated',
};

const OpenAIEvents = {
  WebSocketMediaStarted: 'OpenAI.Events.WebSocketMediaStarted',
  WebSocketMediaEnded: 'OpenAI.Events.WebSocketMediaEnded',
};

// Seen in Voximplant's OpenAI module docs; only REALTIME is emulated.
const RealtimeAPIClientType = { REALTIME: 'realtime', TRANSCRIPTION: 'transcription' };

const REALTIME_VOICES = ['alloy', 'ash', 'ballad', 'coral', 'echo', 'sage', 'shimmer', 'verse', 'marin', 'cedar'];

function flatValues(obj, out = new Set()) {
  for (const v of Object.values(obj)) {
    if (v && typeof v === 'object') flatValues(v, out); else out.add(v);
  }
  return out;
}

module.exports = {
  AppEvents, CallEvents, ASREvents, PlayerEvents, ASRProfileList, VoiceList, Modules,
  EMULATED_MODULES, RealtimeAPIEvents, SERVER_TYPE_TO_EVENT, OpenAIEvents,
  RealtimeAPIClientType, REALTIME_VOICES, flatValues,
};
