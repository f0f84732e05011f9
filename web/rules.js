// The ocpolicy rules as plain JavaScript objects, over the wasm-bindgen build
// (web/pkg/<variant>/ocpolicy.js). The same module runs in the page, in the
// Web Worker that holds the full numbering plan, and in Node's tests.
//
//   import { loadRules } from './rules.js';
//   const rules = await loadRules('lite');          // or 'full'
//   const { ok, error } = rules.run('address', { address: { ... } });
//
// Every call answers the envelope the CLI and the server answer:
// { ok: <decision | resolution | route decision | ...> } or
// { error: { path, message } } for input the rules cannot take.

/** Load one build: 'lite' (no numbering plan; checks that need it raise
 * PLAN-PENDING) or 'full'. `wasm` may be the module's bytes (Node). */
export async function loadRules(variant = 'lite', wasm) {
  const glue = await import(`./pkg/${variant}/ocpolicy.js`);
  await glue.default(wasm === undefined ? undefined : { module_or_path: wasm });
  return new Rules(glue);
}

const parse = (text) => JSON.parse(text);

/** Parse the error envelope a snapshot constructor throws. */
function thrown(e) {
  if (typeof e === 'string') {
    try {
      return parse(e);
    } catch {
      /* fall through */
    }
  }
  return { error: { path: '', message: String(e && e.message ? e.message : e) } };
}

export class Rules {
  constructor(glue) {
    this.glue = glue;
    this.numberingPlan = glue.hasNumberingPlan();
    this.witPackage = glue.witPackage();
  }

  /** Decide one document of `kind` (see `kinds()`). */
  run(kind, input) {
    return parse(this.glue.run(kind, typeof input === 'string' ? input : JSON.stringify(input)));
  }

  kinds() {
    return parse(this.glue.kinds());
  }

  /** The rule catalogue: [{code, severity, status, citation, summary, remediation}]. */
  catalogue() {
    return parse(this.glue.catalogue());
  }

  /** Index a tenant once; `{ok: snapshot}` whose `check(request)` answers envelopes. */
  tenant(tenant) {
    return this.#open(this.glue.Tenant, tenant, ['check']);
  }

  /** Index an emergency configuration; methods resolve, check, audit. */
  emergency(config) {
    return this.#open(this.glue.Emergency, config, ['resolve', 'check', 'audit']);
  }

  /** Index a conferencing configuration; methods route, check, lint. */
  conferencing(config) {
    return this.#open(this.glue.Conferencing, config, ['route', 'check', 'lint']);
  }

  #open(Class, doc, methods) {
    let inner;
    try {
      inner = new Class(typeof doc === 'string' ? doc : JSON.stringify(doc));
    } catch (e) {
      return thrown(e);
    }
    const snapshot = { free: () => inner.free() };
    for (const m of methods) {
      snapshot[m] = (arg) =>
        parse(arg === undefined ? inner[m]() : inner[m](typeof arg === 'string' ? arg : JSON.stringify(arg)));
    }
    return { ok: snapshot };
  }
}

/** Does a decision-like output carry PLAN-PENDING (the lite build's "not yet")? */
export function planPending(output) {
  const v = output && output.ok && output.ok.violations;
  return Array.isArray(v) && v.some((x) => x.code === 'PLAN-PENDING');
}

/** Open every snapshot of a tenant document {tenant, emergency, conferencing}
 * once: the engine `exec` runs calls against. */
export function openAll(rules, snapshot) {
  const engine = { rules, errors: {} };
  for (const [name, open] of [
    ['tenant', (d) => rules.tenant(d)],
    ['emergency', (d) => rules.emergency(d)],
    ['conferencing', (d) => rules.conferencing(d)],
  ]) {
    const doc = configOf(snapshot, name);
    if (!doc) continue;
    const r = open(doc);
    if (r.ok) engine[name] = r.ok;
    else engine.errors[name] = r.error;
  }
  return engine;
}

/** The document each family's snapshot takes, from the stored tenant
 * (`{tenant, emergency, conferencing}`, the contract's `tenant-document`): the
 * tenant itself; the emergency settings around the tenant; the conferencing
 * settings with the tenant's id and operators. The server builds the same
 * configurations from the same document (ocpolicy_rules::document). */
export function configOf(snapshot, name) {
  const part = snapshot[name];
  if (!part) return null;
  if (name === 'emergency') return { ...part, tenant: snapshot.tenant };
  if (name === 'conferencing') return { ...part, tenant_id: snapshot.tenant.tenant_id, operators: snapshot.tenant.operators };
  return part;
}

/** Run one call: `{on: 'tenant'|'emergency'|'conferencing', method, input}`
 * against an opened snapshot, or `{kind, input}` through `run`. Calls are plain
 * data, so the page's Web Worker runs the very same call on the full build. */
export function exec(engine, call) {
  if (call.on) {
    const snapshot = engine[call.on];
    if (!snapshot) {
      const why = engine.errors[call.on];
      return { error: why || { path: call.on, message: `the tenant snapshot has no ${call.on} configuration` } };
    }
    return snapshot[call.method](call.input);
  }
  return engine.rules.run(call.kind, call.input);
}
