/* fstw_error.c - filling fstw_error and naming status codes. */
#include "fstw_internal.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>

const char *fstw_status_name(int code)
{
    switch (code) {
    case FSTW_OK: return "FSTW_OK";
    case FSTW_ERR_NOENT: return "FSTW_ERR_NOENT";
    case FSTW_ERR_ACCES: return "FSTW_ERR_ACCES";
    case FSTW_ERR_ISDIR: return "FSTW_ERR_ISDIR";
    case FSTW_ERR_IO: return "FSTW_ERR_IO";
    case FSTW_ERR_FORMAT: return "FSTW_ERR_FORMAT";
    case FSTW_ERR_NOMEM: return "FSTW_ERR_NOMEM";
    case FSTW_ERR_ARG: return "FSTW_ERR_ARG";
    default: return "FSTW_ERR_UNKNOWN";
    }
}

/* Records code and a printf-style message in err (which may be NULL);
 * returns code so callers can `return fstw_fail(...)`. */
int fstw_fail(fstw_error *err, int code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        err->code = code;
        err->sys_errno = 0;
        va_start(ap, fmt);
        vsnprintf(err->message, sizeof err->message, fmt, ap);
        va_end(ap);
    }
    return code;
}

/* Maps an errno to a status code and a message "<what>: <strerror>: <path>". */
int fstw_fail_errno(fstw_error *err, int sys_errno, const char *what, const char *path)
{
    int code;
    switch (sys_errno) {
    case ENOENT: case ENOTDIR: code = FSTW_ERR_NOENT; break;
    case EACCES: case EPERM: code = FSTW_ERR_ACCES; break;
    case EISDIR: code = FSTW_ERR_ISDIR; break;
    case ENOMEM: code = FSTW_ERR_NOMEM; break;
    default: code = FSTW_ERR_IO; break;
    }
    fstw_fail(err, code, "%s: %s: %s", what, strerror(sys_errno), path ? path : "");
    if (err) err->sys_errno = sys_errno;
    return code;
}
