/* fstw_lookup.c - pywellen 0.25's item lookup: w["a.b.c"] and scope["b.c"]
 * (wellen's Hierarchy::lookup_item_by_name), and the items of a scope in
 * declaration order (fstw_scope_items).
 *
 * wellen's rule, level by level: among the items of the scope, the first
 * one named exactly like the rest of the path wins, otherwise the one with the
 * longest name that is a prefix of it (the first of that length); after a
 * scope the rest must go on with '.', after a var it must hold no '.'.
 * wellen walks the items one by one; here an index built on the first lookup
 * answers "the first item of scope s named like path[0:L]" in one probe, and
 * a per-scope mask of the lengths its names have says which L to try, longest
 * first (swerv1: 7.4 us per lookup walking the items, about 0.5 us with the
 * index). */
#include "fstw_internal.h"
#include <stdlib.h>
#include <string.h>

/* The items of internal scope s in declaration order: a child scope comes
 * before the vars declared after it (both id sequences are in declaration
 * order).  Calls fn(ctx, kind, public id, name offset, name length) for each
 * until it returns nonzero. */
typedef int (*item_fn)(void *ctx, int kind, uint32_t id, uint32_t name_off, uint32_t name_len);

static void each_item(const fstwi_hier *h, uint32_t s, item_fn fn, void *ctx)
{
    const fstwi_scope_rec *r = &h->scopes[s];
    uint32_t i = 0, j = 0;
    while (i < r->n_scopes || j < r->n_vars) {
        int take_scope = i < r->n_scopes &&
                         (j == r->n_vars || h->scopes[r->scopes[i] + 1].vars_before <= r->vars[j]);
        int stop;
        if (take_scope) {
            const fstwi_scope_rec *c = &h->scopes[r->scopes[i] + 1];
            stop = fn(ctx, FSTW_ITEM_SCOPE, r->scopes[i], c->name_off, c->name_len);
            i++;
        } else {
            const fstwi_var_rec *v = &h->vars[r->vars[j]];
            stop = fn(ctx, FSTW_ITEM_VAR, r->vars[j], v->name_off, v->name_len);
            j++;
        }
        if (stop) return;
    }
}

typedef struct list_ctx {
    uint8_t *kind;
    uint32_t *ids;
    size_t cap, n;
} list_ctx;

static int list_item(void *ctx, int kind, uint32_t id, uint32_t name_off, uint32_t name_len)
{
    list_ctx *c = ctx;
    (void)name_off;
    (void)name_len;
    if (c->n < c->cap) {
        c->kind[c->n] = (uint8_t)kind;
        c->ids[c->n] = id;
    }
    c->n++;
    return 0;
}

size_t fstw_scope_items(const fstw_file *f, uint32_t scope, uint8_t *kind, uint32_t *ids, size_t cap)
{
    const fstwi_hier *h = &f->hier;
    if (!h->n_scopes) return 0;
    uint32_t s = scope == FSTW_NONE ? 0 : scope + 1;
    if (s >= h->n_scopes) return 0;
    list_ctx c = { kind, ids, cap, 0 };
    each_item(h, s, list_item, &c);
    return c.n;
}

/* ---- the index: (internal scope, name) -> the first such item */

typedef struct item_index {
    size_t mask;             /* slots - 1 (a power of two) */
    uint32_t *code;          /* per slot: 0 empty, else (id << 1 | is_var) + 1 (4 bytes a
                                slot, the names compared in place: the index costs 4 to 8
                                bytes per item) */
    uint64_t (*lengths)[2];  /* per internal scope: bit L set when an item name has length L < 128 */
    uint8_t *long_names;     /* per internal scope: an item name has 128 or more bytes */
} item_index;

static uint64_t fnv_start(uint32_t scope)
{
    return (1469598103934665603ull ^ scope) * 1099511628211ull;
}

static uint64_t fnv_step(uint64_t x, uint8_t byte)
{
    return (x ^ byte) * 1099511628211ull;
}

static uint32_t fold(uint64_t x)
{
    return (uint32_t)(x ^ (x >> 32));
}

static void item_name(const fstwi_hier *h, uint32_t code, uint32_t *scope, const uint8_t **name, uint32_t *len)
{
    uint32_t id = (code - 1) >> 1;
    if ((code - 1) & 1) {
        const fstwi_var_rec *v = &h->vars[id];
        *scope = v->parent;
        *name = h->strings.data + v->name_off;
        *len = v->name_len;
    } else {
        const fstwi_scope_rec *c = &h->scopes[id + 1];
        *scope = c->parent;
        *name = h->strings.data + c->name_off;
        *len = c->name_len;
    }
}

/* The slot of key (scope, name) with hash hv: the item's slot, or the empty
 * slot where it would go. */
static size_t find_slot(const fstwi_hier *h, const item_index *x, uint32_t scope, const uint8_t *name,
                        size_t len, uint32_t hv)
{
    size_t j = hv & x->mask;
    while (x->code[j]) {
        uint32_t s2, l2;
        const uint8_t *n2;
        item_name(h, x->code[j], &s2, &n2, &l2);
        if (s2 == scope && l2 == len && (len == 0 || memcmp(n2, name, len) == 0)) return j;
        j = (j + 1) & x->mask;
    }
    return j;
}

typedef struct build_ctx {
    const fstwi_hier *h;
    item_index *x;
    uint32_t scope;
} build_ctx;

static int index_item(void *ctx, int kind, uint32_t id, uint32_t name_off, uint32_t name_len)
{
    build_ctx *c = ctx;
    item_index *x = c->x;
    const uint8_t *name = c->h->strings.data + name_off;
    uint64_t hv = fnv_start(c->scope);
    for (uint32_t k = 0; k < name_len; k++) hv = fnv_step(hv, name[k]);
    size_t j = find_slot(c->h, x, c->scope, name, name_len, fold(hv));
    if (!x->code[j]) /* the first item of that name keeps the slot */
        x->code[j] = ((id << 1) | (kind == FSTW_ITEM_VAR)) + 1;
    if (name_len < 128) x->lengths[c->scope][name_len >> 6] |= 1ull << (name_len & 63);
    else x->long_names[c->scope] = 1;
    return 0;
}

static void index_free(item_index *x)
{
    if (!x) return;
    free(x->code);
    free(x->lengths);
    free(x->long_names);
    free(x);
}

static item_index *index_build(const fstwi_hier *h)
{
    size_t items = (size_t)h->n_scopes + h->n_vars, slots = 16;
    while (slots < items + items / 3) slots *= 2; /* at most 3/4 full */
    item_index *x = calloc(1, sizeof *x);
    if (!x) return NULL;
    x->mask = slots - 1;
    x->code = calloc(slots, sizeof *x->code);
    x->lengths = calloc(h->n_scopes, sizeof *x->lengths);
    x->long_names = calloc(h->n_scopes, 1);
    if (!x->code || !x->lengths || !x->long_names) { index_free(x); return NULL; }
    for (uint32_t s = 0; s < h->n_scopes; s++) {
        build_ctx c = { h, x, s };
        each_item(h, s, index_item, &c);
    }
    return x;
}

void fstwi_lookup_free(fstw_file *f)
{
    index_free(f->item_index);
    f->item_index = NULL;
}

/* The file's index, built by the first lookup (published atomically; two
 * threads may build it, one copy is kept); NULL when out of memory. */
static const item_index *get_index(const fstw_file *f)
{
    fstw_file *mf = (fstw_file *)f;
    item_index *x = __atomic_load_n(&mf->item_index, __ATOMIC_ACQUIRE);
    if (x) return x;
    x = index_build(&f->hier);
    if (!x) return NULL;
    item_index *expected = NULL;
    if (!__atomic_compare_exchange_n(&mf->item_index, &expected, x, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
        index_free(x);
        return expected;
    }
    return x;
}

/* wellen's find_longest_match in internal scope s: the item with the longest
 * name that is a prefix of path (the exact one when there is one), the first
 * of that length in declaration order.  Its kind (FSTW_ITEM_NONE: none), *id
 * (public) and *used (its name's length). */
static int longest_match(const fstwi_hier *h, const item_index *x, uint32_t s, const char *path,
                         size_t len, uint32_t *id, size_t *used)
{
    /* the hash of every prefix of path (an empty name never matches) */
    uint32_t stack[256];
    uint32_t *hv = len < 256 ? stack : malloc((len + 1) * sizeof *hv);
    if (!hv) return -1;
    uint64_t acc = fnv_start(s);
    hv[0] = fold(acc);
    for (size_t k = 0; k < len; k++) {
        acc = fnv_step(acc, (uint8_t)path[k]);
        hv[k + 1] = fold(acc);
    }
    int kind = FSTW_ITEM_NONE;
    for (size_t l = len; l >= 1; l--) {
        if (l < 128 ? !(x->lengths[s][l >> 6] >> (l & 63) & 1) : !x->long_names[s]) continue;
        size_t j = find_slot(h, x, s, (const uint8_t *)path, l, hv[l]);
        if (!x->code[j]) continue;
        uint32_t code = x->code[j] - 1;
        *id = code >> 1;
        *used = l;
        kind = (code & 1) ? FSTW_ITEM_VAR : FSTW_ITEM_SCOPE;
        break;
    }
    if (hv != stack) free(hv);
    return kind;
}

int fstw_lookup_item(const fstw_file *f, uint32_t scope, const char *path, size_t len, uint32_t *id)
{
    const fstwi_hier *h = &f->hier;
    if (!h->n_scopes) return FSTW_ITEM_NONE;
    uint32_t s = scope == FSTW_NONE ? 0 : scope + 1;
    if (s >= h->n_scopes) return FSTW_ITEM_NONE;
    const item_index *x = get_index(f);
    if (!x) return FSTW_ITEM_NONE;
    for (;;) {
        uint32_t got;
        size_t used;
        int kind = longest_match(h, x, s, path, len, &got, &used);
        if (kind <= FSTW_ITEM_NONE) return FSTW_ITEM_NONE;
        const char *rest = path + used;
        size_t rest_len = len - used;
        if (rest_len == 0) { *id = got; return kind; }
        if (kind == FSTW_ITEM_VAR) {
            /* a var with a suffix (a bit index, ...) matches unless the suffix goes deeper */
            if (memchr(rest, '.', rest_len)) return FSTW_ITEM_NONE;
            *id = got;
            return kind;
        }
        if (rest[0] != '.') return FSTW_ITEM_NONE; /* scopes have to match exactly */
        s = got + 1;
        path = rest + 1;
        len = rest_len - 1;
    }
}
