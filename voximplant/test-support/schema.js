'use strict';
/**
 * A small JSON Schema checker for the generated contract (contract.js): the subset pydantic
 * emits — $ref/$defs, anyOf, oneOf with a discriminator, const, enum, type, required,
 * properties, additionalProperties, items, min/max, minLength/maxLength, minItems/maxItems.
 *
 *   problems(schema, value, {allowAbsent}) → ["limits.greeting_wait_s: required", …] ([] = valid)
 *
 * `allowAbsent` lists dotted paths that may be missing even when required (a stub serving the
 * older contract-1 session shape, which the scenarios still accept).
 */

function typeOk(type, value) {
  switch (type) {
    case 'null': return value === null;
    case 'boolean': return typeof value === 'boolean';
    case 'integer': return Number.isInteger(value);
    case 'number': return typeof value === 'number' && Number.isFinite(value);
    case 'string': return typeof value === 'string';
    case 'array': return Array.isArray(value);
    case 'object': return value !== null && typeof value === 'object' && !Array.isArray(value);
    default: return true;
  }
}

function resolve(root, ref) {
  const name = ref.replace(/^#\/\$defs\//, '');
  const found = (root.$defs || {})[name];
  if (!found) throw new Error(`schema has no $defs/${name}`);
  return found;
}

function check(root, schema, value, path, out, allowAbsent) {
  const at = path || '(root)';
  if (schema.$ref) return check(root, resolve(root, schema.$ref), value, path, out, allowAbsent);
  if (schema.anyOf) {
    const fits = schema.anyOf.some((s) => {
      const sub = [];
      check(root, s, value, path, sub, allowAbsent);
      return sub.length === 0;
    });
    if (!fits) out.push(`${at}: matches none of the allowed shapes`);
    return;
  }
  if (schema.oneOf) {
    const d = schema.discriminator;
    if (d && value && typeof value === 'object') {
      const target = d.mapping[value[d.propertyName]];
      if (!target) {
        out.push(`${at}.${d.propertyName}: must be one of ${Object.keys(d.mapping).join(', ')}`);
        return;
      }
      return check(root, resolve(root, target), value, path, out, allowAbsent);
    }
    const fits = schema.oneOf.filter((s) => {
      const sub = [];
      check(root, s, value, path, sub, allowAbsent);
      return sub.length === 0;
    });
    if (fits.length !== 1) out.push(`${at}: must match exactly one allowed shape`);
    return;
  }
  if ('const' in schema && value !== schema.const) out.push(`${at}: must be ${JSON.stringify(schema.const)}`);
  if (schema.enum && !schema.enum.includes(value)) out.push(`${at}: must be one of ${schema.enum.join(', ')}`);
  if (schema.type && !typeOk(schema.type, value)) {
    out.push(`${at}: must be ${schema.type}`);
    return;
  }
  if (typeof value === 'number') {
    if ('minimum' in schema && value < schema.minimum) out.push(`${at}: below ${schema.minimum}`);
    if ('maximum' in schema && value > schema.maximum) out.push(`${at}: above ${schema.maximum}`);
  }
  if (typeof value === 'string') {
    const length = [...value].length; // code points, as Python counts
    if ('minLength' in schema && length < schema.minLength) out.push(`${at}: shorter than ${schema.minLength}`);
    if ('maxLength' in schema && length > schema.maxLength) out.push(`${at}: longer than ${schema.maxLength}`);
  }
  if (Array.isArray(value)) {
    if ('minItems' in schema && value.length < schema.minItems) out.push(`${at}: fewer than ${schema.minItems} items`);
    if ('maxItems' in schema && value.length > schema.maxItems) out.push(`${at}: more than ${schema.maxItems} items`);
    if (schema.items) value.forEach((v, i) => check(root, schema.items, v, `${path}[${i}]`, out, allowAbsent));
  }
  if (typeOk('object', value) && (schema.properties || schema.required || 'additionalProperties' in schema)) {
    const props = schema.properties || {};
    for (const name of schema.required || []) {
      const dotted = path ? `${path}.${name}` : name;
      if (!(name in value) && !allowAbsent.includes(dotted)) out.push(`${dotted}: required`);
    }
    for (const [name, v] of Object.entries(value)) {
      const dotted = path ? `${path}.${name}` : name;
      if (props[name]) check(root, props[name], v, dotted, out, allowAbsent);
      else if (schema.additionalProperties === false) out.push(`${dotted}: not a field of the contract`);
    }
  }
}

function problems(schema, value, opts = {}) {
  const out = [];
  check(schema, schema, value, '', out, opts.allowAbsent || []);
  return out;
}

module.exports = { problems };
