'use strict';
/**
 * The listener registry of one platform object (VoxEngine, Call, ASR, Player, Realtime client).
 * Its own module so the graph stays one-way: session, telephony and realtime all use it, and it
 * uses only util.
 */
const { safeJson } = require('./util');

/** Listener registry of one platform object. Names are validated against its enum. */
class Emitter {
  constructor(session, label, enumObj) {
    this.session = session;
    this.label = label;
    this.valid = new Set(Object.values(enumObj));
    this.map = new Map();
  }

  check(ev, fn, method) {
    const s = this.session;
    if (!this.valid.has(ev)) {
      const msg = `${this.label}.${method}(${safeJson(ev)}): not an event of ${this.label} ` +
        `(expected one of ${[...this.valid].join(', ')})`;
      s.violation('unknown_event', msg);
      throw new s.ctx.TypeError(msg);
    }
    if (method === 'addEventListener' && typeof fn !== 'function') {
      const msg = `${this.label}.addEventListener(${ev}): the handler must be a function`;
      s.violation('bad_argument', msg);
      throw new s.ctx.TypeError(msg);
    }
  }

  add(ev, fn) {
    this.check(ev, fn, 'addEventListener');
    if (!this.map.has(ev)) this.map.set(ev, []);
    this.map.get(ev).push(fn);
  }

  remove(ev, fn) {
    this.check(ev, fn, 'removeEventListener');
    if (!this.map.has(ev)) return;
    if (fn === undefined) this.map.delete(ev);
    else this.map.set(ev, this.map.get(ev).filter((f) => f !== fn));
  }

  listenersOf(ev) {
    return [...(this.map.get(ev) || [])];
  }

  /** Schedule a dispatch `delay` virtual ms from now. payload may be a function evaluated at dispatch. */
  emitAfter(delay, name, payload, opts) {
    const s = this.session;
    return s.sched.after(delay, () => {
      const p = typeof payload === 'function' ? payload() : payload;
      if (p === null) return;
      s.fire(this, name, p);
    }, opts);
  }
}

module.exports = { Emitter };
