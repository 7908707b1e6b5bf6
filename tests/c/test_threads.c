/* test_threads.c - the fstwave core used from several threads at once.
 *
 * Run by `make test-threads` (normal build) and `make test-tsan` (built with
 * -fsanitize=thread).  For every FST file named on the command line:
 *
 *   1. reference: open, load every signal on one thread, and keep a digest
 *      of each signal (every change's time index, time and value), of the
 *      time table and of the hierarchy (full names, lookups);
 *   2. shared handle: open with load_body = 0 and start NTHREADS threads
 *      together (a barrier), each loading signals from the same fstw_file in
 *      a different order and grouping (so the first of them loads the body
 *      under the handle's lock while the others wait or race for it), some
 *      calling fstw_load_body explicitly, some multi_threaded = 1, while they
 *      also walk the hierarchy, query the time table and free their signals;
 *   3. one handle per thread: each thread opens, fully reads and closes the
 *      file itself (ROUNDS times).
 *
 * Every thread's digests must equal the reference.  Prints
 * "N passed, N failed" and exits non-zero on any failure. */
#include "fstwave.h"
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NTHREADS 6
#define ROUNDS 2
#define MAX_CALLS 24 /* loads per thread and file: each one reads every block */

static int passed, failed;
static pthread_mutex_t report_lock = PTHREAD_MUTEX_INITIALIZER;

/* mingw-w64 with __USE_MINGW_ANSI_STDIO (mk/mingw.mk) checks C99 formats as gnu_printf */
#ifdef __MINGW_PRINTF_FORMAT
#define CHECK_FORMAT __MINGW_PRINTF_FORMAT
#else
#define CHECK_FORMAT printf
#endif
static void check(int cond, const char *file, const char *fmt, ...) __attribute__((format(CHECK_FORMAT, 3, 4)));
static void check(int cond, const char *file, const char *fmt, ...)
{
    pthread_mutex_lock(&report_lock);
    if (cond) passed++;
    else {
        failed++;
        va_list ap;
        va_start(ap, fmt);
        fprintf(stderr, "FAIL [%s] ", file);
        vfprintf(stderr, fmt, ap);
        fputc('\n', stderr);
        va_end(ap);
    }
    pthread_mutex_unlock(&report_lock);
}

/* ------------------------------------------------------------ digests */

/* FNV-1a style, 8 bytes per step (speed matters: millions of changes) */
static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const uint8_t *b = p;
    for (; n >= 8; b += 8, n -= 8) {
        uint64_t w;
        memcpy(&w, b, 8);
        h = (h ^ w) * 0x100000001b3ULL;
        h ^= h >> 29;
    }
    for (size_t i = 0; i < n; i++) h = (h ^ b[i]) * 0x100000001b3ULL;
    return h;
}
#define FNV0 0xcbf29ce484222325ULL

/* Every change of s: time index, time, kind and value bytes; plus lookups. */
static uint64_t signal_digest(const fstw_signal *s)
{
    uint64_t h = FNV0;
    size_t n = fstw_signal_len(s);
    uint32_t ref = fstw_signal_ref(s), bits = fstw_signal_bitwidth(s);
    int enc = fstw_signal_encoding(s);
    h = fnv(h, &ref, sizeof ref);
    h = fnv(h, &bits, sizeof bits);
    h = fnv(h, &enc, sizeof enc);
    h = fnv(h, &n, sizeof n);
    size_t scratch_len = fstw_signal_scratch_size(s);
    uint8_t *scratch = malloc(scratch_len + 1);
    for (size_t k = 0; k < n; k++) {
        uint32_t ti = fstw_signal_time_index(s, k);
        uint64_t t = fstw_signal_time(s, k);
        fstw_value v;
        int rc = fstw_signal_value(s, k, &v, scratch, scratch_len);
        h = fnv(h, &ti, sizeof ti);
        h = fnv(h, &t, sizeof t);
        h = fnv(h, &rc, sizeof rc);
        if (rc) continue;
        h = fnv(h, &v.kind, sizeof v.kind);
        h = fnv(h, &v.bits, sizeof v.bits);
        h = fnv(h, &v.len, sizeof v.len);
        if (v.data && v.len) h = fnv(h, v.data, v.len);
        if (v.kind == FSTW_VAL_REAL) h = fnv(h, &v.real, sizeof v.real);
        int64_t at = fstw_signal_find(s, ti);
        fstw_query q;
        fstw_signal_query(s, t, &q);
        h = fnv(h, &at, sizeof at);
        h = fnv(h, &q, sizeof q);
    }
    free(scratch);
    return h;
}

static uint64_t time_table_digest(const fstw_file *f)
{
    size_t n;
    const uint64_t *tt = fstw_time_table(f, &n);
    uint64_t h = fnv(FNV0, &n, sizeof n);
    if (n) h = fnv(h, tt, n * sizeof *tt);
    if (n) {
        int64_t a = fstw_time_index_at(f, tt[n / 2]), b = fstw_time_index_at(f, tt[n - 1] + 1);
        h = fnv(h, &a, sizeof a);
        h = fnv(h, &b, sizeof b);
    }
    return h;
}

/* Hierarchy: every scope's and var's full name and info, every lookup. */
static uint64_t hierarchy_digest(const fstw_file *f)
{
    uint64_t h = FNV0;
    char buf[4096];
    uint32_t ns = fstw_scope_count(f), nv = fstw_var_count(f);
    for (uint32_t s = 0; s < ns; s++) {
        fstw_scope_info si;
        if (fstw_scope_get(f, s, &si)) return 0;
        size_t n = fstw_scope_full_name(f, s, buf, sizeof buf);
        h = fnv(h, buf, n < sizeof buf ? n : sizeof buf - 1);
        h = fnv(h, &si.parent, sizeof si.parent);
        h = fnv(h, &si.n_scopes, sizeof si.n_scopes);
        h = fnv(h, &si.n_vars, sizeof si.n_vars);
    }
    for (uint32_t v = 0; v < nv; v++) {
        fstw_var_info vi;
        if (fstw_var_get(f, v, &vi)) return 0;
        size_t n = fstw_var_full_name(f, v, buf, sizeof buf);
        h = fnv(h, buf, n < sizeof buf ? n : sizeof buf - 1);
        h = fnv(h, &vi.signal_ref, sizeof vi.signal_ref);
        h = fnv(h, &vi.bitwidth, sizeof vi.bitwidth);
        if (n < sizeof buf && v % (nv / 512 + 1) == 0) { /* lookups scan a scope: sample them */
            uint32_t hit = fstw_lookup_var(f, buf, n);
            h = fnv(h, &hit, sizeof hit);
        }
    }
    uint32_t ne = fstw_enum_count(f);
    for (uint32_t e = 0; e < ne; e++) {
        fstw_str name, val, lit;
        uint32_t np;
        if (fstw_enum_get(f, e, &name, &np)) return 0;
        h = fnv(h, name.ptr, name.len);
        for (uint32_t i = 0; i < np; i++)
            if (fstw_enum_pair(f, e, i, &val, &lit) == FSTW_OK) {
                h = fnv(h, val.ptr, val.len);
                h = fnv(h, lit.ptr, lit.len);
            }
    }
    return h;
}

/* ---------------------------------------------------------- the file */

typedef struct ref_data {
    const char *path;
    uint32_t nsig;          /* fstw_signal_count */
    uint32_t *refs;         /* 0 .. nsig-1 */
    uint64_t *sig_digest;   /* per signal ref */
    uint64_t tt_digest, hier_digest;
} ref_data;

/* Loads refs[0..n) in one call and compares each signal with the reference;
 * returns the number of mismatches (-1 when the load failed). */
static int load_and_compare(fstw_file *f, const ref_data *r, const uint32_t *refs, size_t n, int mt)
{
    fstw_signal **out = calloc(n + 1, sizeof *out);
    fstw_error err;
    int rc = fstw_load_signals(f, refs, n, out, mt, &err);
    if (rc) {
        check(0, r->path, "load of %zu signals: %s", n, err.message);
        free(out);
        return -1;
    }
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t d = signal_digest(out[i]);
        if (d != r->sig_digest[refs[i]]) bad++;
        fstw_signal_free(out[i]);
    }
    free(out);
    return bad;
}

static int build_reference(ref_data *r)
{
    fstw_file *f;
    fstw_error err;
    if (fstw_open(r->path, NULL, &f, &err)) {
        check(0, r->path, "reference open: %s", err.message);
        return -1;
    }
    r->nsig = fstw_signal_count(f);
    r->refs = malloc((r->nsig + 1) * sizeof *r->refs);
    r->sig_digest = calloc(r->nsig + 1, sizeof *r->sig_digest);
    for (uint32_t i = 0; i < r->nsig; i++) r->refs[i] = i;
    fstw_signal **out = calloc(r->nsig + 1, sizeof *out);
    int rc = fstw_load_signals(f, r->refs, r->nsig, out, 0, &err);
    if (rc) check(0, r->path, "reference load: %s", err.message);
    for (uint32_t i = 0; !rc && i < r->nsig; i++) {
        r->sig_digest[i] = signal_digest(out[i]);
        fstw_signal_free(out[i]);
    }
    free(out);
    r->tt_digest = time_table_digest(f);
    r->hier_digest = hierarchy_digest(f);
    fstw_close(f);
    return rc ? -1 : 0;
}

/* ------------------------------------------------- one shared handle */

typedef struct shared_arg {
    const ref_data *r;
    fstw_file *f;
    pthread_barrier_t *barrier;
    int id;
    int bad;
} shared_arg;

static void *shared_worker(void *p)
{
    shared_arg *a = p;
    const ref_data *r = a->r;
    uint32_t n = r->nsig;
    uint32_t *order = malloc((n + 1) * sizeof *order);
    pthread_barrier_wait(a->barrier);
    switch (a->id % 6) {
    case 0: /* everything in one call: may be the one that loads the body */
        a->bad += load_and_compare(a->f, r, r->refs, n, 0) != 0;
        break;
    case 1: /* explicit body load racing the implicit ones, then reversed order one by one */
    {
        fstw_error err;
        if (fstw_load_body(a->f, &err)) { check(0, r->path, "shared load_body: %s", err.message); a->bad++; }
        /* each call passes over every block: at most MAX_CALLS single loads, the rest in one */
        for (uint32_t i = 0; i < n && i < MAX_CALLS; i++) a->bad += load_and_compare(a->f, r, &r->refs[n - 1 - i], 1, 0) != 0;
        if (n > MAX_CALLS) a->bad += load_and_compare(a->f, r, r->refs, n - MAX_CALLS, 0) != 0;
        break;
    }
    case 2: /* multi_threaded loads in chunks of 7 (or more: at most MAX_CALLS calls) */
    {
        uint32_t chunk = n / MAX_CALLS + 1 > 7 ? n / MAX_CALLS + 1 : 7;
        for (uint32_t i = 0; i < n; i += chunk) a->bad += load_and_compare(a->f, r, &r->refs[i], n - i < chunk ? n - i : chunk, 1) != 0;
        break;
    }
    case 3: /* hierarchy walk first (read-only, before and while the body loads), then strided */
        if (hierarchy_digest(a->f) != r->hier_digest) { check(0, r->path, "hierarchy differs in thread %d", a->id); a->bad++; }
        for (uint32_t i = 0; i < n; i++) order[i] = (uint32_t)(((uint64_t)i * 7919u) % n);
        a->bad += n && load_and_compare(a->f, r, order, n, 0) != 0;
        break;
    case 4: /* repeated refs, interleaved with time-table queries */
        for (uint32_t i = 0; i < n; i++) order[i] = r->refs[i / 2 * 2 % n];
        a->bad += load_and_compare(a->f, r, order, n, 0) != 0;
        break;
    default: /* time table (loads the body), then halves */
    {
        fstw_error err;
        if (fstw_load_body(a->f, &err)) { a->bad++; break; }
        if (time_table_digest(a->f) != r->tt_digest) { check(0, r->path, "time table differs in thread %d", a->id); a->bad++; }
        a->bad += load_and_compare(a->f, r, r->refs + n / 2, n - n / 2, 1) != 0;
        a->bad += load_and_compare(a->f, r, r->refs, n / 2, 0) != 0;
        break;
    }
    }
    if (fstw_body_loaded(a->f) && time_table_digest(a->f) != r->tt_digest) a->bad++;
    free(order);
    return NULL;
}

static void run_shared(const ref_data *r, int multi_threaded_opt)
{
    fstw_file *f;
    fstw_error err;
    fstw_open_options o;
    fstw_open_options_init(&o);
    o.load_body = 0; /* the first load in a thread reads the body under the lock */
    o.multi_threaded = multi_threaded_opt;
    if (fstw_open(r->path, &o, &f, &err)) { check(0, r->path, "shared open: %s", err.message); return; }
    pthread_barrier_t barrier;
    pthread_barrier_init(&barrier, NULL, NTHREADS);
    pthread_t th[NTHREADS];
    shared_arg args[NTHREADS];
    for (int i = 0; i < NTHREADS; i++) {
        args[i] = (shared_arg){ r, f, &barrier, i, 0 };
        pthread_create(&th[i], NULL, shared_worker, &args[i]);
    }
    int bad = 0;
    for (int i = 0; i < NTHREADS; i++) {
        pthread_join(th[i], NULL);
        bad += args[i].bad;
    }
    pthread_barrier_destroy(&barrier);
    check(bad == 0, r->path, "shared handle: %d thread results differ from the single-threaded load", bad);
    check(fstw_body_loaded(f) && time_table_digest(f) == r->tt_digest && hierarchy_digest(f) == r->hier_digest,
          r->path, "shared handle: time table and hierarchy after the threads");
    fstw_close(f);
}

/* ------------------------------------------------ a handle per thread */

typedef struct own_arg {
    const ref_data *r;
    pthread_barrier_t *barrier;
    int id;
    int bad;
} own_arg;

static void *own_worker(void *p)
{
    own_arg *a = p;
    const ref_data *r = a->r;
    pthread_barrier_wait(a->barrier);
    for (int round = 0; round < ROUNDS; round++) {
        fstw_file *f;
        fstw_error err;
        fstw_open_options o;
        fstw_open_options_init(&o);
        o.load_body = (a->id + round) & 1;
        if (fstw_open(r->path, &o, &f, &err)) { check(0, r->path, "own open: %s", err.message); a->bad++; continue; }
        if (hierarchy_digest(f) != r->hier_digest) a->bad++;
        a->bad += load_and_compare(f, r, r->refs, r->nsig, a->id & 1) != 0;
        if (time_table_digest(f) != r->tt_digest) a->bad++;
        fstw_close(f);
    }
    return NULL;
}

static void run_own(const ref_data *r)
{
    pthread_barrier_t barrier;
    pthread_barrier_init(&barrier, NULL, NTHREADS);
    pthread_t th[NTHREADS];
    own_arg args[NTHREADS];
    for (int i = 0; i < NTHREADS; i++) {
        args[i] = (own_arg){ r, &barrier, i, 0 };
        pthread_create(&th[i], NULL, own_worker, &args[i]);
    }
    int bad = 0;
    for (int i = 0; i < NTHREADS; i++) {
        pthread_join(th[i], NULL);
        bad += args[i].bad;
    }
    pthread_barrier_destroy(&barrier);
    check(bad == 0, r->path, "a handle per thread: %d thread results differ from the single-threaded load", bad);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: test_threads FILE.fst...\n");
        return 2;
    }
    for (int i = 1; i < argc; i++) {
        ref_data r = { .path = argv[i] };
        if (build_reference(&r) == 0) {
            run_shared(&r, 1);
            run_shared(&r, 0);
            run_own(&r);
        }
        free(r.refs);
        free(r.sig_digest);
    }
    printf("test_threads: %d files, %d passed, %d failed\n", argc - 1, passed, failed);
    return failed ? 1 : 0;
}
