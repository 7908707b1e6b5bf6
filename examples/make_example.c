/*
 * make_example OUT.fst
 *
 * Writes a small but rich FST file with libfst's writer (vendor/libfst):
 *   - three value-change blocks (fstWriterFlushContext between time ranges)
 *   - bit vectors of widths 1, 4, 8, 32, 64 and 100
 *   - 4-state (x z) and 9-state (h u w l -) values
 *   - reals, a string variable, an event
 *   - aliases with different names, in different scopes
 *   - an enum table attached to a variable
 *   - nested scopes: module in module, task, function, generate
 *   - a variable whose name carries a bit range ("data[7:0]")
 *   - timescale 1ns, version "fstwave example", a fixed date
 *
 * The output is deterministic: the same program writes the same bytes.
 * Exits non-zero with a message on failure.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fstapi.h"

#define EXAMPLE_DATE "Mon Jan  1 00:00:00 2024\n"
#define MAX_HANDLES 64

static const char *g_prog = "make_example";
static int g_failed = 0;
static uint32_t g_width[MAX_HANDLES + 1];
static fstWriterContext *g_ctx;

static void fail(const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s: ", g_prog);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    g_failed = 1;
}

/* Create a variable; alias is 0 for a new signal or the handle to alias. */
static fstHandle var(enum fstVarType vt, enum fstVarDir vd, uint32_t len, const char *name,
                     fstHandle alias)
{
    fstHandle h = fstWriterCreateVar(g_ctx, vt, vd, len, name, alias);
    if (h == 0 || h > MAX_HANDLES) {
        fail("could not create variable '%s'", name);
        return 0;
    }
    if (alias == 0) {
        g_width[h] = len;
    } else if (h != alias) {
        fail("alias '%s' got handle %u, expected %u", name, (unsigned)h, (unsigned)alias);
    }
    return h;
}

/* Emit a bit-vector value given as a string of exactly the declared width. */
static void bits(fstHandle h, const char *v)
{
    if (h == 0 || strlen(v) != g_width[h]) {
        fail("value '%s' does not fit handle %u (width %u)", v, (unsigned)h,
             (unsigned)(h ? g_width[h] : 0));
        return;
    }
    fstWriterEmitValueChange(g_ctx, h, v);
}

/* Emit an unsigned value as a binary string of the declared width (zero-extended). */
static void uval(fstHandle h, uint64_t v)
{
    char buf[256];
    uint32_t w = g_width[h], i;
    if (h == 0 || w == 0 || w >= sizeof(buf)) {
        fail("bad handle %u for uval", (unsigned)h);
        return;
    }
    for (i = 0; i < w; i++) {
        uint32_t bit = w - 1 - i;
        buf[i] = (bit < 64 && ((v >> bit) & 1)) ? '1' : '0';
    }
    buf[w] = 0;
    fstWriterEmitValueChange(g_ctx, h, buf);
}

static void real(fstHandle h, double d)
{
    fstWriterEmitValueChange(g_ctx, h, &d);
}

static void str(fstHandle h, const char *s)
{
    fstWriterEmitVariableLengthValueChange(g_ctx, h, s, (uint32_t)strlen(s));
}

static void at(uint64_t t)
{
    fstWriterEmitTimeChange(g_ctx, t);
}

int main(int argc, char **argv)
{
    const char *out;
    fstHandle clk, rst_n, nib, data, count, w64, w100, sl9, temp, msg, done, state;
    fstHandle pc, result, a, b, ret, lane0_q, lane1_q;
    fstEnumHandle state_enum;
    static const char *state_lits[] = {"IDLE", "FETCH", "EXEC", "HALT"};
    static const char *state_vals[] = {"00", "01", "10", "11"};
    static const char *nine[] = {"0000", "1111", "uuuu", "xxxx", "zzzz",
                                 "wwww", "llll", "hhhh", "----", "01zx", "hl-u"};
    static const char *nib4[] = {"0000", "1010", "x01z", "zzzz", "xxxx", "0110"};
    uint64_t t;
    int step;

    if (argc != 2) {
        fprintf(stderr, "usage: %s OUT.fst\n", argv[0]);
        return 2;
    }
    out = argv[1];

    g_ctx = fstWriterCreate(out, 1);
    if (!g_ctx) {
        fprintf(stderr, "%s: cannot create '%s'\n", g_prog, out);
        return 1;
    }
    fstWriterSetTimescale(g_ctx, -9);
    fstWriterSetVersion(g_ctx, "fstwave example");
    fstWriterSetDate(g_ctx, EXAMPLE_DATE);
    fstWriterSetPackType(g_ctx, FST_WR_PT_ZLIB);

    /* ---- hierarchy ---- */
    fstWriterSetScope(g_ctx, FST_ST_VCD_MODULE, "top", "top_mod");
    clk = var(FST_VT_VCD_WIRE, FST_VD_INPUT, 1, "clk", 0);
    rst_n = var(FST_VT_VCD_WIRE, FST_VD_INPUT, 1, "rst_n", 0);
    nib = var(FST_VT_SV_LOGIC, FST_VD_OUTPUT, 4, "nib[3:0]", 0);
    data = var(FST_VT_VCD_REG, FST_VD_OUTPUT, 8, "data[7:0]", 0);
    count = var(FST_VT_VCD_INTEGER, FST_VD_IMPLICIT, 32, "count", 0);
    w64 = var(FST_VT_SV_LONGINT, FST_VD_IMPLICIT, 64, "stamp", 0);
    w100 = var(FST_VT_SV_LOGIC, FST_VD_IMPLICIT, 100, "wide[99:0]", 0);
    sl9 = var(FST_VT_SV_LOGIC, FST_VD_INOUT, 4, "pads", 0);
    temp = var(FST_VT_VCD_REAL, FST_VD_IMPLICIT, 64, "temperature", 0);
    msg = var(FST_VT_GEN_STRING, FST_VD_IMPLICIT, 0, "message", 0);
    done = var(FST_VT_VCD_EVENT, FST_VD_IMPLICIT, 1, "done", 0);
    state_enum = fstWriterCreateEnumTable(g_ctx, "state_t", 4, 2, state_lits, state_vals);
    if (!state_enum) {
        fail("could not create the enum table");
    }
    fstWriterEmitEnumTableRef(g_ctx, state_enum);
    state = var(FST_VT_SV_LOGIC, FST_VD_IMPLICIT, 2, "state", 0);

    fstWriterSetScope(g_ctx, FST_ST_VCD_MODULE, "cpu", "cpu_core");
    pc = var(FST_VT_SV_INT, FST_VD_IMPLICIT, 32, "pc", 0);
    var(FST_VT_VCD_WIRE, FST_VD_INPUT, 8, "bus_in[7:0]", data); /* alias of top.data */
    var(FST_VT_VCD_WIRE, FST_VD_INPUT, 1, "cpu_clk", clk); /* alias of top.clk */

    fstWriterSetScope(g_ctx, FST_ST_VCD_MODULE, "alu", "alu");
    result = var(FST_VT_VCD_REG, FST_VD_OUTPUT, 8, "result", 0);
    var(FST_VT_VCD_WIRE, FST_VD_INPUT, 1, "alu_clk", clk); /* alias in a deeper scope */
    var(FST_VT_VCD_WIRE, FST_VD_INPUT, 32, "count_in", count); /* alias of top.count */
    fstWriterSetUpscope(g_ctx);

    fstWriterSetScope(g_ctx, FST_ST_VCD_TASK, "do_add", NULL);
    a = var(FST_VT_VCD_REG, FST_VD_INPUT, 8, "a", 0);
    b = var(FST_VT_VCD_REG, FST_VD_INPUT, 8, "b", 0);
    fstWriterSetUpscope(g_ctx);

    fstWriterSetScope(g_ctx, FST_ST_VCD_FUNCTION, "parity", NULL);
    ret = var(FST_VT_VCD_REG, FST_VD_OUTPUT, 1, "parity", 0);
    fstWriterSetUpscope(g_ctx);

    fstWriterSetUpscope(g_ctx); /* cpu */

    fstWriterSetScope(g_ctx, FST_ST_VCD_GENERATE, "gen_lane", NULL);
    fstWriterSetScope(g_ctx, FST_ST_VCD_BEGIN, "lane[0]", NULL);
    lane0_q = var(FST_VT_VCD_REG, FST_VD_IMPLICIT, 4, "q[3:0]", 0);
    fstWriterSetUpscope(g_ctx);
    fstWriterSetScope(g_ctx, FST_ST_VCD_BEGIN, "lane[1]", NULL);
    lane1_q = var(FST_VT_VCD_REG, FST_VD_IMPLICIT, 4, "q[3:0]", 0);
    fstWriterSetUpscope(g_ctx);
    fstWriterSetUpscope(g_ctx); /* gen_lane */

    fstWriterSetUpscope(g_ctx); /* top */

    if (g_failed) {
        fstWriterClose(g_ctx);
        return 1;
    }

    /* ---- values: three blocks of 100 ns each, one step every 5 ns ---- */
    for (step = 0; step < 60; step++) {
        t = (uint64_t)step * 5;
        if (step > 0 && step % 20 == 0) {
            fstWriterFlushContext(g_ctx); /* the block ends at the next time change */
        }
        at(t);
        bits(clk, (step & 1) ? "1" : "0");
        if (step == 0) {
            bits(rst_n, "0");
            bits(nib, "xxxx");
            uval(data, 0);
            uval(count, 0);
            uval(w64, 0);
            bits(w100, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
                       "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz");
            bits(sl9, "uuuu");
            real(temp, 20.5);
            str(msg, "reset");
            bits(state, "00");
            uval(pc, 0);
            uval(result, 0);
            uval(a, 0);
            uval(b, 0);
            bits(ret, "x");
            bits(lane0_q, "0000");
            bits(lane1_q, "zzzz");
            continue;
        }
        if (step == 3) {
            bits(rst_n, "1");
            str(msg, "running");
            bits(state, "01");
        }
        if ((step & 1) == 0) {
            /* rising edge every 10 ns */
            uint64_t n = (uint64_t)step / 2;
            uval(count, n);
            uval(data, (n * 37) & 0xff);
            uval(pc, 0x1000 + 4 * n);
            uval(w64, 0x0123456789abcdefULL * n);
            bits(nib, nib4[n % 6]);
            bits(sl9, nine[n % 11]);
            uval(a, n & 0xff);
            uval(b, (n * 3) & 0xff);
            uval(result, (n + n * 3) & 0xff);
            bits(ret, ((n ^ (n >> 1)) & 1) ? "1" : "0");
            bits(lane0_q, nib4[(n + 1) % 6]);
            bits(lane1_q, (n & 1) ? "1111" : "0000");
            real(temp, 20.5 + 0.25 * (double)n);
            if (n % 5 == 0) {
                /* 100-bit 2-state value: a walking pattern */
                char v[101];
                int i;
                for (i = 0; i < 100; i++) {
                    v[i] = ((i + (int)n) % 7 == 0) ? '1' : '0';
                }
                v[100] = 0;
                bits(w100, v);
            }
            if (n % 4 == 0) {
                bits(state, (n % 8 == 0) ? "10" : "01");
            }
        }
        if (step == 19 || step == 39 || step == 59) {
            bits(done, "1");
            str(msg, step == 59 ? "halted" : "block done");
        }
        if (step == 59) {
            bits(state, "11");
        }
    }
    at(300);

    if (fstWriterGetFseekFailed(g_ctx)) {
        fail("a seek failed while writing '%s'", out);
    }
    fstWriterClose(g_ctx);
    if (g_failed) {
        return 1;
    }

    /* Read the file back with libfst as a sanity check. */
    {
        fstReaderContext *rd = fstReaderOpen(out);
        if (!rd) {
            fprintf(stderr, "%s: libfst cannot read back '%s'\n", g_prog, out);
            return 1;
        }
        if (fstReaderGetValueChangeSectionCount(rd) < 3) {
            fprintf(stderr, "%s: expected at least 3 value-change blocks, got %llu\n", g_prog,
                    (unsigned long long)fstReaderGetValueChangeSectionCount(rd));
            fstReaderClose(rd);
            return 1;
        }
        fstReaderClose(rd);
    }
    return 0;
}
