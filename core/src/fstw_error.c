/* fstw_error.c - filling fstw_error; the status table (FSTW_STATUS_MAP in
 * fstwave.h) as names, codes, descriptions and default errnos. */
#include "fstw_internal.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>

const char *fstw_status_name(int code)
{
    switch (code) {
#define XX(constant, value, errno_, code_, description) case constant: return #constant;
    FSTW_STATUS_MAP(XX)
#undef XX
    default: return "FSTW_ERR_UNKNOWN";
    }
}

const char *fstw_status_code(int code)
{
    switch (code) {
#define XX(constant, value, errno_, code_, description) case constant: return code_;
    FSTW_STATUS_MAP(XX)
#undef XX
    default: return "FST_ERROR";
    }
}

const char *fstw_status_description(int code)
{
    switch (code) {
#define XX(constant, value, errno_, code_, description) case constant: return description;
    FSTW_STATUS_MAP(XX)
#undef XX
    default: return "unknown error";
    }
}

int fstw_status_errno(int code)
{
    switch (code) {
#define XX(constant, value, errno_, code_, description) case constant: return errno_;
    FSTW_STATUS_MAP(XX)
#undef XX
    default: return 0;
    }
}

const char *fstw_error_reason(const fstw_error *err)
{
    if (err->code != FSTW_ERR_IO && err->sys_errno != 0 && err->strerror[0]) return err->strerror;
    return err->message[0] ? err->message : fstw_status_description(err->code);
}

const char *fstw_error_syscall(const fstw_error *err)
{
    switch (err->code) {
    case FSTW_ERR_IO: return "read";
    case FSTW_ERR_NOENT: case FSTW_ERR_ACCES: case FSTW_ERR_ISDIR: return "open";
    default: return NULL;
    }
}

void fstwi_error_clear(fstw_error *err)
{
    if (!err) return;
    err->code = 0;
    err->sys_errno = 0;
    err->message[0] = 0;
    err->offset = -1;
    err->strerror[0] = 0;
}

static int fail_v(fstw_error *err, int code, int64_t offset, const char *fmt, va_list ap)
{
    if (err) {
        err->code = code;
        err->sys_errno = 0;
        err->offset = offset;
        err->strerror[0] = 0;
        vsnprintf(err->message, sizeof err->message, fmt, ap);
    }
    return code;
}

/* Records code and a printf-style message in err (which may be NULL);
 * returns code so callers can `return fstwi_fail(...)`. */
int fstwi_fail(fstw_error *err, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fail_v(err, code, -1, fmt, ap);
    va_end(ap);
    return code;
}

int fstwi_fail_at(fstw_error *err, int code, uint64_t offset, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fail_v(err, code, offset > (uint64_t)INT64_MAX ? -1 : (int64_t)offset, fmt, ap);
    va_end(ap);
    return code;
}

const char *fstw_errno_text(int sys_errno)
{
    /* glibc's words, so that the message of an error does not depend on the C
     * library the core was built with (musl in WebAssembly says "I/O error",
     * Windows "Input/output error" or others) */
    switch (sys_errno) {
    case ENOENT: return "No such file or directory";
    case ENOTDIR: return "Not a directory";
    case EACCES: return "Permission denied";
    case EPERM: return "Operation not permitted";
    case EISDIR: return "Is a directory";
    case ENOMEM: return "Cannot allocate memory";
    case EIO: return "Input/output error";
    case EBADF: return "Bad file descriptor";
    case EINVAL: return "Invalid argument";
    case EMFILE: return "Too many open files";
    case ENFILE: return "Too many open files in system";
    case ENXIO: return "No such device or address";
    case ENODEV: return "No such device";
    case ENAMETOOLONG: return "File name too long";
    case EFBIG: return "File too large";
    case EAGAIN: return "Resource temporarily unavailable";
    case EINTR: return "Interrupted system call";
    case ESPIPE: return "Illegal seek";
#ifdef ELOOP
    case ELOOP: return "Too many levels of symbolic links";
#endif
#ifdef EOVERFLOW
    case EOVERFLOW: return "Value too large for defined data type";
#endif
    default: return NULL;
    }
}

/* The text for an errno into buf: the core's table, else the C library's
 * without strerror's shared buffer (a read may fail on several threads at
 * once). */
static void os_text(int sys_errno, char *buf, size_t cap)
{
    buf[0] = 0;
    const char *own = fstw_errno_text(sys_errno);
    if (own) {
        snprintf(buf, cap, "%s", own);
        return;
    }
#if defined(_WIN32)
    strerror_s(buf, cap, sys_errno);
#elif defined(__GLIBC__) && defined(_GNU_SOURCE)
    const char *text = strerror_r(sys_errno, buf, cap); /* GNU: may return its own string */
    if (text != buf) snprintf(buf, cap, "%s", text);
#else
    strerror_r(sys_errno, buf, cap); /* POSIX: fills buf ("Unknown error N" for others) */
#endif
    if (!buf[0]) snprintf(buf, cap, "error %d", sys_errno);
}

/* Maps an errno to a status code and a message "<what>: <strerror>: <path>". */
int fstwi_fail_errno(fstw_error *err, int sys_errno, const char *what, const char *path)
{
    int code;
    switch (sys_errno) {
    case ENOENT: case ENOTDIR: code = FSTW_ERR_NOENT; break;
    case EACCES: case EPERM: code = FSTW_ERR_ACCES; break;
    case EISDIR: code = FSTW_ERR_ISDIR; break;
    case ENOMEM: code = FSTW_ERR_NOMEM; break;
    default: code = FSTW_ERR_IO; break;
    }
    char text[sizeof err->strerror];
    os_text(sys_errno, text, sizeof text);
    fstwi_fail(err, code, "%s: %s: %s", what, text, path ? path : "");
    if (err) {
        err->sys_errno = sys_errno;
        memcpy(err->strerror, text, sizeof text);
    }
    return code;
}

int fstw_error_from_errno(fstw_error *err, int sys_errno, const char *what, const char *path)
{
    return fstwi_fail_errno(err, sys_errno, what ? what : "cannot open", path);
}
