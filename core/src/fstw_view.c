/* fstw_view.c - what waveform viewers ask of a loaded signal (contract
 * section 6): the window of changes (t0, t1], its times and values copied
 * out as flat arrays, values gathered by change index, the display summary
 * of a window in equal slices, and cursor values of many signals at once.
 *
 * Every time lookup here is fstw_signal_at_time's (pywellen's value_at_time:
 * the last time-table step at or before t, then the settled change of that
 * step), so a window's first change, a summary slice's first change and a
 * cursor value agree.  The array layouts (fstw_array_kind) come from the
 * signal's storage (fstw_signal.c): bit vectors stored packed 2-state with
 * 1..64 bits are U64, every other bit vector is ROWS of ASCII state chars. */
#include "fstw_internal.h"
#include <stdlib.h>

/* ------------------------------------------------------------- windows */

int fstw_signal_window(const fstw_signal *s, uint64_t t0, uint64_t t1, fstw_window *out)
{
    if (t1 < t0) return FSTW_ERR_ARG;
    int64_t a = fstw_signal_at_time(s, t0), b = fstw_signal_at_time(s, t1);
    out->has_initial = a >= 0;
    out->first = a >= 0 ? (size_t)a : 0;
    out->end = (size_t)(b + 1);
    return FSTW_OK;
}

/* --------------------------------------------------------- array layout */

int fstw_signal_array_kind(const fstw_signal *s)
{
    switch (s->encoding) {
    case FSTW_ENC_EVENT: return FSTW_ARR_NONE;
    case FSTW_ENC_REAL: return FSTW_ARR_F64;
    case FSTW_ENC_STRING: return FSTW_ARR_STRINGS;
    default: return (!s->ascii && s->bits >= 1 && s->bits <= 64) ? FSTW_ARR_U64 : FSTW_ARR_ROWS;
    }
}

size_t fstw_signal_row_bytes(const fstw_signal *s)
{
    switch (fstw_signal_array_kind(s)) {
    case FSTW_ARR_U64: case FSTW_ARR_F64: return 8;
    case FSTW_ARR_ROWS: return s->bits;
    default: return 0;
    }
}

static int range_ok(const fstw_signal *s, size_t first, size_t end)
{
    return first <= end && end <= s->n;
}

size_t fstw_signal_values_bytes(const fstw_signal *s, size_t first, size_t end)
{
    if (!range_ok(s, first, end)) return 0;
    if (fstw_signal_array_kind(s) == FSTW_ARR_STRINGS) return (size_t)(s->str_off[end] - s->str_off[first]);
    return (end - first) * fstw_signal_row_bytes(s);
}

/* ------------------------------------------------------------- copy-out */

int fstw_signal_copy_times(const fstw_signal *s, size_t first, size_t end, uint64_t *times)
{
    if (!range_ok(s, first, end) || (end > first && !times)) return FSTW_ERR_ARG;
    if (end == first) return FSTW_OK; /* (an empty signal may have no arrays at all) */
    const uint32_t *ti = s->tidx + first;
    const uint64_t *tt = s->tt;
    size_t n = end - first, ntt = s->n_tt;
    /* a step past the time table reads as time 0, as fstw_signal_time */
    for (size_t i = 0; i < n; i++) times[i] = ti[i] < ntt ? tt[ti[i]] : 0;
    return FSTW_OK;
}

/* Big-endian loads of 2, 4 and 8 bytes (one load and a byte swap). */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define FSTWI_FROM_BE(bits, x) (x)
#else
#define FSTWI_FROM_BE(bits, x) __builtin_bswap##bits(x)
#endif
static inline uint64_t be16(const uint8_t *p) { uint16_t v; memcpy(&v, p, 2); return FSTWI_FROM_BE(16, v); }
static inline uint64_t be32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return FSTWI_FROM_BE(32, v); }
static inline uint64_t be64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return FSTWI_FROM_BE(64, v); }

/* A stored 2-state value of st (1..8) bytes, big-endian, as a number; with a
 * constant st (the copy loop below) it is a few loads and byte swaps. */
static inline __attribute__((always_inline)) uint64_t be_value(const uint8_t *p, size_t st)
{
    switch (st) {
    case 1: return p[0];
    case 2: return be16(p);
    case 3: return be16(p) << 8 | p[2];
    case 4: return be32(p);
    case 5: return be32(p) << 8 | p[4];
    case 6: return be32(p) << 16 | be16(p + 4);
    case 7: return be32(p) << 24 | be16(p + 4) << 8 | p[6];
    default: return be64(p);
    }
}

static inline __attribute__((always_inline)) void copy_u64_stride(const uint8_t *d, size_t n, size_t st,
                                                                   uint64_t *out)
{
    for (size_t i = 0; i < n; i++) out[i] = be_value(d + i * st, st);
}

static void copy_u64(const fstw_signal *s, size_t first, size_t n, uint64_t *out)
{
    const uint8_t *d = s->data + first * s->stride;
    switch (s->stride) {
    case 1: copy_u64_stride(d, n, 1, out); break;
    case 2: copy_u64_stride(d, n, 2, out); break;
    case 3: copy_u64_stride(d, n, 3, out); break;
    case 4: copy_u64_stride(d, n, 4, out); break;
    case 5: copy_u64_stride(d, n, 5, out); break;
    case 6: copy_u64_stride(d, n, 6, out); break;
    case 7: copy_u64_stride(d, n, 7, out); break;
    default: copy_u64_stride(d, n, 8, out); break;
    }
}

/* Eight '0'/'1' chars for the bits of byte b, MSB first, as the bytes of a
 * uint64 in memory order: b copied into every byte, each byte keeps its own
 * bit, a nonzero byte becomes 1, then '0' is added. */
static inline uint64_t byte_chars(uint8_t b)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    const uint64_t pick = 0x8040201008040201ull;
#else
    const uint64_t pick = 0x0102040810204080ull;
#endif
    uint64_t m = ((uint64_t)b * 0x0101010101010101ull) & pick;
    return (((m + 0x7f7f7f7f7f7f7f7full) & 0x8080808080808080ull) >> 7) + 0x3030303030303030ull;
}

/* The ROWS value of change i: `bits` state chars at out. */
static void row_value(const fstw_signal *s, size_t i, uint8_t *out)
{
    const uint8_t *v = s->data + i * s->stride;
    if (s->ascii) {
        memcpy(out, v, s->bits);
        return;
    }
    /* packed 2-state (a vector wider than 64 bits): right-aligned, the pad
     * bits in front of the first byte */
    unsigned lead = 8 - (unsigned)(s->stride * 8 - s->bits); /* bits used in v[0] */
    for (unsigned k = 0; k < lead; k++) *out++ = (uint8_t)('0' + ((v[0] >> (lead - 1 - k)) & 1));
    for (size_t j = 1; j < s->stride; j++, out += 8) {
        uint64_t c = byte_chars(v[j]);
        memcpy(out, &c, 8);
    }
}

int fstw_signal_copy_values(const fstw_signal *s, size_t first, size_t end, void *values, uint64_t *offsets)
{
    if (!range_ok(s, first, end)) return FSTW_ERR_ARG;
    int kind = fstw_signal_array_kind(s);
    size_t n = end - first;
    if (kind == FSTW_ARR_STRINGS && !offsets) return FSTW_ERR_ARG;
    if (!values && fstw_signal_values_bytes(s, first, end)) return FSTW_ERR_ARG;
    switch (kind) {
    case FSTW_ARR_U64:
        if (n) copy_u64(s, first, n, values);
        break;
    case FSTW_ARR_F64:
        if (n) memcpy(values, s->data + first * 8, n * 8);
        break;
    case FSTW_ARR_ROWS:
        if (s->ascii) {
            if (n) memcpy(values, s->data + first * s->stride, n * s->stride);
        } else {
            for (size_t i = 0; i < n; i++) row_value(s, first + i, (uint8_t *)values + i * s->bits);
        }
        break;
    case FSTW_ARR_STRINGS: {
        const uint64_t *so = s->str_off + first;
        for (size_t i = 0; i <= n; i++) offsets[i] = so[i] - so[0];
        if (so[n] > so[0]) memcpy(values, s->data + so[0], (size_t)(so[n] - so[0]));
        break;
    }
    default:
        break;
    }
    return FSTW_OK;
}

/* --------------------------------------------------------------- gather */

size_t fstw_signal_gather_bytes(const fstw_signal *s, const int64_t *idx, size_t n)
{
    if (fstw_signal_array_kind(s) != FSTW_ARR_STRINGS) return n * fstw_signal_row_bytes(s);
    size_t total = 0;
    for (size_t k = 0; k < n; k++)
        if (idx[k] >= 0 && (uint64_t)idx[k] < s->n)
            total += (size_t)(s->str_off[idx[k] + 1] - s->str_off[idx[k]]);
    return total;
}

int fstw_signal_gather_values(const fstw_signal *s, const int64_t *idx, size_t n, void *values,
                              uint64_t *offsets)
{
    int kind = fstw_signal_array_kind(s);
    if (n && !idx) return FSTW_ERR_ARG;
    for (size_t k = 0; k < n; k++)
        if (idx[k] < -1 || (idx[k] >= 0 && (uint64_t)idx[k] >= s->n)) return FSTW_ERR_ARG;
    if (kind == FSTW_ARR_STRINGS && !offsets) return FSTW_ERR_ARG;
    if (!values && fstw_signal_gather_bytes(s, idx, n)) return FSTW_ERR_ARG;
    size_t rb = fstw_signal_row_bytes(s);
    uint8_t *out = values;
    uint64_t at = 0;
    if (kind == FSTW_ARR_STRINGS) offsets[0] = 0;
    for (size_t k = 0; k < n; k++) {
        int64_t i = idx[k];
        switch (kind) {
        case FSTW_ARR_U64: {
            uint64_t v = i < 0 ? 0 : be_value(s->data + (size_t)i * s->stride, s->stride);
            memcpy(out + k * 8, &v, 8);
            break;
        }
        case FSTW_ARR_F64:
            if (i < 0) memset(out + k * 8, 0, 8); /* all-zero bytes: +0.0 in IEEE 754 */
            else memcpy(out + k * 8, s->data + (size_t)i * 8, 8);
            break;
        case FSTW_ARR_ROWS:
            if (i < 0) memset(out + k * rb, 0, rb);
            else row_value(s, (size_t)i, out + k * rb);
            break;
        case FSTW_ARR_STRINGS:
            if (i >= 0) {
                size_t len = (size_t)(s->str_off[i + 1] - s->str_off[i]);
                if (len) memcpy(out + at, s->data + s->str_off[i], len);
                at += len;
            }
            offsets[k + 1] = at;
            break;
        default:
            break;
        }
    }
    return FSTW_OK;
}

/* -------------------------------------------------------------- summary */

/* The signal's sample of its steps, tidx[k * FSTWI_SAMPLE_EVERY] for every k,
 * made on first use and published atomically (two threads may both make it;
 * one copy is kept); NULL for a short signal or when out of memory (the
 * searches then go without it).  The sample is small enough to stay in the
 * cache: a search touches the steps themselves only near its answer. */
static const uint32_t *steps_sample(const fstw_signal *s)
{
    uint32_t *smp = __atomic_load_n(&s->sample, __ATOMIC_ACQUIRE);
    if (smp || s->n < 4 * FSTWI_SAMPLE_EVERY) return smp;
    size_t m = (s->n + FSTWI_SAMPLE_EVERY - 1) / FSTWI_SAMPLE_EVERY;
    smp = malloc(m * sizeof *smp);
    if (!smp) return NULL;
    for (size_t k = 0; k < m; k++) smp[k] = s->tidx[k * FSTWI_SAMPLE_EVERY];
    uint32_t *expected = NULL;
    /* the cache is the only field of a signal written after it is made */
    if (!__atomic_compare_exchange_n(&((fstw_signal *)s)->sample, &expected, smp, 0, __ATOMIC_ACQ_REL,
                                     __ATOMIC_ACQUIRE)) {
        free(smp);
        smp = expected;
    }
    return smp;
}

/* The last k of [lo, n) with a[k] <= t, given a[lo] <= t; lo is updated: a
 * galloping search (steps 1, 2, 4, ... from lo, then a binary search in the
 * last step), O(log distance) and near lo. */
#define GALLOP(a, lo, n, t)                                                      \
    do {                                                                         \
        size_t step_ = 1, hi_ = (lo) + 1;                                        \
        while (hi_ < (n) && (a)[hi_] <= (t)) {                                   \
            (lo) = hi_;                                                          \
            step_ *= 2;                                                          \
            hi_ = step_ < (n) - (lo) ? (lo) + step_ : (n);                       \
        }                                                                        \
        while (hi_ - (lo) > 1) {                                                 \
            size_t mid_ = (lo) + (hi_ - (lo)) / 2;                               \
            if ((a)[mid_] <= (t)) (lo) = mid_; else hi_ = mid_;                  \
        }                                                                        \
    } while (0)

/* fstwi_last_le resumed from `from`: the last k of a[0..n) (ascending) with
 * a[k] <= t, given a[from] <= t (from = -1: no hint), by GALLOP from there,
 * so that increasing t's cost O(log distance) each.  -1 when a[0] > t. */
#define LAST_LE_FROM(name, type)                                                 \
    static int64_t name(const type *a, size_t n, uint64_t t, int64_t from)      \
    {                                                                            \
        if (n == 0 || (from < 0 && a[0] > t)) return -1;                         \
        size_t lo = from < 0 ? 0 : (size_t)from;                                 \
        GALLOP(a, lo, n, t);                                                     \
        return (int64_t)lo;                                                      \
    }
LAST_LE_FROM(last_le_u64, uint64_t)
LAST_LE_FROM(last_le_u32, uint32_t)

/* The time-table step (fstw_time_index_at) of each bound a[0..buckets] of the
 * summary (t0, t1, buckets) into steps[]: from the time table's cache of the
 * last summary's steps when it was over the same slices (the other signals of
 * a screen), else by searches each resumed from the previous one, then kept
 * in the cache.  Needs an ascending time table. */
static void bound_steps(const fstw_signal *s, const uint64_t *a, uint64_t t0, uint64_t t1,
                        uint32_t buckets, int64_t *steps)
{
    fstwi_times *tm = s->times;
    size_t bytes = ((size_t)buckets + 1) * sizeof *steps;
    fstwi_mutex_lock(&tm->lock);
    fstwi_bound_steps *c = tm->steps;
    int hit = c && c->t0 == t0 && c->t1 == t1 && c->buckets == buckets;
    if (hit) memcpy(steps, c->step, bytes);
    fstwi_mutex_unlock(&tm->lock);
    if (hit) return;
    int64_t step = -1;
    for (size_t k = 0; k <= buckets; k++) steps[k] = step = last_le_u64(s->tt, s->n_tt, a[k], step);
    fstwi_bound_steps *nc = malloc(sizeof *nc + bytes); /* no cache when out of memory */
    if (!nc) return;
    nc->t0 = t0;
    nc->t1 = t1;
    nc->buckets = buckets;
    memcpy(nc->step, steps, bytes);
    fstwi_mutex_lock(&tm->lock);
    c = tm->steps;
    tm->steps = nc;
    fstwi_mutex_unlock(&tm->lock);
    free(c);
}

/* fstw_signal_at_time of each bound a_0 < a_1 < ... < a_n (n = buckets + 1 of
 * them; the slices of the summary (t0, t1, buckets)) into out[], for an
 * ascending time table (where it gives the same answers): first every
 * bound's time-table step (bound_steps: shared by the signals of a screen);
 * then each bound's stride of the signal's steps located through the
 * signal's sample and prefetched, so that the final searches, one per bound,
 * find their memory arriving together instead of one miss after another.
 * -1 (nothing written) when out of memory. */
static int summary_lookups(const fstw_signal *s, const uint64_t *a, uint64_t t0, uint64_t t1,
                           uint32_t buckets, int64_t *out)
{
    size_t n = buckets;
    const uint32_t *smp = steps_sample(s);
    int64_t *steps = malloc((n + 1) * sizeof *steps);
    if (!steps) return -1;
    bound_steps(s, a, t0, t1, buckets, steps);
    size_t m = smp ? (s->n + FSTWI_SAMPLE_EVERY - 1) / FSTWI_SAMPLE_EVERY : 0;
    if (smp) {
        /* out[k] = the sample index whose stride holds bound k's change */
        int64_t j = -1;
        for (size_t k = 0; k <= n; k++) {
            j = steps[k] < 0 ? -1 : last_le_u32(smp, m, (uint64_t)steps[k], j);
            out[k] = j;
            if (j >= 0) {
                const uint32_t *p = s->tidx + (size_t)j * FSTWI_SAMPLE_EVERY;
                __builtin_prefetch(p);
                __builtin_prefetch(p + FSTWI_SAMPLE_EVERY - 1);
            }
        }
    }
    int64_t change = -1;
    for (size_t k = 0; k <= n; k++) {
        /* no step yet, or the signal's first change is after this step */
        if (steps[k] < 0 || (smp && out[k] < 0)) { out[k] = change = -1; continue; }
        size_t lo = 0, end = s->n;
        if (smp) {
            /* the answer is in stride j: tidx[j * EVERY] <= step < tidx[(j + 1) * EVERY];
             * the previous bound's answer, when in the same stride, is a closer start */
            lo = (size_t)out[k] * FSTWI_SAMPLE_EVERY;
            if (change >= 0 && (size_t)change > lo) lo = (size_t)change;
            if (lo + FSTWI_SAMPLE_EVERY - lo % FSTWI_SAMPLE_EVERY < end)
                end = lo + FSTWI_SAMPLE_EVERY - lo % FSTWI_SAMPLE_EVERY;
            GALLOP(s->tidx, lo, end, (uint32_t)steps[k]);
            out[k] = change = (int64_t)lo;
        } else {
            out[k] = change = last_le_u32(s->tidx, s->n, (uint64_t)steps[k], change);
        }
    }
    free(steps);
    return 0;
}

int fstw_signal_summary(const fstw_signal *s, uint64_t t0, uint64_t t1, uint32_t buckets, uint64_t *bounds,
                        int64_t *first, uint64_t *counts, int64_t *last)
{
    if (t1 < t0 || buckets == 0) return FSTW_ERR_ARG;
    /* a_k = t0 + floor(d * k / buckets) exactly, without a 128-bit product:
     * with d = q * buckets + r, d * k / buckets = q * k + r * k / buckets,
     * where r * k < buckets^2 < 2^64 and q * k <= d */
    uint64_t d = t1 - t0, q = d / buckets, r = d % buckets;
    uint64_t *a = malloc(((size_t)buckets + 1) * sizeof *a);
    int64_t *at = malloc(((size_t)buckets + 1) * sizeof *at);
    if (!a || !at) { free(a); free(at); return FSTW_ERR_NOMEM; }
    for (uint32_t k = 0; k < buckets; k++) a[k] = t0 + q * k + r * k / buckets;
    a[buckets] = t1;
    /* the change in force at each bound: the bounds increase, so the lookups
     * go together when the time table is ascending (always, but in a
     * malformed file); else one fstw_signal_at_time each */
    if (!(s->times && s->times->sorted) || summary_lookups(s, a, t0, t1, buckets, at) != 0)
        for (uint32_t k = 0; k <= buckets; k++) at[k] = fstw_signal_at_time(s, a[k]);
    for (uint32_t k = 0; k < buckets; k++) {
        if (bounds) bounds[k] = a[k];
        if (first) first[k] = at[k];
        if (counts) counts[k] = (uint64_t)(at[k + 1] - at[k]);
        if (last) last[k] = at[k + 1];
    }
    if (bounds) bounds[buckets] = t1;
    free(a);
    free(at);
    return FSTW_OK;
}

/* ---------------------------------------------------------------- cursor */

void fstw_signals_at_time(const fstw_signal *const *signals, size_t n, uint64_t t, int64_t *out)
{
    const fstwi_times *times = NULL; /* the time table of the last lookup */
    int64_t step = -1;
    for (size_t i = 0; i < n; i++) {
        const fstw_signal *s = signals[i];
        if (i == 0 || s->times != times || !times) {
            times = s->times;
            step = fstwi_last_le(s->tt, s->n_tt, t);
        }
        out[i] = step < 0 ? -1 : fstw_signal_find(s, (uint64_t)step);
    }
}
