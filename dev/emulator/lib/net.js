'use strict';
/**
 * Net.httpRequestAsync: REAL HTTP(S) with node http/https, under VoxEngine's
 * limits. While any request is in flight the virtual clock is frozen; a
 * response is delivered at virtual time sent + httpLatencyMs (a timeout at
 * sent + timeout), so wall-clock latency never reorders simulated events.
 */
const http = require('node:http');
const https = require('node:https');
const { URL } = require('node:url');
const { isPlainObject } = require('./util');

const KNOWN_OPTIONS = new Set(['method', 'headers', 'postData', 'timeout', 'connectionTimeout', 'rawOutput', 'params', 'enableSystemLog']);
const DEFAULT_TIMEOUT_S = 90;
const DEFAULT_CONNECT_S = 6;

class Net {
  constructor(session) {
    this.s = session;
    this.active = 0;
    this.queue = [];
    this.seq = 0;
    this.faultHits = new Map();
    this.faultSeen = new Map();
    this.inflight = new Set();
  }

  /** The run is over: drop real requests still in flight (they would keep the process alive). */
  abortAll() {
    for (const f of this.inflight) if (f.abort) f.abort();
    this.inflight.clear();
  }

  outstanding() {
    return this.active + this.queue.length;
  }

  request(url, opts) {
    const s = this.s;
    const cfg = s.cfg;
    const o = opts === undefined ? {} : opts;
    if (typeof url !== 'string' || !/^https?:\/\//i.test(url)) {
      const msg = `Net.httpRequestAsync(url, ...): url must be an http(s) URL string, got ${JSON.stringify(url)}`;
      s.violation('bad_argument', msg);
      throw new s.ctx.TypeError(msg);
    }
    if (!isPlainObject(o)) {
      const msg = 'Net.httpRequestAsync(url, options): options must be an object';
      s.violation('bad_argument', msg);
      throw new s.ctx.TypeError(msg);
    }
    for (const k of Object.keys(o)) if (!KNOWN_OPTIONS.has(k)) s.warn('unknown_option', `Net.httpRequestAsync(): option "${k}" is not a documented option`);
    if (this.outstanding() >= cfg.maxPendingHttp) {
      const msg = `Net.httpRequestAsync: more than ${cfg.maxPendingHttp} HTTP requests pending (${cfg.maxActiveHttp} active + queued): VoxEngine throws`;
      s.violation('http_queue_overflow', msg);
      throw new s.ctx.Error(msg);
    }
    const method = String(o.method || 'GET').toUpperCase();
    const req = {
      id: ++this.seq,
      url,
      method,
      headers: normalizeHeaders(s, o.headers),
      body: o.postData === undefined ? null : String(o.postData),
      timeoutS: clampSeconds(s, 'timeout', o.timeout, DEFAULT_TIMEOUT_S),
      connectS: clampSeconds(s, 'connectionTimeout', o.connectionTimeout, DEFAULT_CONNECT_S),
      queuedAt: s.now,
      afterTerminating: s.state === 'terminating',
    };
    if (req.body !== null && (method === 'GET' || method === 'HEAD')) s.warn('http_get_body', `${method} ${url} with postData`);
    if (s.state === 'terminating' || s.state === 'finished') {
      s.httpAfterTerminating = (s.httpAfterTerminating || 0) + 1;
      if (s.httpAfterTerminating > cfg.httpRequestsAfterTerminating) {
        s.violation('http_after_terminating', `HTTP request #${s.httpAfterTerminating} after AppEvents.Terminating ` +
          `(${method} ${url}): VoxEngine allows exactly ${cfg.httpRequestsAfterTerminating}`);
        return s.deferred((resolve) => {
          s.sched.after(0, () => s.enter('httpRequestAsync result', () => resolve(s.toCtx({
            code: 0, text: '', headers: [], error: 'VoxEngine limits violated: request after AppEvents.Terminating',
          }))), { afterTerminate: true });
        });
      }
    }
    s.event('http', { action: 'request', id: req.id, method, url, queued: this.active >= cfg.maxActiveHttp });
    return s.deferred((resolve) => {
      req.resolve = resolve;
      if (this.active < cfg.maxActiveHttp) this.start(req);
      else {
        this.queue.push(req);
        s.event('http', { action: 'queued', id: req.id, position: this.queue.length });
      }
    });
  }

  start(req) {
    const s = this.s;
    this.active += 1;
    req.sentAt = s.now;
    const fault = this.matchFault(req.url);
    if (fault) {
      const code = Number(fault.code);
      const at = s.now + (code === -7 ? req.timeoutS * 1000 : s.cfg.httpLatencyMs);
      s.event('fault', { fault: 'net', id: req.id, url: req.url, code });
      const result = code < 0 || code === 0
        ? { code, text: '', headers: [], error: fault.error || errorText(code) }
        : { code, text: fault.text || '', headers: [] };
      s.sched.at(at, () => this.deliver(req, result, 0, true), { afterTerminate: true });
      return;
    }
    s.sched.beginReal();
    const t0 = Date.now();
    const inflight = {};
    this.inflight.add(inflight);
    realRequest(req, s.cfg.httpMaxResponseBytes, inflight).then((result) => {
      this.inflight.delete(inflight);
      const realMs = Date.now() - t0;
      // httpRealLatency: the request's real duration also passes in virtual time, so a local
      // run's latency marks include the real backend's time (off by default: deterministic).
      const real = s.cfg.httpRealLatency ? realMs : 0;
      const at = result.code === -7 ? req.sentAt + req.timeoutS * 1000 : req.sentAt + s.cfg.httpLatencyMs + real;
      s.sched.endReal(at, () => this.deliver(req, result, realMs, false), { afterTerminate: true });
    });
  }

  matchFault(url) {
    const list = this.s.cfg.faults.net || [];
    for (let i = 0; i < list.length; i += 1) {
      const f = list[i];
      if (!f || !f.urlContains || !url.includes(f.urlContains)) continue;
      // `after: N` lets the first N matching requests through (e.g. fail the reply of turn N+1).
      const seen = (this.faultSeen.get(i) || 0) + 1;
      this.faultSeen.set(i, seen);
      if (seen <= Number(f.after || 0)) continue;
      const used = this.faultHits.get(i) || 0;
      const times = f.times === undefined ? Infinity : Number(f.times);
      if (used >= times) continue;
      this.faultHits.set(i, used + 1);
      return f;
    }
    return null;
  }

  deliver(req, result, realMs, fault) {
    const s = this.s;
    this.active -= 1;
    const entry = {
      id: req.id, method: req.method, url: req.url, status: result.code,
      sent_at_ms: req.sentAt, done_at_ms: s.now, virtual_ms: s.now - req.sentAt, queued_ms: req.sentAt - req.queuedAt,
      real_ms: realMs, request_body: req.body, response_text: truncate(result.text, 2000),
    };
    if (result.error) entry.error = result.error;
    if (fault) entry.fault = true;
    if (req.afterTerminating) entry.after_terminating = true;
    s.httpLog.push(entry);
    s.event('http', { action: 'response', id: req.id, status: result.code, ...(result.error ? { error: result.error } : {}) });
    if (s.state !== 'finished') s.enter('httpRequestAsync result', () => req.resolve(s.toCtx(result)));
    while (this.active < s.cfg.maxActiveHttp && this.queue.length) this.start(this.queue.shift());
  }
}

function errorText(code) {
  return { '-7': 'timeout', '-4': 'connection error', '-3': 'host not found', 0: 'VoxEngine limits violated' }[code] || 'transport error';
}

function truncate(t, n) {
  if (typeof t !== 'string') return t;
  return t.length > n ? `${t.slice(0, n)}…` : t;
}

function clampSeconds(s, name, v, dflt) {
  if (v === undefined || v === null) return dflt;
  const n = Number(v);
  if (!(n > 0)) {
    s.warn('http_option', `Net.httpRequestAsync(): ${name}=${v} is not a positive number of seconds; default ${dflt} s used`);
    return dflt;
  }
  if (n > dflt) {
    s.warn('http_option', `Net.httpRequestAsync(): ${name}=${n} s can only lower the default (${dflt} s)`);
    return dflt;
  }
  return n;
}

function normalizeHeaders(s, h) {
  if (h === undefined || h === null) return {};
  if (Array.isArray(h)) {
    const out = {};
    for (const line of h) {
      const i = String(line).indexOf(':');
      if (i > 0) out[String(line).slice(0, i).trim()] = String(line).slice(i + 1).trim();
    }
    return out;
  }
  if (isPlainObject(h)) {
    const out = {};
    for (const [k, v] of Object.entries(h)) out[k] = String(v);
    return out;
  }
  s.warn('http_option', 'Net.httpRequestAsync(): headers must be an object {Name: value}');
  return {};
}

/** Perform the request; always resolves to {code, text, headers, error?}. */
function realRequest(req, maxBytes, handle) {
  return new Promise((resolve) => {
    handle.abort = () => {
      done({ code: -4, text: '', headers: [], error: 'aborted: the emulated session ended' });
      if (r) r.destroy();
    };
    let settled = false;
    const done = (r) => {
      if (settled) return;
      settled = true;
      clearTimeout(total);
      clearTimeout(connect);
      resolve(r);
    };
    let u;
    try { u = new URL(req.url); } catch (e) { done({ code: -3, text: '', headers: [], error: 'host not found' }); return; }
    const mod = u.protocol === 'https:' ? https : http;
    const headers = { ...req.headers };
    if (req.body !== null && !Object.keys(headers).some((k) => k.toLowerCase() === 'content-length')) {
      headers['Content-Length'] = Buffer.byteLength(req.body);
    }
    let r;
    const total = setTimeout(() => { done({ code: -7, text: '', headers: [], error: 'timeout' }); if (r) r.destroy(); }, req.timeoutS * 1000);
    const connect = setTimeout(() => { done({ code: -7, text: '', headers: [], error: 'connection timeout' }); if (r) r.destroy(); }, req.connectS * 1000);
    try {
      r = mod.request(u, { method: req.method, headers, agent: false }, (res) => {
        const chunks = [];
        let size = 0;
        res.on('data', (c) => {
          size += c.length;
          if (size > maxBytes) {
            done({ code: 0, text: '', headers: [], error: 'response larger than 2 MB (VoxEngine limit)' });
            r.destroy();
            return;
          }
          chunks.push(c);
        });
        res.on('end', () => {
          const hs = [];
          for (let i = 0; i < res.rawHeaders.length; i += 2) hs.push({ key: res.rawHeaders[i], value: res.rawHeaders[i + 1] });
          done({ code: res.statusCode, text: Buffer.concat(chunks).toString('utf8'), headers: hs });
        });
        res.on('error', () => done({ code: -4, text: '', headers: [], error: 'connection error' }));
      });
    } catch (e) {
      done({ code: -4, text: '', headers: [], error: `connection error: ${e.message}` });
      return;
    }
    r.on('socket', (sock) => {
      const clear = () => clearTimeout(connect);
      if (sock.connecting === false) clear(); else sock.once('connect', clear);
    });
    r.on('error', (e) => {
      const code = ['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME'].includes(e.code) ? -3 : -4;
      done({ code, text: '', headers: [], error: code === -3 ? 'host not found' : `connection error (${e.code || e.message})` });
    });
    if (req.body !== null) r.write(req.body);
    r.end();
  });
}

module.exports = { Net };
