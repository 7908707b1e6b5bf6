/*
 * wfstw_progress.c - progress and cancel of a long glue call (open, body
 * load, signal load): the core's fstw_progress whose fn reports to JS
 * (Module.fstwProgress, node/lib/backend/progress.js), which returns
 * nonzero to cancel (an aborted AbortSignal, or onProgress threw).  The
 * module is single-threaded: fn runs on the one thread there is.
 */
#include "wfstw.h"

EM_JS(int, wfstw_js_progress, (double done, double total), {
    return Module.fstwProgress(done, total);
});

static int progress_fn(void *user, uint64_t done, uint64_t total)
{
    (void)user;
    return wfstw_js_progress((double)done, (double)total);
}

const fstw_progress wfstw_progress = { progress_fn, NULL, NULL };
