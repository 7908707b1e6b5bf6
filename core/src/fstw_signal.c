/* fstw_signal.c - the compact per-signal storage behind the value lookups:
 * building it change by change, joining the parts decoded by several
 * threads, and reading it back.
 *
 * Storage follows wellen's SignalWriter (wellen/src/fst.rs): a change equal
 * to the previous stored change is dropped (bit vectors compare
 * case-insensitively, reals bit-wise, strings as bytes; events never).
 * Bit vectors are kept packed (1 bit per bit, big-endian) while every value
 * is 2-state, and one lowercase character per bit once any value is not. */
#include "fstw_internal.h"
#include <stdlib.h>
#include <string.h>


static int push_tidx(fstwi_builder *b, uint32_t idx)
{
    if (fstwi_buf_push(&b->tidx, &idx, sizeof idx)) return -1;
    b->n++;
    return 0;
}

/* lowercase; anything outside 01xzhuwl- becomes x (wellen would panic) */
static uint8_t norm_state(uint8_t c)
{
    switch (c) {
    case '0': case '1': case 'x': case 'z': case 'h': case 'u': case 'w': case 'l': case '-':
        return c;
    case 'X': case 'Z': case 'H': case 'U': case 'W': case 'L':
        return (uint8_t)(c + 32);
    default:
        return 'x';
    }
}

void fstwi_pack_bits(const uint8_t *chars, uint32_t bits, uint8_t *out, size_t nbytes)
{
    memset(out, 0, nbytes);
    size_t pad = nbytes * 8 - bits;
    for (uint32_t i = 0; i < bits; i++)
        if (chars[i] == '1') {
            size_t pos = pad + i;
            out[pos >> 3] |= (uint8_t)(0x80u >> (pos & 7));
        }
}

int fstwi_norm_chars(uint32_t bits, const uint8_t *chars, size_t len, uint8_t *out)
{
    int two_state = 1;
    if (len >= bits) {
        chars += len - bits;
        for (uint32_t i = 0; i < bits; i++) {
            uint8_t c = norm_state(chars[i]);
            out[i] = c;
            two_state &= (c == '0' || c == '1');
        }
    } else {
        size_t padn = bits - len;
        memset(out, '0', padn);
        for (size_t i = 0; i < len; i++) {
            uint8_t c = norm_state(chars[i]);
            out[padn + i] = c;
            two_state &= (c == '0' || c == '1');
        }
    }
    return two_state;
}

/* Switches a 2-state packed signal to one character per bit. */
static int to_ascii(fstwi_builder *b)
{
    fstwi_buf nd = { 0 };
    size_t nbytes = b->stride;
    if (fstwi_buf_reserve(&nd, b->n * (size_t)b->bits + 1)) return -1;
    size_t pad = nbytes * 8 - b->bits;
    for (size_t k = 0; k < b->n; k++) {
        const uint8_t *src = b->data.data + k * nbytes;
        for (uint32_t i = 0; i < b->bits; i++) {
            size_t pos = pad + i;
            nd.data[nd.len++] = (src[pos >> 3] & (0x80u >> (pos & 7))) ? '1' : '0';
        }
    }
    fstwi_buf_free(&b->data);
    b->data = nd;
    b->ascii = 1;
    b->stride = b->bits;
    return 0;
}

/* Appends a fixed-size value unless it equals the previous one. */
static int push_fixed(fstwi_builder *b, uint32_t idx, const uint8_t *v)
{
    size_t st = b->stride;
    if (b->n && fstwi_same_value(b->data.data + (b->n - 1) * st, v, st)) return 0;
    if (st && fstwi_buf_push(&b->data, v, st)) return -1;
    return push_tidx(b, idx);
}

/* A bit-vector change given as `len` state characters. */
int fstwi_builder_add_chars(fstwi_builder *b, uint32_t idx, const uint8_t *chars, size_t len, uint8_t *tmp)
{
    if (b->enc == FSTW_ENC_EVENT) return push_tidx(b, idx);
    if (b->enc == FSTW_ENC_STRING) {
        /* a string var whose chain holds fixed-size values: keep the text */
        size_t last = b->n ? ((uint64_t *)b->stroff.data)[b->n] - ((uint64_t *)b->stroff.data)[b->n - 1] : 0;
        if (b->n && last == len &&
            memcmp(b->data.data + ((uint64_t *)b->stroff.data)[b->n - 1], chars, len) == 0)
            return 0;
        uint64_t end = b->data.len + len;
        if (fstwi_buf_append(&b->data, chars, len) || fstwi_buf_append(&b->stroff, &end, sizeof end)) return -1;
        return push_tidx(b, idx);
    }
    if (b->enc != FSTW_ENC_BITS) return 0; /* a real var with a bit-vector chain: skipped */
    if (len == 1 && b->bits == 1 && !b->ascii && (chars[0] == '0' || chars[0] == '1')) {
        uint8_t v = (uint8_t)(chars[0] - '0');   /* the common case, packed directly */
        return push_fixed(b, idx, &v);
    }
    /* normalise to exactly `bits` characters, right-aligned */
    uint32_t bits = b->bits;
    int two_state = fstwi_norm_chars(bits, chars, len, tmp);
    if (!b->ascii && !two_state && to_ascii(b)) return -1;
    if (b->ascii) return push_fixed(b, idx, tmp);
    uint8_t *packed = tmp + bits;
    fstwi_pack_bits(tmp, bits, packed, b->stride);
    return push_fixed(b, idx, packed);
}

int fstwi_builder_add_fst_bits(fstwi_builder *b, uint32_t idx, const uint8_t *p, uint8_t *tmp)
{
    /* FST packs the first bit into the MSB of the first byte and leaves the
     * last byte's low bits unused; storage right-aligns (pad bits in front) */
    unsigned pad = (unsigned)(b->stride * 8 - b->bits);
    if (pad == 0) return push_fixed(b, idx, p);
    fstwi_fst_bits_to_storage(tmp, p, b->stride, pad);
    return push_fixed(b, idx, tmp);
}

int fstwi_builder_add_real(fstwi_builder *b, uint32_t idx, double v)
{
    if (b->enc == FSTW_ENC_EVENT) return push_tidx(b, idx);
    if (b->enc != FSTW_ENC_REAL) return 0; /* mismatched var: skipped */
    uint8_t bytes[8];
    memcpy(bytes, &v, 8);
    return push_fixed(b, idx, bytes);
}

int fstwi_builder_add_bytes(fstwi_builder *b, uint32_t idx, const uint8_t *s, size_t len, uint8_t *tmp)
{
    if (b->enc == FSTW_ENC_STRING || b->enc == FSTW_ENC_EVENT || b->enc == FSTW_ENC_BITS)
        return fstwi_builder_add_chars(b, idx, s, len, tmp);
    return 0;
}


/* A string signal starts with offset 0, and its data is never NULL, so empty
 * strings point into it (NULL + 0 is UB); 0 or -1. */
static int init_strings(fstwi_builder *b)
{
    if (b->enc != FSTW_ENC_STRING) return 0;
    uint64_t zero = 0;
    return fstwi_buf_append(&b->stroff, &zero, sizeof zero) || fstwi_buf_reserve(&b->data, 1) ? -1 : 0;
}

int fstwi_builder_init(fstwi_builder *b, const fstw_file *f, uint32_t ref, fstw_error *err)
{
    memset(b, 0, sizeof *b);
    b->ref = ref;
    uint32_t var = ref < f->hier.n_handles ? f->hier.handle_to_var[ref] : FSTW_NONE;
    uint32_t g = ref < f->n_geom ? f->geom[ref] : FSTWI_GEOM_VARLEN;
    if (var != FSTW_NONE) {
        b->enc = f->hier.vars[var].encoding;
        b->bits = f->hier.vars[var].bitwidth;
    } else { /* a signal no var names: take its shape from the geometry */
        b->enc = g == FSTWI_GEOM_REAL ? FSTW_ENC_REAL : g == FSTWI_GEOM_VARLEN ? FSTW_ENC_STRING : FSTW_ENC_BITS;
        b->bits = (g == FSTWI_GEOM_REAL || g == FSTWI_GEOM_VARLEN) ? 0 : (g ? g : 1);
    }
    /* every value is padded to the var's width: a var far wider than what the file
     * stores for its signal (a 2^24-bit alias of a 1-bit signal) would turn each
     * one-byte change into megabytes */
    if (b->enc == FSTW_ENC_BITS && b->bits > 64 && g != FSTWI_GEOM_REAL &&
        (g == FSTWI_GEOM_VARLEN ? b->bits > 4096 : b->bits > g))
        return fstwi_fail(err, FSTW_ERR_FORMAT, "signal %u: its var is %u bits wide, but the file stores %s",
                         ref, b->bits, g == FSTWI_GEOM_VARLEN ? "variable-length values" : "fewer bits per value");
    b->stride = b->enc == FSTW_ENC_BITS ? ((size_t)b->bits + 7) / 8 : b->enc == FSTW_ENC_REAL ? 8 : 0;
    if (init_strings(b)) return fstwi_fail(err, FSTW_ERR_NOMEM, "out of memory");
    return FSTW_OK;
}

int fstwi_builder_init_like(fstwi_builder *b, const fstwi_builder *shape)
{
    memset(b, 0, sizeof *b);
    b->ref = shape->ref;
    b->enc = shape->enc;
    b->bits = shape->bits;
    b->stride = shape->stride;
    return init_strings(b);
}

/* Appends src's changes (decoded from later blocks) to dst, applying the
 * dedup rule across the seam; src is emptied. */
int fstwi_builder_append(fstwi_builder *dst, fstwi_builder *src)
{
    if (src->n == 0) return 0;
    size_t skip = 0;
    if (dst->enc == FSTW_ENC_STRING) {
        const uint64_t *so = (const uint64_t *)src->stroff.data, *doff = (const uint64_t *)dst->stroff.data;
        if (dst->n) {
            size_t dl = (size_t)(doff[dst->n] - doff[dst->n - 1]), sl = (size_t)(so[1] - so[0]);
            if (dl == sl && memcmp(dst->data.data + doff[dst->n - 1], src->data.data, sl) == 0) skip = 1;
        }
        uint64_t base = dst->data.len;
        uint64_t from = so[skip];
        if (fstwi_buf_append(&dst->data, src->data.data + from, (size_t)(so[src->n] - from))) return -1;
        for (size_t i = skip + 1; i <= src->n; i++) {
            uint64_t o = base + so[i] - from;
            if (fstwi_buf_append(&dst->stroff, &o, sizeof o)) return -1;
        }
    } else if (dst->enc != FSTW_ENC_EVENT) {
        if (dst->enc == FSTW_ENC_BITS && dst->ascii != src->ascii) {
            if (!dst->ascii ? to_ascii(dst) : to_ascii(src)) return -1;
        }
        size_t st = dst->stride;
        if (dst->n && (st == 0 || memcmp(dst->data.data + (dst->n - 1) * st, src->data.data, st) == 0))
            skip = 1;
        if (st && fstwi_buf_append(&dst->data, src->data.data + skip * st, (src->n - skip) * st))
            return -1;
    }
    if (fstwi_buf_append(&dst->tidx, src->tidx.data + skip * sizeof(uint32_t), (src->n - skip) * sizeof(uint32_t)))
        return -1;
    dst->n += src->n - skip;
    fstwi_builder_free(src);
    return 0;
}

/* Grows a buffer to the size the load is expected to need by the next call,
 * from what it holds after `done` of `total` bytes of blocks.  No change when
 * it has the room, or when memory is short (growth then happens change by
 * change, 1.5x at a time). */
static void project(fstwi_buf *b, double scale)
{
    if (!b->len) return;
    double want = (double)b->len * scale;
    if (want <= (double)b->cap || want > (double)(SIZE_MAX / 2)) return;
    size_t cap = (size_t)want;
    (void)fstwi_buf_set_cap(b, cap + cap / 32 + 64);  /* a margin, so a slightly busier rest does not grow it */
}

void fstwi_builder_project(fstwi_builder *b, uint64_t done, uint64_t total)
{
    if (!done || done >= total || !b->n) return;
    /* the load calls this at each doubling of the bytes done: room up to the
     * next doubling (or the end) is enough, and a guess from the first blocks
     * is not trusted further */
    double scale = (double)total / (double)done;
    if (scale > 2.0) scale = 2.0;
    project(&b->tidx, scale);
    project(&b->data, scale);
    project(&b->stroff, scale);
}

/* Process-wide counts of live signals (fstw_memory_stats_get). */
static uint64_t live_signals, live_bytes;

/* Gives a new signal its one holder and its bytes, and counts it as live. */
static void count_live(fstw_signal *s, size_t bytes)
{
    s->holders = 1;
    s->bytes = bytes;
    __atomic_add_fetch(&live_signals, 1, __ATOMIC_RELAXED);
    __atomic_add_fetch(&live_bytes, bytes, __ATOMIC_RELAXED);
}

/* The bytes of a built signal (fstw_signal_bytes). */
static size_t signal_bytes(const fstw_signal *s)
{
    size_t dlen = s->str_off ? (size_t)s->str_off[s->n] : s->n * s->stride;
    return sizeof *s + s->n * sizeof *s->tidx + dlen + (s->str_off ? (s->n + 1) * sizeof *s->str_off : 0);
}

fstw_signal *fstw_signal_hold(fstw_signal *s)
{
    if (s) __atomic_add_fetch(&s->holders, 1, __ATOMIC_RELAXED);
    return s;
}

size_t fstw_signal_bytes(const fstw_signal *s) { return s->bytes; }

void fstw_memory_stats_get(fstw_memory_stats *out)
{
    out->signals = __atomic_load_n(&live_signals, __ATOMIC_RELAXED);
    out->signal_bytes = __atomic_load_n(&live_bytes, __ATOMIC_RELAXED);
}

/* Gives back the unused end of a buffer (growth leaves up to a third). */
static void shrink(fstwi_buf *b)
{
    if (b->cap - b->len > b->len / 16 + 64) (void)fstwi_buf_set_cap(b, b->len);
}

fstw_signal *fstwi_builder_finish(fstwi_builder *b, const fstw_file *f)
{
    fstw_signal *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    shrink(&b->tidx);
    shrink(&b->data);
    shrink(&b->stroff);
    s->ref = b->ref;
    s->encoding = b->enc;
    s->bits = b->bits;
    s->ascii = b->ascii;
    s->stride = b->stride;
    s->n = b->n;
    s->tidx = (uint32_t *)b->tidx.data;
    s->data = b->data.data;
    s->str_off = (uint64_t *)b->stroff.data;
    s->tt = f->time_table;
    s->n_tt = f->n_time;
    s->times = fstwi_times_hold(f->times);
    memset(b, 0, sizeof *b);
    count_live(s, signal_bytes(s));
    return s;
}

void fstwi_builder_free(fstwi_builder *b)
{
    fstwi_buf_free(&b->tidx);
    fstwi_buf_free(&b->data);
    fstwi_buf_free(&b->stroff);
}

fstw_signal *fstwi_signal_clone(const fstw_signal *s)
{
    fstw_signal *c = malloc(sizeof *c);
    if (!c) return NULL;
    *c = *s;
    count_live(c, s->bytes);
    c->tidx = NULL; c->data = NULL; c->str_off = NULL; c->sample = NULL;
    c->times = fstwi_times_hold(s->times);
    size_t dlen = s->encoding == FSTW_ENC_STRING ? (s->n ? s->str_off[s->n] : 0) : s->n * s->stride;
    c->tidx = malloc(s->n * sizeof *c->tidx + 1);
    c->data = malloc(dlen + 1);
    c->str_off = s->str_off ? malloc((s->n + 1) * sizeof *c->str_off) : NULL;
    if (!c->tidx || !c->data || (s->str_off && !c->str_off)) { fstw_signal_free(c); return NULL; }
    if (s->n) memcpy(c->tidx, s->tidx, s->n * sizeof *c->tidx);
    if (dlen) memcpy(c->data, s->data, dlen);
    if (s->str_off) memcpy(c->str_off, s->str_off, (s->n + 1) * sizeof *c->str_off);
    return c;
}

void fstw_signal_free(fstw_signal *s)
{
    if (!s || __atomic_sub_fetch(&s->holders, 1, __ATOMIC_ACQ_REL) != 0) return;
    __atomic_sub_fetch(&live_signals, 1, __ATOMIC_RELAXED);
    __atomic_sub_fetch(&live_bytes, s->bytes, __ATOMIC_RELAXED);
    free(s->tidx);
    free(s->data);
    free(s->str_off);
    free(s->sample);
    fstwi_times_release(s->times);
    free(s);
}

uint32_t fstw_signal_ref(const fstw_signal *s) { return s->ref; }
int fstw_signal_encoding(const fstw_signal *s) { return s->encoding; }
uint32_t fstw_signal_bitwidth(const fstw_signal *s) { return s->encoding == FSTW_ENC_BITS ? s->bits : 0; }
size_t fstw_signal_len(const fstw_signal *s) { return s->n; }
uint32_t fstw_signal_time_index(const fstw_signal *s, size_t i) { return i < s->n ? s->tidx[i] : 0; }
uint64_t fstw_signal_time(const fstw_signal *s, size_t i)
{
    return (i < s->n && s->tidx[i] < s->n_tt) ? s->tt[s->tidx[i]] : 0;
}

size_t fstw_signal_scratch_size(const fstw_signal *s)
{
    return (s->encoding == FSTW_ENC_BITS && s->ascii) ? ((size_t)s->bits + 7) / 8 : 0;
}

int fstw_signal_value(const fstw_signal *s, size_t i, fstw_value *out, uint8_t *scratch, size_t scratch_len)
{
    if (i >= s->n) return FSTW_ERR_ARG;
    memset(out, 0, sizeof *out);
    switch (s->encoding) {
    case FSTW_ENC_EVENT:
        out->kind = FSTW_VAL_EVENT;
        return FSTW_OK;
    case FSTW_ENC_REAL:
        out->kind = FSTW_VAL_REAL;
        memcpy(&out->real, s->data + i * 8, 8);
        return FSTW_OK;
    case FSTW_ENC_STRING:
        out->kind = FSTW_VAL_STRING;
        out->data = s->data + s->str_off[i];
        out->len = (size_t)(s->str_off[i + 1] - s->str_off[i]);
        return FSTW_OK;
    default:
        break;
    }
    out->bits = s->bits;
    const uint8_t *v = s->data + i * s->stride;
    if (!s->ascii) {
        out->kind = FSTW_VAL_BITS2;
        out->data = v;
        out->len = s->stride;
        return FSTW_OK;
    }
    for (uint32_t k = 0; k < s->bits; k++)
        if (v[k] != '0' && v[k] != '1') {
            out->kind = FSTW_VAL_LOGIC;
            out->data = v;
            out->len = s->bits;
            return FSTW_OK;
        }
    size_t nb = ((size_t)s->bits + 7) / 8;
    if (!scratch || scratch_len < nb) return FSTW_ERR_ARG;
    fstwi_pack_bits(v, s->bits, scratch, nb);
    out->kind = FSTW_VAL_BITS2;
    out->data = scratch;
    out->len = nb;
    return FSTW_OK;
}

int64_t fstw_signal_find(const fstw_signal *s, uint64_t time_idx)
{
    if (s->n == 0 || s->tidx[0] > time_idx) return -1;
    size_t lo = 0, hi = s->n;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->tidx[mid] <= time_idx) lo = mid; else hi = mid;
    }
    return (int64_t)lo;
}

void fstw_signal_query(const fstw_signal *s, uint64_t t, fstw_query *out)
{
    /* last change with time <= t; change times never decrease */
    size_t lo = 0, hi = s->n; /* first change with time > t lies in [lo, hi] */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (fstw_signal_time(s, mid) <= t) lo = mid + 1; else hi = mid;
    }
    out->change = (int64_t)lo - 1;
    out->next_change = lo < s->n ? (int64_t)lo : -1;
}

size_t fstw_signal_lower_bound(const fstw_signal *s, uint64_t t)
{
    size_t lo = 0, hi = s->n; /* the first change with time >= t is in [lo, hi] */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (fstw_signal_time(s, mid) < t) lo = mid + 1; else hi = mid;
    }
    return lo;
}

int64_t fstw_signal_at_time(const fstw_signal *s, uint64_t t)
{
    int64_t idx = fstwi_last_le(s->tt, s->n_tt, t);
    return idx < 0 ? -1 : fstw_signal_find(s, (uint64_t)idx);
}
