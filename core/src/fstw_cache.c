/*
 * fstw_cache.c - the signal cache (D10 in docs/api.md, section 3.5): the most
 * recently loaded signals of one file, kept up to a budget of bytes.
 *
 * Entries live in one array, linked from the most recent to the least
 * recent; a table with linear probing maps a signal ref to its entry
 * (deletion by backward shift, so there are no tombstones).  Every entry
 * holds its signal once (fstw_signal_hold); dropping an entry drops that
 * holder, so a signal the program still holds stays valid.
 */
#include "fstw_internal.h"

#include <stdlib.h>

typedef struct entry {
    fstw_signal *sig; /* NULL: the entry is free (on the free list) */
    uint32_t newer, older;
} entry;

struct fstw_cache {
    size_t budget, bytes, count;
    entry *e;
    uint32_t ne, cap_e;       /* entries used / allocated (free ones listed from free_head) */
    uint32_t free_head;
    uint32_t newest, oldest;  /* FSTW_NONE when empty */
    uint32_t *slot;           /* entry index per table slot, FSTW_NONE = empty */
    uint32_t nslot;           /* a power of two, at least twice count */
};

static uint32_t hash_ref(uint32_t ref, uint32_t mask) { return (ref * 2654435761u) & mask; }

fstw_cache *fstw_cache_new(size_t budget)
{
    fstw_cache *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    c->budget = budget;
    c->free_head = c->newest = c->oldest = FSTW_NONE;
    return c;
}

/* The table slot holding ref's entry, or the empty slot where it would go. */
static uint32_t find_slot(const fstw_cache *c, uint32_t ref)
{
    uint32_t mask = c->nslot - 1, i = hash_ref(ref, mask);
    while (c->slot[i] != FSTW_NONE && fstw_signal_ref(c->e[c->slot[i]].sig) != ref) i = (i + 1) & mask;
    return i;
}

/* Doubles the table (rehashing every entry); 0 or FSTW_ERR_NOMEM. */
static int grow_table(fstw_cache *c)
{
    uint32_t n = c->nslot ? c->nslot * 2 : 64;
    uint32_t *old = c->slot, nold = c->nslot;
    if (!(c->slot = malloc((size_t)n * sizeof *c->slot))) {
        c->slot = old;
        return FSTW_ERR_NOMEM;
    }
    c->nslot = n;
    for (uint32_t i = 0; i < n; i++) c->slot[i] = FSTW_NONE;
    for (uint32_t i = 0; i < nold; i++)
        if (old[i] != FSTW_NONE) c->slot[find_slot(c, fstw_signal_ref(c->e[old[i]].sig))] = old[i];
    free(old);
    return 0;
}

/* Removes table slot i (backward-shift deletion keeps every probe chain whole). */
static void clear_slot(fstw_cache *c, uint32_t i)
{
    uint32_t mask = c->nslot - 1, j = i;
    c->slot[i] = FSTW_NONE;
    for (;;) {
        j = (j + 1) & mask;
        if (c->slot[j] == FSTW_NONE) return;
        uint32_t home = hash_ref(fstw_signal_ref(c->e[c->slot[j]].sig), mask);
        /* the entry at j may move to i when its home is not in (i, j] (cyclically) */
        if (i <= j ? (home <= i || home > j) : (home <= i && home > j)) {
            c->slot[i] = c->slot[j];
            c->slot[j] = FSTW_NONE;
            i = j;
        }
    }
}

static void unlink_entry(fstw_cache *c, uint32_t k)
{
    entry *x = &c->e[k];
    if (x->newer != FSTW_NONE) c->e[x->newer].older = x->older; else c->newest = x->older;
    if (x->older != FSTW_NONE) c->e[x->older].newer = x->newer; else c->oldest = x->newer;
}

static void link_newest(fstw_cache *c, uint32_t k)
{
    entry *x = &c->e[k];
    x->newer = FSTW_NONE;
    x->older = c->newest;
    if (c->newest != FSTW_NONE) c->e[c->newest].newer = k; else c->oldest = k;
    c->newest = k;
}

/* Drops the entry in table slot i: its holder of the signal, its links. */
static void drop_slot(fstw_cache *c, uint32_t i)
{
    uint32_t k = c->slot[i];
    fstw_signal *s = c->e[k].sig;
    clear_slot(c, i);
    unlink_entry(c, k);
    c->e[k].sig = NULL;
    c->e[k].older = c->free_head;
    c->free_head = k;
    c->bytes -= fstw_signal_bytes(s);
    c->count--;
    fstw_signal_free(s);
}

/* Drops the least recent entries until the bytes fit the budget. */
static void fit_budget(fstw_cache *c)
{
    while (c->bytes > c->budget && c->oldest != FSTW_NONE)
        drop_slot(c, find_slot(c, fstw_signal_ref(c->e[c->oldest].sig)));
}

fstw_signal *fstw_cache_get(fstw_cache *c, uint32_t ref)
{
    if (!c->count) return NULL;
    uint32_t i = find_slot(c, ref);
    if (c->slot[i] == FSTW_NONE) return NULL;
    uint32_t k = c->slot[i];
    unlink_entry(c, k);
    link_newest(c, k);
    return fstw_signal_hold(c->e[k].sig);
}

int fstw_cache_put(fstw_cache *c, fstw_signal *s)
{
    size_t bytes = fstw_signal_bytes(s);
    fstw_cache_drop(c, fstw_signal_ref(s));
    if (bytes > c->budget) return 0; /* would only push everything else out, then itself */
    if ((size_t)(c->count + 1) * 2 > c->nslot && grow_table(c)) return FSTW_ERR_NOMEM;
    uint32_t k = c->free_head;
    if (k != FSTW_NONE) {
        c->free_head = c->e[k].older;
    } else {
        if (c->ne == c->cap_e) {
            uint32_t cap = c->cap_e ? c->cap_e * 2 : 16;
            entry *ne = realloc(c->e, (size_t)cap * sizeof *ne);
            if (!ne) return FSTW_ERR_NOMEM;
            c->e = ne;
            c->cap_e = cap;
        }
        k = c->ne++;
    }
    c->e[k].sig = fstw_signal_hold(s);
    c->slot[find_slot(c, fstw_signal_ref(s))] = k;
    link_newest(c, k);
    c->bytes += bytes;
    c->count++;
    fit_budget(c);
    return 0;
}

int fstw_cache_drop(fstw_cache *c, uint32_t ref)
{
    if (!c->count) return 0;
    uint32_t i = find_slot(c, ref);
    if (c->slot[i] == FSTW_NONE) return 0;
    drop_slot(c, i);
    return 1;
}

void fstw_cache_clear(fstw_cache *c)
{
    while (c->oldest != FSTW_NONE) drop_slot(c, find_slot(c, fstw_signal_ref(c->e[c->oldest].sig)));
}

void fstw_cache_set_budget(fstw_cache *c, size_t budget)
{
    c->budget = budget;
    fit_budget(c);
}

void fstw_cache_stats_get(const fstw_cache *c, fstw_cache_stats *out)
{
    out->signals = c->count;
    out->bytes = c->bytes;
    out->budget = c->budget;
}

void fstw_cache_free(fstw_cache *c)
{
    if (!c) return;
    fstw_cache_clear(c);
    free(c->e);
    free(c->slot);
    free(c);
}
