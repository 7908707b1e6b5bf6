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
    const uint32_t *ti = s->tidx + first;
    const uint64_t *tt = s->tt;
    size_t n = end - first;
    for (size_t i = 0; i < n; i++) times[i] = tt[ti[i]];
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
        copy_u64(s, first, n, values);
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

/* The index of the last of a[0..n) (ascending) that is <= t, searched from
 * `from`, the answer for an earlier t <= this one (-1 when there was none):
 * a galloping search (steps 1, 2, 4, ... from `from`, then a binary search in
 * the last step), so that a summary's increasing slice bounds cost O(log
 * distance) each, in memory the previous search touched, instead of a
 * search over the whole array.  On an ascending array it gives
 * fstwi_last_le's answer. */
#define FSTWI_GALLOP_LAST_LE(name, type)                                         \
    static int64_t name(const type *a, size_t n, uint64_t t, int64_t from)       \
    {                                                                            \
        size_t lo;                                                               \
        if (from < 0) {                                                          \
            if (n == 0 || a[0] > t) return -1;                                   \
            lo = 0;                                                              \
        } else {                                                                 \
            lo = (size_t)from;                                                   \
        }                                                                        \
        size_t step = 1, hi = lo + 1; /* a[lo] <= t; find hi with a[hi] > t */   \
        while (hi < n && a[hi] <= t) {                                           \
            lo = hi;                                                             \
            step *= 2;                                                           \
            hi = step < n - lo ? lo + step : n;                                  \
        }                                                                        \
        if (hi > n) hi = n;                                                      \
        while (hi - lo > 1) { /* a[lo] <= t, a[hi] > t or hi == n */             \
            size_t mid = lo + (hi - lo) / 2;                                     \
            if (a[mid] <= t) lo = mid; else hi = mid;                            \
        }                                                                        \
        return (int64_t)lo;                                                      \
    }
FSTWI_GALLOP_LAST_LE(gallop_u64, uint64_t)
FSTWI_GALLOP_LAST_LE(gallop_u32, uint32_t)

/* fstw_signal_at_time(s, t) for increasing t, resumed from *step and *change
 * (the time-table step and change of the previous, smaller or equal t; both
 * -1 at first).  Needs a time table that never decreases. */
static int64_t at_time_from(const fstw_signal *s, uint64_t t, int64_t *step, int64_t *change)
{
    *step = gallop_u64(s->tt, s->n_tt, t, *step);
    if (*step < 0) return *change = -1;
    *change = gallop_u32(s->tidx, s->n, (uint64_t)*step, *change);
    return *change;
}

int fstw_signal_summary(const fstw_signal *s, uint64_t t0, uint64_t t1, uint32_t buckets, uint64_t *bounds,
                        int64_t *first, uint64_t *counts, int64_t *last)
{
    if (t1 < t0 || buckets == 0) return FSTW_ERR_ARG;
    /* a_k = t0 + floor(d * k / buckets) exactly, without a 128-bit product:
     * with d = q * buckets + r, d * k / buckets = q * k + r * k / buckets,
     * where r * k < buckets^2 < 2^64 and q * k <= d */
    uint64_t d = t1 - t0, q = d / buckets, r = d % buckets;
    /* the bounds increase: each lookup resumes from the previous one when the
     * time table is ascending (always, but in a malformed file) */
    int gallop = s->times && s->times->sorted;
    int64_t step = -1, change = -1;
    int64_t prev = gallop ? at_time_from(s, t0, &step, &change) : fstw_signal_at_time(s, t0);
    for (uint32_t k = 0; k < buckets; k++) {
        uint64_t a = t0 + q * k + r * k / buckets;
        uint64_t b = k + 1 == buckets ? t1 : t0 + q * (k + 1) + r * (k + 1) / buckets;
        int64_t next = gallop ? at_time_from(s, b, &step, &change) : fstw_signal_at_time(s, b);
        if (bounds) bounds[k] = a;
        if (first) first[k] = prev;
        if (counts) counts[k] = (uint64_t)(next - prev);
        if (last) last[k] = next;
        prev = next;
    }
    if (bounds) bounds[buckets] = t1;
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
