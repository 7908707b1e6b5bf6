/* fstw_types.c - pywellen's names for scope types, var types and directions
 * (pywellen/src/lib.rs and wellen's VarType/VarDirection Debug names). */
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
