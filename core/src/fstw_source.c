/* fstw_source.c - reading bytes of the file: pread on a descriptor (safe from
 * several threads at once) or a copy in memory (unpacked gzip wrapper). */
#include "fstw_internal.h"
#include <errno.h>
#include <string.h>
#include <unistd.h>

int fstwi_source_read(const fstwi_source *s, uint64_t off, void *buf, size_t len,
                     const char *what, fstw_error *err)
{
    if (off > s->size || len > s->size - off)
        return fstwi_fail_at(err, FSTW_ERR_FORMAT, off,
                         "truncated FST file: %s needs %zu bytes at offset %llu but the file has %llu",
                         what, len, (unsigned long long)off, (unsigned long long)s->size);
    if (s->fd < 0) {
        memcpy(buf, s->mem + off, len);
        return FSTW_OK;
    }
    uint8_t *p = buf;
    while (len) {
        ssize_t r = pread(s->fd, p, len, (off_t)off);
        if (r < 0) {
            if (errno == EINTR) continue;
            return fstwi_fail_errno(err, errno, "read failed", what);
        }
        if (r == 0)
            return fstwi_fail_at(err, FSTW_ERR_FORMAT, off,
                             "truncated FST file: end of file while reading %s at offset %llu",
                             what, (unsigned long long)off);
        p += r;
        off += (uint64_t)r;
        len -= (size_t)r;
    }
    return FSTW_OK;
}
