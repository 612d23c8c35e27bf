// api.js — the console's only way to the API: HTTP Basic with the domain
// and token kept in sessionStorage (this browser tab only, gone when it
// closes), one request at a time, GETs cached for a short while, so that a
// person clicking around stays well inside the default rate (600 requests
// an hour, bursts of 10). Errors come back as ApiError with the API's JSON
// {code, message} and, for a 403, the permission the operation needs (from
// /openapi3.json).
const KEY = 'selfhost.auth';
const CACHE_MS = 20000;

export class ApiError extends Error {
  constructor(status, message, op) {
    super(message);
    this.status = status;
    this.op = op;
  }
}

export function session() {
  try { return JSON.parse(sessionStorage.getItem(KEY) || 'null'); } catch { return null; }
}

export function setSession(s) {
  if (s) sessionStorage.setItem(KEY, JSON.stringify(s));
  else sessionStorage.removeItem(KEY);
  cache.clear();
}

function basic(domain, token) {
  const bytes = new TextEncoder().encode(`${domain}:${token}`);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return 'Basic ' + btoa(bin);
}

// ---- the OpenAPI document: which permission an operation needs ---------
let spec = null;
export async function openapi() {
  if (!spec) {
    const r = await fetch(new URL('../openapi3.json', location.href));
    spec = r.ok ? await r.json() : { paths: {} };
  }
  return spec;
}

// The operation of the document matching method + path ("/v2/users/…").
export function operationOf(doc, method, path) {
  const p = path.split('?')[0], m = method.toLowerCase();
  if (doc.paths?.[p]?.[m]) return { path: p, op: doc.paths[p][m] };  // a literal beats a parameter
  for (const [tmpl, item] of Object.entries(doc.paths || {})) {
    const re = new RegExp('^' + tmpl.split('/').map((seg) => (/^\{.+\}$/.test(seg) ? '[^/]+'
      : seg.replace(/[.*+?^$()|[\]\\]/g, '\\$&'))).join('/') + '$');
    if (re.test(p) && item[m]) return { path: tmpl, op: item[m] };
  }
  return null;
}

export function permissionOf(method, path) {
  if (!spec) return null;
  const found = operationOf(spec, method, path);
  const scopes = found?.op?.security?.[0]?.BasicAuth;
  if (!scopes?.length) return null;
  // fill {uuid} etc. from the real path
  const real = path.split('?')[0].split('/'), tmpl = found.path.split('/');
  const vars = {};
  tmpl.forEach((seg, i) => { const m = seg.match(/^\{(.+)\}$/); if (m) vars[m[1]] = real[i]; });
  return scopes.map((s) => s.replace(/\{([^}]+)\}/g, (_, k) => vars[k] ?? k)).join(', ');
}

// ---- requests ------------------------------------------------------------
const cache = new Map();   // GET path -> {at, value}
let queue = Promise.resolve();
export const stats = { calls: 0, last429: null };
const listeners = new Set();
export function onActivity(fn) { listeners.add(fn); }

function explain(status, message, method, path) {
  if (status === 403) {
    const perm = permissionOf(method, path);
    return `Not allowed: your user has no policy for this${perm ? ` (it needs ${perm})` : ''}.`;
  }
  if (status === 401) return 'The domain or token is not accepted (signed out?).';
  if (status === 429) return `Too many requests: the rate limit of your token was reached; ${message}`;
  return message || `HTTP ${status}`;
}

async function send(method, path, opts) {
  const s = opts.auth || session();
  const headers = { ...(opts.headers || {}) };
  if (s) headers.Authorization = basic(s.domain, s.token);
  let body = opts.body;
  if (body !== undefined && !(body instanceof Blob) && !(body instanceof ArrayBuffer) &&
      !(body instanceof Uint8Array) && typeof body !== 'string') {
    body = JSON.stringify(body);
    headers['Content-Type'] = 'application/json';
  }
  for (let attempt = 0; ; attempt++) {
    stats.calls++;
    listeners.forEach((fn) => fn(stats));
    // credentials 'omit': our own Authorization header, and no browser login
    // prompt on a 401 (the fetch standard prompts only when credentials are included)
    const res = await fetch(path, { method, headers, body, cache: 'no-store', credentials: 'omit' });
    if (res.status === 429 && attempt < 2 && opts.retry !== false) {
      // wait as told, then try again (once or twice), never in a burst
      const wait = Math.min(60, Number(res.headers.get('Retry-After')) || 5);
      stats.last429 = Date.now();
      listeners.forEach((fn) => fn(stats, `rate limit reached: waiting ${wait} s`));
      await new Promise((r) => setTimeout(r, wait * 1000));
      continue;
    }
    return res;
  }
}

// api(method, path, {body, headers, raw, fresh}) → parsed JSON (or text,
// or the Response with raw), null for 204.
export function api(method, path, opts = {}) {
  const key = method === 'GET' && !opts.raw && !opts.auth ? path : null;
  if (key && !opts.fresh) {
    const hit = cache.get(key);
    if (hit && Date.now() - hit.at < CACHE_MS) return Promise.resolve(hit.value);
  }
  if (method !== 'GET') cache.clear();
  const run = queue.then(async () => {
    const res = await send(method, path, opts);
    if (opts.raw && res.ok) return res;
    const type = res.headers.get('Content-Type') || '';
    const text = res.status === 204 ? '' : await res.text();
    if (!res.ok) {
      let msg = text;
      try { msg = JSON.parse(text).message; } catch { /* not JSON */ }
      throw new ApiError(res.status, explain(res.status, msg, method, path), `${method} ${path}`);
    }
    if (res.status === 204 || text === '') return null;
    const value = type.includes('json') ? JSON.parse(text) : text;
    if (key) cache.set(key, { at: Date.now(), value });
    return value;
  });
  queue = run.catch(() => {});
  return run;
}

export const get = (p, o) => api('GET', p, o);
export const post = (p, body, o = {}) => api('POST', p, { ...o, body });
export const put = (p, body, o = {}) => api('PUT', p, { ...o, body });
export const del = (p, o) => api('DELETE', p, o);

export function qs(params) {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params))
    if (v !== undefined && v !== null && v !== '') u.append(k, v);
  const s = u.toString();
  return s ? '?' + s : '';
}
