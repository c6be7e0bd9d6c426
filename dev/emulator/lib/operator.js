'use strict';
/**
 * The simulated human operator on the far end of a call, driven by a script:
 *   {answer: answer|busy|no_answer|reject, answer_after_s?, greeting?: "text", lines: [
 *      {say: "text" | ["part", "part"], pause_ms?: N, barge_in?: bool, asr_text?: "...", confidence?: 0.9},
 *      {silence_s: N}, {noise_ms: N}, {hangup: true}]}
 *
 * A `greeting` is said `operatorGreetingAfterMs` after the answer, before anything else (people
 * answering a call greet first). A `say` list is one utterance with `pause_ms` (default 700) of
 * silence between its parts: a speech detector may split it. A noise burst makes a sound without
 * words (a speech detector starts, no text comes); the next line follows without waiting.
 *
 * Turn rule: a line is spoken `operatorReactionMs` after the bot finishes an
 * utterance that started after the operator's previous line (the bot "replied").
 * If the bot stays silent, the operator goes on after `operatorPatienceMs`
 * (`operatorFirstLinePatienceMs` for the first line). A `barge_in: true` line
 * is spoken `operatorBargeInAfterMs` into the bot's utterance instead of after
 * it. A silence line waits its turn, stays silent N s, and the line after it
 * is spoken without waiting for the bot (unless the bot is speaking then).
 * When the lines run out the operator says the goodbye line and hangs up
 * `operatorHangupDelayMs` later if the bot has not hung up first.
 */

const ANSWERS = new Set(['answer', 'busy', 'no_answer', 'reject']);
const MIN_HEARD_MS = 1000;

/** Validate and normalise an operator script; throws a plain Error on a bad script. */
function normalizeScript(script) {
  const s = script || {};
  if (typeof s !== 'object') throw new Error('operator script must be an object');
  const answer = s.answer || 'answer';
  if (!ANSWERS.has(answer)) throw new Error(`operator.answer must be one of ${[...ANSWERS].join('|')}, got ${answer}`);
  const lines = s.lines || [];
  if (!Array.isArray(lines)) throw new Error('operator.lines must be a list');
  lines.forEach((l, i) => {
    const kinds = ['say', 'silence_s', 'noise_ms', 'hangup'].filter((k) => l && l[k] !== undefined);
    if (kinds.length !== 1) throw new Error(`operator.lines[${i}] must have exactly one of say / silence_s / noise_ms / hangup`);
    const parts = Array.isArray(l.say) ? l.say : [l.say];
    if (l.say !== undefined && (!parts.length || !parts.every((p) => typeof p === 'string' && p))) {
      throw new Error(`operator.lines[${i}].say must be a string or a list of non-empty strings`);
    }
    if (l.pause_ms !== undefined && !(Number(l.pause_ms) >= 0)) throw new Error(`operator.lines[${i}].pause_ms must be >= 0`);
    if (l.silence_s !== undefined && !(Number(l.silence_s) >= 0)) throw new Error(`operator.lines[${i}].silence_s must be >= 0`);
    if (l.noise_ms !== undefined && !(Number(l.noise_ms) > 0)) throw new Error(`operator.lines[${i}].noise_ms must be > 0`);
  });
  if (s.greeting !== undefined && (typeof s.greeting !== 'string' || !s.greeting)) throw new Error('operator.greeting must be a non-empty string');
  if (s.answer_after_s !== undefined && !(Number(s.answer_after_s) >= 0)) {
    throw new Error('operator.answer_after_s must be a number >= 0');
  }
  return { ...s, answer, lines };
}

class Operator {
  constructor(session, call, script) {
    this.s = session;
    this.call = call;
    this.lines = script.lines;
    this.idx = 0;
    this.goodbyeSaid = false;
    this.busy = false;
    this.stopped = true;
    this.heardBot = false;
    this.skipWait = false;
    this.lastActionStart = 0;
    this.tasks = { react: null, patience: null, barge: null, hangup: null, greeting: null };
  }

  get cfg() { return this.s.cfg; }

  currentLine() {
    if (this.idx < this.lines.length) return this.lines[this.idx];
    if (!this.goodbyeSaid) return { say: this.cfg.operatorGoodbye, goodbye: true };
    return null;
  }

  start() {
    this.stopped = false;
    this.lastActionStart = this.s.now;
    const greeting = this.call.script.greeting;
    if (greeting) {
      this.busy = true;
      this.tasks.greeting = this.s.sched.after(this.cfg.operatorGreetingAfterMs, () => {
        this.tasks.greeting = null;
        if (this.stopped) return;
        const utt = this.call.operatorSays({ say: greeting, greeting: true });
        this.s.sched.at(utt.end, () => {
          this.busy = false;
          if (this.stopped) return;
          this.lastActionStart = utt.start;
          this.schedulePatience(this.cfg.operatorPatienceMs);
          this.consider();
        });
      });
      return;
    }
    this.schedulePatience(this.cfg.operatorFirstLinePatienceMs);
    this.consider();
  }

  stop() {
    this.stopped = true;
    for (const k of Object.keys(this.tasks)) this.clearTask(k);
  }

  clearTask(k) {
    if (this.tasks[k]) this.s.sched.cancel(this.tasks[k]);
    this.tasks[k] = null;
  }

  schedulePatience(ms) {
    this.clearTask('patience');
    this.tasks.patience = this.s.sched.after(ms, () => {
      this.tasks.patience = null;
      if (this.stopped || this.busy || this.call.botSpeaking()) return;
      this.s.event('operator', { action: 'patience', message: `bot silent for ${ms} ms: operator goes on` });
      this.act();
    });
  }

  /** Decide whether the current line can be spoken; schedules it if so. */
  consider() {
    if (this.stopped || this.busy) return;
    const line = this.currentLine();
    if (!line) return;
    const bot = this.call.botSpeaking();
    if (bot) {
      this.clearTask('react');
      if (line.barge_in && !this.tasks.barge) {
        this.tasks.barge = this.s.sched.at(Math.max(this.s.now, bot.start + this.cfg.operatorBargeInAfterMs), () => {
          this.tasks.barge = null;
          if (!this.stopped && !this.busy) this.act();
        });
      }
      return;
    }
    if ((this.heardBot || this.skipWait) && !this.tasks.react) {
      this.tasks.react = this.s.sched.after(this.cfg.operatorReactionMs, () => {
        this.tasks.react = null;
        if (this.call.botSpeaking()) { this.consider(); return; }
        this.act();
      });
    }
  }

  onBotStart() {
    if (this.stopped) return;
    this.consider();
  }

  onBotEnd(utt) {
    if (this.stopped) return;
    // A reply is what the bot said after the operator's last line; a fragment cut within
    // MIN_HEARD_MS (the bot flushing its own audio) is no reply to answer.
    const fragment = utt.entry && utt.entry.cut && this.s.now - utt.start < MIN_HEARD_MS;
    if (utt.start >= this.lastActionStart && !fragment) this.heardBot = true;
    this.consider();
  }

  act() {
    if (this.stopped || this.busy) return;
    for (const k of ['react', 'patience', 'barge']) this.clearTask(k);
    const line = this.currentLine();
    if (!line) return;
    this.lastActionStart = this.s.now;
    this.heardBot = false;
    this.skipWait = false;
    if (line.hangup) {
      this.s.event('operator', { action: 'hangup' });
      this.idx += 1;
      this.call.remoteHangup();
      return;
    }
    if (line.silence_s !== undefined || line.noise_ms !== undefined) {
      this.busy = true;
      const ms = line.noise_ms !== undefined ? Number(line.noise_ms) : Number(line.silence_s) * 1000;
      if (line.noise_ms !== undefined) this.call.operatorNoise(ms);
      else this.s.event('operator', { action: 'silence', seconds: Number(line.silence_s) });
      this.s.sched.after(ms, () => {
        this.busy = false;
        this.idx += 1;
        if (this.stopped) return;
        this.skipWait = true;
        this.schedulePatience(this.cfg.operatorPatienceMs);
        this.consider();
      });
      return;
    }
    this.busy = true;
    const utt = this.call.operatorSays(line);
    this.s.sched.at(utt.end, () => {
      this.busy = false;
      if (line.goodbye) this.goodbyeSaid = true; else this.idx += 1;
      if (this.stopped) return;
      if (line.goodbye) {
        this.tasks.hangup = this.s.sched.after(this.cfg.operatorHangupDelayMs, () => {
          this.tasks.hangup = null;
          if (this.stopped) return;
          this.s.event('operator', { action: 'hangup', message: 'lines ran out: goodbye said' });
          this.call.remoteHangup();
        });
        return;
      }
      this.schedulePatience(this.cfg.operatorPatienceMs);
      this.consider();
    });
  }
}

module.exports = { Operator, normalizeScript };
