// @ocpolicy/rules/form: bind a check to a form. Each violation lands beside
// the field its path names (aria-invalid, aria-describedby, the message and
// the fix), the rest in a summary, and the verdict region says why, not only
// how many. Values are checked when the user pauses or leaves a field, never
// flagged half-typed; the submit is held until the rules allow it.

const PENDING = 'PLAN-PENDING';
let ids = 0;

/** Does a violation's `path` belong to a field that owns `fieldPath`? A field
 * owns its path, what lies below it (`request.numbers[0]` owns
 * `request.numbers[0].usage`) and a path that ends in it. */
export function owns(fieldPath, path) {
  if (!fieldPath || !path) return false;
  return (
    path === fieldPath ||
    path.startsWith(`${fieldPath}.`) ||
    path.startsWith(`${fieldPath}[`) ||
    path.endsWith(`.${fieldPath}`)
  );
}

/** The violations of an answer (an `error` envelope becomes one violation, with
 * the code `INPUT`), in the answer's order. */
export function violationsOf(answer) {
  if (!answer) return [];
  if (answer.error) {
    return [{ code: 'INPUT', severity: 'Error', path: answer.error.path, message: answer.error.message, remediation: '' }];
  }
  return (answer.ok && answer.ok.violations) || [];
}

/** One line for the verdict region: the verdict and the first reason. */
export function verdictText(answer) {
  const all = violationsOf(answer);
  const errors = all.filter((v) => v.severity === 'Error' && v.code !== PENDING);
  const pending = all.some((v) => v.code === PENDING);
  const more = (n) => (n > 1 ? ` (and ${n - 1} more)` : '');
  if (errors.length) return `Not allowed: ${errors[0].code}: ${errors[0].message}${more(errors.length)}`;
  if (pending) return 'Checking the number against the numbering plan…';
  const warnings = all.filter((v) => v.severity === 'Warning');
  if (warnings.length) return `Allowed, with a warning: ${warnings[0].code}: ${warnings[0].message}${more(warnings.length)}`;
  return 'Allowed.';
}

function fieldsOf(form, map) {
  const fields = [];
  for (const control of form.elements) {
    if (!control.name && !control.id) continue;
    const mapped = map && (map[control.name] ?? map[control.id]);
    const paths = mapped ?? control.dataset.ocpolicyPath;
    if (!paths) continue;
    fields.push({ control, paths: (Array.isArray(paths) ? paths : String(paths).split(',')).map((p) => p.trim()).filter(Boolean) });
  }
  return fields;
}

function messageFor(doc, v) {
  const p = doc.createElement('p');
  p.className = `ocpolicy-violation ocpolicy-${String(v.severity).toLowerCase()}`;
  p.dataset.code = v.code;
  const code = doc.createElement('code');
  code.textContent = v.code;
  p.append(code, ` ${v.message}`);
  if (v.remediation) {
    const fix = doc.createElement('span');
    fix.className = 'ocpolicy-fix';
    fix.textContent = ` Fix: ${v.remediation}`;
    p.append(fix);
  }
  return p;
}

/**
 * Bind `check` to `form`.
 *
 * - `check(values, form)` returns an answer (or a promise of one): an
 *   `{ok: decision}` / `{error}` envelope, e.g. `snapshot.settleCheck(request)`
 *   built from `values` (the form's named fields, as strings).
 * - Fields are the controls with `data-ocpolicy-path="request.telephone_number, tenant.numbers"`
 *   (comma-separated for several): a violation's path names the request's
 *   field (`request.target`) or the tenant fact it found
 *   (`tenant.accounts[3].licenses`), or as `options.fields` maps
 *   `{ controlName: path | [paths] }`.
 * - `options.summary`: the element that lists violations no field owns;
 *   `options.verdict`: the live region for the verdict (made `role=status`).
 * - `options.delay`: the pause, in ms, after which typing is checked (400).
 * - `options.onSubmit(answer, values, event)`: called when a submit is allowed;
 *   without it the form submits as usual.
 *
 * Returns `{ validate(), destroy(), answer }`.
 */
export function bindForm(form, check, options = {}) {
  const doc = form.ownerDocument;
  const delay = options.delay ?? 400;
  const fields = fieldsOf(form, options.fields);
  const touched = new Set();
  const summary = options.summary ?? null;
  const verdict = options.verdict ?? null;
  if (verdict) {
    verdict.setAttribute('role', 'status');
    verdict.setAttribute('aria-live', 'polite');
  }
  const slots = new Map();
  for (const f of fields) {
    const slot = doc.createElement('div');
    slot.id = `ocpolicy-msg-${++ids}`;
    slot.className = 'ocpolicy-messages';
    slot.hidden = true;
    f.control.insertAdjacentElement('afterend', slot);
    slots.set(f.control, slot);
  }
  let seq = 0;
  let timer = null;
  const state = { answer: null };

  const values = () => {
    const out = {};
    for (const [k, v] of new FormData(form)) out[k] = typeof v === 'string' ? v : v.name;
    return out;
  };

  function describe(control, slot, show) {
    const ids = (control.getAttribute('aria-describedby') || '').split(/\s+/).filter((x) => x && x !== slot.id);
    if (show) ids.push(slot.id);
    if (ids.length) control.setAttribute('aria-describedby', ids.join(' '));
    else control.removeAttribute('aria-describedby');
  }

  function render(answer, all) {
    const list = violationsOf(answer);
    const placed = new Set();
    for (const f of fields) {
      const slot = slots.get(f.control);
      const mine = list.filter((v) => f.paths.some((p) => owns(p, v.path)));
      for (const v of mine) placed.add(v);
      const shown = all || touched.has(f.control) ? mine.filter((v) => v.code !== PENDING) : [];
      slot.replaceChildren(...shown.map((v) => messageFor(doc, v)));
      slot.hidden = shown.length === 0;
      const invalid = shown.some((v) => v.severity === 'Error');
      if (invalid) f.control.setAttribute('aria-invalid', 'true');
      else f.control.removeAttribute('aria-invalid');
      describe(f.control, slot, shown.length > 0);
    }
    if (summary) {
      const rest = list.filter((v) => !placed.has(v) && v.code !== PENDING);
      summary.replaceChildren(...rest.map((v) => messageFor(doc, v)));
      summary.hidden = rest.length === 0;
    }
    if (verdict) {
      const allowed = Boolean(answer && answer.ok && answer.ok.allowed);
      verdict.textContent = verdictText(answer);
      verdict.dataset.allowed = String(allowed && !violationsOf(answer).some((v) => v.code === PENDING));
    }
  }

  async function validate({ all = false } = {}) {
    const mine = ++seq;
    clearTimeout(timer);
    let answer;
    try {
      answer = await check(values(), form);
    } catch (e) {
      answer = { error: { path: '', message: String(e && e.message ? e.message : e) } };
    }
    if (mine !== seq) return answer;
    state.answer = answer;
    render(answer, all);
    form.dispatchEvent(new CustomEvent('ocpolicy:answer', { detail: answer }));
    return answer;
  }

  const controlOf = (target) => fields.find((f) => f.control === target)?.control;
  const onInput = (e) => {
    clearTimeout(timer);
    const control = controlOf(e.target);
    timer = setTimeout(() => {
      if (control) touched.add(control);
      validate();
    }, delay);
  };
  const onBlur = (e) => {
    const control = controlOf(e.target);
    if (!control) return;
    touched.add(control);
    validate();
  };
  const onSubmit = async (e) => {
    e.preventDefault();
    for (const f of fields) touched.add(f.control);
    const answer = await validate({ all: true });
    const allowed = Boolean(answer && answer.ok && answer.ok.allowed) && !violationsOf(answer).some((v) => v.code === PENDING);
    if (!allowed) {
      fields.find((f) => f.control.getAttribute('aria-invalid') === 'true')?.control.focus();
      return;
    }
    if (options.onSubmit) options.onSubmit(answer, values(), e);
    else form.submit();
  };
  form.addEventListener('input', onInput);
  form.addEventListener('focusout', onBlur);
  form.addEventListener('submit', onSubmit);

  return {
    validate: () => validate({ all: true }),
    get answer() {
      return state.answer;
    },
    destroy() {
      clearTimeout(timer);
      form.removeEventListener('input', onInput);
      form.removeEventListener('focusout', onBlur);
      form.removeEventListener('submit', onSubmit);
      for (const [control, slot] of slots) {
        describe(control, slot, false);
        control.removeAttribute('aria-invalid');
        slot.remove();
      }
    },
  };
}
