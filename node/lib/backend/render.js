/**
 * The WebAssembly backend's render and show natives (node/src/nfstw_render.c's names,
 * arguments, returns and errors): renderSvg/showText and their async forms, labels the
 * vars' full names, the document made by the core (fstw_render_svg, fstw_show_text) and
 * copied out of the heap as a string.
 *
 * @module fstwave/lib/backend/render
 */
'use strict';

const mod = require('./module');
const { typeError, rangeError, coreError, guard } = require('./errors');
const { fileOf, work } = require('./files');
const { sigOf, u64 } = require('./signals');

/** The arguments of a render or show, checked as the addon checks them (nfstw_render.c). */
function check(show, h, ids, sigs, from, to, width, radix) {
  const st = fileOf(h);
  const M = mod.M;
  if (!(ids instanceof Uint32Array) || !Array.isArray(sigs) || sigs.length !== ids.length) {
    throw typeError('expected a Uint32Array of var ids and an array of as many signals');
  }
  const nv = M._fstw_var_count(st.ptr);
  const ptrs = new Uint32Array(ids.length);
  for (let i = 0; i < ids.length; i++) {
    if (ids[i] >= nv) throw rangeError(`var id ${ids[i]} is out of range`);
    ptrs[i] = sigOf(sigs[i]);
  }
  const hd = require('./hier').header(h);
  const t0 = from === null || from === undefined ? hd.startTime : u64(from, 'from');
  const t1 = to === null || to === undefined ? hd.endTime : u64(to, 'to');
  const w = show ? 0 : Number(u64(width, 'width', 0xffffffffn));
  const r = Number(u64(radix, 'radix', 16n));
  return { st, show, ids, ptrs, t0, t1, w, r };
}

/** The document of a checked call (check), made by the core and copied out of the heap. */
function run(a) {
  const M = mod.M;
  const ip = mod.putU32(a.ids);
  const sp = mod.putU32(a.ptrs);
  const outp = M._malloc(8);
  try {
    const rc = guard(() => M._wfstw_render(a.st.ptr, a.show ? 1 : 0, ip, sp, a.ids.length, a.t0, a.t1, a.w, a.r,
      outp, outp + 4));
    if (rc) throw coreError(a.st.path);
    const doc = M.HEAPU32[outp >> 2];
    const s = mod.str(doc, M.HEAPU32[(outp + 4) >> 2]);
    M._wfstw_free_core(doc);
    return s;
  } finally {
    M._free(ip);
    M._free(sp);
    M._free(outp);
  }
}

module.exports = {
  renderSvg: (h, ids, sigs, from, to, width, radix) => run(check(false, h, ids, sigs, from, to, width, radix)),
  showText: (h, ids, sigs, from, to, radix) => run(check(true, h, ids, sigs, from, to, 0, radix)),
  renderSvgAsync(h, ids, sigs, from, to, width, radix) {
    const a = check(false, h, ids, sigs, from, to, width, radix);
    return work(a.st, () => run(a));
  },
  showTextAsync(h, ids, sigs, from, to, radix) {
    const a = check(true, h, ids, sigs, from, to, 0, radix);
    return work(a.st, () => run(a));
  },
};
