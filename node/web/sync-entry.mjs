/**
 * The ES-module form of node/web/sync.js (dist/web/fstwave-sync.mjs, `fstwave/web/sync`):
 * `import { init } from 'fstwave/web/sync'` in a module worker.  The .wasm defaults to
 * fstwave-core.wasm beside this module.
 *
 * @module fstwave/web/sync-entry
 */

import sync from './sync.js';

/**
 * sync.js's init, with the .wasm beside this module by default.
 * @param {{wasmUrl?: string | URL, wasmBinary?: ArrayBuffer | Uint8Array}} [options]
 * @returns {Promise<import('./sync.js').SyncApi>}
 */
export function init(options = {}) {
  return sync.init({ wasmUrl: new URL('./fstwave-core.wasm', import.meta.url), ...options });
}
