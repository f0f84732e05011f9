// The console's tenant views: the number inventory (search, filters, each
// assignment's verdict today, per-row actions, CSV export), the users and
// resource accounts, and the audit log. The verdicts come from the same rules
// the server enforces (app.js passes them in); nothing here decides.

import { $, el, option, choices, csv, download, parseCsv } from './dom.js';

/** The target kind an assignment status stands for. */
export const KIND_OF_STATUS = { UserAssigned: 'User', VoiceApplicationAssigned: 'ResourceAccount', ConferenceAssigned: 'ConferenceBridge' };

const same = (a, b) => (a || '').toLowerCase() === (b || '').toLowerCase();

/** A valid verdict, with the rules' warnings named (a number still pending
 * activation may be assigned, and the rules say so). */
export function warned(violations) {
  const warnings = violations.filter((v) => v.severity === 'Warning' && v.code !== 'PLAN-PENDING');
  if (!warnings.length) return { state: 'valid', label: 'Valid', codes: [], text: '' };
  return {
    state: 'valid',
    label: `Valid, with ${warnings.length === 1 ? 'a warning' : `${warnings.length} warnings`}`,
    codes: warnings.map((v) => v.code),
    text: warnings.map((v) => `${v.code}: ${v.message}`).join('; '),
  };
}

function verdictCell(v) {
  return el('td', { class: `verdict-cell ${v.state}` }, el('span', { class: 'badge' }, v.label), v.text ? el('span', { class: 'why' }, ` ${v.text}`) : null);
}

/**
 * The number inventory. `ctx`: `tenant()` (the current tenant facts),
 * `verdict(number)` (`{state: 'valid'|'invalid'|'pending'|'free', codes,
 * text}`), `assign(number)` (opens the assign form on it), `unassign(number)`
 * (a promise of `{ok, text}`), `relocate(number)` (opens the location form on
 * it; absent for a read-only session), `writable` (may this session write).
 */
export function numbersScreen(ctx) {
  const f = {
    search: $('inv-search'),
    type: $('inv-type'),
    state: $('inv-state'),
    operator: $('inv-operator'),
    country: $('inv-country'),
    assigned: $('inv-assigned'),
  };
  f.assigned.replaceChildren(option('', 'Assigned or not'), option('assigned', 'Assigned'), option('unassigned', 'Not assigned'));
  const rows = $('inv-rows');
  let shown = [];

  const matches = (n) => {
    const q = f.search.value.trim().toLowerCase();
    const hay = [n.telephone_number, n.assigned_target, n.location_id, n.operator_id].filter(Boolean).join(' ').toLowerCase();
    const digits = q.replace(/[^\d+]/g, '');
    return (
      (!q || hay.includes(q) || (digits.length > 2 && n.telephone_number.includes(digits))) &&
      (!f.type.value || n.number_type === f.type.value) &&
      (!f.state.value || n.activation_state === f.state.value) &&
      (!f.operator.value || n.operator_id === f.operator.value) &&
      (!f.country.value || n.iso_country_code === f.country.value) &&
      (!f.assigned.value || (f.assigned.value === 'assigned') === (n.assignment_status !== 'Unassigned'))
    );
  };

  function render() {
    const numbers = ctx.tenant().numbers;
    choices(f.type, 'type', numbers.map((n) => n.number_type));
    choices(f.state, 'state', numbers.map((n) => n.activation_state));
    choices(f.operator, 'operator', numbers.map((n) => n.operator_id));
    choices(f.country, 'country', numbers.map((n) => n.iso_country_code));
    shown = numbers.filter(matches).map((n) => ({ n, v: ctx.verdict(n) }));
    rows.replaceChildren(
      ...shown.map(({ n, v }) => {
        const actions = [];
        if (n.assignment_status === 'Unassigned') {
          actions.push(el('button', { type: 'button', 'data-action': 'assign', 'aria-label': `Assign ${n.telephone_number}` }, 'Assign…'));
        } else if (ctx.writable) {
          actions.push(el('button', { type: 'button', 'data-action': 'unassign', 'aria-label': `Unassign ${n.telephone_number}` }, 'Unassign'));
        }
        if (ctx.relocate) actions.push(el('button', { type: 'button', 'data-action': 'relocate', 'aria-label': `Change location of ${n.telephone_number}` }, 'Change location'));
        const tr = el(
          'tr',
          { 'data-number': n.telephone_number, 'data-verdict': v.state },
          el('th', { scope: 'row' }, n.telephone_number),
          el('td', {}, n.number_type),
          el('td', {}, n.activation_state),
          el('td', {}, n.operator_id || '—'),
          el('td', {}, n.iso_country_code || '—'),
          el('td', {}, n.location_id || '—'),
          el('td', {}, n.assigned_target || (n.assignment_status === 'Unassigned' ? 'Not assigned' : n.assignment_status)),
          verdictCell(v),
          el('td', { class: 'actions' }, ...actions),
        );
        return tr;
      }),
    );
    for (const s of shown) {
      s.v.later?.then((v) => {
        s.v = v;
        const tr = rows.querySelector(`tr[data-number="${CSS.escape(s.n.telephone_number)}"]`);
        if (!tr) return;
        tr.dataset.verdict = v.state;
        tr.querySelector('.verdict-cell').replaceWith(verdictCell(v));
        count();
      });
    }
    count();
  }

  function count() {
    const numbers = ctx.tenant().numbers;
    const invalid = shown.filter((s) => s.v.state === 'invalid').length;
    $('inv-count').textContent = `${shown.length} of ${numbers.length} numbers${invalid ? `; ${invalid} assignment${invalid > 1 ? 's are' : ' is'} no longer valid` : ''}.`;
  }

  for (const input of Object.values(f)) input.addEventListener('input', render);
  $('inventory-filters').addEventListener('submit', (e) => e.preventDefault());
  rows.addEventListener('click', async (e) => {
    const button = e.target.closest('button[data-action]');
    if (!button) return;
    const number = button.closest('tr').dataset.number;
    const status = $('inv-result');
    if (button.dataset.action === 'assign') {
      status.textContent = '';
      ctx.assign(number);
      return;
    }
    if (button.dataset.action === 'relocate') {
      status.textContent = '';
      ctx.relocate(number);
      return;
    }
    button.disabled = true;
    status.textContent = `Unassigning ${number}…`;
    const out = await ctx.unassign(number);
    status.textContent = out.text;
    render();
  });
  $('inv-export').addEventListener('click', () => {
    const header = ['TelephoneNumber', 'NumberType', 'ActivationState', 'OperatorId', 'IsoCountryCode', 'LocationId', 'AssignedTarget', 'AssignmentStatus', 'Verdict', 'Codes'];
    const body = shown.map(({ n, v }) => [n.telephone_number, n.number_type, n.activation_state, n.operator_id, n.iso_country_code, n.location_id, n.assigned_target, n.assignment_status, v.label, v.codes.join(' ')]);
    download(`numbers-${ctx.tenant().tenant_id}.csv`, csv(header, body));
    $('inv-result').textContent = `Exported ${body.length} numbers as CSV.`;
  });
  render();
  return { render };
}

/** The users and resource accounts: what an assignment to each needs, and its number. */
export function usersScreen(ctx) {
  const rows = $('users-rows');
  const search = $('users-search');
  function render() {
    const t = ctx.tenant();
    const q = search.value.trim().toLowerCase();
    const list = t.accounts.filter((a) => !q || `${a.identity} ${a.usage_location ?? ''} ${a.kind}`.toLowerCase().includes(q));
    rows.replaceChildren(
      ...list.map((a) => {
        const held = t.numbers.filter((n) => n.assignment_status !== 'Unassigned' && same(n.assigned_target, a.identity)).map((n) => n.telephone_number);
        return el(
          'tr',
          { 'data-identity': a.identity },
          el('th', { scope: 'row' }, a.identity),
          el('td', {}, a.kind === 'ResourceAccount' ? 'Resource account' : 'User'),
          el('td', {}, a.usage_location || 'Not set'),
          el('td', {}, a.licenses?.length ? a.licenses.join(', ') : 'None'),
          el('td', {}, a.teams_mode || '—'),
          el('td', {}, a.enterprise_voice_enabled ? 'Yes' : 'No'),
          el('td', {}, held.length ? held.join(', ') : 'None'),
          el('td', { class: 'actions' }, el('button', { type: 'button', 'data-action': 'assign-to', 'aria-label': `Assign a number to ${a.identity}` }, 'Assign a number…')),
        );
      }),
    );
  }
  search.addEventListener('input', render);
  rows.addEventListener('click', (e) => {
    const button = e.target.closest('button[data-action="assign-to"]');
    if (button) ctx.assignTo(button.closest('tr').dataset.identity);
  });
  render();
  return { render };
}

/** The audit log, read from the server when the screen is opened. */
export function auditScreen(ctx) {
  const rows = $('audit-rows');
  const status = $('audit-status');
  async function load() {
    if (!ctx.api()) {
      status.textContent = 'No server here: the audit log is kept by the server (ocpolicy serve), which records every write it decides.';
      return;
    }
    status.textContent = 'Loading the audit log…';
    let r;
    try {
      r = await fetch(`${ctx.api()}/audit`, { headers: ctx.headers({ accept: 'application/json' }) });
    } catch (err) {
      status.textContent = `The server could not be reached: ${err.message}`;
      return;
    }
    const answer = await r.json().catch(() => null);
    if (!r.ok) {
      status.textContent = `The server would not show the audit log (${r.status}): ${answer?.error?.message ?? ''}`;
      return;
    }
    rows.replaceChildren(
      ...answer.map((a) =>
        el(
          'tr',
          { 'data-id': a.id },
          el('td', {}, el('time', { datetime: a.at }, a.at.replace('T', ' ').replace(/(\.\d+)?Z$/, ' UTC'))),
          el('td', {}, a.principal),
          el('td', {}, a.action),
          el('td', { class: a.allowed ? 'ok' : 'refused' }, a.allowed ? 'Committed' : 'Refused'),
          el('td', {}, a.codes.length ? a.codes.join(', ') : '—'),
        ),
      ),
    );
    status.textContent = answer.length ? `${answer.length} record${answer.length > 1 ? 's' : ''}, newest first.` : 'Nothing recorded yet: no write has been asked of this tenant.';
    document.body.dataset.audit = 'loaded';
  }
  $('audit-refresh').addEventListener('click', load);
  return { load };
}

/**
 * The whole-tenant review (`GET /v1/tenants/{t}/review`, what `ocpolicy
 * audit` prints): what was examined, the counts, and every finding with its
 * fix, filtered by severity and family, exportable as CSV. `ctx`: `api()`,
 * `headers()`, `tenant()`.
 */
export function reviewScreen(ctx) {
  const rows = $('review-rows');
  const status = $('review-status');
  const severity = $('review-severity');
  const family = $('review-family');
  let audit = null;
  const shown = () => (audit?.findings ?? []).filter((f) => (!severity.value || f.severity === severity.value) && (!family.value || f.family === family.value));
  function render() {
    if (!audit) return;
    const list = shown();
    rows.replaceChildren(
      ...list.map((f) =>
        el(
          'tr',
          { 'data-code': f.code, 'data-severity': f.severity },
          el('td', { class: `sev-${f.severity.toLowerCase()}` }, f.severity),
          el('td', {}, el('code', {}, f.code)),
          el('td', {}, f.family),
          el('td', {}, f.subject),
          el('td', {}, f.message, el('span', { class: 'fix' }, ` Fix: ${f.fix}`)),
        ),
      ),
    );
    $('review-count').textContent = `${list.length} of ${audit.findings.length} findings shown.`;
  }
  async function run() {
    if (!ctx.api()) {
      status.textContent = 'No server here: the review runs on the server (ocpolicy serve), against the stored tenant; `ocpolicy audit tenant.json` runs it on a file.';
      return;
    }
    status.textContent = 'Reviewing the whole tenant…';
    const r = await fetch(`${ctx.api()}/review`, { headers: ctx.headers({ accept: 'application/json' }) }).catch((err) => ({ error: err }));
    if (r.error) {
      status.textContent = `The server could not be reached: ${r.error.message}`;
      return;
    }
    const answer = await r.json().catch(() => null);
    if (!r.ok) {
      status.textContent = `The server could not review the tenant (${r.status}): ${answer?.error?.message ?? ''}`;
      return;
    }
    audit = answer;
    const examined = Object.entries(audit.examined).map(([k, n]) => `${n} ${k}`).join(', ');
    const counts = ['error', 'warning', 'info'].map((k) => `${audit.by_severity[k] ?? 0} ${k}${(audit.by_severity[k] ?? 0) === 1 ? '' : 's'}`).join(', ');
    status.textContent = `Reviewed at ${audit.decided_at.replace('T', ' ').replace(/Z$/, ' UTC')} (the server's clock): ${examined}. Found ${counts}.`;
    choices(severity, 'severity', audit.findings.map((f) => f.severity));
    choices(family, 'family', audit.findings.map((f) => f.family));
    $('review-export').hidden = false;
    render();
    document.body.dataset.review = 'loaded';
  }
  severity.addEventListener('input', render);
  family.addEventListener('input', render);
  $('review-run').addEventListener('click', run);
  $('review-export').addEventListener('click', () => {
    const body = shown().map((f) => [f.severity, f.code, f.family, f.subject, f.path, f.message, f.fix, f.citation]);
    download(`review-${ctx.tenant().tenant_id}.csv`, csv(['Severity', 'Code', 'Family', 'Subject', 'Path', 'Message', 'Fix', 'Citation'], body));
  });
  return { run };
}

/** The most rows one file may hold (each is one decision, then one write). */
export const MAX_BULK_ROWS = 5000;

/** Find the columns a file's header row names (any of each list, any case,
 * spaces and underscores ignored); `need` are required. */
function columns(header, wanted, need, example) {
  const h = header.map((x) => x.trim().toLowerCase().replace(/[\s_-]/g, ''));
  const at = Object.fromEntries(Object.entries(wanted).map(([k, names]) => [k, h.findIndex((x) => names.includes(x))]));
  if (need.some((k) => at[k] < 0)) {
    throw new Error(`line 1 is the header row, and it needs ${example}; it has ${header.map((x) => `"${x}"`).join(', ')}`);
  }
  return at;
}

/**
 * A CSV batch of writes: every row's verdict first (the same rules, against
 * the tenant as it is), then the valid rows committed one by one through the
 * server, which decides each again, with a progress bar and a report. `ctx`:
 * `prefix` (the elements' ids), `read(rows)` (the parsed rows, header first,
 * into `{line, cells, request}` or `{line, cells, verdict}` when the row
 * cannot be asked), `check(request)` and `post(request)` (promises of the
 * rules' answer and of `{ok, text}`), `writable`, `served`, `committed()`.
 */
export function csvBatch(ctx) {
  const id = (x) => $(`${ctx.prefix}-${x}`);
  const status = id('status');
  const body = id('rows');
  const commit = id('commit');
  const progress = id('progress');
  let checkedRows = [];

  id('file').addEventListener('change', async (e) => {
    const file = e.target.files?.[0];
    if (!file) return;
    id('text').value = await file.text();
    id('form').requestSubmit();
  });
  id('text').addEventListener('input', () => {
    checkedRows = [];
    commit.hidden = true;
    status.textContent = '';
  });

  id('form').addEventListener('submit', async (e) => {
    e.preventDefault();
    commit.hidden = true;
    let rows;
    try {
      const parsed = parseCsv(id('text').value);
      if (!parsed.length) throw new Error('there is nothing to check: paste the rows or choose a CSV file');
      if (parsed.length - 1 > MAX_BULK_ROWS) throw new Error(`the file has ${parsed.length - 1} rows; one file may hold ${MAX_BULK_ROWS}: split it`);
      rows = ctx.read(parsed);
    } catch (err) {
      status.textContent = `Cannot check the file: ${err.message}.`;
      id('box').hidden = true;
      return;
    }
    for (const row of rows) {
      if (row.verdict) continue;
      const out = await ctx.check(row.request);
      if (out.error) row.verdict = { state: 'invalid', label: 'Not valid', codes: [], text: out.error.message };
      else {
        const errors = out.ok.violations.filter((v) => v.severity === 'Error' && v.code !== 'PLAN-PENDING');
        row.verdict = errors.length
          ? { state: 'invalid', label: 'Not valid', codes: errors.map((v) => v.code), text: errors.map((v) => `${v.code}: ${v.message}`).join('; ') }
          : warned(out.ok.violations);
      }
    }
    checkedRows = rows;
    body.replaceChildren(
      ...rows.map((r) =>
        el(
          'tr',
          { 'data-line': r.line, 'data-verdict': r.verdict.state },
          el('td', {}, String(r.line)),
          ...r.cells.map((c, i) => (i === 0 ? el('th', { scope: 'row' }, c || '—') : el('td', {}, c || '—'))),
          verdictCell(r.verdict),
          el('td', { class: 'committed' }, '—'),
        ),
      ),
    );
    id('box').hidden = false;
    const valid = rows.filter((r) => r.verdict.state === 'valid').length;
    status.textContent = `${rows.length} row${rows.length > 1 ? 's' : ''} checked: ${valid} valid, ${rows.length - valid} not valid. Nothing is committed yet.`;
    commit.textContent = `Commit the ${valid} valid row${valid === 1 ? '' : 's'}`;
    commit.hidden = !(valid && ctx.writable);
    if (valid && !ctx.writable) status.textContent += ctx.served ? ' This token may not write.' : ' No server here: the server would take the valid rows.';
    document.body.dataset[ctx.prefix] = 'checked';
  });

  commit.addEventListener('click', async () => {
    const valid = checkedRows.filter((r) => r.verdict.state === 'valid');
    commit.hidden = true;
    progress.hidden = false;
    progress.max = valid.length;
    progress.value = 0;
    let done = 0;
    const refused = [];
    for (const r of valid) {
      status.textContent = `Committing ${done + refused.length + 1} of ${valid.length}…`;
      const out = await ctx.post(r.request, r);
      const cell = body.querySelector(`tr[data-line="${r.line}"] .committed`);
      cell.textContent = out.ok ? 'Committed' : `Refused: ${out.text}`;
      cell.className = `committed ${out.ok ? 'ok' : 'refused'}`;
      if (out.ok) done++;
      else refused.push(r.line);
      progress.value = done + refused.length;
    }
    progress.hidden = true;
    const skipped = checkedRows.length - valid.length;
    status.textContent = `Committed ${done} of ${valid.length} valid rows${refused.length ? `; the server refused line${refused.length > 1 ? 's' : ''} ${refused.join(', ')} (the tenant had changed, or a plugin said no)` : ''}. ${skipped} row${skipped === 1 ? ' was' : 's were'} not valid and not sent.`;
    await ctx.committed();
    document.body.dataset[ctx.prefix] = 'committed';
  });
}

/** Bulk assignment rows, as `Set-CsPhoneNumberAssignment` names its
 * parameters: no number twice in one file; the type from the inventory when
 * the file leaves it out. */
export function assignmentRows(tenant) {
  return (parsed) => {
    const at = columns(
      parsed[0].fields,
      { number: ['telephonenumber', 'phonenumber', 'number', 'lineuri'], target: ['userprincipalname', 'identity', 'user', 'target', 'upn'], type: ['phonenumbertype', 'numbertype', 'type'] },
      ['number', 'target'],
      'a TelephoneNumber and a UserPrincipalName column',
    );
    const t = tenant();
    const seen = new Map();
    return parsed.slice(1).map(({ line, fields }) => {
      const number = (fields[at.number] ?? '').trim().replace(/^tel:/i, '');
      const target = (fields[at.target] ?? '').trim();
      const given = at.type >= 0 ? (fields[at.type] ?? '').trim() : '';
      const type = given || t.numbers.find((n) => n.telephone_number === number)?.number_type || '';
      const row = { line, cells: [number, target, type] };
      const bad = (text) => ({ ...row, verdict: { state: 'invalid', label: 'Not valid', codes: [], text } });
      if (!number || !target) return bad(`line ${line} needs both a number and a user`);
      if (!['OperatorConnect', 'CallingPlan', 'DirectRouting'].includes(type)) {
        return bad(type ? `"${type}" is not a number type: use OperatorConnect, CallingPlan or DirectRouting` : 'the number is not in this tenant, so give its PhoneNumberType');
      }
      const first = seen.get(number.toLowerCase());
      if (first) return bad(`the number is already assigned on line ${first} of this file`);
      seen.set(number.toLowerCase(), line);
      const account = t.accounts.find((a) => a.identity.toLowerCase() === target.toLowerCase());
      return { ...row, request: { AssignNumber: { target, target_kind: account?.kind === 'ResourceAccount' ? 'ResourceAccount' : 'User', telephone_number: number, number_type: type } } };
    });
  };
}

/** LIS and trusted-IP rows, with the columns the cmdlets take from
 * `Import-Csv` (`Set-CsOnlineLisSubnet`, `…LisWirelessAccessPoint`,
 * `…LisSwitch`, `…LisPort`, `New-CsTenantTrustedIPAddress`): the kind from
 * the columns, so one file may mix them. */
export function lisRows(parsed) {
  const at = columns(
    parsed[0].fields,
    { subnet: ['subnet'], bssid: ['bssid'], chassis: ['chassisid'], port: ['portid'], ip: ['ipaddress'], mask: ['maskbits'], location: ['locationid'], description: ['description'] },
    [],
    '',
  );
  const known = ['subnet', 'bssid', 'chassis', 'ip'].some((k) => at[k] >= 0);
  if (!known) throw new Error(`line 1 is the header row, and it needs a Subnet, BSSID, ChassisID (and PortID) or IPAddress column; it has ${parsed[0].fields.map((x) => `"${x}"`).join(', ')}`);
  return parsed.slice(1).map(({ line, fields }) => {
    const f = (k) => (at[k] >= 0 ? (fields[at[k]] ?? '').trim() : '');
    const location_id = f('location');
    const description = f('description') || null;
    const bad = (cells, text) => ({ line, cells, verdict: { state: 'invalid', label: 'Not valid', codes: [], text } });
    let kind;
    let entry;
    if (f('ip')) {
      const mask = f('mask');
      if (mask && !/^\d{1,3}$/.test(mask)) return bad(['Trusted IP', f('ip'), ''], `MaskBits "${mask}" is not a whole number: give 0-32 (IPv4) or 0-128 (IPv6)`);
      const ip = { ip_address: f('ip'), mask_bits: mask ? Number(mask) : null, description };
      return { line, cells: ['Trusted IP', `${ip.ip_address}${mask ? `/${mask}` : ''}`, ''], request: { SetTrustedIp: ip }, write: 'trusted-ips', body: ip };
    }
    if (f('subnet')) [kind, entry] = ['Subnet', { subnet: f('subnet'), prefix_length: null, location_id, description }];
    else if (f('bssid')) [kind, entry] = ['Wap', { bssid: f('bssid'), location_id, description }];
    else if (f('chassis') && f('port')) [kind, entry] = ['Port', { chassis_id: f('chassis'), port_id: f('port'), location_id, description }];
    else if (f('chassis')) [kind, entry] = ['Switch', { chassis_id: f('chassis'), location_id, description }];
    else return bad(['', '', location_id], `line ${line} names no subnet, BSSID, chassis or IP address`);
    const label = { Subnet: 'Subnet', Wap: 'Wi-Fi access point', Port: 'Switch port', Switch: 'Switch' }[kind];
    const key = kind === 'Port' ? `${entry.chassis_id} port ${entry.port_id}` : (entry.subnet ?? entry.bssid ?? entry.chassis_id);
    if (!location_id) return bad([label, key, ''], 'give the LocationId the entry points to');
    return { line, cells: [label, key, location_id], request: { SetLisEntry: { entry: { [kind]: entry } } }, write: 'lis', body: { [kind]: entry } };
  });
}

/** The LIS and trusted IPs as stored. */
export function lisScreen(ctx) {
  function render() {
    const e = ctx.emergency() ?? {};
    const lis = e.lis ?? {};
    const rows = [
      ...(lis.subnets ?? []).map((x) => ['Subnet', `${x.subnet}${x.prefix_length ? `/${x.prefix_length}` : ''}`, x.location_id, x.description]),
      ...(lis.waps ?? []).map((x) => ['Wi-Fi access point', x.bssid, x.location_id, x.description]),
      ...(lis.switches ?? []).map((x) => ['Switch', x.chassis_id, x.location_id, x.description]),
      ...(lis.ports ?? []).map((x) => ['Switch port', `${x.chassis_id} port ${x.port_id}`, x.location_id, x.description]),
      ...(e.trusted_ips ?? []).map((x) => ['Trusted IP', `${x.ip_address}${x.mask_bits !== null && x.mask_bits !== undefined ? `/${x.mask_bits}` : ''}`, '—', x.description]),
    ];
    $('lis-current').replaceChildren(
      ...(rows.length ? rows.map((r) => el('tr', {}, el('td', {}, r[0]), el('th', { scope: 'row' }, r[1]), el('td', {}, r[2]), el('td', {}, r[3] || '—'))) : [el('tr', {}, el('td', { colspan: '4' }, 'No entries yet.'))]),
    );
  }
  render();
  return { render };
}
