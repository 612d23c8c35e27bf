// app.js — the console's shell: sign in / sign out, the navigation and a
// hash router (#/timeseries/<uuid>?…) that hands each page its element.
import { get, session, setSession, openapi, onActivity, ApiError } from './api.js';
import { h, clear, msg, form, section } from './ui.js';
import { thingsPage, thingPage } from './things.js';
import { seriesListPage, seriesPage } from './series.js';
import { usersPage, userPage, groupsPage, groupPage, policiesPage } from './access.js';
import { programsPage, programPage } from './programs.js';
import { datasetsPage, datasetPage, alertsPage } from './datasets.js';

const routes = [
  [/^\/things$/, thingsPage],
  [/^\/things\/([0-9a-f-]{36})$/, thingPage],
  [/^\/timeseries$/, seriesListPage],
  [/^\/timeseries\/([0-9a-f-]{36})$/, seriesPage],
  [/^\/users$/, usersPage],
  [/^\/users\/([0-9a-f-]{36})$/, userPage],
  [/^\/groups$/, groupsPage],
  [/^\/groups\/([0-9a-f-]{36})$/, groupPage],
  [/^\/policies$/, policiesPage],
  [/^\/programs$/, programsPage],
  [/^\/programs\/([0-9a-f-]{36})$/, programPage],
  [/^\/datasets$/, datasetsPage],
  [/^\/datasets\/([0-9a-f-]{36})$/, datasetPage],
  [/^\/alerts$/, alertsPage],
  [/^\/?$/, homePage],
];

const NAV = [
  ['#/things', 'Things'], ['#/timeseries', 'Time series'], ['#/datasets', 'Datasets'],
  ['#/programs', 'Programs'], ['#/alerts', 'Alerts'], ['#/users', 'Users'],
  ['#/groups', 'Groups'], ['#/policies', 'Policies'],
];

const main = document.getElementById('main');

function shell() {
  const s = session();
  const nav = document.getElementById('nav'), who = document.getElementById('who');
  if (!s) {
    clear(nav);
    clear(who);
    return;
  }
  const here = location.hash.split('?')[0];
  clear(nav, NAV.map(([href, label]) => h('a', { href, class: here.startsWith(href) ? 'active' : null }, label)),
    h('a', { href: '../docs/' }, 'API docs'));
  clear(who, h('span', { id: 'whoami' }, `${s.user || '?'} @ ${s.domain}`), ' ',
    h('button', { type: 'button', id: 'signout', onclick: signOut }, 'Sign out'));
}

function signOut() {
  setSession(null);
  location.hash = '#/signin';
  route();
}

function signInPage(el) {
  clear(el, section('Sign in',
    h('p', {}, 'The domain and a token of one of its users (', h('code', {}, 'secret-token.…'),
      '). They are kept for this browser tab only and sent to the API with every call.'),
    form([
      { name: 'domain', label: 'Domain', required: true, autocomplete: 'username' },
      { name: 'token', label: 'Token', type: 'password', required: true, autocomplete: 'current-password' },
    ], 'Sign in', async (v) => {
      const auth = { domain: v.domain.trim(), token: v.token.trim() };
      let me;
      try {
        me = await get('/v2/users/me', { auth });
      } catch (e) {
        if (e instanceof ApiError && e.status === 401) throw new Error('Sign-in failed: the domain or token is not accepted.');
        throw e;
      }
      setSession({ ...auth, user: me.name, uuid: me.uuid, groups: (me.groups || []).map((g) => g.name) });
      const back = sessionStorage.getItem('selfhost.back');
      sessionStorage.removeItem('selfhost.back');
      location.hash = back && !back.startsWith('#/signin') ? back : '#/';
      return false;
    }, { id: 'signin' })));
}

function homePage(el) {
  const s = session();
  clear(el, section(`Domain ${s.domain}`,
    h('p', {}, 'Signed in as ', h('strong', {}, s.user), s.groups?.length ? ` (groups: ${s.groups.join(', ')})` : ''),
    h('ul', { class: 'home' },
      h('li', {}, h('a', { href: '#/timeseries' }, 'Time series'), ': measurements, plotted; write and delete points'),
      h('li', {}, h('a', { href: '#/things' }, 'Things'), ': what the series belong to'),
      h('li', {}, h('a', { href: '#/programs' }, 'Programs'), ': Tengo code with revisions, signatures and runs'),
      h('li', {}, h('a', { href: '#/datasets' }, 'Datasets'), ' and ', h('a', { href: '#/alerts' }, 'alerts')),
      h('li', {}, h('a', { href: '#/users' }, 'Users'), ', ', h('a', { href: '#/groups' }, 'groups'), ', ',
        h('a', { href: '#/policies' }, 'policies'), ' and tokens: who may do what'),
      h('li', {}, h('a', { href: '../docs/' }, 'API documentation'), ' — try any call with this sign-in'))));
}

let current = 0;
async function route() {
  const [path, q] = location.hash.replace(/^#/, '').split('?');
  const query = new URLSearchParams(q || '');
  shell();
  if (!session()) {
    if (path !== '/signin') sessionStorage.setItem('selfhost.back', location.hash);
    if (path !== '/signin') history.replaceState(null, '', '#/signin');
    signInPage(main);
    main.dataset.view = '#/signin';
    return;
  }
  if (path === '/signin') { location.hash = '#/'; return; }
  const token = ++current;
  for (const [re, page] of routes) {
    const m = path.match(re);
    if (!m) continue;
    clear(main, h('p', { class: 'loading' }, 'Loading…'));
    const el = h('div', { class: 'page' });
    try {
      await page(el, m.slice(1), query);
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) { setSession(null); return route(); }
      clear(el, msg('error', e.message || String(e)));
    }
    if (token === current) {
      clear(main, el);
      main.dataset.view = location.hash; // the page on show (tests wait for it)
    }
    return;
  }
  clear(main, msg('error', 'No such page.'));
}

onActivity((stats, note) => {
  document.getElementById('activity').textContent = note || `${stats.calls} API call${stats.calls === 1 ? '' : 's'} in this tab`;
});

window.addEventListener('hashchange', route);
openapi().catch(() => {}).finally(route);
