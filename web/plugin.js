// Operator plugins in the browser and in Node: a plugin component transpiled by
// @bytecodealliance/jco (`jco transpile --instantiation async`), run by a small
// JS host that does what the server's plugin host does around a call
// (host/plugins/src/lib.rs): it calls a plugin only for requests that involve
// its operator and countries, serves `plugin-host` lookups from the request's
// own tenant, and labels what the plugin returns with its id and version.
//
// A plugin whose manifest says `wasi: true` (componentize-js with its clocks,
// random and stdio, componentize-py) gets the same locked-down WASI as in
// wasmtime (web/wasi.js): no files, no environment, no network, a clock stopped
// at 2000-01-01 and random bytes from wasmtime's fixed seeds, restarted for
// every call. Transpile it with `--no-wasi-shim`. A plugin without
// `wasi: true` gets no WASI at all, as on the server.
//
// What it cannot do is what wasmtime does below the call: fuel, memory caps and
// a fresh instance per call. It is for forms that want the operator's verdict
// early; the server still runs the plugin, sandboxed, and enforces.
//
//   const plugin = await loadPlugin({ module, manifest, schemas, getCoreModule });
//   plugin.eligibility(tenant, request)  // -> { violations, runs: [{hook, outcome, logs}] }
//   plugin.address(addressCheck)

import { lockedDownWasi } from './wasi.js';

const camel = (s) => s.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());
const kebab = (s) => s.replace(/([a-z0-9])([A-Z])/g, '$1-$2').replace(/([A-Z])([A-Z][a-z])/g, '$1-$2').toLowerCase();
const pascal = (s) => s.split('-').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');

/** A JSON document in ocpolicy's form (snake_case fields, PascalCase enums,
 * `{"Case": {...}}` variants, null for none) to jco's form for the WIT type the
 * JSON Schema `schema` describes (camelCase fields, kebab-case enums,
 * `{tag, val}` variants, undefined for none). */
export function toComponent(schema, value, defs) {
  const s = resolve(schema, defs);
  if (value === null || value === undefined) return undefined;
  const branches = s.oneOf || s.anyOf;
  if (branches) {
    const bs = branches.map((b) => resolve(b, defs));
    const nonNull = bs.filter((b) => b.type !== 'null');
    const isVariant = bs.some((b) => b.type === 'object' && b.required?.length === 1 && b.additionalProperties === false);
    if (!isVariant && nonNull.length === 1) return toComponent(nonNull[0], value, defs);
    if (typeof value === 'string') {
      if (!bs.some((b) => b.const === value || b.enum?.includes(value))) throw new Error(`\`${value}\` is none of the cases`);
      return isVariant ? { tag: kebab(value) } : kebab(value);
    }
    const [key] = Object.keys(value);
    const b = bs.find((x) => x.properties?.[key] && x.required?.[0] === key);
    if (!b) throw new Error(`\`${key}\` is not a case`);
    return { tag: kebab(key), val: toComponent(b.properties[key], value[key], defs) };
  }
  if (s.enum) return kebab(value);
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
  if (type === 'array') return value.map((v) => toComponent(s.items, v, defs));
  if (type === 'object' && s.properties) {
    const out = {};
    for (const [k, v] of Object.entries(value)) {
      if (!s.properties[k]) throw new Error(`unknown field \`${k}\``);
      const c = toComponent(s.properties[k], v, defs);
      if (c !== undefined) out[camel(k)] = c;
    }
    return out;
  }
  return value;
}

function resolve(schema, defs) {
  let s = schema;
  while (s && s.$ref) s = defs[s.$ref.split('/').pop()];
  return s || {};
}

/** jco's violation to ocpolicy's, labelled as the server labels it. */
function label(manifest, v) {
  return {
    code: `${manifest.id}/${v.code}`,
    severity: pascal(v.severity),
    path: v.path,
    message: v.message,
    citation: `plugin ${manifest.id}@${manifest.version}: ${v.citation}`,
    remediation: v.remediation,
  };
}

// A number's identity as the core keys it (phone::number_key): `tel:` and `+` dropped.
const digits = (n) => String(n).trim().replace(/^tel:/i, '').trim().replace(/^\+/, '');
const same = (a, b) => a != null && b != null && String(a).trim().toLowerCase() === String(b).trim().toLowerCase();

/**
 * Instantiate a transpiled plugin.
 * - `module`: the transpiled ES module (its `instantiate` export);
 * - `manifest`: {id, version, operator, countries: [...], hooks: [...], wasi?: bool};
 * - `schemas`: {eligibilityRequest, address, tenant} JSON Schemas (`ocpolicy schema`);
 * - `getCoreModule(path)`: the core modules jco wrote beside the JS.
 */
export async function loadPlugin({ module, manifest, schemas, getCoreModule }) {
  let tenant = null;
  let logs = [];
  const find = (list, key, want, def) => {
    const hit = (tenant?.[list] || []).find((x) => (key === 'telephone_number' ? digits(x[key]) === digits(want) : same(x[key], want)));
    return hit ? toComponent(schemas.tenant.$defs[def], hit, schemas.tenant.$defs) : undefined;
  };
  const host = {
    log: (level, message) => logs.push({ level, message: String(message).slice(0, 1024) }),
    tenantId: () => tenant?.tenant_id ?? '',
    findAccount: (id) => find('accounts', 'identity', id, 'Account'),
    findNumber: (n) => find('numbers', 'telephone_number', n, 'PhoneNumber'),
    findOperator: (id) => find('operators', 'operator_id', id, 'TenantOperator'),
    findLocation: (id) => find('locations', 'location_id', id, 'Location'),
    findCivicAddress: (id) => find('civic_addresses', 'id', id, 'CivicAddress'),
  };
  const wasi = manifest.wasi ? lockedDownWasi() : null;
  const root = await module.instantiate(getCoreModule, {
    ...(wasi ? wasi.imports : {}),
    'ocpolicy:rules/plugin-host': host,
    // Every patch release of the package: a plugin built against 0.3.0 runs here too.
    'ocpolicy:rules/plugin-host@0.3.0': host,
    'ocpolicy:rules/plugin-host@0.3.1': host,
    'ocpolicy:rules/types': {},
    'ocpolicy:rules/types@0.3.0': {},
    'ocpolicy:rules/types@0.3.1': {},
  });
  const covers = (c) => !manifest.countries?.length || c == null || manifest.countries.some((x) => same(x, c));
  const isOperator = (op) => same(op, manifest.operator);
  const implemented = (hook) => manifest.hooks.includes(hook);

  function call(hook, inScope, run, withTenant) {
    if (!inScope || !implemented(hook)) return { violations: [], runs: [] };
    tenant = withTenant;
    logs = [];
    wasi?.reset();
    try {
      const out = run();
      return { violations: out.map((v) => label(manifest, v)), runs: [{ hook, outcome: 'Ok', logs }] };
    } catch (e) {
      // As the server does: eligibility and uploads fail closed, the rest warn.
      const deny = hook === 'check-eligibility' || hook === 'check-upload';
      const reason = String(e && e.message ? e.message : e);
      const failed = {
        code: 'PLUGIN-FAILED',
        severity: deny ? 'Error' : 'Warning',
        path: `plugins.${manifest.id}`,
        message: `plugin ${manifest.id}@${manifest.version} \`${hook}\` trapped: ${reason}`,
        citation: `plugin ${manifest.id}@${manifest.version}`,
        remediation: `the host contained the plugin; ask its author (operator ${manifest.operator}) to fix it, or remove it from the plugin directory`,
      };
      return { violations: [failed], runs: [{ hook, outcome: 'Trap', logs, reason }] };
    } finally {
      tenant = null;
    }
  }

  const erq = schemas.eligibilityRequest;
  return {
    manifest,
    /** The plugin's part of an eligibility decision (check-upload or check-eligibility). */
    eligibility(t, request) {
      if (request.UploadNumbers) {
        const u = request.UploadNumbers;
        const scope = isOperator(u.operator_id) && u.numbers.some((n) => covers(n.iso_country_code));
        return call('check-upload', scope, () => root.eligibilityHooks.checkUpload(toComponent(erq.$defs.UploadNumbers, u, erq.$defs)), t);
      }
      const [kind] = Object.keys(request);
      const r = request[kind];
      const number = (n) => (t.numbers || []).find((x) => digits(x.telephone_number) === digits(n));
      let operator = null;
      let country = null;
      if (['AssignNumber', 'ReleaseNumber', 'SetAssignmentBlock', 'UpdateNumberLocation'].includes(kind)) {
        const n = number(r.telephone_number);
        if (n) [operator, country] = [n.operator_id, n.iso_country_code];
      } else if (kind === 'RemoveOperator') [operator, country] = [r.operator_id, r.country];
      else if (kind === 'MigrateToOperatorConnect') [operator, country] = [r.operator_id, number(r.telephone_number)?.iso_country_code];
      return call('check-eligibility', isOperator(operator) && covers(country), () => root.eligibilityHooks.checkEligibility(toComponent(erq, request, erq.$defs)), t);
    },
    /** The plugin's part of an address validation. */
    address(check) {
      const scope = manifest.countries?.length > 0 && covers(check.address.country_or_region);
      return call('check-address', scope, () => root.emergencyHooks.checkAddress(toComponent(schemas.address, check, schemas.address.$defs)), null);
    },
  };
}
