/* fstw_source.c - reading bytes of the file: at offsets of the open file
 * (safe from several threads at once; the OS calls are in fstw_file.c),
 * through the caller's fstw_reader callback (fstw_open_reader), or from a
 * copy in memory (an unpacked gzip wrapper). */
#include "fstw_internal.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>

int fstwi_source_open(fstwi_source *s, const char *path, int *kind, fstw_error *err)
{
    s->file = FSTWI_NO_FILE;
    memset(&s->reader, 0, sizeof s->reader);
    s->mem = NULL;
    s->size = 0;
    *kind = -1;
    fstwi_os_file file;
    int e = fstwi_file_open(path, &file);
    if (e) return fstwi_fail_errno(err, e, "cannot open", path);
    if ((e = fstwi_file_stat(file, &s->size, kind))) {
        fstwi_file_close(file);
        *kind = FSTWI_FILE_OTHER; /* opened, but of no known kind */
        return fstwi_fail_errno(err, e, "cannot stat", path);
    }
    s->file = file;
    return FSTW_OK;
}

void fstwi_source_use_reader(fstwi_source *s, const fstw_reader *r)
{
    s->file = FSTWI_NO_FILE;
    s->reader = *r;
    s->reader.name = NULL;
    s->mem = NULL;
    s->size = r->size;
}

void fstwi_source_use_memory(fstwi_source *s, uint8_t *mem, uint64_t size)
{
    if (s->file != FSTWI_NO_FILE) fstwi_file_close(s->file);
    free(s->mem);
    memset(&s->reader, 0, sizeof s->reader);
    s->file = FSTWI_NO_FILE;
    s->mem = mem;
    s->size = size;
}

void fstwi_source_close(fstwi_source *s)
{
    fstwi_source_use_memory(s, NULL, 0);
}

int fstwi_source_read(const fstwi_source *s, uint64_t off, void *buf, size_t len,
                     const char *what, fstw_error *err)
{
    if (off > s->size || len > s->size - off)
        return fstwi_fail_at(err, FSTW_ERR_FORMAT, off,
                         "truncated FST file: %s needs %zu bytes at offset %llu but the file has %llu",
                         what, len, (unsigned long long)off, (unsigned long long)s->size);
    if (len == 0) return FSTW_OK;
    if (s->reader.read_at) {
        int e = s->reader.read_at(s->reader.ctx, off, buf, len);
        if (e) return fstwi_fail_errno(err, e > 0 ? e : EIO, "read failed", what);
        return FSTW_OK;
    }
    if (s->file == FSTWI_NO_FILE) {
        memcpy(buf, s->mem + off, len);
        return FSTW_OK;
    }
    size_t done;
    int e = fstwi_file_read_at(s->file, off, buf, len, &done);
    if (e) return fstwi_fail_errno(err, e, "read failed", what);
    if (done < len)
        return fstwi_fail_at(err, FSTW_ERR_FORMAT, off + done,
                         "truncated FST file: end of file while reading %s at offset %llu",
                         what, (unsigned long long)(off + done));
    return FSTW_OK;
}
