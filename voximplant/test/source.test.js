'use strict';
/**
 * Static checks of the scenario files and their composition per rule (voximplant/rules.json):
 * house style, platform limits, one space per rule (no name declared twice), hooks, no copies.
 */
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { loadRules } = require('../../dev/emulator/emulator');
const { bundleOf } = require('../test-support/run');

const DIR = path.join(__dirname, '..');
const rules = loadRules();
const src = Object.fromEntries(Object.entries(rules.scenarios).map(([name, file]) => [name, fs.readFileSync(path.join(DIR, file), 'utf8')]));
const ENGINE_FILES = Object.values(rules.rules).map((r) => r.scenarios[r.scenarios.length - 1]);
const LIBS = Object.keys(src).filter((n) => !ENGINE_FILES.includes(n));

/** Names declared at top level (function, let, const, class): what the rule's shared space holds. */
function topLevelNames(text) {
  const out = [];
  const re = /^(?:async\s+)?(?:function\s*\*?\s*([A-Za-z_$][\w$]*)|(?:let|const|var|class)\s+([A-Za-z_$][\w$]*))/gm;
  let m;
  while ((m = re.exec(text)) !== null) out.push(m[1] || m[2]);
  return out;
}

function docblock(text) {
  assert.ok(text.startsWith('/**'), 'starts with a docblock');
  return text.slice(0, text.indexOf('*/'));
}

for (const [ruleName, rule] of Object.entries(rules.rules)) {
  test(`${ruleName}: one space, no name declared twice (a later function would silently replace an earlier one)`, () => {
    const seen = {};
    for (const name of rule.scenarios) {
      for (const n of topLevelNames(src[name])) {
        assert.ok(!seen[n], `${n} is declared in ${seen[n]} and ${name}`);
        seen[n] = name;
      }
    }
  });

  test(`${ruleName}: shared files first, the engine registers its hooks once, one guarded HTTP call site`, () => {
    assert.equal(rule.scenarios[0], 'lib_call');
    const all = rule.scenarios.map((n) => src[n]).join('\n');
    const registrations = all.match(/^define(Call|Realtime)Engine\(\{/gm) || [];
    assert.equal(registrations.length, 1, 'exactly one top-level defineCallEngine/defineRealtimeEngine({...})');
    assert.equal((all.match(/Net\.httpRequestAsync\(/g) || []).length, 1, 'one call site: request(), which catches and sets a timeout');
    assert.ok(Buffer.byteLength(fs.readFileSync(bundleOf(ruleName), 'utf8')) < 128 * 1024, 'the bundle fits AddScenario (< 128 KB)');
  });
}

for (const [name, text] of Object.entries(src)) {
  test(`${name}: docblock, platform modules only, no secrets, SpiderMonkey syntax, size`, () => {
    const doc = docblock(text);
    const boundOn = Object.entries(rules.rules).filter(([, r]) => r.scenarios.includes(name)).map(([r]) => r);
    for (const r of boundOn) assert.match(doc, new RegExp(`\`${r}\``), `the docblock names the rule ${r}`);
    assert.match(doc, /Custom data|custom data|lib_call/);
    assert.doesNotMatch(text, /sk-[A-Za-z0-9]|ek_[A-Za-z0-9]|Bearer [A-Za-z0-9]/, 'no key or token literal');
    assert.doesNotMatch(text, /(^|[^\w$.])#[A-Za-z_]\w*/m, 'no private class fields');
    assert.doesNotMatch(text, /^await /m, 'no top-level await');
    assert.doesNotMatch(text, /require\((?!Modules\.)/, 'only platform modules');
    assert.doesNotMatch(text, /\b(process|Buffer|__dirname|module\.exports)\b/, 'no Node APIs');
    if (/\bASREvents\b/.test(text)) assert.match(text, /^require\(Modules\.ASR\);$/m);
    if (/\bOpenAI\.createRealtimeAPIClient\b/.test(text)) assert.match(text, /^require\(Modules\.OpenAI\);$/m);
    assert.ok(text.length < 128 * 1024, 'AddScenario accepts < 128 KB');
  });
}

for (const name of ENGINE_FILES) {
  test(`${name}: holds only its engine (under 350 lines, no copied skeleton)`, () => {
    const lines = src[name].split('\n').length;
    assert.ok(lines <= 350, `${lines} lines`);
    assert.doesNotMatch(src[name], /function (finish|postEvent|request|connectRealtime|sendResponse)\(/);
  });
}

test('the shared files list their hooks in the docblock, and lib_call has the only request()', () => {
  const callHooks = src.lib_call.match(/const CALL_HOOKS = \[([^\]]+)\]/)[1].match(/'(\w+)'/g).map((q) => q.slice(1, -1));
  const rtHooks = src.lib_realtime.match(/const RT_HOOKS = \[([^\]]+)\]/)[1].match(/'(\w+)'/g).map((q) => q.slice(1, -1));
  for (const h of ['name', ...callHooks]) assert.match(docblock(src.lib_call), new RegExp(`^ \\*   ${h}\\b`, 'm'), `lib_call hook ${h}`);
  for (const h of ['name', ...rtHooks]) assert.match(docblock(src.lib_realtime), new RegExp(`^ \\*   ${h}\\b`, 'm'), `lib_realtime hook ${h}`);
  const req = src.lib_call.slice(src.lib_call.indexOf('async function request('));
  assert.match(req.slice(0, req.indexOf('\n}\n')), /try \{[\s\S]*Net\.httpRequestAsync[\s\S]*\} catch[\s\S]*/);
  assert.ok(LIBS.includes('lib_call') && LIBS.includes('lib_realtime'));
});

test('no block of 5 or more identical lines appears in two scenario files (shared code is bound, not copied)', () => {
  const norm = (t) => t.split('\n').map((l) => l.trim()).filter((l) => l.length > 12 && !/^(\/\/|\*|\/\*\*)/.test(l));
  const names = Object.keys(src);
  for (let i = 0; i < names.length; i += 1) {
    const a = norm(src[names[i]]);
    const grams = new Set(a.slice(0, -4).map((_, k) => a.slice(k, k + 5).join('\n')));
    for (let j = i + 1; j < names.length; j += 1) {
      const b = norm(src[names[j]]);
      for (let k = 0; k + 5 <= b.length; k += 1) {
        const g = b.slice(k, k + 5).join('\n');
        assert.ok(!grams.has(g), `${names[i]} and ${names[j]} share:\n${g}`);
      }
    }
  }
});
