// The ocpolicy console: panels whose every field is checked, after a pause in
// typing, by the rules the server enforces, through the public API of the npm
// package @ocpolicy/rules (web/pkg/rules, built from web/package). The page
// starts on the eligibility family's first module (the numbers and users
// screens need nothing else); the module with every family follows right
// after the first validation, and checks that need the numbering plan are
// finished by the full module in a Web Worker. Nothing here waits on the
// network after the page has loaded.

import { load, planPending, configOf } from './pkg/rules/eligibility.js';
import { $, el, option } from './dom.js';
import { routingEditor, SECTIONS } from './routing.js';
import { countryNames } from './countries.js';
import { numbersScreen, usersScreen, auditScreen, reviewScreen, csvBatch, assignmentRows, lisRows, lisScreen, warned, KIND_OF_STATUS } from './inventory.js';

/** Every snapshot of the stored tenant document that `rules` carries, opened
 * once (the page starts on the eligibility module alone; the forms of the
 * other families are built when every family's rules are in). */
function openAll(rules, snapshot) {
  return { rules, ...rules.openTenant(snapshot) };
}

/** Run one call: `{on: 'tenant'|'emergency'|'conferencing', method, input}`
 * against an opened snapshot, or `{kind, input}`; `settle` for the numbering
 * plan's verdict (the package's full module, in its worker). */
function exec(engine, call, settle = false) {
  if (call.on) {
    const snapshot = engine[call.on];
    if (!snapshot) {
      const why = engine.errors[call.on];
      return { error: why || { path: call.on, message: `the tenant snapshot has no ${call.on} configuration` } };
    }
    const method = settle ? `settle${call.method[0].toUpperCase()}${call.method.slice(1)}` : call.method;
    return snapshot[method](call.input);
  }
  return settle ? engine.rules.settle(call.kind, call.input) : engine.rules.run(call.kind, call.input);
}

// What `npm run bench` reads: milliseconds since navigation, and what the
// page had fetched by its first check.
const metrics = { rulesReadyMs: null, firstValidationMs: null, firstLoad: null, familiesReadyMs: null, planReadyMs: null };
window.ocpolicy = { metrics };

/** How long a field waits after the last keystroke before it is checked: a
 * half-typed value is never flagged; leaving the field checks it at once. */
export const PAUSE_MS = 400;

// The server's clock, as its answers' `Date` headers give it: checks that
// depend on the time (a number blocked until a date) use it, never this
// machine's. Without a server, the page's clock stands in.
let clockOffsetMs = 0;
function noteServerClock(response) {
  const date = Date.parse(response.headers.get('date') || '');
  if (Number.isFinite(date)) clockOffsetMs = date - Date.now();
}
const serverNow = () => new Date(Date.now() + clockOffsetMs).toISOString().replace(/\.\d+Z$/, 'Z');

// ------------------------------------------------------------------ snapshot

/**
 * Who the console acts as. `ocpolicy serve --demo` names its tenant and token
 * in the page (loopback only); otherwise the user signs in with a token and
 * picks a tenant it may see, kept for this tab only (sessionStorage). A page
 * opened on its own (no server) has no session and validates the bundled demo.
 */
function session() {
  const meta = (name) => document.querySelector(`meta[name="${name}"]`)?.content;
  if (meta('ocpolicy-api')) {
    return { token: meta('ocpolicy-token'), api: meta('ocpolicy-api'), snapshot: meta('ocpolicy-snapshot'), demo: true };
  }
  const token = sessionStorage.getItem('ocpolicy.token');
  const tenant = sessionStorage.getItem('ocpolicy.tenant');
  if (!token || !tenant) return null;
  const api = `/v1/tenants/${encodeURIComponent(tenant)}`;
  return { token, tenant, api, snapshot: `${api}/snapshot`, principal: sessionStorage.getItem('ocpolicy.principal'), role: sessionStorage.getItem('ocpolicy.role') };
}

/** Is the page served by `ocpolicy serve` (which says so in the page)? */
const served = () => Boolean(document.querySelector('meta[name="ocpolicy-server"]'));

function authHeaders(headers = {}) {
  const token = session()?.token;
  return token ? { ...headers, authorization: `Bearer ${token}` } : headers;
}

/**
 * Sign in: a token, then one of the tenants it may see (GET /v1/tenants).
 * Resolves once a tenant is chosen; the session is stored for this tab.
 */
function signIn() {
  const box = $('signin');
  const panels = document.querySelector('main');
  box.hidden = false;
  panels.hidden = true;
  document.body.dataset.ready = 'signin';
  const status = $('signin-status');
  const pick = $('signin-tenant');
  let principal = null;
  let role = null;
  return new Promise((resolve) => {
    $('signin-form').addEventListener('submit', async (e) => {
      e.preventDefault();
      const token = $('signin-token').value.trim();
      if (pick.value && principal) {
        sessionStorage.setItem('ocpolicy.token', token);
        sessionStorage.setItem('ocpolicy.tenant', pick.value);
        sessionStorage.setItem('ocpolicy.principal', principal);
        sessionStorage.setItem('ocpolicy.role', role);
        box.hidden = true;
        panels.hidden = false;
        resolve();
        return;
      }
      if (!token) {
        status.textContent = 'Paste the token you were given (it starts with ocp_).';
        return;
      }
      status.textContent = 'Checking the token…';
      let r;
      try {
        r = await fetch('/v1/tenants', { headers: { accept: 'application/json', authorization: `Bearer ${token}` } });
      } catch (err) {
        status.textContent = `The server could not be reached: ${err.message}`;
        return;
      }
      const answer = await r.json().catch(() => ({}));
      if (r.status === 401) {
        status.textContent = `The server does not know this token: ${answer.error?.message ?? 'sign in with a token from `ocpolicy token create`'}.`;
        return;
      }
      if (!r.ok) {
        status.textContent = `The server could not list your tenants (${r.status}): ${answer.error?.message ?? ''}`;
        return;
      }
      if (answer.role === 'platform') {
        status.textContent = 'This is the platform token: it runs the service and sees no tenant\'s data. Sign in with the token of a tenant admin or an auditor.';
        return;
      }
      if (!answer.tenants?.length) {
        status.textContent = `Signed in as ${answer.principal}, but there is no tenant this token may see yet.`;
        return;
      }
      principal = answer.principal;
      role = answer.role;
      pick.replaceChildren(...answer.tenants.map((t) => option(t)));
      $('signin-pick').hidden = false;
      $('signin-submit').textContent = 'Open tenant';
      status.textContent = `Signed in as ${answer.principal}: choose a tenant (${answer.tenants.length})${answer.role === 'operator' ? ' that added you as its operator' : ''}.`;
      if (answer.tenants.length === 1) $('signin-form').requestSubmit();
    });
  });
}

/** The tenant to validate against: the session's stored tenant on a server,
 * `?snapshot=URL`, otherwise the bundled demo. */
async function loadSnapshot() {
  const s = session();
  const url = new URLSearchParams(location.search).get('snapshot') || s?.snapshot || 'pkg/demo-snapshot.json';
  const r = await fetch(url, { headers: authHeaders({ accept: 'application/json' }) });
  if (r.status === 401 && s && !s.demo) {
    sessionStorage.clear();
    throw new Error('the server no longer accepts this token: reload the page and sign in again');
  }
  if (!r.ok) throw new Error(`the tenant snapshot at ${url} answered ${r.status}`);
  noteServerClock(r);
  return { snapshot: await r.json(), demo: !s && !location.search.includes('snapshot=') };
}

// ------------------------------------------------------------------ rendering violations

const SEVERITY = { Error: 'error', Warning: 'warning', Info: 'info' };

function message(v) {
  const cls = v.code === 'PLAN-PENDING' ? 'pending' : SEVERITY[v.severity] || 'info';
  const label = v.code === 'PLAN-PENDING' ? 'Checking' : v.severity;
  return el(
    'p',
    { class: `msg ${cls}`, 'data-code': v.code },
    el('span', { class: 'sev' }, `${label}:`),
    ' ',
    el('code', {}, v.code),
    ' ',
    v.message,
    ...(v.remediation && v.code !== 'PLAN-PENDING' ? [' ', el('span', { class: 'fix' }, `Fix: ${v.remediation}`)] : []),
  );
}

/** Does a violation's path belong to the field with `data-path` (one path,
 * or several separated by commas)? The most specific owner is the one with
 * the longest matching path. */
function ownership(fieldPaths, path) {
  if (!fieldPaths || !path) return 0;
  let best = 0;
  for (const fp of fieldPaths.split(',').map((x) => x.trim()).filter(Boolean)) {
    if (path === fp || path.startsWith(fp + '.') || path.startsWith(fp + '[') || path.endsWith('.' + fp)) best = Math.max(best, fp.length);
  }
  return best;
}
const owns = (fieldPaths, path) => ownership(fieldPaths, path) > 0;

/** An input error in plain words: what is wrong with which field, and how to
 * fix it, without the decoder's own text. */
function plainInputError(error, fields) {
  const f = fields.find((x) => owns(x.dataset.path, error.path));
  const label = f?.labels?.[0]?.dataset.name ?? f?.labels?.[0]?.textContent ?? f?.getAttribute('aria-label');
  let text = error.message;
  // serde's wording ("invalid type: string \"47,64\", expected f64 at line 1 column 9").
  const m = /^invalid type: (?:string )?"?([^"]*)"?, expected (f64|f32|a number|i\d+|u\d+)/.exec(text) || /expected (f64|a number)/.exec(text);
  if (m) text = `"${m[1] ?? ''}" is not a number; type digits with a decimal point, e.g. 47.64`;
  else text = text.replace(/ at line \d+ column \d+$/, '');
  return { f, text: label ? `${label}: ${text}` : text };
}

/** A panel: a form whose fields carry `data-path`, a verdict line and a box for
 * violations that belong to no field. */
class Panel {
  constructor({ form, verdict, other, describe, show, engine, full }) {
    Object.assign(this, { form, verdict, other, describe, show, engine, full });
    this.seq = 0;
    this.timer = 0;
    // Typing waits for a pause; picking from a list, or leaving a field,
    // checks at once. Any change clears the last server answer shown, which
    // was about the values before it.
    this.form.addEventListener('input', (e) => {
      this.clearResults();
      if (e.target.tagName === 'SELECT') return;
      this.form.dataset.state = 'typing';
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.validate(), PAUSE_MS);
    });
    this.form.addEventListener('change', () => this.validate());
    this.form.addEventListener('focusout', () => {
      if (this.form.dataset.state === 'typing') this.validate();
    });
  }

  clearResults() {
    for (const r of this.form.querySelectorAll('.submit-result')) r.textContent = '';
  }

  validate() {
    clearTimeout(this.timer);
    const seq = ++this.seq;
    const call = this.describe();
    const quick = exec(this.engine, call);
    const pending = planPending(quick);
    if (pending && this.full?.ready) {
      // The first module withheld a verdict: the full build gives it
      // (microseconds, off-thread), and only that one is shown: rendering the
      // provisional answer too would do the page's work twice per check.
      this.form.dataset.state = 'checking';
      this.settled = Promise.resolve(this.full.exec(call)).then((out) => {
        if (seq === this.seq) this.render(out, false);
      });
    } else {
      this.settled = null;
      this.render(quick, pending);
      if (pending) this.full?.waiting.add(this);
    }
    if (metrics.firstValidationMs === null) {
      metrics.firstValidationMs = performance.now();
      metrics.firstLoad = performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname);
    }
    return quick;
  }

  render(out, pending) {
    const fields = [...this.form.querySelectorAll('[data-path]')];
    for (const f of fields) {
      f.removeAttribute('aria-invalid');
      const box = f.getAttribute('aria-describedby') && $(f.getAttribute('aria-describedby'));
      if (box) box.replaceChildren();
    }
    this.other.replaceChildren();
    this.form.dataset.pending = pending ? 'true' : 'false';
    this.form.dataset.state = 'checked';
    if (out.error) {
      const { f, text } = plainInputError(out.error, fields);
      const p = el('p', { class: 'msg error', 'data-code': 'INPUT' }, el('span', { class: 'sev' }, 'Error:'), ' ', text);
      if (f) {
        f.setAttribute('aria-invalid', 'true');
        $(f.getAttribute('aria-describedby')).append(p);
      } else this.other.append(p);
      this.verdict.className = 'verdict denied';
      this.verdict.textContent = `Not yet: ${text}`;
      this.show?.(null);
      return;
    }
    const result = out.ok;
    const violations = typeof result === 'object' && result && Array.isArray(result.violations) ? result.violations : [];
    for (const v of violations) {
      // The most specific field that owns the path.
      const f = fields
        .map((x) => [x, ownership(x.dataset.path, v.path)])
        .filter(([, n]) => n > 0)
        .sort((a, b) => b[1] - a[1])[0]?.[0];
      if (f) {
        if (v.severity === 'Error' && v.code !== 'PLAN-PENDING') f.setAttribute('aria-invalid', 'true');
        $(f.getAttribute('aria-describedby')).append(message(v));
      } else this.other.append(message(v));
    }
    const errors = violations.filter((v) => v.severity === 'Error').length;
    const firstError = violations.find((v) => v.severity === 'Error');
    const warnings = violations.filter((v) => v.severity === 'Warning' && v.code !== 'PLAN-PENDING').length;
    const allowed = typeof result.allowed === 'boolean' ? result.allowed : errors === 0;
    this.verdict.className = `verdict ${allowed ? 'allowed' : 'denied'}${pending ? ' provisional' : ''}`;
    this.verdict.textContent =
      (allowed
        ? warnings
          ? `Allowed, with ${warnings} warning${warnings > 1 ? 's' : ''}`
          : 'Allowed'
        : `Denied: ${errors} error${errors > 1 ? 's' : ''}${firstError ? ` (${firstError.code}: ${firstError.message})` : ''}`) +
      (pending ? ' so far (the numbering-plan check is still loading)' : '');
    this.show?.(result);
  }
}

// ------------------------------------------------------------------ panels

/** How the user picker names an account: what an assignment to it needs. */
function accountLabel(a, numbers) {
  const held = numbers.filter((n) => n.assignment_status !== 'Unassigned' && (n.assigned_target || '').toLowerCase() === a.identity.toLowerCase());
  const parts = [
    a.kind === 'ResourceAccount' ? 'resource account' : 'user',
    a.usage_location ? `usage location ${a.usage_location}` : 'no usage location',
    a.licenses?.length ? a.licenses.join('+') : 'no licence',
    held.length ? `has ${held.map((n) => n.telephone_number).join(', ')}` : 'no number',
  ];
  return `${a.identity} (${parts.join(' · ')})`;
}

function assignPanel(engine, full, view) {
  const target = $('assign-target');
  /** The pickers, from the tenant as it is now (again after every commit). */
  const fill = () => {
    const tenant = view.tenant();
    const keep = target.value;
    target.replaceChildren(...tenant.accounts.map((a) => option(a.identity, accountLabel(a, tenant.numbers))));
    if (tenant.accounts.some((a) => a.identity === keep)) target.value = keep;
    $('assign-numbers').replaceChildren(
      ...tenant.numbers.map((n) => option(n.telephone_number, `${n.number_type} · ${n.assignment_status === 'Unassigned' ? 'free' : `assigned to ${n.assigned_target ?? n.assignment_status}`}`)),
    );
  };
  fill();
  const free = view.tenant().numbers.find((n) => n.assignment_status === 'Unassigned') || view.tenant().numbers[0];
  if (free) {
    $('assign-number').value = free.telephone_number;
    $('assign-type').value = free.number_type;
  }
  const request = () => {
    const accounts = view.tenant().accounts;
    const i = accounts.findIndex((a) => a.identity === target.value);
    const account = accounts[i];
    // Errors about the chosen account (its licences, usage location, mode)
    // belong to the account picker.
    target.dataset.path = i >= 0 ? `request.target, tenant.accounts[${i}]` : 'request.target';
    return {
      AssignNumber: {
        target: target.value,
        target_kind: account?.kind === 'ResourceAccount' ? 'ResourceAccount' : 'User',
        telephone_number: $('assign-number').value,
        number_type: $('assign-type').value,
        now: serverNow(),
      },
    };
  };
  const panel = new Panel({
    form: $('assign-form'),
    verdict: $('assign-verdict'),
    other: $('assign-other'),
    engine,
    full,
    describe: () => ({ on: 'tenant', method: 'check', input: request() }),
  });
  panel.fill = fill;
  submitOnEnter(panel, {
    form: 'assign-form',
    result: 'assign-submit-result',
    method: 'POST',
    path: 'assignments',
    body: () => {
      // The server supplies the clock of an enforced write.
      const { now: _now, ...asked } = request().AssignNumber;
      return { AssignNumber: asked };
    },
    what: 'this assignment',
    committed: 'Assigned',
    refresh: (fresh) => view.replace(fresh.snapshot),
  });
  return panel;
}

/** Where each place is: `Office 101, 1st Floor · 1 Microsoft Way, Redmond US`. */
function placeLabel(tenant, l) {
  const a = tenant.civic_addresses.find((x) => x.civic_address_id === l.civic_address_id);
  const where = a ? [[a.house_number, a.street_name, a.street_suffix].filter(Boolean).join(' '), a.city, a.country_or_region].filter(Boolean).join(', ') : `address ${l.civic_address_id}`;
  return `${l.place || 'the address itself'} · ${where} (${l.location_id})`;
}

/**
 * A number's emergency location, changed or cleared from its inventory row
 * (`Set-CsPhoneNumberAssignment -PhoneNumber -LocationId`). The rules decide
 * it as you choose: a location the operator manages is refused before you
 * submit (ELIG-LOCATION-UPDATE-LOCKED), as the server would.
 */
function relocatePanel(engine, full, view) {
  const form = $('relocate-form');
  const pick = $('relocate-location');
  let number = '';
  const fill = () => {
    const tenant = view.tenant();
    const keep = pick.value;
    pick.replaceChildren(option('', 'No location (clear it)'), ...tenant.locations.map((l) => option(l.location_id, placeLabel(tenant, l))));
    if ([...pick.options].some((o) => o.value === keep)) pick.value = keep;
  };
  const request = () => {
    const i = view.tenant().numbers.findIndex((n) => n.telephone_number === number);
    // What the rules say about the number itself belongs to the picker too.
    pick.dataset.path = `request.location_id, request.telephone_number${i >= 0 ? `, tenant.numbers[${i}]` : ''}`;
    return { UpdateNumberLocation: { telephone_number: number, location_id: pick.value || null } };
  };
  const panel = new Panel({
    form,
    verdict: $('relocate-verdict'),
    other: $('relocate-other'),
    engine,
    full,
    describe: () => ({ on: 'tenant', method: 'check', input: request() }),
  });
  panel.fill = fill;
  panel.open = (n) => {
    number = n;
    fill();
    const held = view.tenant().numbers.find((x) => x.telephone_number === n);
    pick.value = held?.location_id ?? '';
    $('relocate-number').textContent = n;
    $('relocate-current').textContent = held?.location_id
      ? `Now: ${placeLabel(view.tenant(), view.tenant().locations.find((l) => l.location_id === held.location_id) ?? { location_id: held.location_id, civic_address_id: '?' })}.`
      : 'Now: no location.';
    form.hidden = false;
    panel.clearResults();
    panel.validate();
  };
  // Until a number is chosen from the inventory there is nothing to decide.
  const validate = panel.validate.bind(panel);
  panel.validate = () => (number ? validate() : null);
  $('relocate-cancel').addEventListener('click', () => {
    form.hidden = true;
    number = '';
    $('inv-search').focus();
  });
  submitOnEnter(panel, {
    form: 'relocate-form',
    result: 'relocate-submit-result',
    method: 'PUT',
    path: () => `numbers/${encodeURIComponent(number)}/location`,
    body: () => ({ location_id: pick.value || null }),
    what: 'this location change',
    committed: 'Location changed',
    refresh: (fresh) => view.replace(fresh.snapshot),
  });
  return panel;
}

/**
 * Send a panel's change to the server's tenant API when its form is
 * submitted: the server decides it again against the stored tenant (with the
 * operators' plugins) and commits it, or refuses it with the full decision,
 * which the panel then shows. Without a server (the page opened on its own)
 * it says what the server would do.
 */
function submitOnEnter(panel, { form, result, method, path, body, what, committed, refresh }) {
  $(form).addEventListener('submit', (e) => {
    e.preventDefault();
    const out = panel.validate();
    const api = session()?.api;
    const status = $(result);
    if (!api) {
      status.textContent = out.ok?.allowed
        ? `No server here: the server would accept ${what}.`
        : `No server here: the server would refuse ${what}, for the reasons above.`;
      return;
    }
    fetch(`${api}/${typeof path === 'function' ? path() : path}`, { method, headers: authHeaders({ 'content-type': 'application/json' }), body: JSON.stringify(body()) })
      .then(async (r) => {
        const answer = await r.json();
        if (r.ok) {
          // Said once every view shows the stored tenant, not before.
          if (refresh) await refresh(await loadSnapshot());
          panel.validate();
          status.textContent = `${committed}: the server checked it against the stored tenant and committed it.`;
        } else if (r.status === 422) {
          status.textContent = 'The server refused it, for the reasons shown above.';
          panel.render({ ok: answer }, false);
        } else {
          status.textContent = `The server could not take it (${r.status}): ${answer.error?.message ?? ''}`;
        }
      })
      .catch((err) => {
        status.textContent = `The server could not be reached: ${err.message}`;
      });
  });
}

const ADDRESS_FIELDS = [
  ['company_name', 'Company name'],
  ['company_tax_id', 'Company tax ID'],
  ['house_number', 'House number'],
  ['house_number_suffix', 'House number suffix'],
  ['street_name', 'Street'],
  ['street_suffix', 'Street suffix'],
  ['city', 'City'],
  ['state_or_province', 'State or province'],
  ['postal_code', 'Postal code'],
  ['country_or_region', 'Country or region'],
  ['latitude', 'Latitude'],
  ['longitude', 'Longitude'],
  ['elin', 'ELIN'],
  ['description', 'Description'],
];

function fieldInput(prefix, path, name, label, value = '') {
  const id = `${prefix}-${name}`;
  const input = el('input', { id, name, autocomplete: 'off', spellcheck: 'false', 'data-path': path, 'aria-describedby': `${id}-msg` });
  input.value = value ?? '';
  return [el('div', { class: 'field' }, el('label', { for: id }, label), input, el('div', { class: 'msgs', id: `${id}-msg` })), input];
}

/** A decimal as people type it: `47.64` or, in most of Europe, `47,64`.
 * Anything else stays text, which the rules refuse naming the field. */
function decimal(v) {
  const t = v.replace(/\s/g, '');
  const n = /^[-+]?\d+(?:[.,]\d+)?$/.test(t) ? Number(t.replace(',', '.')) : NaN;
  return Number.isFinite(n) ? n : v;
}

/** The country picker: every ISO code the rules accept, by name; a stored
 * value that is not one stays offered, so the rules can say what is wrong. */
function countrySelect(id, path) {
  const select = el('select', { id, name: 'country_or_region', 'data-path': path, 'aria-describedby': `${id}-msg` }, option('', 'Choose a country or region'));
  for (const [code, name] of countryNames()) select.append(option(code, `${name} (${code})`));
  return select;
}

function setCountry(select, code) {
  const c = (code ?? '').toUpperCase();
  if (c && ![...select.options].some((o) => o.value === c)) select.append(option(c, `${c} (not an ISO 3166-1 code)`));
  select.value = c;
}

const NEW_ADDRESS = '';

function addressPanel(engine, full, view) {
  const grid = $('address-form').querySelector('.grid');
  const pick = $('address-pick');
  for (const [name, label] of ADDRESS_FIELDS) {
    if (name === 'country_or_region') {
      const select = countrySelect('address-country_or_region', 'address.country_or_region');
      grid.append(el('div', { class: 'field' }, el('label', { for: select.id }, label), select, el('div', { class: 'msgs', id: `${select.id}-msg` })));
    } else grid.append(fieldInput('address', `address.${name}`, name, label)[0]);
  }
  const conn = el('select', { id: 'address-connectivity', name: 'connectivity', 'data-path': 'connectivity', 'aria-describedby': 'address-connectivity-msg' },
    option('CallingPlan', 'Calling Plan'), option('OperatorConnect', 'Operator Connect'), option('DirectRouting', 'Direct Routing'));
  grid.append(el('div', { class: 'field' }, el('label', { for: 'address-connectivity' }, 'Connectivity'), conn, el('div', { class: 'msgs', id: 'address-connectivity-msg' })));
  let current = null;
  /** Show one address in the form (or a new, empty one). */
  const show = (a) => {
    current = a ?? { id: crypto.randomUUID(), company_name: '', country_or_region: '', validation_status: 'NotValidated' };
    for (const [name] of ADDRESS_FIELDS) {
      if (name === 'country_or_region') setCountry($('address-country_or_region'), current.country_or_region);
      else $(`address-${name}`).value = current[name] ?? '';
    }
    places();
  };
  const places = () => {
    const t = view.tenant();
    const here = (t.locations ?? []).filter((l) => l.civic_address_id === current.id);
    $('places-rows').replaceChildren(
      ...(here.length
        ? here.map((l) =>
            el('tr', { 'data-location': l.location_id }, el('th', { scope: 'row' }, l.location_id), el('td', {}, l.place || '(the address itself)'), el('td', {}, l.elin || '—'),
              el('td', {}, String(t.numbers.filter((n) => n.location_id === l.location_id).length))),
          )
        : [el('tr', {}, el('td', { colspan: '4' }, 'No places yet.'))]),
    );
  };
  const fill = () => {
    const list = view.tenant().civic_addresses ?? [];
    const keep = current?.id;
    pick.replaceChildren(
      ...list.map((a) => option(a.id, `${a.company_name || '(no company)'} · ${[a.house_number, a.street_name, a.city].filter(Boolean).join(' ')} · ${a.country_or_region} (${a.id})`)),
      option(NEW_ADDRESS, 'New address…'),
    );
    const stored = list.find((a) => a.id === keep);
    pick.value = stored ? stored.id : list.length && !current ? list[0].id : NEW_ADDRESS;
    if (!current) show(list[0]);
    else if (stored) {
      current = { ...stored, ...current };
      places();
    }
  };
  fill();
  pick.addEventListener('change', () => {
    show((view.tenant().civic_addresses ?? []).find((a) => a.id === pick.value));
    $('address-submit-result').textContent = '';
    panel.validate();
  });
  const address = () => {
    const a = { ...current };
    for (const [name] of ADDRESS_FIELDS) {
      const v = $(`address-${name}`).value.trim();
      if (name === 'latitude' || name === 'longitude') a[name] = v === '' ? null : decimal(v);
      else if (name === 'company_name' || name === 'country_or_region') a[name] = v;
      else a[name] = v === '' ? null : v;
    }
    return a;
  };
  const panel = new Panel({
    form: $('address-form'),
    verdict: $('address-verdict'),
    other: $('address-other'),
    engine,
    full,
    describe: () => ({ kind: 'address', input: { address: address(), connectivity: conn.value } }),
  });
  panel.fill = fill;
  submitOnEnter(panel, {
    form: 'address-form',
    result: 'address-submit-result',
    method: 'PUT',
    path: 'addresses',
    body: address,
    what: 'this address',
    committed: 'Saved',
    refresh: (fresh) => {
      current = address();
      view.replace(fresh.snapshot);
    },
  });
  // A place: the server decides it (the emergency rules' WriteLocation).
  $('place-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const status = $('place-result');
    $('place-msgs').replaceChildren();
    const place = $('place-text').value.trim();
    if (!place) {
      status.textContent = 'Name the place: a floor, suite or room, e.g. Floor 2, Suite 210.';
      return;
    }
    const api = session()?.api;
    const stored = (view.tenant().civic_addresses ?? []).some((a) => a.id === current.id);
    if (!api || !stored) {
      status.textContent = !api ? 'No server here: places are saved on the server.' : 'Save the address first: a place belongs to a saved address.';
      return;
    }
    const body = { location_id: crypto.randomUUID(), civic_address_id: current.id, place, elin: $('place-elin').value.trim() || null };
    const r = await fetch(`${api}/locations`, { method: 'PUT', headers: authHeaders({ 'content-type': 'application/json' }), body: JSON.stringify(body) }).catch((err) => ({ error: err }));
    if (r.error) {
      status.textContent = `The server could not be reached: ${r.error.message}`;
      return;
    }
    const answer = await r.json().catch(() => ({}));
    if (r.ok) {
      $('place-text').value = '';
      $('place-elin').value = '';
      view.replace((await loadSnapshot()).snapshot);
      status.textContent = `Added ${place}: the server checked it and committed it.`;
    } else {
      status.textContent = `The server refused the place (${r.status})${answer.error ? `: ${answer.error.message}` : ', for the reasons below'}.`;
      for (const v of answer.violations ?? []) $('place-msgs').append(message(v));
    }
  });
  $('place-form').addEventListener('input', () => {
    $('place-result').textContent = '';
  });
  return panel;
}

const NETWORK_FIELDS = [
  ['bssid', 'Wi-Fi BSSID', 'F0-6E-0B-C2-04-1A'],
  ['chassis_id', 'Switch chassis ID', ''],
  ['port_id', 'Switch port', ''],
  ['internal_ip', 'Internal IP', ''],
  ['prefix_length', 'Subnet prefix length', ''],
  ['external_ip', 'External (public) IP', '203.0.113.9'],
];

function networkPanel(engine, full, snapshot) {
  const grid = $('network-form').querySelector('.grid');
  const users = snapshot.tenant.accounts;
  const user = el('select', { id: 'network-user', name: 'user', 'data-path': 'user', 'aria-describedby': 'network-user-msg' }, ...users.map((a) => option(a.identity)));
  grid.append(el('div', { class: 'field' }, el('label', { for: 'network-user' }, 'Caller'), user, el('div', { class: 'msgs', id: 'network-user-msg' })));
  for (const [name, label, value] of NETWORK_FIELDS) grid.append(fieldInput('network', name, name, label, value)[0]);
  const context = () => {
    const c = { user: user.value, client_type: 'Windows' };
    for (const [name] of NETWORK_FIELDS) {
      const v = $(`network-${name}`).value.trim();
      if (v === '') continue;
      c[name] = name === 'prefix_length' && /^\d+$/.test(v) ? Number(v) : v;
    }
    return c;
  };
  const show = (resolution) => {
    const trace = $('network-trace');
    trace.replaceChildren();
    $('network-pidf').textContent = '';
    if (!resolution) return;
    for (const s of resolution.trace) {
      trace.append(el('li', { class: `step ${s.outcome}` }, el('strong', {}, s.step), ` ${s.outcome}${s.key ? ` (${s.key})` : ''}: ${s.reason}`));
    }
    const where = resolution.location ? `${resolution.location.location_id}${resolution.location.place ? ` · ${resolution.location.place}` : ''}` : 'no location';
    $('network-verdict').textContent = `${$('network-verdict').textContent} · ${where} (source ${resolution.source}, ${resolution.routing})`;
    if (resolution.address) {
      const pidf = engine.rules.run('render-pidf-lo', {
        entity: `pres:${user.value}`,
        address: resolution.address,
        location: resolution.location,
        method: 'LIS',
        timestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      });
      $('network-pidf').textContent = pidf.ok ?? `Cannot render: ${pidf.error.message}`;
    }
  };
  return new Panel({
    form: $('network-form'),
    verdict: $('network-verdict'),
    other: $('network-other'),
    engine,
    full,
    show,
    describe: () => ({ on: 'emergency', method: 'resolve', input: context() }),
  });
}

function bridgePanel(engine, full, snapshot) {
  const conf = configOf(snapshot, 'conferencing');
  const rows = $('bridge-rows');
  conf.bridge.numbers.forEach((n, i) => {
    const id = `bridge-number-${i}`;
    const input = el('input', { id, 'aria-label': `Bridge number ${i + 1}`, 'data-path': `bridge.numbers[${i}]`, 'aria-describedby': `${id}-msg`, autocomplete: 'off', spellcheck: 'false' });
    input.value = n.number;
    const sharing = el('select', { 'aria-label': `Sharing of bridge number ${i + 1}`, 'data-row': i }, option('', '—'), option('Shared'), option('Dedicated'));
    sharing.value = n.sharing || '';
    rows.append(el('tr', {}, el('td', {}, input), el('td', {}, n.toll_type), el('td', {}, n.source), el('td', {}, n.operator_id || '—'), el('td', {}, sharing), el('td', { class: 'msgs', id: `${id}-msg` })));
    $('bridge-numbers').append(option(n.number));
  });
  $('bridge-default').value = conf.bridge.default_service_number || '';
  const bridge = () => ({
    numbers: conf.bridge.numbers.map((n, i) => {
      const sharing = rows.querySelector(`select[data-row="${i}"]`).value;
      return { ...n, number: $(`bridge-number-${i}`).value.trim(), sharing: sharing || null };
    }),
    default_service_number: $('bridge-default').value.trim() || null,
  });
  const panel = new Panel({
    form: $('bridge-form'),
    verdict: $('bridge-verdict'),
    other: $('bridge-other'),
    engine,
    full,
    describe: () => ({
      kind: 'bridge',
      input: { bridge: bridge(), org_country: conf.org_country, communications_credits: conf.communications_credits ?? null, operators: conf.operators ?? null, organizers: conf.organizers ?? null },
    }),
  });
  submitOnEnter(panel, { form: 'bridge-form', result: 'bridge-submit-result', method: 'PUT', path: 'bridge', body: bridge, what: 'this bridge', committed: 'Saved' });
  return panel;
}

/**
 * The routing editor: every edit is linted after a pause, by the rules, on
 * the stored conferencing settings with the editor's sections in place; each
 * finding lands on the field its path names. Saving sends the changed
 * sections only (`PUT .../routing`), and the server lints them again.
 */
function routingPanel(engine, full, view) {
  const stored = () => view.snapshot.conferencing;
  let shownFrom = stored();
  let panel;
  const editor = routingEditor($('routing-editor'), { onStructure: () => panel.validate() });
  editor.fill(shownFrom);
  const titles = Object.fromEntries(SECTIONS.map((s) => [s.key, s.title]));
  const changed = (settings) => editor.changedKeys(shownFrom, settings);
  /** The lint of the stored settings with `settings` in place: `settle` for
   * the numbering plan's part (the bridge's numbers), once it is loaded. */
  const lintOf = (settings, settle) => {
    const doc = { ...view.snapshot, conferencing: { ...stored(), ...settings } };
    const opened = engine.rules.conferencing(configOf(doc, 'conferencing'));
    if (!opened.ok) return opened;
    const snapshot = opened.ok;
    if (!settle) {
      const out = snapshot.lint();
      snapshot.free();
      return out;
    }
    return Promise.resolve(snapshot.settleLint()).finally(() => snapshot.free());
  };
  const run = (call, settle) => (call.input.error ? { error: call.input.error } : lintOf(call.input.settings, settle));
  const show = (result) => {
    const got = editor.collect();
    const keys = got.settings ? changed(got.settings) : [];
    const edits = keys.length ? `changed: ${keys.map((k) => titles[k]).join(', ')}` : 'no changes yet';
    if (result) {
      const violations = result.violations ?? [];
      const errors = violations.filter((v) => v.severity === 'Error').length;
      const warnings = violations.filter((v) => v.severity === 'Warning' && v.code !== 'PLAN-PENDING').length;
      const verdict = $('routing-verdict');
      verdict.textContent = errors
        ? `Lint: ${errors} error${errors > 1 ? 's' : ''} (${violations.find((v) => v.severity === 'Error').code}); the server refuses to save until they are fixed · ${edits}`
        : `Lint: no errors${warnings ? `, ${warnings} warning${warnings > 1 ? 's' : ''}` : ''} · ${edits}`;
      editor.reveal(violations.map((v) => v.path));
    } else editor.reveal([]);
  };
  panel = new Panel({
    form: $('routing-form'),
    verdict: $('routing-verdict'),
    other: $('routing-other'),
    engine: { rules: { run: (_kind, input) => run({ input }, false) }, errors: {} },
    full: {
      get ready() {
        return full.ready;
      },
      waiting: full.waiting,
      exec: (call) => run(call, true),
    },
    show,
    describe: () => ({ kind: 'lint', input: editor.collect() }),
  });
  /** After a commit elsewhere, the stored routing is shown again, unless
   * there are edits here not yet saved: those are kept, and linted against
   * the new state. */
  panel.fill = (force = false) => {
    const got = editor.collect();
    if (!force && (got.error || changed(got.settings).length)) return;
    shownFrom = stored();
    editor.fill(shownFrom);
  };
  $('routing-discard').addEventListener('click', () => {
    panel.fill(true);
    panel.validate();
    $('routing-submit-result').textContent = 'Discarded: the stored routing is shown again.';
  });
  $('routing-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const out = panel.validate();
    const status = $('routing-submit-result');
    const got = editor.collect();
    if (got.error) {
      status.textContent = 'Fix the field marked above first.';
      return;
    }
    const keys = changed(got.settings);
    if (!keys.length) {
      status.textContent = 'Nothing to save: no section has changed.';
      return;
    }
    const body = Object.fromEntries(keys.map((k) => [k, got.settings[k]]));
    const api = session()?.api;
    const denied = (out.ok?.violations ?? []).some((v) => v.severity === 'Error');
    if (!api) {
      status.textContent = `No server here: the server would ${denied ? 'refuse these changes, for the reasons above' : 'accept these changes'}.`;
      return;
    }
    status.textContent = 'Saving…';
    const r = await fetch(`${api}/routing`, { method: 'PUT', headers: authHeaders({ 'content-type': 'application/json' }), body: JSON.stringify(body) }).catch((err) => ({ error: err }));
    if (r.error) {
      status.textContent = `The server could not be reached: ${r.error.message}`;
      return;
    }
    const answer = await r.json().catch(() => ({}));
    if (r.ok) {
      view.replace((await loadSnapshot()).snapshot);
      panel.fill(true);
      panel.validate();
      status.textContent = `Saved ${keys.map((k) => titles[k]).join(', ')}: the server linted the configuration again and committed it.`;
    } else if (r.status === 422) {
      panel.render({ ok: answer }, false);
      status.textContent = 'The server refused it, for the reasons shown above.';
    } else {
      status.textContent = `The server could not take it (${r.status}): ${answer.error?.message ?? ''}`;
    }
  });
  return panel;
}

function describeOutcome(o) {
  if (typeof o === 'string') return o === 'NotRoutable' ? 'not routable' : o;
  const [kind, f] = Object.entries(o)[0];
  switch (kind) {
    case 'Operator':
      return `through operator ${f.operator_id ?? '(unknown)'} on route ${f.route}, caller ID ${f.caller_id}`;
    case 'Gateways':
      return `through route ${f.route} to ${f.gateways.join(', ')}${f.backups.length ? ` (backups ${f.backups.join(', ')})` : ''}`;
    case 'Microsoft':
      return `through Microsoft${f.caller_id ? `, caller ID ${f.caller_id}` : ''}`;
    case 'Blocked':
      return `blocked by ${f.policy}${f.country ? ` (${f.country})` : ''}`;
    default:
      return kind;
  }
}

function dialoutPanel(engine, full, snapshot) {
  const organizer = $('dialout-organizer');
  // The organizer's dial-out policy, named as Teams names it; none granted
  // means the global policy, which allows international and domestic.
  const policyOf = (o) => (o.dial_out_policy ? `tag:${o.dial_out_policy.replace(/^tag:/, '')}` : 'Global (international and domestic allowed)');
  for (const o of snapshot.conferencing.organizers) {
    organizer.append(option(o.identity, `${o.identity} (usage location ${o.usage_location}; dial-out policy ${policyOf(o)})`));
  }
  const describePolicy = () => {
    const o = snapshot.conferencing.organizers.find((x) => x.identity === organizer.value);
    $('dialout-policy').textContent = o ? `Dial-out policy: ${policyOf(o)}. Usage location: ${o.usage_location}. Audio conferencing routing policy: ${o.audio_conferencing_routing_policy ?? 'Global'}.` : '';
  };
  organizer.addEventListener('change', describePolicy);
  describePolicy();
  $('dialout-dialed').value = '+442071234567';
  const show = (d) => {
    const trace = $('dialout-trace');
    trace.replaceChildren();
    if (!d) return;
    for (const s of d.trace) trace.append(el('li', { class: `step ${s.outcome}` }, el('strong', {}, s.step), ` ${s.outcome}${s.subject ? ` (${s.subject})` : ''}: ${s.reason}`));
    $('dialout-verdict').textContent = `${$('dialout-verdict').textContent} · ${d.normalized}: ${describeOutcome(d.outcome)}`;
  };
  return new Panel({
    form: $('dialout-form'),
    verdict: $('dialout-verdict'),
    other: $('dialout-other'),
    engine,
    full,
    show,
    describe: () => ({ on: 'conferencing', method: 'route', input: { organizer: organizer.value, dialed: $('dialout-dialed').value } }),
  });
}

/** Northwind's plugin (jco), loaded after the first validations. Its verdict is
 * the plugin's part alone: what it adds to the built-in decision. */
async function pluginPanel() {
  const [{ loadPlugin }, module, manifest, schemas] = await Promise.all([
    import('./plugin.js'),
    import('./pkg/plugin/own-ranges.js'),
    fetch('pkg/plugin/manifest.json').then((r) => r.json()),
    fetch('pkg/plugin/schemas.json').then((r) => r.json()),
  ]);
  const plugin = await loadPlugin({
    module,
    manifest,
    schemas,
    getCoreModule: (path) => WebAssembly.compileStreaming(fetch(new URL(`pkg/plugin/${path}`, location.href))),
  });
  const tenant = { tenant_id: 'plugin-demo', accounts: [], numbers: [], operators: [], civic_addresses: [], locations: [], voice_routes: [], voice_routing_policies: [] };
  const engine = {
    rules: {
      run: (_kind, input) => {
        const r = plugin.eligibility(tenant, input);
        return { ok: { allowed: !r.violations.some((v) => v.severity === 'Error'), violations: r.violations } };
      },
    },
    errors: {},
  };
  $('plugin-status').textContent = `Loaded: ${manifest.id}@${manifest.version}.`;
  const panel = new Panel({
    form: $('plugin-form'),
    verdict: $('plugin-verdict'),
    other: $('plugin-other'),
    engine,
    full: null,
    describe: () => ({
      kind: 'plugin',
      input: { UploadNumbers: { operator_id: 'OPX', numbers: [{ telephone_number: $('plugin-number').value, usage: 'CallingUserAssignment', iso_country_code: 'US', location_update_supported: true }] } },
    }),
  });
  panel.validate();
  document.body.dataset.plugin = 'ready';
}

// ------------------------------------------------------------------ start

/** The screens: one shown at a time, chosen by the address's `#…` (a screen,
 * or anything inside one), as the Teams admin center's pages are. */
function screens(onShow) {
  const all = [...document.querySelectorAll('main > .screen')];
  const show = () => {
    const id = location.hash.slice(1);
    const inside = id && document.getElementById(id);
    const screen = (inside && all.find((s) => s === inside || s.contains(inside))) || all[0];
    for (const s of all) s.hidden = s !== screen;
    for (const a of document.querySelectorAll('#screens a')) {
      if (a.getAttribute('href') === `#${screen.id}`) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    }
    document.body.dataset.screen = screen.id;
    onShow?.(screen.id);
    if (inside && inside !== screen) inside.scrollIntoView();
  };
  addEventListener('hashchange', show);
  show();
  return show;
}
let showScreen = () => {};

/** Open `id` (a screen, or something in one) now, and focus `focus` there. */
function go(id, focus) {
  if (location.hash !== `#${id}`) history.pushState(null, '', `#${id}`);
  showScreen();
  if (focus) $(focus).focus();
}

/** An operator's console: its own view of the tenant, and nothing of the
 * admin's screens (they are taken out of the page, not just hidden). */
async function operatorMain(who, rules) {
  for (const s of document.querySelectorAll('main > .screen')) if (s.id !== 'operator') s.remove();
  for (const a of document.querySelectorAll('#screens a')) a.remove();
  $('screens').append(el('a', { href: '#operator' }, 'Your numbers'));
  $('build-info').textContent = `Rules ${rules.witPackage}, running in this page.`;
  const operator = who.principal.replace(/^operator:/, '');
  const load = async () => (await loadSnapshot()).snapshot;
  const { operatorScreen } = await import('./operator.js');
  await operatorScreen({
    rules,
    operator,
    load,
    async release(number) {
      const r = await fetch(`${who.api}/numbers/${encodeURIComponent(number)}`, { method: 'DELETE', headers: authHeaders({ accept: 'application/json' }) }).catch((e) => ({ error: e }));
      if (r.error) return { ok: false, text: `The server could not be reached: ${r.error.message}` };
      const answer = await r.json().catch(() => ({}));
      if (r.ok) return { ok: true, text: `Released ${number}: the server checked it against the whole tenant and committed it.` };
      const codes = answer.violations?.filter((v) => v.severity === 'Error').map((v) => `${v.code}: ${v.message}`) ?? [];
      return { ok: false, text: `The server refused to release ${number}${codes.length ? `: ${codes.join('; ')}` : answer.error ? `: ${answer.error.message}` : ''}.` };
    },
    pauseMs: PAUSE_MS,
    async upload(request) {
      const n = request.UploadNumbers.numbers.length;
      const r = await fetch(`${who.api}/numbers`, { method: 'POST', headers: authHeaders({ 'content-type': 'application/json', accept: 'application/json' }), body: JSON.stringify(request) }).catch((e) => ({ error: e }));
      if (r.error) return { ok: false, text: `The server could not be reached: ${r.error.message}` };
      const answer = await r.json().catch(() => ({}));
      if (r.ok) return { ok: true, text: `Uploaded ${n} number${n > 1 ? 's' : ''}: the server checked them against the whole tenant and committed them.` };
      const errors = answer.violations?.filter((v) => v.severity === 'Error') ?? [];
      return {
        ok: false,
        violations: answer.violations,
        text: `The server refused the upload${errors.length ? `: ${errors.map((v) => v.code).join(', ')} (below)` : answer.error ? `: ${answer.error.message}` : ` (${r.status})`}. Nothing was stored.`,
      };
    },
  });
  // Numbers typed for upload may need the numbering plan (a country the
  // number's digits say); it loads after the view is shown.
  rules.loadNumberingPlan({ in: typeof Worker === 'function' ? 'worker' : 'page' }).catch(() => {});
  $('snapshot-status').textContent = `Tenant ${who.tenant} (operator view, from the server)`;
  $('plan-status').textContent = 'Rules ready.';
  showScreen = screens();
  document.body.dataset.ready = 'true';
}

async function main() {
  const rulesLoading = load();
  if (served() && !session() && !new URLSearchParams(location.search).get('snapshot')) await signIn();
  const who = session();
  if (who && !who.demo) {
    $('session').hidden = false;
    $('session-who').textContent = `${who.principal ?? 'signed in'} · tenant ${who.tenant}`;
    $('signout').addEventListener('click', () => {
      sessionStorage.clear();
      location.reload();
    });
  }
  if (who?.role === 'operator') {
    await operatorMain(who, await rulesLoading);
    return;
  }
  // The operator's screen is an operator's only.
  $('operator').remove();
  const [rules, { snapshot, demo }] = await Promise.all([rulesLoading, loadSnapshot()]);
  metrics.rulesReadyMs = performance.now();
  // The eligibility module alone: every family's follows after the first check (below).
  const engine = openAll(rules, snapshot);
  $('build-info').textContent = `Rules ${rules.witPackage}, running in this page.`;
  const describeSnapshot = (snap) => {
    $('snapshot-status').textContent = `Tenant ${snap.tenant.tenant_id} (${demo ? 'bundled demo' : 'from the server'})`;
    for (const [name, e] of Object.entries(engine.errors)) {
      $('snapshot-status').textContent += ` · the ${name} configuration is invalid at ${e.path}: ${e.message}`;
    }
  };
  describeSnapshot(snapshot);
  const planStatus = $('plan-status');
  planStatus.textContent = 'Full numbering-plan validation is loading; other checks are live.';
  const panels = [];
  // The full build is asked for only what the first module withholds; it
  // starts after the first validations, so it never competes with them.
  const full = { ready: false, waiting: new Set(), exec: null };
  const families = {};
  families.promise = new Promise((resolve, reject) => Object.assign(families, { resolve, reject }));
  families.promise.catch(() => {});

  /** Is this number's assignment still valid today? The rules decide it again
   * as if it were being made now, against the tenant as it is. */
  const verdict = (n) => {
    if (n.assignment_status === 'Unassigned') {
      return { state: 'free', label: 'Free', codes: [], text: '' };
    }
    if (n.assignment_status === 'ConferenceAssigned') {
      // A bridge number's rules are the bridge's (default, sharing, toll).
      return { state: 'bridge', label: 'Conference bridge', codes: [], text: 'its checks are on the Conferencing screen' };
    }
    const kind = KIND_OF_STATUS[n.assignment_status] || 'User';
    const call = { on: 'tenant', method: 'check', input: { AssignNumber: { target: n.assigned_target || '', target_kind: kind, telephone_number: n.telephone_number, number_type: n.number_type, now: serverNow() } } };
    const judge = (out) => {
      if (out.error) return { state: 'invalid', label: 'Cannot check', codes: [], text: plainInputError(out.error, []).text };
      const errors = out.ok.violations.filter((v) => v.severity === 'Error' && v.code !== 'PLAN-PENDING');
      if (errors.length) return { state: 'invalid', label: 'Not valid', codes: errors.map((v) => v.code), text: errors.map((v) => `${v.code}: ${v.message}`).join('; ') };
      if (planPending(out)) return { state: 'pending', label: 'Valid so far', codes: [], text: 'the numbering-plan check is still loading' };
      return warned(out.ok.violations);
    };
    const quick = exec(engine, call);
    const v = judge(quick);
    // The numbering plan's part, from the full build once it is there.
    if (v.state === 'pending' && full.ready) v.later = Promise.resolve(full.exec(call)).then(judge);
    return v;
  };

  const views = [];
  const view = {
    snapshot,
    tenant: () => view.snapshot.tenant,
    /** The stored tenant changed (a commit): check against the server's copy
     * from now on, and show it everywhere. */
    replace(fresh) {
      const next = engine.rules.openTenant(fresh);
      for (const k of ['tenant', 'emergency', 'conferencing']) {
        engine[k]?.free?.();
        engine[k] = next[k];
      }
      engine.errors = next.errors;
      view.snapshot = fresh;
      for (const v of views) v.render();
      for (const p of panels) p.fill?.();
    },
  };
  const assign = assignPanel(engine, full, view);
  const relocate = relocatePanel(engine, full, view);
  // The numbers screen's forms first; the emergency and conferencing ones
  // are built when their rules are in (below), so nothing delays the first check.
  panels.push(assign, relocate);
  const familyPanels = () => {
    const built = [addressPanel(engine, full, view), networkPanel(engine, full, view.snapshot)];
    if (view.snapshot.conferencing) built.push(bridgePanel(engine, full, view.snapshot), routingPanel(engine, full, view), dialoutPanel(engine, full, view.snapshot));
    else {
      for (const id of ['bridge-verdict', 'routing-verdict', 'dialout-verdict']) {
        $(id).className = 'verdict';
        $(id).textContent = 'This tenant has no conferencing configuration to check.';
      }
    }
    panels.push(...built);
    return built;
  };

  const writable = Boolean(who?.api) && !/^auditor:/.test(who?.principal ?? '');
  views.push(
    numbersScreen({
      tenant: view.tenant,
      verdict,
      writable,
      assign(number) {
        const n = view.tenant().numbers.find((x) => x.telephone_number === number);
        $('assign-number').value = number;
        if (n) $('assign-type').value = n.number_type;
        assign.validate();
        go('assign', 'assign-target');
      },
      // An auditor reads; anyone else may ask what a change would do.
      relocate: /^auditor:/.test(who?.principal ?? '')
        ? null
        : (number) => {
            relocate.open(number);
            go('relocate-form', 'relocate-location');
          },
      async unassign(number) {
        const r = await fetch(`${who.api}/assignments/${encodeURIComponent(number)}`, { method: 'DELETE', headers: authHeaders({ accept: 'application/json' }) }).catch((e) => ({ error: e }));
        if (r.error) return { text: `The server could not be reached: ${r.error.message}` };
        const answer = await r.json().catch(() => ({}));
        if (!r.ok) {
          const codes = answer.violations?.filter((v) => v.severity === 'Error').map((v) => `${v.code}: ${v.message}`) ?? [];
          return { text: `The server refused to unassign ${number}${codes.length ? `: ${codes.join('; ')}` : answer.error ? `: ${answer.error.message}` : ''}.` };
        }
        view.replace((await loadSnapshot()).snapshot);
        for (const p of panels) p.validate();
        return { text: `Unassigned ${number}: the server checked it against the stored tenant and committed it.` };
      },
    }),
    usersScreen({
      tenant: view.tenant,
      assignTo(identity) {
        $('assign-target').value = identity;
        assign.validate();
        go('assign', 'assign-number');
      },
    }),
  );
  /** One write through the server's API: `{ok}` or `{ok: false, text}`. */
  const write = async (method, path, body) => {
    const r = await fetch(`${who.api}/${path}`, { method, headers: authHeaders({ 'content-type': 'application/json' }), body: JSON.stringify(body) }).catch((e) => ({ error: e }));
    if (r.error) return { ok: false, text: `the server could not be reached: ${r.error.message}` };
    const answer = await r.json().catch(() => ({}));
    if (r.ok) return { ok: true };
    const errors = answer.violations?.filter((v) => v.severity === 'Error').map((v) => v.code) ?? [];
    return { ok: false, text: errors.length ? errors.join(', ') : (answer.error?.message ?? `status ${r.status}`) };
  };
  const afterWrites = async () => {
    view.replace((await loadSnapshot()).snapshot);
    for (const p of panels) p.validate();
  };
  /** The rules' answer, the numbering plan's part included once it is there
   * (a batch waits for every family's rules, which follow the first check). */
  const decide = async (call) => {
    await families.promise;
    const quick = exec(engine, call);
    return planPending(quick) && full.ready ? full.exec(call) : quick;
  };
  csvBatch({
    prefix: 'bulk',
    read: assignmentRows(view.tenant),
    writable,
    served: served(),
    check: (request) => decide({ on: 'tenant', method: 'check', input: { AssignNumber: { ...request.AssignNumber, now: serverNow() } } }),
    post: (request) => write('POST', 'assignments', request),
    committed: afterWrites,
  });
  views.push(lisScreen({ emergency: () => view.snapshot.emergency }));
  csvBatch({
    prefix: 'lis',
    read: lisRows,
    writable,
    served: served(),
    check: (request) => decide({ on: 'emergency', method: 'check', input: request.SetLisEntry ? { SetLisEntry: { ...request.SetLisEntry, now: serverNow() } } : request }),
    post: (_request, row) => write('PUT', row.write, row.body),
    committed: afterWrites,
  });
  const audit = auditScreen({ api: () => who?.api, headers: authHeaders });
  reviewScreen({ api: () => who?.api, headers: authHeaders, tenant: view.tenant });
  showScreen = screens((id) => id === 'audit' && audit.load());

  for (const p of panels) p.validate();
  // The emergency and conferencing forms say why they are empty until their
  // rules are in (a few tens of milliseconds).
  for (const [id, family] of [['address-verdict', 'emergency'], ['network-verdict', 'emergency'], ['bridge-verdict', 'conferencing'], ['routing-verdict', 'conferencing'], ['dialout-verdict', 'conferencing']]) {
    $(id).className = 'verdict provisional';
    $(id).textContent = `Checking: the ${family} rules are loading`;
  }
  // Right after the first validations, so that it never competes with them:
  // the module with every family (the emergency and conferencing screens),
  // then the numbering plan in its worker.
  setTimeout(() => {
    import('./pkg/rules/index.js')
      .then(({ load: loadEvery }) => loadEvery())
      .then((every) => {
        const next = every.openTenant(view.snapshot);
        for (const k of ['tenant', 'emergency', 'conferencing']) {
          engine[k]?.free?.();
          engine[k] = next[k];
        }
        engine.errors = next.errors;
        engine.rules = every;
        metrics.familiesReadyMs = performance.now();
        describeSnapshot(view.snapshot);
        for (const p of familyPanels()) p.validate();
        families.resolve();
        document.body.dataset.ready = 'true';
        loadPlan(every);
      })
      .catch((e) => {
        planStatus.textContent = `The emergency and conferencing rules could not be loaded (${e.message}); the numbers and users screens are live.`;
        families.reject(e);
        document.body.dataset.ready = 'partial';
      });
  }, 0);
  const loadPlan = (every) => {
    full.exec = (call) => exec(engine, call, true);
    every
      .loadNumberingPlan({ in: typeof Worker === 'function' ? 'worker' : 'page' })
      .then(() => {
        metrics.planReadyMs = performance.now();
        planStatus.textContent = 'Full validation ready, numbering plan included.';
        document.body.dataset.plan = 'ready';
        full.ready = true;
        for (const panel of full.waiting) panel.validate();
        full.waiting.clear();
        for (const v of views) v.render();
      })
      .catch((e) => {
        planStatus.textContent = `The numbering plan could not be loaded (${e.message}); checks that need it stay pending.`;
      });
    if (typeof Worker === 'function') {
      pluginPanel().catch((e) => {
        $('plugin-status').textContent = `The plugin could not be loaded: ${e.message}`;
      });
    }
  };
  Object.assign(window.ocpolicy, { panels, engine, view });
}

main().catch((e) => {
  $('snapshot-status').textContent = `The console could not start: ${e.message}`;
  document.body.dataset.ready = 'failed';
  throw e;
});
