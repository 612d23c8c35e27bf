// programs.js — programs: the list (create) and a program's page: its
// settings (activate / deactivate), a code editor that saves new
// revisions, the revisions (load, sign, delete), a diff of two revisions,
// and the runs the program manager recorded, with their output and log.
import { get, post, put, del, qs, api } from './api.js';
import { h, clear, section, table, form, pager, link, confirmButton, attempt, msg, when } from './ui.js';

const LIMIT = 20;
const TEMPLATE = `// a routine: runs on its schedule
fmt := import("fmt")
log := import("log")

log.info("hello from a routine")
fmt.println("done")
`;

export async function programsPage(el, _p, query) {
  const offset = Number(query.get('offset') || 0);
  const box = h('div');
  clear(el,
    section('Programs', box),
    section('New program', form([
      { name: 'name', label: 'Name', required: true },
      { name: 'type', label: 'Type', type: 'select', options: [['routine', 'routine (runs on a schedule)'], ['webhook', 'webhook (runs per request)'], ['module', 'module (imported by others)']] },
      { name: 'schedule', label: 'Schedule (cron with seconds, or @every 60s)', value: '@every 60s', required: true },
      { name: 'deadline', label: 'Deadline (ms)', type: 'number', value: 5000, required: true },
      { name: 'state', label: 'State', type: 'select', options: ['inactive', 'active'] },
      { name: 'tags', label: 'Tags', list: true },
    ], 'Create', async (v) => {
      const p = await post('/v2/programs', { name: v.name, type: v.type, state: v.state, schedule: v.schedule, deadline: v.deadline, language: 'tengo', tags: v.tags || [] });
      location.hash = `#/programs/${p.uuid}`;
    }, { id: 'program-new' })));
  await attempt(box, async () => {
    const rows = await get('/v2/programs' + qs({ limit: LIMIT, offset }));
    clear(box, table([
      { label: 'Name', render: (p) => link(`#/programs/${p.uuid}`, p.name) }, { label: 'Type', key: 'type' },
      { label: 'State', key: 'state' }, { label: 'Schedule', key: 'schedule' }, { label: 'Tags', key: 'tags' },
    ], rows), pager(offset, LIMIT, rows.length, (o) => { location.hash = '#/programs' + qs({ offset: o }); }));
  });
}

function editor(code) {
  const ta = h('textarea', { class: 'code', id: 'code', spellcheck: 'false', rows: 18, wrap: 'off' }, code);
  const gutter = h('pre', { class: 'gutter', 'aria-hidden': 'true' });
  const number = () => { gutter.textContent = Array.from({ length: ta.value.split('\n').length }, (_, i) => i + 1).join('\n'); };
  ta.addEventListener('input', number);
  ta.addEventListener('scroll', () => { gutter.scrollTop = ta.scrollTop; });
  ta.addEventListener('keydown', (e) => {
    if (e.key !== 'Tab') return;
    e.preventDefault();
    const { selectionStart: a, selectionEnd: b } = ta;
    ta.setRangeText('    ', a, b, 'end');
    number();
  });
  number();
  return { el: h('div', { class: 'editor' }, gutter, ta), ta, set(v) { ta.value = v; number(); } };
}

function diffView(text) {
  return h('pre', { class: 'diff', id: 'diff' }, text.split('\n').map((l) => h('span', {
    class: l.startsWith('+') && !l.startsWith('+++') ? 'add' : l.startsWith('-') && !l.startsWith('---') ? 'del' : l.startsWith('@@') ? 'hunk' : null,
  }, l + '\n')));
}

export async function programPage(el, [uuid], query) {
  const p = await get(`/v2/programs/${uuid}`, { fresh: true });
  const reload = () => { location.hash = `#/programs/${uuid}?_=${Date.now()}`; };
  const revBox = h('div', { id: 'revisions' }), runsBox = h('div', { id: 'runs' }), diffBox = h('div'), out = h('div'), edOut = h('div', { id: 'code-msg' });
  let revisions = [];
  const ed = editor('');
  // what runs: the newest signed revision (kept true by showRevisions)
  const codeInfo = h('p', { class: 'info', id: 'code-info' }, 'Only signed revisions run; the newest signed one is what runs.');
  const stateButton = h('button', { type: 'button', id: 'program-toggle', onclick: () => attempt(out, async () => {
    await put(`/v2/programs/${uuid}`, { state: p.state === 'active' ? 'inactive' : 'active' });
    reload();
  }) }, p.state === 'active' ? 'Deactivate' : 'Activate');

  clear(el,
    section(`Program ${p.name}`,
      h('dl', { class: 'meta' }, h('dt', {}, 'UUID'), h('dd', {}, p.uuid), h('dt', {}, 'Type'), h('dd', {}, p.type),
        h('dt', {}, 'State'), h('dd', { id: 'program-state' }, p.state), h('dt', {}, 'Schedule'), h('dd', {}, p.schedule),
        h('dt', {}, 'Deadline'), h('dd', {}, `${p.deadline} ms`), h('dt', {}, 'Language'), h('dd', {}, p.language)),
      stateButton, ' ',
      confirmButton('Delete program', `Delete ${p.name}?`, () => attempt(out, async () => { await del(`/v2/programs/${uuid}`); location.hash = '#/programs'; })),
      form([
        { name: 'name', label: 'Name', value: p.name },
        { name: 'schedule', label: 'Schedule', value: p.schedule },
        { name: 'deadline', label: 'Deadline (ms)', type: 'number', value: p.deadline },
        { name: 'tags', label: 'Tags', list: true, value: (p.tags || []).join(', '), keepEmpty: true },
      ], 'Save settings', async (v) => { await put(`/v2/programs/${uuid}`, v); reload(); }, { id: 'program-edit', inline: true }),
      out),
    section('Code', codeInfo,
      ed.el,
      h('div', { class: 'toolbar' },
        h('button', { type: 'button', id: 'code-save', onclick: () => attempt(edOut, async () => {
          const r = await api('POST', `/v2/programs/${uuid}/code`, { body: ed.ta.value, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
          clear(edOut, msg('ok', `Saved as revision ${r.revision}, not signed yet: sign it below to run it.`));
          await showRevisions();
        }) }, 'Save as new revision')),
      edOut),
    section('Revisions', revBox, diffBox),
    section('Runs', h('button', { type: 'button', id: 'runs-refresh', onclick: () => showRuns() }, 'Refresh'), runsBox),
    p.type === 'webhook' ? section('Call the webhook', form([
      { name: 'body', label: 'Body (JSON or text)', type: 'textarea', rows: 3 },
    ], 'POST', async (v) => {
      const res = await api('POST', `/v2/programs/${uuid}/webhook`, { body: v.body || '', headers: { 'Content-Type': 'application/json' }, raw: true });
      return `${res.status} ${await res.text()}`;
    }, { id: 'webhook-call', okText: (t) => `Answered: ${t}` })) : null);

  async function load(rev) {
    return attempt(edOut, async () => {
      const code = await get(`/v2/programs/${uuid}/code?revision=${rev}`, { fresh: true });
      ed.set(code);
      clear(edOut, msg('info', `Revision ${rev} loaded.`));
    });
  }

  function newestSigned() {
    return revisions.filter((r) => r.signed).reduce((a, r) => (!a || r.revision > a.revision ? r : a), null);
  }

  async function showRevisions() {
    await attempt(revBox, async () => {
      revisions = await get(`/v2/programs/${uuid}/revisions`, { fresh: true });
      const runs = newestSigned();
      codeInfo.textContent = runs
        ? `Revision ${runs.revision} runs (signed ${when(runs.signed)}): only signed revisions run, the newest signed one.`
        : (revisions.length ? 'No revision is signed yet: nothing runs until one is (Sign, below).' : 'Only signed revisions run; the newest signed one is what runs.');
      const rows = [...revisions].reverse();
      clear(revBox, table([
        { label: 'Revision', key: 'revision' }, { label: 'Created', render: (r) => when(r.created) },
        { label: 'Signed', render: (r) => (r.signed ? `✔ ${when(r.signed)}` : h('button', { type: 'button', class: 'sign', 'data-revision': r.revision, onclick: () => attempt(revBox, async () => {
          await put(`/v2/programs/${uuid}/revisions/${r.revision}/sign`);
          await showRevisions();
          // the save message above named it unsigned: say what it is now
          const runs = newestSigned();
          clear(edOut, msg('ok', runs && runs.revision === r.revision
            ? `Revision ${r.revision} signed: it is what runs now.`
            : `Revision ${r.revision} signed; revision ${runs ? runs.revision : '?'}, newer, is what runs.`));
        }) }, 'Sign')) },
        { label: 'Checksum', render: (r) => h('code', {}, r.checksum.slice(0, 12)) },
        { label: '', render: (r) => [h('button', { type: 'button', onclick: () => load(r.revision) }, 'Load'), ' ',
          confirmButton('Delete', `Delete revision ${r.revision}?`, () => attempt(revBox, async () => { await del(`/v2/programs/${uuid}/revisions/${r.revision}`); await showRevisions(); }))] },
      ], rows, { empty: 'No code yet: write it above and save.' }));
      if (revisions.length > 1) {
        const opts = rows.map((r) => [r.revision, `revision ${r.revision}`]);
        revBox.append(form([
          { name: 'a', label: 'Diff from', type: 'select', options: opts, value: rows[1].revision },
          { name: 'b', label: 'to', type: 'select', options: opts, value: rows[0].revision },
        ], 'Diff', async (v) => {
          const text = await get(`/v2/programs/${uuid}/diff` + qs({ rev_a: v.a, rev_b: v.b }));
          clear(diffBox, diffView(text || '(no differences)'));
        }, { id: 'diff-form', inline: true }));
      }
    });
  }

  async function showRuns() {
    await attempt(runsBox, async () => {
      const runs = await get(`/v2/programs/${uuid}/runs?limit=20`, { fresh: true });
      clear(runsBox, table([
        { label: 'Started', render: (r) => when(r.started) }, { label: 'Kind', key: 'kind' }, { label: 'Revision', key: 'revision' },
        { label: 'Outcome', render: (r) => h('span', { class: `outcome ${r.outcome}` }, r.outcome) },
        { label: 'Duration', render: (r) => `${r.duration_ms} ms` },
        { label: 'Output and log', render: (r) => h('details', {}, h('summary', {}, (r.error || r.output || r.log || '').split('\n')[0].slice(0, 60) || 'details'),
          r.error ? h('pre', { class: 'run-error' }, r.error) : null, h('h4', {}, 'Output'), h('pre', { class: 'run-output' }, r.output || ''),
          h('h4', {}, 'Log'), h('pre', { class: 'run-log' }, r.log || '')) },
      ], runs, { empty: p.state === 'active' ? 'No runs yet (a routine runs on its schedule once a revision is signed).' : 'No runs (the program is inactive).' }));
    });
  }

  await showRevisions();
  if (revisions.length) await load(revisions[revisions.length - 1].revision);
  else ed.set(p.type === 'module' ? 'export {\n    answer: func() { return 42 }\n}\n' : TEMPLATE);
  await showRuns();
  void query;
}
