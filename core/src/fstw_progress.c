/* fstw_progress.c - the progress reports and cancel checks of a long call
 * (fstw_open, fstw_load_body_ex, fstw_load_signals_ex; the rules are on
 * fstw_progress in fstwave.h): done never decreases and stays within the
 * call's fixed total, the first report is (0, total), the last (total,
 * total) when the call succeeds, and nothing is reported after a cancel.
 * Only the calling thread reports; worker threads read the cancel flag. */
#include "fstw_internal.h"

int fstwi_progress_flag(const fstwi_progress *pr)
{
    return pr && pr->p && pr->p->cancel && __atomic_load_n(pr->p->cancel, __ATOMIC_ACQUIRE) != 0;
}

int fstwi_progress_fail(fstwi_progress *pr, fstw_error *err)
{
    pr->canceled = 1;
    return fstwi_fail(err, FSTW_ERR_CANCELED, "%s cancelled after %llu of %llu bytes", pr->what,
                      (unsigned long long)pr->done, (unsigned long long)pr->total);
}

/* Reports pr->done (when there is a function) and checks both ways to cancel. */
static int report(fstwi_progress *pr, fstw_error *err)
{
    if (!pr->p) return FSTW_OK;
    if (pr->canceled) return FSTW_ERR_CANCELED;
    if ((pr->p->fn && pr->p->fn(pr->p->user, pr->done, pr->total) != 0) || fstwi_progress_flag(pr))
        return fstwi_progress_fail(pr, err);
    return FSTW_OK;
}

int fstwi_progress_begin(fstwi_progress *pr, const fstw_progress *p, const char *what,
                        uint64_t total, fstw_error *err)
{
    pr->p = p;
    pr->what = what;
    pr->total = total;
    pr->done = 0;
    pr->canceled = 0;
    return report(pr, err);
}

int fstwi_progress_report(fstwi_progress *pr, uint64_t done, fstw_error *err)
{
    if (!pr->p) return FSTW_OK;
    if (done > pr->total) done = pr->total;
    if (done > pr->done) pr->done = done;
    if (pr->done == pr->total) {
        /* the report of total is the last one, made when the call is done
         * (with total 0: begin made it, the only one) */
        if (pr->canceled) return FSTW_ERR_CANCELED;
        return fstwi_progress_flag(pr) ? fstwi_progress_fail(pr, err) : FSTW_OK;
    }
    return report(pr, err);
}

int fstwi_progress_end(fstwi_progress *pr, fstw_error *err)
{
    if (!pr->p) return FSTW_OK;
    if (pr->total == 0) {
        /* a call with nothing to read reports (0, 0) once: begin made it */
        if (pr->canceled) return FSTW_ERR_CANCELED;
        return fstwi_progress_flag(pr) ? fstwi_progress_fail(pr, err) : FSTW_OK;
    }
    pr->done = pr->total;
    return report(pr, err);
}
