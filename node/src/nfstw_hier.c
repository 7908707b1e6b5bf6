/*
 * nfstw_hier.c - hierarchy and header accessors of a file handle.
 *
 * The JS layer (node/index.js) builds Hierarchy, Scope and Var objects out
 * of ids; everything here reads the core's in-memory hierarchy, which is
 * immutable after open (so no locking is needed on the main thread).
 *
 * Exports (h is a file handle, ids are numbers):
 *   header(h) -> { version, date, startTime, endTime, timescale, scopeCount, varCount, signalCount }
 *   topScopes(h), topVars(h), uniqueVars(h) -> Uint32Array of ids (copies)
 *   scopeInfo(h, id) -> { name, scopeType, parent }      (parent -1 at top level)
 *   scopeScopes(h, id), scopeVars(h, id) -> Uint32Array
 *   scopeFullName(h, id), varFullName(h, id) -> string
 *   varFullNames(h), scopeFullNames(h) -> [chunk strings, Uint32Array offsets,
 *     Uint16Array chunk by name, Uint32Array chunk starts] | null (joined_names)
 *   uniqueVarFullNames(h) -> the same for the unique vars, plus [4]: Int32Array
 *     position by var id | null
 *   varInfo(h, id) -> { name, parent, varType, direction, encoding, bitwidth,
 *                       signalRef, msb, lsb, enumId, vhdlTypeName }
 *   varSignalRef(h, id) -> the signal ref of var id
 *   varSignalRefs(h) -> Uint32Array: the signal ref of every var, by var id
 *   enumType(h, enumId) -> [name, [[value, literal], ...]]
 *   lookupVar(h, path) -> var id, or -1
 *   lookupItem(h, scope, path) -> 2 * scope id, 2 * var id + 1, or -1 for
 *     nothing: pywellen 0.25's w["a.b"] (scope null) and scope["b"]
 *     (fstw_lookup_item)
 */
#include "nfstw.h"

#include <stdlib.h>
#include <string.h>

static nfstw_wave *wave_id_args(napi_env env, napi_callback_info info, uint32_t *id, const char *what)
{
    napi_value argv[2];
    nfstw_wave *w = nfstw_wave_args(env, info, 2, argv);
    uint64_t v;
    if (!w || nfstw_get_u64(env, argv[1], what, UINT32_MAX - 1, &v) < 0)
        return NULL;
    *id = (uint32_t)v;
    return w;
}

static nfstw_wave *wave_arg(napi_env env, napi_callback_info info)
{
    napi_value argv[1];
    return nfstw_wave_args(env, info, 1, argv);
}

static napi_value ascii(napi_env env, const char *s)
{
    return nfstw_str_latin1(env, s, strlen(s));
}

static napi_value header_string(napi_env env, const char *s)
{
    return nfstw_str_utf8(env, s ? s : "", s ? strlen(s) : 0);
}

static napi_value fn_header(napi_env env, napi_callback_info info)
{
    nfstw_wave *w = wave_arg(env, info);
    if (!w)
        return NULL;
    const fstw_header *hd = fstw_file_header(w->file);
    napi_value o, ts;
    if (napi_create_object(env, &o) != napi_ok)
        return NULL;
    uint32_t factor;
    int unit;
    if (fstw_timescale(w->file, &factor, &unit) == 0) {
        if (napi_create_object(env, &ts) != napi_ok || nfstw_set(env, ts, "factor", nfstw_u32(env, factor)) ||
            nfstw_set(env, ts, "exponent", nfstw_i64(env, unit)) ||
            nfstw_set(env, ts, "unit", ascii(env, fstw_timescale_unit_name(unit))))
            return NULL;
    } else {
        ts = nfstw_null(env);
    }
    if (nfstw_set(env, o, "version", header_string(env, hd->version)) ||
        nfstw_set(env, o, "date", header_string(env, hd->date)) ||
        nfstw_set(env, o, "startTime", nfstw_big_u64(env, hd->start_time)) ||
        nfstw_set(env, o, "endTime", nfstw_big_u64(env, hd->end_time)) || nfstw_set(env, o, "timescale", ts) ||
        nfstw_set(env, o, "scopeCount", nfstw_u32(env, fstw_scope_count(w->file))) ||
        nfstw_set(env, o, "varCount", nfstw_u32(env, fstw_var_count(w->file))) ||
        nfstw_set(env, o, "signalCount", nfstw_u32(env, fstw_signal_count(w->file))))
        return NULL;
    return o;
}

static napi_value id_list(napi_env env, napi_callback_info info,
                          const uint32_t *(*fn)(const fstw_file *, uint32_t *))
{
    nfstw_wave *w = wave_arg(env, info);
    if (!w)
        return NULL;
    uint32_t n = 0;
    const uint32_t *ids = fn(w->file, &n);
    return nfstw_u32_array(env, ids, ids ? n : 0);
}

static napi_value fn_top_scopes(napi_env env, napi_callback_info info)
{
    return id_list(env, info, fstw_top_scopes);
}

static napi_value fn_top_vars(napi_env env, napi_callback_info info)
{
    return id_list(env, info, fstw_top_vars);
}

static napi_value fn_unique_vars(napi_env env, napi_callback_info info)
{
    return id_list(env, info, fstw_unique_vars);
}

static int get_scope(napi_env env, nfstw_wave *w, uint32_t id, fstw_scope_info *si)
{
    if (fstw_scope_get(w->file, id, si) != FSTW_OK) {
        nfstw_throw_range(env, "scope id %u is out of range", (unsigned)id);
        return -1;
    }
    return 0;
}

static int get_var(napi_env env, nfstw_wave *w, uint32_t id, fstw_var_info *vi)
{
    if (fstw_var_get(w->file, id, vi) != FSTW_OK) {
        nfstw_throw_range(env, "var id %u is out of range", (unsigned)id);
        return -1;
    }
    return 0;
}

/* The var of the (handle, var id) arguments into *vi; NULL with an exception
 * pending when they are bad. */
static nfstw_wave *var_args(napi_env env, napi_callback_info info, fstw_var_info *vi)
{
    uint32_t id;
    nfstw_wave *w = wave_id_args(env, info, &id, "var id");
    return w && get_var(env, w, id, vi) == 0 ? w : NULL;
}

static napi_value parent_value(napi_env env, uint32_t parent)
{
    return nfstw_i64(env, parent == FSTW_NONE ? -1 : (int64_t)parent);
}

static napi_value fn_scope_info(napi_env env, napi_callback_info info)
{
    uint32_t id;
    fstw_scope_info si;
    nfstw_wave *w = wave_id_args(env, info, &id, "scope id");
    if (!w || get_scope(env, w, id, &si) < 0)
        return NULL;
    napi_value o;
    if (napi_create_object(env, &o) != napi_ok || nfstw_set(env, o, "name", nfstw_str_utf8(env, si.name.ptr, si.name.len)) ||
        nfstw_set(env, o, "scopeType", nfstw_str_latin1(env, fstw_scope_type_name(si.type), strlen(fstw_scope_type_name(si.type)))) ||
        nfstw_set(env, o, "parent", parent_value(env, si.parent)))
        return NULL;
    return o;
}

static napi_value fn_scope_scopes(napi_env env, napi_callback_info info)
{
    uint32_t id;
    fstw_scope_info si;
    nfstw_wave *w = wave_id_args(env, info, &id, "scope id");
    if (!w || get_scope(env, w, id, &si) < 0)
        return NULL;
    return nfstw_u32_array(env, si.scopes, si.scopes ? si.n_scopes : 0);
}

static napi_value fn_scope_vars(napi_env env, napi_callback_info info)
{
    uint32_t id;
    fstw_scope_info si;
    nfstw_wave *w = wave_id_args(env, info, &id, "scope id");
    if (!w || get_scope(env, w, id, &si) < 0)
        return NULL;
    return nfstw_u32_array(env, si.vars, si.vars ? si.n_vars : 0);
}

static napi_value full_name(napi_env env, napi_callback_info info, int is_var)
{
    uint32_t id;
    nfstw_wave *w = wave_id_args(env, info, &id, is_var ? "var id" : "scope id");
    if (!w)
        return NULL;
    if (is_var ? id >= fstw_var_count(w->file) : id >= fstw_scope_count(w->file)) {
        nfstw_throw_range(env, "%s id %u is out of range", is_var ? "var" : "scope", (unsigned)id);
        return NULL;
    }
    size_t (*fn)(const fstw_file *, uint32_t, char *, size_t) = is_var ? fstw_var_full_name : fstw_scope_full_name;
    char stackbuf[512];
    size_t n = fn(w->file, id, stackbuf, sizeof stackbuf);
    if (n < sizeof stackbuf)
        return nfstw_str_utf8(env, stackbuf, n);
    char *buf = malloc(n + 1);
    if (!buf) {
        nfstw_throw_plain(env, "ENOMEM", "out of memory");
        return NULL;
    }
    fn(w->file, id, buf, n + 1);
    napi_value v = nfstw_str_utf8(env, buf, n);
    free(buf);
    return v;
}

static napi_value fn_scope_full_name(napi_env env, napi_callback_info info)
{
    return full_name(env, info, 0);
}

static napi_value fn_var_full_name(napi_env env, napi_callback_info info)
{
    return full_name(env, info, 1);
}

/* Full names of vars (or scopes) in a few strings, for the JS layer to cut
 * with String#slice (a call per name costs ~300 ns through Node-API, a slice
 * ~20 ns): [chunks (Array of strings), Uint32Array offsets (count + 1, the
 * names laid end to end), Uint16Array chunk of each name, Uint32Array start
 * offset of each chunk] for the ids ids[0..n) (all ids in order when ids is
 * NULL); name k is chunks[c].slice(offsets[k] - starts[c], offsets[k + 1] -
 * starts[c]) with c = chunk[k].  null when a name is not ASCII (offsets
 * would not be UTF-16 units) or the names exceed 256 MB; the JS layer then
 * asks name by name.  The names are written into one reused buffer of
 * NAMES_CHUNK bytes, each chunk made a string when it is full: no buffer of
 * all the names next to the strings' copy of them, and a buffer that stays
 * in the cache (the names of a file with 400,000 vars are ~40 MB). */
#define ALL_NAMES_MAX ((size_t)256 << 20)
#define NAMES_CHUNK ((size_t)1 << 20)

typedef struct names_out {
    napi_value chunks;
    uint32_t *starts; /* grows with the chunks */
    uint32_t n_chunks, cap_starts;
    int plain; /* every byte so far < 0x80 */
} names_out;

/* Makes buf[0..len) (names from offset `start` on) the next chunk string;
 * -1 on a failure (exception pending or out of memory), 0 otherwise (also
 * when a byte is not ASCII: out->plain is then 0). */
static int names_flush(napi_env env, names_out *out, const char *buf, size_t len, size_t start)
{
    unsigned char any = 0;
    for (size_t i = 0; i < len; i++) /* an OR over the bytes: one vectorized pass */
        any |= (unsigned char)buf[i];
    if (any >= 0x80) {
        out->plain = 0;
        return 0;
    }
    if (out->n_chunks == out->cap_starts) {
        uint32_t cap = out->cap_starts ? out->cap_starts * 2 : 16;
        uint32_t *st = realloc(out->starts, cap * sizeof *st);
        if (!st)
            return -1;
        out->starts = st;
        out->cap_starts = cap;
    }
    napi_value str;
    if (napi_create_string_latin1(env, buf, len, &str) != napi_ok ||
        napi_set_element(env, out->chunks, out->n_chunks, str) != napi_ok)
        return -1;
    out->starts[out->n_chunks++] = (uint32_t)start;
    return 0;
}

static napi_value joined_names(napi_env env, nfstw_wave *w, int is_var, const uint32_t *ids, uint32_t n)
{
    size_t (*fn)(const fstw_file *, uint32_t, char *, size_t) = is_var ? fstw_var_full_name : fstw_scope_full_name;
    void *odata = NULL, *cdata = NULL, *sdata = NULL;
    napi_value oab, offs, cab, chunk_of, sab, starts, arr;
    names_out out = {.plain = 1};
    if (napi_create_arraybuffer(env, ((size_t)n + 1) * sizeof(uint32_t), &odata, &oab) != napi_ok ||
        napi_create_typedarray(env, napi_uint32_array, (size_t)n + 1, oab, 0, &offs) != napi_ok ||
        napi_create_arraybuffer(env, (size_t)n * sizeof(uint16_t), &cdata, &cab) != napi_ok ||
        napi_create_typedarray(env, napi_uint16_array, n, cab, 0, &chunk_of) != napi_ok ||
        napi_create_array(env, &out.chunks) != napi_ok)
        return NULL;
    uint32_t *off = odata;
    uint16_t *cof = cdata;
    size_t cap = NAMES_CHUNK, len = 0, total = 0;
    char *buf = malloc(cap);
    int fail = buf == NULL, too_big = 0;
    for (uint32_t k = 0; k < n && !fail && out.plain; k++) {
        uint32_t id = ids ? ids[k] : k;
        size_t m = fn(w->file, id, buf + len, cap - len);
        if (len + m >= cap) { /* did not fit (the +1 is the core's NUL) */
            if (len > 0 && names_flush(env, &out, buf, len, total - len) < 0) {
                fail = 1;
                break;
            }
            len = 0;
            if (m + 1 > cap) {
                char *nbuf = realloc(buf, m + 1);
                if (!nbuf) {
                    fail = 1;
                    break;
                }
                buf = nbuf;
                cap = m + 1;
            }
            fn(w->file, id, buf, cap);
        }
        if (total + m > ALL_NAMES_MAX || out.n_chunks > UINT16_MAX) {
            too_big = 1;
            break;
        }
        off[k] = (uint32_t)total;
        cof[k] = (uint16_t)out.n_chunks;
        len += m;
        total += m;
    }
    if (!fail && !too_big && out.plain && (len > 0 || out.n_chunks == 0) &&
        names_flush(env, &out, buf, len, total - len) < 0)
        fail = 1;
    free(buf);
    if (fail || too_big || !out.plain) {
        free(out.starts);
        if (!fail)
            return nfstw_null(env);
        bool pending = false;
        if (napi_is_exception_pending(env, &pending) == napi_ok && !pending)
            nfstw_throw_plain(env, "ENOMEM", "out of memory");
        return NULL;
    }
    off[n] = (uint32_t)total;
    napi_status st = napi_create_arraybuffer(env, (size_t)out.n_chunks * sizeof(uint32_t), &sdata, &sab);
    if (st == napi_ok) {
        memcpy(sdata, out.starts, (size_t)out.n_chunks * sizeof(uint32_t));
        st = napi_create_typedarray(env, napi_uint32_array, out.n_chunks, sab, 0, &starts);
    }
    free(out.starts);
    if (st != napi_ok || napi_create_array_with_length(env, 4, &arr) != napi_ok ||
        napi_set_element(env, arr, 0, out.chunks) != napi_ok || napi_set_element(env, arr, 1, offs) != napi_ok ||
        napi_set_element(env, arr, 2, chunk_of) != napi_ok || napi_set_element(env, arr, 3, starts) != napi_ok)
        return NULL;
    return arr;
}

static napi_value all_full_names(napi_env env, napi_callback_info info, int is_var)
{
    nfstw_wave *w = wave_arg(env, info);
    if (!w)
        return NULL;
    return joined_names(env, w, is_var, NULL, is_var ? fstw_var_count(w->file) : fstw_scope_count(w->file));
}

/* The full names of the unique vars (pywellen's all_vars(): what a walk of
 * the hierarchy asks for; files with many aliases have several times more
 * vars): joined_names' four items by position in the unique list, plus
 * [4]: Int32Array position by var id (-1: an alias) or null when the unique
 * vars are all vars in id order; or null as joined_names. */
static napi_value fn_unique_var_full_names(napi_env env, napi_callback_info info)
{
    nfstw_wave *w = wave_arg(env, info);
    if (!w)
        return NULL;
    uint32_t n = 0, nv = fstw_var_count(w->file);
    const uint32_t *u = fstw_unique_vars(w->file, &n);
    napi_value names = joined_names(env, w, 1, u, n), pos;
    napi_valuetype t;
    if (!names || napi_typeof(env, names, &t) != napi_ok)
        return NULL;
    if (t == napi_null)
        return names;
    int identity = n == nv;
    for (uint32_t k = 0; k < n && identity; k++)
        identity = u[k] == k;
    if (identity) {
        pos = nfstw_null(env);
    } else {
        void *data = NULL;
        napi_value ab;
        if (napi_create_arraybuffer(env, (size_t)nv * sizeof(int32_t), &data, &ab) != napi_ok ||
            napi_create_typedarray(env, napi_int32_array, nv, ab, 0, &pos) != napi_ok)
            return NULL;
        int32_t *p = data;
        for (uint32_t i = 0; i < nv; i++)
            p[i] = -1;
        for (uint32_t k = 0; k < n; k++)
            if (u[k] < nv)
                p[u[k]] = (int32_t)k;
    }
    if (napi_set_element(env, names, 4, pos) != napi_ok)
        return NULL;
    return names;
}

static napi_value fn_var_full_names(napi_env env, napi_callback_info info)
{
    return all_full_names(env, info, 1);
}

static napi_value fn_scope_full_names(napi_env env, napi_callback_info info)
{
    return all_full_names(env, info, 0);
}

static napi_value fn_var_info(napi_env env, napi_callback_info info)
{
    fstw_var_info vi;
    if (!var_args(env, info, &vi))
        return NULL;
    int64_t width = fstw_var_width(&vi); /* pywellen's bitwidth(): -1 for None */
    napi_value o;
    if (napi_create_object(env, &o) != napi_ok)
        return NULL;
    if (nfstw_set(env, o, "name", nfstw_str_utf8(env, vi.name.ptr, vi.name.len)) ||
        nfstw_set(env, o, "parent", parent_value(env, vi.parent)) ||
        nfstw_set(env, o, "varType", ascii(env, fstw_var_type_name(vi.var_type))) ||
        nfstw_set(env, o, "direction", ascii(env, fstw_direction_name(vi.direction))) ||
        nfstw_set(env, o, "encoding", nfstw_u32(env, vi.encoding)) ||
        nfstw_set(env, o, "bitwidth", nfstw_u32(env, vi.bitwidth)) ||
        nfstw_set(env, o, "width", width < 0 ? nfstw_null(env) : nfstw_i64(env, width)) ||
        nfstw_set(env, o, "isReal", nfstw_bool(env, fstw_var_is_real(&vi))) ||
        nfstw_set(env, o, "isString", nfstw_bool(env, fstw_var_is_string(&vi))) ||
        nfstw_set(env, o, "isBitVector", nfstw_bool(env, fstw_var_is_bit_vector(&vi))) ||
        nfstw_set(env, o, "is1Bit", nfstw_bool(env, fstw_var_is_1bit(&vi))) ||
        nfstw_set(env, o, "signalRef", nfstw_u32(env, vi.signal_ref)) ||
        nfstw_set(env, o, "msb", vi.has_index ? nfstw_i64(env, vi.msb) : nfstw_null(env)) ||
        nfstw_set(env, o, "lsb", vi.has_index ? nfstw_i64(env, vi.lsb) : nfstw_null(env)) ||
        nfstw_set(env, o, "enumId", vi.enum_id == FSTW_NONE ? nfstw_i64(env, -1) : nfstw_u32(env, vi.enum_id)) ||
        nfstw_set(env, o, "vhdlTypeName",
                  vi.has_vhdl_type_name ? nfstw_str_utf8(env, vi.vhdl_type_name.ptr, vi.vhdl_type_name.len)
                                        : nfstw_null(env)))
        return NULL;
    return o;
}

/* The signal ref of one var (a first getSignal need not make the array of
 * all of them). */
static napi_value fn_var_signal_ref(napi_env env, napi_callback_info info)
{
    fstw_var_info vi;
    return var_args(env, info, &vi) ? nfstw_u32(env, vi.signal_ref) : NULL;
}

/* The signal ref of every var, by var id (one call instead of a varInfo per
 * var on the hot path of batch loads). */
static napi_value fn_var_signal_refs(napi_env env, napi_callback_info info)
{
    nfstw_wave *w = wave_arg(env, info);
    if (!w)
        return NULL;
    uint32_t n = fstw_var_count(w->file);
    void *data = NULL;
    napi_value ab, ta;
    if (napi_create_arraybuffer(env, (size_t)n * sizeof(uint32_t), &data, &ab) != napi_ok)
        return NULL;
    uint32_t *refs = (uint32_t *)data;
    for (uint32_t i = 0; i < n; i++) {
        fstw_var_info vi;
        refs[i] = fstw_var_get(w->file, i, &vi) == FSTW_OK ? vi.signal_ref : UINT32_MAX;
    }
    if (napi_create_typedarray(env, napi_uint32_array, n, ab, 0, &ta) != napi_ok)
        return NULL;
    return ta;
}

static napi_value fn_enum_type(napi_env env, napi_callback_info info)
{
    uint32_t id, n = 0;
    fstw_str name;
    nfstw_wave *w = wave_id_args(env, info, &id, "enum id");
    if (!w)
        return NULL;
    if (fstw_enum_get(w->file, id, &name, &n) != FSTW_OK) {
        nfstw_throw_range(env, "enum id %u is out of range", (unsigned)id);
        return NULL;
    }
    napi_value res, list;
    if (napi_create_array_with_length(env, 2, &res) != napi_ok ||
        napi_create_array_with_length(env, n, &list) != napi_ok)
        return NULL;
    for (uint32_t i = 0; i < n; i++) {
        fstw_str val, lit;
        if (fstw_enum_pair(w->file, id, i, &val, &lit) != FSTW_OK) {
            val.ptr = lit.ptr = "";
            val.len = lit.len = 0;
        }
        napi_value pair, pv, pl;
        if (napi_create_array_with_length(env, 2, &pair) != napi_ok || !(pv = nfstw_str_utf8(env, val.ptr, val.len)) ||
            !(pl = nfstw_str_utf8(env, lit.ptr, lit.len)) || napi_set_element(env, pair, 0, pv) != napi_ok ||
            napi_set_element(env, pair, 1, pl) != napi_ok || napi_set_element(env, list, i, pair) != napi_ok)
            return NULL;
    }
    napi_value nm = nfstw_str_utf8(env, name.ptr, name.len);
    if (!nm || napi_set_element(env, res, 0, nm) != napi_ok || napi_set_element(env, res, 1, list) != napi_ok)
        return NULL;
    return res;
}

static napi_value fn_lookup_var(napi_env env, napi_callback_info info)
{
    napi_value argv[2];
    nfstw_wave *w = nfstw_wave_args(env, info, 2, argv);
    char *path = NULL;
    size_t len = 0;
    if (!w || nfstw_get_utf8(env, argv[1], "path", &path, &len) < 0)
        return NULL;
    uint32_t id = fstw_lookup_var(w->file, path, len);
    free(path);
    return nfstw_i64(env, id == FSTW_NONE ? -1 : (int64_t)id);
}

static napi_value fn_lookup_item(napi_env env, napi_callback_info info)
{
    napi_value argv[3];
    napi_valuetype t;
    uint64_t scope = FSTW_NONE;
    char *path = NULL;
    size_t len = 0;
    uint32_t id = 0;
    nfstw_wave *w = nfstw_wave_args(env, info, 3, argv);
    if (!w || napi_typeof(env, argv[1], &t) != napi_ok)
        return NULL;
    if (t != napi_null) {
        if (nfstw_get_u64(env, argv[1], "scope id", UINT32_MAX, &scope) < 0)
            return NULL;
        if (scope >= fstw_scope_count(w->file)) {
            nfstw_throw_range(env, "scope id %llu is out of range", (unsigned long long)scope);
            return NULL;
        }
    }
    if (nfstw_get_utf8(env, argv[2], "path", &path, &len) < 0)
        return NULL;
    int kind = fstw_lookup_item(w->file, (uint32_t)scope, path, len, &id);
    free(path);
    if (kind == FSTW_ITEM_NONE)
        return nfstw_i64(env, -1);
    return nfstw_i64(env, 2 * (int64_t)id + (kind == FSTW_ITEM_VAR));
}

napi_status nfstw_hier_init(napi_env env, napi_value exports)
{
    napi_property_descriptor props[] = {
        NFSTW_FN("header", fn_header),
        NFSTW_FN("topScopes", fn_top_scopes),
        NFSTW_FN("topVars", fn_top_vars),
        NFSTW_FN("uniqueVars", fn_unique_vars),
        NFSTW_FN("scopeInfo", fn_scope_info),
        NFSTW_FN("scopeScopes", fn_scope_scopes),
        NFSTW_FN("scopeVars", fn_scope_vars),
        NFSTW_FN("scopeFullName", fn_scope_full_name),
        NFSTW_FN("varFullName", fn_var_full_name),
        NFSTW_FN("varFullNames", fn_var_full_names),
        NFSTW_FN("uniqueVarFullNames", fn_unique_var_full_names),
        NFSTW_FN("scopeFullNames", fn_scope_full_names),
        NFSTW_FN("varInfo", fn_var_info),
        NFSTW_FN("varSignalRef", fn_var_signal_ref),
        NFSTW_FN("varSignalRefs", fn_var_signal_refs),
        NFSTW_FN("enumType", fn_enum_type),
        NFSTW_FN("lookupVar", fn_lookup_var),
        NFSTW_FN("lookupItem", fn_lookup_item),
    };
    return napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
}
