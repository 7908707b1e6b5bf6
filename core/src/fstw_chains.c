/* fstw_chains.c - where each signal's chain lies in a value-change block: the
 * block's layout and a sparse index of its chain table, built once per file.
 *
 * FST format (libfst's block_format.txt): after the frame come the max handle
 * (varint), the pack type byte, the chains, the chain table, its length (u64)
 * and the time table.  The chain table is a list of varint entries, one per
 * handle in order: a chain offset delta (the signal has a chain, starting
 * `delta` bytes after the previous chain), a run of handles without a chain,
 * or an alias to another handle's chain.  Block types 1/5 and 8 ("alias2")
 * encode the entries differently (see entry_next).  A chain ends where the
 * next one starts; the last one ends at the table.
 *
 * libfst and pywellen decode a block's whole table for every load (~1 ms for
 * 100k handles).  Here a block's table is indexed only as far as a load needs
 * it: the decoder state every FSTW_CKPT_EVERY handles (24 bytes each: ~3 MB
 * for 100k handles and 150 blocks), from the start of the table up to the
 * highest handle the load wants, extended by later loads that want higher
 * handles.  A load of a few signals resumes at the checkpoint before each
 * handle and reads a small window of the table at its offset.  Batch loads
 * that want many handles of a block parse its whole table instead. */
#include "fstw_internal.h"
#include <stdlib.h>
#include <string.h>

#define WINDOW 2048u          /* bytes of chain table read per window */
#define ENTRY_MAX 22u         /* an entry is at most two 10-byte varints */

enum { E_END, E_DATA, E_ALIAS, E_SKIP };

typedef struct entry {
    int kind;
    uint32_t idx;             /* first handle the entry is for */
    uint64_t count;           /* handles covered (runs); 1 otherwise */
    uint64_t loc;             /* E_DATA: chain offset from vc_start */
    uint64_t delta;           /* E_DATA: distance from the previous chain */
    uint64_t target;          /* E_ALIAS: the handle whose chain it shares */
} entry;

static int corrupt(fstw_error *err, const fstwi_vc_block *b, const char *what)
{
    return fstwi_fail_at(err, FSTW_ERR_FORMAT, b->offset - 1, "value-change block at offset %llu: %s",
                     (unsigned long long)(b->offset - 1), what);
}

/* ---- the block's layout */

typedef struct layout {
    uint8_t pack;
    uint64_t vc_start, table_off, table_len, maxh;
} layout;

static int read_layout(const fstw_file *f, const fstwi_vc_block *b, layout *L, fstw_error *err)
{
    memset(L, 0, sizeof *L);
    if (b->incomplete || b->tt_count == 0) return FSTW_OK; /* no chains */
    uint64_t end = b->offset + b->length;
    uint8_t t[8];
    int rc;
    uint64_t time_section = b->tt_packed + 24; /* trailer read with the body */
    if (time_section > b->length || time_section + 8 + 32 > b->length)
        return corrupt(err, b, "time table larger than the block");
    uint64_t chain_len_off = end - time_section - 8;
    if ((rc = fstwi_source_read(&f->src, chain_len_off, t, 8, "chain table length", err))) return rc;
    uint64_t table_len = fstwi_be64(t);
    /* frame header, then the value-change section's max handle and pack type */
    if (chain_len_off < b->frame_off) return corrupt(err, b, "frame outside the block");
    uint8_t hdr[40];
    uint64_t avail = chain_len_off - b->frame_off;
    size_t hn = avail < sizeof hdr ? (size_t)avail : sizeof hdr;
    if ((rc = fstwi_source_read(&f->src, b->frame_off, hdr, hn, "frame header", err))) return rc;
    fstwi_cursor c = { hdr, hdr + hn };
    uint64_t fu, fc, fm;
    if (fstwi_cur_varint(&c, &fu) || fstwi_cur_varint(&c, &fc) || fstwi_cur_varint(&c, &fm))
        return corrupt(err, b, "truncated frame header");
    if (fc > avail) return corrupt(err, b, "frame overruns the block");
    uint64_t vc_hdr = b->frame_off + (uint64_t)(c.p - hdr) + fc;
    if (vc_hdr >= chain_len_off) return corrupt(err, b, "frame overruns the block");
    uint8_t vh[11];
    size_t vn = chain_len_off - vc_hdr < sizeof vh ? (size_t)(chain_len_off - vc_hdr) : sizeof vh;
    if ((rc = fstwi_source_read(&f->src, vc_hdr, vh, vn, "value-change header", err))) return rc;
    fstwi_cursor vcur = { vh, vh + vn };
    uint64_t maxh;
    if (fstwi_cur_varint(&vcur, &maxh) || vcur.p >= vcur.end)
        return corrupt(err, b, "truncated value-change header");
    uint64_t vc_start = vc_hdr + (uint64_t)(vcur.p - vh);
    if (table_len > chain_len_off - vc_start || maxh > ((uint64_t)1 << 31))
        return corrupt(err, b, "chain table overruns the block");
    if (maxh > fstw_signal_count(f))
        return fstwi_fail_at(err, FSTW_ERR_FORMAT, b->offset - 1,
                         "value-change block at offset %llu: value changes for %llu signals, but the file declares %u",
                         (unsigned long long)(b->offset - 1), (unsigned long long)maxh, fstw_signal_count(f));
    L->pack = *vcur.p;
    L->vc_start = vc_start;
    L->table_off = chain_len_off - table_len;
    L->table_len = table_len;
    L->maxh = maxh;
    return FSTW_OK;
}

/* ---- reading entries */

/* Points *out at the table's bytes at pos: at least min(ENTRY_MAX, left) of
 * them (*avail).  On a miss the window is read again at pos: t->hint bytes
 * (at least WINDOW), so a pass over much of the table reads it in few calls. */
static int table_bytes(fstwi_table_src *t, uint64_t pos, const uint8_t **out, size_t *avail)
{
    const fstwi_vc_block *b = t->b;
    uint64_t left = b->table_len - pos;
    size_t need = left < ENTRY_MAX ? (size_t)left : ENTRY_MAX;
    if (!(t->win_len && pos >= t->win_pos && pos - t->win_pos + need <= t->win_len)) {
        uint64_t want = t->hint > WINDOW ? t->hint : WINDOW;
        size_t n = left < want ? (size_t)left : (size_t)want;
        t->win_len = 0;
        if (fstwi_buf_reserve(&t->win, n ? n : 1))
            return fstwi_fail(t->err, FSTW_ERR_NOMEM, "out of memory for %zu bytes of a chain table", n);
        int rc = fstwi_source_read(&t->f->src, b->table_off + pos, t->win.data, n, "chain table", t->err);
        if (rc) return rc;
        t->win_pos = pos;
        t->win_len = n;
    }
    *avail = t->win_len - (size_t)(pos - t->win_pos);
    *out = t->win.data + (pos - t->win_pos);
    return FSTW_OK;
}

/* Decodes the entry at s and advances s past it. */
static int entry_next(fstwi_table_src *t, fstwi_chain_ckpt *s, entry *e)
{
    const fstwi_vc_block *b = t->b;
    memset(e, 0, sizeof *e);
    e->idx = s->idx;
    if (s->pos >= b->table_len) { e->kind = E_END; return FSTW_OK; }
    size_t avail = 0;
    const uint8_t *p = NULL;
    int rc = table_bytes(t, s->pos, &p, &avail);
    if (rc) return rc;
    fstwi_cursor c = { p, p + avail };
    uint64_t region = b->table_off - b->vc_start; /* the chains' bytes */
    e->count = 1;
    if (b->type == FSTW_BL_VCDATA_DYN_ALIAS2) {
        if (*c.p & 1) {
            int64_t sv;
            if (fstwi_cur_svarint(&c, &sv)) return corrupt(t->err, b, "malformed chain table");
            int64_t sh = sv >> 1;
            if (sh > 0) {
                if ((uint64_t)sh > region - s->offset) return corrupt(t->err, b, "chain outside its block");
                s->offset += (uint64_t)sh;
                e->kind = E_DATA;
                e->loc = s->offset;
                e->delta = (uint64_t)sh;
            } else {
                if (sh < 0) {
                    if (sh < -((int64_t)1 << 32)) return corrupt(t->err, b, "malformed chain table");
                    s->prev_alias = (uint32_t)(-(sh + 1));
                }
                e->kind = E_ALIAS;
                e->target = s->prev_alias;
            }
        } else {
            uint64_t v;
            if (fstwi_varint(&c, &v)) return corrupt(t->err, b, "malformed chain table");
            e->kind = E_SKIP;
            e->count = v >> 1;
        }
    } else {
        uint64_t v;
        if (fstwi_varint(&c, &v)) return corrupt(t->err, b, "malformed chain table");
        if (v == 0) {
            uint64_t a;
            if (fstwi_cur_varint(&c, &a)) return corrupt(t->err, b, "malformed chain table");
            e->kind = E_ALIAS;
            e->target = a - 1;  /* a == 0 wraps to a target no block has */
        } else if (v & 1) {
            uint64_t d = v >> 1;
            if (d > region - s->offset) return corrupt(t->err, b, "chain outside its block");
            s->offset += d;
            e->kind = E_DATA;
            e->loc = s->offset;
            e->delta = d;
        } else {
            e->kind = E_SKIP;
            e->count = v >> 1;
        }
    }
    if (e->kind != E_SKIP && (uint64_t)s->idx >= b->maxh)
        return corrupt(t->err, b, "malformed chain table");
    if (e->kind == E_ALIAS && e->target >= b->maxh)
        return corrupt(t->err, b, "malformed chain table");
    s->pos += (uint64_t)(c.p - p);
    /* runs past the last handle saturate: a later entry is then malformed */
    s->idx = e->count >= b->maxh - s->idx ? (uint32_t)b->maxh : s->idx + (uint32_t)e->count;
    return FSTW_OK;
}

/* The common entry, inline (the index and the dense parse decode every entry
 * they pass): a chain delta (the signal has a chain) in a one- or two-byte
 * varint, from the window read (t->win).  1 with s advanced
 * past it as entry_next would and *delta set; 0 for any other entry, and for
 * a chain outside its block, and for an entry not inside the window read,
 * which entry_next then decodes (and reports, or reads).  Same reading as
 * entry_next: alias2 blocks store a signed varint whose value halved is the
 * delta when positive. */
static inline int fast_data_entry(const fstwi_table_src *t, fstwi_chain_ckpt *s, uint64_t *delta)
{
    const fstwi_vc_block *b = t->b;
    uint64_t pos = s->pos;
    if (s->idx >= b->maxh || pos < t->win_pos || pos + 2 > t->win_pos + t->win_len) return 0;
    const uint8_t *d = t->win.data + (pos - t->win_pos);
    uint8_t c0 = d[0];
    if (!(c0 & 1)) return 0;
    uint64_t v;
    unsigned nb;
    if (c0 < 0x80) { v = c0; nb = 1; }
    else if (d[1] < 0x80) { v = (c0 & 0x7fu) | ((uint64_t)d[1] << 7); nb = 2; }
    else return 0;
    if (b->type == FSTW_BL_VCDATA_DYN_ALIAS2 && ((d[nb - 1] & 0x40) || v >> 1 == 0))
        return 0; /* an alias */
    if (v >> 1 > (b->table_off - b->vc_start) - s->offset) return 0;
    *delta = v >> 1;
    s->offset += *delta;
    s->pos += nb;
    s->idx++;
    return 1;
}

/* fast_data_entry over a run of entries, the state in registers (the index
 * pass): advances s past every common entry before handle `stop` in the
 * window read; stops at handle `stop`, at any other entry and at the window's
 * last byte, leaving those to the caller. */
static void fast_run(const fstwi_table_src *t, fstwi_chain_ckpt *s, uint64_t stop)
{
    const fstwi_vc_block *b = t->b;
    if (s->pos < t->win_pos || s->pos >= t->win_pos + t->win_len) return;
    const uint8_t *p = t->win.data + (s->pos - t->win_pos);
    const uint8_t *const end = t->win.data + t->win_len - 1;  /* two bytes left at p < end */
    const uint64_t region = b->table_off - b->vc_start;
    const int alias2 = b->type == FSTW_BL_VCDATA_DYN_ALIAS2;
    uint64_t off = s->offset, idx = s->idx;
    if (stop > b->maxh) stop = b->maxh;
    while (idx < stop && p < end) {
        uint8_t c0 = p[0];
        uint64_t v;
        unsigned nb;
        if (!(c0 & 1)) break;
        if (c0 < 0x80) { v = c0; nb = 1; }
        else if (p[1] < 0x80) { v = (c0 & 0x7fu) | ((uint64_t)p[1] << 7); nb = 2; }
        else break;
        if (alias2 && ((p[nb - 1] & 0x40) || v >> 1 == 0)) break; /* an alias */
        if (v >> 1 > region - off) break;
        off += v >> 1;
        p += nb;
        idx++;
    }
    s->pos = t->win_pos + (uint64_t)(p - t->win.data);
    s->offset = off;
    s->idx = (uint32_t)idx;
}

/* ---- building the index */

/* Extends b's checkpoints until they cover handle `upto` (all of them when
 * upto >= maxh): decodes the table from the last published checkpoint on,
 * every entry passed checked, into a private array, then publishes the new
 * checkpoints under the file's lock (another thread may have extended the
 * same block meanwhile: the checkpoints are the same, the furthest wins).
 * Readers take b->ckpt[j] only for j < ckpt_done (read with acquire). */
static int extend_index(fstwi_table_src *t, fstwi_vc_block *b, uint64_t upto)
{
    uint32_t n = b->n_ckpt;
    uint64_t need64 = upto / FSTW_CKPT_EVERY + 1;
    uint32_t need = need64 < n ? (uint32_t)need64 : n;
    uint32_t done = __atomic_load_n(&b->ckpt_done, __ATOMIC_ACQUIRE);
    if (done >= need) return FSTW_OK;
    uint32_t base = done ? done - 1 : 0, j = base;
    fstwi_chain_ckpt s = { 0, 0, 0, 0 };
    if (done) s = b->ckpt[base];
    fstwi_chain_ckpt *ck = malloc((n - base) * sizeof *ck);
    if (!ck) return fstwi_fail(t->err, FSTW_ERR_NOMEM, "out of memory");
    /* read the table in one go up to about where handle need * EVERY lies
     * (the entries are about equally long), the rest as it comes */
    uint64_t left = b->table_len - s.pos;
    if (need < n && b->maxh > s.idx) {
        double frac = (double)((uint64_t)need * FSTW_CKPT_EVERY - s.idx) / (double)(b->maxh - s.idx);
        uint64_t est = (uint64_t)((double)left * frac * 1.1) + 4096;
        t->hint = est < left ? est : left;
    } else {
        t->hint = left;
    }
    int rc = FSTW_OK;
    while (j < need) {
        /* the state before the entry of handle j * EVERY: checkpoint j */
        fast_run(t, &s, (uint64_t)j * FSTW_CKPT_EVERY);
        if (s.idx == (uint64_t)j * FSTW_CKPT_EVERY) {
            ck[j++ - base] = s;
            continue;
        }
        fstwi_chain_ckpt before = s;
        entry e;
        if ((rc = entry_next(t, &s, &e))) break;
        if (e.kind == E_END) {
            while (j < n) ck[j++ - base] = s;
            break;
        }
        uint64_t end_idx = (uint64_t)e.idx + e.count;
        while (j < n && (uint64_t)j * FSTW_CKPT_EVERY < end_idx) ck[j++ - base] = before;
    }
    t->hint = 0;
    if (!rc) {
        fstwi_mutex_lock(&t->f->lock);
        uint32_t d = b->ckpt_done;
        if (d < j) {
            memcpy(b->ckpt + d, ck + (d - base), (size_t)(j - d) * sizeof *ck);
            __atomic_store_n(&b->ckpt_done, j, __ATOMIC_RELEASE);
        }
        fstwi_mutex_unlock(&t->f->lock);
    }
    free(ck);
    return rc;
}

/* Whole-table parse into per-handle chains (the dense mode). */
static int parse_dense(fstwi_table_src *t)
{
    const fstwi_vc_block *b = t->b;
    uint64_t maxh = b->maxh;
    if (t->cap_dense < maxh + 1) {
        free(t->loc); free(t->clen);
        t->loc = malloc((maxh + 1) * sizeof *t->loc);
        t->clen = malloc((maxh + 1) * sizeof *t->clen);
        if (!t->loc || !t->clen) {
            free(t->loc); free(t->clen);
            t->loc = t->clen = NULL;
            t->cap_dense = 0;
            return fstwi_fail(t->err, FSTW_ERR_NOMEM, "out of memory");
        }
        t->cap_dense = maxh + 1;
    }
    /* loc: chain offset, or for an alias UINT64_MAX - target; clen: length */
    memset(t->loc, 0, maxh * sizeof *t->loc);
    memset(t->clen, 0, maxh * sizeof *t->clen);
    fstwi_chain_ckpt s = { 0, 0, 0, 0 };
    int have = 0, rc;
    uint32_t prev = 0;
    for (;;) {
        uint64_t delta;
        if (fast_data_entry(t, &s, &delta)) {
            if (have) t->clen[prev] = delta;
            prev = s.idx - 1;
            t->loc[prev] = s.offset;
            have = 1;
            continue;
        }
        entry e;
        if ((rc = entry_next(t, &s, &e))) return rc;
        if (e.kind == E_END) break;
        if (e.kind == E_DATA) {
            if (have) t->clen[prev] = e.delta;
            t->loc[e.idx] = e.loc;
            prev = e.idx;
            have = 1;
        } else if (e.kind == E_ALIAS) {
            t->loc[e.idx] = UINT64_MAX - e.target;
        }
    }
    if (have) t->clen[prev] = (b->table_off - b->vc_start) - t->loc[prev];
    /* aliases in handle order: an alias of an earlier alias takes what that one
     * resolved to; an alias of a later alias gets nothing (as libfst) */
    for (uint64_t i = 0; i < maxh; i++) {
        if (t->loc[i] < UINT64_MAX - maxh + 1 || t->loc[i] == 0) continue;
        uint64_t a = UINT64_MAX - t->loc[i];
        if (a < maxh && t->loc[a] >= UINT64_MAX - maxh + 1 && a > i) { t->loc[i] = 0; t->clen[i] = 0; continue; }
        t->loc[i] = t->loc[a];
        t->clen[i] = t->clen[a];
        if (t->loc[i] >= UINT64_MAX - maxh + 1) { t->loc[i] = 0; t->clen[i] = 0; }
    }
    t->dense = 1;
    return FSTW_OK;
}

/* The first call for a block reads its layout and publishes it with an
 * empty index (chains_ready; two threads may read it, one result is kept). */
static int ensure_layout(fstw_file *f, fstwi_vc_block *b, fstw_error *err)
{
    if (__atomic_load_n(&b->chains_ready, __ATOMIC_ACQUIRE)) return FSTW_OK;
    layout L;
    int rc = read_layout(f, b, &L, err);
    if (rc) return rc;
    uint32_t n = (uint32_t)(L.maxh / FSTW_CKPT_EVERY) + 1;
    fstwi_chain_ckpt *ck = malloc(n * sizeof *ck);
    if (!ck) return fstwi_fail(err, FSTW_ERR_NOMEM, "out of memory");
    fstwi_mutex_lock(&f->lock);
    if (!b->chains_ready) {
        b->pack = L.pack; b->vc_start = L.vc_start; b->table_off = L.table_off;
        b->table_len = L.table_len; b->maxh = L.maxh;
        b->ckpt = ck; b->n_ckpt = n;
        b->ckpt_done = 0;
        ck = NULL;
        __atomic_store_n(&b->chains_ready, 1, __ATOMIC_RELEASE);
    }
    fstwi_mutex_unlock(&f->lock);
    free(ck);
    return FSTW_OK;
}

int fstwi_chains_prepare(fstwi_table_src *t, fstw_file *f, fstwi_vc_block *b, size_t n_wanted,
                        uint32_t max_ref, fstw_error *err)
{
    t->f = f;
    t->b = b;
    t->err = err;
    t->dense = 0;
    t->win_pos = 0;
    t->win_len = 0;
    t->hint = 0;
    int rc;
    if ((rc = ensure_layout(f, b, err))) return rc;
    if (!b->maxh) return FSTW_OK;
    /* a walk from a checkpoint decodes about FSTW_CKPT_EVERY / 2 entries:
     * for many wanted signals one parse of the whole table costs less (and
     * needs no checkpoints) */
    if ((uint64_t)n_wanted * (FSTW_CKPT_EVERY / 2) < b->maxh) return extend_index(t, b, max_ref);
    t->hint = b->table_len;
    rc = parse_dense(t);
    t->hint = 0;
    return rc;
}

int fstwi_chain_find(fstwi_table_src *t, uint32_t ref, uint64_t *off, uint64_t *len)
{
    const fstwi_vc_block *b = t->b;
    *off = 0;
    *len = 0;
    if (ref >= b->maxh) return FSTW_OK;
    if (t->dense) {
        if (t->clen[ref] == 0) return FSTW_OK;
        if (t->loc[ref] == 0) return corrupt(t->err, b, "chain outside its block");
        *off = b->vc_start + t->loc[ref];
        *len = t->clen[ref];
        return FSTW_OK;
    }
    uint32_t h = ref, from = ref;
    int via_alias = 0, rc;
    for (;;) {
        /* an alias may lead past the handles indexed so far */
        if (h / FSTW_CKPT_EVERY >= __atomic_load_n(&b->ckpt_done, __ATOMIC_ACQUIRE) &&
            (rc = extend_index(t, t->b, h)))
            return rc;
        fstwi_chain_ckpt s = b->ckpt[h / FSTW_CKPT_EVERY];
        entry e;
        for (;;) {
            if ((rc = entry_next(t, &s, &e))) return rc;
            if (e.kind == E_END || e.idx > h) return FSTW_OK;            /* no entry: no chain */
            if ((uint64_t)e.idx + e.count <= h) continue;
            break;                                                        /* e covers h */
        }
        if (e.kind == E_SKIP) return FSTW_OK;
        if (e.kind == E_ALIAS) {
            /* an alias of a later alias has no chain (see parse_dense) */
            if (via_alias && h >= from) return FSTW_OK;
            from = h;
            h = (uint32_t)e.target;
            via_alias = 1;
            continue;
        }
        uint64_t loc = e.loc;
        for (;;) {
            entry n;
            if ((rc = entry_next(t, &s, &n))) return rc;
            if (n.kind == E_DATA) { *len = n.delta; break; }
            if (n.kind == E_END) { *len = (b->table_off - b->vc_start) - loc; break; }
        }
        if (loc == 0) return corrupt(t->err, b, "chain outside its block");
        *off = b->vc_start + loc;
        return FSTW_OK;
    }
}

void fstwi_table_src_free(fstwi_table_src *t)
{
    fstwi_buf_free(&t->win);
    free(t->loc);
    free(t->clen);
    memset(t, 0, sizeof *t);
}

void fstwi_chains_free(fstw_file *f)
{
    for (size_t i = 0; i < f->n_blocks; i++) {
        free(f->blocks[i].ckpt);
        f->blocks[i].ckpt = NULL;
    }
}
