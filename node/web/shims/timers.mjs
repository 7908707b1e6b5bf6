/**
 * Node's `setImmediate` for the browser bundle (node/web/build.js injects it where the
 * classes use the global: the async forms yield to the event loop with it): a zero-delay
 * timer.  The bundle's own binding; the page's or worker's globals are left alone.
 *
 * @module fstwave/web/shims/timers
 */
export function setImmediate(fn, ...args) {
  return setTimeout(fn, 0, ...args);
}
