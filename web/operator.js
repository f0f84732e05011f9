// An operator's own view of a tenant that added it, as the server gives it
// (`GET /v1/tenants/{tenant}/snapshot` with an operator token): its consent
// (the countries enabled), its own numbers (never who holds them), and the
// civic addresses in its countries. Each number says whether the rules would
// let the operator release it, checked against what the operator may see; the
// server decides the release against the whole tenant. Numbers are uploaded
// from a form the rules check after each pause in typing (UploadNumbers),
// against the same view, before the server decides against the whole tenant.

import { $, el, csv, download } from './dom.js';
import { planPending } from './pkg/rules/eligibility.js';

/** The view as a tenant the eligibility rules can index: only what the
 * operator may read; everything else is empty. */
function visibleTenant(view) {
  return {
    tenant_id: view.tenant_id,
    accounts: [],
    numbers: view.numbers,
    operators: [view.consent],
    civic_addresses: view.civic_addresses,
    locations: [],
    voice_routes: [],
    voice_routing_policies: [],
  };
}

const addressLine = (a) =>
  [[a.house_number, a.pre_directional, a.street_name, a.street_suffix, a.post_directional].filter(Boolean).join(' '), a.city, a.state_or_province, a.postal_code, a.country_or_region].filter(Boolean).join(', ');

/**
 * The operator screen. `ctx`: `rules` (the loaded package), `operator` (its
 * id), `load()` (a promise of the view, fetched again after each release),
 * `release(number)` and `upload(request)` (promises of `{ok, text,
 * violations}`), `pauseMs` (how long typing pauses before a check).
 */
export async function operatorScreen(ctx) {
  let view = await ctx.load();
  let snapshot = null;
  const rows = $('op-rows');

  const verdict = (n) => {
    const out = snapshot.check({ ReleaseNumber: { telephone_number: n.telephone_number } });
    if (out.error) return { ok: false, text: out.error.message };
    const errors = out.ok.violations.filter((v) => v.severity === 'Error');
    return errors.length ? { ok: false, text: errors.map((v) => `${v.code}: ${v.message}`).join('; '), fix: errors[0].remediation } : { ok: true, text: 'may be released' };
  };

  function render() {
    snapshot?.free();
    const opened = ctx.rules.tenant(visibleTenant(view));
    snapshot = opened.ok ?? null;
    const c = view.consent;
    $('op-summary').textContent =
      `Operator ${ctx.operator} in tenant ${view.tenant_id}: ${c.name ? `${c.name}, ` : ''}enabled for ${c.enabled_countries.join(', ') || 'no country'}; ` +
      `${view.numbers.length} number${view.numbers.length === 1 ? '' : 's'} of yours, ${view.civic_addresses.length} civic address${view.civic_addresses.length === 1 ? '' : 'es'} in your countries.` +
      (opened.error ? ` The view could not be checked: ${opened.error.message}` : '');
    rows.replaceChildren(
      ...view.numbers.map((n) => {
        const v = snapshot ? verdict(n) : { ok: false, text: 'not checked' };
        return el(
          'tr',
          { 'data-number': n.telephone_number, 'data-release': v.ok ? 'allowed' : 'refused' },
          el('th', { scope: 'row' }, n.telephone_number),
          el('td', {}, n.activation_state),
          el('td', {}, n.iso_country_code || '—'),
          el('td', {}, (n.capabilities ?? []).join(', ') || '—'),
          el('td', {}, n.location_id || '—'),
          el('td', {}, n.assignment_status === 'Unassigned' ? 'Not assigned' : `${n.assignment_status} (the tenant's admin sees to whom)`),
          el('td', { class: `verdict-cell ${v.ok ? 'valid' : 'invalid'}` }, el('span', { class: 'badge' }, v.ok ? 'Release: allowed' : 'Release: refused'), v.ok ? null : el('span', { class: 'why' }, ` ${v.text}${v.fix ? ` Fix: ${v.fix}` : ''}`)),
          el('td', { class: 'actions' }, el('button', { type: 'button', 'data-action': 'release', 'aria-label': `Release ${n.telephone_number}` }, 'Release')),
        );
      }),
    );
    $('op-addresses').replaceChildren(
      ...view.civic_addresses.map((a) => el('li', {}, el('strong', {}, a.civic_address_id), ` ${a.company_name}: ${addressLine(a)} · ${a.validation_status}`)),
    );
    if (!view.civic_addresses.length) $('op-addresses').append(el('li', {}, 'None yet: the tenant admin creates addresses in the countries you serve.'));
  }

  rows.addEventListener('click', async (e) => {
    const button = e.target.closest('button[data-action="release"]');
    if (!button) return;
    const number = button.closest('tr').dataset.number;
    const status = $('op-result');
    button.disabled = true;
    status.textContent = `Releasing ${number}…`;
    const out = await ctx.release(number);
    if (out.ok) view = await ctx.load();
    render();
    status.textContent = out.text;
  });
  $('op-export').addEventListener('click', () => {
    const header = ['TelephoneNumber', 'ActivationState', 'IsoCountryCode', 'Capabilities', 'LocationId', 'AssignmentStatus', 'Release'];
    const body = view.numbers.map((n) => [n.telephone_number, n.activation_state, n.iso_country_code, (n.capabilities ?? []).join(' '), n.location_id, n.assignment_status, snapshot && verdict(n).ok ? 'allowed' : 'refused']);
    download(`numbers-${ctx.operator}-${view.tenant_id}.csv`, csv(header, body));
    $('op-result').textContent = `Exported ${body.length} numbers as CSV.`;
  });
  render();
  uploadForm(ctx, () => snapshot, async () => {
    view = await ctx.load();
    render();
  });
  return { render };
}

/** The numbers typed, one per line: `[{line, number}]`, blank lines skipped. */
const typedNumbers = (text) =>
  text
    .split(/\r?\n/)
    .map((l, i) => ({ line: i + 1, number: l.trim() }))
    .filter((x) => x.number);

/** The upload form: every line's verdict from the rules after a pause (or on
 * leaving the field), then the server's on Upload. */
function uploadForm(ctx, snapshotOf, reload) {
  const form = $('op-upload-form');
  const box = $('op-upload-numbers');
  const verdictEl = $('op-upload-verdict');
  const list = $('op-upload-lines');
  const result = $('op-upload-result');
  let timer = 0;

  const request = () => {
    const typed = typedNumbers(box.value);
    const location = $('op-upload-location').value.trim();
    return {
      typed,
      body: {
        UploadNumbers: {
          operator_id: ctx.operator,
          numbers: typed.map((t) => ({
            telephone_number: t.number,
            usage: $('op-upload-usage').value,
            location_id: location || null,
            location_update_supported: $('op-upload-locupd').checked,
          })),
        },
      },
    };
  };

  /** Violations as lines of the list: the line and number a path names
   * (`request.numbers[2].location_id` is line 3's location). */
  const show = (violations, typed) => {
    list.replaceChildren(
      ...violations.map((v) => {
        const i = /numbers\[(\d+)\]/.exec(v.path ?? '')?.[1];
        const t = i === undefined ? null : typed[Number(i)];
        const field = /location_id$/.test(v.path ?? '') ? ' (its location)' : '';
        return el(
          'li',
          { class: `msg ${v.code === 'PLAN-PENDING' ? 'pending' : v.severity === 'Error' ? 'error' : 'warning'}`, 'data-code': v.code, 'data-line': t ? String(t.line) : '' },
          t ? `Line ${t.line}, ${t.number}${field}: ` : '',
          el('code', {}, v.code),
          ` ${v.message}`,
          v.remediation ? el('span', { class: 'fix' }, ` Fix: ${v.remediation}`) : null,
        );
      }),
    );
    const errors = violations.filter((v) => v.severity === 'Error' && v.code !== 'PLAN-PENDING');
    if (errors.length) box.setAttribute('aria-invalid', 'true');
    else box.removeAttribute('aria-invalid');
    return errors;
  };

  let seq = 0;
  let last = null;
  /** Check what is typed, unless it was checked as it is (leaving the field
   * after a check changes nothing, and moves nothing under the pointer). */
  const validate = (force = false) => {
    clearTimeout(timer);
    const mine = ++seq;
    const { typed, body } = request();
    const key = JSON.stringify(body);
    if (!force && key === last) {
      form.dataset.state = 'checked';
      return;
    }
    last = key;
    if (!typed.length) {
      form.dataset.state = 'checked';
      list.replaceChildren();
      box.removeAttribute('aria-invalid');
      verdictEl.className = 'verdict';
      verdictEl.textContent = 'Type the numbers to upload, one per line.';
      return;
    }
    const snapshot = snapshotOf();
    const out = snapshot ? snapshot.check(body) : { error: { message: 'your view of the tenant could not be checked' } };
    // What the first module leaves to the numbering plan comes from the full
    // one once it is in (off-thread, in microseconds): shown when it arrives.
    if (planPending(out) && ctx.rules.planState === 'ready') {
      form.dataset.state = 'checking';
      Promise.resolve(snapshot.settleCheck(body)).then((settled) => {
        if (mine !== seq) return;
        judge(settled, typed, false);
        form.dataset.state = 'checked';
      });
      return;
    }
    judge(out, typed, planPending(out));
    form.dataset.state = 'checked';
  };

  const judge = (out, typed, pending) => {
    if (out.error) {
      show([], typed);
      verdictEl.className = 'verdict denied';
      verdictEl.textContent = `Not yet: ${out.error.message}`;
      return;
    }
    const errors = show(out.ok.violations, typed);
    const n = typed.length;
    verdictEl.className = `verdict ${errors.length ? 'denied' : 'allowed'}${pending ? ' provisional' : ''}`;
    verdictEl.textContent =
      (errors.length
        ? `Denied: ${errors.length} error${errors.length > 1 ? 's' : ''} (${errors[0].code}: ${errors[0].message})`
        : `Allowed: ${n} number${n > 1 ? 's' : ''} may be uploaded, as far as your view shows`) + (pending ? ' so far (the numbering-plan check is still loading)' : '');
  };
  ctx.rules.onPlanState((state) => state === 'ready' && validate(true));

  form.addEventListener('input', (e) => {
    result.textContent = '';
    if (e.target === box || e.target.id === 'op-upload-location') {
      form.dataset.state = 'typing';
      clearTimeout(timer);
      timer = setTimeout(validate, ctx.pauseMs ?? 400);
    }
  });
  form.addEventListener('change', () => validate());
  form.addEventListener('focusout', () => {
    if (form.dataset.state === 'typing') validate();
  });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    validate();
    const { typed, body } = request();
    if (!typed.length) {
      result.textContent = 'Nothing to upload: type the numbers, one per line.';
      return;
    }
    $('op-upload-submit').disabled = true;
    result.textContent = `Uploading ${typed.length} number${typed.length > 1 ? 's' : ''}…`;
    const out = await ctx.upload(body);
    $('op-upload-submit').disabled = false;
    if (out.ok) {
      box.value = '';
      await reload();
      validate(true);
    } else if (out.violations?.length) show(out.violations, typed);
    result.textContent = out.text;
  });
  validate();
}
