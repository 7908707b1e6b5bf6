/* fstw_load.c - fstw_load_signals: one pass over the value-change blocks for
 * a batch of signals, on the calling thread or, when allowed and the work is
 * large enough, on several threads reading at offsets of the shared
 * file: with many signals each thread takes a share of the signals
 * over all blocks; with few, each decodes a contiguous run of blocks into its
 * own builders and the runs are joined in block order (fstwi_builder_append).
 * The result is the same either way.
 *
 * Progress (fstw_load_signals_ex): total = the bytes of every block when the
 * body is not loaded yet (fstwi_body_bytes; reported first, as fstw_body.c
 * reads them) + the bytes of the blocks the load decodes (each block's length
 * once, whatever the split).  Every part adds each block's length to a shared
 * counter when the block is done, and stops before its next chain once the
 * shared stop flag or the caller's cancel flag is set; only the calling
 * thread calls the progress function: after each block of its own part and
 * every 10 ms within a block (between chains), then every 10 ms until the
 * worker threads finish (it waits on a condition variable the workers
 * signal, not in join). */
#include "fstw_internal.h"
#include <stdlib.h>
#include <string.h>

#define MAX_THREADS 16

/* Estimated packed chain bytes below which one thread does the load.  The
 * environment variable FSTWAVE_PARALLEL_MIN_BYTES overrides it (tests set 0 to
 * force threads on small files). */
#define PARALLEL_MIN_BYTES (512u << 10)

static uint64_t parallel_min_bytes(void)
{
    const char *e = getenv("FSTWAVE_PARALLEL_MIN_BYTES");
    if (e && *e) {
        char *end;
        unsigned long long v = strtoull(e, &end, 10);
        if (*end == '\0') return v;
    }
    return PARALLEL_MIN_BYTES;
}

/* Loads that ran on more than one thread, by split (for the tests: they
 * check that forcing threads really splits the work). */
static unsigned long split_counts[2];

void fstwi_split_counts(unsigned long *by_signal, unsigned long *by_block)
{
    *by_signal = __atomic_load_n(&split_counts[0], __ATOMIC_RELAXED);
    *by_block = __atomic_load_n(&split_counts[1], __ATOMIC_RELAXED);
}


/* What the parts of one load share. */
typedef struct load_run {
    fstwi_progress *pr;       /* the call's progress: the calling thread reports it */
    uint64_t base;            /* done before the decode (the body's bytes) */
    unsigned scale;           /* parts that read each block (all, when split by signal) */
    uint64_t bytes;           /* block bytes decoded so far by all parts (atomic) */
    int stop;                 /* set once the call is cancelled: every part stops (atomic) */
    fstwi_mutex m;            /* m and c: the calling thread waits for the workers */
    fstwi_cond c;
    size_t running;           /* worker threads still running (under m) */
    uint64_t last_ms;         /* when the calling thread last reported */
} load_run;

typedef struct part {
    fstw_file *f;
    size_t first, end;        /* blocks [first, end) of the load's list */
    const size_t *blocks;     /* indices into f->blocks */
    int frame_block;          /* list position whose frame is read, or -1 */
    const uint32_t *refs;
    fstwi_builder *bs;
    size_t n;
    uint32_t max_bits;
    int rc;
    fstw_error err;
    fstwi_thread thread;
    load_run *run;
    int on_caller;            /* runs on the calling thread: reports progress */
} part;

/* The calling thread's report of the shared count; a cancel sets the stop flag. */
static int report_run(load_run *r, fstw_error *err)
{
    uint64_t bytes = __atomic_load_n(&r->bytes, __ATOMIC_RELAXED);
    int rc = fstwi_progress_report(r->pr, r->base + bytes / r->scale, err);
    if (rc) __atomic_store_n(&r->stop, 1, __ATOMIC_RELEASE);
    r->last_ms = fstwi_now_ms();
    return rc;
}

/* Before each chain of a block (the decoder's hook): stop once cancelled; on
 * the calling thread, report every 10 ms (done moves only between blocks). */
static int between_chains(void *arg)
{
    part *p = arg;
    load_run *r = p->run;
    if (__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE) || fstwi_progress_flag(r->pr)) return 1;
    return p->on_caller && r->pr->p->fn && fstwi_now_ms() - r->last_ms >= 10 && report_run(r, &p->err);
}

static void *run_part(void *arg)
{
    part *p = arg;
    fstwi_decoder d;
    p->rc = fstwi_decoder_init(&d, p->f, p->max_bits, &p->err);
    if (fstwi_progress_active(p->run->pr)) {
        d.between = between_chains;
        d.between_ctx = p;
    }
    uint64_t total = 0, done = 0, projected = 0;
    for (size_t i = p->first; i < p->end; i++) total += p->f->blocks[p->blocks[i]].length;
    load_run *r = p->run;
    for (size_t i = p->first; !p->rc && i < p->end; i++) {
        if (__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE) || fstwi_progress_flag(r->pr)) {
            p->rc = FSTW_ERR_CANCELED; /* the message is run_parts' */
            break;
        }
        uint64_t len = p->f->blocks[p->blocks[i]].length;
        p->rc = fstwi_decode_block(&d, &p->f->blocks[p->blocks[i]], (int)i == p->frame_block,
                                  p->refs, p->bs, p->n);
        if (p->rc) break;
        /* at each doubling of the bytes done, size the builders for the next
         * stretch from what the blocks so far gave */
        done += len;
        if (i + 1 < p->end && done >= 2 * projected) {
            for (size_t k = 0; k < p->n; k++) fstwi_builder_project(&p->bs[k], done, total);
            projected = done;
        }
        __atomic_add_fetch(&r->bytes, len, __ATOMIC_RELAXED);
        if (p->on_caller && report_run(r, &p->err)) p->rc = FSTW_ERR_CANCELED;
    }
    fstwi_decoder_free(&d);
    if (!p->on_caller) {
        fstwi_mutex_lock(&r->m);
        r->running--;
        fstwi_cond_broadcast(&r->c);
        fstwi_mutex_unlock(&r->m);
    }
    return NULL;
}

/* How many threads, from the estimated bytes to read (refs: n_refs, the
 * highest max_ref). */
static size_t plan_threads(const fstw_file *f, const size_t *blocks, size_t nb, size_t n_refs,
                           uint32_t max_ref)
{
    unsigned cpus = fstwi_cpu_count();
    if (cpus < 2 || nb < 2) return 1;
    uint32_t nsig = fstw_signal_count(f);
    uint64_t vc_bytes = 0, unindexed = 0;
    for (size_t i = 0; i < nb; i++) {
        const fstwi_vc_block *b = &f->blocks[blocks[i]];
        vc_bytes += b->length;
        /* the handles up to max_ref not indexed yet, as a share of the block */
        uint64_t from = __atomic_load_n(&b->chains_ready, __ATOMIC_ACQUIRE)
                            ? (uint64_t)__atomic_load_n(&b->ckpt_done, __ATOMIC_ACQUIRE) * FSTW_CKPT_EVERY : 0;
        if (nsig && from <= max_ref)
            unindexed += (uint64_t)((double)b->length * (double)(max_ref + 1 - from) / (double)nsig);
    }
    /* the refs' share of the chains, plus the part of the chain tables the
     * load indexes (about 1 % of a block) */
    uint64_t est = nsig ? (uint64_t)((double)vc_bytes * (double)n_refs / (double)nsig) : 0;
    est += unindexed / 100;
    if (est < parallel_min_bytes()) return 1;
    size_t t = (size_t)cpus;
    if (t > MAX_THREADS) t = MAX_THREADS;
    if (t > nb) t = nb;
    return t;
}

/* Runs the parts, parts[0] on the calling thread, which then reports
 * progress every 10 ms until the workers finish.  The first failure in part
 * order is returned; a cancel only when no part failed otherwise. */
static int run_parts(part *parts, size_t nparts, fstw_error *err)
{
    load_run *r = parts[0].run;
    size_t started = 1;
    for (size_t t = 0; t < nparts; t++) parts[t].on_caller = 1;
    for (size_t t = 1; t < nparts; t++) {
        parts[t].on_caller = 0;
        fstwi_mutex_lock(&r->m);
        r->running++;
        fstwi_mutex_unlock(&r->m);
        if (fstwi_thread_start(&parts[t].thread, run_part, &parts[t]) != 0) {
            parts[t].on_caller = 1;
            fstwi_mutex_lock(&r->m);
            r->running--;
            fstwi_mutex_unlock(&r->m);
            break;
        }
        started++;
    }
    run_part(&parts[0]);
    if (started > 1 && fstwi_progress_active(r->pr)) {
        fstwi_mutex_lock(&r->m);
        while (r->running > 0) {
            fstwi_cond_wait(&r->c, &r->m, 10);
            if (r->running == 0 || __atomic_load_n(&r->stop, __ATOMIC_ACQUIRE)) continue;
            fstwi_mutex_unlock(&r->m);
            report_run(r, err);
            fstwi_mutex_lock(&r->m);
        }
        fstwi_mutex_unlock(&r->m);
    }
    for (size_t t = 1; t < started; t++) fstwi_thread_join(&parts[t].thread);
    for (size_t t = started; t < nparts; t++) run_part(&parts[t]); /* no thread for it */
    int canceled = __atomic_load_n(&r->stop, __ATOMIC_ACQUIRE);
    for (size_t t = 0; t < nparts; t++) {
        if (parts[t].rc == FSTW_ERR_CANCELED) canceled = 1;
        else if (parts[t].rc) {
            if (err) *err = parts[t].err;
            return parts[t].rc;
        }
    }
    return canceled ? fstwi_progress_fail(r->pr, err) : FSTW_OK;
}

/* Many signals: each thread takes every nthreads-th signal over all blocks,
 * into the builders themselves (nothing to join, no copy). */
static int split_signals(part *parts, size_t nthreads, const uint32_t *refs, fstwi_builder *bs,
                         size_t n, fstw_error *err)
{
    int rc = FSTW_OK;
    uint32_t *prefs = malloc(n * sizeof *prefs);
    fstwi_builder *pbs = malloc(n * sizeof *pbs);
    if (!prefs || !pbs) { free(prefs); free(pbs); return fstwi_fail(err, FSTW_ERR_NOMEM, "out of memory"); }
    /* part t gets positions [off_t, off_t + cnt_t) of the gathered arrays */
    size_t pos = 0;
    for (size_t t = 0; t < nthreads; t++) {
        parts[t].refs = prefs + pos;
        parts[t].bs = pbs + pos;
        parts[t].n = 0;
        for (size_t k = t; k < n; k += nthreads) {
            prefs[pos] = refs[k];
            pbs[pos] = bs[k];   /* moved: the builder's buffers go with it */
            pos++;
            parts[t].n++;
        }
    }
    rc = run_parts(parts, nthreads, err);
    pos = 0;
    for (size_t t = 0; t < nthreads; t++)
        for (size_t k = t; k < n; k += nthreads) bs[k] = pbs[pos++];
    free(prefs);
    free(pbs);
    return rc;
}

/* Few signals: each thread decodes a contiguous run of blocks of about equal
 * bytes into its own builders; the runs are joined in block order. */
static int split_blocks(fstw_file *f, part *parts, size_t nthreads, const size_t *blocks, size_t nb,
                        fstwi_builder *bs, size_t n, fstw_error *err)
{
    uint64_t total = 0;
    for (size_t i = 0; i < nb; i++) total += f->blocks[blocks[i]].length;
    size_t start = 0;
    uint64_t acc = 0;
    for (size_t t = 0; t < nthreads; t++) {
        part *p = &parts[t];
        p->first = start;
        size_t end = start;
        if (t == nthreads - 1) {
            end = nb;
        } else {
            uint64_t goal = total / nthreads * (t + 1);
            /* leave at least one block for each later part */
            while (end < nb - (nthreads - t - 1) && (end == start || acc < goal)) {
                acc += f->blocks[blocks[end]].length;
                end++;
            }
        }
        p->end = end;
        start = end;
    }
    int rc = FSTW_OK;
    parts[0].bs = bs; /* the first run fills bs; the others their own builders */
    for (size_t t = 1; t < nthreads && !rc; t++) {
        parts[t].bs = calloc(n, sizeof *parts[t].bs);
        if (!parts[t].bs) { rc = fstwi_fail(err, FSTW_ERR_NOMEM, "out of memory"); break; }
        for (size_t k = 0; k < n && !rc; k++)
            if (fstwi_builder_init_like(&parts[t].bs[k], &bs[k])) rc = fstwi_fail(err, FSTW_ERR_NOMEM, "out of memory");
    }
    if (!rc) rc = run_parts(parts, nthreads, err);
    /* the joined size is known now: one exact allocation per buffer */
    for (size_t k = 0; k < n && !rc; k++) {
        size_t xt = 0, xd = 0, xs = 0;
        for (size_t t = 1; t < nthreads; t++) {
            xt += parts[t].bs[k].tidx.len;
            xd += parts[t].bs[k].data.len;
            xs += parts[t].bs[k].stroff.len;
        }
        if (fstwi_buf_reserve_exact(&bs[k].tidx, xt) || fstwi_buf_reserve_exact(&bs[k].data, xd) ||
            fstwi_buf_reserve_exact(&bs[k].stroff, xs))
            rc = fstwi_fail(err, FSTW_ERR_NOMEM, "out of memory");
    }
    for (size_t t = 1; t < nthreads; t++) {
        if (!parts[t].bs) continue;
        for (size_t k = 0; k < n; k++) {
            if (!rc && fstwi_builder_append(&bs[k], &parts[t].bs[k]))
                rc = fstwi_fail(err, FSTW_ERR_NOMEM, "out of memory");
            fstwi_builder_free(&parts[t].bs[k]);
        }
        free(parts[t].bs);
    }
    return rc;
}

/* Decodes every listed block into bs, on nthreads threads, reporting pr from
 * base on. */
static int decode_blocks(fstw_file *f, const size_t *blocks, size_t nb, int frame_block,
                         const uint32_t *refs, fstwi_builder *bs, size_t n, uint32_t max_bits,
                         size_t nthreads, fstwi_progress *pr, uint64_t base, fstw_error *err)
{
    part parts[MAX_THREADS];
    load_run run;
    memset(parts, 0, sizeof parts);
    memset(&run, 0, sizeof run);
    run.pr = pr;
    run.base = base;
    run.scale = 1;
    run.last_ms = fstwi_now_ms();
    for (size_t t = 0; t < nthreads; t++) {
        part *p = &parts[t];
        p->f = f; p->blocks = blocks; p->frame_block = frame_block;
        p->refs = refs; p->bs = bs; p->n = n; p->max_bits = max_bits;
        p->first = 0; p->end = nb;
        p->run = &run;
    }
    if (nthreads == 1) return run_parts(parts, 1, err);
    fstwi_mutex_init(&run.m);
    fstwi_cond_init(&run.c);
    int rc, by_block = n < 4 * nthreads;
    __atomic_add_fetch(&split_counts[by_block], 1, __ATOMIC_RELAXED);
    if (!by_block) {
        run.scale = (unsigned)nthreads; /* every part reads every block */
        rc = split_signals(parts, nthreads, refs, bs, n, err);
    } else {
        rc = split_blocks(f, parts, nthreads, blocks, nb, bs, n, err);
    }
    fstwi_cond_destroy(&run.c);
    fstwi_mutex_destroy(&run.m);
    return rc;
}

int fstw_load_signals(fstw_file *f, const uint32_t *refs, size_t n, fstw_signal **out,
                      int multi_threaded, fstw_error *err)
{
    return fstw_load_signals_ex(f, refs, n, out, multi_threaded, NULL, err);
}

/* fstw_load_signals_ex for signals of the file (no derived refs). */
static int load_file_signals(fstw_file *f, const uint32_t *refs, size_t n, fstw_signal **out,
                             int multi_threaded, const fstw_progress *progress, fstw_error *err)
{
    for (size_t i = 0; i < n; i++) out[i] = NULL;
    /* blocks after the header's end time are skipped (fst-reader) */
    size_t *blocks = malloc((f->n_blocks ? f->n_blocks : 1) * sizeof *blocks);
    if (!blocks) return fstwi_fail(err, FSTW_ERR_NOMEM, "out of memory");
    size_t nb = 0;
    uint64_t load_bytes = 0;
    for (size_t i = 0; i < f->n_blocks && n; i++)
        if (f->blocks[i].start_time <= f->header.end_time) {
            blocks[nb++] = i;
            load_bytes += f->blocks[i].length;
        }
    /* progress: the body's blocks first (when it is not loaded), then the load's */
    fstwi_progress pr;
    uint64_t body_bytes = fstw_body_loaded(f) ? 0 : fstwi_body_bytes(f);
    int rc = fstwi_progress_begin(&pr, progress, "load", body_bytes + load_bytes, err);
    if (!rc) rc = fstwi_body_load(f, &pr, 0, 0, err);
    if (!rc && n == 0) rc = fstwi_progress_end(&pr, err);
    if (rc || n == 0) { free(blocks); return rc; }
    for (size_t i = 0; i < n; i++)
        if ((rc = fstw_check_signal_ref(f, refs[i], err))) { free(blocks); return rc; }

    uint32_t *uniq = malloc(n * sizeof *uniq);
    fstwi_builder *bs = calloc(n, sizeof *bs);
    fstw_signal **made = NULL;
    size_t nu = 0;
    if (!uniq || !bs) { rc = fstwi_fail(err, FSTW_ERR_NOMEM, "out of memory"); goto done; }
    memcpy(uniq, refs, n * sizeof *uniq);
    qsort(uniq, n, sizeof *uniq, fstwi_cmp_u32);
    for (size_t i = 0; i < n; i++)
        if (nu == 0 || uniq[nu - 1] != uniq[i]) uniq[nu++] = uniq[i];

    uint32_t max_bits = 8;
    for (size_t k = 0; k < nu; k++) {
        if ((rc = fstwi_builder_init(&bs[k], f, uniq[k], err))) goto done;
        uint32_t g = uniq[k] < f->n_geom ? f->geom[uniq[k]] : UINT32_MAX;
        if (bs[k].bits > max_bits) max_bits = bs[k].bits;
        if (g != 0 && g != UINT32_MAX && g > max_bits) max_bits = g;
    }
    /* the frame of the first block is read when the time table has a slot for it */
    int frame_block = (nb && f->blocks[blocks[0]].tt_shift) ? 0 : -1;
    size_t nthreads = multi_threaded ? plan_threads(f, blocks, nb, nu, uniq[nu - 1]) : 1;
    if ((rc = decode_blocks(f, blocks, nb, frame_block, uniq, bs, nu, max_bits, nthreads, &pr,
                            body_bytes, err)))
        goto done;

    /* hand out one signal per request, in request order */
    made = calloc(nu, sizeof *made);
    if (!made) { rc = fstwi_fail(err, FSTW_ERR_NOMEM, "out of memory"); goto done; }
    for (size_t k = 0; k < nu && !rc; k++)
        if (!(made[k] = fstwi_builder_finish(&bs[k], f))) rc = fstwi_fail(err, FSTW_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < n && !rc; i++) {
        uint32_t *hit = bsearch(&refs[i], uniq, nu, sizeof *uniq, fstwi_cmp_u32);
        size_t k = (size_t)(hit - uniq);
        if (made[k]) { out[i] = made[k]; made[k] = NULL; }
        else {
            /* a repeated ref: copy the first one handed out */
            for (size_t j = 0; j < i; j++)
                if (refs[j] == refs[i]) { out[i] = fstwi_signal_clone(out[j]); break; }
            if (!out[i]) rc = fstwi_fail(err, FSTW_ERR_NOMEM, "out of memory");
        }
    }
    for (size_t k = 0; k < nu; k++) fstw_signal_free(made[k]);
    if (!rc) rc = fstwi_progress_end(&pr, err);
    if (rc)
        for (size_t i = 0; i < n; i++) { fstw_signal_free(out[i]); out[i] = NULL; }
done:
    free(made);
    if (bs) for (size_t k = 0; k < nu; k++) fstwi_builder_free(&bs[k]);
    free(bs);
    free(uniq);
    free(blocks);
    return rc;
}

/* Derived signals (FSTW_HIERARCHY_PYWELLEN_025) are made from their pieces'
 * signals, loaded in the same pass as the file signals asked for. */
int fstw_load_signals_ex(fstw_file *f, const uint32_t *refs, size_t n, fstw_signal **out,
                         int multi_threaded, const fstw_progress *progress, fstw_error *err)
{
    const fstwi_hier *h = &f->hier;
    size_t n_pieces = 0, n_derived = 0;
    for (size_t i = 0; i < n; i++) {
        const fstwi_derived *d = fstwi_derived_of(h, refs[i]);
        if (d) { n_derived++; n_pieces += d->n; }
    }
    if (!n_derived) return load_file_signals(f, refs, n, out, multi_threaded, progress, err);
    for (size_t i = 0; i < n; i++) out[i] = NULL;
    size_t ng = n - n_derived + n_pieces;
    uint32_t *g = malloc(ng * sizeof *g);
    fstw_signal **gs = calloc(ng, sizeof *gs);
    int rc = FSTW_OK;
    if (!g || !gs) { rc = fstwi_fail(err, FSTW_ERR_NOMEM, "out of memory"); goto done; }
    /* the file signals asked for first, then every derived signal's pieces */
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!fstwi_derived_of(h, refs[i])) g[k++] = refs[i];
    for (size_t i = 0; i < n; i++) {
        const fstwi_derived *d = fstwi_derived_of(h, refs[i]);
        if (d) for (uint32_t j = 0; j < d->n; j++) g[k++] = d->pieces[j].ref;
    }
    if ((rc = load_file_signals(f, g, ng, gs, multi_threaded, progress, err))) goto done;
    size_t kf = 0, kp = n - n_derived;
    for (size_t i = 0; i < n && !rc; i++) {
        const fstwi_derived *d = fstwi_derived_of(h, refs[i]);
        if (!d) { out[i] = gs[kf]; gs[kf++] = NULL; continue; }
        rc = fstwi_derive_load(f, refs[i], gs + kp, &out[i], err);
        kp += d->n;
    }
    if (rc)
        for (size_t i = 0; i < n; i++) { fstw_signal_free(out[i]); out[i] = NULL; }
done:
    if (gs) for (size_t i = 0; i < ng; i++) fstw_signal_free(gs[i]);
    free(gs);
    free(g);
    return rc;
}
