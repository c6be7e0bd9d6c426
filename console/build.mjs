// Builds the console into functions/console/static/ (app.js, app.css): one bundle, minified,
// no source maps, nothing loaded from elsewhere at run time. `node build.mjs --check` fails when
// the committed bundle differs from a fresh build (the bundle is committed so `sam build` and the
// local stack need no npm).
import { build } from 'esbuild';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.join(here, '..', 'functions', 'console', 'static');
const check = process.argv.includes('--check');

const result = await build({
  entryPoints: { app: path.join(here, 'src', 'main.js') },
  bundle: true,
  minify: true,
  format: 'esm',
  splitting: true, // «Сравнение» and its charts load only when that page opens
  chunkNames: '[name]-[hash]',
  target: ['es2020'],
  legalComments: 'none',
  write: false,
  outdir: out,
  loader: { '.css': 'css' },
  logLevel: 'warning',
  metafile: true,
});
const files = result.outputFiles.map((f) => ({ path: f.path, text: f.text }));
files.push({ path: path.join(out, 'index.html'), text: readFileSync(path.join(here, 'src', 'index.html'), 'utf8') });

if (!check) mkdirSync(out, { recursive: true });
const stale = [];
// Files a previous build left (old chunks) are stale too; a build removes them.
const produced = new Set(files.map((f) => path.basename(f.path)));
for (const name of readdirSync(out, { withFileTypes: true }).filter((d) => d.isFile()).map((d) => d.name)) {
  if (produced.has(name)) continue;
  if (check) stale.push(`functions/console/static/${name} (left over)`);
  else rmSync(path.join(out, name));
}
for (const f of files) {
  if (check) {
    let old = '';
    try { old = readFileSync(f.path, 'utf8'); } catch { old = ''; }
    if (old !== f.text) stale.push(path.relative(path.join(here, '..'), f.path));
  } else {
    writeFileSync(f.path, f.text);
  }
}
const total = files.reduce((n, f) => n + Buffer.byteLength(f.text), 0);
// The first load: the page, app.js with what it imports statically, and the styles.
const outputs = result.metafile.outputs;
const entry = Object.keys(outputs).find((k) => k.endsWith('app.js'));
const firstFiles = new Set(['index.html', 'app.css', 'app.js', ...outputs[entry].imports.filter((i) => i.kind === 'import-statement').map((i) => path.basename(i.path))]);
const first = files.filter((f) => firstFiles.has(path.basename(f.path))).reduce((n, f) => n + Buffer.byteLength(f.text), 0);
if (check && stale.length) {
  console.error(`The console bundle is stale: ${stale.join(', ')}. Run: make console`);
  process.exit(1);
}
console.log(`console: ${files.length} files, ${(total / 1024).toFixed(1)} KB in all, first load ${(first / 1024).toFixed(1)} KB${check ? ' (up to date)' : ''}`);
