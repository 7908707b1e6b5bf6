/* fstw_format.c - values and names as people read them: the radixes of bit
 * vectors (GTKWave's nibble rule for x and z), reals as the shortest decimal
 * that reads back, strings from Latin-1 to UTF-8, enum literals (FST enum-table
 * attributes), and the growable text that the `show` and `render` commands
 * write (names as lossy UTF-8 with control characters escaped, optionally for
 * XML), handed out to be freed with fstw_free. */
#include "fstw_internal.h"

#include <math.h>
#include <stdlib.h>

/* ------------------------------------------------ a bounded snprintf-like writer */

typedef struct writer {
    char *buf;
    size_t cap; /* bytes at buf (0: count only) */
    size_t n;   /* bytes the whole text takes */
} writer;

static void put(writer *w, char c)
{
    if (w->n + 1 < w->cap) w->buf[w->n] = c;
    w->n++;
}

static void puts_n(writer *w, const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) put(w, p[i]);
}

static size_t finish(writer *w)
{
    if (w->cap) w->buf[w->n < w->cap ? w->n : w->cap - 1] = '\0';
    return w->n;
}

/* The UTF-8 of one code point below 0x800 (Latin-1, U+FFFD needs 3). */
static void put_cp(writer *w, unsigned cp)
{
    if (cp < 0x80) {
        put(w, (char)cp);
    } else if (cp < 0x800) {
        put(w, (char)(0xc0 | (cp >> 6)));
        put(w, (char)(0x80 | (cp & 0x3f)));
    } else {
        put(w, (char)(0xe0 | (cp >> 12)));
        put(w, (char)(0x80 | ((cp >> 6) & 0x3f)));
        put(w, (char)(0x80 | (cp & 0x3f)));
    }
}

/* The length of the valid UTF-8 sequence at p[0..n) (1..4), or 0 when it is
 * not valid; then *bad gets the length of its maximal valid prefix (at least
 * 1), which becomes one U+FFFD (the Unicode standard's "maximal subpart"
 * practice, as Python's errors="replace" and V8 decode). */
static size_t utf8_seq(const uint8_t *p, size_t n, size_t *bad)
{
    uint8_t c = p[0];
    size_t need;
    uint8_t lo = 0x80, hi = 0xbf;
    *bad = 1;
    if (c < 0x80) return 1;
    if (c >= 0xc2 && c <= 0xdf) need = 2;
    else if (c >= 0xe0 && c <= 0xef) {
        need = 3;
        if (c == 0xe0) lo = 0xa0;
        if (c == 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        need = 4;
        if (c == 0xf0) lo = 0x90;
        if (c == 0xf4) hi = 0x8f;
    } else return 0;
    for (size_t k = 1; k < need; k++) {
        if (k >= n || p[k] < lo || p[k] > hi) {
            *bad = k;
            return 0;
        }
        lo = 0x80;
        hi = 0xbf;
    }
    return need;
}

/* Bytes as lossy UTF-8 (invalid sequences as U+FFFD). */
static void put_lossy(writer *w, const char *p, size_t n)
{
    const uint8_t *u = (const uint8_t *)p;
    size_t i = 0;
    while (i < n) {
        size_t bad, k = utf8_seq(u + i, n - i, &bad);
        if (k) {
            puts_n(w, p + i, k);
            i += k;
        } else {
            put_cp(w, 0xfffd);
            i += bad;
        }
    }
}

/* An enum literal: libfst's escapes (fstUtilityBinToEsc, as writers store
 * literals: \\ \a \b \f \n \r \t \v \' \" \? \xHH \ooo) undone, then the
 * bytes as lossy UTF-8. */
static int hex_val(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static int put_literal(writer *w, const char *p, size_t n)
{
    static const char simple_from[] = "abfnrtv\\'\"?";
    static const char simple_to[] = "\a\b\f\n\r\t\v\\'\"?";
    char stack[128] = {0};
    char *u = n <= sizeof stack ? stack : malloc(n);
    if (!u) return -1;
    size_t m = 0;
    for (size_t i = 0; i < n;) {
        char c = i + 1 < n && p[i] == '\\' ? p[i + 1] : 0;
        const char *q = c ? memchr(simple_from, c, sizeof simple_from - 1) : NULL;
        if (q) {
            u[m++] = simple_to[q - simple_from];
            i += 2;
        } else if (c == 'x' && i + 3 < n && hex_val(p[i + 2]) >= 0 && hex_val(p[i + 3]) >= 0) {
            u[m++] = (char)(hex_val(p[i + 2]) * 16 + hex_val(p[i + 3]));
            i += 4;
        } else if (c >= '0' && c <= '3' && i + 3 < n && p[i + 2] >= '0' && p[i + 2] <= '7' &&
                   p[i + 3] >= '0' && p[i + 3] <= '7') {
            u[m++] = (char)((c - '0') * 64 + (p[i + 2] - '0') * 8 + (p[i + 3] - '0'));
            i += 4;
        } else {
            u[m++] = p[i++];
        }
    }
    put_lossy(w, u, m);
    if (u != stack) free(u);
    return 0;
}

/* ------------------------------------------------------------ bit vectors */

/* Bit i (0 = LSB) of a bit-vector value as its state character. */
static char bit_at(const fstw_value *v, uint32_t i)
{
    if (v->kind == FSTW_VAL_LOGIC) return (char)v->data[v->bits - 1 - i];
    size_t byte = v->len - 1 - i / 8;
    return (v->data[byte] >> (i % 8)) & 1 ? '1' : '0';
}

static int is01(char c) { return c == '0' || c == '1'; }

static void put_hex(writer *w, const fstw_value *v)
{
    uint32_t digits = (v->bits + 3) / 4;
    for (uint32_t d = digits; d-- > 0;) {
        uint32_t lo = d * 4, hi = lo + 4 < v->bits ? lo + 4 : v->bits;
        unsigned val = 0, n01 = 0, nx = 0, nz = 0;
        for (uint32_t i = lo; i < hi; i++) {
            char c = bit_at(v, i);
            if (is01(c)) {
                n01++;
                val |= (unsigned)(c - '0') << (i - lo);
            } else if (c == 'x') nx++;
            else if (c == 'z') nz++;
        }
        unsigned nb = hi - lo;
        if (n01 == nb) put(w, "0123456789abcdef"[val]);
        else if (nx == nb) put(w, 'x');
        else if (nz == nb) put(w, 'z');
        else put(w, 'X');
    }
}

/* Unsigned decimal of a 2-state value of any width: the value as 32-bit
 * limbs, divided by 10^9 repeatedly.  -1 when out of memory. */
static int put_dec(writer *w, const fstw_value *v)
{
    if (v->bits <= 64) {
        uint64_t x = 0;
        for (uint32_t i = v->bits; i-- > 0;) x = (x << 1) | (uint64_t)(bit_at(v, i) - '0');
        char tmp[24];
        int k = snprintf(tmp, sizeof tmp, "%llu", (unsigned long long)x);
        puts_n(w, tmp, (size_t)k);
        return 0;
    }
    size_t nl = ((size_t)v->bits + 31) / 32;
    size_t ngroups = nl * 32 / 29 + 2; /* 10^9 > 2^29: at most this many 9-digit groups */
    uint32_t *limb = calloc(nl + ngroups, sizeof *limb);
    if (!limb) return -1;
    uint32_t *group = limb + nl;
    for (uint32_t i = 0; i < v->bits; i++)
        if (bit_at(v, i) == '1') limb[i / 32] |= 1u << (i % 32);
    size_t top = nl, ng = 0;
    while (top > 0 && limb[top - 1] == 0) top--;
    while (top > 0) {
        uint64_t rem = 0;
        for (size_t k = top; k-- > 0;) {
            uint64_t cur = (rem << 32) | limb[k];
            limb[k] = (uint32_t)(cur / 1000000000u);
            rem = cur % 1000000000u;
        }
        group[ng++] = (uint32_t)rem;
        while (top > 0 && limb[top - 1] == 0) top--;
    }
    char tmp[16];
    int k = snprintf(tmp, sizeof tmp, "%u", ng ? group[ng - 1] : 0u);
    puts_n(w, tmp, (size_t)k);
    for (size_t g = ng > 0 ? ng - 1 : 0; g-- > 0;) {
        k = snprintf(tmp, sizeof tmp, "%09u", group[g]);
        puts_n(w, tmp, (size_t)k);
    }
    free(limb);
    return 0;
}

static void put_real(writer *w, double x)
{
    if (isnan(x)) {
        puts_n(w, "nan", 3);
        return;
    }
    if (isinf(x)) {
        if (x < 0) put(w, '-');
        puts_n(w, "inf", 3);
        return;
    }
    char tmp[40];
    int k = 0;
    for (int prec = 1; prec <= 17; prec++) {
        k = snprintf(tmp, sizeof tmp, "%.*g", prec, x);
        if (strtod(tmp, NULL) == x) break;
    }
    puts_n(w, tmp, (size_t)k);
}

size_t fstw_format_value(const fstw_value *v, int radix, const fstw_str *enum_literal, char *buf,
                         size_t buflen)
{
    writer w = {buf, buf ? buflen : 0, 0};
    if (enum_literal) {
        if (put_literal(&w, enum_literal->ptr, enum_literal->len)) w.n = 0; /* out of memory */
        return finish(&w);
    }
    switch (v->kind) {
    case FSTW_VAL_EVENT:
        puts_n(&w, "event", 5);
        break;
    case FSTW_VAL_REAL:
        put_real(&w, v->real);
        break;
    case FSTW_VAL_STRING:
        for (size_t i = 0; i < v->len; i++) put_cp(&w, v->data[i]);
        break;
    default: {
        if (v->bits == 1) {
            put(&w, bit_at(v, 0));
            break;
        }
        if (radix == FSTW_RADIX_BIN) {
            for (uint32_t i = v->bits; i-- > 0;) put(&w, bit_at(v, i));
            break;
        }
        if (radix == FSTW_RADIX_DEC) {
            int all_z = 1, all_01 = 1;
            for (uint32_t i = 0; i < v->bits; i++) {
                char c = bit_at(v, i);
                if (!is01(c)) all_01 = 0;
                if (c != 'z') all_z = 0;
            }
            if (!all_01) put(&w, all_z ? 'z' : 'x');
            else if (put_dec(&w, v)) {
                w.n = 0; /* out of memory: nothing written */
                return finish(&w);
            }
            break;
        }
        put_hex(&w, v);
        break;
    }
    }
    return finish(&w);
}

/* ------------------------------------------------------------ enum literals */

/* Whether the enum value string s equals v's bits MSB first, the shorter of the
 * two padded with '0' on the left (tables are written with and without
 * padding to the var's width). */
static int enum_value_equal(const fstw_str *s, const fstw_value *v)
{
    size_t n = s->len > v->bits ? s->len : v->bits;
    for (size_t k = n; k-- > 0;) { /* k: bit position from the LSB */
        char a = k < s->len ? s->ptr[s->len - 1 - k] : '0';
        char b = k < v->bits ? bit_at(v, (uint32_t)k) : '0';
        if (a != b) return 0;
    }
    return 1;
}

int fstw_enum_literal(const fstw_file *f, uint32_t var, const fstw_value *v, fstw_str *literal)
{
    fstw_var_info info;
    if (var == FSTW_NONE || fstw_var_get(f, var, &info) != FSTW_OK || info.enum_id == FSTW_NONE)
        return 0;
    if (v->kind != FSTW_VAL_BITS2 && v->kind != FSTW_VAL_LOGIC) return 0;
    fstw_str name;
    uint32_t n;
    if (fstw_enum_get(f, info.enum_id, &name, &n) != FSTW_OK) return 0;
    for (uint32_t i = 0; i < n; i++) {
        fstw_str value, lit;
        if (fstw_enum_pair(f, info.enum_id, i, &value, &lit) == FSTW_OK && enum_value_equal(&value, v)) {
            *literal = lit;
            return 1;
        }
    }
    return 0;
}

/* ------------------------------------------------------------ the text of show and render */

void fstwi_text_put(fstwi_text *t, const char *p, size_t n)
{
    if (!t->failed && fstwi_buf_append(&t->b, p, n)) t->failed = 1;
}

void fstwi_text_printf(fstwi_text *t, const char *fmt, ...)
{
    char tmp[256];
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (k < 0 || (size_t)k >= sizeof tmp) {
        t->failed = 1; /* only short, fixed formats are written this way */
        return;
    }
    fstwi_text_put(t, tmp, (size_t)k);
}

void fstwi_text_people(fstwi_text *t, const char *p, size_t n, int xml)
{
    /* lossy UTF-8 first, then the escapes over whole code points */
    writer w = {NULL, 0, 0};
    put_lossy(&w, p, n);
    char stack[256];
    char *u = w.n < sizeof stack ? stack : malloc(w.n + 1);
    if (!u) {
        t->failed = 1;
        return;
    }
    writer w2 = {u, w.n + 1, 0};
    put_lossy(&w2, p, n);
    for (size_t i = 0; i < w.n;) {
        uint8_t c = (uint8_t)u[i];
        unsigned cp = c; /* the code point, where it matters: below U+00C0 */
        size_t k = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4; /* u is valid UTF-8 */
        if (k > w.n - i) k = w.n - i;
        if (c == 0xc2 && k == 2) cp = 0x80 | ((uint8_t)u[i + 1] & 0x3f); /* C1 controls: U+0080..U+009F */
        if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) {
            fstwi_text_printf(t, "\\u{%x}", cp);
        } else if (xml && c == '<') {
            fstwi_text_put(t, "&lt;", 4);
        } else if (xml && c == '>') {
            fstwi_text_put(t, "&gt;", 4);
        } else if (xml && c == '&') {
            fstwi_text_put(t, "&amp;", 5);
        } else if (xml && c == '"') {
            fstwi_text_put(t, "&quot;", 6);
        } else {
            fstwi_text_put(t, u + i, k);
        }
        i += k;
    }
    if (u != stack) free(u);
}

int fstwi_format_change(const fstw_file *f, uint32_t var, const fstw_signal *s, size_t change,
                        int radix, char **out, size_t *len)
{
    size_t need = fstw_signal_scratch_size(s);
    uint8_t stack[64];
    uint8_t *scratch = need <= sizeof stack ? stack : malloc(need);
    if (!scratch) return FSTW_ERR_NOMEM;
    fstw_value v;
    int rc = fstw_signal_value(s, change, &v, scratch, need);
    if (rc == FSTW_OK) {
        fstw_str lit;
        const fstw_str *litp = fstw_enum_literal(f, var, &v, &lit) ? &lit : NULL;
        size_t n = fstw_format_value(&v, radix, litp, NULL, 0);
        char *buf = malloc(n + 1);
        if (!buf) {
            rc = FSTW_ERR_NOMEM;
        } else {
            fstw_format_value(&v, radix, litp, buf, n + 1);
            *out = buf;
            *len = n;
        }
    }
    if (scratch != stack) free(scratch);
    return rc;
}

int fstwi_text_finish(fstwi_text *t, char **out, size_t *len, fstw_error *err)
{
    if (!t->failed && fstwi_buf_append(&t->b, "", 1)) t->failed = 1;
    if (t->failed) {
        fstwi_buf_free(&t->b);
        return fstwi_fail(err, FSTW_ERR_NOMEM, "out of memory writing the text");
    }
    *out = (char *)t->b.data;
    *len = t->b.len - 1;
    t->b.data = NULL;
    return FSTW_OK;
}

void fstw_free(void *p)
{
    free(p);
}
