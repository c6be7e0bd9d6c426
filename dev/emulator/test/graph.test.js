'use strict';
/** The emulator's modules import one way: no cycle (the shared Emitter lives in lib/emitter.js). */
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const LIB = path.join(__dirname, '..', 'lib');

function imports(file) {
  const text = fs.readFileSync(path.join(LIB, file), 'utf8');
  return [...text.matchAll(/require\('\.\/([\w-]+)'\)/g)].map((m) => `${m[1]}.js`);
}

test('lib/ has no import cycle', () => {
  const graph = Object.fromEntries(fs.readdirSync(LIB).filter((f) => f.endsWith('.js')).map((f) => [f, imports(f)]));
  const state = {};
  const visit = (f, trail) => {
    if (state[f] === 'done') return;
    assert.notEqual(state[f], 'open', `import cycle: ${[...trail, f].join(' → ')}`);
    state[f] = 'open';
    for (const g of graph[f] || []) visit(g, [...trail, f]);
    state[f] = 'done';
  };
  for (const f of Object.keys(graph)) visit(f, []);
  assert.deepEqual(graph['emitter.js'], ['util.js'], 'the emitter depends on util only');
  assert.ok(!graph['telephony.js'].includes('session.js') && !graph['realtime.js'].includes('session.js'));
});
