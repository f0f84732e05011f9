// The ocpolicy console: three panels whose every field is checked, on every
// keystroke, by the rules the server enforces, through the public API of the
// npm package @ocpolicy/rules (web/pkg/rules, built from web/package): its
// first module in this thread, and checks that need the numbering plan
// finished by its full module in a Web Worker. Nothing here waits on the
// network after the page has loaded.

import { load, planPending, configOf } from './pkg/rules/index.js';

/** Every snapshot of the stored tenant document, opened once. */
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

const metrics = { rulesReadyMs: null, firstValidationMs: null, planReadyMs: null };
window.ocpolicy = { metrics };
const $ = (id) => document.getElementById(id);
const el = (tag, attrs = {}, ...children) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v;
    else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c);
  return e;
};

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
  return { token, tenant, api, snapshot: `${api}/snapshot`, principal: sessionStorage.getItem('ocpolicy.principal') };
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
  return new Promise((resolve) => {
    $('signin-form').addEventListener('submit', async (e) => {
      e.preventDefault();
      const token = $('signin-token').value.trim();
      if (pick.value && principal) {
        sessionStorage.setItem('ocpolicy.token', token);
        sessionStorage.setItem('ocpolicy.tenant', pick.value);
        sessionStorage.setItem('ocpolicy.principal', principal);
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
      if (answer.role === 'operator') {
        status.textContent = `Signed in as ${answer.principal}: the console's panels are a tenant admin's. An operator reads its own view of each tenant that added it (${answer.tenants.length}) through the API: GET /v1/tenants/{tenant}/snapshot.`;
        return;
      }
      if (!answer.tenants?.length) {
        status.textContent = `Signed in as ${answer.principal}, but there is no tenant this token may see yet.`;
        return;
      }
      principal = answer.principal;
      pick.replaceChildren(...answer.tenants.map((t) => option(t)));
      $('signin-pick').hidden = false;
      $('signin-submit').textContent = 'Open tenant';
      status.textContent = `Signed in as ${answer.principal}: choose a tenant (${answer.tenants.length}).`;
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

/** Does a violation's path belong to the field with `data-path`? */
function owns(fieldPath, path) {
  if (!fieldPath || !path) return false;
  return path === fieldPath || path.startsWith(fieldPath + '.') || path.startsWith(fieldPath + '[') || path.endsWith('.' + fieldPath);
}

/** A panel: a form whose fields carry `data-path`, a verdict line and a box for
 * violations that belong to no field. */
class Panel {
  constructor({ form, verdict, other, describe, show, engine, full }) {
    Object.assign(this, { form, verdict, other, describe, show, engine, full });
    this.seq = 0;
    this.form.addEventListener('input', () => this.validate());
    this.form.addEventListener('change', () => this.validate());
  }

  validate() {
    const seq = ++this.seq;
    const call = this.describe();
    const quick = exec(this.engine, call);
    const pending = planPending(quick);
    if (pending && this.full?.ready) {
      // The first module withheld a verdict: the full build gives it (microseconds, off-thread).
      this.render(quick, true);
      Promise.resolve(this.full.exec(call)).then((out) => seq === this.seq && this.render(out, false));
    } else {
      this.render(quick, pending);
      if (pending) this.full?.waiting.add(this);
    }
    if (metrics.firstValidationMs === null) metrics.firstValidationMs = performance.now();
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
    if (out.error) {
      const f = fields.find((x) => owns(x.dataset.path, out.error.path));
      const p = el('p', { class: 'msg error', 'data-code': 'INPUT' }, el('span', { class: 'sev' }, 'Input:'), ' ', out.error.path ? `${out.error.path}: ` : '', out.error.message);
      if (f) {
        f.setAttribute('aria-invalid', 'true');
        $(f.getAttribute('aria-describedby')).append(p);
      } else this.other.append(p);
      this.verdict.className = 'verdict denied';
      this.verdict.textContent = 'Cannot decide: fix the input';
      this.show?.(null);
      return;
    }
    const result = out.ok;
    const violations = typeof result === 'object' && result && Array.isArray(result.violations) ? result.violations : [];
    for (const v of violations) {
      // The most specific field that owns the path.
      const f = fields.filter((x) => owns(x.dataset.path, v.path)).sort((a, b) => b.dataset.path.length - a.dataset.path.length)[0];
      if (f) {
        if (v.severity === 'Error' && v.code !== 'PLAN-PENDING') f.setAttribute('aria-invalid', 'true');
        $(f.getAttribute('aria-describedby')).append(message(v));
      } else this.other.append(message(v));
    }
    const errors = violations.filter((v) => v.severity === 'Error').length;
    const warnings = violations.filter((v) => v.severity === 'Warning' && v.code !== 'PLAN-PENDING').length;
    const allowed = typeof result.allowed === 'boolean' ? result.allowed : errors === 0;
    this.verdict.className = `verdict ${allowed ? 'allowed' : 'denied'}${pending ? ' provisional' : ''}`;
    this.verdict.textContent =
      (allowed ? (warnings ? `Allowed, with ${warnings} warning${warnings > 1 ? 's' : ''}` : 'Allowed') : `Denied: ${errors} error${errors > 1 ? 's' : ''}`) +
      (pending ? ' so far (the numbering-plan check is still loading)' : '');
    this.show?.(result);
  }
}

// ------------------------------------------------------------------ panels

function option(value, text = value) {
  return el('option', { value }, text);
}

function assignPanel(engine, full, snapshot) {
  const tenant = snapshot.tenant;
  const target = $('assign-target');
  for (const a of tenant.accounts) target.append(option(a.identity, `${a.identity} (${a.kind})`));
  for (const n of tenant.numbers) $('assign-numbers').append(option(n.telephone_number, `${n.number_type} · ${n.assignment_status}`));
  const free = tenant.numbers.find((n) => n.assignment_status === 'Unassigned') || tenant.numbers[0];
  if (free) {
    $('assign-number').value = free.telephone_number;
    $('assign-type').value = free.number_type;
  }
  const request = () => {
    const account = tenant.accounts.find((a) => a.identity === target.value);
    return {
      AssignNumber: {
        target: target.value,
        target_kind: account?.kind === 'ResourceAccount' ? 'ResourceAccount' : 'User',
        telephone_number: $('assign-number').value,
        number_type: $('assign-type').value,
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
  submitOnEnter(panel, {
    form: 'assign-form',
    result: 'assign-submit-result',
    method: 'POST',
    path: 'assignments',
    body: request,
    what: 'this assignment',
    committed: 'Assigned',
    async refresh(fresh) {
      // The stored tenant changed: validate against the server's copy from now on.
      const t = engine.rules.tenant(fresh.snapshot.tenant);
      if (t.ok) {
        engine.tenant?.free();
        engine.tenant = t.ok;
      }
    },
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
    fetch(`${api}/${path}`, { method, headers: authHeaders({ 'content-type': 'application/json' }), body: JSON.stringify(body()) })
      .then(async (r) => {
        const answer = await r.json();
        if (r.ok) {
          status.textContent = `${committed}: the server checked it against the stored tenant and committed it.`;
          if (refresh) await refresh(await loadSnapshot());
          panel.validate();
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
  ['house_number', 'House number'],
  ['street_name', 'Street'],
  ['street_suffix', 'Street suffix'],
  ['city', 'City'],
  ['state_or_province', 'State or province'],
  ['postal_code', 'Postal code'],
  ['country_or_region', 'Country (ISO 3166-1 alpha-2)'],
  ['latitude', 'Latitude'],
  ['longitude', 'Longitude'],
  ['elin', 'ELIN'],
];

function fieldInput(prefix, path, name, label, value = '') {
  const id = `${prefix}-${name}`;
  const input = el('input', { id, name, autocomplete: 'off', spellcheck: 'false', 'data-path': path, 'aria-describedby': `${id}-msg` });
  input.value = value ?? '';
  return [el('div', { class: 'field' }, el('label', { for: id }, label), input, el('div', { class: 'msgs', id: `${id}-msg` })), input];
}

function addressPanel(engine, full, snapshot) {
  const base = snapshot.tenant.civic_addresses?.[0] || { id: 'A1', company_name: 'Contoso', country_or_region: 'US', validation_status: 'NotValidated' };
  const grid = $('address-form').querySelector('.grid');
  for (const [name, label] of ADDRESS_FIELDS) grid.append(fieldInput('address', `address.${name}`, name, label, base[name])[0]);
  const conn = el('select', { id: 'address-connectivity', name: 'connectivity', 'data-path': 'connectivity', 'aria-describedby': 'address-connectivity-msg' },
    option('CallingPlan', 'Calling Plan'), option('OperatorConnect', 'Operator Connect'), option('DirectRouting', 'Direct Routing'));
  grid.append(el('div', { class: 'field' }, el('label', { for: 'address-connectivity' }, 'Connectivity'), conn, el('div', { class: 'msgs', id: 'address-connectivity-msg' })));
  const address = () => {
    const a = { ...base };
    for (const [name] of ADDRESS_FIELDS) {
      const v = $(`address-${name}`).value.trim();
      if (name === 'latitude' || name === 'longitude') a[name] = v === '' ? null : Number.isFinite(Number(v)) ? Number(v) : v;
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
  submitOnEnter(panel, { form: 'address-form', result: 'address-submit-result', method: 'PUT', path: 'addresses', body: address, what: 'this address', committed: 'Saved' });
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
  for (const o of snapshot.conferencing.organizers) organizer.append(option(o.identity, `${o.identity} (${o.usage_location})`));
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
  const [rules, { snapshot, demo }] = await Promise.all([rulesLoading, loadSnapshot()]);
  metrics.rulesReadyMs = performance.now();
  const engine = openAll(rules, snapshot);
  $('snapshot-status').textContent = `Tenant ${snapshot.tenant.tenant_id} (${demo ? 'bundled demo' : 'from the server'})`;
  $('build-info').textContent = `Rules ${rules.witPackage}, running in this page.`;
  for (const [name, e] of Object.entries(engine.errors)) {
    $('snapshot-status').textContent += ` · the ${name} configuration is invalid at ${e.path}: ${e.message}`;
  }
  const planStatus = $('plan-status');
  planStatus.textContent = 'Full numbering-plan validation is loading; other checks are live.';
  const panels = [];
  // The full build is asked for only what the first module withholds; it
  // starts after the first validations, so it never competes with them.
  const full = { ready: false, waiting: new Set(), exec: null };
  panels.push(assignPanel(engine, full, snapshot), addressPanel(engine, full, snapshot), networkPanel(engine, full, snapshot));
  if (snapshot.conferencing) panels.push(bridgePanel(engine, full, snapshot), dialoutPanel(engine, full, snapshot));
  for (const p of panels) p.validate();
  document.body.dataset.ready = 'true';
  // After the first validations, so that it never competes with them.
  setTimeout(() => {
    full.exec = (call) => exec(engine, call, true);
    rules
      .loadNumberingPlan({ in: typeof Worker === 'function' ? 'worker' : 'page' })
      .then(() => {
        metrics.planReadyMs = performance.now();
        planStatus.textContent = 'Full validation ready, numbering plan included.';
        document.body.dataset.plan = 'ready';
        full.ready = true;
        for (const panel of full.waiting) panel.validate();
        full.waiting.clear();
      })
      .catch((e) => {
        planStatus.textContent = `The numbering plan could not be loaded (${e.message}); checks that need it stay pending.`;
      });
    if (typeof Worker === 'function') {
      pluginPanel().catch((e) => {
        $('plugin-status').textContent = `The plugin could not be loaded: ${e.message}`;
      });
    }
  }, 0);
  Object.assign(window.ocpolicy, { panels, engine });
}

main().catch((e) => {
  $('snapshot-status').textContent = `The console could not start: ${e.message}`;
  document.body.dataset.ready = 'failed';
  throw e;
});
