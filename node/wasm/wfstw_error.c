/*
 * wfstw_error.c - the last error of a glue call and its parts for the JS
 * side's Error objects (node/lib/backend/errors.js builds them as the
 * addon's nfstw_make_error does): the status's short code, description
 * and errno (fstw_status_*), the message, reason, OS text, syscall, offset;
 * and the errors of the OS calls JS makes for the core (opening the file):
 * made by the core (fstw_error_from_errno) from this libc's errno numbers.
 */
#include "wfstw.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

fstw_error wfstw_last_error;

int wfstw_fail(int code, const char *message)
{
    memset(&wfstw_last_error, 0, sizeof wfstw_last_error);
    wfstw_last_error.code = code;
    wfstw_last_error.offset = -1;
    snprintf(wfstw_last_error.message, sizeof wfstw_last_error.message, "%s", message);
    return code;
}

/* The last error's fields. */
WFSTW_API int wfstw_err_code(void) { return wfstw_last_error.code; }
WFSTW_API int wfstw_err_sys_errno(void) { return wfstw_last_error.sys_errno; }
WFSTW_API double wfstw_err_offset(void) { return (double)wfstw_last_error.offset; }
WFSTW_API const char *wfstw_err_message(void) { return wfstw_last_error.message; }
WFSTW_API const char *wfstw_err_strerror(void) { return wfstw_last_error.strerror; }
WFSTW_API const char *wfstw_err_reason(void) { return fstw_error_reason(&wfstw_last_error); }
WFSTW_API const char *wfstw_err_syscall(void) { return fstw_error_syscall(&wfstw_last_error); }

/* The status tables of fstwave.h, for any status code. */
WFSTW_API const char *wfstw_status_name(int code) { return fstw_status_name(code); }
WFSTW_API const char *wfstw_status_code(int code) { return fstw_status_code(code); }
WFSTW_API const char *wfstw_status_description(int code) { return fstw_status_description(code); }
WFSTW_API int wfstw_status_errno(int code) { return fstw_status_errno(code); }

/* This libc's errno for an error JS met (which: the index of its name in
 * node/lib/backend/errors.js's ERRNO_NAMES; EIO for any other). */
WFSTW_API int wfstw_errno_of(int which)
{
    static const int errnos[] = { ENOENT, EACCES, EISDIR, ENOMEM, ENOTDIR, EPERM, EMFILE, ENFILE,
                                  ELOOP, ENAMETOOLONG, EIO, EBADF, EINVAL };
    return which >= 0 && which < (int)(sizeof errnos / sizeof errnos[0]) ? errnos[which] : EIO;
}

/* The last error of a failed OS call JS made (sys_errno this libc's, what
 * "cannot open" ...), as the core makes it: the status. */
WFSTW_API int wfstw_os_error(int sys_errno, const char *what, const char *path)
{
    return fstw_error_from_errno(&wfstw_last_error, sys_errno, what, path);
}

/* Test-only: traps (WebAssembly's unreachable), for the backend's test of
 * what follows a trap (tests/node/wasm-crash.test.js). */
WFSTW_API void wfstw_test_trap(void) { __builtin_trap(); }
