'use strict';
/** Static checks of the three scenario files (house style, platform limits, shared sections). */
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { SCENARIOS } = require('../test-support/run');

const src = Object.fromEntries(Object.entries(SCENARIOS).map(([k, p]) => [k, fs.readFileSync(p, 'utf8')]));
const RULES = { dialog: 'voice_dialog', realtime: 'voice_realtime', realtime_pure: 'voice_realtime_pure' };

function section(text, start, end) {
  const a = text.indexOf(start);
  const b = text.indexOf(end, a + 1);
  assert.ok(a >= 0 && b > a, `${start} … ${end}`);
  return text.slice(a, b + end.length);
}

test('the shared skeleton is identical in the three scenarios', () => {
  const s = Object.values(src).map((t) => section(t, '// ==== shared skeleton', '// ==== end of shared skeleton'));
  assert.equal(s[1], s[0]);
  assert.equal(s[2], s[0]);
});

test('the shared realtime section is identical in the two realtime scenarios', () => {
  const a = section(src.realtime, '// ==== shared realtime section', '// ==== end of shared realtime section');
  const b = section(src.realtime_pure, '// ==== shared realtime section', '// ==== end of shared realtime section');
  assert.equal(a, b);
});

for (const [engine, text] of Object.entries(src)) {
  test(`${engine}: docblock (rule, custom data), require(Modules.X), ENGINE constant`, () => {
    assert.ok(text.startsWith('/**'));
    const doc = text.slice(0, text.indexOf('*/'));
    assert.match(doc, new RegExp(`rule \`${RULES[engine]}\``));
    assert.match(doc, /Custom data/);
    assert.match(doc, /"id".*"api".*"tok"/);
    const body = text.slice(text.indexOf('*/') + 2).trimStart();
    assert.match(body, /^require\(Modules\.(ASR|OpenAI)\);/);
    assert.match(text, new RegExp(`const ENGINE = '${engine}';`));
  });

  test(`${engine}: no secrets, SpiderMonkey 81 syntax, one guarded HTTP call site, size limits`, () => {
    assert.doesNotMatch(text, /sk-[A-Za-z0-9]|ek_[A-Za-z0-9]|Bearer [A-Za-z0-9]/, 'no key or token literal');
    assert.doesNotMatch(text, /(^|[^\w$.])#[A-Za-z_]\w*/m, 'no private class fields');
    assert.doesNotMatch(text, /^await /m, 'no top-level await');
    assert.doesNotMatch(text, /require\((?!Modules\.)/, 'only platform modules');
    assert.doesNotMatch(text, /\b(process|Buffer|__dirname|module\.exports)\b/, 'no Node APIs');
    const calls = text.match(/Net\.httpRequestAsync\(/g) || [];
    assert.equal(calls.length, 1, 'one call site: request(), which catches and sets a timeout');
    const req = section(text, 'async function request(', '\n}\n');
    assert.match(req, /try \{[\s\S]*Net\.httpRequestAsync[\s\S]*\} catch/);
    assert.match(req, /timeout: timeoutS/);
    assert.ok(text.length < 128 * 1024, 'AddScenario accepts < 128 KB');
  });
}
