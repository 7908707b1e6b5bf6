/* fstw_decode.c - one value-change block into per-signal builders.
 *
 * Per block (FST format, libfst's block_format): the frame (initial values,
 * zlib), the chains of value changes (one per signal, packed with zlib,
 * FastLZ or LZ4), the chain table (fstw_chains.c) and the time table.  A
 * change's time-table index is the block's base plus the running sum of the
 * deltas in its chain, mapped to the first index with the same time as
 * fst-reader's callback does (pywellen); changes after the header's end time
 * are dropped (fst-reader).  Values go straight into the builders: 2-state
 * vectors stay packed, nothing is called back per change. */
#include "fstw_internal.h"
#include <stdlib.h>
#include <string.h>




#define CORRUPT(...) return fstwi_fail(d->err, FSTW_ERR_FORMAT, __VA_ARGS__)
#define CORRUPT_AT(offset, ...) return fstwi_fail_at(d->err, FSTW_ERR_FORMAT, offset, __VA_ARGS__)

int fstwi_frame_read(const fstw_file *f, const fstwi_vc_block *b, uint8_t **raw_out, uint64_t *ulen_out,
                     uint64_t *maxh_out, fstw_error *err)
{
    uint8_t hdr[30];
    *raw_out = NULL;
    uint64_t avail = f->src.size - b->frame_off;
    size_t hn = avail < sizeof hdr ? (size_t)avail : sizeof hdr;
    int rc = fstwi_source_read(&f->src, b->frame_off, hdr, hn, "frame", err);
    if (rc) return rc;
    fstwi_cursor c = { hdr, hdr + hn };
    uint64_t ulen, clen, maxh;
    if (fstwi_cur_varint(&c, &ulen) || fstwi_cur_varint(&c, &clen) || fstwi_cur_varint(&c, &maxh))
        return fstwi_fail_at(err, FSTW_ERR_FORMAT, b->offset - 1, "block at offset %llu: truncated frame header", (unsigned long long)(b->offset - 1));
    if (clen > f->src.size || ulen / 1100 > clen + 1024)
        return fstwi_fail_at(err, FSTW_ERR_FORMAT, b->offset - 1, "block at offset %llu: implausible frame size", (unsigned long long)(b->offset - 1));
    uint8_t *in = malloc(clen ? clen : 1), *raw = malloc(ulen ? ulen : 1);
    if (!in || !raw) { free(in); free(raw); return fstwi_fail(err, FSTW_ERR_NOMEM, "out of memory reading a frame"); }
    rc = fstwi_source_read(&f->src, b->frame_off + (uint64_t)(c.p - hdr), in, clen, "frame", err);
    if (!rc) {
        if (clen == ulen) memcpy(raw, in, clen);
        else if (fstwi_inflate_zlib(in, clen, raw, ulen))
            rc = fstwi_fail_at(err, FSTW_ERR_FORMAT, b->offset - 1, "block at offset %llu: corrupt frame", (unsigned long long)(b->offset - 1));
    }
    free(in);
    if (rc) { free(raw); return rc; }
    *raw_out = raw;
    *ulen_out = ulen;
    *maxh_out = maxh;
    return FSTW_OK;
}

/* The frame of block b: initial values at the block's start time. */
static int read_frame(fstwi_decoder *d, const fstwi_vc_block *b, const uint32_t *refs,
                      fstwi_builder *bs, size_t n)
{
    const fstw_file *f = d->f;
    uint8_t *raw;
    uint64_t ulen, maxh;
    int rc = fstwi_frame_read(f, b, &raw, &ulen, &maxh, d->err);
    if (rc) return rc;
    uint64_t pos = 0;
    uint32_t next_ref = 0;
    for (size_t k = 0; !rc && k < n; k++) {
        uint32_t ref = refs[k];
        if (ref >= maxh || ref >= f->n_geom) break;
        while (next_ref < ref) pos += fstwi_frame_size(f->geom[next_ref++]);
        uint32_t g = f->geom[ref];
        size_t sz = fstwi_frame_size(g);
        if (pos + sz > ulen) break; /* a short frame: no initial values beyond it */
        fstwi_builder *bd = &bs[k];
        if (g == FSTWI_GEOM_VARLEN) continue; /* variable-length signals have no frame value */
        if (g == FSTWI_GEOM_REAL) rc = fstwi_builder_add_real(bd, 0, fstwi_read_double(f, raw + pos)) ? FSTW_ERR_NOMEM : 0;
        else rc = fstwi_builder_add_chars(bd, 0, raw + pos, g, d->tmp) ? FSTW_ERR_NOMEM : 0;
        if (rc) rc = fstwi_fail(d->err, FSTW_ERR_NOMEM, "out of memory");
    }
    free(raw);
    return rc;
}

/* The global time-table index of a change at step `local` of block b, as
 * fst-reader reports it: the first index with the same time (f->dups, walked
 * with the chain's cursor *dcur, since a chain's steps only grow).  -1 when
 * the change lies after the header's end time: it and the rest of the chain
 * are dropped (fst-reader).  local < b->tt_count. */
static inline int64_t change_index(const fstw_file *f, const fstwi_vc_block *b, uint64_t local, size_t *dcur)
{
    uint64_t gi = b->tt_base + local;
    if (b->tt_sorted ? local >= b->tt_limit : f->time_table[gi] > f->header.end_time) return -1;
    size_t d = *dcur;
    while (d < f->n_dups && f->dups[d][0] < gi) d++;
    *dcur = d;
    return d < f->n_dups && f->dups[d][0] == gi ? f->dups[d][1] : (int64_t)gi;
}

/* The first entry of f->dups at time-table index >= gi (binary search). */
static size_t first_dup_from(const fstw_file *f, uint64_t gi)
{
    size_t lo = 0, hi = f->n_dups;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (f->dups[mid][0] < gi) lo = mid + 1; else hi = mid;
    }
    return lo;
}

/* The running state of one chain's decode, shared by the two loops below. */
typedef struct chain_pos {
    fstwi_cursor c;
    uint64_t local;   /* time step in the block of the last change */
    int first;
    size_t dcur;      /* cursor into f->dups */
    int stop;         /* a change after the header's end time was met */
} chain_pos;

/* The 2-state changes of a signal stored packed (1 bit, or as wide as its
 * var), while they last, in a loop with no call per change: values are
 * written in place and kept unless equal to the previous one, and the room
 * is checked once per buffer-full, not per change.  The first change with
 * x/z/... (or a malformed one) is left for decode_chain's general loop.
 * Same result as add_chars/add_fst_bits. */
static int decode_two_state(fstwi_decoder *d, const fstwi_vc_block *b, fstwi_builder *bd, uint32_t g,
                            chain_pos *cp)
{
    const fstw_file *f = d->f;
    const size_t st = bd->stride;
    const size_t nb = g == 1 ? 0 : st;
    const unsigned pad = g == 1 ? 0 : (unsigned)(st * 8 - bd->bits);
    uint64_t local = cp->local;
    int first = cp->first;
    size_t dcur = cp->dcur;
    int more = 1;
    while (more && cp->c.p < cp->c.end) {
        /* room for at least one change (the candidate value is written before
         * the equality check) */
        if (fstwi_buf_reserve(&bd->tidx, sizeof(uint32_t)) || fstwi_buf_reserve(&bd->data, st))
            return fstwi_fail(d->err, FSTW_ERR_NOMEM, "out of memory loading signal %u", bd->ref);
        size_t room = (bd->tidx.cap - bd->tidx.len) / sizeof(uint32_t);
        if (st && (bd->data.cap - bd->data.len) / st < room) room = (bd->data.cap - bd->data.len) / st;
        uint8_t *tp = bd->tidx.data + bd->tidx.len;
        uint8_t *vp = bd->data.data + bd->data.len;
        const uint8_t *last = bd->n ? vp - st : NULL;
        size_t added = 0;
        more = 0;
        while (cp->c.p < cp->c.end) {
            if (added == room) { more = 1; break; }
            const uint8_t *at = cp->c.p;
            uint64_t vli, delta;
            if (fstwi_varint(&cp->c, &vli) || (vli & 1)) { cp->c.p = at; break; }
            uint8_t *dst = vp + added * st;   /* the candidate value goes in place */
            if (g == 1) {
                dst[0] = (uint8_t)((vli >> 1) & 1);
                delta = vli >> 2;
            } else {
                delta = vli >> 1;
                const uint8_t *p = cp->c.p;
                if ((size_t)(cp->c.end - p) < nb) { cp->c.p = at; break; }
                if (pad == 0) memcpy(dst, p, nb);
                else fstwi_fst_bits_to_storage(dst, p, nb, pad);
                cp->c.p += nb;
            }
            uint64_t lc = first ? delta : local + delta;
            if (lc >= b->tt_count) { cp->c.p = at; break; }
            int64_t gi = change_index(f, b, lc, &dcur);
            if (gi < 0) { cp->stop = 1; break; }
            local = lc;
            first = 0;
            uint32_t idx = (uint32_t)gi;
            if (last && fstwi_same_value(last, dst, st)) continue;
            memcpy(tp + added * sizeof(uint32_t), &idx, sizeof idx);
            last = dst;
            added++;
        }
        bd->tidx.len += added * sizeof(uint32_t);
        bd->data.len += added * st;
        bd->n += added;
    }
    cp->local = local;
    cp->first = first;
    cp->dcur = dcur;
    return FSTW_OK;
}

/* Decodes one signal's chain (unpacked bytes) of block b into its builder. */
static int decode_chain(fstwi_decoder *d, const fstwi_vc_block *b, fstwi_builder *bd, uint32_t g,
                        const uint8_t *p, size_t len)
{
    const fstw_file *f = d->f;
    fstwi_cursor c = { p, p + len };
    uint64_t local = 0;
    int first = 1;
    /* the repeated-time entries from this block on (f->dups): the
     * chain's indices only grow, so a cursor replaces a lookup per change */
    size_t dcur = first_dup_from(f, b->tt_base);
    /* bit vectors as wide as their var, stored packed: no expansion to text */
    int direct_ok = g != 1 && g != FSTWI_GEOM_REAL && g != FSTWI_GEOM_VARLEN && bd->enc == FSTW_ENC_BITS && bd->bits == g;
    int direct = direct_ok && !bd->ascii;
    if (direct || (g == 1 && bd->enc == FSTW_ENC_BITS && bd->bits == 1 && !bd->ascii)) {
        chain_pos cp = { c, local, first, dcur, 0 };
        int rc = decode_two_state(d, b, bd, g, &cp);
        if (rc) return rc;
        if (cp.stop) return FSTW_OK;
        c = cp.c;
        local = cp.local;
        first = cp.first;
        dcur = cp.dcur;
    }
    while (c.p < c.end) {
        fstwi_record rec;
        const char *cut = fstwi_read_record(f, g, &c, &rec);
        if (cut) CORRUPT_AT(b->offset - 1, "block at offset %llu: truncated %s of signal %u", (unsigned long long)(b->offset - 1), cut, bd->ref);
        uint64_t delta = rec.delta;
        const uint8_t *val = rec.val;
        size_t vlen = rec.len;
        int kind = rec.kind;
        if (kind == FSTWI_REC_PACKED && !direct) {
            /* packed 2-state bits as text, for storage that is not packed or not as wide */
            uint8_t *chars = d->tmp + 2 * (size_t)bd->bits + 16 + 8; /* after add_chars' scratch */
            for (uint32_t i = 0; i < g; i++) chars[i] = (val[i >> 3] >> (7 - (i & 7)) & 1) ? '1' : '0';
            val = chars; vlen = g; kind = FSTWI_REC_CHARS;
        }
        local = first ? delta : local + delta;
        first = 0;
        if (local >= b->tt_count)
            CORRUPT_AT(b->offset - 1, "block at offset %llu: signal %u has a change at time step %llu of %llu",
                    (unsigned long long)(b->offset - 1), bd->ref, (unsigned long long)local, (unsigned long long)b->tt_count);
        int64_t gi = change_index(f, b, local, &dcur);
        if (gi < 0) break;
        uint32_t idx = (uint32_t)gi;
        int r = kind == FSTWI_REC_CHARS ? fstwi_builder_add_chars(bd, idx, val, vlen, d->tmp)
              : kind == FSTWI_REC_REAL  ? fstwi_builder_add_real(bd, idx, rec.real)
              : kind == FSTWI_REC_BYTES ? fstwi_builder_add_bytes(bd, idx, val, vlen, d->tmp)
                                        : fstwi_builder_add_fst_bits(bd, idx, val, d->tmp);
        if (direct_ok) direct = !bd->ascii;
        if (r) return fstwi_fail(d->err, FSTW_ERR_NOMEM, "out of memory loading signal %u", bd->ref);
    }
    return FSTW_OK;
}

int fstwi_decoder_init(fstwi_decoder *d, fstw_file *f, uint32_t max_bits, fstw_error *err)
{
    memset(d, 0, sizeof *d);
    d->f = f;
    d->err = err;
    d->tmp = malloc(4 * (size_t)max_bits + 64);
    if (!d->tmp) return fstwi_fail(err, FSTW_ERR_NOMEM, "out of memory");
    return FSTW_OK;
}

void fstwi_decoder_free(fstwi_decoder *d)
{
    fstwi_table_src_free(&d->tsrc);
    fstwi_inflater_end(&d->z);
    fstwi_buf_free(&d->packed);
    fstwi_buf_free(&d->unpacked);
    free(d->tmp);
    memset(d, 0, sizeof *d);
}

int fstwi_chain_get(fstwi_decoder *d, const fstwi_vc_block *b, uint32_t ref, uint64_t off, uint64_t len,
                    const uint8_t **data, size_t *dlen)
{
    const fstw_file *f = d->f;
    int rc;
    d->packed.len = 0;
    if (fstwi_buf_reserve(&d->packed, len)) return fstwi_fail(d->err, FSTW_ERR_NOMEM, "out of memory");
    if ((rc = fstwi_source_read(&f->src, off, d->packed.data, len, "chain", d->err))) return rc;
    fstwi_cursor cc = { d->packed.data, d->packed.data + len };
    uint64_t ulen;
    if (fstwi_cur_varint(&cc, &ulen)) CORRUPT_AT(b->offset - 1, "block at offset %llu: truncated chain of signal %u", (unsigned long long)(b->offset - 1), ref);
    size_t plen = (size_t)(cc.end - cc.p);
    *data = cc.p;
    *dlen = plen;
    if (ulen) {
        if (ulen / 2048 > plen + 1024) CORRUPT_AT(b->offset - 1, "block at offset %llu: implausible chain size for signal %u", (unsigned long long)(b->offset - 1), ref);
        d->unpacked.len = 0;
        if (fstwi_buf_reserve(&d->unpacked, ulen)) return fstwi_fail(d->err, FSTW_ERR_NOMEM, "out of memory");
        if (fstwi_unpack_chain(&d->z, b->pack, cc.p, plen, d->unpacked.data, ulen))
            CORRUPT_AT(b->offset - 1, "block at offset %llu: corrupt compressed chain of signal %u", (unsigned long long)(b->offset - 1), ref);
        *data = d->unpacked.data;
        *dlen = ulen;
    }
    return FSTW_OK;
}

int fstwi_decode_block(fstwi_decoder *d, fstwi_vc_block *b, int with_frame,
                      const uint32_t *refs, fstwi_builder *bs, size_t n)
{
    fstw_file *f = d->f;
    int rc;
    if (with_frame && (rc = read_frame(d, b, refs, bs, n))) return rc;
    if (b->incomplete || b->tt_count == 0) return FSTW_OK;
    uint32_t max_ref = 0;
    for (size_t k = 0; k < n; k++)
        if (refs[k] > max_ref) max_ref = refs[k];
    if ((rc = fstwi_chains_prepare(&d->tsrc, f, b, n, max_ref, d->err))) return rc;
    for (size_t k = 0; k < n; k++) {
        uint32_t ref = refs[k];
        uint64_t off, len;
        if (d->between && d->between(d->between_ctx)) return FSTW_ERR_CANCELED;
        if ((rc = fstwi_chain_find(&d->tsrc, ref, &off, &len))) return rc;
        if (len == 0) continue;
        const uint8_t *data;
        size_t dlen;
        if ((rc = fstwi_chain_get(d, b, ref, off, len, &data, &dlen))) return rc;
        if ((rc = decode_chain(d, b, &bs[k], fstwi_geom(f, ref), data, dlen))) return rc;
    }
    return FSTW_OK;
}
