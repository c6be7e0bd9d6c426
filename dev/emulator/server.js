#!/usr/bin/env node
'use strict';
/**
 * HTTP mode for the Python fake Voximplant Management API (loopback only).
 *
 *   node dev/emulator/server.js --port N [--host 127.0.0.1]
 *   POST /run {rule | scenarioPaths | scenarioPath, customData, operator, secrets, config}
 *                              → 201 {session_id, access_url}
 *   GET  /runs/{session_id}    → the report so far, status "running" | "finished"
 *   GET  /runs                 → [{session_id, status, ok}]
 *   ANY  /sessions/{session_id}/... → AppEvents.HttpRequest in that session
 *        (this is the session's accessURL; the handler's string return value is the body)
 *   GET  /health               → {ok: true}
 */
const http = require('node:http');
const { createSession } = require('./emulator');

function parseArgs(argv) {
  const a = { port: 0, host: '127.0.0.1' };
  for (let i = 0; i < argv.length; i += 1) {
    if (argv[i] === '--port') a.port = Number(argv[++i]);
    else if (argv[i] === '--host') a.host = argv[++i];
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  return a;
}

function createServer() {
  const runs = new Map();
  let base = '';
  const send = (res, status, obj) => {
    const body = JSON.stringify(obj);
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  };
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url, 'http://x');
      try {
        if (req.method === 'GET' && url.pathname === '/health') return send(res, 200, { ok: true });
        if (req.method === 'POST' && url.pathname === '/run') {
          let body;
          try { body = JSON.parse(raw || '{}'); } catch (e) { return send(res, 400, { error: 'body must be JSON' }); }
          let session;
          try {
            session = createSession({ ...body, config: { ...(body.config || {}) } });
          } catch (e) {
            return send(res, 400, { error: e.message });
          }
          session.accessBase = `${base}/sessions/${session.sessionId}`;
          const entry = { session, report: null, error: null };
          runs.set(session.sessionId, entry);
          // A finished run keeps its report only: its session (the scenario's VM context, its
          // timers and logs) is released, so a long test run does not hold every call ever made.
          session.run().then(
            (r) => { entry.report = r; entry.session = null; },
            (e) => { entry.error = String(e && e.stack ? e.stack : e); entry.session = null; },
          );
          return send(res, 201, { session_id: session.sessionId, access_url: session.accessBase });
        }
        if (req.method === 'GET' && url.pathname === '/runs') {
          return send(res, 200, [...runs.entries()].map(([id, e]) => ({
            session_id: id, status: e.report ? 'finished' : 'running', ok: e.report ? e.report.ok : null,
          })));
        }
        let m = url.pathname.match(/^\/runs\/([^/]+)$/);
        if (req.method === 'GET' && m) {
          const e = runs.get(m[1]);
          if (!e) return send(res, 404, { error: 'no such session' });
          if (e.error) return send(res, 500, { status: 'error', error: e.error });
          return send(res, 200, e.report || e.session.report());
        }
        m = url.pathname.match(/^\/sessions\/([^/]+)(\/.*)?$/);
        if (m) {
          const e = runs.get(m[1]);
          if (!e) return send(res, 404, { error: 'no such session' });
          if (!e.session) {  // finished: what the session itself answers once it has ended
            res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
            return res.end('session is not running');
          }
          const headers = {};
          for (const [k, v] of Object.entries(req.headers)) headers[k] = String(v);
          const out = await e.session.httpRequest({ method: req.method, path: (m[2] || '/') + url.search, content: raw, headers });
          res.writeHead(out.status, { 'Content-Type': 'text/plain; charset=utf-8' });
          return res.end(out.body);
        }
        return send(res, 404, { error: 'not found' });
      } catch (e) {
        return send(res, 500, { error: String(e && e.stack ? e.stack : e) });
      }
    });
  });
  server.on('listening', () => {
    const a = server.address();
    base = `http://${a.address.includes(':') ? `[${a.address}]` : a.address}:${a.port}`;
  });
  return { server, runs };
}

if (require.main === module) {
  const args = parseArgs(process.argv.slice(2));
  const { server } = createServer();
  server.listen(args.port, args.host, () => {
    const a = server.address();
    console.log(JSON.stringify({ listening: `http://${a.address}:${a.port}` }));
  });
  // Die with the process that started it (the local stack): a stack killed with SIGKILL, or a
  // killed pytest, must not leave the emulator running. process.ppid is read live.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) process.exit(0);
  }, 1000).unref();
}

module.exports = { createServer };
