'use strict';
/**
 * Helpers shared by the emulator: strict proxies that make any undocumented
 * VoxEngine name throw, facades for platform objects (Call, ASR, Player, ...),
 * ids and deep copies.
 */

// Property names that generic JavaScript machinery probes on any object. They
// must read as `undefined` instead of throwing, or `await obj`, JSON.stringify
// and string conversion would break on perfectly valid scenario code.
const PROBES = new Set(['then', 'toJSON', 'inspect', 'nodeType', 'asymmetricMatch', '$$typeof', 'constructor']);

/**
 * Wrap `target` so that reading a property it does not have throws
 * `TypeError: <label>.<key> does not exist in <label>`.
 * @param {string} label  name shown in the error, e.g. "VoxEngine" or "Call"
 * @param {object} target
 * @param {object} opts   {session, readOnly}
 */
function strict(label, target, opts = {}) {
  const { session, readOnly = true } = opts;
  return new Proxy(target, {
    get(t, key, receiver) {
      if (typeof key === 'symbol' || key in t) return Reflect.get(t, key, receiver);
      if (PROBES.has(key)) return undefined;
      const msg = `${label}.${key} is not a function/does not exist in ${label} ` +
        '(not part of the documented VoxEngine API this emulator implements)';
      if (session) session.violation('unknown_api', msg);
      throw session ? new session.ctx.TypeError(msg) : new TypeError(msg);
    },
    set(t, key, value, receiver) {
      if (readOnly) {
        const msg = `${label}.${String(key)} is read-only in the emulated VoxEngine API`;
        if (session) session.violation('unknown_api', msg);
        throw session ? new session.ctx.TypeError(msg) : new TypeError(msg);
      }
      return Reflect.set(t, key, value, receiver);
    },
    defineProperty(t, key, desc) {
      if (readOnly) return false;
      return Reflect.defineProperty(t, key, desc);
    },
    deleteProperty(t, key) {
      if (readOnly) return false;
      return Reflect.deleteProperty(t, key);
    },
  });
}

/**
 * Build a strict namespace of constants, e.g. CallEvents. Nested plain objects
 * become nested strict namespaces (VoiceList.Yandex.Neural.ru_RU_alena).
 */
function namespace(label, obj, session) {
  const target = {};
  for (const [k, v] of Object.entries(obj)) {
    target[k] = v && typeof v === 'object' && !Array.isArray(v) && !v.__raw
      ? namespace(`${label}.${k}`, v, session)
      : (v && v.__raw ? v.value : v);
  }
  return strict(label, Object.freeze(target), { session });
}

/**
 * A facade is what the scenario sees for a platform object: methods only, no
 * own enumerable data (JSON.stringify(call) gives "{}" as on the platform),
 * unknown members throw. Expando properties set by the scenario are allowed.
 */
function facade(label, methods, session) {
  const proto = Object.create(session.ctx.Object.prototype);
  for (const [name, fn] of Object.entries(methods)) {
    Object.defineProperty(proto, name, { value: fn, enumerable: false, writable: false });
  }
  return strict(label, Object.create(proto), { session, readOnly: false });
}

let idCounter = 0;
function makeId(prefix) {
  idCounter += 1;
  const rnd = Math.random().toString(16).slice(2, 10);
  return `${prefix}${idCounter.toString(16)}${rnd}`;
}

/** JSON round trip, returning undefined for values JSON cannot carry. */
function clone(v) {
  if (v === undefined) return undefined;
  try { return JSON.parse(JSON.stringify(v)); } catch (e) { return String(v); }
}

function isPlainObject(v) {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function safeJson(v) {
  try {
    const out = JSON.stringify(v);
    return out === undefined ? String(v) : out;
  } catch (e) {
    return String(v);
  }
}

module.exports = { safeJson, strict, namespace, facade, makeId, clone, isPlainObject };
