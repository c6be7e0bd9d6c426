#!/usr/bin/env node
'use strict';
/**
 * node dev/emulator/cli.js (--rule NAME | --scenario FILE [--scenario FILE]...) --custom-data STRING
 *     --operator FILE [--config JSON|@file.json] [--secret NAME=VALUE]... [--report FILE] [--quiet]
 * --rule runs the rule's scenario list from voximplant/rules.json; repeated --scenario runs the
 * files in the order given, in one context (as VoxEngine runs the scenarios bound to one rule).
 * Prints a readable timeline and writes the JSON report. Exit 0 ok, 1 violations, 2 usage error.
 */
const fs = require('node:fs');
const { runScenario, loadOperator } = require('./emulator');
const { formatReport } = require('./lib/format');

const USAGE = 'usage: cli.js (--rule NAME | --scenario FILE [--scenario FILE]...) [--custom-data STRING] [--operator FILE] [--config JSON|@FILE] ' +
  '[--secret NAME=VALUE]... [--report FILE] [--quiet]';

function parseArgs(argv) {
  const a = { secrets: {}, customData: '', config: {}, scenarios: [] };
  for (let i = 0; i < argv.length; i += 1) {
    const k = argv[i];
    const v = () => {
      if (i + 1 >= argv.length) throw new Error(`${k} needs a value`);
      i += 1;
      return argv[i];
    };
    if (k === '--scenario') a.scenarios.push(v());
    else if (k === '--rule') a.rule = v();
    else if (k === '--custom-data') a.customData = v();
    else if (k === '--operator') a.operator = v();
    else if (k === '--config') {
      const raw = v();
      a.config = JSON.parse(raw.startsWith('@') ? fs.readFileSync(raw.slice(1), 'utf8') : raw);
    } else if (k === '--secret') {
      const kv = v();
      const j = kv.indexOf('=');
      if (j < 1) throw new Error('--secret takes NAME=VALUE');
      a.secrets[kv.slice(0, j)] = kv.slice(j + 1);
    } else if (k === '--report') a.report = v();
    else if (k === '--quiet') a.quiet = true;
    else if (k === '-h' || k === '--help') a.help = true;
    else throw new Error(`unknown argument ${k}`);
  }
  return a;
}

async function main() {
  let args;
  try {
    args = parseArgs(process.argv.slice(2));
    if (args.help) { console.log(USAGE); return 0; }
    if (!args.scenarios.length === !args.rule) throw new Error('give --rule or --scenario (not both)');
  } catch (e) {
    console.error(`${e.message}\n${USAGE}`);
    return 2;
  }
  let operator;
  try {
    operator = args.operator ? loadOperator(args.operator) : undefined;
  } catch (e) {
    console.error(`bad operator script: ${e.message}`);
    return 2;
  }
  let report;
  try {
    report = await runScenario({
      ...(args.rule ? { rule: args.rule } : { scenarioPaths: args.scenarios }),
      customData: args.customData, operator, secrets: args.secrets, config: args.config,
    });
  } catch (e) {
    console.error(e.message);
    return 2;
  }
  if (!args.quiet) console.log(formatReport(report));
  if (args.report) fs.writeFileSync(args.report, `${JSON.stringify(report, null, 2)}\n`);
  return report.ok ? 0 : 1;
}

main().then((code) => { process.exitCode = code; }, (e) => { console.error(e && e.stack ? e.stack : e); process.exitCode = 2; });
