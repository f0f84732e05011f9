// Usage: node web/strip-sections.mjs FILE.wasm
//
// Removes the `component-type:*` custom sections from a core wasm module, in
// place. wit-bindgen's `generate!` puts the contract's encoded world there for
// componentization; the browser modules are not components, so those bytes
// (about 11 KB raw, 5 KB gzip) would only weigh on every download. wasm-opt
// and wasm-bindgen keep unknown custom sections, and this is the whole format
// involved: a section is an id byte, a LEB128 size and its bytes; a custom
// section (id 0) starts with a LEB128-length name.
import { readFileSync, writeFileSync } from 'node:fs';

const file = process.argv[2];
if (!file) {
  console.error('usage: node web/strip-sections.mjs FILE.wasm');
  process.exit(2);
}
const bytes = readFileSync(file);
const fail = (why) => {
  console.error(`strip-sections: ${file}: ${why}`);
  process.exit(1);
};
if (bytes.length < 8 || bytes.readUInt32LE(0) !== 0x6d736100) fail('not a wasm module');

function leb(at) {
  let value = 0;
  let shift = 0;
  for (;;) {
    if (at >= bytes.length || shift > 28) fail(`bad LEB128 at byte ${at}`);
    const b = bytes[at++];
    value += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if (!(b & 0x80)) return [value, at];
  }
}

const kept = [bytes.subarray(0, 8)];
let removed = 0;
for (let at = 8; at < bytes.length; ) {
  const start = at;
  const id = bytes[at++];
  const [size, body] = leb(at);
  const end = body + size;
  if (end > bytes.length) fail(`section at byte ${start} runs past the end`);
  let drop = false;
  if (id === 0) {
    const [length, name] = leb(body);
    drop = bytes.subarray(name, name + length).toString('utf8').startsWith('component-type');
  }
  if (drop) removed += end - start;
  else kept.push(bytes.subarray(start, end));
  at = end;
}
writeFileSync(file, Buffer.concat(kept));
if (removed) console.log(`${file}: removed ${removed} bytes of component-type sections`);
