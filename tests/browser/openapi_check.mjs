// openapi_check.mjs — checks real answers against /openapi3.json: the
// operation (method + path template) exists, the status is documented,
// and a JSON body matches the documented schema. The validator covers the
// subset the document uses: $ref, type, nullable, enum, required,
// properties (objects are closed: a field the document does not name is
// an error, so the document lists every field we answer), items,
// additionalProperties, allOf/oneOf/anyOf, format date-time.
export function findOperation(doc, method, path) {
  const m = method.toLowerCase();
  if (doc.paths[path]?.[m]) return { template: path, op: doc.paths[path][m] };
  for (const [tmpl, item] of Object.entries(doc.paths)) {
    const re = new RegExp('^' + tmpl.split('/').map((s) => (/^\{.+\}$/.test(s) ? '[^/]+' : s.replace(/[.*+?^$()|[\]\\]/g, '\\$&'))).join('/') + '$');
    if (item[m] && re.test(path)) return { template: tmpl, op: item[m] };
  }
  return null;
}

function deref(doc, s) {
  for (let i = 0; s && s.$ref && i < 10; i++) s = s.$ref.slice(2).split('/').reduce((o, k) => o?.[k], doc);
  return s;
}

const typeOf = (v) => (v === null ? 'null' : Array.isArray(v) ? 'array' : Number.isInteger(v) ? 'integer' : typeof v);

export function validate(doc, schema, value, where = '$', errors = []) {
  schema = deref(doc, schema);
  if (!schema) return errors;
  if (value === null) {
    if (!schema.nullable && schema.type) errors.push(`${where}: null, not nullable`);
    return errors;
  }
  if (schema.allOf) schema.allOf.forEach((s) => validate(doc, s, value, where, errors));
  for (const key of ['oneOf', 'anyOf']) {
    if (schema[key] && !schema[key].some((s) => validate(doc, s, value, where, []).length === 0))
      errors.push(`${where}: matches none of ${key}`);
  }
  const t = typeOf(value);
  const type = schema.type || (schema.properties ? 'object' : schema.items ? 'array' : undefined);
  if (type) {
    const ok = type === t || (type === 'number' && t === 'integer');
    if (!ok) { errors.push(`${where}: ${t}, documented ${type}`); return errors; }
  }
  if (schema.enum && !schema.enum.includes(value)) errors.push(`${where}: ${JSON.stringify(value)} not in enum`);
  if (schema.format === 'date-time' && t === 'string' && isNaN(Date.parse(value))) errors.push(`${where}: not a date-time: ${value}`);
  if (t === 'array' && schema.items) value.forEach((v, i) => validate(doc, schema.items, v, `${where}[${i}]`, errors));
  if (t === 'object' && (schema.properties || schema.type === 'object')) {
    for (const r of schema.required || []) if (!(r in value)) errors.push(`${where}: required field ${r} missing`);
    for (const [k, v] of Object.entries(value)) {
      if (schema.properties && k in schema.properties) validate(doc, schema.properties[k], v, `${where}.${k}`, errors);
      else if (schema.additionalProperties && typeof schema.additionalProperties === 'object') validate(doc, schema.additionalProperties, v, `${where}.${k}`, errors);
      else if (schema.additionalProperties !== true) errors.push(`${where}: field ${k} not documented`);
    }
  }
  return errors;
}

// One recorded answer {method, path, status, type, body}: a list of problems.
export function checkAnswer(doc, a) {
  const found = findOperation(doc, a.method, a.path);
  if (!found) return [`${a.method} ${a.path}: no such operation in the document`];
  const where = `${a.method} ${found.template} → ${a.status}`;
  const resp = deref(doc, found.op.responses?.[String(a.status)] || found.op.responses?.default);
  if (!resp) return [`${where}: status not documented`];
  if (a.status === 204 || a.status === 304) return [];
  const content = resp.content || {};
  const mt = (a.type || '').split(';')[0].trim();
  const entry = Object.entries(content).find(([k]) => k.split(';')[0].trim() === mt) || content['*/*'] && ['*/*', content['*/*']];
  if (!entry) return Object.keys(content).length || a.body ? [`${where}: Content-Type ${a.type} not documented (${Object.keys(content).join(', ') || 'none'})`] : [];
  if (mt !== 'application/json') return [];
  let value;
  try { value = JSON.parse(a.body); } catch { return [`${where}: body is not JSON`]; }
  return validate(doc, entry[1].schema, value, where).slice(0, 5);
}
