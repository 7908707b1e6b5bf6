/* fstw_decompress.c - the FST pack types: zlib (hierarchy gzip, frames, time
 * tables, 'Z' chains), LZ4 ('4' chains, LZ4 hierarchy) and FastLZ ('F'
 * chains).  Each call checks that exactly the announced size comes out.
 *
 * zlib streams whose unpacked size FST gives (chains, frames, time tables)
 * and the hierarchy's gzip member (its size is in the block's header) go
 * through libdeflate (vendor/libdeflate), which inflates a whole buffer of
 * known size about twice as fast as zlib; zlib takes over for any stream
 * libdeflate refuses, since zlib, as used here, is more lenient (it stops
 * once the announced bytes are out, so a stream cut short of its end or its
 * Adler-32 still reads): what read before still reads, with the same bytes. */
#include "fstw_internal.h"
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include "lz4.h"
#include "fastlz.h"
#include "libdeflate.h"

/* libdeflate picks its code for the processor at its first call, writing
 * its globals without a lock (the same values from every thread: harmless,
 * but a data race): that first call is made once, under a process-wide lock,
 * on an empty zlib stream. */
static int ld_ready;
static fstwi_mutex ld_lock = FSTWI_MUTEX_INITIALIZER;

static void ld_first_call(struct libdeflate_decompressor *d)
{
    static const uint8_t empty[] = { 0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01 };
    /* an empty gzip member: its CRC-32 (of no bytes) picks the CRC-32 code */
    static const uint8_t empty_gz[] = { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
    uint8_t out[1];
    fstwi_mutex_lock(&ld_lock);
    if (!ld_ready) {
        (void)libdeflate_zlib_decompress(d, empty, sizeof empty, out, 0, NULL);
        (void)libdeflate_gzip_decompress(d, empty_gz, sizeof empty_gz, out, 0, NULL);
        __atomic_store_n(&ld_ready, 1, __ATOMIC_RELEASE);
    }
    fstwi_mutex_unlock(&ld_lock);
}

/* libdeflate's inflate of a zlib stream into exactly out_len bytes; 0 or -1. */
static int deflate_exact(struct libdeflate_decompressor *d, const uint8_t *in, size_t in_len,
                         uint8_t *out, size_t out_len)
{
    if (!d) return -1;
    if (!__atomic_load_n(&ld_ready, __ATOMIC_ACQUIRE)) ld_first_call(d);
    return libdeflate_zlib_decompress(d, in, in_len, out, out_len, NULL) == LIBDEFLATE_SUCCESS ? 0 : -1;
}

/* libdeflate's inflate of a gzip member (header, deflate data, CRC-32 and
 * length checked) into exactly out_len bytes; 0 or -1. */
static int gunzip_exact(struct libdeflate_decompressor *d, const uint8_t *in, size_t in_len,
                        uint8_t *out, size_t out_len)
{
    if (!d) return -1;
    if (!__atomic_load_n(&ld_ready, __ATOMIC_ACQUIRE)) ld_first_call(d);
    return libdeflate_gzip_decompress(d, in, in_len, out, out_len, NULL) == LIBDEFLATE_SUCCESS ? 0 : -1;
}

/* Runs an initialised inflate stream over exactly in_len bytes into exactly
 * out_len bytes. */
static int inflate_run(z_stream *zsp, const uint8_t *in, size_t in_len, uint8_t *out, size_t out_len)
{
    int rc = -1;
    size_t in_done = 0, out_done = 0;
    for (;;) {
        size_t in_chunk = in_len - in_done, out_chunk = out_len - out_done;
        if (in_chunk > UINT_MAX) in_chunk = UINT_MAX;
        if (out_chunk > UINT_MAX) out_chunk = UINT_MAX;
        zsp->next_in = (Bytef *)(in + in_done);
        zsp->avail_in = (uInt)in_chunk;
        zsp->next_out = out + out_done;
        zsp->avail_out = (uInt)out_chunk;
        int r = inflate(zsp, Z_NO_FLUSH);
        in_done += in_chunk - zsp->avail_in;
        out_done += out_chunk - zsp->avail_out;
        if (r == Z_STREAM_END) { rc = out_done == out_len ? 0 : -1; break; }
        if (r != Z_OK && r != Z_BUF_ERROR) break;
        if (out_done == out_len) { rc = 0; break; }   /* all wanted bytes produced */
        if (r == Z_BUF_ERROR && in_done == in_len) break; /* input ran out */
    }
    return rc;
}

static int inflate_exact(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_len,
                         int window_bits)
{
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    if (inflateInit2(&zs, window_bits) != Z_OK) return -1;
    int rc = inflate_run(&zs, in, in_len, out, out_len);
    inflateEnd(&zs);
    return rc;
}

/* One zlib inflate state kept for many small streams: inflateReset costs far
 * less than inflateInit + inflateEnd (about 2 us) on FST's ~400-byte chains. */
int fstwi_inflater_zlib(fstwi_inflater *z, const uint8_t *in, size_t in_len, uint8_t *out, size_t out_len)
{
    if (!z->ld) z->ld = libdeflate_alloc_decompressor();
    if (deflate_exact(z->ld, in, in_len, out, out_len) == 0) return 0;
    z_stream *zs = z->state;
    if (!zs) {
        zs = calloc(1, sizeof *zs);
        if (!zs) return -1;
        if (inflateInit2(zs, 15) != Z_OK) { free(zs); return -1; }
        z->state = zs;
    } else if (inflateReset(zs) != Z_OK) {
        return -1;
    }
    return inflate_run(zs, in, in_len, out, out_len);
}

void fstwi_inflater_end(fstwi_inflater *z)
{
    libdeflate_free_decompressor(z->ld);
    z->ld = NULL;
    if (z->state) {
        inflateEnd(z->state);
        free(z->state);
        z->state = NULL;
    }
}

int fstwi_unpack_chain(fstwi_inflater *z, uint8_t pack, const uint8_t *in, size_t in_len,
                      uint8_t *out, size_t out_len)
{
    switch (pack) {
    case 'F': return fstwi_unfastlz(in, in_len, out, out_len);
    case '4': return fstwi_unlz4(in, in_len, out, out_len);
    default: return fstwi_inflater_zlib(z, in, in_len, out, out_len);
    }
}

int fstwi_inflate_zlib(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_len)
{
    struct libdeflate_decompressor *d = libdeflate_alloc_decompressor();
    int rc = deflate_exact(d, in, in_len, out, out_len);
    libdeflate_free_decompressor(d);
    return rc == 0 ? 0 : inflate_exact(in, in_len, out, out_len, 15);
}

int fstwi_inflate_gzip(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_len)
{
    struct libdeflate_decompressor *d = libdeflate_alloc_decompressor();
    int rc = gunzip_exact(d, in, in_len, out, out_len);
    libdeflate_free_decompressor(d);
    return rc == 0 ? 0 : inflate_exact(in, in_len, out, out_len, 16 + 15);
}

int fstwi_unlz4(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_len)
{
    if (in_len > INT_MAX || out_len > INT_MAX) return -1;
    int r = LZ4_decompress_safe((const char *)in, (char *)out, (int)in_len, (int)out_len);
    return r == (int)out_len ? 0 : -1;
}

int fstwi_unfastlz(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_len)
{
    if (in_len > INT_MAX || out_len > INT_MAX) return -1;
    if (in_len == 0) return out_len == 0 ? 0 : -1;
    int r = fastlz_decompress(in, (int)in_len, out, (int)out_len);
    return r == (int)out_len ? 0 : -1;
}
