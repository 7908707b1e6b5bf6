/*
 * pyfstw_hier.c - Hierarchy, Scope, ScopeIter, Var, VarIter, VarIndex.
 *
 * Var and Scope objects are tiny (owner + id) and created only when an
 * iterator yields them; everything they report is read from the core's
 * in-memory hierarchy on each call.
 */
#include "pyfstw.h"

#include <string.h>

/* ============================================================ helpers */

/* Names, header strings, enum names and literals: UTF-8 with
 * errors="replace" (deviation D9, docs/api.md). */
static PyObject *decode_name(const char *p, size_t len)
{
    if (len == 0 || !p)
        return PyUnicode_FromStringAndSize("", 0);
    /* names are almost always ASCII: a compact ASCII string filled directly
       (checked 8 bytes at a time) */
    size_t i = 0;
    uint64_t high = 0, w;
    for (; i + 8 <= len; i += 8) {
        memcpy(&w, p + i, 8);
        high |= w;
    }
    for (; i < len; i++)
        high |= (unsigned char)p[i];
    if (!(high & 0x8080808080808080ull) && len <= PY_SSIZE_T_MAX) {
        PyObject *u = PyUnicode_New((Py_ssize_t)len, 127);
        if (u)
            memcpy(PyUnicode_DATA(u), p, len);
        return u;
    }
    return PyUnicode_DecodeUTF8(p, (Py_ssize_t)len, "replace");
}

static PyObject *itemiter_new(PyTypeObject *type, pyfstw_HierarchyObject *hier, const uint32_t *ids,
                              uint32_t n);

/* The signatures of the methods that take pywellen's `hier` argument:
 * required (name(hier), ...) or optional (bitwidth(hier=None), ...). */
#define HIER_SPEC(fname) PYFSTW_ARGSPEC(fname, "O", "", "hier")
#define OPT_HIER_SPEC(fname) PYFSTW_ARGSPEC(fname, "", "O", "hier")

/* Parses the `hier` argument of a Scope or Var method (spec: HIER_SPEC or
 * OPT_HIER_SPEC).  It is not used (the item knows its file) but must be a
 * Hierarchy; None is accepted where it is optional.  Returns 0 or -1. */
static inline int parse_hier(PyObject *self, const pyfstw_argspec *spec, PyObject *const *args, Py_ssize_t nargs,
                             PyObject *kwnames)
{
    PyObject *h;
    if (pyfstw_parse_args(spec, args, nargs, kwnames, &h) < 0)
        return -1;
    if (h == (PyObject *)((pyfstw_ItemObject *)self)->hier) /* the usual case: the item's own */
        return 0;
    if (spec->n_required == 0 && (!h || h == Py_None))
        return 0;
    if (!PyObject_TypeCheck(h, pyfstw_state_of(self)->Hierarchy_Type))
        return pyfstw_bad_argument(spec->fname, "hier", "Hierarchy", h);
    return 0;
}

static PyObject *full_name_of(size_t (*fn)(const fstw_file *, uint32_t, char *, size_t),
                              pyfstw_ItemObject *item)
{
    const fstw_file *f = pyfstw_open_file(item->hier);
    uint32_t id = item->id;
    if (!f)
        return NULL;
    char stackbuf[256];
    size_t n = fn(f, id, stackbuf, sizeof stackbuf);
    if (n < sizeof stackbuf)
        return decode_name(stackbuf, n);
    char *buf = PyMem_Malloc(n + 1);
    if (!buf)
        return PyErr_NoMemory();
    fn(f, id, buf, n + 1);
    PyObject *res = decode_name(buf, n);
    PyMem_Free(buf);
    return res;
}

static Py_hash_t item_hash_value(pyfstw_ItemObject *self, uintptr_t salt)
{
    uintptr_t h = ((uintptr_t)self->hier >> 4) * (uintptr_t)1000003u;
    h ^= ((uintptr_t)self->id + 1u) * (uintptr_t)2654435761u;
    h ^= salt;
    Py_hash_t r = (Py_hash_t)h;
    if (r == -1)
        r = -2;
    return r;
}

static PyObject *item_richcompare(PyObject *a, PyObject *b, int op)
{
    if (Py_TYPE(a) != Py_TYPE(b) || (op != Py_EQ && op != Py_NE))
        Py_RETURN_NOTIMPLEMENTED;
    pyfstw_ItemObject *x = (pyfstw_ItemObject *)a, *y = (pyfstw_ItemObject *)b;
    int eq = x->hier == y->hier && x->id == y->id;
    if (op == Py_NE)
        eq = !eq;
    return PyBool_FromLong(eq);
}

static void item_dealloc(pyfstw_ItemObject *self)
{
    PyTypeObject *tp = Py_TYPE(self);
    Py_XDECREF(self->hier);
    tp->tp_free((PyObject *)self);
    Py_DECREF(tp);
}

static PyObject *item_new(PyTypeObject *type, pyfstw_HierarchyObject *hier, uint32_t id)
{
    pyfstw_ItemObject *self = (pyfstw_ItemObject *)type->tp_alloc(type, 0);
    if (!self)
        return NULL;
    Py_INCREF(hier);
    self->hier = hier;
    self->id = id;
    return (PyObject *)self;
}

static PyObject *var_new(pyfstw_state *st, pyfstw_HierarchyObject *hier, uint32_t id)
{
    return item_new(st->Var_Type, hier, id);
}

PyObject *pyfstw_var_new(pyfstw_state *st, pyfstw_HierarchyObject *hier, uint32_t id)
{
    return var_new(st, hier, id);
}

static PyObject *scope_new(pyfstw_state *st, pyfstw_HierarchyObject *hier, uint32_t id)
{
    return item_new(st->Scope_Type, hier, id);
}

PyObject *pyfstw_scope_new(pyfstw_state *st, pyfstw_HierarchyObject *hier, uint32_t id)
{
    return scope_new(st, hier, id);
}

/* ============================================================ Scope */

static int scope_info(pyfstw_ItemObject *self, fstw_scope_info *info)
{
    fstw_file *f = pyfstw_open_file(self->hier);
    if (!f)
        return -1;
    if (fstw_scope_get(f, self->id, info) != FSTW_OK) {
        PyErr_Format(PyExc_RuntimeError, "invalid scope id %u", (unsigned)self->id);
        return -1;
    }
    return 0;
}

/* Scope.name and Var.name; likewise full_name_args */
static const pyfstw_argspec name_args = HIER_SPEC("name");

static PyObject *Scope_name(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    if (parse_hier(self, &name_args, args, nargs, kwnames) < 0)
        return NULL;
    fstw_scope_info info;
    if (scope_info((pyfstw_ItemObject *)self, &info) < 0)
        return NULL;
    return decode_name(info.name.ptr, info.name.len);
}

static const pyfstw_argspec full_name_args = HIER_SPEC("full_name");

static PyObject *Scope_full_name(PyObject *self, PyObject *const *args, Py_ssize_t nargs,
                                 PyObject *kwnames)
{
    if (parse_hier(self, &full_name_args, args, nargs, kwnames) < 0)
        return NULL;
    pyfstw_ItemObject *s = (pyfstw_ItemObject *)self;
    return full_name_of(fstw_scope_full_name, s);
}

static PyObject *Scope_scope_type(PyObject *self, PyObject *unused)
{
    (void)unused;
    fstw_scope_info info;
    if (scope_info((pyfstw_ItemObject *)self, &info) < 0)
        return NULL;
    return PyUnicode_FromString(fstw_scope_type_name(info.type));
}

static const pyfstw_argspec vars_args = HIER_SPEC("vars");

static PyObject *Scope_vars(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    if (parse_hier(self, &vars_args, args, nargs, kwnames) < 0)
        return NULL;
    pyfstw_ItemObject *s = (pyfstw_ItemObject *)self;
    fstw_scope_info info;
    if (scope_info(s, &info) < 0)
        return NULL;
    return itemiter_new(pyfstw_state_of(self)->VarIter_Type, s->hier, info.vars, info.n_vars);
}

static const pyfstw_argspec scopes_args = HIER_SPEC("scopes");

static PyObject *Scope_scopes(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    if (parse_hier(self, &scopes_args, args, nargs, kwnames) < 0)
        return NULL;
    pyfstw_ItemObject *s = (pyfstw_ItemObject *)self;
    fstw_scope_info info;
    if (scope_info(s, &info) < 0)
        return NULL;
    return itemiter_new(pyfstw_state_of(self)->ScopeIter_Type, s->hier, info.scopes,
                               info.n_scopes);
}

static PyObject *Scope_repr(PyObject *self)
{
    pyfstw_ItemObject *s = (pyfstw_ItemObject *)self;
    if (!s->hier->file)
        return PyUnicode_FromFormat("<Scope id=%u of a closed waveform>", (unsigned)s->id);
    fstw_scope_info info;
    if (scope_info(s, &info) < 0)
        return NULL;
    PyObject *fn = full_name_of(fstw_scope_full_name, s);
    if (!fn)
        return NULL;
    PyObject *res = PyUnicode_FromFormat("<Scope %U type=%s>", fn, fstw_scope_type_name(info.type));
    Py_DECREF(fn);
    return res;
}

static Py_hash_t Scope_hash(PyObject *self)
{
    return item_hash_value((pyfstw_ItemObject *)self, 0x5c09e);
}

#define HIER_ARG_DOC "``hier`` is the file's Hierarchy (pywellen's signature); it is accepted and ignored.\n"

static PyMethodDef Scope_methods[] = {
    {"name", PYFSTW_FASTCALL_FN(Scope_name), PYFSTW_METH_FASTCALL,
     "name($self, hier)\n--\n\n"
     "The scope's own name (may be ``''``; empty names are kept, never renamed).\n" HIER_ARG_DOC},
    {"full_name", PYFSTW_FASTCALL_FN(Scope_full_name), PYFSTW_METH_FASTCALL,
     "full_name($self, hier)\n--\n\n"
     "Names of all ancestor scopes and this one joined with ``.`` (empty names kept,\n"
     "so ``a..b`` can occur).\n" HIER_ARG_DOC},
    {"scope_type", Scope_scope_type, METH_NOARGS,
     "scope_type($self, /)\n--\n\n"
     "pywellen's scope type name: ``module``, ``task``, ... ``vhdl_package`` for FST scope\n"
     "codes 0..21, ``unknown`` for SV arrays, ``vhdl_array`` for scopes made from\n"
     "array-style var names."},
    {"vars", PYFSTW_FASTCALL_FN(Scope_vars), PYFSTW_METH_FASTCALL,
     "vars($self, hier)\n--\n\n"
     "Iterator over the vars declared directly in this scope, in declaration order.\n" HIER_ARG_DOC},
    {"scopes", PYFSTW_FASTCALL_FN(Scope_scopes), PYFSTW_METH_FASTCALL,
     "scopes($self, hier)\n--\n\n"
     "Iterator over the direct child scopes, in declaration order (duplicate scope\n"
     "declarations are merged into the first one).\n" HIER_ARG_DOC},
    {NULL, NULL, 0, NULL},
};

static PyType_Slot Scope_slots[] = {
    {Py_tp_doc, "A scope (module, task, VHDL block, ...) of the hierarchy.\n\n"
                "Not constructible: obtained from Hierarchy.top_scopes() and Scope.scopes().\n"
                "Two Scope objects compare and hash equal when they denote the same scope of\n"
                "the same open file (deviation D6 in fstwave/docs/api.md; pywellen compares\n"
                "by identity)."},
    {Py_tp_dealloc, item_dealloc},
    {Py_tp_repr, Scope_repr},
    {Py_tp_hash, Scope_hash},
    {Py_tp_richcompare, item_richcompare},
    {Py_tp_methods, Scope_methods},
    PYFSTW_NO_NEW_SLOT
    {0, NULL},
};

PyType_Spec pyfstw_Scope_spec = {
    .name = "fstwave.Scope",
    .basicsize = sizeof(pyfstw_ItemObject),
    .flags = PYFSTW_TPFLAGS,
    .slots = Scope_slots,
};

/* ============================================================ Var */

static int var_info(pyfstw_ItemObject *self, fstw_var_info *info)
{
    fstw_file *f = pyfstw_open_file(self->hier);
    if (!f)
        return -1;
    if (fstw_var_get(f, self->id, info) != FSTW_OK) {
        PyErr_Format(PyExc_RuntimeError, "invalid var id %u", (unsigned)self->id);
        return -1;
    }
    return 0;
}

static PyObject *Var_name(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    if (parse_hier(self, &name_args, args, nargs, kwnames) < 0)
        return NULL;
    fstw_var_info info;
    if (var_info((pyfstw_ItemObject *)self, &info) < 0)
        return NULL;
    return decode_name(info.name.ptr, info.name.len);
}

static PyObject *Var_full_name(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    if (parse_hier(self, &full_name_args, args, nargs, kwnames) < 0)
        return NULL;
    pyfstw_ItemObject *v = (pyfstw_ItemObject *)self;
    return full_name_of(fstw_var_full_name, v);
}

static PyObject *var_width(PyObject *self)
{
    fstw_var_info info;
    if (var_info((pyfstw_ItemObject *)self, &info) < 0)
        return NULL;
    int64_t w = fstw_var_width(&info);
    if (w < 0)
        Py_RETURN_NONE;
    return PyLong_FromLongLong(w);
}

static const pyfstw_argspec bitwidth_args = OPT_HIER_SPEC("bitwidth");

static PyObject *Var_bitwidth(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    if (parse_hier(self, &bitwidth_args, args, nargs, kwnames) < 0)
        return NULL;
    return var_width(self);
}

static const pyfstw_argspec length_args = OPT_HIER_SPEC("length");

static PyObject *Var_length(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    if (parse_hier(self, &length_args, args, nargs, kwnames) < 0)
        return NULL;
    return var_width(self);
}

static PyObject *Var_var_type(PyObject *self, PyObject *unused)
{
    (void)unused;
    fstw_var_info info;
    if (var_info((pyfstw_ItemObject *)self, &info) < 0)
        return NULL;
    return PyUnicode_FromString(fstw_var_type_name(info.var_type));
}

static PyObject *Var_direction(PyObject *self, PyObject *unused)
{
    (void)unused;
    fstw_var_info info;
    if (var_info((pyfstw_ItemObject *)self, &info) < 0)
        return NULL;
    return PyUnicode_FromString(fstw_direction_name(info.direction));
}

static const pyfstw_argspec enum_type_args = HIER_SPEC("enum_type");

static PyObject *Var_enum_type(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    if (parse_hier(self, &enum_type_args, args, nargs, kwnames) < 0)
        return NULL;
    pyfstw_ItemObject *v = (pyfstw_ItemObject *)self;
    fstw_var_info info;
    if (var_info(v, &info) < 0)
        return NULL;
    if (info.enum_id == FSTW_NONE)
        Py_RETURN_NONE;
    fstw_str name;
    uint32_t n = 0;
    if (fstw_enum_get(v->hier->file, info.enum_id, &name, &n) != FSTW_OK)
        Py_RETURN_NONE;
    PyObject *pyname = decode_name(name.ptr, name.len);
    if (!pyname)
        return NULL;
    PyObject *list = PyList_New(n);
    if (!list) {
        Py_DECREF(pyname);
        return NULL;
    }
    for (uint32_t i = 0; i < n; i++) {
        fstw_str val, lit;
        if (fstw_enum_pair(v->hier->file, info.enum_id, i, &val, &lit) != FSTW_OK) {
            val.ptr = lit.ptr = "";
            val.len = lit.len = 0;
        }
        PyObject *pv = decode_name(val.ptr, val.len);
        PyObject *pl = pv ? decode_name(lit.ptr, lit.len) : NULL;
        PyObject *pair = pl ? PyTuple_Pack(2, pv, pl) : NULL;
        Py_XDECREF(pv);
        Py_XDECREF(pl);
        if (!pair) {
            Py_DECREF(list);
            Py_DECREF(pyname);
            return NULL;
        }
        PyList_SET_ITEM(list, i, pair);
    }
    PyObject *res = PyTuple_Pack(2, pyname, list);
    Py_DECREF(pyname);
    Py_DECREF(list);
    return res;
}

static const pyfstw_argspec vhdl_type_name_args = HIER_SPEC("vhdl_type_name");

static PyObject *Var_vhdl_type_name(PyObject *self, PyObject *const *args, Py_ssize_t nargs,
                                    PyObject *kwnames)
{
    if (parse_hier(self, &vhdl_type_name_args, args, nargs, kwnames) < 0)
        return NULL;
    fstw_var_info info;
    if (var_info((pyfstw_ItemObject *)self, &info) < 0)
        return NULL;
    if (!info.has_vhdl_type_name)
        Py_RETURN_NONE;
    return decode_name(info.vhdl_type_name.ptr, info.vhdl_type_name.len);
}

static const pyfstw_argspec is_real_args = OPT_HIER_SPEC("is_real");
static const pyfstw_argspec is_string_args = OPT_HIER_SPEC("is_string");
static const pyfstw_argspec is_bit_vector_args = OPT_HIER_SPEC("is_bit_vector");
static const pyfstw_argspec is_1bit_args = OPT_HIER_SPEC("is_1bit");

/* is_real, is_string, is_bit_vector, is_1bit: the core's Var predicates. */
static PyObject *var_pred(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames,
                          int (*pred)(const fstw_var_info *), const pyfstw_argspec *spec)
{
    if (parse_hier(self, spec, args, nargs, kwnames) < 0)
        return NULL;
    fstw_var_info info;
    if (var_info((pyfstw_ItemObject *)self, &info) < 0)
        return NULL;
    return PyBool_FromLong(pred(&info));
}

static PyObject *Var_is_real(PyObject *self, PyObject *const *a, Py_ssize_t n, PyObject *k)
{
    return var_pred(self, a, n, k, fstw_var_is_real, &is_real_args);
}
static PyObject *Var_is_string(PyObject *self, PyObject *const *a, Py_ssize_t n, PyObject *k)
{
    return var_pred(self, a, n, k, fstw_var_is_string, &is_string_args);
}
static PyObject *Var_is_bit_vector(PyObject *self, PyObject *const *a, Py_ssize_t n, PyObject *k)
{
    return var_pred(self, a, n, k, fstw_var_is_bit_vector, &is_bit_vector_args);
}
static PyObject *Var_is_1bit(PyObject *self, PyObject *const *a, Py_ssize_t n, PyObject *k)
{
    return var_pred(self, a, n, k, fstw_var_is_1bit, &is_1bit_args);
}

static PyObject *Var_index(PyObject *self, PyObject *unused)
{
    (void)unused;
    fstw_var_info info;
    if (var_info((pyfstw_ItemObject *)self, &info) < 0)
        return NULL;
    if (!info.has_index)
        Py_RETURN_NONE;
    PyTypeObject *tp = pyfstw_state_of(self)->VarIndex_Type;
    pyfstw_VarIndexObject *idx = (pyfstw_VarIndexObject *)tp->tp_alloc(tp, 0);
    if (!idx)
        return NULL;
    idx->msb = info.msb;
    idx->lsb = info.lsb;
    return (PyObject *)idx;
}

static PyObject *Var_signal_ref(PyObject *self, PyObject *unused)
{
    (void)unused;
    fstw_var_info info;
    if (var_info((pyfstw_ItemObject *)self, &info) < 0)
        return NULL;
    return PyLong_FromUnsignedLong(info.signal_ref);
}

static PyObject *Var_repr(PyObject *self)
{
    pyfstw_ItemObject *v = (pyfstw_ItemObject *)self;
    if (!v->hier->file)
        return PyUnicode_FromFormat("<Var id=%u of a closed waveform>", (unsigned)v->id);
    fstw_var_info info;
    if (var_info(v, &info) < 0)
        return NULL;
    PyObject *fn = full_name_of(fstw_var_full_name, v);
    if (!fn)
        return NULL;
    PyObject *res;
    switch (info.encoding) {
    case FSTW_ENC_BITS:
        res = PyUnicode_FromFormat("<Var %U bits=%u signal_ref=%u>", fn, (unsigned)info.bitwidth,
                                   (unsigned)info.signal_ref);
        break;
    case FSTW_ENC_REAL:
        res = PyUnicode_FromFormat("<Var %U real signal_ref=%u>", fn, (unsigned)info.signal_ref);
        break;
    case FSTW_ENC_STRING:
        res = PyUnicode_FromFormat("<Var %U string signal_ref=%u>", fn, (unsigned)info.signal_ref);
        break;
    default:
        res = PyUnicode_FromFormat("<Var %U event signal_ref=%u>", fn, (unsigned)info.signal_ref);
        break;
    }
    Py_DECREF(fn);
    return res;
}

static Py_hash_t Var_hash(PyObject *self)
{
    return item_hash_value((pyfstw_ItemObject *)self, 0x7a5);
}

#define OPT_HIER_DOC "The optional ``hier`` argument (pywellen 0.22+) is accepted and ignored.\n"

static PyMethodDef Var_methods[] = {
    {"name", PYFSTW_FASTCALL_FN(Var_name), PYFSTW_METH_FASTCALL,
     "name($self, hier)\n--\n\n"
     "The var's name after wellen's name parsing: a trailing bit range whose width\n"
     "equals the declared length is split off (see index()); other trailing ``[...]``\n"
     "groups became array scopes, so the name may be e.g. ``[3]``.\n"
     "Invalid UTF-8 is decoded with U+FFFD (deviation D9, fstwave/docs/api.md).\n" HIER_ARG_DOC},
    {"full_name", PYFSTW_FASTCALL_FN(Var_full_name), PYFSTW_METH_FASTCALL,
     "full_name($self, hier)\n--\n\n"
     "The parent scope's full name + ``.`` + name(); just name() at top level.\n" HIER_ARG_DOC},
    {"bitwidth", PYFSTW_FASTCALL_FN(Var_bitwidth), PYFSTW_METH_FASTCALL,
     "bitwidth($self, hier=None)\n--\n\n"
     "Number of bits of a bit-vector var (a declared 0 counts as 1; PORT vars have\n"
     "(raw - 2) / 3); 0 for events; None for reals and strings.\n" OPT_HIER_DOC},
    {"length", PYFSTW_FASTCALL_FN(Var_length), PYFSTW_METH_FASTCALL,
     "length($self, hier=None)\n--\n\n"
     "Same as bitwidth() (pywellen has both).\n" OPT_HIER_DOC},
    {"var_type", Var_var_type, METH_NOARGS,
     "var_type($self, /)\n--\n\n"
     "pywellen's var type name: ``Event`` ... ``ShortReal`` for FST var type codes\n"
     "0..29, or the VHDL type GHDL/nvc attributes select (``Boolean``, ``StdLogic``,\n"
     "``StdLogicVector``, ...), as wellen merges them."},
    {"direction", Var_direction, METH_NOARGS,
     "direction($self, /)\n--\n\n"
     "``Implicit``, ``Input``, ``Output``, ``InOut``, ``Buffer`` or ``Linkage``\n"
     "(FST direction codes 0..5)."},
    {"enum_type", PYFSTW_FASTCALL_FN(Var_enum_type), PYFSTW_METH_FASTCALL,
     "enum_type($self, hier)\n--\n\n"
     "None, or ``(enum_name, [(value, literal), ...])`` in table order from the FST\n"
     "enum-table attributes (raw strings, libfst's escapes not undone).\n" HIER_ARG_DOC},
    {"vhdl_type_name", PYFSTW_FASTCALL_FN(Var_vhdl_type_name), PYFSTW_METH_FASTCALL,
     "vhdl_type_name($self, hier)\n--\n\n"
     "None, or the VHDL type name from the GHDL/nvc supplemental attribute.\n" HIER_ARG_DOC},
    {"is_real", PYFSTW_FASTCALL_FN(Var_is_real), PYFSTW_METH_FASTCALL,
     "is_real($self, hier=None)\n--\n\n"
     "True for REAL, REAL_PARAMETER, REALTIME and SV_SHORTREAL vars (values are float).\n" OPT_HIER_DOC},
    {"is_string", PYFSTW_FASTCALL_FN(Var_is_string), PYFSTW_METH_FASTCALL,
     "is_string($self, hier=None)\n--\n\n"
     "True for GEN_STRING vars (values are str).\n" OPT_HIER_DOC},
    {"is_bit_vector", PYFSTW_FASTCALL_FN(Var_is_bit_vector), PYFSTW_METH_FASTCALL,
     "is_bit_vector($self, hier=None)\n--\n\n"
     "True for vars whose values are bit vectors (int or str); False for events,\n"
     "reals and strings.\n" OPT_HIER_DOC},
    {"is_1bit", PYFSTW_FASTCALL_FN(Var_is_1bit), PYFSTW_METH_FASTCALL,
     "is_1bit($self, hier=None)\n--\n\n"
     "True for bit vectors of width 1 (False for events).\n" OPT_HIER_DOC},
    {"index", Var_index, METH_NOARGS,
     "index($self, /)\n--\n\n"
     "The bit range split off the declared name (``data[7:0]`` -> VarIndex 7:0,\n"
     "``clk[0]`` -> 0:0), or None. Extension (not in pywellen 0.20.5)."},
    {"signal_ref", Var_signal_ref, METH_NOARGS,
     "signal_ref($self, /)\n--\n\n"
     "The signal this var shows: FST handle - 1; equal for aliases. Extension (not in\n"
     "pywellen 0.20.5)."},
    {NULL, NULL, 0, NULL},
};

static PyType_Slot Var_slots[] = {
    {Py_tp_doc, "A variable (signal declaration) of the hierarchy.\n\n"
                "Not constructible: obtained from Hierarchy.all_vars() and Scope.vars().\n"
                "Two Var objects compare and hash equal when they denote the same var of the\n"
                "same open file (deviation D6 in fstwave/docs/api.md; pywellen compares by\n"
                "identity). Aliases (vars sharing a signal) are different vars with the same\n"
                "signal_ref()."},
    {Py_tp_dealloc, item_dealloc},
    {Py_tp_repr, Var_repr},
    {Py_tp_hash, Var_hash},
    {Py_tp_richcompare, item_richcompare},
    {Py_tp_methods, Var_methods},
    PYFSTW_NO_NEW_SLOT
    {0, NULL},
};

PyType_Spec pyfstw_Var_spec = {
    .name = "fstwave.Var",
    .basicsize = sizeof(pyfstw_ItemObject),
    .flags = PYFSTW_TPFLAGS,
    .slots = Var_slots,
};

/* ============================================================ VarIter / ScopeIter */

static PyObject *itemiter_new(PyTypeObject *type, pyfstw_HierarchyObject *hier, const uint32_t *ids,
                              uint32_t n)
{
    pyfstw_ItemIterObject *it = (pyfstw_ItemIterObject *)type->tp_alloc(type, 0);
    if (!it)
        return NULL;
    Py_INCREF(hier);
    it->hier = hier;
    it->ids = ids;
    it->n = n;
    it->pos = 0;
    return (PyObject *)it;
}

static void itemiter_dealloc(pyfstw_ItemIterObject *self)
{
    PyTypeObject *tp = Py_TYPE(self);
    Py_XDECREF(self->hier);
    tp->tp_free((PyObject *)self);
    Py_DECREF(tp);
}

static PyObject *VarIter_next(PyObject *self)
{
    pyfstw_ItemIterObject *it = (pyfstw_ItemIterObject *)self;
    if (it->pos >= it->n || !pyfstw_open_file(it->hier)) /* ids are owned by the file */
        return NULL;
    uint32_t id = it->ids ? it->ids[it->pos] : it->pos;
    it->pos++;
    return var_new(pyfstw_state_of(self), it->hier, id);
}

static PyObject *ScopeIter_next(PyObject *self)
{
    pyfstw_ItemIterObject *it = (pyfstw_ItemIterObject *)self;
    if (it->pos >= it->n || !pyfstw_open_file(it->hier)) /* ids are owned by the file */
        return NULL;
    uint32_t id = it->ids ? it->ids[it->pos] : it->pos;
    it->pos++;
    return scope_new(pyfstw_state_of(self), it->hier, id);
}

static PyObject *VarIter_repr(PyObject *self)
{
    pyfstw_ItemIterObject *it = (pyfstw_ItemIterObject *)self;
    return PyUnicode_FromFormat("<VarIter %u of %u>", (unsigned)it->pos, (unsigned)it->n);
}

static PyObject *ScopeIter_repr(PyObject *self)
{
    pyfstw_ItemIterObject *it = (pyfstw_ItemIterObject *)self;
    return PyUnicode_FromFormat("<ScopeIter %u of %u>", (unsigned)it->pos, (unsigned)it->n);
}

static PyType_Slot VarIter_slots[] = {
    {Py_tp_doc, "Iterator over Var objects (created one at a time as they are yielded)."},
    {Py_tp_dealloc, itemiter_dealloc},
    {Py_tp_repr, VarIter_repr},
    {Py_tp_iter, PyObject_SelfIter},
    {Py_tp_iternext, VarIter_next},
    PYFSTW_NO_NEW_SLOT
    {0, NULL},
};

PyType_Spec pyfstw_VarIter_spec = {
    .name = "fstwave.VarIter",
    .basicsize = sizeof(pyfstw_ItemIterObject),
    .flags = PYFSTW_TPFLAGS,
    .slots = VarIter_slots,
};

static PyType_Slot ScopeIter_slots[] = {
    {Py_tp_doc, "Iterator over Scope objects (created one at a time as they are yielded)."},
    {Py_tp_dealloc, itemiter_dealloc},
    {Py_tp_repr, ScopeIter_repr},
    {Py_tp_iter, PyObject_SelfIter},
    {Py_tp_iternext, ScopeIter_next},
    PYFSTW_NO_NEW_SLOT
    {0, NULL},
};

PyType_Spec pyfstw_ScopeIter_spec = {
    .name = "fstwave.ScopeIter",
    .basicsize = sizeof(pyfstw_ItemIterObject),
    .flags = PYFSTW_TPFLAGS,
    .slots = ScopeIter_slots,
};

/* ============================================================ VarIndex */

static PyObject *VarIndex_msb(PyObject *self, PyObject *unused)
{
    (void)unused;
    return PyLong_FromLongLong(((pyfstw_VarIndexObject *)self)->msb);
}

static PyObject *VarIndex_lsb(PyObject *self, PyObject *unused)
{
    (void)unused;
    return PyLong_FromLongLong(((pyfstw_VarIndexObject *)self)->lsb);
}

static PyObject *VarIndex_repr(PyObject *self)
{
    pyfstw_VarIndexObject *i = (pyfstw_VarIndexObject *)self;
    return PyUnicode_FromFormat("VarIndex(msb=%lld, lsb=%lld)", (long long)i->msb, (long long)i->lsb);
}

static PyObject *VarIndex_str(PyObject *self)
{
    pyfstw_VarIndexObject *i = (pyfstw_VarIndexObject *)self;
    return PyUnicode_FromFormat("[%lld:%lld]", (long long)i->msb, (long long)i->lsb);
}

static Py_hash_t VarIndex_hash(PyObject *self)
{
    pyfstw_VarIndexObject *i = (pyfstw_VarIndexObject *)self;
    uint64_t h = (uint64_t)i->msb * 1000003u ^ (uint64_t)i->lsb * 2654435761u;
    Py_hash_t r = (Py_hash_t)h;
    return r == -1 ? -2 : r;
}

static PyObject *VarIndex_richcompare(PyObject *a, PyObject *b, int op)
{
    if (Py_TYPE(a) != Py_TYPE(b) || (op != Py_EQ && op != Py_NE))
        Py_RETURN_NOTIMPLEMENTED;
    pyfstw_VarIndexObject *x = (pyfstw_VarIndexObject *)a, *y = (pyfstw_VarIndexObject *)b;
    int eq = x->msb == y->msb && x->lsb == y->lsb;
    return PyBool_FromLong(op == Py_EQ ? eq : !eq);
}

static PyMethodDef VarIndex_methods[] = {
    {"msb", VarIndex_msb, METH_NOARGS, "msb($self, /)\n--\n\nThe most significant (left) bit index."},
    {"lsb", VarIndex_lsb, METH_NOARGS, "lsb($self, /)\n--\n\nThe least significant (right) bit index."},
    {NULL, NULL, 0, NULL},
};

static PyType_Slot VarIndex_slots[] = {
    {Py_tp_doc, "The bit range ``[msb:lsb]`` split off a var's declared name (Var.index()).\n\n"
                "``str()`` gives ``[7:0]``; compares and hashes by value. Extension (not in\n"
                "pywellen 0.20.5)."},
    {Py_tp_dealloc, pyfstw_plain_dealloc},
    {Py_tp_repr, VarIndex_repr},
    {Py_tp_str, VarIndex_str},
    {Py_tp_hash, VarIndex_hash},
    {Py_tp_richcompare, VarIndex_richcompare},
    {Py_tp_methods, VarIndex_methods},
    PYFSTW_NO_NEW_SLOT
    {0, NULL},
};

PyType_Spec pyfstw_VarIndex_spec = {
    .name = "fstwave.VarIndex",
    .basicsize = sizeof(pyfstw_VarIndexObject),
    .flags = PYFSTW_TPFLAGS,
    .slots = VarIndex_slots,
};

/* ============================================================ Hierarchy */

static void Hierarchy_dealloc(PyObject *self)
{
    pyfstw_HierarchyObject *h = (pyfstw_HierarchyObject *)self;
    PyTypeObject *tp = Py_TYPE(self);
    if (h->file) {
        fstw_close(h->file);
        h->file = NULL;
    }
    tp->tp_free(self);
    Py_DECREF(tp);
}

static const pyfstw_argspec all_vars_args = PYFSTW_ARGSPEC("all_vars", "", "p", "include_aliases");

static PyObject *Hierarchy_all_vars(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    PyObject *arg;
    if (pyfstw_parse_args(&all_vars_args, args, nargs, kwnames, &arg) < 0)
        return NULL;
    int include_aliases = arg ? PyObject_IsTrue(arg) : 0;
    if (include_aliases < 0)
        return NULL;
    pyfstw_HierarchyObject *h = (pyfstw_HierarchyObject *)self;
    pyfstw_state *st = pyfstw_state_of(self);
    if (!pyfstw_open_file(h))
        return NULL;
    if (include_aliases)
        return itemiter_new(st->VarIter_Type, h, NULL, fstw_var_count(h->file));
    uint32_t n = 0;
    const uint32_t *ids = fstw_unique_vars(h->file, &n);
    return itemiter_new(st->VarIter_Type, h, ids, ids ? n : 0);
}

static PyObject *Hierarchy_top_scopes(PyObject *self, PyObject *unused)
{
    (void)unused;
    pyfstw_HierarchyObject *h = (pyfstw_HierarchyObject *)self;
    uint32_t n = 0;
    if (!pyfstw_open_file(h))
        return NULL;
    const uint32_t *ids = fstw_top_scopes(h->file, &n);
    return itemiter_new(pyfstw_state_of(self)->ScopeIter_Type, h, ids, ids ? n : 0);
}

static PyObject *Hierarchy_date(PyObject *self, PyObject *unused)
{
    (void)unused;
    fstw_file *f = pyfstw_open_file((pyfstw_HierarchyObject *)self);
    if (!f)
        return NULL;
    const fstw_header *hd = fstw_file_header(f);
    const char *s = hd && hd->date ? hd->date : "";
    return decode_name(s, strlen(s));
}

static PyObject *Hierarchy_version(PyObject *self, PyObject *unused)
{
    (void)unused;
    fstw_file *f = pyfstw_open_file((pyfstw_HierarchyObject *)self);
    if (!f)
        return NULL;
    const fstw_header *hd = fstw_file_header(f);
    const char *s = hd && hd->version ? hd->version : "";
    return decode_name(s, strlen(s));
}

static PyObject *Hierarchy_timescale(PyObject *self, PyObject *unused)
{
    (void)unused;
    uint32_t factor;
    int unit;
    fstw_file *f = pyfstw_open_file((pyfstw_HierarchyObject *)self);
    if (!f)
        return NULL;
    if (fstw_timescale(f, &factor, &unit) != 0)
        Py_RETURN_NONE;
    return pyfstw_timescale_new(pyfstw_state_of(self), factor, unit);
}

static PyObject *Hierarchy_file_format(PyObject *self, PyObject *unused)
{
    (void)self;
    (void)unused;
    return PyUnicode_FromString("FST");
}

static PyObject *Hierarchy_repr(PyObject *self)
{
    fstw_file *f = ((pyfstw_HierarchyObject *)self)->file;
    if (!f)
        return PyUnicode_FromString("<Hierarchy FST of a closed waveform>");
    return PyUnicode_FromFormat("<Hierarchy FST scopes=%u vars=%u signals=%u>",
                                (unsigned)fstw_scope_count(f), (unsigned)fstw_var_count(f),
                                (unsigned)fstw_signal_count(f));
}

static PyMethodDef Hierarchy_methods[] = {
    {"all_vars", PYFSTW_FASTCALL_FN(Hierarchy_all_vars), PYFSTW_METH_FASTCALL,
     "all_vars($self, /, include_aliases=False)\n--\n\n"
     "Iterator over the vars of the file.\n\n"
     "By default one Var per signal (aliases collapsed), in ascending signal order;\n"
     "for each signal the Var yielded is the *last* var declared with that handle\n"
     "(pywellen 0.20.5's get_unique_signals_vars). With ``include_aliases=True`` every\n"
     "declared var, in declaration order (extension)."},
    {"top_scopes", Hierarchy_top_scopes, METH_NOARGS,
     "top_scopes($self, /)\n--\n\n"
     "Iterator over the top-level scopes in first-declaration order."},
    {"date", Hierarchy_date, METH_NOARGS,
     "date($self, /)\n--\n\n"
     "The FST header's date field, cut at the first NUL and trimmed at both ends."},
    {"version", Hierarchy_version, METH_NOARGS,
     "version($self, /)\n--\n\n"
     "The FST header's version (writer) field, cut at the first NUL and trimmed."},
    {"timescale", Hierarchy_timescale, METH_NOARGS,
     "timescale($self, /)\n--\n\n"
     "The Timescale of all times in the file, or None when the FST exponent has no\n"
     "unit (outside -21..9). The exponent maps to the largest unit not above it:\n"
     "-11 -> 10ps, -9 -> 1ns, 0 -> 1s (wellen's rule)."},
    {"file_format", Hierarchy_file_format, METH_NOARGS,
     "file_format($self, /)\n--\n\n"
     "Always ``'FST'`` (only FST files are read, deviation D7, fstwave/docs/api.md)."},
    {NULL, NULL, 0, NULL},
};

static PyType_Slot Hierarchy_slots[] = {
    {Py_tp_doc, "The scopes and vars of an open FST file, plus header metadata.\n\n"
                "Not constructible: use Waveform.hierarchy (the same object on every access,\n"
                "deviation D6 in fstwave/docs/api.md). It owns the open file: the file is\n"
                "closed when the last object that refers to it (Waveform, Var, Scope,\n"
                "Signal, ...) is gone."},
    {Py_tp_dealloc, Hierarchy_dealloc},
    {Py_tp_repr, Hierarchy_repr},
    {Py_tp_methods, Hierarchy_methods},
    PYFSTW_NO_NEW_SLOT
    {0, NULL},
};

PyType_Spec pyfstw_Hierarchy_spec = {
    .name = "fstwave.Hierarchy",
    .basicsize = sizeof(pyfstw_HierarchyObject),
    .flags = PYFSTW_TPFLAGS,
    .slots = Hierarchy_slots,
};
