/* fstw_types.c - pywellen's names for scope types, var types, directions and
 * timescale units (pywellen/src/lib.rs and wellen's VarType/VarDirection
 * Debug names), and wellen's timescale rule. */
#include "fstw_internal.h"

static const char *const scope_names[FSTW_SCOPE_TYPE_COUNT] = {
    "module", "task", "function", "begin", "fork", "generate", "struct", "union", "class",
    "interface", "package", "program", "vhdl_architecture", "vhdl_procedure", "vhdl_function",
    "vhdl_record", "vhdl_process", "vhdl_block", "vhdl_for_generate", "vhdl_if_generate",
    "vhdl_generate", "vhdl_package", "unknown" /* SV array */, "vhdl_array"
};

static const char *const var_names[FSTW_VT_COUNT] = {
    "Event", "Integer", "Parameter", "Real", "RealParameter", "Reg", "Supply0", "Supply1",
    "Time", "Tri", "TriAnd", "TriOr", "TriReg", "Tri0", "Tri1", "WAnd", "Wire", "WOr", "Port",
    "SparseArray", "RealTime", "String", "Bit", "Logic", "Int", "ShortInt", "LongInt", "Byte",
    "Enum", "ShortReal", "Boolean", "BitVector", "StdLogic", "StdLogicVector", "StdULogic",
    "StdULogicVector"
};

static const char *const dir_names[6] = { "Implicit", "Input", "Output", "InOut", "Buffer", "Linkage" };

const char *fstw_scope_type_name(unsigned type)
{
    return type < FSTW_SCOPE_TYPE_COUNT ? scope_names[type] : "unknown";
}

const char *fstw_var_type_name(unsigned type)
{
    return type < FSTW_VT_COUNT ? var_names[type] : "Unknown";
}

const char *fstw_direction_name(unsigned direction)
{
    return direction < 6 ? dir_names[direction] : "Unknown";
}

int fstw_timescale(const fstw_file *f, uint32_t *factor, int *unit_exponent)
{
    int e = f->header.timescale_exponent;
    if (e < -21 || e > 9) return -1;
    int unit = e >= 0 ? 0 : -(((-e) + 2) / 3) * 3;
    uint32_t fac = 1;
    for (int i = unit; i < e; i++) fac *= 10;
    *factor = fac;
    *unit_exponent = unit;
    return 0;
}

const char *fstw_timescale_unit_name(int unit_exponent)
{
    switch (unit_exponent) {
    case -21: return "zs";
    case -18: return "as";
    case -15: return "fs";
    case -12: return "ps";
    case -9: return "ns";
    case -6: return "us";
    case -3: return "ms";
    case 0: return "s";
    default: return "unknown";
    }
}
