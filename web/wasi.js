// The locked-down WASI 0.2 that plugins whose manifest says `wasi = true` get
// in the browser and in Node: the same one wasmtime's plugin host links
// (host/plugins/src/lib.rs, `locked_down_wasi`), for components transpiled by
// jco with `--instantiation async --no-wasi-shim`.
//
// - no preopened directories, no environment, no arguments;
// - no network: sockets and name lookups are refused (`access-denied`);
// - stdin is empty, stdout and stderr are discarded;
// - the wall clock is stopped at 2000-01-01T00:00:00Z and the monotonic clock
//   at 0, so a plugin cannot tell the time;
// - random bytes come from wasmtime's fixed seeds, restarted for every call,
//   so the same input always gives the same answer;
// - `exit` traps the call (the host reports `Trap`).
//
//   import { lockedDownWasi } from './wasi.js';
//   const wasi = lockedDownWasi();
//   await module.instantiate(getCoreModule, { ...wasi.imports, ...theirs });
//   wasi.reset(); // before each call

/** The seconds of 2000-01-01T00:00:00Z since the epoch (wasmtime's FixedClock). */
export const FIXED_EPOCH_SECONDS = 946_684_800n;

class IoError {
  toDebugString() {
    return 'the locked-down WASI refused this';
  }
}

class Pollable {
  ready() {
    return true;
  }
  block() {}
}

const closed = () => ({ tag: 'closed' });

class InputStream {
  read() {
    throw closed();
  }
  blockingRead() {
    throw closed();
  }
  skip() {
    throw closed();
  }
  blockingSkip() {
    throw closed();
  }
  subscribe() {
    return new Pollable();
  }
}

/** Output that is accepted and dropped, as wasmtime's `sink`. */
class OutputStream {
  checkWrite() {
    return 1_048_576n;
  }
  write() {}
  blockingWriteAndFlush() {}
  flush() {}
  blockingFlush() {}
  writeZeroes() {}
  blockingWriteZeroesAndFlush() {}
  splice() {
    throw closed();
  }
  blockingSplice() {
    throw closed();
  }
  subscribe() {
    return new Pollable();
  }
}

// Resources a plugin can name but never obtain: every constructor of them is refused.
class Descriptor {}
class DirectoryEntryStream {}
class TerminalInput {}
class TerminalOutput {}
class Network {}
class TcpSocket {}
class UdpSocket {}
class IncomingDatagramStream {}
class OutgoingDatagramStream {}
class ResolveAddressStream {}

const refused = () => {
  throw 'access-denied';
};

/** Bytes that repeat `seed` forever, as wasmtime's `random::Deterministic`. */
function cycle(seed) {
  const bytes = new TextEncoder().encode(seed);
  let i = 0;
  return {
    fill(n) {
      const out = new Uint8Array(n);
      for (let j = 0; j < n; j++, i = (i + 1) % bytes.length) out[j] = bytes[i];
      return out;
    },
    u64() {
      const b = this.fill(8);
      let v = 0n;
      for (let j = 7; j >= 0; j--) v = (v << 8n) | BigInt(b[j]);
      return v;
    },
    reset() {
      i = 0;
    },
  };
}

/** The most random bytes one call may ask for. */
const MAX_RANDOM = 1 << 20;

/**
 * A locked-down WASI: the import object for every `wasi:*` interface a
 * jco-transpiled component asks for (jco drops the `@0.2.x` version from the
 * names), and `reset()`, which a host calls before each plugin call so that,
 * as in wasmtime (a fresh WASI context per call), every call sees the same
 * random bytes.
 */
export function lockedDownWasi() {
  // wasmtime's seeds (host/plugins/src/lib.rs): the same bytes, in the same order.
  const secure = cycle('ocpolicy plugin: a fixed seed');
  const insecure = cycle('ocpolicy plugin: another fixed seed');
  const take = (rng) => (len) => {
    const n = Number(len);
    if (n > MAX_RANDOM) throw new Error(`asked for ${n} random bytes; the limit is ${MAX_RANDOM}`);
    return rng.fill(n);
  };
  const imports = {
    'wasi:cli/environment': { getEnvironment: () => [], getArguments: () => [], initialCwd: () => undefined },
    'wasi:cli/exit': {
      exit: () => {
        throw new Error('the plugin called exit');
      },
    },
    'wasi:cli/stdin': { getStdin: () => new InputStream() },
    'wasi:cli/stdout': { getStdout: () => new OutputStream() },
    'wasi:cli/stderr': { getStderr: () => new OutputStream() },
    'wasi:cli/terminal-input': { TerminalInput },
    'wasi:cli/terminal-output': { TerminalOutput },
    'wasi:cli/terminal-stdin': { getTerminalStdin: () => undefined },
    'wasi:cli/terminal-stdout': { getTerminalStdout: () => undefined },
    'wasi:cli/terminal-stderr': { getTerminalStderr: () => undefined },
    'wasi:clocks/wall-clock': {
      now: () => ({ seconds: FIXED_EPOCH_SECONDS, nanoseconds: 0 }),
      resolution: () => ({ seconds: 1n, nanoseconds: 0 }),
    },
    'wasi:clocks/monotonic-clock': {
      now: () => 0n,
      resolution: () => 1_000_000_000n,
      subscribeDuration: () => new Pollable(),
      subscribeInstant: () => new Pollable(),
    },
    'wasi:filesystem/preopens': { getDirectories: () => [] },
    'wasi:filesystem/types': { Descriptor, DirectoryEntryStream, filesystemErrorCode: () => undefined },
    'wasi:io/error': { Error: IoError },
    'wasi:io/poll': { Pollable, poll: (list) => new Uint32Array(list.map((_, i) => i)) },
    'wasi:io/streams': { InputStream, OutputStream },
    'wasi:random/random': { getRandomBytes: take(secure), getRandomU64: () => secure.u64() },
    'wasi:random/insecure': { getInsecureRandomBytes: take(insecure), getInsecureRandomU64: () => insecure.u64() },
    // wasmtime's `insecure_random_seed(0x0c90_11c7)`, as (low, high) 64-bit halves.
    'wasi:random/insecure-seed': { insecureSeed: () => [0x0c9011c7n, 0n] },
    'wasi:sockets/instance-network': { instanceNetwork: () => new Network() },
    'wasi:sockets/network': { Network },
    'wasi:sockets/tcp': { TcpSocket },
    'wasi:sockets/tcp-create-socket': { createTcpSocket: refused },
    'wasi:sockets/udp': { UdpSocket, IncomingDatagramStream, OutgoingDatagramStream },
    'wasi:sockets/udp-create-socket': { createUdpSocket: refused },
    'wasi:sockets/ip-name-lookup': { ResolveAddressStream, resolveAddresses: refused },
  };
  return {
    imports,
    reset() {
      secure.reset();
      insecure.reset();
    },
  };
}
