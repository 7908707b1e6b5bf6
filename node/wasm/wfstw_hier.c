/*
 * wfstw_hier.c - the header and the hierarchy of an open file for the wasm
 * backend (node/lib/backend/hier.js): records as doubles in out[] (strings
 * as pointer and length into the core's memory, valid while the file is
 * open), id lists as (pointer, count), full names into a caller's buffer.
 */
#include "wfstw.h"

#include <string.h>

static void put_str(double *out, fstw_str s)
{
    out[0] = (double)(uintptr_t)s.ptr;
    out[1] = (double)s.len;
}

static void put_cstr(double *out, const char *s)
{
    out[0] = (double)(uintptr_t)s;
    out[1] = (double)strlen(s);
}

/* Header: out = [version p, l, date p, l, start, end, has timescale, factor,
 * unit exponent, unit p, l, scopes, vars, signals]; the times as doubles and
 * exactly in out64[0..1]. */
WFSTW_API void wfstw_header(fstw_file *f, double *out, uint64_t *out64)
{
    const fstw_header *h = fstw_file_header(f);
    put_cstr(out, h->version);
    put_cstr(out + 2, h->date);
    out64[0] = h->start_time;
    out64[1] = h->end_time;
    uint32_t factor;
    int unit;
    out[6] = fstw_timescale(f, &factor, &unit) == 0;
    if (out[6]) {
        out[7] = factor;
        out[8] = unit;
        put_cstr(out + 9, fstw_timescale_unit_name(unit));
    }
    out[11] = fstw_scope_count(f);
    out[12] = fstw_var_count(f);
    out[13] = fstw_signal_count(f);
}

/* Id lists: the pointer, the count in *n. which: 0 top scopes, 1 top vars,
 * 2 unique vars. */
WFSTW_API const uint32_t *wfstw_ids(fstw_file *f, int which, uint32_t *n)
{
    *n = 0;
    const uint32_t *p = which == 0 ? fstw_top_scopes(f, n) : which == 1 ? fstw_top_vars(f, n) : fstw_unique_vars(f, n);
    if (!p) *n = 0;
    return p;
}

/* Scope id: out = [name p, l, type name p, l, parent (-1 top), scopes p, n,
 * vars p, n]; FSTW_ERR_ARG when out of range. */
WFSTW_API int wfstw_scope(fstw_file *f, uint32_t id, double *out)
{
    fstw_scope_info s;
    if (fstw_scope_get(f, id, &s) != FSTW_OK) return FSTW_ERR_ARG;
    put_str(out, s.name);
    put_cstr(out + 2, fstw_scope_type_name(s.type));
    out[4] = s.parent == FSTW_NONE ? -1 : (double)s.parent;
    out[5] = (double)(uintptr_t)s.scopes;
    out[6] = s.scopes ? s.n_scopes : 0;
    out[7] = (double)(uintptr_t)s.vars;
    out[8] = s.vars ? s.n_vars : 0;
    return FSTW_OK;
}

/* Var id: out = [name p, l, parent, var type p, l, direction p, l,
 * encoding, bitwidth, width (-1 none), is real, is string, is bit vector,
 * is 1 bit, signal ref, has index, msb, lsb, enum id (-1 none), has vhdl
 * type name, its p, l]; FSTW_ERR_ARG when out of range. */
WFSTW_API int wfstw_var(fstw_file *f, uint32_t id, double *out)
{
    fstw_var_info v;
    if (fstw_var_get(f, id, &v) != FSTW_OK) return FSTW_ERR_ARG;
    put_str(out, v.name);
    out[2] = v.parent == FSTW_NONE ? -1 : (double)v.parent;
    put_cstr(out + 3, fstw_var_type_name(v.var_type));
    put_cstr(out + 5, fstw_direction_name(v.direction));
    out[7] = v.encoding;
    out[8] = v.bitwidth;
    out[9] = (double)fstw_var_width(&v);
    out[10] = fstw_var_is_real(&v);
    out[11] = fstw_var_is_string(&v);
    out[12] = fstw_var_is_bit_vector(&v);
    out[13] = fstw_var_is_1bit(&v);
    out[14] = v.signal_ref;
    out[15] = v.has_index;
    out[16] = (double)v.msb;
    out[17] = (double)v.lsb;
    out[18] = v.enum_id == FSTW_NONE ? -1 : (double)v.enum_id;
    out[19] = v.has_vhdl_type_name;
    if (v.has_vhdl_type_name) put_str(out + 20, v.vhdl_type_name);
    return FSTW_OK;
}

/* The full name of var (is_var) or scope id into buf (cap bytes): its length
 * (which may exceed cap: call again with a larger buffer). */
WFSTW_API double wfstw_full_name(fstw_file *f, int is_var, uint32_t id, char *buf, double cap)
{
    return (double)(is_var ? fstw_var_full_name(f, id, buf, (size_t)cap) : fstw_scope_full_name(f, id, buf, (size_t)cap));
}

WFSTW_API double wfstw_lookup_var(fstw_file *f, const char *path, double len)
{
    uint32_t v = fstw_lookup_var(f, path, (size_t)len);
    return v == FSTW_NONE ? -1 : (double)v;
}

/* fstw_lookup_item: 2 * scope, 2 * var + 1, or -1 (scope -1: from the top
 * level; the caller checks the scope id's range). */
WFSTW_API double wfstw_lookup_item(fstw_file *f, double scope, const char *path, double len)
{
    uint32_t id = 0;
    int kind = fstw_lookup_item(f, scope < 0 ? FSTW_NONE : (uint32_t)scope, path, (size_t)len, &id);
    if (kind == FSTW_ITEM_NONE) return -1;
    return 2.0 * id + (kind == FSTW_ITEM_VAR);
}

/* Enum id: out = [name p, l, count]; then wfstw_enum_pair for each. */
WFSTW_API int wfstw_enum(fstw_file *f, uint32_t id, double *out)
{
    fstw_str name;
    uint32_t n = 0;
    if (fstw_enum_get(f, id, &name, &n) != FSTW_OK) return FSTW_ERR_ARG;
    put_str(out, name);
    out[2] = n;
    return FSTW_OK;
}

/* out = [value p, l, literal p, l] (empty ones when the pair is missing). */
WFSTW_API void wfstw_enum_pair(fstw_file *f, uint32_t id, uint32_t i, double *out)
{
    fstw_str val = { "", 0 }, lit = { "", 0 };
    if (fstw_enum_pair(f, id, i, &val, &lit) != FSTW_OK) {
        val.ptr = lit.ptr = "";
        val.len = lit.len = 0;
    }
    put_str(out, val);
    put_str(out + 2, lit);
}

/* The full names of vars (is_var) or scopes ids[0..n) (ids NULL: 0..n-1)
 * joined into buf (cap bytes, each name followed by the core's NUL, which
 * the next name overwrites), offsets[k] where name k starts, offsets[n] the
 * end: returns the bytes all names take (plus one for the last NUL); when
 * that is more than cap, buf holds only the names that fit (call again with
 * a larger buffer). */
WFSTW_API double wfstw_joined_names(fstw_file *f, int is_var, const uint32_t *ids, uint32_t n, uint32_t *offsets,
                                    char *buf, double cap)
{
    size_t (*fn)(const fstw_file *, uint32_t, char *, size_t) = is_var ? fstw_var_full_name : fstw_scope_full_name;
    size_t len = 0, room = (size_t)cap;
    for (uint32_t k = 0; k < n; k++) {
        uint32_t id = ids ? ids[k] : k;
        offsets[k] = (uint32_t)len;
        len += len < room ? fn(f, id, buf + len, room - len) : fn(f, id, NULL, 0);
    }
    offsets[n] = (uint32_t)len;
    return (double)len + 1;
}
