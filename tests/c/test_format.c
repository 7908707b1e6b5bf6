/*
 * test_format.c - fstw_format_value and fstw_enum_literal (core/src/fstw_format.c)
 * against independent computations: decimals of wide values by schoolbook
 * doubling of a decimal string, reals read back with strtod, hex digits from
 * the bits, Latin-1 code points encoded by hand, enum literals from the enum
 * fixture's table (tests/fixtures/gen_fixtures.c, fx_enums_vhdl).
 *
 *   test_format ENUMS_VHDL_FST
 *
 * Prints each failure and a closing line "test_format: N passed, N failed";
 * exits 1 when a check failed.
 */
#include "fstwave.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int passed, failed;

#define CHECK(cond, ...)                                  \
    do {                                                  \
        if (cond) {                                       \
            passed++;                                     \
        } else {                                          \
            failed++;                                     \
            printf("FAIL %s:%d: ", __FILE__, __LINE__);   \
            printf(__VA_ARGS__);                          \
            printf("\n");                                 \
        }                                                 \
    } while (0)

static char buf[8192];

static const char *fmt(const fstw_value *v, int radix)
{
    size_t n = fstw_format_value(v, radix, NULL, buf, sizeof buf);
    if (n >= sizeof buf) return "(too long)";
    return buf;
}

/* A 9-state value from its MSB-first characters (LOGIC), or a packed 2-state one
 * (BITS2) when every character is 0/1, as fstw_signal_value hands them out. */
static uint8_t packed[1024];
static fstw_value bits_value(const char *s)
{
    fstw_value v = {0};
    size_t n = strlen(s);
    v.bits = (uint32_t)n;
    if (strspn(s, "01") != n) {
        v.kind = FSTW_VAL_LOGIC;
        v.data = (const uint8_t *)s;
        v.len = n;
        return v;
    }
    size_t nb = (n + 7) / 8;
    memset(packed, 0, nb);
    for (size_t i = 0; i < n; i++) /* bit i from the LSB */
        if (s[n - 1 - i] == '1') packed[nb - 1 - i / 8] |= (uint8_t)(1u << (i % 8));
    v.kind = FSTW_VAL_BITS2;
    v.data = packed;
    v.len = nb;
    return v;
}

/* Decimal of a binary string by doubling a decimal string (most significant bit first). */
static void dec_by_doubling(const char *bits, char *out)
{
    char d[4096] = "0"; /* little-endian digits */
    size_t nd = 1;
    for (const char *p = bits; *p; p++) {
        int carry = *p == '1';
        for (size_t k = 0; k < nd; k++) {
            int x = (d[k] - '0') * 2 + carry;
            d[k] = (char)('0' + x % 10);
            carry = x / 10;
        }
        if (carry) d[nd++] = (char)('0' + carry);
    }
    for (size_t k = 0; k < nd; k++) out[k] = d[nd - 1 - k];
    out[nd] = '\0';
}

/* Hex digits from a 2-state binary string, 4 bits at a time from the LSB end. */
static void hex_of(const char *bits, char *out)
{
    size_t n = strlen(bits), nd = (n + 3) / 4;
    for (size_t dgt = 0; dgt < nd; dgt++) {
        unsigned val = 0;
        for (size_t b = 0; b < 4 && dgt * 4 + b < n; b++)
            val |= (unsigned)(bits[n - 1 - (dgt * 4 + b)] - '0') << b;
        out[nd - 1 - dgt] = "0123456789abcdef"[val];
    }
    out[nd] = '\0';
}

static uint64_t rng = 0x9e3779b97f4a7c15ULL;
static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static void test_bits(void)
{
    fstw_value v;
    v = bits_value("1010");
    CHECK(!strcmp(fmt(&v, FSTW_RADIX_HEX), "a"), "hex 1010: %s", buf);
    v = bits_value("10110");
    CHECK(!strcmp(fmt(&v, FSTW_RADIX_HEX), "16"), "hex 10110: %s", buf);
    CHECK(!strcmp(fmt(&v, FSTW_RADIX_BIN), "10110"), "bin 10110: %s", buf);
    CHECK(!strcmp(fmt(&v, FSTW_RADIX_DEC), "22"), "dec 10110: %s", buf);
    /* GTKWave's nibble rule */
    v = bits_value("xxxx0101");
    CHECK(!strcmp(fmt(&v, FSTW_RADIX_HEX), "x5"), "hex xxxx0101: %s", buf);
    v = bits_value("zzzz0101");
    CHECK(!strcmp(fmt(&v, FSTW_RADIX_HEX), "z5"), "hex zzzz0101: %s", buf);
    v = bits_value("x0z10000");
    CHECK(!strcmp(fmt(&v, FSTW_RADIX_HEX), "X0"), "hex x0z10000: %s", buf);
    v = bits_value("zz1111");
    CHECK(!strcmp(fmt(&v, FSTW_RADIX_HEX), "zf"), "hex zz1111 (short top nibble): %s", buf);
    CHECK(!strcmp(fmt(&v, FSTW_RADIX_DEC), "x"), "dec with z: %s", buf);
    CHECK(!strcmp(fmt(&v, FSTW_RADIX_BIN), "zz1111"), "bin zz1111: %s", buf);
    v = bits_value("zzzz");
    CHECK(!strcmp(fmt(&v, FSTW_RADIX_DEC), "z"), "dec all z: %s", buf);
    v = bits_value("uuuu");
    CHECK(!strcmp(fmt(&v, FSTW_RADIX_HEX), "X"), "hex uuuu: %s", buf);
    /* 1 bit: the state in every radix */
    const char *states[] = {"0", "1", "x", "z", "h", "u", "w", "l", "-"};
    for (size_t i = 0; i < sizeof states / sizeof states[0]; i++) {
        v = bits_value(states[i]);
        CHECK(!strcmp(fmt(&v, FSTW_RADIX_HEX), states[i]) && !strcmp(fmt(&v, FSTW_RADIX_DEC), states[i]),
              "1-bit %s: %s", states[i], buf);
    }
    /* random 2-state values of many widths, up to 1000 bits: dec by doubling, hex from the bits */
    static char bits[1100], want[1100];
    for (int round = 0; round < 300; round++) {
        size_t n = 2 + next() % (round < 100 ? 64 : 1000);
        for (size_t i = 0; i < n; i++) bits[i] = (next() >> 7) & 1 ? '1' : '0';
        bits[n] = '\0';
        v = bits_value(bits);
        dec_by_doubling(bits, want);
        CHECK(!strcmp(fmt(&v, FSTW_RADIX_DEC), want), "dec of %zu bits: %s, want %s", n, buf, want);
        hex_of(bits, want);
        CHECK(!strcmp(fmt(&v, FSTW_RADIX_HEX), want), "hex of %zu bits: %s, want %s", n, buf, want);
        CHECK(!strcmp(fmt(&v, FSTW_RADIX_BIN), bits), "bin of %zu bits", n);
    }
    /* 2^128 - 1: the known constant */
    memset(bits, '1', 128);
    bits[128] = '\0';
    v = bits_value(bits);
    CHECK(!strcmp(fmt(&v, FSTW_RADIX_DEC), "340282366920938463463374607431768211455"), "dec 2^128-1: %s", buf);
    /* snprintf semantics: the full length back, a truncated NUL-terminated prefix written */
    char small[4];
    size_t full = fstw_format_value(&v, FSTW_RADIX_DEC, NULL, small, sizeof small);
    CHECK(full == 39 && !strcmp(small, "340"), "truncated: %zu %s", full, small);
    CHECK(fstw_format_value(&v, FSTW_RADIX_HEX, NULL, NULL, 0) == 32, "length only");
}

static void test_reals(void)
{
    fstw_value v = {0};
    v.kind = FSTW_VAL_REAL;
    double special[] = {0.1, 1.0, -2.5, 1e300, -1e-300, 5e-324, 1.7976931348623157e308, 123456789.123, 0.0, -0.0};
    for (size_t i = 0; i < sizeof special / sizeof special[0]; i++) {
        v.real = special[i];
        fmt(&v, FSTW_RADIX_HEX);
        double back = strtod(buf, NULL);
        CHECK(back == v.real && signbit(back) == signbit(v.real), "real %.17g -> %s", v.real, buf);
    }
    v.real = 0.1;
    CHECK(!strcmp(fmt(&v, FSTW_RADIX_HEX), "0.1"), "0.1 is shortest: %s", buf);
    for (int i = 0; i < 2000; i++) {
        uint64_t u = next();
        memcpy(&v.real, &u, 8);
        if (!isfinite(v.real)) continue;
        fmt(&v, FSTW_RADIX_DEC);
        CHECK(strtod(buf, NULL) == v.real, "real bits %016llx -> %s", (unsigned long long)u, buf);
    }
    v.real = INFINITY;
    CHECK(!strcmp(fmt(&v, FSTW_RADIX_HEX), "inf"), "inf: %s", buf);
    v.real = -INFINITY;
    CHECK(!strcmp(fmt(&v, FSTW_RADIX_HEX), "-inf"), "-inf: %s", buf);
    v.real = NAN;
    CHECK(!strcmp(fmt(&v, FSTW_RADIX_HEX), "nan"), "nan: %s", buf);
}

static void test_strings_events(void)
{
    fstw_value v = {0};
    v.kind = FSTW_VAL_STRING;
    uint8_t latin1[256];
    char want[600];
    size_t w = 0;
    for (int c = 1; c < 256; c++) { /* every Latin-1 code point, encoded by hand */
        latin1[c - 1] = (uint8_t)c;
        if (c < 0x80) want[w++] = (char)c;
        else {
            want[w++] = (char)(0xc0 | (c >> 6));
            want[w++] = (char)(0x80 | (c & 0x3f));
        }
    }
    want[w] = '\0';
    v.data = latin1;
    v.len = 255;
    CHECK(fstw_format_value(&v, FSTW_RADIX_HEX, NULL, buf, sizeof buf) == w && !strcmp(buf, want),
          "Latin-1 to UTF-8");
    v.data = (const uint8_t *)"caf\xe9";
    v.len = 4;
    CHECK(!strcmp(fmt(&v, FSTW_RADIX_HEX), "caf\xc3\xa9"), "caf\\xe9: %s", buf);
    v.kind = FSTW_VAL_EVENT;
    CHECK(!strcmp(fmt(&v, FSTW_RADIX_HEX), "event"), "event: %s", buf);
}

static void test_enums(const char *path)
{
    fstw_file *f = NULL;
    fstw_error err;
    if (fstw_open(path, NULL, &f, &err) != FSTW_OK) {
        CHECK(0, "open %s: %s", path, err.message);
        return;
    }
    uint32_t op = fstw_lookup_var(f, "tb.op", 5), state = fstw_lookup_var(f, "tb.state", 8),
             slv = fstw_lookup_var(f, "tb.slv", 6);
    CHECK(op != FSTW_NONE && state != FSTW_NONE && slv != FSTW_NONE, "vars of the enum fixture");
    /* the literals as gen_fixtures wrote them (fstWriterCreateEnumTable: op_t, state_t) */
    struct { uint32_t var; const char *bits; const char *want; } cases[] = {
        {op, "000", "OP_ADD"}, {op, "001", "OP_SUB"}, {op, "100", "OP\\MUL"},
        {state, "00", "IDLE"}, {state, "01", "RUN"}, {state, "10", "DONE"}, {state, "11", "wait state"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fstw_value v = bits_value(cases[i].bits);
        fstw_str lit;
        int found = fstw_enum_literal(f, cases[i].var, &v, &lit);
        CHECK(found, "literal of %s", cases[i].bits);
        if (!found) continue;
        fstw_format_value(&v, FSTW_RADIX_HEX, &lit, buf, sizeof buf);
        CHECK(!strcmp(buf, cases[i].want), "enum %s: %s, want %s", cases[i].bits, buf, cases[i].want);
    }
    fstw_value v = bits_value("011");
    fstw_str lit;
    CHECK(!fstw_enum_literal(f, op, &v, &lit), "a value not in the table has no literal");
    v = bits_value("x01");
    CHECK(!fstw_enum_literal(f, op, &v, &lit), "x value: no literal");
    v = bits_value("00000000");
    CHECK(!fstw_enum_literal(f, slv, &v, &lit), "a var without a table has no literal");
    CHECK(!fstw_enum_literal(f, FSTW_NONE, &v, &lit), "FSTW_NONE has no literal");
    /* a literal with escapes and an invalid UTF-8 byte, given directly */
    fstw_str raw = {"a\\tb\\x41\\101\\\\\xff", 15};
    fstw_format_value(&v, FSTW_RADIX_HEX, &raw, buf, sizeof buf);
    CHECK(!strcmp(buf, "a\tbAA\\\xef\xbf\xbd"), "escapes undone, invalid byte as U+FFFD: %s", buf);
    fstw_close(f);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: test_format ENUMS_VHDL_FST\n");
        return 2;
    }
    test_bits();
    test_reals();
    test_strings_events();
    test_enums(argv[1]);
    printf("test_format: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
