/* fstw_stream.c - one pass over the value-change blocks in file order
 * (fstw_stream_*: pywellen 0.25's stream_changes / stream_time_steps and
 * Node's streamChanges), holding one block at a time.
 *
 * The order is fst-reader's read_signals (wellen's FST streaming), which
 * walks a block as libfst's fstReaderIterBlocks does: each included signal's
 * chain is unpacked, and its first change is put in front of the list of the
 * block time step it falls on (signals taken in ascending ref order, so the
 * first step lists them in descending order).  The steps are then visited in
 * table order; a signal taken from a step's list is reported, and when its
 * chain has more, put in front of the list of the step of its next change
 * (which may be the same step: a second change of the signal in one step
 * comes next).  Steps after the header's end time end the block; blocks that
 * start after it are not read.  The first block read reports its frame first
 * (ascending refs, at its start time) when its time table is empty or starts
 * later.  Nothing is de-duplicated: every change of the file is reported.
 * Values are shaped by the signal's var as a signal load does (fstw_signal.c
 * and fstw_decode.c's rules): events, strings, reals, bit vectors at the
 * var's width. */
#include "fstw_internal.h"
#include <stdlib.h>
#include <string.h>


/* the latest value of a streamed signal (track_values) */
typedef struct last_value {
    uint8_t has;
    uint8_t kind;
    uint32_t bits;
    double real;
    size_t len, cap;       /* cap: bytes at heap */
    uint8_t small[16];     /* the value when len <= 16 (one cache line a signal) */
    uint8_t *heap;         /* a longer value */
} last_value;

static const uint8_t *lv_data(const last_value *l)
{
    return l->len <= sizeof l->small ? l->small : l->heap;
}

/* l's value as an fstw_value (data in l); 1, or 0 when it has none. */
static int lv_value(const last_value *l, fstw_value *out)
{
    if (!l || !l->has) return 0;
    memset(out, 0, sizeof *out);
    out->kind = l->kind;
    out->bits = l->bits;
    out->data = lv_data(l);
    out->len = l->len;
    out->real = l->real;
    return 1;
}

struct fstw_stream {
    fstw_file *f;
    size_t n;              /* streamed signals (slots) */
    uint32_t *refs;        /* slot -> ref, ascending; NULL when every signal (slot == ref) */
    uint8_t *enc;          /* per slot: the var's encoding */
    uint32_t *bits;        /* per slot: the var's width (bit vectors) */
    uint32_t max_bits;
    int track;
    last_value *last;      /* per slot, with track */

    size_t *blocks;        /* the blocks read, in order */
    size_t nb, bi;         /* count, next one to start */
    uint64_t done, total;  /* progress in bytes of blocks */

    /* the block being walked */
    uint32_t block;
    const fstwi_vc_block *b;  /* &blk while a block is walked, else NULL */
    /* a copy of the block: its chain-table index is the file's when a load
     * built it already (shared, read only), else built here for this pass
     * (the body's trailer fields need not be loaded) and freed after it */
    fstwi_vc_block blk;
    int own_index;
    uint64_t *bt;          /* its time table */
    uint64_t bt_n, limit;  /* entries; steps visited (up to the end time) */
    fstwi_buf arena;       /* the included chains, unpacked, one after the other */
    /* per slot, together (a step visits thousands of slots at random): the
     * offset of its next change in arena, the end of its chain there, the next
     * slot + 1 in its step's list */
    struct slot_pos { uint64_t head, end; uint32_t scatter; } *pos;
    uint32_t *tc_head;     /* per step: first slot + 1 of its list */
    size_t tc_cap;
    uint64_t step;         /* the step being visited */
    uint64_t prefetched;   /* step + 1 whose signals' chain heads were prefetched */

    /* the frame of the first block, reported before its changes */
    uint8_t *frame;
    uint64_t frame_len, frame_maxh, frame_pos;
    uint32_t frame_ref;
    size_t frame_slot;     /* next slot to report from the frame */

    /* derived signals (FSTW_HIERARCHY_PYWELLEN_025): their pieces' signals
     * are streamed (reported only when asked for), their values made at the
     * end of each step in which a piece changed */
    uint8_t *report;       /* per slot: its changes are reported */
    size_t nder;
    uint32_t *der_ref;     /* the derived signals streamed, ascending refs */
    const fstwi_derived **der;
    uint32_t *der_first;   /* per derived: its pieces' slots in der_slots */
    uint32_t *der_slots;
    fstwi_fxset pend;      /* derived refs + 1 whose pieces changed in the current
                              step, in wellen's FxHashSet order (fstw_hashorder.c) */
    uint32_t *emit;        /* their order at the end of the step */
    size_t n_emit;
    last_value *der_last;  /* per derived, with track */
    last_value prev;       /* with track: the reported signal's value before its last change */
    uint32_t *dep_first, *dep_count, *dep_list; /* per slot: the derived signals it is a piece of */
    uint8_t *dtmp;         /* 3 * widest derived + 16 bytes */
    fstw_value *dvals;
    const fstw_value **dptr;
    int emitting, held;
    fstw_change hold;      /* the first change of the next step, held back */
    size_t hold_slot, der_next;
    uint64_t step_time;
    uint32_t step_block;

    fstwi_decoder d;       /* chain access (table source, inflater, buffers) */
    uint8_t *tmp;          /* value scratch: 2 * max_bits + 16 bytes */
    fstwi_record rec;      /* the change being taken (a 1-bit value points into it) */
    int have_prev;
    uint64_t prev_time;
    int finished;
};

static uint32_t slot_ref(const fstw_stream *s, size_t slot)
{
    return s->refs ? s->refs[slot] : (uint32_t)slot;
}



/* The slot of ref, or -1 when it is not streamed. */
static int64_t slot_of(const fstw_stream *s, uint32_t ref)
{
    if (!s->refs) return ref < s->n ? (int64_t)ref : -1;
    const uint32_t *hit = bsearch(&ref, s->refs, s->n, sizeof *s->refs, fstwi_cmp_u32);
    return hit ? (int64_t)(hit - s->refs) : -1;
}

static int add_ref(uint32_t **v, size_t *n, size_t *cap, uint32_t ref)
{
    if (*n == *cap) {
        size_t c = *cap ? 2 * *cap : 64;
        uint32_t *p = realloc(*v, c * sizeof *p);
        if (!p) return -1;
        *v = p;
        *cap = c;
    }
    (*v)[(*n)++] = ref;
    return 0;
}

static size_t sort_unique(uint32_t *v, size_t n)
{
    if (!n) return 0;
    qsort(v, n, sizeof *v, fstwi_cmp_u32);
    size_t u = 1;
    for (size_t i = 1; i < n; i++)
        if (v[i] != v[u - 1]) v[u++] = v[i];
    return u;
}

/* The derived signals among the streamed ones: their pieces' slots, and
 * for each slot the derived signals it is a piece of. */
static int plan_derived(fstw_stream *s, const fstwi_hier *h)
{
    size_t n_pieces = 0;
    uint32_t widest = 1;
    s->der = malloc((s->nder ? s->nder : 1) * sizeof *s->der);
    s->der_first = malloc((s->nder + 1) * sizeof *s->der_first);
    s->emit = malloc((s->nder ? s->nder : 1) * sizeof *s->emit);
    s->der_last = calloc(s->nder ? s->nder : 1, sizeof *s->der_last);
    if (!s->der || !s->der_first || !s->emit || !s->der_last) return -1;
    for (size_t k = 0; k < s->nder; k++) {
        s->der[k] = fstwi_derived_of(h, s->der_ref[k]);
        s->der_first[k] = (uint32_t)n_pieces;
        n_pieces += s->der[k]->n;
        if (s->der[k]->width > widest) widest = s->der[k]->width;
    }
    s->der_first[s->nder] = (uint32_t)n_pieces;
    s->der_slots = malloc((n_pieces ? n_pieces : 1) * sizeof *s->der_slots);
    s->dep_list = malloc((n_pieces ? n_pieces : 1) * sizeof *s->dep_list);
    s->dep_first = calloc(s->n + 1, sizeof *s->dep_first);
    s->dtmp = malloc(3 * (size_t)widest + 16);
    size_t most = 1;
    for (size_t k = 0; k < s->nder; k++) if (s->der[k]->n > most) most = s->der[k]->n;
    s->dvals = malloc(most * sizeof *s->dvals);
    s->dptr = malloc(most * sizeof *s->dptr);
    if (!s->der_slots || !s->dep_list || !s->dep_first || !s->dtmp || !s->dvals || !s->dptr) return -1;
    for (size_t k = 0; k < s->nder; k++)
        for (uint32_t i = 0; i < s->der[k]->n; i++) {
            int64_t slot = slot_of(s, s->der[k]->pieces[i].ref);
            s->der_slots[s->der_first[k] + i] = (uint32_t)slot;
            s->dep_count[slot]++;
        }
    /* per slot, the derived signals it feeds (each once) */
    for (size_t slot = 0; slot < s->n; slot++) s->dep_first[slot + 1] = s->dep_first[slot] + s->dep_count[slot];
    memset(s->dep_count, 0, s->n * sizeof *s->dep_count);
    for (size_t k = 0; k < s->nder; k++)
        for (uint32_t i = 0; i < s->der[k]->n; i++) {
            uint32_t slot = s->der_slots[s->der_first[k] + i];
            uint32_t *list = s->dep_list + s->dep_first[slot];
            int seen = 0;
            for (uint32_t j = 0; j < s->dep_count[slot]; j++) seen |= list[j] == k;
            if (!seen) list[s->dep_count[slot]++] = (uint32_t)k;
        }
    return 0;
}

int fstw_stream_open(fstw_file *f, const uint32_t *refs, size_t n, int all, int track_values,
                     fstw_stream **out, fstw_error *err)
{
    *out = NULL;
    fstwi_error_clear(err);
    const fstwi_hier *h = &f->hier;
    if (!all)
        for (size_t i = 0; i < n; i++) {
            int rc = fstw_check_signal_ref(f, refs[i], err);
            if (rc) return rc;
        }
    fstw_stream *s = calloc(1, sizeof *s);
    if (!s) return fstwi_fail(err, FSTW_ERR_NOMEM, "out of memory");
    s->f = f;
    s->track = track_values;
    /* the file signals to read (asked for, or pieces of derived ones asked
     * for) and the derived signals */
    size_t cap_g = 0, cap_d = 0, n_asked = 0;
    uint32_t *asked = NULL;
    if (all) {
        uint32_t count = fstw_signal_count(f);
        uint32_t ground = h->n_derived ? h->n_ground : count;
        s->n = ground;
        for (uint32_t r = ground; r < count; r++)
            if (add_ref(&s->der_ref, &s->nder, &cap_d, r)) goto nomem;
    } else {
        for (size_t i = 0; i < n; i++) {
            const fstwi_derived *d = fstwi_derived_of(h, refs[i]);
            if (!d) {
                if (add_ref(&s->refs, &s->n, &cap_g, refs[i]) || add_ref(&asked, &n_asked, &cap_d, refs[i])) goto nomem;
                continue;
            }
            size_t c = s->nder;
            if (add_ref(&s->der_ref, &s->nder, &c, refs[i])) goto nomem;
            for (uint32_t j = 0; j < d->n; j++)
                if (add_ref(&s->refs, &s->n, &cap_g, d->pieces[j].ref)) goto nomem;
        }
        s->n = sort_unique(s->refs, s->n);
        n_asked = sort_unique(asked, n_asked);
        s->nder = sort_unique(s->der_ref, s->nder);
        if (!s->refs && !(s->refs = malloc(sizeof *s->refs))) goto nomem;
    }
    size_t ns = s->n ? s->n : 1;
    s->enc = malloc(ns);
    s->bits = malloc(ns * sizeof *s->bits);
    s->pos = calloc(ns, sizeof *s->pos);
    s->report = malloc(ns);
    s->dep_count = calloc(ns, sizeof *s->dep_count);
    s->last = (track_values || s->nder) ? calloc(ns, sizeof *s->last) : NULL;
    s->blocks = malloc((f->n_blocks ? f->n_blocks : 1) * sizeof *s->blocks);
    if (!s->enc || !s->bits || !s->pos || !s->blocks || !s->report ||
        !s->dep_count || ((track_values || s->nder) && !s->last))
        goto nomem;
    for (size_t k = 0; k < s->n; k++)
        s->report[k] = all || bsearch(&s->refs[k], asked, n_asked, sizeof *asked, fstwi_cmp_u32) != NULL;
    free(asked);
    asked = NULL;
    if (s->nder && plan_derived(s, h)) goto nomem;
    s->max_bits = 8;
    for (size_t k = 0; k < s->n; k++) {
        /* the var's shape, as a signal load takes it */
        fstwi_builder shape;
        int rc = fstwi_builder_init(&shape, f, slot_ref(s, k), err);
        s->enc[k] = shape.enc;
        s->bits[k] = shape.bits;
        fstwi_builder_free(&shape);
        if (rc) { fstw_stream_close(s); return rc; }
        uint32_t g = fstwi_geom(f, slot_ref(s, k));
        if (s->bits[k] > s->max_bits) s->max_bits = s->bits[k];
        if (g != FSTWI_GEOM_VARLEN && g > s->max_bits) s->max_bits = g;
    }
    s->tmp = malloc(2 * (size_t)s->max_bits + 16);
    if (!s->tmp) goto nomem;
    int rc = fstwi_decoder_init(&s->d, f, s->max_bits, err);
    if (rc) { fstw_stream_close(s); return rc; }
    /* the blocks fst-reader reads: those starting at or before the end time */
    for (size_t i = 0; i < f->n_blocks; i++)
        if (f->blocks[i].start_time <= f->header.end_time) {
            s->blocks[s->nb++] = i;
            s->total += f->blocks[i].length;
        }
    *out = s;
    return FSTW_OK;
nomem:
    free(asked);
    fstw_stream_close(s);
    return fstwi_fail(err, FSTW_ERR_NOMEM, "out of memory");
}

void fstw_stream_close(fstw_stream *s)
{
    if (!s) return;
    if (s->last)
        for (size_t k = 0; k < s->n; k++) free(s->last[k].heap);
    free(s->last);
    if (s->der_last)
        for (size_t k = 0; k < s->nder; k++) free(s->der_last[k].heap);
    free(s->der_last);
    free(s->prev.heap);
    free(s->report);
    free(s->der_ref);
    free(s->der);
    free(s->der_first);
    free(s->der_slots);
    free(s->emit);
    fstwi_fxset_free(&s->pend);
    free(s->dep_first);
    free(s->dep_count);
    free(s->dep_list);
    free(s->dtmp);
    free(s->dvals);
    free(s->dptr);
    free(s->refs);
    free(s->enc);
    free(s->bits);
    free(s->pos);
    free(s->tc_head);
    free(s->blocks);
    free(s->bt);
    free(s->frame);
    free(s->tmp);
    if (s->own_index) free(s->blk.ckpt);
    fstwi_buf_free(&s->arena);
    if (s->d.f) fstwi_decoder_free(&s->d);
    free(s);
}

void fstw_stream_progress(const fstw_stream *s, uint64_t *done, uint64_t *total)
{
    *done = s->done;
    *total = s->total;
}

#define CORRUPT(...) return fstwi_fail_at(err, FSTW_ERR_FORMAT, s->b->offset - 1, __VA_ARGS__)

/* The time delta in front of a change record (FST chain format). */
static int peek_delta(const fstw_stream *s, size_t slot, uint64_t *delta)
{
    fstwi_cursor c = { s->arena.data + s->pos[slot].head, s->arena.data + s->pos[slot].end };
    uint64_t vli;
    if (fstwi_varint(&c, &vli)) return -1;
    *delta = fstwi_record_delta(fstwi_geom(s->f, slot_ref(s, slot)), vli);
    return 0;
}

/* Puts slot in front of the list of step `at` of the block. */
static int schedule(fstw_stream *s, size_t slot, uint64_t at, fstw_error *err)
{
    if (at >= s->bt_n)
        CORRUPT("block at offset %llu: signal %u has a change at time step %llu of %llu",
                (unsigned long long)(s->b->offset - 1), slot_ref(s, slot), (unsigned long long)at,
                (unsigned long long)s->bt_n);
    s->pos[slot].scatter = s->tc_head[at];
    s->tc_head[at] = (uint32_t)(slot + 1);
    return FSTW_OK;
}

/* Starts block s->blocks[s->bi]: its time table, its frame when it is the
 * first, the included chains unpacked into the arena, the first lists. */
static int start_block(fstw_stream *s, fstw_error *err)
{
    fstw_file *f = s->f;
    size_t idx = s->blocks[s->bi];
    const fstwi_vc_block *fb = &f->blocks[idx];
    int first = s->bi == 0;
    s->bi++;
    s->block = (uint32_t)idx;
    free(s->bt);
    s->bt = NULL;
    s->bt_n = s->limit = s->step = 0;
    s->prefetched = 0;
    s->arena.len = 0;
    uint64_t packed;
    int rc = fstwi_block_times(f, fb, &s->bt, &s->bt_n, &packed, err);
    if (rc) return rc;
    if (s->own_index) free(s->blk.ckpt);
    s->own_index = 0;
    fstwi_vc_block *b = &s->blk;
    /* the fields fixed at open, and the trailer's, which the layout needs
     * (a body load may be writing the file's copies of the trailer fields) */
    memset(b, 0, sizeof *b);
    b->type = fb->type; b->offset = fb->offset; b->length = fb->length;
    b->start_time = fb->start_time; b->end_time = fb->end_time;
    b->incomplete = fb->incomplete; b->frame_off = fb->frame_off;
    b->tt_count = s->bt_n;
    b->tt_packed = packed;
    if (__atomic_load_n(&fb->chains_ready, __ATOMIC_ACQUIRE) &&
        __atomic_load_n(&fb->ckpt_done, __ATOMIC_ACQUIRE) == fb->n_ckpt) {
        /* the file's chain-table index, complete: no longer changed */
        b->pack = fb->pack; b->vc_start = fb->vc_start; b->table_off = fb->table_off;
        b->table_len = fb->table_len; b->maxh = fb->maxh;
        b->ckpt = fb->ckpt; b->n_ckpt = b->ckpt_done = fb->n_ckpt;
        b->chains_ready = 1;
    } else {
        s->own_index = 1;
    }
    s->b = b;
    if (first && (s->bt_n == 0 || s->bt[0] > b->start_time)) {
        if ((rc = fstwi_frame_read(f, b, &s->frame, &s->frame_len, &s->frame_maxh, err))) return rc;
        s->frame_pos = 0;
        s->frame_ref = 0;
        s->frame_slot = 0;
    }
    if (b->incomplete || s->bt_n == 0) return FSTW_OK;
    while (s->limit < s->bt_n && s->bt[s->limit] <= f->header.end_time) s->limit++;
    if (s->tc_cap < s->bt_n) {
        free(s->tc_head);
        s->tc_head = malloc(s->bt_n * sizeof *s->tc_head);
        s->tc_cap = s->tc_head ? s->bt_n : 0;
        if (!s->tc_head) return fstwi_fail(err, FSTW_ERR_NOMEM, "out of memory");
    }
    memset(s->tc_head, 0, s->bt_n * sizeof *s->tc_head);
    if ((rc = fstwi_chains_prepare(&s->d.tsrc, f, b, s->n, UINT32_MAX, err))) return rc;
    for (size_t k = 0; k < s->n; k++) {
        uint32_t ref = slot_ref(s, k);
        uint64_t off, len;
        s->pos[k].head = s->pos[k].end = 0;
        if ((rc = fstwi_chain_find(&s->d.tsrc, ref, &off, &len))) return rc;
        if (len == 0) continue;
        const uint8_t *data;
        size_t dlen;
        if ((rc = fstwi_chain_get(&s->d, b, ref, off, len, &data, &dlen))) return rc;
        if (dlen == 0) continue;
        s->pos[k].head = s->arena.len;
        if (fstwi_buf_append(&s->arena, data, dlen)) return fstwi_fail(err, FSTW_ERR_NOMEM, "out of memory");
        s->pos[k].end = s->arena.len;
        uint64_t delta;
        if (peek_delta(s, k, &delta))
            CORRUPT("block at offset %llu: truncated chain of signal %u", (unsigned long long)(b->offset - 1), ref);
        if ((rc = schedule(s, k, delta, err))) return rc;
    }
    return FSTW_OK;
}

/* The value of a change of slot as its var shapes it, into out (data in
 * s->tmp or at p).  kind: 0 state chars, 1 real, 2 bytes (a string chain), 3
 * FST-packed 2-state bits of geometry g.  Returns 0 when the change is not
 * reported (a value that does not fit its var, as a signal load drops it). */
static int shape_value(fstw_stream *s, size_t slot, int kind, const uint8_t *p, size_t len, double real,
                       uint32_t g, fstw_value *out)
{
    int enc = s->enc[slot];
    uint32_t bits = s->bits[slot];
    memset(out, 0, sizeof *out);
    if (enc == FSTW_ENC_EVENT) { out->kind = FSTW_VAL_EVENT; return 1; }
    if (enc == FSTW_ENC_REAL) {
        if (kind != 1) return 0;
        out->kind = FSTW_VAL_REAL;
        out->real = real;
        return 1;
    }
    if (kind == 1) return 0;
    if (kind == 0 && len == 1 && bits == 1 && enc == FSTW_ENC_BITS && (p[0] == '0' || p[0] == '1')) {
        /* the common case: a 1-bit 0 or 1 */
        static const uint8_t bit_byte[2] = { 0, 1 };
        out->kind = FSTW_VAL_BITS2;
        out->bits = 1;
        out->data = &bit_byte[p[0] - '0'];
        out->len = 1;
        return 1;
    }
    if (kind == 3) {
        /* packed 2-state bits: as wide as the var, straight into storage order */
        size_t nb = ((size_t)g + 7) / 8;
        if (enc == FSTW_ENC_BITS && g == bits) {
            unsigned pad = (unsigned)(nb * 8 - g);
            if (pad) fstwi_fst_bits_to_storage(s->tmp, p, nb, pad);
            else memcpy(s->tmp, p, nb);
            out->kind = FSTW_VAL_BITS2;
            out->bits = bits;
            out->data = s->tmp;
            out->len = nb;
            return 1;
        }
        uint8_t *chars = s->tmp + (size_t)s->max_bits + 8;
        for (uint32_t i = 0; i < g; i++) chars[i] = (p[i >> 3] >> (7 - (i & 7)) & 1) ? '1' : '0';
        p = chars;
        len = g;
    }
    if (enc == FSTW_ENC_STRING) {
        out->kind = FSTW_VAL_STRING;
        out->data = p;
        out->len = len;
        return 1;
    }
    /* a bit vector: exactly the var's width */
    uint8_t *chars = s->tmp;
    int two_state = fstwi_norm_chars(bits, p, len, chars);
    out->bits = bits;
    if (!two_state) {
        out->kind = FSTW_VAL_LOGIC;
        out->data = chars;
        out->len = bits;
        return 1;
    }
    size_t nb = ((size_t)bits + 7) / 8;
    uint8_t *packed = s->tmp + bits;
    fstwi_pack_bits(chars, bits, packed, nb);
    out->kind = FSTW_VAL_BITS2;
    out->data = packed;
    out->len = nb;
    return 1;
}

/* Decodes the change at slot's head (after its time delta) and advances the
 * head; *reported 0 when shape_value drops it. */
static int take_change(fstw_stream *s, size_t slot, fstw_value *v, int *reported, fstw_error *err)
{
    uint32_t ref = slot_ref(s, slot);
    uint32_t g = fstwi_geom(s->f, ref);
    fstwi_cursor c = { s->arena.data + s->pos[slot].head, s->arena.data + s->pos[slot].end };
    /* in the stream, not on the stack: a string var's value may point at a
     * 1-bit record's character */
    fstwi_record *rec = &s->rec;
    const char *cut = fstwi_read_record(s->f, g, &c, rec);
    if (cut)
        CORRUPT("block at offset %llu: truncated %s of signal %u", (unsigned long long)(s->b->offset - 1), cut, ref);
    s->pos[slot].head = (uint64_t)(c.p - s->arena.data);
    *reported = shape_value(s, slot, rec->kind, rec->val, rec->len, rec->real, g, v);
    return FSTW_OK;
}

/* The next frame value, when the frame has one left: 1 with slot and value.
 * The frame holds every signal's value in ref order; frame_pos is the offset
 * of ref frame_ref's value. */
static int frame_next(fstw_stream *s, size_t *slot, fstw_value *v)
{
    const fstw_file *f = s->f;
    while (s->frame_slot < s->n) {
        size_t k = s->frame_slot++;
        uint32_t ref = slot_ref(s, k);
        if (ref >= s->frame_maxh || ref >= f->n_geom) break;
        while (s->frame_ref < ref) s->frame_pos += fstwi_frame_size(f->geom[s->frame_ref++]);
        uint64_t pos = s->frame_pos;
        uint32_t g = f->geom[ref];
        if (pos + fstwi_frame_size(g) > s->frame_len) break; /* a short frame: no values beyond it */
        if (g == FSTWI_GEOM_VARLEN) continue; /* variable-length signals have no frame value */
        int ok = g == FSTWI_GEOM_REAL
                     ? shape_value(s, k, 1, NULL, 0, fstwi_read_double(f, s->frame + pos), g, v)
                     : shape_value(s, k, 0, s->frame + pos, g, 0, g, v);
        if (!ok) continue;
        *slot = k;
        return 1;
    }
    free(s->frame);
    s->frame = NULL;
    return 0;
}

static int same_value(const last_value *l, const fstw_value *v)
{
    if (!l->has || l->kind != v->kind) return 0;
    switch (v->kind) {
    case FSTW_VAL_EVENT: return 0;
    case FSTW_VAL_REAL: return l->real == v->real;
    default: return l->bits == v->bits && l->len == v->len && (v->len == 0 || memcmp(lv_data(l), v->data, v->len) == 0);
    }
}

static int remember(last_value *l, const fstw_value *v)
{
    uint8_t *dst = l->small;
    if (v->len > sizeof l->small) {
        if (v->len > l->cap) {
            uint8_t *p = realloc(l->heap, v->len);
            if (!p) return -1;
            l->heap = p;
            l->cap = v->len;
        }
        dst = l->heap;
    }
    if (v->len) memcpy(dst, v->data, v->len);
    l->len = v->len;
    l->kind = (uint8_t)v->kind;
    l->bits = v->bits;
    l->real = v->real;
    l->has = 1;
    return 0;
}

/* Asks the memory system for the chain bytes of every signal in the list of
 * the step about to be visited.  A step of a wide file takes thousands of
 * signals, each reading from a different place of the block's chains: one
 * cache miss after the other, unless they are all on their way at once
 * (wide 100 MB file: the misses were two thirds of the stream's time). */
static void prefetch_step(fstw_stream *s)
{
    s->prefetched = s->step + 1;
    for (uint32_t h = s->tc_head[s->step]; h; h = s->pos[h - 1].scatter)
        __builtin_prefetch(s->arena.data + s->pos[h - 1].head, 0, 1);
}

/* The next change of a file signal in stream order: 1 with *slot and out's
 * time, block and value; 0 at the end; -1 on an error. */
static int next_raw(fstw_stream *s, size_t *slot_out, fstw_change *out, fstw_error *err)
{
    for (;;) {
        if (s->frame) {
            if (frame_next(s, slot_out, &out->value)) {
                out->time = s->b->start_time;
                out->block = s->block;
                return 1;
            }
            continue;
        }
        if (s->b) {
            while (s->step < s->limit) {
                uint32_t h = s->tc_head[s->step];
                if (!h) { s->step++; continue; }
                if (s->prefetched != s->step + 1) prefetch_step(s);
                size_t slot = h - 1;
                s->tc_head[s->step] = s->pos[slot].scatter;
                s->pos[slot].scatter = 0;
                int reported = 0;
                if (take_change(s, slot, &out->value, &reported, err)) return -1;
                if (s->pos[slot].head < s->pos[slot].end) {
                    uint64_t delta;
                    if (peek_delta(s, slot, &delta)) {
                        fstwi_fail_at(err, FSTW_ERR_FORMAT, s->b->offset - 1, "block at offset %llu: truncated chain of signal %u",
                                      (unsigned long long)(s->b->offset - 1), slot_ref(s, slot));
                        return -1;
                    }
                    if (schedule(s, slot, s->step + delta, err)) return -1;
                }
                if (reported) {
                    *slot_out = slot;
                    out->time = s->bt[s->step];
                    out->block = s->block;
                    return 1;
                }
            }
            s->done += s->b->length;
            s->b = NULL;
            s->arena.len = 0;
        }
        if (s->bi >= s->nb) {
            fstwi_buf_free(&s->arena);
            return 0;
        }
        if (start_block(s, err)) return -1;
    }
}

/* Sets out's ref, new_step and changed for a reported change at time t of
 * signal ref whose latest value is kept in *l (NULL: not kept). */
static int finish_change(fstw_stream *s, uint32_t ref, last_value *l, fstw_change *out, fstw_error *err)
{
    out->ref = ref;
    out->new_step = !s->have_prev || out->time > s->prev_time;
    s->have_prev = 1;
    s->prev_time = out->time;
    out->changed = 1;
    if (l) {
        out->changed = out->value.kind == FSTW_VAL_EVENT || !same_value(l, &out->value);
        if (s->track) {
            /* the value before this change (fstw_stream_previous) */
            s->prev.has = 0;
            if (l->has) {
                fstw_value old = { l->kind, l->bits, lv_data(l), l->len, l->real };
                if (remember(&s->prev, &old)) goto nomem;
            }
        }
        if (out->changed && remember(l, &out->value)) goto nomem;
    }
    return 1;
nomem:
    fstwi_fail(err, FSTW_ERR_NOMEM, "out of memory");
    return -1;
}

/* The value of derived signal k now (from its pieces' latest values), in
 * s->dtmp. */
static void derived_value(fstw_stream *s, size_t k, fstw_value *v)
{
    const fstwi_derived *d = s->der[k];
    const uint32_t *slots = s->der_slots + s->der_first[k];
    for (uint32_t i = 0; i < d->n; i++) {
        s->dptr[i] = lv_value(&s->last[slots[i]], &s->dvals[i]) ? &s->dvals[i] : NULL;
    }
    uint8_t *chars = s->dtmp, *norm = s->dtmp + d->width, *packed = norm + d->width;
    fstwi_derive_compose(d, s->dptr, chars);
    int two_state = fstwi_norm_chars(d->width, chars, d->width, norm);
    memset(v, 0, sizeof *v);
    v->bits = d->width;
    if (two_state) {
        v->kind = FSTW_VAL_BITS2;
        v->len = ((size_t)d->width + 7) / 8;
        fstwi_pack_bits(norm, d->width, packed, v->len);
        v->data = packed;
    } else {
        v->kind = FSTW_VAL_LOGIC;
        v->len = d->width;
        v->data = norm;
    }
}

/* The end of a step with pending derived changes: their order (the set's
 * iteration order, as derived indices), and the set emptied. */
static void start_emitting(fstw_stream *s)
{
    uint32_t *keys = s->emit;
    s->n_emit = fstwi_fxset_order(&s->pend, keys);
    for (size_t i = 0; i < s->n_emit; i++) {
        uint32_t ref = keys[i] - 1;
        const uint32_t *hit = bsearch(&ref, s->der_ref, s->nder, sizeof *s->der_ref, fstwi_cmp_u32);
        keys[i] = (uint32_t)(hit - s->der_ref);
    }
    fstwi_fxset_clear(&s->pend);
    s->der_next = 0;
    s->emitting = 1;
}

int fstw_stream_next(fstw_stream *s, fstw_change *out, fstw_error *err)
{
    fstwi_error_clear(err);
    s->d.err = err;
    for (;;) {
        if (s->finished) return 0;
        size_t slot;
        if (s->emitting) {
            /* the derived signals whose pieces changed in the step just ended
             * come after its changes, at its time, in the order wellen's
             * StreamDispatcherOnChange drains its FxHashSet */
            if (s->der_next < s->n_emit) {
                size_t k = s->emit[s->der_next++];
                derived_value(s, k, &out->value);
                out->time = s->step_time;
                out->block = s->step_block;
                if (finish_change(s, s->der_ref[k], s->track ? &s->der_last[k] : NULL, out, err) < 0) goto fail;
                return 1;
            }
            s->emitting = 0;
            if (!s->held) { s->finished = 1; return 0; }
            s->held = 0;
            *out = s->hold;
            slot = s->hold_slot;
        } else {
            int r = next_raw(s, &slot, out, err);
            if (r < 0) goto fail;
            if (r == 0) {
                if (s->pend.items) { start_emitting(s); continue; }
                s->finished = 1;
                return 0;
            }
            if (s->pend.items && out->time > s->step_time) {
                /* a new step: the pending derived changes first */
                s->hold = *out;
                s->hold_slot = slot;
                s->held = 1;
                start_emitting(s);
                continue;
            }
        }
        s->step_time = out->time;
        s->step_block = out->block;
        int kept = s->last != NULL && (s->track || s->dep_count[slot]);
        if (s->report[slot]) {
            if (finish_change(s, slot_ref(s, slot), kept ? &s->last[slot] : NULL, out, err) < 0) goto fail;
        } else if (kept && remember(&s->last[slot], &out->value)) {
            fstwi_fail(err, FSTW_ERR_NOMEM, "out of memory");
            goto fail;
        }
        if (kept && s->dep_count[slot]) {
            for (uint32_t j = 0; j < s->dep_count[slot]; j++) {
                uint32_t k = s->dep_list[s->dep_first[slot] + j];
                if (fstwi_fxset_insert(&s->pend, s->der_ref[k] + 1)) {
                    fstwi_fail(err, FSTW_ERR_NOMEM, "out of memory");
                    goto fail;
                }
            }
        }
        if (s->report[slot]) return 1;
    }
fail:
    s->finished = 1;
    return -1;
}

int fstw_stream_value(const fstw_stream *s, uint32_t ref, fstw_value *out)
{
    if (!s->track) return 0;
    int64_t slot = slot_of(s, ref);
    if (slot >= 0 && s->report[slot]) return lv_value(&s->last[slot], out);
    const uint32_t *hit = s->nder ? bsearch(&ref, s->der_ref, s->nder, sizeof *s->der_ref, fstwi_cmp_u32) : NULL;
    return hit ? lv_value(&s->der_last[hit - s->der_ref], out) : 0;
}

int fstw_stream_previous(const fstw_stream *s, fstw_value *out)
{
    return s->track ? lv_value(&s->prev, out) : 0;
}
