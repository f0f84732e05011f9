// The full rules build (with libphonenumber's plan data, ~1 MB gzip and about
// a second of first-use set-up in V8) runs here, off the main thread, so that
// typing never waits on it. The page asks only for the calls its first module
// answered with PLAN-PENDING.
import { loadRules, openAll, exec } from './rules.js';

const rules = loadRules('full');
let engine = null;

self.onmessage = async ({ data }) => {
  try {
    if (data.op === 'open') {
      engine = openAll(await rules, data.snapshot);
      // Pay the numbering plan's set-up now, not on the first keystroke that needs it.
      exec(engine, {
        kind: 'eligibility',
        input: {
          tenant: { tenant_id: 'warm-up', accounts: [], numbers: [], operators: [], civic_addresses: [], locations: [], voice_routes: [], voice_routing_policies: [] },
          request: { AssignNumber: { target: 'x', target_kind: 'User', telephone_number: '+14255550100', number_type: 'DirectRouting' } },
        },
      });
      self.postMessage({ op: 'ready' });
    } else if (data.op === 'exec') {
      self.postMessage({ op: 'result', id: data.id, output: exec(engine, data.call) });
    }
  } catch (e) {
    self.postMessage({ op: 'failed', id: data.id, message: String(e && e.message ? e.message : e) });
  }
};
