/* test_view.c - tests of what viewers ask of a loaded signal
 * (core/src/fstw_view.c, contract section 6), run by `make test-c`.
 *
 * For every FST file named on the command line (the corpus, the generated
 * fixtures, the example): every signal is loaded, the file is closed (the
 * signals must stay fully readable: the time table is shared), and then for
 * every signal, against a brute-force walk over fstw_signal_time and
 * fstw_signal_value:
 *   - the array kind and row size (U64 exactly for bit vectors of 1..64 bits
 *     whose every change is 2-state, ROWS for the other bit vectors);
 *   - windows (before the first change, at a change, between changes, past
 *     the end, one time step, t0 == t1, the whole file, [0, 2^64 - 1], random
 *     ones from a fixed seed): first/end/has_initial, and the times and values
 *     copied out (each value compared with fstw_signal_value's kind);
 *   - summaries of several windows in 1, 7, 2000 and more slices than time
 *     units: bounds (computed here with 128-bit arithmetic), the change in
 *     force at each bound, the count per slice;
 *   - gather with -1 and repeated indices;
 *   - the error cases (t1 < t0, no slices, ranges and indices out of range,
 *     missing buffers);
 * and fstw_signals_at_time against fstw_signal_at_time for all signals of a
 * file at once, and for signals of two files interleaved.  A file written
 * here with libfst (into TMPDIR) holds 2-state vectors of every width 1..72
 * (every byte count of U64, and packed ROWS) and 4-state ones with random
 * values: the copied arrays are compared with the values written, and the
 * file goes through all the checks above.  The times read
 * through the signal after the close are compared with those read before.
 * Usage: test_view TMPDIR FILE.fst...  Prints "test_view: N passed, N failed" and exits non-zero on a failure. */
#include "fstwave.h"
#include "fstapi.h" /* vendor/libfst: the writer of the widths file */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int passed, failed;
static const char *current_file;

static void check_at(int line, int ok, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void check_at(int line, int ok, const char *fmt, ...)
{
    if (ok) {
        passed++;
        return;
    }
    failed++;
    if (failed > 200) return; /* the count says the rest */
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "FAIL test_view.c:%d [%s] ", line, current_file);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}
#define CHECK(ok, ...) check_at(__LINE__, (ok) != 0, __VA_ARGS__)

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void) /* xorshift64, fixed seed */
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static unsigned long long ull(uint64_t v) { return (unsigned long long)v; }

/* ------------------------------------------------------------ references */

/* One signal with what the brute force needs: its change times. */
typedef struct ref_signal {
    const fstw_signal *s;
    size_t n;
    uint64_t *t;       /* fstw_signal_time of every change */
    uint8_t *scratch;  /* for fstw_signal_value */
    size_t scratch_len;
} ref_signal;

/* The last change whose time is <= t, -1 when none: every change looked at. */
static int64_t ref_in_force(const ref_signal *r, uint64_t t)
{
    int64_t last = -1;
    for (size_t i = 0; i < r->n; i++)
        if (r->t[i] <= t) last = (int64_t)i;
    return last;
}

/* The array kind the contract gives this signal, from fstw_signal_value's kinds. */
static int expected_kind(const ref_signal *r)
{
    switch (fstw_signal_encoding(r->s)) {
    case FSTW_ENC_EVENT: return FSTW_ARR_NONE;
    case FSTW_ENC_REAL: return FSTW_ARR_F64;
    case FSTW_ENC_STRING: return FSTW_ARR_STRINGS;
    default: break;
    }
    if (fstw_signal_bitwidth(r->s) > 64) return FSTW_ARR_ROWS;
    for (size_t i = 0; i < r->n; i++) {
        fstw_value v;
        if (fstw_signal_value(r->s, i, &v, r->scratch, r->scratch_len) != FSTW_OK || v.kind != FSTW_VAL_BITS2)
            return FSTW_ARR_ROWS;
    }
    return FSTW_ARR_U64;
}

/* Whether element k of an array in the signal's layout (values `arr`,
 * `offs` for strings) holds change i's value, or the zero value for i == -1. */
static int same_element(const ref_signal *r, int kind, const uint8_t *arr, const uint64_t *offs, size_t k,
                        int64_t i)
{
    uint32_t bits = fstw_signal_bitwidth(r->s);
    if (i < 0) {
        static const uint8_t zeros[8];
        switch (kind) {
        case FSTW_ARR_U64: case FSTW_ARR_F64: return memcmp(arr + 8 * k, zeros, 8) == 0;
        case FSTW_ARR_ROWS:
            for (uint32_t b = 0; b < bits; b++)
                if (arr[(size_t)bits * k + b]) return 0;
            return 1;
        case FSTW_ARR_STRINGS: return offs[k + 1] == offs[k];
        default: return 1;
        }
    }
    fstw_value v;
    if (fstw_signal_value(r->s, (size_t)i, &v, r->scratch, r->scratch_len) != FSTW_OK) return 0;
    switch (kind) {
    case FSTW_ARR_U64: {
        uint64_t want = 0, got;
        for (size_t j = 0; j < v.len; j++) want = want << 8 | v.data[j];
        memcpy(&got, arr + 8 * k, 8);
        return v.kind == FSTW_VAL_BITS2 && v.len <= 8 && got == want && (bits == 64 || got >> bits == 0);
    }
    case FSTW_ARR_F64:
        return v.kind == FSTW_VAL_REAL && memcmp(arr + 8 * k, &v.real, 8) == 0;
    case FSTW_ARR_ROWS: {
        const uint8_t *row = arr + (size_t)bits * k;
        if (v.kind == FSTW_VAL_LOGIC) return v.len == bits && memcmp(row, v.data, bits) == 0;
        if (v.kind != FSTW_VAL_BITS2) return 0;
        for (uint32_t b = 0; b < bits; b++) {
            size_t pos = v.len * 8 - bits + b; /* right-aligned, MSB first */
            if (row[b] != ((v.data[pos / 8] >> (7 - pos % 8)) & 1 ? '1' : '0')) return 0;
        }
        return 1;
    }
    case FSTW_ARR_STRINGS:
        return v.kind == FSTW_VAL_STRING && offs[k + 1] - offs[k] == v.len &&
               (v.len == 0 || memcmp(arr + offs[k], v.data, v.len) == 0);
    default:
        return v.kind == FSTW_VAL_EVENT;
    }
}

/* ---------------------------------------------------------------- checks */

static void check_kind(const ref_signal *r)
{
    int kind = fstw_signal_array_kind(r->s), want = expected_kind(r);
    CHECK(kind == want, "signal %u: array kind %d, expected %d", fstw_signal_ref(r->s), kind, want);
    size_t rb = fstw_signal_row_bytes(r->s);
    size_t want_rb = want == FSTW_ARR_U64 || want == FSTW_ARR_F64 ? 8
                   : want == FSTW_ARR_ROWS ? fstw_signal_bitwidth(r->s) : 0;
    CHECK(rb == want_rb, "signal %u: row bytes %zu, expected %zu", fstw_signal_ref(r->s), rb, want_rb);
    for (size_t i = 1; i < r->n; i++)
        if (r->t[i] < r->t[i - 1]) {
            CHECK(0, "signal %u: change %zu goes back in time", fstw_signal_ref(r->s), i);
            break;
        }
}

/* Copies changes [first, end) out and compares every time and value. */
static void check_copy(const ref_signal *r, size_t first, size_t end)
{
    int kind = fstw_signal_array_kind(r->s);
    size_t m = end - first, vb = fstw_signal_values_bytes(r->s, first, end);
    uint64_t *times = malloc(m * 8 + 8), *offs = malloc(m * 8 + 8);
    uint8_t *vals = malloc(vb + 1);
    CHECK(fstw_signal_copy_times(r->s, first, end, times) == FSTW_OK, "copy_times [%zu, %zu)", first, end);
    CHECK(fstw_signal_copy_values(r->s, first, end, vals, offs) == FSTW_OK, "copy_values [%zu, %zu)", first, end);
    size_t bad_t = 0, bad_v = 0;
    for (size_t k = 0; k < m; k++) {
        bad_t += times[k] != r->t[first + k];
        bad_v += !same_element(r, kind, vals, offs, k, (int64_t)(first + k));
    }
    CHECK(bad_t == 0, "signal %u [%zu, %zu): %zu copied times differ", fstw_signal_ref(r->s), first, end, bad_t);
    CHECK(bad_v == 0, "signal %u [%zu, %zu): %zu copied values differ", fstw_signal_ref(r->s), first, end, bad_v);
    if (kind == FSTW_ARR_STRINGS)
        CHECK(offs[0] == 0 && offs[m] == vb, "strings [%zu, %zu): offsets 0..%llu, %zu bytes", first, end, ull(offs[m]), vb);
    else
        CHECK(vb == m * fstw_signal_row_bytes(r->s), "values bytes %zu for %zu changes", vb, m);
    free(times);
    free(offs);
    free(vals);
}

static void check_window(const ref_signal *r, uint64_t t0, uint64_t t1)
{
    fstw_window w;
    CHECK(fstw_signal_window(r->s, t0, t1, &w) == FSTW_OK, "window (%llu, %llu]", ull(t0), ull(t1));
    int64_t a = ref_in_force(r, t0), b = ref_in_force(r, t1);
    size_t first = a >= 0 ? (size_t)a : 0, end = (size_t)(b + 1);
    CHECK(w.first == first && w.end == end && w.has_initial == (a >= 0),
          "signal %u window (%llu, %llu]: [%zu, %zu) initial %d, expected [%zu, %zu) initial %d",
          fstw_signal_ref(r->s), ull(t0), ull(t1), w.first, w.end, w.has_initial, first, end, a >= 0);
    if (w.first <= w.end && w.end <= r->n) check_copy(r, w.first, w.end);
}

static void check_summary(const ref_signal *r, uint64_t t0, uint64_t t1, uint32_t buckets)
{
    uint64_t *bounds = malloc((buckets + 1) * sizeof *bounds), *counts = malloc(buckets * sizeof *counts);
    uint64_t *counts_only = malloc(buckets * sizeof *counts_only);
    int64_t *first = malloc(buckets * sizeof *first), *last = malloc(buckets * sizeof *last);
    CHECK(fstw_signal_summary(r->s, t0, t1, buckets, bounds, first, counts, last) == FSTW_OK,
          "summary (%llu, %llu] in %u", ull(t0), ull(t1), buckets);
    CHECK(fstw_signal_summary(r->s, t0, t1, buckets, NULL, NULL, counts_only, NULL) == FSTW_OK &&
          memcmp(counts, counts_only, buckets * sizeof *counts) == 0, "summary with counts only");
    /* the walk: p = the number of changes with time <= the bound (bounds and
     * change times never decrease, so p only moves forward) */
    size_t p = 0, bad = 0;
    uint64_t prev_bound = t0;
    while (p < r->n && r->t[p] <= t0) p++;
    for (uint32_t k = 0; k < buckets && bad < 3; k++) {
        uint64_t a = t0 + (uint64_t)((unsigned __int128)(t1 - t0) * k / buckets);
        uint64_t b = t0 + (uint64_t)((unsigned __int128)(t1 - t0) * (k + 1) / buckets);
        size_t p0 = p, count = 0;
        while (p < r->n && r->t[p] <= b) {
            count += r->t[p] > a;
            p++;
        }
        int ok = bounds[k] == a && a >= prev_bound && first[k] == (int64_t)p0 - 1 &&
                 counts[k] == count && last[k] == (int64_t)p - 1 && (k + 1 == buckets || first[k + 1] == last[k]);
        if (!ok) {
            bad++;
            CHECK(0, "signal %u summary (%llu, %llu] in %u, slice %u: bound %llu first %lld count %llu last %lld, "
                  "expected %llu %lld %zu %lld", fstw_signal_ref(r->s), ull(t0), ull(t1), buckets, k, ull(bounds[k]),
                  (long long)first[k], ull(counts[k]), (long long)last[k], ull(a), (long long)p0 - 1, count,
                  (long long)p - 1);
        }
        prev_bound = a;
    }
    CHECK(bad == 0 && bounds[buckets] == t1, "signal %u summary (%llu, %llu] in %u slices", fstw_signal_ref(r->s),
          ull(t0), ull(t1), buckets);
    free(bounds); free(counts); free(counts_only); free(first); free(last);
}

static void check_gather(const ref_signal *r)
{
    int kind = fstw_signal_array_kind(r->s);
    int64_t idx[16];
    size_t m = 0;
    idx[m++] = -1;
    if (r->n) {
        int64_t last = (int64_t)r->n - 1, mid = (int64_t)(r->n / 2);
        int64_t more[] = { 0, last, mid, mid, -1, 0, (int64_t)(rnd() % r->n), last, (int64_t)(rnd() % r->n) };
        for (size_t j = 0; j < sizeof more / sizeof more[0]; j++) idx[m++] = more[j];
    }
    idx[m++] = -1;
    size_t gb = fstw_signal_gather_bytes(r->s, idx, m);
    uint8_t *vals = malloc(gb + 1);
    uint64_t offs[17];
    CHECK(fstw_signal_gather_values(r->s, idx, m, vals, offs) == FSTW_OK, "gather of %zu", m);
    size_t bad = 0;
    for (size_t k = 0; k < m; k++) bad += !same_element(r, kind, vals, offs, k, idx[k]);
    CHECK(bad == 0, "signal %u: %zu gathered values differ", fstw_signal_ref(r->s), bad);
    if (kind == FSTW_ARR_STRINGS) CHECK(offs[0] == 0 && offs[m] == gb, "gathered strings: %llu of %zu bytes", ull(offs[m]), gb);
    else CHECK(gb == m * fstw_signal_row_bytes(r->s), "gather bytes %zu for %zu", gb, m);
    free(vals);
}

static void check_errors(const ref_signal *r)
{
    const fstw_signal *s = r->s;
    size_t n = r->n;
    fstw_window w;
    uint64_t t[2], offs[4], bound[2], count[1];
    int64_t first[1];
    uint8_t v[64];
    int kind = fstw_signal_array_kind(s);
    CHECK(fstw_signal_window(s, 5, 4, &w) == FSTW_ERR_ARG, "window with t1 < t0");
    CHECK(fstw_signal_summary(s, 5, 4, 1, bound, first, count, NULL) == FSTW_ERR_ARG, "summary with t1 < t0");
    CHECK(fstw_signal_summary(s, 0, 10, 0, bound, first, count, NULL) == FSTW_ERR_ARG, "summary in 0 slices");
    CHECK(fstw_signal_copy_times(s, n, n + 1, t) == FSTW_ERR_ARG, "copy_times past the end");
    CHECK(n == 0 || fstw_signal_copy_times(s, 1, 0, t) == FSTW_ERR_ARG, "copy_times first > end");
    CHECK(fstw_signal_copy_values(s, n, n + 1, v, offs) == FSTW_ERR_ARG, "copy_values past the end");
    CHECK(n == 0 || fstw_signal_copy_values(s, 1, 0, v, offs) == FSTW_ERR_ARG, "copy_values first > end");
    CHECK(fstw_signal_values_bytes(s, 0, n + 1) == 0 && (n == 0 || fstw_signal_values_bytes(s, 1, 0) == 0),
          "values_bytes of a range outside the signal");
    CHECK(fstw_signal_copy_times(s, n, n, NULL) == FSTW_OK, "an empty copy_times needs no buffer");
    if (n && fstw_signal_values_bytes(s, 0, 1))
        CHECK(fstw_signal_copy_values(s, 0, 1, NULL, offs) == FSTW_ERR_ARG, "copy_values without a buffer");
    if (kind == FSTW_ARR_STRINGS)
        CHECK(fstw_signal_copy_values(s, 0, 0, v, NULL) == FSTW_ERR_ARG, "strings without offsets");
    int64_t bad_idx[2] = { 0, (int64_t)n };
    CHECK(fstw_signal_gather_values(s, bad_idx, 2, v, offs) == FSTW_ERR_ARG, "gather of index %zu", n);
    bad_idx[1] = -2;
    CHECK(fstw_signal_gather_values(s, bad_idx + 1, 1, v, offs) == FSTW_ERR_ARG, "gather of index -2");
    if (n && kind != FSTW_ARR_NONE)
        CHECK(fstw_signal_gather_values(s, bad_idx, 1, NULL, offs) == FSTW_ERR_ARG || fstw_signal_gather_bytes(s, bad_idx, 1) == 0,
              "gather without a buffer");
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* The windows and summaries of one signal.  tt: the file's time table. */
static void check_signal(const ref_signal *r, const uint64_t *tt, size_t n_tt, uint64_t start, uint64_t end)
{
    check_kind(r);
    uint64_t pts[16];
    size_t np = 0;
    pts[np++] = 0;
    pts[np++] = start;
    pts[np++] = end;
    pts[np++] = end + 1;       /* past the end */
    pts[np++] = end + 1000;
    pts[np++] = UINT64_MAX;
    uint64_t tm = 0, tnext = 0;
    if (r->n) {
        size_t mid = r->n / 2;
        tm = r->t[mid];
        tnext = mid + 1 < r->n ? r->t[mid + 1] : tm + 2;
        pts[np++] = r->t[0];              /* at the first change */
        if (r->t[0]) pts[np++] = r->t[0] - 1; /* before it */
        pts[np++] = tm;                   /* at a change */
        if (tm) pts[np++] = tm - 1;
        pts[np++] = tm + (tnext - tm) / 2; /* between changes (when they are apart) */
        pts[np++] = r->t[r->n - 1];
    }
    /* t0 == t1 at every point, from each point to the next two (in time
     * order), the whole file and all times */
    qsort(pts, np, sizeof *pts, cmp_u64);
    for (size_t i = 0; i < np; i++)
        for (size_t j = i; j < np && j <= i + 2; j++) check_window(r, pts[i], pts[j]);
    check_window(r, start, end);
    check_window(r, 0, UINT64_MAX);
    /* one time step at the middle change, and one before it */
    if (r->n) {
        uint32_t step = fstw_signal_time_index(r->s, r->n / 2);
        if (step + 1 < n_tt) check_window(r, tt[step], tt[step + 1]);
        if (step > 0) check_window(r, tt[step - 1], tt[step]);
    }
    uint64_t lo = start > 2 ? start - 2 : 0, span = end + 3 - lo;
    uint64_t rt0 = lo, rt1 = end;
    for (int k = 0; k < 6; k++) {
        uint64_t a = lo + rnd() % span, b = lo + rnd() % span;
        rt0 = a < b ? a : b;
        rt1 = a < b ? b : a;
        check_window(r, rt0, rt1);
    }
    /* summaries: 1 and 7 slices of every signal; 2000 slices (one per pixel
     * of a wide view) of every signal with many changes and of every 32nd
     * (each slice costs a binary search; files have up to 10^4 signals) */
    static const uint32_t counts[] = { 1, 7, 2000 };
    size_t n_counts = r->n >= 100 || fstw_signal_ref(r->s) % 32 == 0 ? 3 : 2;
    for (size_t c = 0; c < n_counts; c++) {
        check_summary(r, start, end, counts[c]);
        check_summary(r, rt0, rt1, counts[c]);
    }
    check_summary(r, 0, UINT64_MAX, 7);
    check_summary(r, UINT64_MAX - 3, UINT64_MAX, 5);
    if (r->n) {
        check_summary(r, tm ? tm - 1 : 0, tm + 3, 10); /* more slices than time units */
        check_summary(r, tm, tm, 3);
        check_summary(r, r->t[0], r->t[r->n - 1], n_counts == 3 ? 2000 : 7);
    }
    if (end - start < 2000 && n_counts == 3) check_summary(r, start, end, (uint32_t)(end - start + 5));
    check_gather(r);
    check_errors(r);
}

/* FNV-1a over the times of every change, read one by one. */
static uint64_t times_digest(const fstw_signal *s)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0, n = fstw_signal_len(s); i < n; i++) {
        h ^= fstw_signal_time(s, i);
        h *= 0x100000001b3ull;
    }
    return h;
}

/* Cursor values of all signals at once against one by one. */
static void check_cursor(const fstw_signal *const *sig, size_t n, const uint64_t *pts, size_t np)
{
    int64_t *out = malloc((n + 1) * sizeof *out);
    for (size_t p = 0; p < np; p++) {
        fstw_signals_at_time(sig, n, pts[p], out);
        size_t bad = 0;
        for (size_t i = 0; i < n; i++) bad += out[i] != fstw_signal_at_time(sig[i], pts[p]);
        CHECK(bad == 0, "cursor at %llu: %zu of %zu signals differ from fstw_signal_at_time", ull(pts[p]), bad, n);
    }
    free(out);
}

/* Loads every signal of path; NULL (a failed check) when it cannot. */
static fstw_signal **load_all(const char *path, fstw_file **fo, uint32_t *n_out)
{
    fstw_error err;
    fstw_file *f;
    if (fstw_open(path, NULL, &f, &err) != FSTW_OK) {
        CHECK(0, "open: %s", err.message);
        return NULL;
    }
    uint32_t n = fstw_signal_count(f);
    uint32_t *refs = malloc((n + 1) * sizeof *refs);
    fstw_signal **sig = calloc(n + 1, sizeof *sig);
    for (uint32_t i = 0; i < n; i++) refs[i] = i;
    int rc = fstw_load_signals(f, refs, n, sig, 1, &err);
    free(refs);
    if (rc != FSTW_OK) {
        CHECK(0, "load: %s", err.message);
        free(sig);
        fstw_close(f);
        return NULL;
    }
    *fo = f;
    *n_out = n;
    return sig;
}

static void free_all(fstw_signal **sig, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) fstw_signal_free(sig[i]);
    free(sig);
}

static size_t n_files, n_signals, n_changes;

static void check_file(const char *path)
{
    current_file = path;
    fstw_file *f;
    uint32_t n;
    fstw_signal **sig = load_all(path, &f, &n);
    if (!sig) return;
    size_t n_tt;
    const uint64_t *ftt = fstw_time_table(f, &n_tt);
    uint64_t *tt = malloc((n_tt + 1) * sizeof *tt);
    if (n_tt) memcpy(tt, ftt, n_tt * sizeof *tt);
    uint64_t start = fstw_file_header(f)->start_time, end = fstw_file_header(f)->end_time;
    uint64_t *digest = malloc((n + 1) * sizeof *digest);
    for (uint32_t i = 0; i < n; i++) digest[i] = times_digest(sig[i]);
    /* everything below reads the signals after their file is closed */
    fstw_close(f);
    size_t bad = 0;
    for (uint32_t i = 0; i < n; i++) {
        ref_signal r = { .s = sig[i], .n = fstw_signal_len(sig[i]) };
        r.t = malloc((r.n + 1) * sizeof *r.t);
        for (size_t k = 0; k < r.n; k++) r.t[k] = fstw_signal_time(sig[i], k);
        r.scratch_len = fstw_signal_scratch_size(sig[i]);
        r.scratch = malloc(r.scratch_len + 1);
        bad += times_digest(sig[i]) != digest[i];
        check_signal(&r, tt, n_tt, start, end);
        n_changes += r.n;
        free(r.t);
        free(r.scratch);
    }
    n_signals += n;
    n_files++;
    CHECK(bad == 0, "%zu signals read other times after fstw_close", bad);
    uint64_t pts[12] = { 0, start, end, end + 1, UINT64_MAX };
    size_t np = 5;
    if (n_tt) {
        pts[np++] = tt[n_tt / 2];
        pts[np++] = tt[n_tt / 2] + 1;
        pts[np++] = tt[0] ? tt[0] - 1 : 0;
    }
    while (np < 12) pts[np++] = start + rnd() % (end - start + 2);
    check_cursor((const fstw_signal *const *)sig, n, pts, np);
    free_all(sig, n);
    free(tt);
    free(digest);
}

/* Signals of two files interleaved: the time-table lookup made once per file
 * must not be taken for the other file's signals. */
static void check_cursor_two_files(const char *pa, const char *pb)
{
    current_file = "(two files)";
    fstw_file *fa, *fb;
    uint32_t na, nb;
    fstw_signal **a = load_all(pa, &fa, &na), **b = a ? load_all(pb, &fb, &nb) : NULL;
    if (!a || !b) {
        if (a) { fstw_close(fa); free_all(a, na); }
        return;
    }
    size_t n = 0;
    const fstw_signal **mix = malloc((na + nb + 1) * sizeof *mix);
    for (uint32_t i = 0; i < na || i < nb; i++) {
        if (i < na) mix[n++] = a[i];
        if (i < nb) mix[n++] = b[i];
    }
    /* every time of both time tables (up to 64 of each), and whether the
     * files' steps differ at one of them (else the check could not fail) */
    uint64_t pts[128];
    size_t np = 0, n_ta, n_tb, differ = 0;
    const uint64_t *ta = fstw_time_table(fa, &n_ta), *tb = fstw_time_table(fb, &n_tb);
    for (size_t i = 0; i < n_ta && i < 64; i++) pts[np++] = ta[i];
    for (size_t i = 0; i < n_tb && i < 64; i++) pts[np++] = tb[i];
    for (size_t p = 0; p < np; p++) differ += fstw_time_index_at(fa, pts[p]) != fstw_time_index_at(fb, pts[p]);
    CHECK(differ > 0, "the time tables of %s and %s differ at %zu of %zu times", pa, pb, differ, np);
    CHECK(n >= 2, "%zu signals of two files", n);
    check_cursor(mix, n, pts, np);
    free(mix);
    fstw_close(fa);
    fstw_close(fb);
    free_all(a, na);
    free_all(b, nb);
}

/* The widths file: var w (0-based) is a 2-state vector of w + 1 bits for w <
 * 72, then 4-state vectors of 1, 8, 64 and 65 bits; N_STEPS time steps with a
 * random value of every var at each.  values[w][k] holds the chars written. */
enum { N_WIDTHS = 72, N_LOGIC = 4, N_VARS = N_WIDTHS + N_LOGIC, N_STEPS = 50 };
static const uint32_t logic_widths[N_LOGIC] = { 1, 8, 64, 65 };

static uint32_t width_of(int w) { return w < N_WIDTHS ? (uint32_t)w + 1 : logic_widths[w - N_WIDTHS]; }

static int write_widths(const char *path, char (*values)[N_STEPS][80])
{
    fstWriterContext *ctx = fstWriterCreate(path, 1);
    if (!ctx) return -1;
    fstWriterSetTimescale(ctx, -9);
    fstWriterSetScope(ctx, FST_ST_VCD_MODULE, "top", NULL);
    fstHandle h[N_VARS];
    for (int w = 0; w < N_VARS; w++) {
        char name[32];
        snprintf(name, sizeof name, "v%d", w);
        h[w] = fstWriterCreateVar(ctx, w < N_WIDTHS ? FST_VT_SV_BIT : FST_VT_SV_LOGIC, FST_VD_IMPLICIT,
                                  width_of(w), name, 0);
    }
    fstWriterSetUpscope(ctx);
    for (int k = 0; k < N_STEPS; k++) {
        fstWriterEmitTimeChange(ctx, (uint64_t)k * 10 + 5);
        for (int w = 0; w < N_VARS; w++) {
            uint32_t bits = width_of(w);
            char *v = values[w][k];
            /* the first bit is 1 at every other step, so every byte of the
             * widest values is used; 4-state vars get x and z from step 20 */
            for (uint32_t b = 0; b < bits; b++) {
                uint64_t x = rnd();
                v[b] = w >= N_WIDTHS && k >= 20 && x % 5 == 0 ? "xz"[x / 5 % 2] : (char)('0' + (x >> 20) % 2);
            }
            if (k % 2) v[0] = '1';
            v[bits] = 0;
            fstWriterEmitValueChange(ctx, h[w], v);
        }
    }
    fstWriterClose(ctx);
    return 0;
}

/* The widths file: its arrays against the values written, then every check. */
static void check_widths(const char *tmpdir)
{
    static char values[N_VARS][N_STEPS][80];
    char path[4096];
    snprintf(path, sizeof path, "%s/test_view_widths.fst", tmpdir);
    current_file = path;
    CHECK(write_widths(path, values) == 0, "libfst could not write %s", path);
    fstw_file *f;
    uint32_t n;
    fstw_signal **sig = load_all(path, &f, &n);
    if (!sig) return;
    fstw_close(f);
    CHECK(n == N_VARS, "%u signals in the widths file", n);
    for (uint32_t w = 0; w < n && w < N_VARS; w++) {
        const fstw_signal *s = sig[w];
        uint32_t bits = width_of((int)w);
        int kind = fstw_signal_array_kind(s);
        int logic = 0; /* whether a value written has a state other than 0/1 */
        for (int k = 0; k < N_STEPS; k++) logic |= strspn(values[w][k], "01") != bits;
        int want = bits <= 64 && !logic ? FSTW_ARR_U64 : FSTW_ARR_ROWS;
        CHECK(kind == want, "v%u (%u bits): array kind %d, expected %d", w, bits, kind, want);
        /* the changes are the steps whose value differs from the one before */
        size_t n_ch = fstw_signal_len(s), rb = fstw_signal_row_bytes(s), m = 0;
        uint8_t *arr = malloc(n_ch * rb + 1);
        uint64_t *times = malloc(n_ch * 8 + 8);
        CHECK(fstw_signal_copy_values(s, 0, n_ch, arr, NULL) == FSTW_OK &&
              fstw_signal_copy_times(s, 0, n_ch, times) == FSTW_OK, "v%u: copy", w);
        size_t bad = 0;
        for (int k = 0; k < N_STEPS; k++) {
            if (k && strcmp(values[w][k], values[w][k - 1]) == 0) continue;
            if (m >= n_ch) { bad++; break; }
            if (kind == FSTW_ARR_U64) {
                uint64_t want_v = 0, got;
                for (uint32_t b = 0; b < bits; b++) want_v = want_v << 1 | (uint64_t)(values[w][k][b] - '0');
                memcpy(&got, arr + 8 * m, 8);
                bad += got != want_v;
            } else {
                bad += memcmp(arr + rb * m, values[w][k], bits) != 0;
            }
            bad += times[m] != (uint64_t)k * 10 + 5;
            m++;
        }
        CHECK(bad == 0 && m == n_ch, "v%u (%u bits): %zu of %zu changes differ from the values written", w, bits, bad, n_ch);
        free(arr);
        free(times);
    }
    free_all(sig, n);
    check_file(path);
    remove(path);
}

/* The late file: long signals (more than the summaries' sample stride of
 * changes) whose first change comes after the first slices of a window:
 * "late" toggles from step 300 on, "early" from step 0, "gap" from 0 to 200 and
 * again from 700, over 1,000 steps; then every check (the summaries' bounds
 * before, inside and after their changes). */
static void check_late(const char *tmpdir)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/test_view_late.fst", tmpdir);
    current_file = path;
    fstWriterContext *ctx = fstWriterCreate(path, 1);
    CHECK(ctx != NULL, "libfst could not write %s", path);
    if (!ctx) return;
    fstWriterSetTimescale(ctx, -9);
    fstWriterSetScope(ctx, FST_ST_VCD_MODULE, "top", NULL);
    fstHandle late = fstWriterCreateVar(ctx, FST_VT_VCD_WIRE, FST_VD_IMPLICIT, 1, "late", 0);
    fstHandle early = fstWriterCreateVar(ctx, FST_VT_VCD_WIRE, FST_VD_IMPLICIT, 8, "early", 0);
    fstHandle gap = fstWriterCreateVar(ctx, FST_VT_VCD_WIRE, FST_VD_IMPLICIT, 1, "gap", 0);
    fstWriterSetUpscope(ctx);
    for (int k = 0; k < 1000; k++) {
        fstWriterEmitTimeChange(ctx, (uint64_t)k * 7 + 3);
        char b8[9];
        for (int i = 0; i < 8; i++) b8[i] = (char)('0' + ((k >> (7 - i)) & 1));
        b8[8] = 0;
        fstWriterEmitValueChange(ctx, early, b8);
        if (k >= 300) fstWriterEmitValueChange(ctx, late, k % 2 ? "1" : "0");
        if (k < 200 || k >= 700) fstWriterEmitValueChange(ctx, gap, k % 2 ? "1" : "0");
    }
    fstWriterClose(ctx);
    check_file(path);
    remove(path);
}

int main(int argc, char **argv)
{
    if (argc < 4) return fputs("usage: test_view TMPDIR FILE.fst FILE.fst...\n", stderr), 2;
    check_widths(argv[1]);
    check_late(argv[1]);
    for (int i = 2; i < argc; i++) check_file(argv[i]);
    check_cursor_two_files(argv[argc - 2], argv[argc - 1]);
    current_file = "(all files)";
    CHECK(n_changes > 0, "%zu changes of %zu signals looked at", n_changes, n_signals);
    printf("test_view: %zu files, %zu signals, %zu changes\n", n_files, n_signals, n_changes);
    printf("test_view: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
