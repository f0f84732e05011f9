// The form: the customer's tenant, indexed once by @ocpolicy/rules's
// eligibility module, checks every value when the user pauses or leaves a
// field; the numbering plan (for number formats) loads in a worker meanwhile.
import { load, fetchTenant, type TenantDocument, type EligibilityRequest } from '@ocpolicy/rules/eligibility';
import { bindForm } from '@ocpolicy/rules/form';

const $ = (id: string) => document.getElementById(id)!;

/** The tenant: from `ocpolicy serve` when the page says where
 * (`?server=…&tenant=…&token=…`), else the copy the portal's backend serves
 * beside the page. */
async function tenantDocument(): Promise<TenantDocument> {
  const q = new URLSearchParams(location.search);
  const server = q.get('server');
  if (server) return fetchTenant({ server, tenant: q.get('tenant') ?? '', token: q.get('token') ?? undefined });
  const r = await fetch('tenant.json');
  if (!r.ok) throw new Error(`tenant.json answered ${r.status}`);
  return r.json();
}

async function main() {
  const [rules, doc] = await Promise.all([load({ numberingPlan: 'worker' }), tenantDocument()]);
  const opened = rules.openTenant(doc);
  const snapshot = opened.tenant;
  if (!snapshot) throw new Error(`the tenant cannot be checked: ${opened.errors.tenant?.message ?? 'it has none'}`);
  $('status').textContent = `Customer tenant ${doc.tenant.tenant_id}: ${doc.tenant.numbers.length} numbers, ${doc.tenant.accounts.length} accounts.`;

  const form = $('assign') as HTMLFormElement;
  bindForm(
    form,
    (values) => {
      const request: EligibilityRequest = {
        AssignNumber: {
          target: values.user.trim(),
          target_kind: 'User',
          telephone_number: values.number.trim(),
          number_type: values.type as 'OperatorConnect' | 'CallingPlan' | 'DirectRouting',
        },
      };
      return snapshot.settleCheck(request);
    },
    {
      summary: $('summary'),
      verdict: $('verdict'),
      onSubmit: (_answer, values) => {
        // A real portal would now POST the assignment; the server decides again.
        $('done').textContent = `Assigned ${values.number.trim()} to ${values.user.trim()}.`;
        document.body.dataset.submitted = 'true';
      },
    },
  );
  document.body.dataset.ready = 'true';
}

main().catch((e: unknown) => {
  $('status').textContent = `The form could not start: ${e instanceof Error ? e.message : String(e)}`;
  document.body.dataset.ready = 'failed';
});
