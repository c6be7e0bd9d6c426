'use strict';
/** A tiny loopback HTTP backend for tests: records requests, answers from a handler. */
const http = require('node:http');

async function startBackend(handler) {
  const requests = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const entry = { method: req.method, url: req.url, body, headers: req.headers };
      requests.push(entry);
      const out = (await handler(entry, requests.length)) || { status: 200, json: {} };
      if (out.delayMs) await new Promise((r) => setTimeout(r, out.delayMs));
      const text = out.json !== undefined ? JSON.stringify(out.json) : (out.text || '');
      res.writeHead(out.status || 200, { 'Content-Type': out.json !== undefined ? 'application/json' : 'text/plain' });
      res.end(text);
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }),
  };
}

module.exports = { startBackend };
