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
const { fileOf, asAsync } = require('./files');
const { sigOf, u64 } = require('./signals');

function run(show, h, ids, sigs, from, to, width, radix) {
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
  const w = show ? 0 : Number(u64(width, 'width'));
  if (!show && w > 0xffffffff) throw rangeError('width is out of range (max 4294967295)');
  const r = Number(u64(radix, 'radix'));
  if (r > 16) throw rangeError('radix is out of range (max 16)');
  const ip = mod.putU32(ids);
  const sp = mod.putU32(ptrs);
  const outp = M._malloc(8);
  try {
    const rc = guard(() => M._wfstw_render(st.ptr, show ? 1 : 0, ip, sp, ids.length, t0, t1, w, r, outp, outp + 4));
    if (rc) throw coreError(st.path);
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

const renderSvg = (h, ids, sigs, from, to, width, radix) => run(false, h, ids, sigs, from, to, width, radix);
const showText = (h, ids, sigs, from, to, radix) => run(true, h, ids, sigs, from, to, 0, radix);

module.exports = {
  renderSvg,
  showText,
  renderSvgAsync: (...a) => asAsync(renderSvg)(...a),
  showTextAsync: (...a) => asAsync(showText)(...a),
};
