/* test_progress.c - progress and cancel of the long calls (fstw_progress in
 * fstwave.h), run by `make test-c`.
 *
 * For every FST file named on the command line (the corpus, the fixtures and
 * the example), each long call is made on a fresh handle:
 *   open without the body, open with the body, fstw_load_body_ex, and
 *   fstw_load_signals_ex of every signal, single- and multi-threaded (threads
 *   forced with FSTWAVE_PARALLEL_MIN_BYTES=0), on a handle whose body is not
 *   loaded yet (the load reads it and reports it) and on one whose body is.
 * Every run records its progress reports and checks them: all on the calling
 * thread, total fixed, done never decreasing and within total, the first
 * report (0, total), the last (total, total) on success, (0, 0) once for a
 * call with nothing to read (total 0); the totals agree (an open with the body reports
 * what a body load does; a load that reads the body reports the body's bytes
 * plus what the same load reports on a loaded handle).  The results equal a
 * reference made without progress on a fresh handle (times and values of
 * every signal, the time table).
 *
 * Then every call is cancelled: by its progress function at the first report,
 * at a middle one (the first with done >= total / 2) and at the last (done ==
 * total), and by the cancel flag, set from another thread while the call
 * runs, and set before it.  A cancelled call returns FSTW_ERR_CANCELED with
 * "cancelled" in its message, reports nothing after the cancelling report,
 * returns no handle and no signal, leaves a cancelled body load's body
 * unloaded, and the same call made again on that handle (body, load) gives
 * the reference.  Last, a body load that waits for another thread's body read
 * reports (on its own thread) while it waits, and reads the body itself when
 * the other one is cancelled.
 *
 * Prints "test_progress: N files, N passed, N failed" and exits non-zero on
 * any failure. */
#include "fstwave.h"
#include "same_signal.h"
#include "check.h"
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* internal (fstw_load.c): loads run on several threads, by split */
void fstwi_split_counts(unsigned long *by_signal, unsigned long *by_block);
/* internal (fstw_thread.c): the processors the loads may use */
unsigned fstwi_cpu_count(void);

static void sleep_ms(unsigned ms)
{
    struct timespec ts = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

/* ------------------------------------------------------ the recorder */

enum { CANCEL_NONE, CANCEL_FIRST, CANCEL_MIDDLE, CANCEL_LAST };

/* What the progress function saw, and when it cancels. */
typedef struct recorder {
    pthread_t caller;       /* the thread that made the call */
    uint64_t *done, *total; /* the reports */
    size_t n, cap;
    int off_thread;         /* reports made on another thread than caller */
    int cancel_mode;        /* CANCEL_*: fn returns nonzero at that report */
    int flag_mode;          /* CANCEL_*: at that report another thread sets *flag */
    int *flag;
    int hook_at;            /* call hook at this report (1-based), 0 never */
    int (*hook)(struct recorder *);
} recorder;

static void *set_flag(void *arg)
{
    __atomic_store_n((int *)arg, 1, __ATOMIC_RELEASE);
    return NULL;
}

/* Whether report (done, total), the n-th, is the one mode picks. */
static int picked(int mode, size_t n, uint64_t done, uint64_t total)
{
    switch (mode) {
    case CANCEL_FIRST: return n == 1;
    case CANCEL_MIDDLE: return done * 2 >= total && (done > 0 || total == 0);
    case CANCEL_LAST: return done == total;
    default: return 0;
    }
}

static int record(void *user, uint64_t done, uint64_t total)
{
    recorder *r = user;
    if (!pthread_equal(pthread_self(), r->caller)) r->off_thread++;
    if (r->n == r->cap) {
        r->cap = r->cap ? 2 * r->cap : 64;
        r->done = realloc(r->done, r->cap * sizeof *r->done);
        r->total = realloc(r->total, r->cap * sizeof *r->total);
    }
    r->done[r->n] = done;
    r->total[r->n] = total;
    r->n++;
    if (r->flag && picked(r->flag_mode, r->n, done, total) && !__atomic_load_n(r->flag, __ATOMIC_ACQUIRE)) {
        pthread_t th; /* set by another thread; the call sees it at this same check point */
        pthread_create(&th, NULL, set_flag, r->flag);
        pthread_join(th, NULL);
    }
    if (r->hook && (int)r->n == r->hook_at) return r->hook(r);
    return picked(r->cancel_mode, r->n, done, total);
}

static void recorder_start(recorder *r, int cancel_mode, int flag_mode, int *flag)
{
    free(r->done);
    free(r->total);
    memset(r, 0, sizeof *r);
    r->caller = pthread_self();
    r->cancel_mode = cancel_mode;
    r->flag_mode = flag_mode;
    r->flag = flag;
}

/* The reports of one call: on the calling thread, first (0, total), total
 * fixed, done monotone and within total, and on success last (total, total). */
static void check_reports(const recorder *r, int rc, const char *what)
{
    CHECK(r->n >= 1, "%s: at least one report", what);
    if (r->n == 0) return;
    CHECK(r->off_thread == 0, "%s: %d reports on another thread", what, r->off_thread);
    CHECK(r->done[0] == 0, "%s: first report done = %llu, not 0", what, (unsigned long long)r->done[0]);
    int fixed = 1, monotone = 1, within = 1;
    for (size_t i = 0; i < r->n; i++) {
        fixed &= r->total[i] == r->total[0];
        within &= r->done[i] <= r->total[i];
        if (i) monotone &= r->done[i] >= r->done[i - 1];
    }
    CHECK(fixed, "%s: total changes within the call", what);
    CHECK(monotone, "%s: done decreases", what);
    CHECK(within, "%s: done above total", what);
    if (r->total[0] == 0) CHECK(r->n == 1, "%s: nothing to read, %zu reports instead of one", what, r->n);
    if (rc == FSTW_OK)
        CHECK(r->done[r->n - 1] == r->total[0], "%s: last report %llu of %llu on success", what,
              (unsigned long long)r->done[r->n - 1], (unsigned long long)r->total[0]);
}

/* ------------------------------------------------------ the reference */

typedef struct reference {
    const char *path;
    uint32_t nsig;
    uint32_t *refs;       /* 0 .. nsig-1 */
    fstw_signal **sigs;   /* loaded on one thread, without progress, on a fresh handle */
    uint64_t *tt;         /* the time table */
    size_t ntt;
} reference;

static int build_reference(reference *R)
{
    fstw_file *f;
    fstw_error err;
    if (fstw_open(R->path, NULL, &f, &err)) { CHECK(0, "reference open: %s", err.message); return -1; }
    R->nsig = fstw_signal_count(f);
    R->refs = malloc((R->nsig + 1) * sizeof *R->refs);
    R->sigs = calloc(R->nsig + 1, sizeof *R->sigs);
    for (uint32_t i = 0; i < R->nsig; i++) R->refs[i] = i;
    int rc = fstw_load_signals(f, R->refs, R->nsig, R->sigs, 0, &err);
    if (rc) CHECK(0, "reference load: %s", err.message);
    const uint64_t *tt = fstw_time_table(f, &R->ntt);
    R->tt = malloc((R->ntt + 1) * sizeof *R->tt);
    if (R->ntt) memcpy(R->tt, tt, R->ntt * sizeof *tt);
    fstw_close(f);
    return rc ? -1 : 0;
}

static void free_reference(reference *R)
{
    for (uint32_t i = 0; R->sigs && i < R->nsig; i++) fstw_signal_free(R->sigs[i]);
    free(R->sigs);
    free(R->refs);
    free(R->tt);
}

static int same_time_table(fstw_file *f, const reference *R)
{
    size_t n;
    const uint64_t *tt = fstw_time_table(f, &n);
    return fstw_body_loaded(f) && n == R->ntt && (n == 0 || memcmp(tt, R->tt, n * sizeof *tt) == 0);
}

/* out[0..nsig) against the reference: every change's time index, time and value. */
static int same_as_reference(fstw_signal **out, const reference *R)
{
    for (uint32_t i = 0; i < R->nsig; i++) {
        if (!out[i] || !same_signal(out[i], R->sigs[i])) return 0;
        for (size_t k = 0, n = fstw_signal_len(out[i]); k < n; k++)
            if (fstw_signal_time(out[i], k) != fstw_signal_time(R->sigs[i], k)) return 0;
    }
    return 1;
}

/* ------------------------------------------------------ the calls */

enum { OPEN_NOBODY, OPEN_BODY, BODY, LOAD_FRESH_ST, LOAD_FRESH_MT, LOAD_ST, LOAD_MT, N_KINDS };
static const char *const kind_name[N_KINDS] = {
    "open without body", "open with body", "body load", "load (1 thread, body not loaded)",
    "load (threads, body not loaded)", "load (1 thread)", "load (threads)",
};

/* Makes call `kind` with progress p on a fresh handle and checks its result:
 * on success what it made equals the reference; on failure nothing is
 * returned (no handle, no signal), a cancelled body load leaves the body
 * unloaded, and the same call made again without progress on the handle gives
 * the reference.  Returns the call's status; the message goes to msg. */
static int run_call(const reference *R, int kind, const fstw_progress *p, char *msg, size_t msg_len)
{
    fstw_open_options o;
    fstw_open_options_init(&o);
    o.load_body = kind == OPEN_BODY || kind == LOAD_ST || kind == LOAD_MT;
    fstw_file *f = (fstw_file *)&o; /* not NULL: the open must set it */
    fstw_error err;
    int rc;
    msg[0] = 0;
    if (kind == OPEN_NOBODY || kind == OPEN_BODY) {
        o.progress = p;
        rc = fstw_open(R->path, &o, &f, &err);
        if (rc) {
            snprintf(msg, msg_len, "%s", err.message);
            CHECK(f == NULL, "%s: a failed open returns no handle", kind_name[kind]);
            return rc;
        }
        CHECK(fstw_body_loaded(f) == o.load_body, "%s: body loaded %d", kind_name[kind], fstw_body_loaded(f));
        if (o.load_body) CHECK(same_time_table(f, R), "%s: time table equals the reference", kind_name[kind]);
        fstw_close(f);
        return rc;
    }
    if (fstw_open(R->path, &o, &f, &err)) { CHECK(0, "open: %s", err.message); return -1; }
    if (kind == BODY) {
        rc = fstw_load_body_ex(f, p, &err);
        if (rc) snprintf(msg, msg_len, "%s", err.message);
        CHECK(fstw_body_loaded(f) == (rc == FSTW_OK), "%s: body loaded %d after status %d", kind_name[kind],
              fstw_body_loaded(f), rc);
        if (rc == FSTW_ERR_CANCELED) {
            size_t n;
            CHECK(fstw_time_table(f, &n) == NULL && n == 0, "%s: no time table after a cancel", kind_name[kind]);
            CHECK(fstw_load_body(f, &err) == FSTW_OK, "body load after a cancel: %s", err.message);
        }
        CHECK(rc != FSTW_OK && rc != FSTW_ERR_CANCELED ? 1 : same_time_table(f, R),
              "%s: time table equals the reference", kind_name[kind]);
        fstw_close(f);
        return rc;
    }
    int mt = kind == LOAD_FRESH_MT || kind == LOAD_MT;
    if (mt) set_parallel_min_bytes("0");
    fstw_signal **out = calloc(R->nsig + 1, sizeof *out);
    for (uint32_t i = 0; i < R->nsig; i++) out[i] = (fstw_signal *)out; /* the load must clear them */
    rc = fstw_load_signals_ex(f, R->refs, R->nsig, out, mt, p, &err);
    if (rc) {
        snprintf(msg, msg_len, "%s", err.message);
        int none = 1;
        for (uint32_t i = 0; i < R->nsig; i++) none &= out[i] == NULL;
        CHECK(none, "%s: a failed load returns no signal", kind_name[kind]);
        if (rc == FSTW_ERR_CANCELED) {
            /* the same load again, on the handle the cancel left */
            int again = fstw_load_signals(f, R->refs, R->nsig, out, mt, &err);
            CHECK(again == FSTW_OK && same_as_reference(out, R), "%s after a cancel equals a load on a fresh handle (%s)",
                  kind_name[kind], again ? err.message : "signals differ");
        }
    } else {
        CHECK(same_as_reference(out, R), "%s: signals equal the reference", kind_name[kind]);
    }
    if (rc == FSTW_OK || rc == FSTW_ERR_CANCELED) {
        CHECK(same_time_table(f, R), "%s: time table equals the reference", kind_name[kind]);
        for (uint32_t i = 0; i < R->nsig; i++) fstw_signal_free(out[i]);
    }
    free(out);
    if (mt) set_parallel_min_bytes(NULL);
    fstw_close(f);
    return rc;
}

/* ------------------------------------------------------ the checks */

/* Each call once without cancel: its reports, and the totals against each other. */
static void check_clean_calls(const reference *R, uint64_t totals[N_KINDS], size_t counts[N_KINDS])
{
    recorder r = { 0 };
    char msg[512], what[160];
    for (int kind = 0; kind < N_KINDS; kind++) {
        recorder_start(&r, CANCEL_NONE, CANCEL_NONE, NULL);
        fstw_progress p = { record, &r, NULL };
        int rc = run_call(R, kind, &p, msg, sizeof msg);
        CHECK(rc == FSTW_OK, "%s: status %d (%s)", kind_name[kind], rc, msg);
        snprintf(what, sizeof what, "%s", kind_name[kind]);
        check_reports(&r, rc, what);
        totals[kind] = r.n ? r.total[0] : 0;
        counts[kind] = r.n;
    }
    CHECK(counts[OPEN_NOBODY] == 1 && totals[OPEN_NOBODY] == 0, "open without body: (0, 0) once, not %zu reports of %llu",
          counts[OPEN_NOBODY], (unsigned long long)totals[OPEN_NOBODY]);
    CHECK(totals[OPEN_BODY] == totals[BODY], "open with body reports %llu bytes, the body load %llu",
          (unsigned long long)totals[OPEN_BODY], (unsigned long long)totals[BODY]);
    CHECK(totals[LOAD_FRESH_ST] == totals[BODY] + totals[LOAD_ST] && totals[LOAD_FRESH_MT] == totals[LOAD_FRESH_ST] &&
          totals[LOAD_MT] == totals[LOAD_ST],
          "load totals: %llu / %llu with the body (1 thread / threads) = body %llu + load %llu / %llu",
          (unsigned long long)totals[LOAD_FRESH_ST], (unsigned long long)totals[LOAD_FRESH_MT],
          (unsigned long long)totals[BODY], (unsigned long long)totals[LOAD_ST], (unsigned long long)totals[LOAD_MT]);
    CHECK(totals[BODY] > 0 || R->ntt <= 1, "a file with %zu time steps reports no body bytes", R->ntt);

    /* nothing to read: the body again, a load of no signal */
    fstw_file *f;
    fstw_error err;
    if (fstw_open(R->path, NULL, &f, &err)) { CHECK(0, "open: %s", err.message); free(r.done); free(r.total); return; }
    recorder_start(&r, CANCEL_NONE, CANCEL_NONE, NULL);
    fstw_progress p = { record, &r, NULL };
    int rc = fstw_load_body_ex(f, &p, &err);
    CHECK(rc == FSTW_OK && r.n == 1 && r.done[0] == 0 && r.total[0] == 0, "loaded body: (0, 0) once, not %zu reports", r.n);
    recorder_start(&r, CANCEL_NONE, CANCEL_NONE, NULL);
    rc = fstw_load_signals_ex(f, R->refs, 0, NULL, 1, &p, &err);
    CHECK(rc == FSTW_OK && r.n == 1 && r.done[0] == 0 && r.total[0] == 0, "load of no signal: (0, 0) once, not %zu reports", r.n);
    fstw_close(f);
    free(r.done);
    free(r.total);
}

/* Each call cancelled at the first, a middle and the last report, by its
 * function and by the flag set from another thread; and by a flag set before
 * the call, without a function. */
static void check_cancels(const reference *R)
{
    static const int modes[] = { CANCEL_FIRST, CANCEL_MIDDLE, CANCEL_LAST };
    static const char *const mode_name[] = { "", "first", "middle", "last" };
    recorder r = { 0 };
    char msg[512], what[200];
    for (int kind = 0; kind < N_KINDS; kind++) {
        for (int by_flag = 0; by_flag < 2; by_flag++) {
            for (size_t m = 0; m < sizeof modes / sizeof modes[0]; m++) {
                int flag = 0;
                recorder_start(&r, by_flag ? CANCEL_NONE : modes[m], by_flag ? modes[m] : CANCEL_NONE, &flag);
                fstw_progress p = { record, &r, &flag };
                int rc = run_call(R, kind, &p, msg, sizeof msg);
                snprintf(what, sizeof what, "%s cancelled at the %s report by %s", kind_name[kind], mode_name[modes[m]],
                         by_flag ? "the flag" : "its function");
                CHECK(rc == FSTW_ERR_CANCELED, "%s: status %d (%s)", what, rc, msg);
                CHECK(strstr(msg, "cancelled") != NULL, "%s: message \"%s\"", what, msg);
                check_reports(&r, rc, what);
                /* nothing reported after the cancelling report */
                size_t at = 0;
                for (size_t i = 0; i < r.n && !at; i++)
                    if (picked(modes[m], i + 1, r.done[i], r.total[i])) at = i + 1;
                CHECK(at == r.n, "%s: %zu reports, the cancelling one is number %zu", what, r.n, at);
            }
        }
        /* the flag set before the call, no function */
        int flag = 1;
        fstw_progress p = { NULL, NULL, &flag };
        int rc = run_call(R, kind, &p, msg, sizeof msg);
        CHECK(rc == FSTW_ERR_CANCELED, "%s with the cancel flag set before: status %d (%s)", kind_name[kind], rc, msg);
    }
    free(r.done);
    free(r.total);
}

/* ---- a body load that waits for another thread's read */

typedef struct waiter {
    fstw_file *f;
    recorder r;
    int rc;
    int reports;      /* reports so far (atomic: the first thread polls it) */
    int reports_at_cancel; /* when the first thread cancelled its read */
    pthread_t thread;
} waiter;

static int count_report(void *user, uint64_t done, uint64_t total)
{
    waiter *w = user;
    int rc = record(&w->r, done, total);
    __atomic_add_fetch(&w->reports, 1, __ATOMIC_RELEASE);
    return rc;
}

static void *waiter_main(void *arg)
{
    waiter *w = arg;
    recorder_start(&w->r, CANCEL_NONE, CANCEL_NONE, NULL);
    fstw_progress p = { count_report, w, NULL };
    fstw_error err;
    w->rc = fstw_load_body_ex(w->f, &p, &err);
    return NULL;
}

static waiter *the_waiter;

/* The first thread's hook, at its first block: start the waiter, let it report
 * twice (its first report, then one while it waits: the body is being read),
 * then cancel. */
static int start_waiter_then_cancel(recorder *r)
{
    (void)r;
    pthread_create(&the_waiter->thread, NULL, waiter_main, the_waiter);
    for (int i = 0; i < 5000 && __atomic_load_n(&the_waiter->reports, __ATOMIC_ACQUIRE) < 2; i++) sleep_ms(1);
    the_waiter->reports_at_cancel = __atomic_load_n(&the_waiter->reports, __ATOMIC_ACQUIRE);
    return 1;
}

static void check_waiting_body_load(const reference *R, size_t body_reports)
{
    if (body_reports < 3) return; /* no report between the first and the last */
    fstw_open_options o;
    fstw_open_options_init(&o);
    o.load_body = 0;
    waiter w;
    memset(&w, 0, sizeof w);
    fstw_error err;
    if (fstw_open(R->path, &o, &w.f, &err)) { CHECK(0, "open: %s", err.message); return; }
    the_waiter = &w;
    recorder r = { 0 };
    recorder_start(&r, CANCEL_NONE, CANCEL_NONE, NULL);
    r.hook_at = 2;
    r.hook = start_waiter_then_cancel;
    fstw_progress p = { record, &r, NULL };
    int rc = fstw_load_body_ex(w.f, &p, &err);
    CHECK(rc == FSTW_ERR_CANCELED, "body load cancelled while another thread waits: status %d", rc);
    pthread_join(w.thread, NULL);
    CHECK(w.reports_at_cancel >= 2, "the waiting body load reported %d times before the read it waited for ended",
          w.reports_at_cancel);
    CHECK(w.rc == FSTW_OK, "the waiting body load read the body itself: status %d", w.rc);
    check_reports(&w.r, w.rc, "waiting body load");
    CHECK(same_time_table(w.f, R), "the waiting body load's time table equals the reference");
    fstw_close(w.f);
    free(r.done);
    free(r.total);
    free(w.r.done);
    free(w.r.total);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: test_progress FILE.fst...\n");
        return 2;
    }
    int multi_block = 0;
    for (int i = 1; i < argc; i++) {
        reference R = { .path = argv[i] };
        current = argv[i];
        if (build_reference(&R) == 0) {
            uint64_t totals[N_KINDS];
            size_t counts[N_KINDS];
            check_clean_calls(&R, totals, counts);
            check_cancels(&R);
            check_waiting_body_load(&R, counts[BODY]);
            multi_block += counts[BODY] >= 4;
        }
        free_reference(&R);
    }
    current = "(all files)";
    /* the multi-block fixtures and the example gave middle reports */
    CHECK(multi_block >= 3, "%d files whose body load reports at least two blocks", multi_block);
    unsigned long by_signal, by_block;
    fstwi_split_counts(&by_signal, &by_block);
    if (fstwi_cpu_count() > 1)
        CHECK(by_signal > 0 && by_block > 0, "loads on threads: %lu split by signal, %lu by block", by_signal, by_block);
    printf("test_progress: %d files, %d passed, %d failed\n", argc - 1, passed, failed);
    return failed ? 1 : 0;
}
