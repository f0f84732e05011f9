// The routing editor of the Conferencing screen: PSTN usages, voice routes,
// audio-conferencing and voice routing policies, emergency call routing
// policies, dial plans and SBCs, as the cmdlets name their fields. The page's
// fields are the state: `collect()` reads them into the conferencing
// settings' shape (the contract's `conferencing-settings` keys), and every
// field's `data-path` is the path the rules' lint names, so each finding lands
// on the field it is about.

import { el } from './dom.js';

const text = (name, label, extra = {}) => ({ name, label, type: 'text', ...extra });
const list = (name, label, extra = {}) => ({ name, label, type: 'list', ...extra });
const USAGES_HINT = 'in order, separated by commas';

/** The sections, in the order the Teams admin center's Voice routing pages
 * take them. `optional` sections may be absent from the stored tenant. */
export const SECTIONS = [
  {
    key: 'pstn_usages',
    title: 'PSTN usages',
    cmdlet: 'Set-CsOnlinePstnUsage',
    item: 'usage',
    strings: true,
    fields: [text('', 'Usage name')],
  },
  {
    key: 'voice_routes',
    title: 'Voice routes',
    cmdlet: 'New-CsOnlineVoiceRoute',
    item: 'route',
    fields: [
      text('identity', 'Name'),
      { name: 'priority', label: 'Priority', type: 'int', hint: 'lower is tried first' },
      text('number_pattern', 'Number pattern', { optional: true, placeholder: '[0-9]{10} (the default)', mono: true }),
      list('online_pstn_usages', 'PSTN usages', { hint: USAGES_HINT }),
      list('online_pstn_gateways', 'SBCs (FQDNs)', { optional: true, hint: 'separated by commas' }),
      text('bridge_source_phone_number', 'Bridge source phone number', { optional: true, placeholder: '+14255550100', hint: 'an Operator Connect number on the bridge' }),
    ],
    blank: (rows) => ({ identity: '', priority: rows.length ? Math.max(...rows.map((r) => Number(r.priority) || 0)) + 1 : 1, online_pstn_usages: [] }),
  },
  {
    key: 'audio_conferencing_routing_policies',
    title: 'Audio conferencing routing policies',
    cmdlet: 'New-CsTeamsAudioConferencingRoutingPolicy',
    item: 'policy',
    fields: [text('identity', 'Name'), list('online_pstn_usages', 'PSTN usages', { hint: USAGES_HINT })],
  },
  {
    key: 'voice_routing_policies',
    title: 'Voice routing policies',
    cmdlet: 'New-CsOnlineVoiceRoutingPolicy',
    item: 'policy',
    optional: true,
    fields: [text('identity', 'Name', { placeholder: 'Global or Tag:US-Only' }), list('online_pstn_usages', 'PSTN usages', { hint: USAGES_HINT })],
  },
  {
    key: 'emergency_call_routing_policies',
    title: 'Emergency call routing policies',
    cmdlet: 'New-CsTeamsEmergencyCallRoutingPolicy',
    item: 'policy',
    optional: true,
    fields: [
      text('identity', 'Name'),
      { name: 'allow_enhanced_emergency_services', label: 'Dynamic emergency calling', type: 'bool' },
      {
        name: 'emergency_numbers',
        label: 'Emergency numbers',
        type: 'records',
        item: 'emergency number',
        fields: [text('dial_string', 'Dial string', { placeholder: '911' }), text('dial_mask', 'Dial mask', { optional: true, placeholder: '9911;1911' }), text('online_pstn_usage', 'PSTN usage', { optional: true })],
      },
    ],
    blank: () => ({ identity: '', emergency_numbers: [] }),
  },
  {
    key: 'dial_plans',
    title: 'Dial plans',
    cmdlet: 'New-CsTenantDialPlan',
    item: 'dial plan',
    optional: true,
    fields: [
      text('identity', 'Name'),
      text('simple_name', 'Simple name', { optional: true }),
      text('description', 'Description', { optional: true }),
      {
        name: 'normalization_rules',
        label: 'Normalization rules',
        type: 'records',
        item: 'rule',
        fields: [text('name', 'Name'), text('pattern', 'Pattern', { mono: true, placeholder: '^(\\d{4})$' }), text('translation', 'Translation', { mono: true, placeholder: '+1425555$1' }), text('description', 'Description', { optional: true })],
      },
    ],
    blank: () => ({ identity: '', normalization_rules: [] }),
  },
  {
    key: 'gateways',
    title: 'SBCs',
    cmdlet: 'Set-CsOnlinePSTNGateway',
    item: 'SBC',
    optional: true,
    fields: [text('fqdn', 'FQDN', { placeholder: 'sbc1.contoso.com' }), text('country', 'Country of its equipment', { optional: true, placeholder: 'US' })],
  },
];

export const ROUTING_KEYS = SECTIONS.map((s) => s.key);

function blankOf(fields) {
  const r = {};
  for (const f of fields) {
    if (f.optional || f.type === 'bool') continue;
    r[f.name] = f.type === 'list' || f.type === 'records' ? [] : f.type === 'int' ? 1 : '';
  }
  return r;
}

/** A field's shown value. */
function shown(f, v) {
  if (v === null || v === undefined) return '';
  if (f.type === 'list') return v.join(', ');
  return String(v);
}

/** A field's value from its input, or `{bad}` with the plain reason. */
function parsed(f, input) {
  if (f.type === 'bool') return input.value === '' ? undefined : input.value === 'true';
  const raw = input.value.trim();
  if (f.type === 'list') {
    const items = raw.split(',').map((x) => x.trim()).filter(Boolean);
    return f.optional && !items.length ? undefined : items;
  }
  if (f.type === 'int') {
    if (!/^\d{1,9}$/.test(raw)) return { bad: `"${input.value}" is not a whole number; type digits, e.g. 1` };
    return Number(raw);
  }
  if (f.optional && raw === '') return undefined;
  return raw;
}

const idOf = (path) => `rt-${path.replace(/[^A-Za-z0-9]+/g, '-').replace(/-$/, '')}`;

/**
 * The editor in `root`: `fill(settings)` shows a configuration, `collect()`
 * reads the fields back (`{settings}`, or `{error: {path, message}}` for the
 * first field that does not parse; `collect(true)` keeps such a field's text),
 * `changedKeys(original)` names the sections that differ, `reveal(paths)`
 * opens the sections those paths are in.
 */
export function routingEditor(root, { onStructure } = {}) {
  let present = new Set();

  function input(f, path, value, label) {
    const id = idOf(path);
    const attrs = { id, 'data-path': path, 'aria-describedby': `${id}-msg`, autocomplete: 'off', spellcheck: 'false', 'data-type': f.type };
    let control;
    if (f.type === 'bool') {
      control = el('select', attrs, el('option', { value: '' }, 'Not set'), el('option', { value: 'true' }, 'On'), el('option', { value: 'false' }, 'Off'));
      control.value = value === true ? 'true' : value === false ? 'false' : '';
    } else {
      control = el('input', { ...attrs, placeholder: f.placeholder, inputmode: f.type === 'int' ? 'numeric' : undefined, class: f.mono ? 'mono' : undefined });
      control.value = shown(f, value);
    }
    control.field = f;
    const hint = f.hint ? el('span', { class: 'hint' }, ` (${f.hint})`) : null;
    return el('div', { class: 'field' }, el('label', { for: id, 'data-name': label }, label, hint), control, el('div', { class: 'msgs', id: `${id}-msg` }));
  }

  /** One record's fieldset: its fields, nested record lists, and its buttons. */
  function record(spec, rows, i, base, heading) {
    const row = rows[i];
    const path = `${base}[${i}]`;
    const name = spec.strings ? row : row.identity ?? row.name ?? row.fqdn ?? row.dial_string ?? '';
    const legend = `${heading} ${i + 1}${name ? `: ${name}` : ''}`;
    const box = el('fieldset', { class: 'record', 'data-record': path }, el('legend', {}, legend));
    const fields = el('div', { class: 'grid' });
    for (const f of spec.fields) {
      if (f.type === 'records') continue;
      const p = spec.strings ? path : `${path}.${f.name}`;
      fields.append(input(f, p, spec.strings ? row : row[f.name], spec.strings ? `${f.label} ${i + 1}` : f.label));
    }
    box.append(fields);
    for (const f of spec.fields.filter((x) => x.type === 'records')) {
      box.append(recordList({ ...f, key: f.name }, row[f.name] ?? [], `${path}.${f.name}`, f.label));
    }
    const act = (what, label, disabled = false) =>
      el('button', { type: 'button', 'data-act': what, 'data-at': path, 'aria-label': `${label} ${legend}`, disabled }, label);
    const buttons = el('div', { class: 'record-actions' }, act('up', 'Move up', i === 0), act('down', 'Move down', i === rows.length - 1), act('remove', 'Remove'));
    box.append(buttons);
    return box;
  }

  /** A list of records under `base` (a section, or a record's nested list). */
  function recordList(spec, rows, base, title) {
    const wrap = el('div', { class: 'records', 'data-list': base, 'data-key': spec.key });
    wrap.spec = spec;
    const item = spec.item ?? 'item';
    const heading = item[0].toUpperCase() + item.slice(1);
    rows.forEach((_, i) => wrap.append(record(spec, rows, i, base, heading)));
    if (!rows.length) wrap.append(el('p', { class: 'hint' }, `No ${item}s yet.`));
    wrap.append(el('button', { type: 'button', 'data-act': 'add', 'data-at': base, 'aria-label': `Add ${item} to ${title}` }, `Add ${item}`));
    return wrap;
  }

  function read(wrap, lenient) {
    const spec = wrap.spec;
    const out = [];
    for (const box of wrap.querySelectorAll(':scope > fieldset.record')) {
      if (spec.strings) {
        out.push(box.querySelector('[data-path]').value.trim());
        continue;
      }
      const row = {};
      for (const control of box.querySelectorAll(':scope > .grid [data-path]')) {
        const v = parsed(control.field, control);
        if (v && typeof v === 'object' && 'bad' in v) {
          // Moving or removing records keeps what was typed, parsed or not.
          if (lenient) row[control.field.name] = control.value;
          else throw Object.assign(new Error(v.bad), { path: control.dataset.path });
        } else if (v !== undefined) row[control.field.name] = v;
      }
      for (const nested of box.querySelectorAll(':scope > .records')) row[nested.dataset.key] = read(nested, lenient);
      out.push(row);
    }
    return out;
  }

  function collect(lenient = false) {
    const settings = {};
    try {
      for (const wrap of root.querySelectorAll(':scope > details > .records')) {
        const rows = read(wrap, lenient);
        if (wrap.spec.optional && !rows.length && !present.has(wrap.spec.key)) continue;
        settings[wrap.spec.key] = rows;
      }
    } catch (e) {
      return { error: { path: e.path, message: e.message } };
    }
    return { settings };
  }

  function section(spec, rows) {
    const count = el('span', { class: 'count', 'data-count': spec.key });
    const d = el(
      'details',
      { 'data-section': spec.key, open: spec.key === 'voice_routes' || spec.key === 'pstn_usages' },
      el('summary', {}, el('strong', {}, spec.title), ' ', count, ' ', el('span', { class: 'hint' }, spec.cmdlet)),
      recordList(spec, rows, spec.key, spec.title),
    );
    return d;
  }

  function countAll() {
    for (const d of root.querySelectorAll(':scope > details')) {
      const n = d.querySelectorAll(':scope > .records > fieldset.record').length;
      const errs = d.querySelectorAll('[aria-invalid="true"]').length;
      d.querySelector('.count').textContent = `(${n})${errs ? ` · ${errs} field${errs > 1 ? 's' : ''} with errors` : ''}`;
    }
  }

  function fill(settings) {
    present = new Set(ROUTING_KEYS.filter((k) => Array.isArray(settings?.[k])));
    root.replaceChildren(...SECTIONS.map((s) => section(s, settings?.[s.key] ?? [])));
    countAll();
  }

  /** Add, remove or move a record: read everything, change the one list, show it again. */
  root.addEventListener('click', (e) => {
    const button = e.target.closest('button[data-act]');
    if (!button) return;
    const act = button.dataset.act;
    const at = button.dataset.at;
    const { settings } = collect(true);
    for (const s of SECTIONS) if (!(s.key in settings) && present.has(s.key)) settings[s.key] = [];
    const m = /^(.*)\[(\d+)\]$/.exec(at);
    const listPath = act === 'add' ? at : m[1];
    const index = act === 'add' ? -1 : Number(m[2]);
    const { rows, spec } = locate(settings, listPath);
    let focus;
    if (act === 'add') {
      rows.push(spec.strings ? '' : (spec.blank?.(rows) ?? blankOf(spec.fields)));
      focus = `${listPath}[${rows.length - 1}]${spec.strings ? '' : `.${spec.fields[0].name}`}`;
    } else if (act === 'remove') {
      rows.splice(index, 1);
      focus = null;
    } else {
      const to = act === 'up' ? index - 1 : index + 1;
      [rows[index], rows[to]] = [rows[to], rows[index]];
      focus = { act, at: `${listPath}[${to}]` };
    }
    const topKey = listPath.split(/[.[]/)[0];
    present.add(topKey);
    const open = new Set([...root.querySelectorAll(':scope > details[open]')].map((d) => d.dataset.section));
    open.add(topKey);
    fill(settings);
    present.add(topKey);
    for (const d of root.querySelectorAll(':scope > details')) d.open = open.has(d.dataset.section);
    if (typeof focus === 'string') root.querySelector(`#${idOf(focus)}`)?.focus();
    else if (focus) {
      // The same button on the moved record, or (at the end of the list) its other one.
      const same = root.querySelector(`button[data-act="${focus.act}"][data-at="${focus.at}"]:not([disabled])`);
      (same ?? root.querySelector(`[data-record="${focus.at}"] > .record-actions button:not([disabled])`))?.focus();
    }
    else root.querySelector(`button[data-act="add"][data-at="${listPath}"]`)?.focus();
    onStructure?.(collect());
  });

  /** The rows at `path` (`voice_routes`, `dial_plans[0].normalization_rules`) and their spec. */
  function locate(settings, path) {
    const nested = /^(\w+)\[(\d+)\]\.(\w+)$/.exec(path);
    const top = SECTIONS.find((s) => s.key === (nested ? nested[1] : path));
    settings[top.key] ??= [];
    if (!nested) return { rows: settings[top.key], spec: top };
    const parent = settings[top.key][Number(nested[2])];
    parent[nested[3]] ??= [];
    return { rows: parent[nested[3]], spec: top.fields.find((f) => f.name === nested[3]) };
  }

  /** The sections whose rows differ from `original`'s. */
  function changedKeys(original, settings) {
    return ROUTING_KEYS.filter((k) => k in settings && JSON.stringify(settings[k]) !== JSON.stringify(normal(SECTIONS.find((s) => s.key === k), original?.[k] ?? [])));
  }

  /** Open the sections the findings are in, and count each section's errors. */
  function reveal(paths) {
    for (const p of paths) {
      const key = p.split(/[.[]/)[0];
      const d = root.querySelector(`:scope > details[data-section="${key}"]`);
      if (d) d.open = true;
    }
    countAll();
  }

  return { fill, collect, changedKeys, reveal };
}

/** Rows as `collect` would read them back from the fields: trimmed, empty
 * optional fields left out, so that an untouched section is not "changed". */
function normal(spec, rows) {
  if (spec.strings) return rows.map((r) => String(r).trim());
  return rows.map((row) => {
    const out = {};
    for (const f of spec.fields) {
      const v = row[f.name];
      if (f.type === 'records') out[f.name] = normal(f, v ?? []);
      else if (f.type === 'list') {
        const items = (v ?? []).map((x) => String(x).trim()).filter(Boolean);
        if (!(f.optional && !items.length)) out[f.name] = items;
      } else if (f.type === 'bool') {
        if (typeof v === 'boolean') out[f.name] = v;
      } else if (f.type === 'int') out[f.name] = v ?? 1;
      else if (v !== null && v !== undefined && !(f.optional && String(v).trim() === '')) out[f.name] = String(v).trim();
      else if (!f.optional) out[f.name] = '';
    }
    // Key order as `collect` builds it: the grid's fields, then nested lists.
    const ordered = {};
    for (const f of spec.fields.filter((x) => x.type !== 'records')) if (f.name in out) ordered[f.name] = out[f.name];
    for (const f of spec.fields.filter((x) => x.type === 'records')) ordered[f.name] = out[f.name];
    return ordered;
  });
}
