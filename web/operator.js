// An operator's own view of a tenant that added it, as the server gives it
// (`GET /v1/tenants/{tenant}/snapshot` with an operator token): its consent
// (the countries enabled), its own numbers (never who holds them), and the
// civic addresses in its countries. Each number says whether the rules would
// let the operator release it, checked against what the operator may see; the
// server decides the release against the whole tenant.

import { $, el, csv, download } from './dom.js';

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
 * `release(number)` (a promise of `{ok, text}`).
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
  return { render };
}
