// The browser test's page script: `window.fstPage` runs fstwave/web (served at /web/) on the
// Files of the page's file input and hands back what the test compares; an Error comes back
// as { error: { name, message, code, reason, path } }.
import { Waveform } from '/web/fstwave.mjs';

const input = document.getElementById('files');
const out = document.getElementById('out');

function fileNamed(name) {
  const f = [...input.files].find((x) => x.name === name);
  if (!f) throw new Error(`no file ${name} in the input`);
  return f;
}

async function withFile(name, fn) {
  try {
    const w = await Waveform.open(fileNamed(name));
    try {
      return await fn(w);
    } finally {
      await w.close();
    }
  } catch (e) {
    return { error: { name: e.name, message: e.message, code: e.code, reason: e.reason, path: e.path } };
  }
}

window.fstPage = {
  ready: true,
  count: () => input.files.length,
  /** The dump text, and whether the input's File was a real File. */
  dump: (name) => withFile(name, async (w) => {
    const text = await w.dump();
    out.textContent = text.slice(0, 2000);
    return { text, isFile: fileNamed(name) instanceof File };
  }),
  show: (name, signals, options) => withFile(name, (w) => w.show(signals, options)),
  render: (name, signals, options) => withFile(name, (w) => w.render(signals, options)),
  /** The tree and a window of changes, as the README's example prints them. */
  treeAndWindow: (name, signal, t0, t1) => withFile(name, async (w) => {
    const h = await w.hierarchy();
    const loaded = await w.loadSignals([signal]);
    let win;
    try {
      const r = await w.changesBetween(signal, BigInt(t0), BigInt(t1));
      win = { kind: r.kind, first: r.first, hasInitial: r.hasInitial, times: [...r.times].map(String),
        values: r.values === null ? null : Array.from(r.values, String) };
    } catch (e) {
      win = { error: { message: e.message, code: e.code } };
    }
    return { info: { ...w.info, timeRange: w.info.timeRange?.map(String) }, scopes: h.scopes.map((s) => s.fullName),
      vars: h.vars.map((v) => [v.fullName, v.width, v.signalRef]), loaded, win };
  }),
  /** The dump of a file given as bytes (ArrayBuffer, Uint8Array) and as a Blob. */
  dumpOtherSources: async (name) => {
    const f = fileNamed(name);
    const texts = [];
    for (const src of [await f.arrayBuffer(), new Uint8Array(await f.arrayBuffer()), new Blob([f])]) {
      const w = await Waveform.open(src);
      texts.push([w.name, await w.dump()]);
      await w.close();
    }
    return texts;
  },
  /** A worker script or a .wasm that cannot be loaded: rejections with codes. */
  badUrls: async (name) => {
    const r = {};
    for (const [k, opts] of [['worker', { workerUrl: '/web/no-such-worker.js' }], ['wasm', { wasmUrl: '/web/no-such.wasm' }]]) {
      try {
        await Waveform.open(fileNamed(name), opts);
        r[k] = 'opened';
      } catch (e) {
        r[k] = { name: e.name, code: e.code, message: e.message };
      }
    }
    try {
      await Waveform.open('/a/path.fst');
    } catch (e) {
      r.path = { name: e.name, code: e.code };
    }
    return r;
  },
  /** Calls after a failure: the worker must still answer. */
  afterError: async (bad, good) => {
    const r = { bad: null, again: null };
    try {
      await Waveform.open(fileNamed(bad));
    } catch (e) {
      r.bad = { name: e.name, code: e.code, message: e.message };
    }
    const w = await Waveform.open(fileNamed(good));
    try {
      await w.show(['no.such.signal']);
    } catch (e) {
      r.noSignal = { name: e.name, code: e.code, message: e.message };
    }
    r.again = (await w.hierarchy()).vars.length;
    await w.close();
    try {
      await w.hierarchy();
    } catch (e) {
      r.closed = { code: e.code, message: e.message };
    }
    return r;
  },
};
