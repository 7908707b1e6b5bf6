/* fstw_buf.c - growable byte buffers, bounded cursors over bytes, the uint32_t order. */
#include "fstw_internal.h"
#include <stdlib.h>
#include <string.h>

int fstwi_buf_set_cap(fstwi_buf *b, size_t cap)
{
    if (cap < b->len) return -1;
    if (cap == 0) cap = 1;
    uint8_t *p = realloc(b->data, cap);
    if (!p) return -1;
    b->data = p;
    b->cap = cap;
    return 0;
}

int fstwi_buf_reserve(fstwi_buf *b, size_t extra)
{
    if (b->cap - b->len >= extra) return 0;
    size_t need = b->len + extra;
    if (need < b->len) return -1;
    /* 1.5x growth: a load of many signals holds at most a third unused */
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need) {
        if (cap > SIZE_MAX / 2) { cap = need; break; }
        cap += cap / 2;
    }
    return fstwi_buf_set_cap(b, cap);
}

int fstwi_buf_reserve_exact(fstwi_buf *b, size_t extra)
{
    if (b->cap - b->len >= extra) return 0;
    if (b->len + extra < b->len) return -1;
    return fstwi_buf_set_cap(b, b->len + extra);
}

int fstwi_buf_append(fstwi_buf *b, const void *p, size_t n)
{
    if (fstwi_buf_reserve(b, n)) return -1;
    if (n) memcpy(b->data + b->len, p, n);
    b->len += n;
    return 0;
}

void fstwi_buf_free(fstwi_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

int fstwi_cur_u8(fstwi_cursor *c, uint8_t *v)
{
    if (c->p >= c->end) return -1;
    *v = *c->p++;
    return 0;
}

int fstwi_cur_varint(fstwi_cursor *c, uint64_t *v)
{
    uint64_t r = 0;
    for (int i = 0; i < 10; i++) {
        if (c->p >= c->end) return -1;
        uint8_t b = *c->p++;
        r |= (uint64_t)(b & 0x7f) << (7 * i);
        if (!(b & 0x80)) { *v = r; return 0; }
    }
    return -1;
}

int fstwi_cur_svarint(fstwi_cursor *c, int64_t *v)
{
    uint64_t r = 0;
    for (int i = 0; i < 10; i++) {
        if (c->p >= c->end) return -1;
        uint8_t b = *c->p++;
        unsigned shift = 7u * (unsigned)i;
        r |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            if ((shift + 7) < 64 && (b & 0x40)) r |= ~(uint64_t)0 << (shift + 7);
            *v = (int64_t)r;
            return 0;
        }
    }
    return -1;
}

int fstwi_cur_cstr(fstwi_cursor *c, const char **s, uint32_t *len)
{
    const uint8_t *z = memchr(c->p, 0, (size_t)(c->end - c->p));
    if (!z || (size_t)(z - c->p) > UINT32_MAX) return -1;
    *s = (const char *)c->p;
    *len = (uint32_t)(z - c->p);
    c->p = z + 1;
    return 0;
}

uint64_t fstwi_be64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) v = (v << 8) | p[i];
    return v;
}

int fstwi_cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}
