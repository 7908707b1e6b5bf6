/*
 * nfstw_util.c - helpers of the Node-API addon: JS errors for core status
 * codes, argument conversion (bigint/number times, paths, booleans,
 * type-tagged native objects), and JS values from C data (names, numbers,
 * typed-array copies).
 */
#include "nfstw.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ============================================================ errors */

static napi_value make_str(napi_env env, const char *s)
{
    napi_value v = NULL;
    if (napi_create_string_utf8(env, s, NAPI_AUTO_LENGTH, &v) != napi_ok)
        return NULL;
    return v;
}

static napi_value new_error(napi_env env, int kind, const char *code, const char *msg)
{
    napi_value m = make_str(env, msg), c = code ? make_str(env, code) : NULL, e = NULL;
    if (!m)
        return NULL;
    napi_status st;
    if (kind == 1)
        st = napi_create_type_error(env, c, m, &e);
    else if (kind == 2)
        st = napi_create_range_error(env, c, m, &e);
    else
        st = napi_create_error(env, c, m, &e);
    return st == napi_ok ? e : NULL;
}

napi_value nfstw_make_error(napi_env env, const fstw_error *err, const char *path)
{
    const char *core_msg = err->message[0] ? err->message : fstw_status_name(err->code);
    const char *code = fstw_status_code(err->code);
    const char *syscall = fstw_error_syscall(err);
    if (err->code == FSTW_ERR_ARG)
        return new_error(env, 2, code, core_msg);
    /* an OS error (syscall set) reads like Node's fs errors, plus where a
     * read failed; any other error is the core's message */
    size_t cap = strlen(core_msg) + (path ? strlen(path) : 0) + 160;
    char *msg = malloc(cap);
    if (!msg)
        return new_error(env, 0, "ENOMEM", "out of memory");
    const char *desc = fstw_status_description(err->code);
    if (syscall && err->code == FSTW_ERR_IO)
        snprintf(msg, cap, "%s: %s, read '%s': %s", code, desc, path ? path : "", core_msg);
    else if (syscall)
        snprintf(msg, cap, "%s: %s, open '%s'", code, desc, path ? path : "");
    else
        snprintf(msg, cap, "%s", core_msg);
    napi_value e = new_error(env, 0, code, msg);
    free(msg);
    if (!e)
        return NULL;
    /* structured fields: what went wrong without the path (what the tool
     * prints after the file name), the OS's text, the file offset */
    napi_value v;
    if ((v = make_str(env, fstw_error_reason(err))))
        napi_set_named_property(env, e, "reason", v);
    if (err->strerror[0] && (v = make_str(env, err->strerror)))
        napi_set_named_property(env, e, "strerror", v);
    if (err->offset >= 0 && napi_create_double(env, (double)err->offset, &v) == napi_ok)
        napi_set_named_property(env, e, "offset", v);
    if (syscall) {
        int sys = err->sys_errno ? err->sys_errno : fstw_status_errno(err->code);
        if (napi_create_int32(env, -sys, &v) == napi_ok)
            napi_set_named_property(env, e, "errno", v);
        if ((v = make_str(env, syscall)))
            napi_set_named_property(env, e, "syscall", v);
    }
    if (path && err->code != FSTW_ERR_NOMEM && (v = make_str(env, path)))
        napi_set_named_property(env, e, "path", v);
    return e;
}

static int exception_pending(napi_env env)
{
    bool p = false;
    napi_is_exception_pending(env, &p);
    return p;
}

void nfstw_throw(napi_env env, const fstw_error *err, const char *path)
{
    if (exception_pending(env))
        return;
    napi_value e = nfstw_make_error(env, err, path);
    if (e)
        napi_throw(env, e);
    else
        napi_throw_error(env, NULL, "fstwave: cannot create an error object");
}

static void throw_fmt(napi_env env, int kind, const char *code, const char *fmt, va_list ap)
{
    if (exception_pending(env))
        return;
    char buf[512];
    vsnprintf(buf, sizeof buf, fmt, ap);
    napi_value e = new_error(env, kind, code, buf);
    if (e)
        napi_throw(env, e);
}

void nfstw_throw_type(napi_env env, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    throw_fmt(env, 1, "ERR_INVALID_ARG_TYPE", fmt, ap);
    va_end(ap);
}

void nfstw_throw_range(napi_env env, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    throw_fmt(env, 2, "ERR_OUT_OF_RANGE", fmt, ap);
    va_end(ap);
}

void nfstw_throw_plain(napi_env env, const char *code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    throw_fmt(env, 0, code, fmt, ap);
    va_end(ap);
}

/* ============================================================ arguments */

int nfstw_args(napi_env env, napi_callback_info info, size_t want, napi_value *argv)
{
    size_t argc = want;
    if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok)
        return -1;
    if (argc < want) {
        nfstw_throw_type(env, "expected %zu arguments, got %zu", want, argc);
        return -1;
    }
    return 0;
}

napi_value nfstw_new_tagged(napi_env env, const napi_type_tag *tag, void *data, napi_finalize finalize)
{
    napi_value obj;
    if (napi_create_object(env, &obj) != napi_ok || napi_type_tag_object(env, obj, tag) != napi_ok ||
        napi_wrap(env, obj, data, finalize, NULL, NULL) != napi_ok)
        return NULL;
    return obj;
}

void *nfstw_unwrap_tagged(napi_env env, napi_value obj, const napi_type_tag *tag)
{
    napi_valuetype t;
    bool ok = false;
    void *data = NULL;
    if (napi_typeof(env, obj, &t) != napi_ok || t != napi_object ||
        napi_check_object_type_tag(env, obj, tag, &ok) != napi_ok || !ok ||
        napi_unwrap(env, obj, &data) != napi_ok)
        return NULL;
    return data;
}

int nfstw_get_u64(napi_env env, napi_value v, const char *what, uint64_t max, uint64_t *out)
{
    napi_valuetype t;
    if (napi_typeof(env, v, &t) != napi_ok)
        return -1;
    if (t == napi_bigint) {
        /* sign + up to two words tells negative / too large apart */
        int sign = 0;
        size_t count = 2;
        uint64_t words[2] = {0, 0};
        if (napi_get_value_bigint_words(env, v, &sign, &count, words) != napi_ok)
            return -1;
        if (sign && (count > 1 || words[0] != 0)) {
            nfstw_throw_range(env, "%s must not be negative", what);
            return -1;
        }
        /* count is the full word count even when it exceeds the buffer */
        if (count > 1 || words[0] > max) {
            nfstw_throw_range(env, "%s is out of range (max %llu)", what, (unsigned long long)max);
            return -1;
        }
        *out = words[0];
        return 0;
    }
    if (t == napi_number) {
        double d;
        if (napi_get_value_double(env, v, &d) != napi_ok)
            return -1;
        if (!(d == floor(d)) || isinf(d)) {
            nfstw_throw_range(env, "%s must be an integer, got %g", what, d);
            return -1;
        }
        if (d < 0) {
            nfstw_throw_range(env, "%s must not be negative", what);
            return -1;
        }
        /* 18446744073709551616.0 is 2^64: not representable */
        if (d >= 18446744073709551616.0 || (uint64_t)d > max) {
            nfstw_throw_range(env, "%s is out of range (max %llu)", what, (unsigned long long)max);
            return -1;
        }
        *out = (uint64_t)d;
        return 0;
    }
    nfstw_throw_type(env, "%s must be a bigint or a number", what);
    return -1;
}

int nfstw_get_bool(napi_env env, napi_value v, const char *what, int *out)
{
    bool b;
    if (napi_get_value_bool(env, v, &b) != napi_ok) {
        nfstw_throw_type(env, "%s must be a boolean", what);
        return -1;
    }
    *out = b ? 1 : 0;
    return 0;
}

int nfstw_get_utf8(napi_env env, napi_value v, const char *what, char **out, size_t *len)
{
    size_t n = 0;
    if (napi_get_value_string_utf8(env, v, NULL, 0, &n) != napi_ok) {
        nfstw_throw_type(env, "%s must be a string", what);
        return -1;
    }
    char *buf = malloc(n + 1);
    if (!buf) {
        nfstw_throw_plain(env, "ENOMEM", "out of memory");
        return -1;
    }
    if (napi_get_value_string_utf8(env, v, buf, n + 1, &n) != napi_ok) {
        free(buf);
        return -1;
    }
    *out = buf;
    if (len)
        *len = n;
    return 0;
}

int nfstw_get_path(napi_env env, napi_value v, char **out)
{
    napi_valuetype t;
    if (napi_typeof(env, v, &t) != napi_ok)
        return -1;
    char *buf = NULL;
    size_t n = 0;
    if (t == napi_string) {
        if (nfstw_get_utf8(env, v, "path", &buf, &n) < 0)
            return -1;
    } else {
        bool is_ta = false;
        napi_typedarray_type tt;
        void *data = NULL;
        if (t == napi_object && napi_is_typedarray(env, v, &is_ta) == napi_ok && is_ta &&
            napi_get_typedarray_info(env, v, &tt, &n, &data, NULL, NULL) == napi_ok && tt == napi_uint8_array) {
            buf = malloc(n + 1);
            if (!buf) {
                nfstw_throw_plain(env, "ENOMEM", "out of memory");
                return -1;
            }
            if (n)
                memcpy(buf, data, n);
            buf[n] = 0;
        } else {
            nfstw_throw_type(env, "path must be a string, a Buffer or a URL");
            return -1;
        }
    }
    if (n == 0 || memchr(buf, 0, n)) {
        free(buf);
        if (n == 0)
            nfstw_throw_type(env, "path must not be empty");
        else
            nfstw_throw_type(env, "path must not contain null bytes");
        return -1;
    }
    *out = buf;
    return 0;
}

/* ============================================================ values */

napi_value nfstw_null(napi_env env)
{
    napi_value v = NULL;
    napi_get_null(env, &v);
    return v;
}

napi_value nfstw_undefined(napi_env env)
{
    napi_value v = NULL;
    napi_get_undefined(env, &v);
    return v;
}

napi_value nfstw_bool(napi_env env, int b)
{
    napi_value v = NULL;
    napi_get_boolean(env, b != 0, &v);
    return v;
}

napi_value nfstw_u32(napi_env env, uint32_t x)
{
    napi_value v = NULL;
    napi_create_uint32(env, x, &v);
    return v;
}

napi_value nfstw_i64(napi_env env, int64_t x)
{
    napi_value v = NULL;
    napi_create_int64(env, x, &v);
    return v;
}

napi_value nfstw_big_u64(napi_env env, uint64_t x)
{
    napi_value v = NULL;
    napi_create_bigint_uint64(env, x, &v);
    return v;
}

int nfstw_set(napi_env env, napi_value obj, const char *key, napi_value v)
{
    if (!v)
        return -1;
    return napi_set_named_property(env, obj, key, v) == napi_ok ? 0 : -1;
}

napi_value nfstw_str_latin1(napi_env env, const char *p, size_t len)
{
    napi_value v = NULL;
    napi_create_string_latin1(env, len ? p : "", len, &v);
    return v;
}

/* UTF-8 -> UTF-16 with one U+FFFD per maximal invalid subpart (Unicode's
 * recommended practice, which is what CPython's errors="replace" and the
 * WHATWG decoder do). */
napi_value nfstw_str_utf8(napi_env env, const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i;
    for (i = 0; i < len && p[i] < 0x80; i++)
        ;
    if (i == len)
        return nfstw_str_latin1(env, s, len); /* pure ASCII */

    char16_t stackbuf[256];
    char16_t *out = len <= 256 ? stackbuf : malloc(len * sizeof *out); /* never more units than bytes */
    if (!out) {
        nfstw_throw_plain(env, "ENOMEM", "out of memory");
        return NULL;
    }
    size_t o = 0;
    i = 0;
    while (i < len) {
        unsigned b0 = p[i];
        if (b0 < 0x80) {
            out[o++] = (char16_t)b0;
            i++;
            continue;
        }
        unsigned need, lo = 0x80, hi = 0xBF;
        uint32_t cp;
        if (b0 >= 0xC2 && b0 <= 0xDF)
            need = 1, cp = b0 & 0x1F;
        else if (b0 == 0xE0)
            need = 2, lo = 0xA0, cp = b0 & 0x0F;
        else if ((b0 >= 0xE1 && b0 <= 0xEC) || b0 == 0xEE || b0 == 0xEF)
            need = 2, cp = b0 & 0x0F;
        else if (b0 == 0xED)
            need = 2, hi = 0x9F, cp = b0 & 0x0F;
        else if (b0 == 0xF0)
            need = 3, lo = 0x90, cp = b0 & 0x07;
        else if (b0 >= 0xF1 && b0 <= 0xF3)
            need = 3, cp = b0 & 0x07;
        else if (b0 == 0xF4)
            need = 3, hi = 0x8F, cp = b0 & 0x07;
        else {
            out[o++] = 0xFFFD;
            i++;
            continue;
        }
        unsigned j;
        for (j = 1; j <= need; j++) {
            if (i + j >= len)
                break;
            unsigned b = p[i + j];
            unsigned l = j == 1 ? lo : 0x80, h = j == 1 ? hi : 0xBF;
            if (b < l || b > h)
                break;
            cp = (cp << 6) | (b & 0x3F);
        }
        if (j <= need) { /* invalid or truncated: the maximal subpart i..i+j-1 */
            out[o++] = 0xFFFD;
            i += j;
            continue;
        }
        if (cp >= 0x10000) {
            cp -= 0x10000;
            out[o++] = (char16_t)(0xD800 + (cp >> 10));
            out[o++] = (char16_t)(0xDC00 + (cp & 0x3FF));
        } else {
            out[o++] = (char16_t)cp;
        }
        i += need + 1;
    }
    napi_value v = NULL;
    napi_create_string_utf16(env, out, o, &v);
    if (out != stackbuf)
        free(out);
    return v;
}

/* A new typed array of n elements of elem bytes, copied from data. */
static napi_value typed_copy(napi_env env, napi_typedarray_type type, size_t elem, const void *data, size_t n)
{
    void *buf = NULL;
    napi_value ab, ta;
    if (napi_create_arraybuffer(env, n * elem, &buf, &ab) != napi_ok)
        return NULL;
    if (n)
        memcpy(buf, data, n * elem);
    if (napi_create_typedarray(env, type, n, ab, 0, &ta) != napi_ok)
        return NULL;
    return ta;
}

napi_value nfstw_u32_array(napi_env env, const uint32_t *ids, size_t n)
{
    return typed_copy(env, napi_uint32_array, sizeof *ids, ids, n);
}

napi_value nfstw_u64_array(napi_env env, const uint64_t *v, size_t n)
{
    return typed_copy(env, napi_biguint64_array, sizeof *v, v, n);
}
