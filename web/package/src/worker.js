// The full module (every family, libphonenumber's plan included) in a Web
// Worker, so that its set-up never holds up typing. `Rules` in ./core.js
// talks to it: plain messages in, envelopes out.
import * as glue from '../wasm/full/ocpolicy.js';

const snapshots = new Map();
const CLASSES = { eligibility: 'Tenant', emergency: 'Emergency', conferencing: 'Conferencing' };

const ready = glue.default({ module_or_path: new URL('../wasm/full/ocpolicy_bg.wasm', import.meta.url) }).then(() => {
  // Pay the plan's set-up now, not on the first keystroke that needs it.
  glue.run(
    'eligibility',
    JSON.stringify({
      tenant: { tenant_id: 'warm-up', accounts: [], numbers: [], operators: [], civic_addresses: [], locations: [], voice_routes: [], voice_routing_policies: [] },
      request: { AssignNumber: { target: 'x', target_kind: 'User', telephone_number: '+14255550100', number_type: 'DirectRouting' } },
    }),
  );
});

function answer(data) {
  if (data.op === 'ready') return { ok: true };
  if (data.op === 'run') return JSON.parse(glue.run(data.kind, data.input));
  if (data.op === 'exec') {
    let inner = snapshots.get(data.snapshot);
    if (!inner && data.open) {
      try {
        inner = new glue[CLASSES[data.open.family]](data.open.doc);
      } catch (e) {
        return typeof e === 'string' ? JSON.parse(e) : { error: { path: '', message: String(e) } };
      }
      snapshots.set(data.snapshot, inner);
    }
    if (!inner) return { error: { path: '', message: 'the worker holds no such snapshot (it was freed)' } };
    return JSON.parse(data.input === undefined ? inner[data.method]() : inner[data.method](data.input));
  }
  return { error: { path: 'op', message: `unknown message ${data.op}` } };
}

self.onmessage = async ({ data }) => {
  if (data.op === 'forget') {
    snapshots.get(data.snapshot)?.free();
    snapshots.delete(data.snapshot);
    return;
  }
  try {
    await ready;
    self.postMessage({ op: 'answer', id: data.id, answer: answer(data) });
  } catch (e) {
    self.postMessage({ op: 'failed', id: data.id, message: String(e && e.message ? e.message : e) });
  }
};
