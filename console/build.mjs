// build.mjs OUT — the static files the web server serves next to the API,
// written into OUT (replaced as a whole):
//   OUT/openapi3.json  docs/openapi/openapi3.yaml as JSON (GET /openapi3.json)
//   OUT/docs/          the API docs: Swagger UI (swagger-ui-dist) and our page
//   OUT/console/       the console: app/ as it is, uPlot beside it
// Nothing is compiled or bundled and nothing is fetched: the packages come
// from node_modules (npm ci), so the result works offline.
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

fs.rmSync(out, { recursive: true, force: true });
fs.renameSync(tmp, out);
console.log(`web files in ${out}`);
