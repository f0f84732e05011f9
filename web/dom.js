// The console's few DOM helpers, shared by its modules.

export const $ = (id) => document.getElementById(id);

/** `el('p', {class: 'x'}, 'text', child)`: an element with attributes and children. */
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') e.className = v;
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(c);
  return e;
}

export function option(value, text = value) {
  return el('option', { value }, text);
}

/** A select's options: "any" first, then each distinct value, sorted. */
export function choices(select, label, values) {
  const keep = select.value;
  select.replaceChildren(option('', `Any ${label}`), ...[...new Set(values)].filter(Boolean).sort().map((v) => option(v)));
  if ([...select.options].some((o) => o.value === keep)) select.value = keep;
}

/** RFC 4180 CSV: every field quoted when it needs to be, CRLF line ends. */
export function csv(header, rows) {
  const q = (v) => {
    const s = v === null || v === undefined ? '' : String(v);
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [header, ...rows].map((r) => r.map(q).join(',')).join('\r\n') + '\r\n';
}

/** Offer `text` as a download named `name`. */
export function download(name, text, type = 'text/csv') {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = el('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/**
 * RFC 4180 CSV into rows of fields: quoted fields (with `""` and line breaks
 * inside), CRLF or LF line ends, a byte-order mark dropped, blank lines left
 * out. An unterminated quote is an error naming its line.
 */
export function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let started = 1;
  const s = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quoted) {
      if (c === '"' && s[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else {
        if (c === '\n') line++;
        field += c;
      }
    } else if (c === '"' && field === '') {
      quoted = true;
      started = line;
    } else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && s[i + 1] === '\n') i++;
      row.push(field);
      if (row.some((f) => f.trim() !== '')) rows.push({ line, fields: row });
      row = [];
      field = '';
      line++;
    } else field += c;
  }
  if (quoted) throw new Error(`line ${started}: a quoted field is never closed (add the closing ")`);
  row.push(field);
  if (row.some((f) => f.trim() !== '')) rows.push({ line, fields: row });
  return rows;
}
