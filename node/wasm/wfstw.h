/*
 * wfstw.h - the WebAssembly glue of the Node package (node/wasm/wfstw_*.c): C
 * functions exported from build/wasm/fstwave-core.wasm that the wasm
 * backend (the modules of node/lib/backend) calls, over the core's public header only.
 * They translate types and nothing else: numbers in, numbers out, results
 * as a few doubles in an out array the JS side reads (WFSTW_OUT slots),
 * strings as (pointer, length) pairs into the wasm heap.  Every rule stays
 * in the core.
 *
 * Errors: a function that fails returns its fstw status (nonzero) or NULL
 * and leaves the error in the last-error record (wfstw_error.c), which the
 * JS side reads right after (the module is single-threaded).
 */
#ifndef WFSTW_H
#define WFSTW_H

#include <emscripten.h>
#include <stdint.h>
#include "fstwave.h"

#define WFSTW_API EMSCRIPTEN_KEEPALIVE

/* The last error of a call (wfstw_error.c). */
extern fstw_error wfstw_last_error;
/* Sets the last error to (code, message) and returns code. */
int wfstw_fail(int code, const char *message);
/* Progress to JS, for the calls asked to report (wfstw_progress.c). */
extern const fstw_progress wfstw_progress;

#endif
