// series.js — time series: the list (create, filter by tags) and a series'
// page: an interactive plot (uPlot: drag to zoom, wheel to zoom, shift+drag
// to pan, double-click to reset) of one window read with precision,
// aggregate, time zone and unit; a table view and CSV download of the same
// points; writing and deleting points. One window is one API call.
import uPlot from '../vendor/uPlot.esm.js';
import { get, post, put, del, qs } from './api.js';
import { h, clear, section, table, form, pager, link, confirmButton, attempt, msg } from './ui.js';

const LIMIT = 20;
const PRECISIONS = ['microseconds', 'milliseconds', 'second', 'minute', 'minute5', 'minute10', 'minute15',
  'minute20', 'minute30', 'hour', 'day', 'week', 'month', 'year', 'decade', 'century', 'millennia'];
const AGGREGATES = ['avg', 'min', 'max', 'sum', 'count'];
const ZONES = ['UTC', 'Europe/Stockholm', 'Europe/London', 'America/New_York', 'Asia/Tokyo'];
const RANGES = [['1h', 3600], ['24h', 86400], ['7d', 7 * 86400], ['30d', 30 * 86400], ['1y', 365 * 86400]];

export async function seriesListPage(el, _p, query) {
  const offset = Number(query.get('offset') || 0), tags = query.get('tags') || '', thing = query.get('thing') || '';
  const box = h('div');
  clear(el,
    section('Time series',
      form([{ name: 'tags', label: 'Tags (any of, comma-separated)', value: tags }], 'Filter', (v) => {
        location.hash = '#/timeseries' + qs({ tags: v.tags });
        return false;
      }, { id: 'series-filter', inline: true }),
      box),
    section('New time series', form([
      { name: 'name', label: 'Name', required: true },
      { name: 'si_unit', label: 'Unit', required: true, placeholder: 'C, kWh, m3/h …' },
      { name: 'thing_uuid', label: 'Thing (UUID)', value: thing },
      { name: 'lower_bound', label: 'Lower bound', type: 'number', step: 'any' },
      { name: 'upper_bound', label: 'Upper bound', type: 'number', step: 'any' },
      { name: 'tags', label: 'Tags', list: true, placeholder: 'a, b' },
    ], 'Create', async (v) => {
      const body = { name: v.name, si_unit: v.si_unit, tags: v.tags || [] };
      for (const k of ['thing_uuid', 'lower_bound', 'upper_bound']) if (v[k] !== undefined) body[k] = v[k];
      const r = await post('/v2/timeseries', body);
      location.hash = `#/timeseries/${r.uuid}`;
    }, { id: 'series-new' })));
  await attempt(box, async () => {
    const rows = await get('/v2/timeseries' + qs({ limit: LIMIT, offset, tags }));
    clear(box, table([
      { label: 'Name', render: (s) => link(`#/timeseries/${s.uuid}`, s.name) },
      { label: 'Unit', key: 'si_unit' }, { label: 'Tags', key: 'tags' },
      { label: 'Thing', render: (s) => (s.thing_uuid ? link(`#/things/${s.thing_uuid}`, 'thing') : '') },
    ], rows), pager(offset, LIMIT, rows.length, (o) => { location.hash = '#/timeseries' + qs({ tags, offset: o }); }));
  });
}

// datetime-local value <-> RFC 3339 (the input shows the browser's time)
function toLocalInput(date) {
  const d = new Date(date.getTime() - date.getTimezoneOffset() * 60000);
  return d.toISOString().slice(0, 19);
}
function fromLocalInput(v) {
  const d = new Date(v);
  return isNaN(d) ? undefined : d.toISOString();
}

function wheelZoomAndPan() {
  return {
    hooks: {
      ready(u) {
        const over = u.over;
        over.addEventListener('wheel', (e) => {
          e.preventDefault();
          const { min, max } = u.scales.x;
          if (min == null) return;
          const x = u.posToVal(e.offsetX, 'x');
          const f = e.deltaY < 0 ? 0.75 : 1 / 0.75;
          u.setScale('x', { min: x - (x - min) * f, max: x + (max - x) * f });
        }, { passive: false });
        over.addEventListener('mousedown', (e) => {
          if (!e.shiftKey && e.button !== 1) return;
          e.preventDefault();
          e.stopImmediatePropagation();
          const x0 = e.clientX, { min, max } = u.scales.x;
          const per = (max - min) / over.clientWidth;
          const move = (ev) => {
            const dx = (ev.clientX - x0) * per;
            u.setScale('x', { min: min - dx, max: max - dx });
          };
          const up = () => { document.removeEventListener('mousemove', move); document.removeEventListener('mouseup', up); };
          document.addEventListener('mousemove', move);
          document.addEventListener('mouseup', up);
        }, true);
      },
    },
  };
}

function plot(holder, xs, ys, s, zone, unit) {
  const width = Math.max(320, holder.clientWidth || 900);
  const opts = {
    width, height: 360,
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), zone),
    scales: { x: { time: true } },
    series: [{ label: `time (${zone})` }, { label: `${s.name} (${unit || s.si_unit})`, stroke: '#1f77b4', width: 1.5, points: { show: xs.length < 300 } }],
    axes: [{}, { label: unit || s.si_unit, size: 60 }],
    cursor: { drag: { x: true, y: false } },
    plugins: [wheelZoomAndPan()],
  };
  const u = new uPlot(opts, [xs, ys], holder);
  const ro = new ResizeObserver(() => { if (holder.clientWidth) u.setSize({ width: holder.clientWidth, height: 360 }); });
  ro.observe(holder);
  return u;
}

export async function seriesPage(el, [uuid], query) {
  const s = await get(`/v2/timeseries/${uuid}`);
  const now = new Date();
  const zone = query.get('timezone') || 'UTC';
  const p = {
    start: query.get('start') || new Date(now.getTime() - 86400000).toISOString(),
    end: query.get('end') || new Date(now.getTime() + 60000).toISOString(),
    precision: query.get('precision') || '', aggregate: query.get('aggregate') || '',
    timezone: zone, unit: query.get('unit') || '', view: query.get('view') || 'plot',
  };
  const go = (changes) => { location.hash = `#/timeseries/${uuid}` + qs({ ...p, ...changes }); };
  const out = h('div'), plotBox = h('div', { class: 'plot', id: 'plot' }), info = h('p', { class: 'info', id: 'plot-info' });
  const zones = [...new Set([...ZONES, ...(Intl.supportedValuesOf ? Intl.supportedValuesOf('timeZone') : [])])];

  const controls = form([
    { name: 'start', label: 'From', type: 'datetime-local', value: toLocalInput(new Date(p.start)), step: 1 },
    { name: 'end', label: 'To', type: 'datetime-local', value: toLocalInput(new Date(p.end)), step: 1 },
    { name: 'precision', label: 'Precision', type: 'select', value: p.precision, options: [['', 'raw points'], ...PRECISIONS] },
    { name: 'aggregate', label: 'Aggregate', type: 'select', value: p.aggregate, options: [['', 'avg (default)'], ...AGGREGATES] },
    { name: 'timezone', label: 'Time zone', type: 'select', value: zone, options: zones },
    { name: 'unit', label: `Unit (stored: ${s.si_unit})`, value: p.unit, placeholder: s.si_unit },
  ], 'Show', (v) => {
    go({ start: fromLocalInput(v.start), end: fromLocalInput(v.end), precision: v.precision, aggregate: v.aggregate, timezone: v.timezone, unit: v.unit });
    return false;
  }, { id: 'series-controls', inline: true });

  const ranges = h('div', { class: 'ranges' }, 'Last: ', RANGES.map(([label, sec]) => h('button', {
    type: 'button', onclick: () => go({ start: new Date(Date.now() - sec * 1000).toISOString(), end: new Date(Date.now() + 60000).toISOString() }),
  }, label)));
  const views = h('div', { class: 'tabs' },
    ['plot', 'table'].map((v) => h('button', { type: 'button', class: p.view === v ? 'active' : null, id: `view-${v}`, onclick: () => go({ view: v }) }, v === 'plot' ? 'Plot' : 'Table')));
  const csvButton = h('button', { type: 'button', id: 'csv' }, 'Download CSV');

  clear(el,
    section(`Time series ${s.name}`,
      h('dl', { class: 'meta' }, h('dt', {}, 'UUID'), h('dd', {}, s.uuid), h('dt', {}, 'Unit'), h('dd', {}, s.si_unit),
        h('dt', {}, 'Bounds'), h('dd', {}, `${s.lower_bound ?? '−∞'} … ${s.upper_bound ?? '+∞'}`),
        h('dt', {}, 'Thing'), h('dd', {}, s.thing_uuid ? link(`#/things/${s.thing_uuid}`, s.thing_uuid) : '—'),
        h('dt', {}, 'Tags'), h('dd', {}, (s.tags || []).join(', ') || '—')),
      controls, ranges, h('div', { class: 'toolbar' }, views, csvButton), info, plotBox, out),
    section('Write points', writeForms(uuid, s, () => go({ end: new Date(Date.now() + 60000).toISOString(), _: Date.now() }))),
    section('Delete points', deleteForm(uuid, p, () => go({ _: Date.now() }))),
    section('Series settings', settings(uuid, s)));

  const data = await attempt(out, () => get(`/v2/timeseries/${uuid}/data` + qs({
    start: p.start, end: p.end, precision: p.precision, aggregate: p.precision ? p.aggregate : '', timezone: p.timezone, unit: p.unit,
  }), { fresh: true }));
  if (!data) return;
  const xs = new Float64Array(data.length), ys = new Float64Array(data.length);
  data.forEach((r, i) => { xs[i] = Date.parse(r.ts) / 1000; ys[i] = r.v; });
  clear(info, `${data.length} point${data.length === 1 ? '' : 's'}`, p.precision ? `, ${p.aggregate || 'avg'} per ${p.precision}` : '',
    `, shown in ${zone}`, p.unit ? `, in ${p.unit}` : '', data.length ? '. Drag to zoom, wheel to zoom, shift+drag to pan, double-click to reset.' : '');
  csvButton.onclick = () => {
    const lines = ['ts,value', ...data.map((r) => `${r.ts},${r.v}`)];
    const a = h('a', { href: URL.createObjectURL(new Blob([lines.join('\n') + '\n'], { type: 'text/csv' })), download: `${s.name.replace(/[^\w.-]+/g, '_')}.csv` });
    document.body.append(a);
    a.click();
    a.remove();
  };
  if (p.view === 'table') {
    let page = 0;
    const PAGE = 200, tbox = h('div', { id: 'points-table' });
    const show = () => clear(tbox, table([{ label: 'Time', key: 'ts' }, { label: `Value (${p.unit || s.si_unit})`, key: 'v' }],
      data.slice(page * PAGE, page * PAGE + PAGE), { empty: 'No points in this window.' }),
      pager(page * PAGE, PAGE, Math.min(PAGE, data.length - page * PAGE), (o) => { page = o / PAGE; show(); }));
    show();
    clear(plotBox, tbox);
  } else if (!data.length) {
    clear(plotBox, msg('info', 'No points in this window.'));
  } else {
    requestAnimationFrame(() => { plotBox.uplot = plot(plotBox, xs, ys, s, zone, p.unit); });
  }
}

function writeForms(uuid, s, done) {
  return [
    form([
      { name: 'ts', label: 'Time', type: 'datetime-local', value: toLocalInput(new Date()), step: 1 },
      { name: 'v', label: 'Value', type: 'number', step: 'any', required: true },
      { name: 'unit', label: `Unit (default ${s.si_unit})` },
    ], 'Write point', async (v) => {
      await post(`/v2/timeseries/${uuid}/data` + qs({ unit: v.unit }), [{ v: v.v, ts: fromLocalInput(v.ts) }]);
      done();
    }, { id: 'point-new', inline: true }),
    form([
      { name: 'csv', label: 'Many points: one "time,value" a line (RFC 3339 time)', type: 'textarea', rows: 4, placeholder: '2024-01-01T00:00:00Z,21.5' },
    ], 'Write points', async (v) => {
      const rows = (v.csv || '').split('\n').map((l) => l.trim()).filter(Boolean).map((l, i) => {
        const [ts, val] = l.split(/[,;\t]/);
        const n = Number(val);
        if (isNaN(Date.parse(ts)) || val === undefined || isNaN(n)) throw new Error(`line ${i + 1}: not "time,value": ${l}`);
        return { v: n, ts: new Date(ts).toISOString() };
      });
      if (!rows.length) throw new Error('No points given.');
      await post(`/v2/timeseries/${uuid}/data`, rows);
      done();
    }, { id: 'points-new' }),
  ];
}

function deleteForm(uuid, p, done) {
  return form([
    { name: 'start', label: 'From', type: 'datetime-local', value: toLocalInput(new Date(p.start)), step: 1 },
    { name: 'end', label: 'To', type: 'datetime-local', value: toLocalInput(new Date(p.end)), step: 1 },
    { name: 'ge', label: 'Only values ≥', type: 'number', step: 'any' },
    { name: 'le', label: 'Only values ≤', type: 'number', step: 'any' },
  ], 'Delete points', async (v) => {
    if (!confirm('Delete the points in this window?')) return false;
    await del(`/v2/timeseries/${uuid}/data` + qs({ start: fromLocalInput(v.start), end: fromLocalInput(v.end), ge: v.ge, le: v.le }));
    done();
  }, { id: 'points-delete', inline: true });
}

function settings(uuid, s) {
  const out = h('div');
  return [
    form([
      { name: 'name', label: 'Name', value: s.name },
      { name: 'si_unit', label: 'Unit', value: s.si_unit },
      { name: 'tags', label: 'Tags', list: true, value: (s.tags || []).join(', '), keepEmpty: true },
    ], 'Save', async (v) => {
      await put(`/v2/timeseries/${uuid}`, { name: v.name, si_unit: v.si_unit, tags: v.tags });
    }, { id: 'series-edit', inline: true, okText: 'Saved.' }),
    confirmButton('Delete series', `Delete ${s.name} and all its points?`, () => attempt(out, async () => {
      await del(`/v2/timeseries/${uuid}`);
      location.hash = '#/timeseries';
    })), out,
  ];
}
