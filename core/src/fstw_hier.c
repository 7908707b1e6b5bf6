/* fstw_hier.c - building the hierarchy from the FST hierarchy block, the way
 * wellen 0.20.5 does (wellen/src/fst.rs read_hierarchy, hierarchy.rs
 * HierarchyBuilder): scopes, vars, duplicate-scope merging, array scopes
 * from names, enum tables, VHDL supplemental attributes, the alias map from
 * FST handles to signal refs.  Entries pywellen panics on (unknown
 * attributes, bad enum tables) are skipped (deviation D5 in docs/api.md). */
#include "fstw_internal.h"
#include <stdlib.h>
#include <string.h>

/* hierarchy entry tags (libfst fstScopeType / fstHierType) */
enum { TAG_ATTR_BEGIN = 252, TAG_ATTR_END = 253, TAG_SCOPE = 254, TAG_UPSCOPE = 255 };
/* attribute types and misc subtypes (libfst fstAttrType / fstMiscType) */
enum { AT_MISC = 0, AT_ARRAY = 1, AT_ENUM = 2, AT_PACK = 3 };
enum { MT_COMMENT = 0, MT_ENVVAR = 1, MT_SUPVAR = 2, MT_PATHNAME = 3, MT_SOURCESTEM = 4,
       MT_SOURCEISTEM = 5, MT_VALUELIST = 6, MT_ENUMTABLE = 7 };


typedef struct pending_attr {
    int kind;              /* 1 = VHDL type info, 2 = enum ref */
    uint32_t str_off, str_len;
    uint32_t vhdl_var_type, vhdl_data_type;
    uint64_t handle;
} pending_attr;

/* An open-addressing table of ids, a power of two in size and at most half
 * full; a slot holds an id and the 32-bit hash of its contents (the upper
 * half; TAB_EMPTY when free), so that a probe reads the contents of an id
 * only when the hashes agree (a scope's record is a cache miss). */
typedef struct id_table {
    uint64_t *slot;
    size_t cap, used;
} id_table;
#define TAB_EMPTY UINT64_MAX

typedef struct builder {
    fstwi_hier *h;
    int remove_empty;
    int rules25;               /* FSTW_HIERARCHY_PYWELLEN_025 */
    /* (rules25) per internal scope: the last item added to it (wellen's
     * "previous child"), kind FSTW_ITEM_*; per var: its derived signal + 1 */
    uint8_t *last_kind;
    uint32_t *last_id;
    uint32_t n_last, cap_last, cap_last_kind;
    uint32_t *var_derived;
    uint32_t cap_var_derived;
    /* scope stack: internal scope id, or UINT32_MAX for a flattened scope */
    uint32_t *stack;
    size_t depth, cap_stack;
    id_table map;              /* (parent, name) -> scope */
    id_table ext_map;          /* contents -> h->var_ext id */
    pending_attr *attrs;
    size_t n_attrs, cap_attrs;
    /* enum handle -> enum id */
    uint64_t *enum_handles;
    uint32_t *enum_ids;
    size_t n_enum_handles, cap_enum_handles;
    uint32_t handle_count;
} builder;

static int grow(void **p, uint32_t *cap, size_t need, size_t elem);

/* enum handle -> enum id: open addressing over enum_handles/enum_ids
 * (UINT32_MAX id = empty slot).  A file may hold many enum tables and many
 * references to them; the linear search this replaces was quadratic (100000
 * references to the first table: 9 s). */
static size_t enum_slot(uint64_t handle, size_t mask)
{
    uint64_t x = handle * 0x9E3779B97F4A7C15ull;
    return (size_t)(x ^ (x >> 32)) & mask;
}

static uint32_t enum_map_get(const builder *b, uint64_t handle)
{
    if (!b->cap_enum_handles) return FSTW_NONE;
    size_t mask = b->cap_enum_handles - 1;
    for (size_t j = enum_slot(handle, mask); b->enum_ids[j] != UINT32_MAX; j = (j + 1) & mask)
        if (b->enum_handles[j] == handle) return b->enum_ids[j];
    return FSTW_NONE;
}

/* A later table with the same handle replaces the earlier one, as the
 * newest-first search did. */
static int enum_map_put(builder *b, uint64_t handle, uint32_t id)
{
    if ((b->n_enum_handles + 1) * 2 > b->cap_enum_handles) {
        size_t cap = b->cap_enum_handles ? b->cap_enum_handles * 2 : 64;
        uint64_t *keys = malloc(cap * sizeof *keys);
        uint32_t *ids = malloc(cap * sizeof *ids);
        if (!keys || !ids) { free(keys); free(ids); return -1; }
        for (size_t i = 0; i < cap; i++) ids[i] = UINT32_MAX;
        for (size_t i = 0; i < b->cap_enum_handles; i++) {
            if (b->enum_ids[i] == UINT32_MAX) continue;
            size_t j = enum_slot(b->enum_handles[i], cap - 1);
            while (ids[j] != UINT32_MAX) j = (j + 1) & (cap - 1);
            keys[j] = b->enum_handles[i];
            ids[j] = b->enum_ids[i];
        }
        free(b->enum_handles);
        free(b->enum_ids);
        b->enum_handles = keys;
        b->enum_ids = ids;
        b->cap_enum_handles = cap;
    }
    size_t mask = b->cap_enum_handles - 1, j = enum_slot(handle, mask);
    while (b->enum_ids[j] != UINT32_MAX && b->enum_handles[j] != handle) j = (j + 1) & mask;
    if (b->enum_ids[j] == UINT32_MAX) b->n_enum_handles++;
    b->enum_handles[j] = handle;
    b->enum_ids[j] = id;
    return 0;
}

static int grow(void **p, uint32_t *cap, size_t need, size_t elem)
{
    if (need <= *cap) return 0;
    size_t c = *cap ? *cap : 16;
    while (c < need) c *= 2;
    if (c > UINT32_MAX - 1) return -1;
    void *q = realloc(*p, c * elem);
    if (!q) return -1;
    *p = q;
    *cap = (uint32_t)c;
    return 0;
}

static int grow_sz(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap) return 0;
    size_t c = *cap ? *cap : 16;
    while (c < need) c *= 2;
    void *q = realloc(*p, c * elem);
    if (!q) return -1;
    *p = q;
    *cap = c;
    return 0;
}

/* While parsing, every name is a slice of the hierarchy bytes (h->strings):
 * no copy, only its offset (compact_strings copies them out at the end).  -1 for a slice outside them (cannot happen: every caller's
 * pointer comes from the cursor over those bytes) or past 4 GB. */
static int add_string(fstwi_hier *h, const void *s, size_t len, uint32_t *off)
{
    const uint8_t *p = s, *base = h->strings.data;
    if (len == 0) { *off = 0; return 0; }
    if (p < base || p + len > base + h->strings.len || (size_t)(p - base) + len > UINT32_MAX) return -1;
    *off = (uint32_t)(p - base);
    return 0;
}

/* A hash of n bytes (8 at a time, the last 8 overlapping; no variable-size
 * copies: names are short) mixed with seed. */
static inline uint64_t bytes_hash(uint64_t seed, const uint8_t *p, size_t n)
{
    uint64_t x = (seed + n) * 0x9E3779B97F4A7C15ull, w = 0;
    if (n >= 8) {
        const uint8_t *last = p + n - 8;
        for (; p < last; p += 8) {
            memcpy(&w, p, 8);
            x = (x ^ w) * 0xBF58476D1CE4E5B9ull;
            x ^= x >> 31;
        }
        memcpy(&w, last, 8);
    } else {
        for (size_t i = 0; i < n; i++) w |= (uint64_t)p[i] << (8 * i);
    }
    /* splitmix64's finalizer: every input bit reaches the high half, which
     * the tables index by (one multiply alone left names that differ only in
     * their last bytes in a few slots: 340,000 probes for 7,705 scopes) */
    x ^= w;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

/* Makes t's slots cap (a power of two, above twice the ids it holds); 0 or
 * -1 (out of memory, t unchanged). */
static int tab_resize(id_table *t, size_t cap)
{
    uint64_t *slot = malloc(cap * sizeof *slot);
    if (!slot) return -1;
    memset(slot, 0xff, cap * sizeof *slot);
    for (size_t i = 0; i < t->cap; i++) {
        if (t->slot[i] == TAB_EMPTY) continue;
        size_t j = (size_t)(t->slot[i] >> 32) & (cap - 1);
        while (slot[j] != TAB_EMPTY) j = (j + 1) & (cap - 1);
        slot[j] = t->slot[i];
    }
    free(t->slot);
    t->slot = slot;
    t->cap = cap;
    return 0;
}

/* Room for one more id; 0 or -1. */
static int tab_reserve(id_table *t)
{
    if ((t->used + 1) * 2 <= t->cap) return 0;
    return tab_resize(t, t->cap ? t->cap * 2 : 256);
}

/* The next id from slot *i on whose hash is `hash`, or UINT32_MAX at the
 * first free slot (*i is then where an id of that hash goes).  Start with
 * *i = hash & (cap - 1); the table must have slots. */
static uint32_t tab_next(const id_table *t, size_t *i, uint32_t hash)
{
    size_t mask = t->cap - 1;
    for (; t->slot[*i] != TAB_EMPTY; *i = (*i + 1) & mask)
        if ((uint32_t)(t->slot[*i] >> 32) == hash) {
            uint32_t id = (uint32_t)t->slot[*i];
            *i = (*i + 1) & mask;
            return id;
        }
    return UINT32_MAX;
}

/* Adds id of hash `hash` (call tab_reserve first). */
static void tab_put(id_table *t, uint32_t hash, uint32_t id)
{
    size_t i = hash & (t->cap - 1);
    while (tab_next(t, &i, hash) != UINT32_MAX) {}
    t->slot[i] = (uint64_t)hash << 32 | id;
    t->used++;
}

static uint32_t scope_hash(uint32_t parent, const uint8_t *s, size_t len)
{
    return (uint32_t)(bytes_hash(parent, s, len) >> 32);
}

static int map_put(builder *b, uint32_t scope)
{
    const fstwi_scope_rec *r = &b->h->scopes[scope];
    if (tab_reserve(&b->map)) return -1;
    tab_put(&b->map, scope_hash(r->parent, b->h->strings.data + r->name_off, r->name_len), scope);
    return 0;
}

static uint32_t map_find(const builder *b, uint32_t parent, const uint8_t *s, size_t len)
{
    if (!b->map.cap) return UINT32_MAX;
    uint32_t hash = scope_hash(parent, s, len), id;
    size_t i = hash & (b->map.cap - 1);
    while ((id = tab_next(&b->map, &i, hash)) != UINT32_MAX) {
        const fstwi_scope_rec *r = &b->h->scopes[id];
        if (r->parent == parent && r->name_len == len &&
            memcmp(b->h->strings.data + r->name_off, s, len) == 0)
            return id;
    }
    return UINT32_MAX;
}

/* The innermost scope that was not flattened (wellen's find_parent_scope). */
static uint32_t current_parent(const builder *b)
{
    for (size_t i = b->depth; i-- > 0;)
        if (b->stack[i] != UINT32_MAX) return b->stack[i];
    return 0;
}

static int push(builder *b, uint32_t scope)
{
    if (grow_sz((void **)&b->stack, &b->cap_stack, b->depth + 1, sizeof *b->stack)) return -1;
    b->stack[b->depth++] = scope;
    return 0;
}

/* (rules25) Item `id` of kind FSTW_ITEM_* was added to internal scope
 * `parent`: it is the parent's previous child for the next var. */
static int note_item(builder *b, uint32_t parent, uint8_t kind, uint32_t id)
{
    uint32_t need = b->h->n_scopes;
    if (need > b->n_last) {
        if (grow((void **)&b->last_kind, &b->cap_last_kind, need, 1) ||
            grow((void **)&b->last_id, &b->cap_last, need, sizeof *b->last_id))
            return -1;
        for (uint32_t k = b->n_last; k < need; k++) b->last_kind[k] = FSTW_ITEM_NONE;
        b->n_last = need;
    }
    b->last_kind[parent] = kind;
    b->last_id[parent] = id;
    return 0;
}

/* wellen's add_scope: reopen a same-named child of the current parent, or
 * flatten (remove_scopes_with_empty_name), or add a new scope. */
static int add_scope(builder *b, const uint8_t *name, size_t name_len, const uint8_t *comp,
                     size_t comp_len, uint8_t type, int flatten)
{
    fstwi_hier *h = b->h;
    uint32_t parent = current_parent(b);
    uint32_t dup = map_find(b, parent, name, name_len);
    if (dup != UINT32_MAX) return push(b, dup);
    if (flatten) return push(b, UINT32_MAX);
    if (grow((void **)&h->scopes, &h->cap_scopes, (size_t)h->n_scopes + 1, sizeof *h->scopes))
        return -1;
    uint32_t id = h->n_scopes;
    fstwi_scope_rec *r = &h->scopes[id];
    memset(r, 0, sizeof *r);
    if (add_string(h, name, name_len, &r->name_off)) return -1;
    r = &h->scopes[id];
    r->name_len = (uint32_t)name_len;
    if (add_string(h, comp, comp_len, &r->comp_off)) return -1;
    r->comp_len = (uint32_t)comp_len;
    r->parent = parent;
    r->type = type;
    r->vars_before = h->n_vars;
    h->n_scopes++;
    if (b->rules25 && note_item(b, parent, FSTW_ITEM_SCOPE, id)) return -1;
    if (map_put(b, id)) return -1;
    return push(b, id);
}

static void pop(builder *b)
{
    if (b->depth > 1) b->depth--;  /* an extra upscope is ignored */
}

static const uint8_t vhdl_merge[17] = {
    /* FstVhdlDataType -> var type (255 = keep the FST var type), wellen's
     * merge_vhdl_data_and_var_type */
    255, FSTW_VT_BOOLEAN, 22 /* Bit */, FSTW_VT_BIT_VECTOR, FSTW_VT_STD_ULOGIC,
    FSTW_VT_STD_ULOGIC_VECTOR, FSTW_VT_STD_LOGIC, FSTW_VT_STD_LOGIC_VECTOR, 255, 255,
    1 /* Integer */, 3 /* Real */, 1, 1, 8 /* Time */, 255, 21 /* String */
};

/* A var's range, enum and VHDL type name when it has none of them. */
static const fstwi_var_ext EXT_NONE = { 0, 0, FSTW_NONE, 0, UINT32_MAX };

static uint32_t ext_hash(const fstwi_hier *h, const fstwi_var_ext *e)
{
    uint64_t x = bytes_hash((uint64_t)e->msb ^ ((uint64_t)e->enum_id << 32), (const uint8_t *)&e->lsb, 8);
    if (e->vhdl_len != UINT32_MAX) x = bytes_hash(x, h->strings.data + e->vhdl_off, e->vhdl_len);
    return (uint32_t)(x >> 32);
}

/* The id in h->var_ext of a record equal to *e (its type name compared by
 * contents), added when there is none yet; 0 or -1 (out of memory). */
static int ext_intern(builder *b, const fstwi_var_ext *e, uint32_t *out)
{
    fstwi_hier *h = b->h;
    if (tab_reserve(&b->ext_map)) return -1;
    uint32_t hash = ext_hash(h, e), id;
    size_t i = hash & (b->ext_map.cap - 1);
    while ((id = tab_next(&b->ext_map, &i, hash)) != UINT32_MAX) {
        const fstwi_var_ext *o = &h->var_ext[id];
        if (o->msb == e->msb && o->lsb == e->lsb && o->enum_id == e->enum_id &&
            o->vhdl_len == e->vhdl_len &&
            (e->vhdl_len == UINT32_MAX ||
             memcmp(h->strings.data + o->vhdl_off, h->strings.data + e->vhdl_off, e->vhdl_len) == 0)) {
            *out = id;
            return 0;
        }
    }
    if (grow((void **)&h->var_ext, &h->cap_var_ext, (size_t)h->n_var_ext + 1, sizeof *h->var_ext))
        return -1;
    id = h->n_var_ext++;
    h->var_ext[id] = *e;
    tab_put(&b->ext_map, hash, id);
    *out = id;
    return 0;
}

/* handle_to_var to `want` entries (at most UINT32_MAX), new ones FSTW_NONE;
 * 0 or -1 (out of memory, unchanged). */
static int grow_handles(fstwi_hier *h, size_t want)
{
    if (want > UINT32_MAX) want = UINT32_MAX;
    if (want <= h->cap_handles) return 0;
    uint32_t *p = realloc(h->handle_to_var, want * sizeof *p);
    if (!p) return -1;
    for (size_t i = h->cap_handles; i < want; i++) p[i] = FSTW_NONE;
    h->handle_to_var = p;
    h->cap_handles = (uint32_t)want;
    return 0;
}

/* ---- wellen 0.25's rules (FSTW_HIERARCHY_PYWELLEN_025) */

/* wellen 0.25's set_encoding_for_ground_signal: the signal's encoding is the
 * one its last var declares (String, Real, BitVector(0) for events, else
 * BitVector(length)). */
static int note_encoding(fstwi_hier *h, uint8_t fst_type, uint32_t length, uint32_t ref)
{
    if (ref >= h->cap_sig) {
        uint32_t cap = h->cap_sig;
        if (grow((void **)&h->sig_bits, &cap, (size_t)ref + 1, sizeof *h->sig_bits)) return -1;
        uint32_t cap2 = h->cap_sig;
        if (grow((void **)&h->sig_enc, &cap2, cap, 1)) return -1;
        memset(h->sig_enc + h->cap_sig, FSTW_ENC_BITS, cap - h->cap_sig);
        memset(h->sig_bits + h->cap_sig, 0, (cap - h->cap_sig) * sizeof *h->sig_bits);
        h->cap_sig = cap;
    }
    uint8_t enc;
    switch (fst_type) {
    case 21: enc = FSTW_ENC_STRING; break;
    case 3: case 4: case 20: case 29: enc = FSTW_ENC_REAL; break;
    case 0: enc = FSTW_ENC_EVENT; break;
    default: enc = FSTW_ENC_BITS; break;
    }
    h->sig_enc[ref] = enc;
    h->sig_bits[ref] = enc == FSTW_ENC_BITS ? length : 0;
    return 0;
}


/* wellen 0.25's handle_verilator_array_element: inside an array scope,
 * Verilator repeats the array's name in its elements ("mem[0]" in scope
 * "mem"): the array scopes the name would make again are dropped, and a
 * name that starts with the scope's name keeps only the rest. */
static void verilator_element(builder *b, fstwi_parsed_name *pn)
{
    const fstwi_hier *h = b->h;
    uint32_t parent = current_parent(b);
    if (parent == 0) return;
    const fstwi_scope_rec *p = &h->scopes[parent];
    if (p->type != FSTW_SCOPE_VHDL_ARRAY && p->type != FSTW_SCOPE_SV_ARRAY) return;
    const uint8_t *pname = h->strings.data + p->name_off;
    int prefixed = pn->name_len >= p->name_len && memcmp(pn->name, pname, p->name_len) == 0;
    /* the array scopes that already exist above are not made again */
    uint32_t pp = prefixed ? p->parent : parent;
    while (pp != 0 && pn->n_scopes > 0) {
        const fstwi_scope_rec *q = &h->scopes[pp];
        size_t k = (size_t)pn->n_scopes - 1;
        if (pn->scope_len[k] != q->name_len ||
            (q->name_len && memcmp(pn->scope_ptr[k], h->strings.data + q->name_off, q->name_len) != 0))
            break;
        pn->n_scopes--;
        pp = q->parent;
    }
    if (prefixed) {
        pn->name += p->name_len;
        pn->name_len -= p->name_len;
    }
}

static void var_index(const fstwi_hier *h, const fstwi_var_rec *v, int64_t *msb, int64_t *lsb)
{
    *msb = h->var_ext[v->ext].msb;
    *lsb = h->var_ext[v->ext].lsb;
}

static uint64_t index_width(int64_t msb, int64_t lsb)
{
    return (uint64_t)(msb >= lsb ? msb - lsb : lsb - msb) + 1;
}

/* Var id's bit range becomes [msb:lsb] (its width with it); 0 or -1. */
static int set_var_index(builder *b, uint32_t id, int64_t msb, int64_t lsb)
{
    fstwi_hier *h = b->h;
    fstwi_var_rec *v = &h->vars[id];
    fstwi_var_ext x = v->ext != FSTW_NONE ? h->var_ext[v->ext] : EXT_NONE;
    x.msb = msb;
    x.lsb = lsb;
    if (ext_intern(b, &x, &v->ext)) return -1;
    v->has_index = 1;
    uint64_t w = index_width(msb, lsb);
    v->bitwidth = w > UINT32_MAX ? UINT32_MAX : (uint32_t)w;
    return 0;
}

/* Adds a piece to derived signal d, on the MSB side (left) or the LSB side,
 * joined with its neighbour when that is the adjacent range of the same
 * signal (wellen's concat_left / concat_right). */
static int add_piece(fstwi_derived *d, uint32_t ref, uint32_t width, int left)
{
    if (width == 0) return 0;
    fstw_piece x = { ref, width - 1, 0 };
    d->width += width;
    if (d->n) {
        fstw_piece *o = left ? &d->pieces[0] : &d->pieces[d->n - 1];
        if (o->ref == ref && left && x.lsb == o->msb + 1) { o->msb = x.msb; return 0; }
        if (o->ref == ref && !left && x.msb + 1 == o->lsb) { o->lsb = x.lsb; return 0; }
    }
    if (grow((void **)&d->pieces, &d->cap, (size_t)d->n + 1, sizeof *d->pieces)) return -1;
    if (left) memmove(d->pieces + 1, d->pieces, d->n * sizeof *d->pieces);
    d->pieces[left ? 0 : d->n] = x;
    d->n++;
    return 0;
}

/* wellen 0.25's check_for_split_var: when the previous item of the scope is
 * a var of the same name with a bit range, this var's range (as wide as its
 * signal) extends it on the MSB or LSB side: the previous var grows and its
 * signal becomes (or stays) derived, and this var is not added.  As in
 * wellen, the previous var becomes derived (a piece of its own signal) even
 * when the ranges do not meet.  1 merged, 0 not, -1 out of memory. */
static int merge_split(builder *b, const fstwi_parsed_name *pn, uint8_t fst_type, uint32_t length,
                       uint32_t signal_ref)
{
    fstwi_hier *h = b->h;
    /* only bit vectors as wide as their range (real, string and event types are not) */
    if (!pn->has_index || length == 0 || fst_type == 21 || fst_type == 3 || fst_type == 4 ||
        fst_type == 20 || fst_type == 29 || fst_type == 0)
        return 0;
    if (index_width(pn->msb, pn->lsb) != length) return 0;
    uint32_t parent = current_parent(b);
    if (parent >= b->n_last || b->last_kind[parent] != FSTW_ITEM_VAR) return 0;
    uint32_t prev = b->last_id[parent];
    fstwi_var_rec *pv = &h->vars[prev];
    if (pv->name_len != pn->name_len ||
        (pn->name_len && memcmp(h->strings.data + pv->name_off, pn->name, pn->name_len) != 0))
        return 0;
    if (!pv->has_index) return 0;
    int64_t pmsb, plsb;
    var_index(h, pv, &pmsb, &plsb);
    uint32_t d = b->var_derived[prev];
    if (d == 0) {
        if (pv->encoding != FSTW_ENC_BITS || pv->bitwidth == 0 || index_width(pmsb, plsb) != pv->bitwidth) return 0;
        if (grow((void **)&h->derived, &h->cap_derived, (size_t)h->n_derived + 1, sizeof *h->derived)) return -1;
        fstwi_derived *nd = &h->derived[h->n_derived];
        memset(nd, 0, sizeof *nd);
        nd->var = prev;
        if (add_piece(nd, pv->signal_ref, pv->bitwidth, 1)) return -1;
        d = b->var_derived[prev] = ++h->n_derived;
    }
    fstwi_derived *dv = &h->derived[d - 1];
    int new_is_msb = pn->lsb == pmsb + 1, new_is_lsb = plsb == pn->msb + 1;
    if (!new_is_msb && !new_is_lsb) return 0;
    if (new_is_msb) {
        if (set_var_index(b, prev, pn->msb, plsb) || add_piece(dv, signal_ref, length, 1)) return -1;
    } else {
        if (set_var_index(b, prev, pmsb, pn->lsb) || add_piece(dv, signal_ref, length, 0)) return -1;
    }
    return 1;
}

static int same_derived(const fstwi_derived *a, const fstwi_derived *b)
{
    return a->width == b->width && a->n == b->n && memcmp(a->pieces, b->pieces, a->n * sizeof *a->pieces) == 0;
}

static uint64_t derived_hash(const fstwi_derived *d)
{
    uint64_t x = 1469598103934665603ull ^ d->width;
    for (uint32_t i = 0; i < d->n; i++) {
        x = (x ^ d->pieces[i].ref) * 1099511628211ull;
        x = (x ^ d->pieces[i].msb) * 1099511628211ull;
        x = (x ^ d->pieces[i].lsb) * 1099511628211ull;
    }
    return x ^ (x >> 29);
}

static int cmp_pair(const void *a, const void *b)
{
    uint32_t x = ((const uint32_t *)a)[0], y = ((const uint32_t *)b)[0];
    return x < y ? -1 : x > y;
}

/* (rules25) The derived signals get the refs after the file's signals, one
 * per distinct concatenation (vars made of the same pieces share it), in
 * the order wellen's generate_signal_refs_for_derived gives them: the
 * iteration order of its FxHashMap from VarRef (var index + 1) to the
 * derived signal (fstw_hashorder.c).  The vars point at them. */
static int number_derived(fstwi_hier *h)
{
    h->n_ground = h->n_handles;
    if (!h->n_derived) return 0;
    uint32_t n = h->n_derived;
    size_t cap = 16;
    while (cap < 2 * (size_t)n) cap *= 2;
    uint32_t *table = calloc(cap, sizeof *table);       /* unique index + 1 */
    uint32_t *order = malloc((size_t)n * sizeof *order);
    uint32_t *ref_of = malloc((size_t)n * sizeof *ref_of); /* per derived k: its unique index */
    fstwi_derived *uniq = malloc((size_t)n * sizeof *uniq);
    uint32_t *rep = malloc((size_t)n * sizeof *rep);       /* per unique: its first derived k */
    uint32_t (*by_var)[2] = NULL;
    fstwi_fxset map;
    fstwi_fxset_init(&map);
    int rc = -1;
    if (!table || !order || !ref_of || !uniq || !rep) goto done;
    /* the map's keys in insertion order: each var as it became derived (the
     * derived list's order) */
    for (uint32_t k = 0; k < n; k++)
        if (fstwi_fxset_entry(&map, h->derived[k].var + 1)) goto done;
    fstwi_fxset_order(&map, order);
    /* var -> derived k: (var, k) pairs sorted by var (a reopened scope can make
     * an older var derived after a newer one) */
    by_var = malloc((size_t)n * sizeof *by_var);
    if (!by_var) goto done;
    for (uint32_t k = 0; k < n; k++) { by_var[k][0] = h->derived[k].var; by_var[k][1] = k; }
    qsort(by_var, n, sizeof *by_var, cmp_pair);
    uint32_t u = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t var = order[i] - 1, lo = 0, hi = n;
        while (hi - lo > 1) {
            uint32_t mid = lo + (hi - lo) / 2;
            if (by_var[mid][0] <= var) lo = mid; else hi = mid;
        }
        uint32_t k = by_var[lo][1];
        size_t j = (size_t)derived_hash(&h->derived[k]) & (cap - 1);
        while (table[j] && !same_derived(&h->derived[rep[table[j] - 1]], &h->derived[k])) j = (j + 1) & (cap - 1);
        if (table[j]) { ref_of[k] = table[j] - 1; continue; }
        uniq[u] = h->derived[k];
        uniq[u].pieces = NULL; /* filled below: the pieces stay with derived[k] until then */
        rep[u] = k;
        table[j] = u + 1;
        ref_of[k] = u++;
    }
    size_t total = (size_t)h->n_ground + u;
    if (total > UINT32_MAX - 1 || grow_handles(h, total)) goto done;
    /* the vars point at their refs; the unique signals take their pieces */
    for (uint32_t k = 0; k < n; k++) h->vars[h->derived[k].var].signal_ref = h->n_ground + ref_of[k];
    for (uint32_t r = 0; r < u; r++) {
        uniq[r].pieces = h->derived[rep[r]].pieces;
        h->derived[rep[r]].pieces = NULL;
    }
    for (uint32_t k = 0; k < n; k++) free(h->derived[k].pieces);
    free(h->derived);
    h->derived = uniq;
    uniq = NULL;
    h->cap_derived = n;
    h->n_derived = u;
    h->n_handles = (uint32_t)total;
    for (uint32_t k = 0; k < u; k++) h->handle_to_var[h->n_ground + k] = h->derived[k].var;
    /* a file signal whose var became derived is named by no var now */
    for (uint32_t k = 0; k < u; k++)
        for (uint32_t i = 0; i < h->derived[k].n; i++) {
            uint32_t r = h->derived[k].pieces[i].ref;
            uint32_t v = h->handle_to_var[r];
            if (v != FSTW_NONE && h->vars[v].signal_ref != r) h->handle_to_var[r] = FSTW_NONE;
        }
    rc = 0;
done:
    fstwi_fxset_free(&map);
    free(table);
    free(order);
    free(ref_of);
    free(uniq);
    free(rep);
    free(by_var);
    return rc;
}

static int add_var(builder *b, uint8_t fst_type, uint8_t direction, const uint8_t *raw,
                   size_t raw_len, uint32_t length, uint32_t signal_ref)
{
    fstwi_hier *h = b->h;
    fstwi_parsed_name pn;
    fstwi_parse_name(raw, raw_len, length, &pn);
    if (b->rules25) {
        verilator_element(b, &pn);
        if (note_encoding(h, fst_type, length, signal_ref)) return -1;
    }
    for (int i = 0; i < pn.n_scopes; i++)
        if (add_scope(b, pn.scope_ptr[i], pn.scope_len[i], NULL, 0, FSTW_SCOPE_VHDL_ARRAY, 0))
            return -1;
    if (b->rules25) {
        int merged = merge_split(b, &pn, fst_type, length, signal_ref);
        if (merged < 0) return -1;
        if (merged) {
            /* the piece's signal stays a signal of the file, named by no var */
            if (signal_ref >= h->cap_handles && grow_handles(h, (size_t)signal_ref + 1)) return -1;
            if (signal_ref >= h->n_handles) h->n_handles = signal_ref + 1;
            for (int i = 0; i < pn.n_scopes; i++) pop(b);
            return 0;
        }
    }

    if (grow((void **)&h->vars, &h->cap_vars, (size_t)h->n_vars + 1, sizeof *h->vars)) return -1;
    uint32_t id = h->n_vars;
    fstwi_var_rec *v = &h->vars[id];
    memset(v, 0, sizeof *v);
    uint32_t name_off;
    if (add_string(h, pn.name, pn.name_len, &name_off)) return -1;
    v = &h->vars[id];
    v->name_off = name_off;
    v->name_len = (uint32_t)pn.name_len;
    v->parent = current_parent(b);
    v->var_type = fst_type;
    v->direction = direction;
    v->signal_ref = signal_ref;
    v->ext = FSTW_NONE;
    fstwi_var_ext x = EXT_NONE;
    int has_ext = v->has_index = (uint8_t)(pn.has_index != 0);
    if (pn.has_index) {
        x.msb = pn.msb;
        x.lsb = pn.lsb;
    }
    switch (fst_type) {
    case 21: v->encoding = FSTW_ENC_STRING; break;              /* GEN_STRING */
    case 3: case 4: case 20: case 29: v->encoding = FSTW_ENC_REAL; break;
    case 0: v->encoding = FSTW_ENC_EVENT; break;
    default: v->encoding = FSTW_ENC_BITS; v->bitwidth = length ? length : 1; break;
    }
    /* attributes, newest first as wellen pops them */
    while (b->n_attrs) {
        pending_attr *a = &b->attrs[--b->n_attrs];
        if (a->kind == 1) {
            x.vhdl_off = a->str_off;
            x.vhdl_len = a->str_len;
            has_ext = 1;
            uint8_t t = vhdl_merge[a->vhdl_data_type];
            if (t != 255) v->var_type = t;
        } else if (a->kind == 2) {
            uint32_t e = enum_map_get(b, a->handle);
            if (e != FSTW_NONE) {
                x.enum_id = e;
                has_ext = 1;
            }
        }
    }
    if (has_ext && ext_intern(b, &x, &v->ext)) return -1;
    h->n_vars++;

    if (signal_ref >= h->cap_handles) {
        /* grow geometrically */
        size_t want = (size_t)signal_ref + 1;
        if (want < (size_t)h->cap_handles * 2) want = (size_t)h->cap_handles * 2;
        if (grow_handles(h, want)) return -1;
    }
    /* the number of signals, not the capacity (fstw_signal_count reported
     * the next power of two: 256 for a file with 192 signals) */
    if (signal_ref >= h->n_handles) h->n_handles = signal_ref + 1;
    h->handle_to_var[signal_ref] = id;
    if (b->rules25) {
        if (note_item(b, h->vars[id].parent, FSTW_ITEM_VAR, id)) return -1;
        if (grow((void **)&b->var_derived, &b->cap_var_derived, (size_t)id + 1, sizeof *b->var_derived)) return -1;
        b->var_derived[id] = 0;
    }
    for (int i = 0; i < pn.n_scopes; i++) pop(b);
    return 0;
}

static int push_attr(builder *b, const pending_attr *a)
{
    if (grow_sz((void **)&b->attrs, &b->cap_attrs, b->n_attrs + 1, sizeof *b->attrs)) return -1;
    b->attrs[b->n_attrs++] = *a;
    return 0;
}

/* An enum table "name count lit1 .. litN val1 .. valN" (split on single
 * spaces, as fst-reader does). A table that does not parse is skipped. */
static int add_enum_table(builder *b, const char *s, uint32_t len, uint64_t handle)
{
    fstwi_hier *h = b->h;
    /* split */
    size_t nparts = 1;
    for (uint32_t i = 0; i < len; i++) nparts += s[i] == ' ';
    if (nparts < 2) return 0;
    uint32_t *po = malloc(nparts * 2 * sizeof *po);
    if (!po) return -1;
    size_t k = 0;
    uint32_t start = 0;
    for (uint32_t i = 0; i <= len; i++) {
        if (i == len || s[i] == ' ') {
            po[2 * k] = start;
            po[2 * k + 1] = i - start;
            k++;
            start = i + 1;
        }
    }
    /* element count: a decimal usize */
    uint64_t count = 0;
    int ok = po[3] > 0;
    for (uint32_t i = 0; ok && i < po[3]; i++) {
        char c = s[po[2] + i];
        if (c < '0' || c > '9' || count > (UINT64_MAX - 9) / 10) ok = 0;
        else count = count * 10 + (uint64_t)(c - '0');
    }
    if (!ok || nparts - 2 != count * 2) { free(po); return 0; }
    if (grow((void **)&h->enums, &h->cap_enums, (size_t)h->n_enums + 1, sizeof *h->enums) ||
        grow((void **)&h->pair_offs, &h->cap_pairs, ((size_t)h->n_pairs + count) * 4, sizeof *h->pair_offs)) {
        free(po);
        return -1;
    }
    uint32_t base;
    if (add_string(h, s, len, &base)) { free(po); return -1; }
    fstwi_enum_rec *e = &h->enums[h->n_enums];
    e->name_off = base + po[0];
    e->name_len = po[1];
    e->first_pair = h->n_pairs;
    e->n_pairs = (uint32_t)count;
    for (uint64_t i = 0; i < count; i++) {
        uint32_t *q = &h->pair_offs[(size_t)(h->n_pairs + i) * 4];
        size_t lit = 2 + i, val = 2 + count + i;
        q[0] = base + po[2 * val]; q[1] = po[2 * val + 1];   /* value */
        q[2] = base + po[2 * lit]; q[3] = po[2 * lit + 1];   /* literal */
    }
    h->n_pairs += (uint32_t)count;
    if (enum_map_put(b, handle, h->n_enums)) { free(po); return -1; }
    h->n_enums++;
    free(po);
    return 0;
}

/* Builds the per-scope child arrays (public ids in declaration order: a
 * counting sort of scopes and vars by parent, ids being in declaration order)
 * and the unique-var list. */
static int finish(fstwi_hier *h)
{
    size_t total = (size_t)h->n_scopes + h->n_vars;
    h->all_child_ids = malloc((total ? total : 1) * sizeof *h->all_child_ids);
    if (!h->all_child_ids) return -1;
    for (uint32_t s = 1; s < h->n_scopes; s++) h->scopes[h->scopes[s].parent].n_scopes++;
    for (uint32_t v = 0; v < h->n_vars; v++) h->scopes[h->vars[v].parent].n_vars++;
    uint32_t *out = h->all_child_ids;
    for (uint32_t s = 0; s < h->n_scopes; s++) {
        fstwi_scope_rec *r = &h->scopes[s];
        r->scopes = out;
        out += r->n_scopes;
        r->vars = out;
        out += r->n_vars;
        r->n_scopes = r->n_vars = 0;
    }
    for (uint32_t s = 1; s < h->n_scopes; s++) {
        fstwi_scope_rec *p = &h->scopes[h->scopes[s].parent];
        p->scopes[p->n_scopes++] = s - 1;   /* public scope ids skip the root */
    }
    for (uint32_t v = 0; v < h->n_vars; v++) {
        fstwi_scope_rec *p = &h->scopes[h->vars[v].parent];
        p->vars[p->n_vars++] = v;
    }
    h->unique_vars = malloc((h->n_handles ? h->n_handles : 1) * sizeof *h->unique_vars);
    if (!h->unique_vars) return -1;
    for (uint32_t i = 0; i < h->n_handles; i++)
        if (h->handle_to_var[i] != FSTW_NONE) h->unique_vars[h->n_unique++] = h->handle_to_var[i];
    return 0;
}

/* ---- the names copied out of the hierarchy block, each distinct one once
 * (a VHDL design repeats its entities' names in every instance: 400,000
 * vars of an nvc file have a few thousand names), so that the block (names,
 * attributes, entry bytes) can be freed after the parse */
typedef struct str_pool {
    fstwi_buf buf;
    id_table tab;
    uint32_t *off, *len;       /* per distinct string */
    uint32_t n, cap_off, cap_len;
} str_pool;

/* *off becomes the offset in the pool of the string at h->strings.data +
 * *off of len bytes (added when new); 0 or -1 (out of memory, or a pool
 * past 4 GB). */
static int pool_add(str_pool *p, const fstwi_hier *h, uint32_t *off, uint32_t len)
{
    if (len == 0 || len == UINT32_MAX) return 0; /* empty, or none (vhdl_len) */
    const uint8_t *s = h->strings.data + *off;
    if (tab_reserve(&p->tab)) return -1;  /* room for one more: the free slot found below stays free */
    uint32_t hash = (uint32_t)(bytes_hash(0, s, len) >> 32), id;
    size_t i = hash & (p->tab.cap - 1);
    while ((id = tab_next(&p->tab, &i, hash)) != UINT32_MAX) {
        if (p->len[id] == len && memcmp(p->buf.data + p->off[id], s, len) == 0) {
            *off = p->off[id];
            return 0;
        }
    }
    if (p->buf.len + len > UINT32_MAX ||
        grow((void **)&p->off, &p->cap_off, (size_t)p->n + 1, sizeof *p->off) ||
        grow((void **)&p->len, &p->cap_len, (size_t)p->n + 1, sizeof *p->len))
        return -1;
    p->off[p->n] = (uint32_t)p->buf.len;
    p->len[p->n] = len;
    if (fstwi_buf_append(&p->buf, s, len)) return -1;
    p->tab.slot[i] = (uint64_t)hash << 32 | p->n; /* i: the free slot the search ended on */
    p->tab.used++;
    *off = p->off[p->n++];
    return 0;
}

/* Replaces h->strings (the hierarchy block) by a pool of the distinct names
 * the records point at (scope, component, var, VHDL type, enum and enum pair
 * names), rewriting every offset; 0 or -1 (out of memory: h is then freed
 * by the caller as it stands). */
static int compact_strings(fstwi_hier *h)
{
    str_pool p;
    memset(&p, 0, sizeof p);
    int rc = fstwi_buf_reserve_exact(&p.buf, 4096); /* never NULL, as the block */
    for (uint32_t i = 0; i < h->n_scopes && !rc; i++)
        rc = pool_add(&p, h, &h->scopes[i].name_off, h->scopes[i].name_len) ||
             pool_add(&p, h, &h->scopes[i].comp_off, h->scopes[i].comp_len);
    for (uint32_t i = 0; i < h->n_vars && !rc; i++)
        rc = pool_add(&p, h, &h->vars[i].name_off, h->vars[i].name_len);
    for (uint32_t i = 0; i < h->n_var_ext && !rc; i++)
        rc = pool_add(&p, h, &h->var_ext[i].vhdl_off, h->var_ext[i].vhdl_len);
    for (uint32_t i = 0; i < h->n_enums && !rc; i++)
        rc = pool_add(&p, h, &h->enums[i].name_off, h->enums[i].name_len);
    for (size_t i = 0; i < (size_t)h->n_pairs * 2 && !rc; i++)
        rc = pool_add(&p, h, &h->pair_offs[2 * i], h->pair_offs[2 * i + 1]);
    free(p.tab.slot);
    free(p.off);
    free(p.len);
    if (rc) {
        fstwi_buf_free(&p.buf);
        return -1;
    }
    fstwi_buf_set_cap(&p.buf, p.buf.len ? p.buf.len : 1); /* a failure keeps the slack */
    fstwi_buf_free(&h->strings);
    h->strings = p.buf;
    return 0;
}

#define NEED(expr, what)                                                                    \
    do {                                                                                    \
        if ((expr) < 0) {                                                                   \
            rc = fstwi_fail(err, FSTW_ERR_FORMAT,                                            \
                           "malformed hierarchy: truncated %s at byte %zu of the hierarchy", \
                           what, (size_t)(entry - data));                                   \
            goto done;                                                                      \
        }                                                                                   \
    } while (0)

/* A header count as an array size: at most one entry per min_bytes of the
 * hierarchy (a damaged header must not size anything), at least 1. */
static size_t hint_cap(uint64_t hint, size_t len, size_t min_bytes)
{
    uint64_t most = len / min_bytes + 1;
    if (hint > most) hint = most;
    if (hint > UINT32_MAX - 1) hint = UINT32_MAX - 1;
    return hint ? (size_t)hint : 1;
}

int fstwi_hier_parse(fstwi_hier *h, uint8_t *data, size_t len, const fstwi_hier_hints *hints,
                    int flags, fstw_error *err)
{
    builder b;
    memset(&b, 0, sizeof b);
    b.h = h;
    b.remove_empty = (flags & FSTWI_HIER_REMOVE_EMPTY) != 0;
    b.rules25 = (flags & FSTWI_HIER_RULES_025) != 0;
    h->rules25 = b.rules25;
    int rc = FSTW_OK;
    const uint8_t *entry = data;
    /* the names stay in the hierarchy bytes; never NULL: empty names point
     * into it (NULL + 0 is UB) */
    h->strings.data = data;
    h->strings.len = h->strings.cap = len;
    if (!data) goto nomem;

    /* arrays sized once from the header's counts (a var entry takes at least
     * 5 bytes, a scope entry 4) */
    if (hints) {
        size_t ns = hint_cap(hints->scopes, len, 4) + 1, mc = 256;
        while (mc < 2 * ns) mc *= 2;
        if (grow((void **)&h->vars, &h->cap_vars, hint_cap(hints->vars, len, 5), sizeof *h->vars) ||
            grow((void **)&h->scopes, &h->cap_scopes, ns, sizeof *h->scopes) ||
            grow_handles(h, hint_cap(hints->handles, len, 5)) ||
            tab_resize(&b.map, mc))
            goto nomem;
    }

    /* the invisible root scope */
    if (grow((void **)&h->scopes, &h->cap_scopes, 1, sizeof *h->scopes)) goto nomem;
    memset(&h->scopes[0], 0, sizeof h->scopes[0]);
    h->n_scopes = 1;
    if (push(&b, 0)) goto nomem;

    fstwi_cursor c = { data, data + len };
    while (c.p < c.end) {
        entry = c.p;
        uint8_t tag = *c.p++;
        if (tag == TAG_SCOPE) {
            uint8_t type;
            const char *name, *comp;
            uint32_t nl, cl;
            NEED(fstwi_cur_u8(&c, &type), "scope");
            NEED(fstwi_cur_cstr(&c, &name, &nl), "scope name");
            NEED(fstwi_cur_cstr(&c, &comp, &cl), "scope component");
            b.n_attrs = 0; /* a scope consumes the pending attributes */
            if (type > FSTW_SCOPE_SV_ARRAY) type = FSTW_SCOPE_TYPE_COUNT; /* unknown (D5, docs/api.md) */
            if (add_scope(&b, (const uint8_t *)name, nl, (const uint8_t *)comp, cl, type,
                          b.remove_empty && nl == 0))
                goto nomem;
        } else if (tag == TAG_UPSCOPE) {
            pop(&b);
        } else if (tag <= 29) {
            uint8_t dir;
            const char *name;
            uint32_t nl;
            uint64_t raw_len, alias;
            NEED(fstwi_cur_u8(&c, &dir), "var");
            NEED(fstwi_cur_cstr(&c, &name, &nl), "var name");
            NEED(fstwi_cur_varint(&c, &raw_len), "var length");
            NEED(fstwi_cur_varint(&c, &alias), "var alias");
            if (raw_len > UINT32_MAX) raw_len = UINT32_MAX;
            uint32_t length = (uint32_t)raw_len;
            if (tag == 18) length = length >= 2 ? (length - 2) / 3 : 0; /* PORT */
            if (length > FSTW_MAX_BITS && tag != 0 && tag != 3 && tag != 4 && tag != 20 &&
                tag != 21 && tag != 29) { /* not an event, real or string */
                rc = fstwi_fail(err, FSTW_ERR_FORMAT,
                               "malformed hierarchy: var of %u bits at byte %zu of the hierarchy "
                               "(at most %u)", length, (size_t)(entry - data), FSTW_MAX_BITS);
                goto done;
            }
            uint32_t ref;
            if (alias == 0) {
                if (b.handle_count == UINT32_MAX - 1) {
                    rc = fstwi_fail(err, FSTW_ERR_FORMAT, "malformed hierarchy: too many signals");
                    goto done;
                }
                ref = b.handle_count++;
            } else if (alias - 1 < b.handle_count) {
                ref = (uint32_t)(alias - 1);
            } else {
                /* libfst's writer never makes one (it turns such an alias into
                 * a new signal); a corrupt value must not size our tables */
                rc = fstwi_fail(err, FSTW_ERR_FORMAT,
                               "malformed hierarchy: var at byte %zu is an alias of signal %llu, "
                               "which is not declared before it",
                               (size_t)(entry - data), (unsigned long long)alias);
                goto done;
            }
            if (dir > 5) dir = 0;
            if (add_var(&b, tag, dir, (const uint8_t *)name, nl, length, ref)) goto nomem;
        } else if (tag == TAG_ATTR_BEGIN) {
            uint8_t at, st;
            const char *name = "";
            uint32_t nl = 0;
            uint64_t arg;
            NEED(fstwi_cur_u8(&c, &at), "attribute");
            NEED(fstwi_cur_u8(&c, &st), "attribute");
            if (at == AT_MISC && (st == MT_SOURCESTEM || st == MT_SOURCEISTEM)) {
                uint64_t arg2;
                uint8_t z;
                NEED(fstwi_cur_varint(&c, &arg2), "source-stem attribute");
                NEED(fstwi_cur_u8(&c, &z), "source-stem attribute");
            } else {
                NEED(fstwi_cur_cstr(&c, &name, &nl), "attribute name");
            }
            NEED(fstwi_cur_varint(&c, &arg), "attribute argument");
            if (at == AT_MISC && st == MT_SUPVAR) {
                uint64_t vt = arg >> 10, dt = arg & 0x3ff;
                if (vt <= 5 && dt <= 16) {
                    pending_attr a = { 1, 0, nl, (uint32_t)vt, (uint32_t)dt, 0 };
                    if (add_string(h, name, nl, &a.str_off) || push_attr(&b, &a)) goto nomem;
                }
            } else if (at == AT_MISC && st == MT_ENUMTABLE) {
                if (nl == 0) {
                    pending_attr a = { 2, 0, 0, 0, 0, arg };
                    if (push_attr(&b, &a)) goto nomem;
                } else if (add_enum_table(&b, name, nl, arg)) {
                    goto nomem;
                }
            }
            /* comments, path names, source stems, arrays, packs, SV enums and
             * unknown attributes carry nothing the API shows */
        } else if (tag == TAG_ATTR_END) {
            /* nothing */
        } else {
            rc = fstwi_fail(err, FSTW_ERR_FORMAT,
                           "malformed hierarchy: unknown entry type %u at byte %zu of the hierarchy",
                           tag, (size_t)(entry - data));
            goto done;
        }
    }
    if (number_derived(h) || finish(h) || compact_strings(h)) goto nomem;
    goto done;
nomem:
    rc = fstwi_fail(err, FSTW_ERR_NOMEM, "out of memory while building the hierarchy");
done:
    free(b.stack);
    free(b.map.slot);
    free(b.ext_map.slot);
    free(b.attrs);
    free(b.enum_handles);
    free(b.enum_ids);
    free(b.last_kind);
    free(b.last_id);
    free(b.var_derived);
    return rc;
}

void fstwi_hier_free(fstwi_hier *h)
{
    fstwi_buf_free(&h->strings);
    free(h->scopes);
    free(h->vars);
    free(h->var_ext);
    free(h->enums);
    free(h->pair_offs);
    free(h->unique_vars);
    free(h->handle_to_var);
    free(h->all_child_ids);
    for (uint32_t k = 0; k < h->n_derived; k++) free(h->derived[k].pieces);
    free(h->derived);
    free(h->sig_enc);
    free(h->sig_bits);
    memset(h, 0, sizeof *h);
}
