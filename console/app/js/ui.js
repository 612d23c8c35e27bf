// ui.js — small DOM helpers: h() builds elements, and the pieces every
// page uses (messages, tables, forms, paging, confirmations).
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'value') el.value = v;
    else if (k === 'checked') el.checked = !!v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export function clear(el, ...children) {
  el.replaceChildren(...children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false));
  return el;
}

// A message box: kind "error" | "ok" | "info".
export function msg(kind, text) {
  return h('div', { class: `msg ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text);
}

export function errorBox(e) {
  return msg('error', e?.message || String(e));
}

// Runs fn and shows its error (or ok text) in the box `where`.
export async function attempt(where, fn, okText) {
  try {
    const r = await fn();
    if (okText && where) clear(where, msg('ok', typeof okText === 'function' ? okText(r) : okText));
    return r;
  } catch (e) {
    if (where) clear(where, errorBox(e));
    else console.error(e);
    return undefined;
  }
}

export function table(columns, rows, opts = {}) {
  if (!rows.length) return h('p', { class: 'empty' }, opts.empty || 'Nothing here yet.');
  return h('table', { class: 'list' },
    h('thead', {}, h('tr', {}, columns.map((c) => h('th', {}, c.label)))),
    h('tbody', {}, rows.map((r) => h('tr', {}, columns.map((c) => h('td', { 'data-col': c.key || c.label }, c.render ? c.render(r) : fmt(r[c.key])))))));
}

export function fmt(v) {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return v.join(', ');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

export function link(href, text) {
  return h('a', { href }, text);
}

// A form from field specs {name, label, type, value, options, required,
// placeholder}; onSubmit(values, form) — values typed (number, list).
export function form(fields, submitLabel, onSubmit, opts = {}) {
  const out = h('div', { class: 'formmsg' });
  const f = h('form', { class: opts.inline ? 'form inline' : 'form', 'data-form': opts.id },
    fields.map((fd) => {
      let input;
      const common = { name: fd.name, id: `${opts.id || 'f'}-${fd.name}`, required: fd.required, placeholder: fd.placeholder };
      if (fd.type === 'select') {
        input = h('select', common, fd.options.map((o) => {
          const [v, l] = Array.isArray(o) ? o : [o, o];
          return h('option', { value: v, selected: String(v) === String(fd.value ?? '') }, l);
        }));
      } else if (fd.type === 'textarea') {
        input = h('textarea', { ...common, rows: fd.rows || 4 }, fd.value ?? '');
      } else if (fd.type === 'checkbox') {
        input = h('input', { ...common, type: 'checkbox', checked: fd.value });
      } else {
        input = h('input', { ...common, type: fd.type || 'text', value: fd.value ?? '', step: fd.step, autocomplete: fd.autocomplete || 'off' });
      }
      return h('label', { for: common.id }, h('span', {}, fd.label), input);
    }),
    h('button', { type: 'submit' }, submitLabel), out);
  f.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const values = {};
    for (const fd of fields) {
      const el = f.elements[fd.name];
      let v = fd.type === 'checkbox' ? el.checked : el.value;
      if (fd.type === 'number') v = v === '' ? undefined : Number(v);
      if (fd.list) v = v.split(',').map((x) => x.trim()).filter(Boolean);
      if (v === '' && !fd.keepEmpty) v = undefined;
      values[fd.name] = v;
    }
    const button = f.querySelector('button[type=submit]');
    button.disabled = true;
    try {
      const r = await onSubmit(values, f);
      if (r !== false && opts.okText) clear(out, msg('ok', typeof opts.okText === 'function' ? opts.okText(r) : opts.okText));
      else if (r !== false) clear(out);
      if (opts.reset) f.reset();
    } catch (e) {
      clear(out, errorBox(e));
    } finally {
      button.disabled = false;
    }
  });
  return f;
}

export function section(title, ...children) {
  return h('section', { class: 'card' }, h('h2', {}, title), children);
}

// Paging for the list endpoints (limit 1..100).
export function pager(offset, limit, count, go) {
  return h('div', { class: 'pager' },
    h('button', { type: 'button', disabled: offset === 0, onclick: () => go(Math.max(0, offset - limit)) }, '‹ previous'),
    h('span', {}, count ? `${offset + 1}–${offset + count}` : 'none'),
    h('button', { type: 'button', disabled: count < limit, onclick: () => go(offset + limit) }, 'next ›'));
}

export function confirmButton(label, question, fn, cls = 'danger') {
  return h('button', { type: 'button', class: cls, onclick: async (ev) => { if (confirm(question)) await fn(ev); } }, label);
}

export function when(ts) {
  if (!ts) return '';
  const d = new Date(ts);
  return isNaN(d) ? ts : d.toLocaleString();
}
