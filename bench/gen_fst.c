/*
 * gen_fst - synthetic FST files for the fstwave benchmark, written with libfst's writer.
 *
 *   gen_fst [--shape wide|narrow] [--pack zlib|fastlz|lz4] --size SIZE [--seed N]
 *           [--block-mb MB] [--signals N] [--change-pct P] [--quiet] OUT.fst
 *
 *   --shape      wide:   100,000 signals (default), 1-5 % of them change per time step
 *                narrow: 2,000 signals, 3-17 % change per step: millions of time steps
 *   --pack       value-change compression (fstWriterSetPackType); default lz4
 *   --size       target file size; K, M, G suffixes are binary (1100M = 1,153,433,600
 *                bytes). The file ends at or just above the target (within a few %)
 *   --seed       PRNG seed (default 1): the same command writes the same bytes
 *   --block-mb   flush a value-change block when the writer's uncompressed value-change
 *                memory reaches MB MiB (fractions allowed). Default and maximum 128, which
 *                is libfst's own threshold (FST_BREAK_SIZE): the writer flushes there by
 *                itself, so the default gives the blocks a simulator would write
 *   --signals    number of distinct signals (handles); aliases come on top
 *   --change-pct mean percentage of the signals changing per time step (the per-step
 *                fraction varies uniformly between 1/3 and 5/3 of it)
 *
 * Contents: a top scope `top` with `clk` (toggles every step) and `rst_n`, then modules
 * `core_N` with sub-scopes (fetch, decode, alu, alu.mul, lsu, lsu.dcache, regfile, csr), e.g.
 * `top.core_17.alu.result_2`. About 75 % of the signals are 1-bit, the rest 8/16/32/64-bit
 * vectors (counters, random data, small state machines); ~0.5 % of the 1-bit signals and
 * ~1 % of the vectors sometimes take x/z values; ~0.1 % are reals; every core declares
 * `clk`/`rst_n` aliases of the top signals and a `dbg.probe` alias of one of its own signals.
 * 2 % of the signals are "hot" (they get half of the changes: they change in most steps),
 * the others change rarely.
 *
 * How the size is reached: calibration files (OUT.calib-*.tmp, removed again; same seed, so
 * the same contents as the start of OUT) give the fixed part (header, hierarchy, geometry,
 * initial values) and the compressed bytes per byte of the writer's uncompressed
 * value-change memory, measured first on 8 MiB and then on a block of the size the file's
 * largest block will have (longer chains compress better); after each real block the ratio
 * is re-measured from the file's growth (stat). Generation stops when the estimate passes
 * the target + 2 %.
 *
 * The summary line (stdout) is `gen_fst: key=value ...` with signals, vars, aliases,
 * scopes, blocks (value-change blocks counted in the finished file), flushes, steps,
 * changes, bytes, target, seconds. Exit status 0 on success, 1 on a bad argument or I/O
 * error, 2 when the file ended below the target.
 */
#define _FILE_OFFSET_BITS 64
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fstapi.h"

#define GEN_DATE "Sat Jan  1 00:00:00 2000\n"
/* bump when the same arguments give other bytes: bench/run.py then writes its files again */
#define GEN_FORMAT_VERSION 1
#define MIB (1024.0 * 1024.0)
#define LIBFST_BREAK_MB 128.0 /* FST_BREAK_SIZE in fstapi.c (1 << 27) */

enum kind { K_BIT = 0, K_VEC, K_REAL };
enum behave { B_RANDOM = 0, B_COUNTER, B_FSM };

typedef struct {
    const char *shape;
    const char *pack_name;
    int pack;
    uint64_t target;
    uint64_t seed;
    double block_mb;
    uint32_t nsig;
    double change_pct;
    int quiet;
    const char *out;
} Opts;

/* per-signal state, index = handle (1-based) */
typedef struct {
    uint8_t kind;
    uint8_t behave;
    uint8_t xz; /* may take x/z values */
    uint8_t width; /* 1, 8, 16, 32, 64 (8 for reals, as the writer counts) */
    uint8_t special; /* current value is x/z (1-bit) */
    uint8_t vtype; /* deep shape: index into VTYPES (ports copy their signal's type) */
    uint64_t val; /* current value, or the bits of a double */
} Sig;

typedef struct {
    uint64_t steps, changes, flushes, bytes;
    uint32_t nsig, nvars, naliases, nscopes, maxdepth;
    uint64_t name_chars; /* sum of the full-name lengths of all vars (deep shape) */
    int blocks;
} Stats;

/* ---- PRNG: xoshiro256** seeded by splitmix64 ---------------------------------------- */
static uint64_t rs[4];
static uint64_t splitmix(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}
static void rseed(uint64_t s)
{
    for (int i = 0; i < 4; i++)
        rs[i] = splitmix(&s);
}
static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
static inline uint64_t rnext(void)
{
    uint64_t r = rotl(rs[1] * 5, 7) * 9, t = rs[1] << 17;
    rs[2] ^= rs[0];
    rs[3] ^= rs[1];
    rs[1] ^= rs[2];
    rs[0] ^= rs[3];
    rs[2] ^= t;
    rs[3] = rotl(rs[3], 45);
    return r;
}
static inline uint32_t rbelow(uint32_t n) { return (uint32_t)(((rnext() >> 32) * (uint64_t)n) >> 32); }
static inline double runit(void) { return (double)(rnext() >> 11) / 9007199254740992.0; }

/* ---- helpers ---------------------------------------------------------------------------- */
static void die(const char *fmt, const char *a)
{
    fprintf(stderr, "gen_fst: ");
    fprintf(stderr, fmt, a);
    fputc('\n', stderr);
    exit(1);
}

static uint64_t file_size(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return 0;
    return (uint64_t)st.st_size;
}

static int varint_len(uint32_t v)
{
    int n = 1;
    while (v >>= 7)
        n++;
    return n;
}

/* Number of value-change blocks (types 1, 5, 8) in a finished FST file, -1 on error. */
static int count_blocks(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    int n = 0;
    unsigned char h[9];
    uint64_t size = file_size(path), pos = 0;
    while (pos + 9 <= size) {
        if (fseeko(f, (off_t)pos, SEEK_SET) != 0 || fread(h, 1, 9, f) != 9)
            break;
        uint64_t len = 0;
        for (int i = 1; i < 9; i++)
            len = (len << 8) | h[i];
        if (h[0] == 1 || h[0] == 5 || h[0] == 8)
            n++;
        if (len < 8)
            break;
        pos += 1 + len;
    }
    fclose(f);
    return n;
}

static uint64_t parse_size(const char *s)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || v <= 0)
        die("bad --size '%s'", s);
    switch (*end) {
    case 'k': case 'K': v *= 1024.0; end++; break;
    case 'm': case 'M': v *= MIB; end++; break;
    case 'g': case 'G': v *= MIB * 1024.0; end++; break;
    default: break;
    }
    if (*end == 'B' || *end == 'b' || *end == 'i')
        end++;
    if (*end)
        die("bad --size '%s'", s);
    return (uint64_t)v;
}

/* ---- the generator -------------------------------------------------------------------- */
typedef struct {
    const Opts *o;
    Sig *sig; /* [cap], index = handle */
    uint32_t cap;
    uint32_t *hot; /* hot handles */
    uint32_t nhot;
    uint32_t *stamp; /* step stamp per handle (no two changes of one signal per step) */
    uint32_t *last_gen, *last_idx; /* mirror of the writer's per-block chain state */
    uint32_t gen, blk_idx;
    double vchg; /* mirror of the writer's vchg_siz (uncompressed block memory) */
    fstWriterContext *ctx;
    Stats st;
} Gen;

static const char *const SUBS[] = {"fetch", "decode", "alu", "mul", "lsu", "dcache", "regfile", "csr"};
/* parent sub-scope index for nested ones (-1: directly in the core) */
static const int SUB_PARENT[] = {-1, -1, -1, 2, -1, 4, -1, -1};
static const char *const NAMES[] = {
    "valid", "ready", "data", "addr", "result", "op", "state", "cnt", "we", "re", "stall",
    "flush", "req", "ack", "tag", "idx", "wdata", "rdata", "sel", "en", "busy", "err",
    "mask", "pc", "imm", "rs1", "rs2", "rd", "hit", "miss", "way", "line"};
#define NSUBS 8
#define NNAMES ((int)(sizeof NAMES / sizeof NAMES[0]))

/* Declares the hierarchy and fills g->sig; returns the number of vars. Deterministic. */
static void declare(Gen *g)
{
    const Opts *o = g->o;
    fstWriterContext *ctx = g->ctx;
    uint32_t n = o->nsig, h = 0;
    char name[96];

    fstWriterSetScope(ctx, FST_ST_VCD_MODULE, "top", NULL);
    g->st.nscopes++;
    h = fstWriterCreateVar(ctx, FST_VT_VCD_WIRE, FST_VD_INPUT, 1, "clk", 0);
    g->sig[h] = (Sig){K_BIT, B_RANDOM, 0, 1, 0, 0, 0};
    g->st.nvars++;
    if (n >= 2) {
        h = fstWriterCreateVar(ctx, FST_VT_VCD_WIRE, FST_VD_INPUT, 1, "rst_n", 0);
        g->sig[h] = (Sig){K_BIT, B_RANDOM, 0, 1, 0, 0, 0};
        g->st.nvars++;
    }
    uint32_t rest = n > 2 ? n - 2 : 0;
    uint32_t ncores = rest / 250;
    if (ncores < 1)
        ncores = 1;
    uint32_t made = 0;
    for (uint32_t c = 0; c < ncores && made < rest; c++) {
        uint32_t in_core = rest / ncores + (c < rest % ncores ? 1 : 0);
        uint32_t first_h = 0, first_w = 1;
        snprintf(name, sizeof name, "core_%u", c);
        fstWriterSetScope(ctx, FST_ST_VCD_MODULE, name, NULL);
        g->st.nscopes++;
        uint32_t done = 0;
        for (int s = 0; s < NSUBS; s++) {
            uint32_t in_sub = in_core / NSUBS + ((uint32_t)s < in_core % NSUBS ? 1 : 0);
            /* close nested scopes: a sub-scope is open inside its parent */
            fstWriterSetScope(ctx, FST_ST_VCD_MODULE, SUBS[s], NULL);
            g->st.nscopes++;
            for (uint32_t j = 0; j < in_sub; j++, done++) {
                const char *base = NAMES[j % NNAMES];
                char nm[64];
                if (j < (uint32_t)NNAMES)
                    snprintf(nm, sizeof nm, "%s", base);
                else
                    snprintf(nm, sizeof nm, "%s_%u", base, j / NNAMES);
                uint32_t gi = made + done; /* 0-based index among the core signals */
                Sig sg = {K_BIT, B_RANDOM, 0, 1, 0, 0, 0};
                uint32_t r = rbelow(1000);
                if (gi % 997 == 500) {
                    sg.kind = K_REAL;
                    sg.width = 8;
                } else if (r < 750) {
                    sg.kind = K_BIT;
                    sg.xz = (gi % 211 == 7);
                } else {
                    uint32_t wr = rbelow(100);
                    sg.kind = K_VEC;
                    sg.width = wr < 30 ? 8 : wr < 55 ? 16 : wr < 85 ? 32 : 64;
                    uint32_t br = rbelow(100);
                    sg.behave = br < 50 ? B_RANDOM : br < 80 ? B_COUNTER : B_FSM;
                    sg.xz = (gi % 97 == 3);
                }
                enum fstVarDir dir = (j % 7 == 0) ? FST_VD_INPUT : (j % 7 == 1) ? FST_VD_OUTPUT
                                                                                 : FST_VD_IMPLICIT;
                if (sg.kind == K_REAL) {
                    h = fstWriterCreateVar(ctx, FST_VT_VCD_REAL, dir, 8, nm, 0);
                } else if (sg.kind == K_BIT) {
                    h = fstWriterCreateVar(ctx, (j & 1) ? FST_VT_VCD_WIRE : FST_VT_SV_LOGIC,
                                           dir, 1, nm, 0);
                } else {
                    snprintf(name, sizeof name, "%s[%u:0]", nm, sg.width - 1u);
                    h = fstWriterCreateVar(ctx, (j & 1) ? FST_VT_VCD_REG : FST_VT_SV_LOGIC,
                                           dir, sg.width, name, 0);
                }
                g->sig[h] = sg;
                g->st.nvars++;
                if (!first_h && sg.kind != K_REAL) {
                    first_h = h;
                    first_w = sg.width;
                }
            }
            /* leave this scope unless the next one is nested in it */
            int next_nested = (s + 1 < NSUBS && SUB_PARENT[s + 1] == s);
            if (!next_nested) {
                fstWriterSetUpscope(ctx);
                if (SUB_PARENT[s] >= 0)
                    fstWriterSetUpscope(ctx); /* also close the parent */
            }
        }
        made += done;
        /* aliases: the top clock and reset seen from the core, and a debug probe */
        fstWriterCreateVar(ctx, FST_VT_VCD_WIRE, FST_VD_INPUT, 1, "clk", 1);
        g->st.nvars++, g->st.naliases++;
        if (n >= 2) {
            fstWriterCreateVar(ctx, FST_VT_VCD_WIRE, FST_VD_INPUT, 1, "rst_n", 2);
            g->st.nvars++, g->st.naliases++;
        }
        if (first_h) {
            fstWriterSetScope(ctx, FST_ST_VCD_MODULE, "dbg", NULL);
            g->st.nscopes++;
            if (first_w == 1)
                fstWriterCreateVar(ctx, FST_VT_VCD_WIRE, FST_VD_IMPLICIT, 1, "probe", first_h);
            else {
                snprintf(name, sizeof name, "probe[%u:0]", first_w - 1u);
                fstWriterCreateVar(ctx, FST_VT_SV_LOGIC, FST_VD_IMPLICIT, first_w, name, first_h);
            }
            g->st.nvars++, g->st.naliases++;
            fstWriterSetUpscope(ctx);
        }
        fstWriterSetUpscope(ctx);
    }
    fstWriterSetUpscope(ctx);
    g->st.nsig = n;
}

/* ---- the deep shape: a VHDL design as nvc writes it -------------------------------------
 * tb_soc_top (vhdl_architecture: clk, rst_n, ...) > u_dut_fabric (ports
 * clk_i, rst_n_i as aliases, own signals) > g_compute_tile(T) (vhdl_for_generate, one per tile
 * until --signals is reached) > u_compute_tile_core, the tile's entity (depth 4) > child instances down to
 * level 8, whose records are the deepest scopes (depth 9). An entity is a type: (level, id)
 * seeds its own PRNG, so every instance of it declares the same names, types and children
 * (names repeat as in a real design). Each entity: 1-4 ports (aliases of its parent's
 * signals, of the same type, named *_i / *_o), 1-4 own signals, 0-2 records (vhdl_record
 * scopes of 3-6 fields; one in four is an array of 2-4 records `name[k]`), and below level
 * 8, 1-3 child slots: an instance `u_...` (vhdl_architecture), or a generate loop of 2-4
 * copies named `g_...(i)` (vhdl_for_generate) or `g_...__i` (vhdl_generate), each holding
 * an instance. Vars carry VHDL types (fstWriterCreateVar2: std_logic, std_logic_vector,
 * unsigned, signed, integer, real) as nvc writes them. */
static const char *const DW[] = {
    "axi", "interconnect", "master", "slave", "port", "arbiter", "round_robin", "fifo", "async",
    "sync", "dma", "engine", "channel", "descriptor", "ctrl", "status", "pipeline", "stage",
    "decoder", "encoder", "crc", "checker", "packet", "buffer", "memory", "controller",
    "register", "bank", "irq", "handler", "timer", "watchdog", "uart", "spi", "i2c", "eth",
    "mac", "phy", "pcs", "serdes", "lane", "deskew", "elastic", "credit", "flow", "scheduler",
    "queue", "manager", "cache", "tag", "data", "array", "coherency", "snoop", "filter", "bridge",
    "clock", "domain", "crossing", "reset", "synchronizer", "debug", "trace", "unit", "rx", "tx",
    "addr", "burst", "write", "read", "resp", "cmd"};
#define NDW ((uint32_t)(sizeof DW / sizeof DW[0]))
static const char *const DFIELDS[] = {"valid", "ready", "data", "addr", "last", "strb", "id",
                                      "user", "resp", "burst", "len", "size", "prot", "lock",
                                      "cache", "qos", "err", "busy"};
#define NDFIELDS ((uint32_t)(sizeof DFIELDS / sizeof DFIELDS[0]))
/* VHDL types: FST var type, bits, FST_SDT_VHDL_* of the element type and the declared type's
   name, as nvc writes them (a std_logic_vector or signed is an array of std_ulogic; pywellen
   0.20.5 prints a TODO line for each var with FST_SDT_VHDL_SIGNED/UNSIGNED) */
static const struct {
    uint8_t vt, width, sdt;
    const char *name;
} VTYPES[] = {
    {FST_VT_SV_LOGIC, 1, FST_SDT_VHDL_STD_LOGIC, "STD_LOGIC"},
    {FST_VT_SV_LOGIC, 4, FST_SDT_VHDL_STD_ULOGIC_VECTOR, "STD_LOGIC_VECTOR"},
    {FST_VT_SV_LOGIC, 8, FST_SDT_VHDL_STD_ULOGIC_VECTOR, "STD_LOGIC_VECTOR"},
    {FST_VT_SV_LOGIC, 32, FST_SDT_VHDL_STD_ULOGIC_VECTOR, "STD_LOGIC_VECTOR"},
    {FST_VT_SV_LOGIC, 64, FST_SDT_VHDL_STD_ULOGIC_VECTOR, "STD_LOGIC_VECTOR"},
    {FST_VT_SV_LOGIC, 16, FST_SDT_VHDL_STD_ULOGIC_VECTOR, "UNSIGNED"},
    {FST_VT_SV_LOGIC, 18, FST_SDT_VHDL_STD_ULOGIC_VECTOR, "SIGNED"},
    {FST_VT_VCD_INTEGER, 32, FST_SDT_VHDL_INTEGER, "INTEGER"},
    {FST_VT_VCD_REAL, 8, FST_SDT_VHDL_REAL, "REAL"},
};
#define DEEP_TYPES 16 /* entity types per level */
#define DEEP_TILE_DEPTH 4 /* scope depth of a tile's entity */
#define DEEP_MAX_DEPTH 9 /* the deepest scopes (records of the deepest entities) */
#define DEEP_MAX_OWN 64

static uint32_t lbelow(uint64_t *ls, uint32_t n) { return (uint32_t)(((splitmix(ls) >> 32) * n) >> 32); }

/* a VHDL type index drawn from the entity's PRNG: mostly std_logic, rarely real */
static uint8_t deep_vtype(uint64_t *ls)
{
    uint32_t r = lbelow(ls, 100);
    return r < 55 ? 0 : r < 62 ? 1 : r < 70 ? 2 : r < 78 ? 3 : r < 82 ? 4 : r < 89 ? 5 : r < 94 ? 6 : r < 99 ? 7 : 8;
}

/* "PREFIX w1[_w2]SUFFIX" from the entity's PRNG into buf */
static void deep_name(uint64_t *ls, char *buf, size_t n, const char *prefix, uint32_t words,
                      const char *suffix)
{
    size_t k = (size_t)snprintf(buf, n, "%s%s", prefix, DW[lbelow(ls, NDW)]);
    for (uint32_t i = 1; i < words && k < n; i++)
        k += (size_t)snprintf(buf + k, n - k, "_%s", DW[lbelow(ls, NDW)]);
    if (k < n)
        snprintf(buf + k, n - k, "%s", suffix);
}

typedef struct {
    Gen *g;
    size_t plen[16]; /* full-name prefix length per open depth, with its trailing dot */
    int depth;
} Deep;

static void deep_scope(Deep *d, enum fstScopeType t, const char *name)
{
    fstWriterSetScope(d->g->ctx, t, name, NULL);
    d->g->st.nscopes++;
    d->depth++;
    d->plen[d->depth] = d->plen[d->depth - 1] + strlen(name) + 1;
    if ((uint32_t)d->depth > d->g->st.maxdepth)
        d->g->st.maxdepth = (uint32_t)d->depth;
}

static void deep_up(Deep *d)
{
    fstWriterSetUpscope(d->g->ctx);
    d->depth--;
}

/* one var of VHDL type vt; alias 0 makes a new signal (returns its handle, grows g->sig) */
static fstHandle deep_var(Deep *d, uint8_t vt, enum fstVarDir dir, const char *name, fstHandle alias)
{
    Gen *g = d->g;
    fstHandle h = fstWriterCreateVar2(g->ctx, VTYPES[vt].vt, dir, VTYPES[vt].width, name, alias,
                                      VTYPES[vt].name, FST_SVT_VHDL_SIGNAL, VTYPES[vt].sdt);
    g->st.nvars++;
    g->st.name_chars += d->plen[d->depth] + strlen(name);
    if (alias) {
        g->st.naliases++;
        return alias;
    }
    if (h >= g->cap) {
        uint32_t cap = g->cap * 2;
        Sig *ns = realloc(g->sig, cap * sizeof(Sig));
        if (!ns)
            die("%s", "out of memory");
        memset(ns + g->cap, 0, (cap - g->cap) * sizeof(Sig));
        g->sig = ns, g->cap = cap;
    }
    Sig sg = {K_BIT, B_RANDOM, 0, VTYPES[vt].width, 0, vt, 0};
    if (VTYPES[vt].vt == FST_VT_VCD_REAL)
        sg.kind = K_REAL;
    else if (sg.width > 1) {
        sg.kind = K_VEC;
        sg.behave = VTYPES[vt].sdt == FST_SDT_VHDL_INTEGER ? B_COUNTER : (h % 3 == 0) ? B_FSM : B_RANDOM;
    }
    sg.xz = (h % 211 == 7) && sg.kind != K_REAL;
    g->sig[h] = sg;
    g->st.nsig++;
    return h;
}

/* one instance of entity (depth, id) inside the open scope (at scope depth d->depth), ports
   aliasing parent[] */
static void deep_entity(Deep *d, uint32_t id, const fstHandle *parent, uint32_t npar)
{
    Gen *g = d->g;
    uint32_t depth = (uint32_t)d->depth;
    uint64_t ls = g->o->seed * 0x9e3779b97f4a7c15ULL ^ ((uint64_t)depth << 40) ^ id;
    fstHandle own[DEEP_MAX_OWN];
    uint32_t nown = 0;
    char name[112], sub[96];

    uint32_t np = 2 + lbelow(&ls, 3);
    for (uint32_t i = 0; i < np && npar; i++) {
        fstHandle t = parent[lbelow(&ls, 64) % npar];
        int out = (int)lbelow(&ls, 3) == 0;
        deep_name(&ls, name, sizeof name, "", 1 + lbelow(&ls, 2), out ? "_o" : "_i");
        deep_var(d, g->sig[t].vtype, out ? FST_VD_OUTPUT : FST_VD_INPUT, name, t);
    }
    uint32_t ns = 1 + lbelow(&ls, 4);
    for (uint32_t i = 0; i < ns; i++) {
        uint8_t vt = deep_vtype(&ls);
        deep_name(&ls, name, sizeof name, "s_", 1 + lbelow(&ls, 2), lbelow(&ls, 2) ? "_q" : "");
        own[nown++] = deep_var(d, vt, FST_VD_IMPLICIT, name, 0);
    }
    uint32_t nr = lbelow(&ls, 3);
    for (uint32_t r = 0; r < nr; r++) {
        uint32_t copies = lbelow(&ls, 4) == 0 ? 2 + lbelow(&ls, 3) : 0;
        uint32_t nf = 2 + lbelow(&ls, 3), f0 = lbelow(&ls, NDFIELDS);
        uint8_t fvt[8];
        for (uint32_t f = 0; f < nf; f++)
            fvt[f] = deep_vtype(&ls);
        deep_name(&ls, sub, sizeof sub, "r_", 1 + lbelow(&ls, 2), "");
        for (uint32_t c = 0; c < (copies ? copies : 1); c++) {
            if (copies)
                snprintf(name, sizeof name, "%s[%u]", sub, c);
            else
                snprintf(name, sizeof name, "%s", sub);
            deep_scope(d, FST_ST_VHDL_RECORD, name);
            for (uint32_t f = 0; f < nf; f++) {
                fstHandle h = deep_var(d, fvt[f], FST_VD_IMPLICIT, DFIELDS[(f0 + f) % NDFIELDS], 0);
                if (nown < DEEP_MAX_OWN)
                    own[nown++] = h;
            }
            deep_up(d);
        }
    }
    if (depth + 1 >= DEEP_MAX_DEPTH) /* room for records only */
        return;
    uint32_t slots = 1 + lbelow(&ls, 3);
    for (uint32_t sl = 0; sl < slots; sl++) {
        uint32_t kind = lbelow(&ls, 10); /* 0-1: for-generate, 2: generate __i, else instance */
        uint32_t child = lbelow(&ls, DEEP_TYPES);
        if (depth + 2 >= DEEP_MAX_DEPTH) /* a generate scope would push records too deep */
            kind = 3;
        uint32_t copies = kind <= 2 ? 2 + lbelow(&ls, 3) : 1;
        char num[16] = "";
        if (lbelow(&ls, 3) == 0)
            snprintf(num, sizeof num, "_%u", lbelow(&ls, 8));
        deep_name(&ls, name, sizeof name, "u_", 1 + lbelow(&ls, 2), num);
        deep_name(&ls, sub, sizeof sub, "g_", 1, "");
        for (uint32_t c = 0; c < copies; c++) {
            char gname[112];
            if (kind <= 2) {
                snprintf(gname, sizeof gname, kind < 2 ? "%s(%u)" : "%s__%u", sub, c);
                deep_scope(d, kind < 2 ? FST_ST_VHDL_FOR_GENERATE : FST_ST_VHDL_GENERATE, gname);
            }
            deep_scope(d, FST_ST_VHDL_ARCHITECTURE, name);
            deep_entity(d, child, own, nown);
            deep_up(d);
            if (kind <= 2)
                deep_up(d);
        }
    }
}

/* Declares the deep shape's hierarchy (see above) until g->o->nsig signals exist. */
static void declare_deep(Gen *g)
{
    Deep d;
    memset(&d, 0, sizeof d);
    d.g = g;
    d.plen[0] = 0;
    uint64_t ls = g->o->seed;
    fstHandle top[8], dut[8];
    uint32_t ntop = 0, ndut = 0;
    deep_scope(&d, FST_ST_VHDL_ARCHITECTURE, "tb_soc_top");
    top[ntop++] = deep_var(&d, 0, FST_VD_IMPLICIT, "clk", 0); /* handle 1: the clock */
    top[ntop++] = deep_var(&d, 0, FST_VD_IMPLICIT, "rst_n", 0); /* handle 2 */
    top[ntop++] = deep_var(&d, 7, FST_VD_IMPLICIT, "s_test_phase", 0);
    top[ntop++] = deep_var(&d, 0, FST_VD_IMPLICIT, "s_sim_done", 0);
    deep_scope(&d, FST_ST_VHDL_ARCHITECTURE, "u_dut_fabric");
    deep_var(&d, 0, FST_VD_INPUT, "clk_i", top[0]);
    deep_var(&d, 0, FST_VD_INPUT, "rst_n_i", top[1]);
    dut[ndut++] = top[0];
    dut[ndut++] = top[1];
    for (uint32_t i = 0; i < 4; i++) {
        char name[64];
        uint8_t vt = deep_vtype(&ls);
        deep_name(&ls, name, sizeof name, "s_", 2, "");
        dut[ndut++] = deep_var(&d, vt, FST_VD_IMPLICIT, name, 0);
    }
    for (uint32_t t = 0; g->st.nsig < g->o->nsig; t++) {
        char name[64];
        snprintf(name, sizeof name, "g_compute_tile(%u)", t);
        deep_scope(&d, FST_ST_VHDL_FOR_GENERATE, name);
        deep_scope(&d, FST_ST_VHDL_ARCHITECTURE, "u_compute_tile_core");
        deep_entity(&d, t % DEEP_TYPES, dut, ndut);
        deep_up(&d);
        deep_up(&d);
    }
    deep_up(&d);
    deep_up(&d);
}

static inline void account(Gen *g, uint32_t h)
{
    uint32_t prev = g->last_gen[h] == g->gen ? g->last_idx[h] : 0;
    g->vchg += 4 + varint_len(g->blk_idx - prev) + g->sig[h].width;
    g->last_gen[h] = g->gen;
    g->last_idx[h] = g->blk_idx;
    g->st.changes++;
}

static void emit_bits(Gen *g, uint32_t h, uint32_t width, uint64_t v)
{
    char buf[64];
    for (uint32_t i = 0; i < width; i++)
        buf[i] = (char)('0' + ((v >> (width - 1 - i)) & 1));
    fstWriterEmitValueChange(g->ctx, h, buf);
}

/* one new value for signal h (different from the current one) */
static void change(Gen *g, uint32_t h)
{
    Sig *s = &g->sig[h];
    if (s->kind == K_BIT) {
        char c;
        if (s->xz && rbelow(8) == 0) {
            c = (s->special == 'x') ? 'z' : 'x';
            s->special = (uint8_t)c;
        } else {
            s->val = s->special ? 1 : (s->val ^ 1);
            s->special = 0;
            c = (char)('0' + s->val);
        }
        fstWriterEmitValueChange(g->ctx, h, &c);
    } else if (s->kind == K_VEC) {
        uint64_t mask = s->width == 64 ? ~0ULL : ((1ULL << s->width) - 1);
        if (s->xz && !s->special && rbelow(10) == 0) { /* x/z, never twice in a row */
            char buf[64];
            int z = (int)rbelow(2);
            for (uint32_t i = 0; i < s->width; i++)
                buf[i] = z ? 'z' : (i < s->width / 2 ? 'x' : (char)('0' + (rnext() & 1)));
            s->special = 1;
            fstWriterEmitValueChange(g->ctx, h, buf);
        } else {
            uint64_t v;
            switch (s->behave) {
            case B_COUNTER: v = (s->val + 1) & mask; break;
            case B_FSM: v = (s->val + 1 + rbelow(6)) % 8; break;
            default: v = rnext() & mask; if (v == s->val) v = (v + 1) & mask; break;
            }
            s->val = v;
            s->special = 0;
            emit_bits(g, h, s->width, v);
        }
    } else {
        double d;
        memcpy(&d, &s->val, 8);
        d = d * 0.999 + (runit() - 0.5);
        memcpy(&s->val, &d, 8);
        fstWriterEmitValueChange(g->ctx, h, &d);
    }
    account(g, h);
}

static void initial_value(Gen *g, uint32_t h)
{
    Sig *s = &g->sig[h];
    if (s->kind == K_BIT) {
        char c = s->xz ? 'x' : '0';
        s->special = s->xz ? 'x' : 0;
        fstWriterEmitValueChange(g->ctx, h, &c);
    } else if (s->kind == K_VEC) {
        if (s->xz) {
            char buf[64];
            memset(buf, 'x', s->width);
            s->special = 1;
            fstWriterEmitValueChange(g->ctx, h, buf);
        } else
            emit_bits(g, h, s->width, 0);
    } else {
        double d = 0.0;
        fstWriterEmitValueChange(g->ctx, h, &d);
    }
    account(g, h);
}

/*
 * Writes one file. mode 0: the real file, stops at the size estimate; mode 1: calibration,
 * stops when the uncompressed block memory reaches max_vchg (one block, no flush); mode 2:
 * the hierarchy and the initial values only. ratio/overhead: the calibration results.
 */
static int run(const Opts *o, const char *path, int mode, double max_vchg, double *ratio,
               double overhead, double *data_vchg, Stats *out)
{
    Gen g;
    memset(&g, 0, sizeof g);
    g.o = o;
    int deep = !strcmp(o->shape, "deep");
    g.cap = o->nsig + 1;
    g.sig = calloc(g.cap, sizeof(Sig));
    if (!g.sig)
        die("%s", "out of memory");
    rseed(o->seed);

    g.ctx = fstWriterCreate(path, 1);
    if (!g.ctx)
        die("cannot create '%s'", path);
    fstWriterSetPackType(g.ctx, o->pack);
    fstWriterSetFileType(g.ctx, deep ? FST_FT_VHDL : FST_FT_VERILOG);
    fstWriterSetTimescale(g.ctx, deep ? -15 : -9);
    fstWriterSetVersion(g.ctx, "fstwave bench gen_fst");
    fstWriterSetDate(g.ctx, GEN_DATE);
    if (deep)
        declare_deep(&g);
    else
        declare(&g);
    uint32_t n = g.st.nsig;
    g.hot = calloc(n / 50 + 2, sizeof(uint32_t));
    g.stamp = calloc(n + 1, sizeof(uint32_t));
    g.last_gen = calloc(n + 1, sizeof(uint32_t));
    g.last_idx = calloc(n + 1, sizeof(uint32_t));
    if (!g.hot || !g.stamp || !g.last_gen || !g.last_idx)
        die("%s", "out of memory");
    /* hot signals: 2 % of the signals after clk and rst_n (at least one) */
    uint32_t rest = n > 2 ? n - 2 : 0;
    uint32_t want = rest / 50 ? rest / 50 : (rest ? 1 : 0);
    for (uint32_t i = 0; i < want; i++)
        g.hot[g.nhot++] = 3 + rbelow(rest);

    double block_bytes = o->block_mb * MIB;
    uint64_t t = 0;
    uint64_t base_size = 0; /* file size after the last flush */
    double blk_vchg = 0; /* uncompressed bytes of the block being flushed */
    int pending = 0;
    double r = ratio ? *ratio : 0.25;
    double goal = (double)o->target * 1.02;

    /* step 0: every signal's initial value (like $dumpvars) */
    fstWriterEmitTimeChange(g.ctx, 0);
    g.gen = 1;
    g.blk_idx = 0;
    g.vchg = 1;
    for (uint32_t h = 1; h <= n; h++)
        initial_value(&g, h);
    g.st.steps = 1;
    base_size = file_size(path);
    double v0 = g.vchg; /* the initial values are in the overhead already */

    if (mode != 2) {
        for (uint32_t step = 1;; step++) {
            /* stop? */
            if (mode == 1 && g.vchg - v0 >= max_vchg)
                break;
            if (mode == 0 &&
                (double)base_size + (g.vchg - (g.gen == 1 ? v0 : 0)) * r + overhead >= goal)
                break;
            if (mode == 0 && g.vchg >= block_bytes && g.blk_idx >= 1) {
                fstWriterFlushContext(g.ctx); /* happens in the next EmitTimeChange */
                blk_vchg = g.vchg;
                pending = 1;
            }
            t += (rbelow(8) == 0) ? 1 + rbelow(4) : 5;
            fstWriterEmitTimeChange(g.ctx, t);
            g.st.steps++;
            if (pending) {
                pending = 0;
                g.st.flushes++;
                g.gen++;
                g.blk_idx = 1;
                g.vchg = 1;
                uint64_t sz = file_size(path);
                if (sz > base_size && blk_vchg > 0)
                    r = (double)(sz - base_size) / blk_vchg;
                base_size = sz;
                if (!o->quiet && mode == 0)
                    fprintf(stderr, "gen_fst: block %llu flushed, %.1f MB so far, ratio %.3f\r",
                            (unsigned long long)g.st.flushes, sz / 1e6, r);
            } else {
                g.blk_idx++;
            }
            /* clock and reset */
            change(&g, 1);
            g.stamp[1] = step;
            if (n >= 2 && step == 10)
                change(&g, 2);
            if (n <= 2)
                continue;
            /* this step's changes: half from the hot set, half from all signals */
            double f = o->change_pct / 100.0 * (1.0 / 3.0 + runit() * 4.0 / 3.0);
            uint32_t k = (uint32_t)(f * n + 0.5);
            for (uint32_t j = 0; j < k; j++) {
                uint32_t h = (rnext() & 1) && g.nhot ? g.hot[rbelow(g.nhot)] : 3 + rbelow(n - 2);
                if (g.stamp[h] == step)
                    continue;
                g.stamp[h] = step;
                change(&g, h);
            }
        }
    }
    fstWriterClose(g.ctx);
    if (!o->quiet && mode == 0)
        fputc('\n', stderr);
    if (data_vchg)
        *data_vchg = g.vchg - v0;
    g.st.bytes = file_size(path);
    g.st.blocks = count_blocks(path);
    *out = g.st;
    free(g.sig), free(g.hot), free(g.stamp), free(g.last_gen), free(g.last_idx);
    return 0;
}

static void usage(void)
{
    fprintf(stderr,
            "usage: gen_fst [--shape wide|narrow] [--pack zlib|fastlz|lz4] --size SIZE\n"
            "               [--seed N] [--block-mb MB] [--signals N] [--change-pct P]\n"
            "               [--quiet] OUT.fst\n"
            "  SIZE: bytes with an optional K/M/G (binary) suffix, e.g. 10M, 1100M\n");
    exit(1);
}

int main(int argc, char **argv)
{
    Opts o = {"wide", "lz4", FST_WR_PT_LZ4, 0, 1, LIBFST_BREAK_MB, 0, 0, 0, NULL};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = (i + 1 < argc) ? argv[i + 1] : NULL;
        if (!strcmp(a, "--quiet")) {
            o.quiet = 1;
            continue;
        }
        if (!strcmp(a, "-h") || !strcmp(a, "--help"))
            usage();
        if (a[0] == '-' && a[1] == '-') {
            if (!v)
                usage();
            i++;
            if (!strcmp(a, "--shape")) {
                if (strcmp(v, "wide") && strcmp(v, "narrow") && strcmp(v, "deep"))
                    die("bad --shape '%s' (wide, narrow or deep)", v);
                o.shape = v;
            } else if (!strcmp(a, "--pack")) {
                o.pack_name = v;
                if (!strcmp(v, "zlib"))
                    o.pack = FST_WR_PT_ZLIB;
                else if (!strcmp(v, "fastlz"))
                    o.pack = FST_WR_PT_FASTLZ;
                else if (!strcmp(v, "lz4"))
                    o.pack = FST_WR_PT_LZ4;
                else
                    die("bad --pack '%s' (zlib, fastlz or lz4)", v);
            } else if (!strcmp(a, "--size"))
                o.target = parse_size(v);
            else if (!strcmp(a, "--seed"))
                o.seed = strtoull(v, NULL, 0);
            else if (!strcmp(a, "--block-mb")) {
                o.block_mb = atof(v);
                if (!(o.block_mb > 0) || o.block_mb > LIBFST_BREAK_MB)
                    die("bad --block-mb '%s' (0 < MB <= 128)", v);
            } else if (!strcmp(a, "--signals")) {
                long s = atol(v);
                if (s < 1 || s > 999999)
                    die("bad --signals '%s' (1..999999)", v);
                o.nsig = (uint32_t)s;
            } else if (!strcmp(a, "--change-pct")) {
                o.change_pct = atof(v);
                if (!(o.change_pct > 0) || o.change_pct > 60)
                    die("bad --change-pct '%s' (0 < P <= 60)", v);
            } else
                die("unknown option '%s'", a);
        } else if (!o.out)
            o.out = a;
        else
            usage();
    }
    if (!o.out || !o.target)
        usage();
    int wide = !strcmp(o.shape, "wide"), deep = !strcmp(o.shape, "deep");
    if (!o.nsig)
        o.nsig = wide ? 100000 : deep ? 300000 : 2000;
    if (!o.change_pct)
        o.change_pct = wide ? 3.0 : deep ? 0.2 : 10.0;

    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);

    /* calibration: the hierarchy and the initial values only */
    size_t plen = strlen(o.out) + 32;
    char *cal = malloc(plen);
    Stats cs;
    Opts oq = o;
    oq.quiet = 1;
    snprintf(cal, plen, "%s.calib-0.tmp", o.out);
    run(&oq, cal, 2, 0, NULL, 0, NULL, &cs);
    double overhead = (double)cs.bytes;
    unlink(cal);
    /* the ratio improves with the block's size (longer chains compress better): calibrate
       at min(block, 8 MiB), then again at the size the file's last block will have */
    double block_bytes = o.block_mb * MIB, ratio = 0.25, cal_vchg = 0;
    double want = block_bytes < 8 * MIB ? block_bytes : 8 * MIB;
    snprintf(cal, plen, "%s.calib-1.tmp", o.out);
    for (int it = 0; it < 4; it++) {
        if (cal_vchg > 0 && want < cal_vchg * 1.15 && want > cal_vchg / 1.15)
            break;
        cal_vchg = want;
        double used = 0;
        run(&oq, cal, 1, cal_vchg, NULL, 0, &used, &cs);
        unlink(cal);
        ratio = ((double)cs.bytes - overhead) / (used > 1 ? used : 1);
        if (ratio <= 0.001)
            ratio = 0.001;
        /* uncompressed bytes the whole file will hold, and so its largest block */
        double total = ((double)o.target - overhead) / ratio;
        if (total < 0)
            total = 0;
        want = total < block_bytes ? total : block_bytes;
        if (want < 64 * 1024)
            want = 64 * 1024;
    }
    free(cal);

    Stats st;
    run(&o, o.out, 0, 0, &ratio, overhead, NULL, &st);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
    printf("gen_fst: version=%d out=%s shape=%s pack=%s seed=%llu signals=%u vars=%u aliases=%u "
           "scopes=%u blocks=%d flushes=%llu steps=%llu changes=%llu bytes=%llu "
           "target=%llu block_mb=%g depth=%u name_avg=%.1f seconds=%.1f\n",
           GEN_FORMAT_VERSION, o.out, o.shape, o.pack_name, (unsigned long long)o.seed, st.nsig, st.nvars,
           st.naliases, st.nscopes, st.blocks, (unsigned long long)st.flushes,
           (unsigned long long)st.steps, (unsigned long long)st.changes,
           (unsigned long long)st.bytes, (unsigned long long)o.target, o.block_mb, st.maxdepth,
           st.nvars ? (double)st.name_chars / st.nvars : 0.0, secs);
    if (st.bytes < o.target) {
        fprintf(stderr, "gen_fst: %s is %llu bytes, below the target %llu\n", o.out,
                (unsigned long long)st.bytes, (unsigned long long)o.target);
        return 2;
    }
    return 0;
}
