// The API every entry point shares. The document types (requests, decisions,
// violations, snapshots) come from ../types.d.ts, generated from the contract.
import type {
  ConferencingConfig,
  DialOut,
  ConferencingRequest,
  Decision,
  EligibilityRequest,
  EmergencyConfig,
  EmergencyRequest,
  Family,
  KindOf,
  Kinds,
  NetworkContext,
  Resolution,
  RouteDecision,
  Tenant,
  TenantDocument,
} from '../types.js';

/** What the rules cannot take: where, and why. */
export interface InputError {
  /** The field path (`request.telephone_number`, `tenant.accounts[3].licenses`), `""` for the whole document. */
  path: string;
  /** What is wrong and how to fix it. */
  message: string;
}

/** Every answer: the output, or what is wrong with the input. */
export type Answer<T> = { ok: T; error?: undefined } | { ok?: undefined; error: InputError };

/** A module's source, for `load({ module })`: a URL, a fetch Response, the bytes or a compiled module. */
export type ModuleSource = URL | string | Response | BufferSource | WebAssembly.Module | Promise<Response | BufferSource>;

/** Where the full module (the numbering plan included) runs. */
export type PlanPlace = 'worker' | 'page';

/** The numbering plan: not loaded, on its way, answering, or failed (see `planError`). */
export type PlanState = 'absent' | 'loading' | 'ready' | 'failed';

export interface LoadOptions {
  /** Where the first module comes from, if not the package's own file. */
  module?: ModuleSource;
  /** Start loading the full module at once: `true` (a worker where there is one), `'worker'` or `'page'`. */
  numberingPlan?: boolean | PlanPlace;
}

/** One entry of the rule catalogue. */
export interface CatalogueRule {
  code: string;
  severity: 'Error' | 'Warning' | 'Info';
  status: string;
  citation: string;
  summary: string;
  remediation: string;
}

/** One kind of check, as `kinds()` lists it. */
export interface KindInfo<K extends keyof Kinds = keyof Kinds> {
  name: K;
  family: Kinds[K]['family'];
  input: string;
  output: string;
  summary: string;
}

/** A snapshot's methods also come as `settle…`: the plan's verdict, loading the plan if needed. */
export interface TenantSnapshot {
  readonly family: 'eligibility';
  check(request: EligibilityRequest | string): Answer<Decision>;
  settleCheck(request: EligibilityRequest | string): Promise<Answer<Decision>>;
  free(): void;
}

export interface EmergencySnapshot {
  readonly family: 'emergency';
  resolve(context: NetworkContext | string): Answer<Resolution>;
  settleResolve(context: NetworkContext | string): Promise<Answer<Resolution>>;
  check(request: EmergencyRequest | string): Answer<Decision>;
  settleCheck(request: EmergencyRequest | string): Promise<Answer<Decision>>;
  audit(): Answer<Decision>;
  settleAudit(): Promise<Answer<Decision>>;
  free(): void;
}

export interface ConferencingSnapshot {
  readonly family: 'conferencing';
  route(dialOut: DialOut | string): Answer<RouteDecision>;
  settleRoute(dialOut: DialOut | string): Promise<Answer<RouteDecision>>;
  check(request: ConferencingRequest | string): Answer<Decision>;
  settleCheck(request: ConferencingRequest | string): Promise<Answer<Decision>>;
  lint(): Answer<Decision>;
  settleLint(): Promise<Answer<Decision>>;
  free(): void;
}

/** The snapshots of a stored tenant document, for the families the module carries. */
export interface OpenedTenant<F extends Family> {
  tenant?: 'eligibility' extends F ? TenantSnapshot : never;
  emergency?: 'emergency' extends F ? EmergencySnapshot : never;
  conferencing?: 'conferencing' extends F ? ConferencingSnapshot : never;
  /** Why a part of the document could not be opened. */
  errors: { tenant?: InputError; emergency?: InputError; conferencing?: InputError };
}

/** The rules of one module: `F` is the families it carries. */
export interface Rules<F extends Family> {
  readonly families: F[];
  readonly witPackage: string;
  readonly planState: PlanState;
  readonly planError: unknown;
  onPlanState(listener: (state: PlanState) => void): () => void;
  loadNumberingPlan(options?: { in?: PlanPlace }): Promise<void>;
  kinds(): KindInfo<KindOf<F>>[];
  catalogue(): CatalogueRule[];
  /** Decide now; checks that need the plan carry `PLAN-PENDING` until it has loaded in the page. */
  run<K extends KindOf<F>>(kind: K, input: Kinds[K]['input'] | string): Answer<Kinds[K]['output']>;
  /** Decide with the plan's verdict (loading it if needed). */
  settle<K extends KindOf<F>>(kind: K, input: Kinds[K]['input'] | string): Promise<Answer<Kinds[K]['output']>>;
  tenant(tenant: 'eligibility' extends F ? Tenant | string : never): Answer<TenantSnapshot>;
  emergency(config: 'emergency' extends F ? EmergencyConfig | string : never): Answer<EmergencySnapshot>;
  conferencing(config: 'conferencing' extends F ? ConferencingConfig | string : never): Answer<ConferencingSnapshot>;
  openTenant(document: TenantDocument): OpenedTenant<F>;
}

/** Does an answer carry `PLAN-PENDING` (the first module's "not yet")? */
export function planPending(answer: Answer<unknown>): boolean;

/** The document one family's snapshot takes, from a stored tenant document. */
export function configOf(document: TenantDocument, family: 'eligibility'): Tenant | null;
export function configOf(document: TenantDocument, family: 'emergency'): EmergencyConfig | null;
export function configOf(document: TenantDocument, family: 'conferencing'): ConferencingConfig | null;

/** Fetch a stored tenant document from `ocpolicy serve` (`GET /v1/tenants/{tenant}/snapshot`). */
export function fetchTenant(options: {
  server: string;
  tenant: string;
  token?: string;
  fetch?: typeof globalThis.fetch;
}): Promise<TenantDocument>;
