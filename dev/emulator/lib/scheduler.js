'use strict';
/**
 * Virtual clock. Tasks run in (virtual time, insertion order). Virtual time
 * only moves forward when the next task is later than "now" AND no real
 * operation (an HTTP request in flight) is pending: while a request is in
 * flight the clock is frozen, so a 5-minute call runs in milliseconds of wall
 * time and real HTTP latency never changes the order of simulated events.
 */
class Scheduler {
  constructor() {
    this.now = 0;
    this.heap = [];
    this.seq = 0;
    this.realPending = 0;
    this._wake = null;
  }

  /** Schedule fn at absolute virtual time t (never in the past). */
  at(t, fn, opts = {}) {
    const task = { at: Math.max(this.now, Math.round(t)), seq: this.seq++, fn, cancelled: false, ...opts };
    this._push(task);
    return task;
  }

  after(ms, fn, opts) {
    return this.at(this.now + Math.max(0, ms || 0), fn, opts);
  }

  cancel(task) {
    if (task) task.cancelled = true;
  }

  /** A real (wall-clock) operation starts: the virtual clock freezes until it ends. */
  beginReal() {
    this.realPending += 1;
  }

  /** The real operation ended; its continuation runs at virtual time t. */
  endReal(t, fn, opts) {
    this.realPending -= 1;
    const task = this.at(t, fn, opts);
    this.wake();
    return task;
  }

  wake() {
    if (this._wake) {
      const w = this._wake;
      this._wake = null;
      w();
    }
  }

  /** Resolves when a real operation ends (or wake() is called), or after ms of wall time. */
  waitReal(ms) {
    return new Promise((resolve) => {
      const timer = setTimeout(() => { this._wake = null; resolve(); }, ms);
      this._wake = () => { clearTimeout(timer); resolve(); };
    });
  }

  /** Next live task without removing it. */
  peek() {
    while (this.heap.length && this.heap[0].cancelled) this._pop();
    return this.heap[0] || null;
  }

  /** Remove and return the next live task (does not move the clock). */
  take() {
    const t = this.peek();
    if (t) this._pop();
    return t;
  }

  _less(a, b) {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  _push(task) {
    const h = this.heap;
    h.push(task);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this._less(h[i], h[p])) break;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
  }

  _pop() {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this._less(h[l], h[m])) m = l;
        if (r < h.length && this._less(h[r], h[m])) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return top;
  }
}

module.exports = { Scheduler };
