'use strict';
/** Human-readable timeline of a report, for the CLI. */

function ts(ms) {
  const s = Math.floor(ms / 1000);
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}.${String(ms % 1000).padStart(3, '0')}`;
}

function line(e) {
  const rest = { ...e };
  delete rest.t_ms;
  delete rest.kind;
  switch (e.kind) {
    case 'dispatch': {
      const extra = ['code', 'reason', 'text', 'payload_type', 'url', 'error'].filter((k) => e[k] !== undefined).map((k) => `${k}=${JSON.stringify(e[k])}`);
      return `→ ${e.name} (${e.listeners} listener${e.listeners === 1 ? '' : 's'}) ${extra.join(' ')}`;
    }
    case 'log': return `  log: ${e.text}`;
    case 'operator': return `OPERATOR ${e.action}${e.text ? `: "${e.text}"` : ''}${e.message ? ` (${e.message})` : ''}${e.seconds !== undefined ? ` ${e.seconds}s` : ''}`;
    case 'bot': return `BOT ${e.action}${e.text ? `: "${e.text}"` : ''}${e.via ? ` via ${e.via}` : ''}`;
    case 'http': return `HTTP ${e.action} #${e.id}${e.method ? ` ${e.method} ${e.url}` : ''}${e.status !== undefined ? ` → ${e.status}` : ''}${e.error ? ` (${e.error})` : ''}`;
    case 'realtime_send': return `RT ⇐ ${e.type}`;
    case 'violation': return `!! VIOLATION ${e.violation}: ${e.message}`;
    case 'warning': return `!  warning ${e.warning}: ${e.message}`;
    default: return `${e.kind} ${JSON.stringify(rest)}`;
  }
}

function formatReport(r) {
  const out = [];
  out.push(`scenario ${r.scenarios && r.scenarios.length ? r.scenarios.map((p) => p.split('/').pop()).join(' + ') : '(inline)'}  session ${r.session_id}`);
  for (const e of r.events) out.push(`${ts(e.t_ms)}  ${line(e)}`);
  out.push('');
  out.push('transcript:');
  for (const t of r.transcript) {
    out.push(`  ${ts(t.t_ms)} ${t.who.padEnd(8)} ${t.text}${t.cut ? `  [cut at ${Math.round(t.spoken_fraction * 100)}% by ${t.cut_by}]` : ''}`);
  }
  out.push('');
  out.push(`duration ${(r.duration_ms / 1000).toFixed(1)} s virtual, ${r.wall_ms} ms wall; hangup_by=${r.hangup_by}; terminated=${r.terminated}; ` +
    `http=${r.http.length}; realtime client events=${r.realtime_client_events.length}; max callback ${r.max_callback_ms} ms`);
  if (r.warnings.length) out.push(`warnings: ${r.warnings.length}`);
  out.push(r.ok ? 'OK' : `FAILED: ${r.violations.length} violation(s)`);
  for (const v of r.violations) out.push(`  - [${ts(v.t_ms)}] ${v.kind}: ${v.message}`);
  return out.join('\n');
}

module.exports = { formatReport };
