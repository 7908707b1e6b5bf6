/**
 * The Web Worker of the main-thread API (built into dist/web/fstwave-worker.js by
 * node/web/build.js): hosts the WebAssembly core and the sync classes (node/web/sync.js)
 * and runs node/web/ops.js's operations for the messages it gets.
 *
 * Protocol (node/web/index.mjs is the other side):
 *   in   { id, op, args, wasmUrl? }            op: a name of ops.js; wasmUrl on the first
 *   out  { id, ok: true, value }               typed arrays' buffers are transferred
 *        { id, ok: false, error }              node/web/wire.js's toWire(error)
 * Every failure answers its own message; nothing is thrown out of the handler, so the worker
 * outlives bad input.  After a trap of the WebAssembly core (ERR_FSTWAVE_WASM_TRAP) its
 * memory is no longer trusted: every later call is rejected with that code.
 *
 * @module fstwave/web/worker
 */
'use strict';

const { init } = require('./sync');
const { makeOps } = require('./ops');
const { toWire, codeError } = require('./wire');

let ops = null; // Promise of the operations, from the first message's wasmUrl
let broken = null; // the trap that poisoned the core

/** The buffers of the typed arrays in v (a value of ops.js), to transfer. */
function transferables(v) {
  const out = [];
  const add = (x) => {
    if (ArrayBuffer.isView(x) && x.buffer instanceof ArrayBuffer && !out.includes(x.buffer)) out.push(x.buffer);
  };
  if (v && typeof v === 'object') {
    if (ArrayBuffer.isView(v)) add(v);
    else for (const k of Object.keys(v)) add(v[k]);
  }
  return out;
}

function isTrap(e) {
  return (typeof WebAssembly !== 'undefined' && e instanceof WebAssembly.RuntimeError) ||
    (e !== null && typeof e === 'object' && e.code === 'ERR_FSTWAVE_WASM_TRAP');
}

async function handle(msg) {
  if (!ops) ops = init({ wasmUrl: msg.wasmUrl }).then(makeOps);
  let o;
  try {
    o = await ops;
  } catch (e) {
    ops = null; // the next message tries to load again
    throw e;
  }
  if (broken) {
    throw codeError('ERR_FSTWAVE_WASM_TRAP', `fstwave: the WebAssembly core trapped in an earlier call (${broken.message}); open the file again`);
  }
  if (!Object.prototype.hasOwnProperty.call(o, msg.op)) {
    throw codeError('ERR_FSTWAVE_WORKER', `fstwave: unknown worker operation ${String(msg.op)}`);
  }
  try {
    return o[msg.op](...msg.args);
  } catch (e) {
    if (isTrap(e)) {
      broken = e;
      if (!(e.code)) throw codeError('ERR_FSTWAVE_WASM_TRAP', `fstwave: the WebAssembly core trapped: ${e.message}`);
    }
    throw e;
  }
}

self.onmessage = (ev) => {
  const msg = ev.data;
  handle(msg).then((value) => {
    try {
      self.postMessage({ id: msg.id, ok: true, value }, transferables(value));
    } catch (e) { // a value postMessage cannot clone: a bug here, still an answer
      self.postMessage({ id: msg.id, ok: false, error: toWire(e) });
    }
  }, (e) => {
    self.postMessage({ id: msg.id, ok: false, error: toWire(e) });
  });
};
