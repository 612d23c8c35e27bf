// build.mjs OUT — the static files the web server serves next to the API,
// written into OUT (replaced as a whole):
//   OUT/openapi3.json  docs/openapi/openapi3.yaml as JSON (GET /openapi3.json)
//   OUT/docs/          the API docs: Swagger UI (swagger-ui-dist) and our page
//   OUT/console/       the console: app/ as it is, uPlot beside it
// Nothing is compiled or bundled and nothing is fetched: the packages come
// from node_modules (npm ci), so the result works offline.
//
// In OUT/console/ and OUT/docs/ only index.html keeps its name; every other
// file moves to assets-HASH/ (HASH: of all those files' names and bytes), and
// index.html's src/href attributes are pointed there. The web server
// configurations (conf/) let browsers keep assets-*/ for a year and make
// them revalidate index.html and openapi3.json on every load: a new build is
// a new folder name, so an upgrade is seen at the next load, never a mix of
// old and new files. Relative imports between the moved files still hold.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';

const here = path.dirname(fileURLToPath(import.meta.url));
const src = path.resolve(here, '..');
const out = path.resolve(process.argv[2] || path.join(src, 'build', 'www'));
const modules = path.join(here, 'node_modules');

function copy(from, to) {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.copyFileSync(from, to);
}

function copyTree(from, to) {
  for (const e of fs.readdirSync(from, { withFileTypes: true })) {
    const a = path.join(from, e.name), b = path.join(to, e.name);
    if (e.isDirectory()) copyTree(a, b);
    else copy(a, b);
  }
}

const tmp = out + '.tmp';
fs.rmSync(tmp, { recursive: true, force: true });
fs.mkdirSync(tmp, { recursive: true });

// the OpenAPI document: YAML source, JSON served
const doc = YAML.parse(fs.readFileSync(path.join(src, 'docs/openapi/openapi3.yaml'), 'utf8'));
fs.writeFileSync(path.join(tmp, 'openapi3.json'), JSON.stringify(doc, null, 1) + '\n');

// the API docs
copyTree(path.join(here, 'apidocs'), path.join(tmp, 'docs'));
for (const f of ['swagger-ui-bundle.js', 'swagger-ui.css'])
  copy(path.join(modules, 'swagger-ui-dist', f), path.join(tmp, 'docs/vendor', f));
copy(path.join(modules, 'swagger-ui-dist', 'LICENSE'), path.join(tmp, 'docs/vendor/LICENSE.swagger-ui'));

// the console
copyTree(path.join(here, 'app'), path.join(tmp, 'console'));
copy(path.join(modules, 'uplot/dist/uPlot.esm.js'), path.join(tmp, 'console/vendor/uPlot.esm.js'));
copy(path.join(modules, 'uplot/dist/uPlot.min.css'), path.join(tmp, 'console/vendor/uPlot.min.css'));
copy(path.join(modules, 'uplot/LICENSE'), path.join(tmp, 'console/vendor/LICENSE.uPlot'));

// DIR/* but index.html -> DIR/assets-HASH/*, and index.html pointed there
function hashAssets(dir) {
  const files = [];
  const walk = (rel) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(r);
      else if (r !== 'index.html') files.push(r);
    }
  };
  walk('');
  const hash = crypto.createHash('sha256');
  for (const f of files) hash.update(`${f}\0`).update(fs.readFileSync(path.join(dir, f))).update('\0');
  const assets = `assets-${hash.digest('hex').slice(0, 12)}`;
  for (const f of files) {
    fs.mkdirSync(path.dirname(path.join(dir, assets, f)), { recursive: true });
    fs.renameSync(path.join(dir, f), path.join(dir, assets, f));
  }
  for (const e of fs.readdirSync(dir, { withFileTypes: true }))
    if (e.isDirectory() && e.name !== assets) fs.rmSync(path.join(dir, e.name), { recursive: true });
  const index = path.join(dir, 'index.html');
  let moved = 0;
  const html = fs.readFileSync(index, 'utf8').replace(/\b(src|href)="([^"]*)"/g, (all, attr, url) => {
    if (!files.includes(url)) return all; // ../docs/, #/, data:, … stay
    moved++;
    return `${attr}="${assets}/${url}"`;
  });
  const local = [...html.matchAll(/\b(?:src|href)="([^"]*)"/g)].map((m) => m[1])
    .filter((u) => !/^(?:[a-z]+:|#|\/|\.\.\/|assets-)/.test(u));
  if (local.length) throw new Error(`${index}: no such file for ${local.join(', ')}`);
  fs.writeFileSync(index, html);
  return `${path.basename(dir)}/${assets} (${files.length} files, ${moved} referenced by index.html)`;
}
const hashed = [hashAssets(path.join(tmp, 'docs')), hashAssets(path.join(tmp, 'console'))];

fs.rmSync(out, { recursive: true, force: true });
fs.renameSync(tmp, out);
console.log(`web files in ${out}: ${hashed.join(', ')}`);
