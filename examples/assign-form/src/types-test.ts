// The type test: `npm run typecheck` (tsc) compiles this against the
// package's declarations. Each `@ts-expect-error` must meet an error, so a
// declaration that stops rejecting a wrong call fails the test too.
import { load as loadAll, type Decision, type Answer, type Violation, type KindName } from '@ocpolicy/rules';
import { load as loadEligibility } from '@ocpolicy/rules/eligibility';
import { load as loadEmergency } from '@ocpolicy/rules/emergency';
import { load as loadConferencing } from '@ocpolicy/rules/conferencing';
import { bindForm, verdictText } from '@ocpolicy/rules/form';

export async function typeTest(form: HTMLFormElement) {
  const all = await loadAll();
  const address: Answer<Decision> = all.run('address', '{"address": {}}');
  const violations: Violation[] = address.ok?.violations ?? [];
  const codes: string[] = violations.map((v) => `${v.code} ${v.path} ${v.remediation}`);
  const kind: KindName = 'conferencing-route';
  // @ts-expect-error: no such kind
  all.run('no-such-kind', {});
  // @ts-expect-error: a route decision is no Decision
  const wrong: Answer<Decision> = all.run('conferencing-route', '{}');

  const elig = await loadEligibility();
  // @ts-expect-error: the eligibility module has no emergency kinds
  elig.run('address', '{}');
  // @ts-expect-error: nor the emergency snapshot
  elig.emergency('{}');
  const t = elig.tenant('{}');
  if (t.ok) {
    const d = t.ok.check({ AssignNumber: { target: 'a@b.c', target_kind: 'User', telephone_number: '+1', number_type: 'OperatorConnect' } });
    // @ts-expect-error: not an EligibilityRequest
    t.ok.check({ AssignNumber: { target: 1 } });
    const allowed: boolean | undefined = d.ok?.allowed;
    void allowed;
  }
  const em = await loadEmergency();
  const r = em.emergency('{}');
  if (r.ok) void r.ok.resolve('{}');
  const conf = await loadConferencing();
  const c = conf.conferencing('{}');
  if (c.ok) void c.ok.route('{}');
  const bound = bindForm(form, () => ({ ok: { allowed: true, violations: [] } }), { delay: 200 });
  // @ts-expect-error: the check must answer a decision envelope
  bindForm(form, () => 3);
  return [codes, kind, wrong, verdictText(bound.answer), elig.planState] as const;
}
