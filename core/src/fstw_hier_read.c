/* fstw_hier_read.c - what a read hierarchy answers (fstw_hier.c builds it):
 * scope and var records, counts, top-level lists, pywellen's all_vars order,
 * the Var rules (width, predicates), the signal-ref check, path lookup and
 * enum tables.  Names are byte slices of h->strings (fstw_hier.c). */
#include "fstw_internal.h"
#include <string.h>

static fstw_str str_at(const fstw_file *f, uint32_t off, uint32_t len)
{
    fstw_str s = { (const char *)f->hier.strings.data + off, len };
    if (!f->hier.strings.data) s.ptr = "";
    return s;
}

uint32_t fstw_scope_count(const fstw_file *f) { return f->hier.n_scopes ? f->hier.n_scopes - 1 : 0; }
uint32_t fstw_var_count(const fstw_file *f) { return f->hier.n_vars; }
uint32_t fstw_signal_count(const fstw_file *f)
{
    /* with derived signals (FSTW_HIERARCHY_PYWELLEN_025) the refs after the
     * vars' signals are theirs, as in wellen */
    if (f->hier.n_derived) return f->hier.n_handles;
    return f->n_geom > f->hier.n_handles ? f->n_geom : f->hier.n_handles;
}

size_t fstw_signal_inputs(const fstw_file *f, uint32_t ref, fstw_piece *pieces, size_t cap)
{
    const fstwi_derived *d = fstwi_derived_of(&f->hier, ref);
    if (!d) return 0;
    for (uint32_t i = 0; i < d->n && i < cap; i++) pieces[i] = d->pieces[i];
    return d->n;
}

int fstw_check_signal_ref(const fstw_file *f, uint32_t ref, fstw_error *err)
{
    uint32_t n = fstw_signal_count(f);
    if (ref < n) return FSTW_OK;
    return fstwi_fail(err, FSTW_ERR_ARG, "signal ref %u is out of range for this file (%u signals)",
                      (unsigned)ref, (unsigned)n);
}

int fstw_scope_get(const fstw_file *f, uint32_t id, fstw_scope_info *out)
{
    if (id >= fstw_scope_count(f)) return FSTW_ERR_ARG;
    const fstwi_scope_rec *r = &f->hier.scopes[id + 1];
    out->name = str_at(f, r->name_off, r->name_len);
    out->component = str_at(f, r->comp_off, r->comp_len);
    out->parent = r->parent ? r->parent - 1 : FSTW_NONE;
    out->type = r->type;
    out->scopes = r->scopes;
    out->n_scopes = r->n_scopes;
    out->vars = r->vars;
    out->n_vars = r->n_vars;
    return FSTW_OK;
}

int fstw_var_get(const fstw_file *f, uint32_t id, fstw_var_info *out)
{
    if (id >= f->hier.n_vars) return FSTW_ERR_ARG;
    const fstwi_var_rec *v = &f->hier.vars[id];
    out->name = str_at(f, v->name_off, v->name_len);
    out->parent = v->parent ? v->parent - 1 : FSTW_NONE;
    out->var_type = v->var_type;
    out->direction = v->direction;
    out->encoding = v->encoding;
    out->bitwidth = v->bitwidth;
    out->signal_ref = v->signal_ref;
    if (f->hier.rules25) {
        /* wellen 0.25: the signal's encoding; events are 0-bit vectors */
        const fstwi_derived *d = fstwi_derived_of(&f->hier, v->signal_ref);
        if (d) { out->encoding = FSTW_ENC_BITS; out->bitwidth = d->width; }
        else if (v->signal_ref < f->hier.cap_sig) {
            out->encoding = f->hier.sig_enc[v->signal_ref];
            out->bitwidth = f->hier.sig_bits[v->signal_ref];
        }
        if (out->encoding == FSTW_ENC_EVENT) { out->encoding = FSTW_ENC_BITS; out->bitwidth = 0; }
    }
    const fstwi_var_ext *e = v->ext != FSTW_NONE ? &f->hier.var_ext[v->ext] : NULL;
    out->has_index = v->has_index;
    out->msb = v->has_index ? e->msb : 0;
    out->lsb = v->has_index ? e->lsb : 0;
    out->enum_id = e ? e->enum_id : FSTW_NONE;
    out->has_vhdl_type_name = e && e->vhdl_len != UINT32_MAX;
    out->vhdl_type_name = out->has_vhdl_type_name ? str_at(f, e->vhdl_off, e->vhdl_len) : str_at(f, 0, 0);
    return FSTW_OK;
}

int64_t fstw_var_width(const fstw_var_info *v)
{
    switch (v->encoding) {
    case FSTW_ENC_BITS: return v->bitwidth;
    case FSTW_ENC_EVENT: return 0;
    default: return -1;
    }
}

int fstw_var_is_real(const fstw_var_info *v) { return v->encoding == FSTW_ENC_REAL; }
int fstw_var_is_string(const fstw_var_info *v) { return v->encoding == FSTW_ENC_STRING; }
int fstw_var_is_bit_vector(const fstw_var_info *v) { return v->encoding == FSTW_ENC_BITS; }
int fstw_var_is_1bit(const fstw_var_info *v) { return v->encoding == FSTW_ENC_BITS && v->bitwidth == 1; }

const uint32_t *fstw_top_scopes(const fstw_file *f, uint32_t *n)
{
    *n = f->hier.n_scopes ? f->hier.scopes[0].n_scopes : 0;
    return f->hier.n_scopes ? f->hier.scopes[0].scopes : NULL;
}

const uint32_t *fstw_top_vars(const fstw_file *f, uint32_t *n)
{
    *n = f->hier.n_scopes ? f->hier.scopes[0].n_vars : 0;
    return f->hier.n_scopes ? f->hier.scopes[0].vars : NULL;
}

const uint32_t *fstw_unique_vars(const fstw_file *f, uint32_t *n)
{
    *n = f->hier.n_unique;
    return f->hier.unique_vars;
}

static int name_is(const fstw_file *f, uint32_t off, uint32_t len, const char *s, size_t n)
{
    return len == n && (n == 0 || memcmp(f->hier.strings.data + off, s, n) == 0);
}

uint32_t fstw_lookup_var(const fstw_file *f, const char *path, size_t len)
{
    if (!f->hier.n_scopes) return FSTW_NONE;
    uint32_t scope = 0; /* root */
    size_t start = 0;
    for (;;) {
        const char *dot = memchr(path + start, '.', len - start);
        size_t end = dot ? (size_t)(dot - path) : len;
        const fstwi_scope_rec *r = &f->hier.scopes[scope];
        if (!dot) {
            for (uint32_t i = 0; i < r->n_vars; i++) {
                const fstwi_var_rec *v = &f->hier.vars[r->vars[i]];
                if (name_is(f, v->name_off, v->name_len, path + start, end - start)) return r->vars[i];
            }
            return FSTW_NONE;
        }
        uint32_t next = FSTW_NONE;
        for (uint32_t i = 0; i < r->n_scopes; i++) {
            const fstwi_scope_rec *c = &f->hier.scopes[r->scopes[i] + 1];
            if (name_is(f, c->name_off, c->name_len, path + start, end - start)) { next = r->scopes[i] + 1; break; }
        }
        if (next == FSTW_NONE) return FSTW_NONE;
        scope = next;
        start = end + 1;
    }
}

uint32_t fstw_enum_count(const fstw_file *f) { return f->hier.n_enums; }

int fstw_enum_get(const fstw_file *f, uint32_t id, fstw_str *name, uint32_t *n)
{
    if (id >= f->hier.n_enums) return FSTW_ERR_ARG;
    const fstwi_enum_rec *e = &f->hier.enums[id];
    *name = str_at(f, e->name_off, e->name_len);
    *n = e->n_pairs;
    return FSTW_OK;
}

int fstw_enum_pair(const fstw_file *f, uint32_t id, uint32_t i, fstw_str *value, fstw_str *literal)
{
    if (id >= f->hier.n_enums || i >= f->hier.enums[id].n_pairs) return FSTW_ERR_ARG;
    const uint32_t *q = &f->hier.pair_offs[(size_t)(f->hier.enums[id].first_pair + i) * 4];
    *value = str_at(f, q[0], q[1]);
    *literal = str_at(f, q[2], q[3]);
    return FSTW_OK;
}
