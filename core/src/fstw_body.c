/* fstw_body.c - the body: each value-change block's own time table (a zlib
 * packed list of varint time deltas at the block's end, followed by u64
 * unpacked size, packed size and item count), concatenated in file order
 * as fst-reader 0.16 / pywellen do: block-boundary duplicates are kept and
 * the first block's start time is put in front when it is smaller than its
 * first entry.  One thread reads the body at a time, without holding f->lock
 * (progress functions run meanwhile); the others wait for it, reporting and
 * checking cancel every 10 ms, and read it themselves when it was cancelled
 * or failed.  Progress counts each block's length in the file. */
#include "fstw_internal.h"
#include <stdlib.h>
#include <string.h>

/* Block b's time-table trailer (u64 unpacked size, packed size, item count),
 * checked before anything is sized from it; an open block has none. */
typedef struct tt_trailer { uint64_t unpacked, packed, count; } tt_trailer;

static int trailer_of(const fstw_file *f, const fstwi_vc_block *b, tt_trailer *out, fstw_error *err)
{
    memset(out, 0, sizeof *out);
    if (b->incomplete) return FSTW_OK;
    uint8_t t[24];
    int rc = fstwi_source_read(&f->src, b->offset + b->length - 24, t, 24, "time table trailer", err);
    if (rc) return rc;
    uint64_t unpacked = fstwi_be64(t), packed = fstwi_be64(t + 8), count = fstwi_be64(t + 16);
    if (count > unpacked || count > UINT32_MAX || packed > b->length - 24 ||
        unpacked / 1100 > packed + 1024)
        return fstwi_fail_at(err, FSTW_ERR_FORMAT, b->offset - 1, "value-change block at offset %llu: implausible time table size %llu",
                         (unsigned long long)(b->offset - 1), (unsigned long long)count);
    out->unpacked = unpacked;
    out->packed = packed;
    out->count = count;
    return FSTW_OK;
}

/* Reads block b's trailer into b->tt_unpacked / tt_packed / tt_count. */
static int read_trailer(const fstw_file *f, fstwi_vc_block *b, fstw_error *err)
{
    tt_trailer tr;
    int rc = trailer_of(f, b, &tr, err);
    b->tt_count = tr.count;
    b->tt_packed = tr.packed;
    b->tt_unpacked = tr.unpacked;
    return rc;
}

/* Block b's time table (tr->count times) into out, from the packed deltas
 * in front of its trailer. */
static int read_time_table(const fstw_file *f, const fstwi_vc_block *b, const tt_trailer *tr,
                           uint64_t *out, fstw_error *err)
{
    uint64_t packed = tr->packed, unpacked = tr->unpacked;
    uint8_t *in = malloc(packed ? packed : 1), *raw = malloc(unpacked ? unpacked : 1);
    if (!in || !raw) { free(in); free(raw); return fstwi_fail(err, FSTW_ERR_NOMEM, "out of memory reading a time table"); }
    int rc = fstwi_source_read(&f->src, b->offset + b->length - 24 - packed, in, packed, "time table", err);
    if (!rc) {
        if (packed == unpacked) memcpy(raw, in, packed);
        else if (fstwi_inflate_zlib(in, packed, raw, unpacked))
            rc = fstwi_fail_at(err, FSTW_ERR_FORMAT, b->offset - 1, "value-change block at offset %llu: corrupt time table",
                           (unsigned long long)(b->offset - 1));
    }
    if (!rc) {
        fstwi_cursor c = { raw, raw + unpacked };
        uint64_t time = 0;
        for (uint64_t i = 0; i < tr->count; i++) {
            uint64_t d;
            if (fstwi_cur_varint(&c, &d)) {
                rc = fstwi_fail_at(err, FSTW_ERR_FORMAT, b->offset - 1, "value-change block at offset %llu: time table truncated at entry %llu",
                               (unsigned long long)(b->offset - 1), (unsigned long long)i);
                break;
            }
            time += d;
            out[i] = time;
        }
    }
    free(in);
    free(raw);
    return rc;
}

int fstwi_block_times(const fstw_file *f, const fstwi_vc_block *b, uint64_t **times, uint64_t *count,
                      uint64_t *packed, fstw_error *err)
{
    tt_trailer tr;
    *times = NULL;
    *count = *packed = 0;
    int rc = trailer_of(f, b, &tr, err);
    if (rc) return rc;
    uint64_t *t = malloc((tr.count ? tr.count : 1) * sizeof *t);
    if (!t) return fstwi_fail(err, FSTW_ERR_NOMEM, "out of memory for a time table of %llu entries", (unsigned long long)tr.count);
    if (tr.count && (rc = read_time_table(f, b, &tr, t, err))) { free(t); return rc; }
    *times = t;
    *count = tr.count;
    *packed = tr.packed;
    return FSTW_OK;
}

uint64_t fstwi_body_bytes(const fstw_file *f)
{
    uint64_t bytes = 0;
    for (size_t i = 0; i < f->n_blocks; i++) bytes += f->blocks[i].length;
    return bytes;
}

/* Reads the body into f's fields (published by the caller), reporting
 * base + the bytes of the blocks done after each block whose time table is
 * read.  On failure or cancel nothing is kept. */
static int body_read(fstw_file *f, fstwi_progress *pr, uint64_t base, fstw_error *err)
{
    uint64_t total = 0;
    int rc;
    for (size_t i = 0; i < f->n_blocks; i++) {
        if ((rc = read_trailer(f, &f->blocks[i], err))) return rc;
        total += f->blocks[i].tt_count;
    }
    total += 1; /* room for the start time in front */
    if (total > UINT32_MAX) return fstwi_fail(err, FSTW_ERR_FORMAT, "time table too large (%llu entries)", (unsigned long long)total);
    fstwi_times *times = fstwi_times_new((size_t)total);
    uint64_t *tt = times ? times->t : NULL;
    if (!tt) return fstwi_fail(err, FSTW_ERR_NOMEM, "out of memory for a time table of %llu entries", (unsigned long long)total);
    size_t n = 0;
    for (size_t i = 0; i < f->n_blocks; i++) {
        fstwi_vc_block *b = &f->blocks[i];
        b->tt_shift = 0;
        base += b->length;
        tt_trailer tr = { b->tt_unpacked, b->tt_packed, b->tt_count };
        if (b->tt_count && ((rc = read_time_table(f, b, &tr, tt + n + (n == 0), err)) ||
                            (rc = fstwi_progress_report(pr, base, err)))) {
            fstwi_times_release(times);
            return rc;
        }
        if (n == 0) {
            /* first block with entries (or an open block): put the start time in
             * front when smaller than its first entry, so the frame has a slot */
            if (b->tt_count == 0 || tt[1] > b->start_time) {
                tt[0] = b->start_time;
                b->tt_shift = 1;
            } else {
                memmove(tt, tt + 1, b->tt_count * sizeof *tt);
            }
        }
        b->tt_base = n + b->tt_shift;
        n += b->tt_count + b->tt_shift;
    }
    /* per block: sorted?  how many entries up to the end time?  (the decoder
     * then drops changes after the end time without reading the table) */
    for (size_t i = 0; i < f->n_blocks; i++) {
        fstwi_vc_block *b = &f->blocks[i];
        const uint64_t *bt = tt + b->tt_base;
        b->tt_sorted = 1;
        b->tt_limit = b->tt_count;
        for (uint64_t k = 0; k < b->tt_count; k++) {
            if (k && bt[k] < bt[k - 1]) b->tt_sorted = 0;
            if (bt[k] > f->header.end_time && b->tt_limit == b->tt_count) b->tt_limit = k;
        }
    }
    size_t nd = 0;
    int sorted = 1; /* the whole table, for the summaries' resumed searches (fstw_view.c) */
    for (size_t i = 1; i < n; i++) {
        nd += tt[i] == tt[i - 1];
        sorted &= tt[i] >= tt[i - 1];
    }
    uint32_t (*dups)[2] = malloc((nd ? nd : 1) * sizeof *dups);
    if (!dups) { fstwi_times_release(times); return fstwi_fail(err, FSTW_ERR_NOMEM, "out of memory"); }
    nd = 0;
    for (size_t i = 1, first = 0; i < n; i++) {
        if (tt[i] != tt[i - 1]) { first = i; continue; }
        dups[nd][0] = (uint32_t)i;
        dups[nd][1] = (uint32_t)first;
        nd++;
    }
    times->n = n;
    times->sorted = sorted;
    f->times = times;
    f->time_table = tt;
    f->n_time = n;
    f->dups = dups;
    f->n_dups = nd;
    return FSTW_OK;
}

fstwi_times *fstwi_times_new(size_t n)
{
    if (n > (SIZE_MAX - sizeof(fstwi_times)) / sizeof(uint64_t)) return NULL;
    fstwi_times *tt = malloc(sizeof *tt + n * sizeof(uint64_t));
    if (!tt) return NULL;
    tt->holders = 1;
    tt->n = n;
    tt->sorted = 0;
    tt->steps = NULL;
    fstwi_mutex_init(&tt->lock);
    return tt;
}

fstwi_times *fstwi_times_hold(fstwi_times *tt)
{
    if (tt) __atomic_add_fetch(&tt->holders, 1, __ATOMIC_RELAXED);
    return tt;
}

void fstwi_times_release(fstwi_times *tt)
{
    if (tt && __atomic_sub_fetch(&tt->holders, 1, __ATOMIC_ACQ_REL) == 0) {
        free(tt->steps);
        fstwi_mutex_destroy(&tt->lock);
        free(tt);
    }
}

/* The body's fields back to "not loaded" after a failed or cancelled read. */
static void body_drop(fstw_file *f)
{
    fstwi_times_release(f->times);
    free(f->dups);
    f->times = NULL;
    f->time_table = NULL;
    f->n_time = 0;
    f->dups = NULL;
    f->n_dups = 0;
}

int fstwi_body_load(fstw_file *f, fstwi_progress *pr, uint64_t base, int ends_call, fstw_error *err)
{
    int active = fstwi_progress_active(pr), rc;
    fstwi_mutex_lock(&f->lock);
    while (f->body_loading && !f->body_loaded) {
        /* another thread reads it: wait (reporting every 10 ms when asked) */
        fstwi_cond_wait(&f->body_cond, &f->lock, active ? 10 : 0);
        if (active && f->body_loading && !f->body_loaded) {
            fstwi_mutex_unlock(&f->lock);
            if ((rc = fstwi_progress_report(pr, base, err))) return rc;
            fstwi_mutex_lock(&f->lock);
        }
    }
    if (f->body_loaded) {
        fstwi_mutex_unlock(&f->lock);
        return ends_call ? fstwi_progress_end(pr, err) : FSTW_OK;
    }
    f->body_loading = 1;
    fstwi_mutex_unlock(&f->lock);

    rc = body_read(f, pr, base, err);
    if (!rc && ends_call) rc = fstwi_progress_end(pr, err);
    if (rc) body_drop(f);
    fstwi_mutex_lock(&f->lock);
    if (!rc) __atomic_store_n(&f->body_loaded, 1, __ATOMIC_RELEASE);
    f->body_loading = 0;
    fstwi_cond_broadcast(&f->body_cond);
    fstwi_mutex_unlock(&f->lock);
    return rc;
}

int fstw_load_body_ex(fstw_file *f, const fstw_progress *progress, fstw_error *err)
{
    fstwi_progress pr;
    int rc = fstwi_progress_begin(&pr, progress, "body load", fstw_body_loaded(f) ? 0 : fstwi_body_bytes(f), err);
    return rc ? rc : fstwi_body_load(f, &pr, 0, 1, err);
}

int fstw_load_body(fstw_file *f, fstw_error *err) { return fstw_load_body_ex(f, NULL, err); }

int fstw_body_loaded(const fstw_file *f) { return __atomic_load_n(&f->body_loaded, __ATOMIC_ACQUIRE); }

const uint64_t *fstw_time_table(const fstw_file *f, size_t *n)
{
    if (!fstw_body_loaded(f)) { *n = 0; return NULL; }
    *n = f->n_time;
    return f->time_table;
}

int64_t fstw_time_index_at(const fstw_file *f, uint64_t t)
{
    if (!fstw_body_loaded(f)) return -1;
    return fstwi_last_le(f->time_table, f->n_time, t);
}
