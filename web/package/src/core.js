// The engine every entry point shares: one first module (a family's rules, or
// every family's, without libphonenumber's plan data) answering at once, and
// the full module (every family, the plan included) loaded when the caller
// asks, in the page or in a Web Worker.
//
// Every answer is the envelope the CLI and the server answer:
// `{ ok: <decision | resolution | route decision | ...> }`, or
// `{ error: { path, message } }` for input the rules cannot take.

const PENDING = 'PLAN-PENDING';

/** Does an answer carry PLAN-PENDING (the first module's "not yet")? */
export function planPending(answer) {
  const v = answer && answer.ok && answer.ok.violations;
  return Array.isArray(v) && v.some((x) => x.code === PENDING);
}

const parse = (text) => JSON.parse(text);
const text = (doc) => (typeof doc === 'string' ? doc : JSON.stringify(doc));

/** The error envelope a snapshot constructor throws, as an answer. */
function thrown(e) {
  if (typeof e === 'string') {
    try {
      return parse(e);
    } catch {
      /* not an envelope: fall through */
    }
  }
  return { error: { path: '', message: String(e && e.message ? e.message : e) } };
}

/** Initialise one wasm-bindgen module from `source` (a URL, a Response, bytes
 * or a `WebAssembly.Module`, or a promise of one). */
async function init(glue, source) {
  await glue.default({ module_or_path: await source });
  return glue;
}

/** The snapshot classes of the glue, by family, with the methods each has. */
const SNAPSHOTS = {
  eligibility: { make: 'Tenant', methods: ['check'] },
  emergency: { make: 'Emergency', methods: ['resolve', 'check', 'audit'] },
  conferencing: { make: 'Conferencing', methods: ['route', 'check', 'lint'] },
};

function openIn(glue, family, doc) {
  const Class = glue[SNAPSHOTS[family].make];
  if (typeof Class !== 'function') {
    return {
      error: {
        path: '',
        message: `this module does not carry the ${family} family: import '@ocpolicy/rules/${family}' or '@ocpolicy/rules'`,
      },
    };
  }
  try {
    return { ok: new Class(text(doc)) };
  } catch (e) {
    return thrown(e);
  }
}

const call = (inner, method, arg) => parse(arg === undefined ? inner[method]() : inner[method](text(arg)));

/**
 * Where the full module runs: in this thread (`page`) or in a Web Worker
 * (`worker`). The page answers synchronously once loaded; the worker keeps
 * the plan's set-up (about a second in V8) off the thread that handles typing.
 */
class PagePlan {
  constructor(glue) {
    this.glue = glue;
    this.snapshots = new Map();
  }

  run(kind, input) {
    return parse(this.glue.run(kind, text(input)));
  }

  exec(handle, method, input) {
    let inner = this.snapshots.get(handle.id);
    if (!inner) {
      const opened = openIn(this.glue, handle.family, handle.doc);
      if (!opened.ok) return opened;
      inner = opened.ok;
      this.snapshots.set(handle.id, inner);
    }
    return call(inner, method, input);
  }

  forget(handle) {
    this.snapshots.get(handle.id)?.free();
    this.snapshots.delete(handle.id);
  }
}

class WorkerPlan {
  constructor(worker) {
    this.worker = worker;
    this.waiting = new Map();
    this.next = 0;
    this.opened = new Set();
    worker.onmessage = ({ data }) => {
      const resolve = this.waiting.get(data.id);
      this.waiting.delete(data.id);
      resolve?.(data.op === 'answer' ? data.answer : { error: { path: '', message: data.message } });
    };
  }

  #ask(message) {
    const id = this.next++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.worker.postMessage({ ...message, id });
    });
  }

  ready() {
    return this.#ask({ op: 'ready' });
  }

  run(kind, input) {
    return this.#ask({ op: 'run', kind, input: text(input) });
  }

  exec(handle, method, input) {
    const open = this.opened.has(handle.id) ? undefined : { family: handle.family, doc: text(handle.doc) };
    this.opened.add(handle.id);
    return this.#ask({ op: 'exec', snapshot: handle.id, open, method, input: input === undefined ? undefined : text(input) });
  }

  forget(handle) {
    if (this.opened.delete(handle.id)) this.worker.postMessage({ op: 'forget', snapshot: handle.id });
  }
}

let snapshotIds = 0;

/**
 * The rules of one first module, with the full module behind them. Made by an
 * entry point's `load()`; `sources` says where the modules come from.
 */
export class Rules {
  #glue;
  #sources;
  #plan = null;
  #planLoading = null;
  #listeners = new Set();

  constructor(glue, sources) {
    this.#glue = glue;
    this.#sources = sources;
    /** The families this module carries (`['eligibility']`, or all three). */
    this.families = glue.families().split(',');
    /** The WIT package these rules implement (`ocpolicy:rules@0.3.1`). */
    this.witPackage = glue.witPackage();
    /** `absent`, `loading`, `ready` or `failed`: the numbering plan's state. */
    this.planState = glue.hasNumberingPlan() ? 'ready' : 'absent';
    /** Why the plan failed to load, when `planState` is `failed`. */
    this.planError = null;
  }

  /** Call `listener(state)` whenever `planState` changes; returns an unsubscribe. */
  onPlanState(listener) {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #setPlanState(state) {
    this.planState = state;
    for (const l of this.#listeners) l(state);
  }

  /**
   * Load the full module (the numbering plan included), `{ in: 'worker' }`
   * (the default where Web Workers exist) or `{ in: 'page' }`. Resolves once
   * it answers; calling it again returns the same promise.
   */
  loadNumberingPlan(options = {}) {
    if (this.#planLoading) return this.#planLoading;
    if (this.planState === 'ready') return (this.#planLoading = Promise.resolve());
    const where = options.in ?? (typeof Worker === 'function' && this.#sources.worker ? 'worker' : 'page');
    this.#setPlanState('loading');
    const loading =
      where === 'worker'
        ? (async () => {
            const plan = new WorkerPlan(this.#sources.worker());
            const answer = await plan.ready();
            if (answer.error) throw new Error(answer.error.message);
            return plan;
          })()
        : this.#sources.full().then(([glue, source]) => init(glue, source).then((g) => new PagePlan(g)));
    this.#planLoading = loading.then(
      (plan) => {
        this.#plan = plan;
        this.#setPlanState('ready');
      },
      (e) => {
        this.planError = e;
        this.#setPlanState('failed');
        throw e;
      },
    );
    return this.#planLoading;
  }

  /** The kinds this module answers: `[{name, family, input, output, summary}]`. */
  kinds() {
    return parse(this.#glue.kinds());
  }

  /** The rule catalogue: `[{code, severity, status, citation, summary, remediation}]`. */
  catalogue() {
    return parse(this.#glue.catalogue());
  }

  /**
   * Decide one document of `kind`, now. The first module answers, unless the
   * plan has loaded in this page; checks that need the plan before then carry
   * PLAN-PENDING (see `settle`).
   */
  run(kind, input) {
    if (this.#plan instanceof PagePlan) return this.#plan.run(kind, input);
    return parse(this.#glue.run(kind, text(input)));
  }

  /**
   * Decide one document of `kind`, with the plan's verdict: once the plan has
   * loaded, the full module's answer; before, the first module's when it
   * needs no plan, else the full module's (loading it first, as
   * `loadNumberingPlan` would, if nobody has).
   */
  async settle(kind, input) {
    // With the plan loaded, it answers alone: its verdict equals the first
    // module's wherever that one needs no plan, and this thread is spared a
    // second evaluation when the plan runs in a worker.
    if (this.#plan) return this.#plan.run(kind, input);
    const now = this.run(kind, input);
    if (!planPending(now)) return now;
    await this.loadNumberingPlan();
    return this.#plan.run(kind, input);
  }

  /** Index a `Tenant` once, for many eligibility requests. */
  tenant(tenant) {
    return this.#open('eligibility', tenant);
  }

  /** Index an `EmergencyConfig` once: resolve, check, audit. */
  emergency(config) {
    return this.#open('emergency', config);
  }

  /** Index a `ConferencingConfig` once: route, check, lint. */
  conferencing(config) {
    return this.#open('conferencing', config);
  }

  /**
   * Open every snapshot a stored tenant document (`{tenant, emergency,
   * conferencing}`, what `GET /v1/tenants/{id}/snapshot` answers) holds, for
   * the families this module carries: `{ tenant, emergency, conferencing,
   * errors }`, each snapshot absent when the document has no such part or it
   * is invalid (then `errors.tenant`, `errors.emergency` or
   * `errors.conferencing` says why).
   */
  openTenant(document) {
    const opened = { errors: {} };
    const parts = { eligibility: 'tenant', emergency: 'emergency', conferencing: 'conferencing' };
    for (const family of this.families) {
      const doc = configOf(document, family);
      if (!doc) continue;
      const r = this.#open(family, doc);
      if (r.ok) opened[parts[family]] = r.ok;
      else opened.errors[parts[family]] = r.error;
    }
    return opened;
  }

  #open(family, doc) {
    const opened = openIn(this.#glue, family, doc);
    if (!opened.ok) return opened;
    const inner = opened.ok;
    const handle = { id: snapshotIds++, family, doc };
    const rules = this;
    const snapshot = {
      family,
      free() {
        inner.free();
        rules.#plan?.forget(handle);
      },
    };
    for (const method of SNAPSHOTS[family].methods) {
      snapshot[method] = (input) => {
        if (rules.#plan instanceof PagePlan) return rules.#plan.exec(handle, method, input);
        return call(inner, method, input);
      };
      snapshot[`settle${method[0].toUpperCase()}${method.slice(1)}`] = async (input) => {
        if (rules.#plan) return rules.#plan.exec(handle, method, input);
        const now = snapshot[method](input);
        if (!planPending(now)) return now;
        await rules.loadNumberingPlan();
        return rules.#plan.exec(handle, method, input);
      };
    }
    return { ok: snapshot };
  }
}

/**
 * The document each family's snapshot takes, from a stored tenant document
 * (`{tenant, emergency, conferencing}`, the contract's `tenant-document`): the
 * tenant itself; the emergency settings around the tenant; the conferencing
 * settings with the tenant's id and operators. The server builds the same
 * configurations from the same document.
 */
export function configOf(document, family) {
  if (family === 'eligibility') return document.tenant ?? null;
  const part = document[family];
  if (!part || !document.tenant) return null;
  if (family === 'emergency') return { ...part, tenant: document.tenant };
  return { ...part, tenant_id: document.tenant.tenant_id, operators: document.tenant.operators };
}

/**
 * Fetch a stored tenant document from `ocpolicy serve`: `server` is its base
 * URL (`https://ocpolicy.example`), `tenant` the tenant id, `token` a bearer
 * token that may read it. Throws with the server's error message otherwise.
 */
export async function fetchTenant({ server, tenant, token, fetch: get = globalThis.fetch }) {
  const url = new URL(`v1/tenants/${encodeURIComponent(tenant)}/snapshot`, server.endsWith('/') ? server : `${server}/`);
  const r = await get(url, { headers: { accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) } });
  const body = await r.json().catch(() => null);
  if (!r.ok) {
    const why = body && body.error ? `${body.error.message}${body.error.path ? ` (at ${body.error.path})` : ''}` : r.statusText;
    throw new Error(`${url} answered ${r.status}: ${why}`);
  }
  return body;
}

/** An entry point's `load`: the first module from `sources.first`, the full one
 * from `sources.full` (and `sources.worker`) when asked. */
export async function loadWith(glue, sources, options = {}) {
  await init(glue, options.module ?? sources.first());
  const rules = new Rules(glue, sources);
  if (options.numberingPlan) {
    rules.loadNumberingPlan(options.numberingPlan === true ? {} : { in: options.numberingPlan }).catch(() => {
      /* reported through planState / planError */
    });
  }
  return rules;
}
