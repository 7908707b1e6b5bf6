/*
 * pyfstw_items.c - pywellen 0.25's item lookups and walks over the
 * hierarchy, for fstwave.pywellen25: `w["a.b.c"]` and `scope["b.c"]`
 * (fstw_lookup_item: wellen's longest-prefix lookup), the items of a scope
 * or of the top level (fstw_scope_items, which the KeyError message of a
 * failed lookup names), and the depth-first walks of all_vars() and
 * all_scopes().
 *
 * The walk order is wellen 0.25's HierarchyItemIdRecursiveIterator
 * (wellen/src/hierarchy.rs): the items of a scope in declaration order
 * (fstw_scope_items), each scope reported after everything inside it
 * (post-order), the scope walked from not reported itself.  The items come
 * back as fstwave.Var and fstwave.Scope objects (pyfstw_hier.c), which the
 * Python layer wraps.
 */
#include "pyfstw.h"

#include <string.h>

/* The arguments (hierarchy, scope-or-None): the open file and the scope id
 * (FSTW_NONE for None).  NULL with an exception. */
static fstw_file *parse_owner(pyfstw_state *st, PyObject *const *args, Py_ssize_t nargs, Py_ssize_t want,
                              const char *fname, pyfstw_HierarchyObject **hier, uint32_t *scope)
{
    if (nargs != want || !PyObject_TypeCheck(args[0], st->Hierarchy_Type) ||
        (args[1] != Py_None && !PyObject_TypeCheck(args[1], st->Scope_Type))) {
        PyErr_Format(PyExc_TypeError, "%s(): expected (Hierarchy, Scope or None, ...) (%zd arguments)", fname,
                     want);
        return NULL;
    }
    *hier = (pyfstw_HierarchyObject *)args[0];
    *scope = args[1] == Py_None ? FSTW_NONE : ((pyfstw_ItemObject *)args[1])->id;
    return pyfstw_open_file(*hier);
}

/* A fstwave.Var or fstwave.Scope for item (kind, id). */
static PyObject *item_object(pyfstw_state *st, pyfstw_HierarchyObject *hier, int kind, uint32_t id)
{
    return kind == FSTW_ITEM_SCOPE ? pyfstw_scope_new(st, hier, id) : pyfstw_var_new(st, hier, id);
}

static PyObject *lookup_item(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    pyfstw_state *st = (pyfstw_state *)PyModule_GetState(module);
    pyfstw_HierarchyObject *hier;
    uint32_t scope, id;
    fstw_file *f = parse_owner(st, args, nargs, 3, "_lookup_item", &hier, &scope);
    if (!f)
        return NULL;
    if (!PyUnicode_Check(args[2])) {
        PyErr_SetString(PyExc_TypeError, "_lookup_item(): the name must be a str");
        return NULL;
    }
    Py_ssize_t len;
    const char *name = PyUnicode_AsUTF8AndSize(args[2], &len);
    if (!name)
        return NULL;
    int kind = fstw_lookup_item(f, scope, name, (size_t)len, &id);
    if (kind == FSTW_ITEM_NONE)
        Py_RETURN_NONE;
    return item_object(st, hier, kind, id);
}

/* The items of scope (FSTW_NONE: top level) as new PyMem arrays; *n their
 * count.  -1 with MemoryError. */
static int items_of(const fstw_file *f, uint32_t scope, uint8_t **kind, uint32_t **ids, size_t *n)
{
    *n = fstw_scope_items(f, scope, NULL, NULL, 0);
    *kind = PyMem_Malloc(*n ? *n : 1);
    *ids = PyMem_Malloc((*n ? *n : 1) * sizeof **ids);
    if (!*kind || !*ids) {
        PyMem_Free(*kind);
        PyMem_Free(*ids);
        PyErr_NoMemory();
        return -1;
    }
    fstw_scope_items(f, scope, *kind, *ids, *n);
    return 0;
}

static PyObject *scope_items(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    pyfstw_state *st = (pyfstw_state *)PyModule_GetState(module);
    pyfstw_HierarchyObject *hier;
    uint32_t scope;
    fstw_file *f = parse_owner(st, args, nargs, 2, "_scope_items", &hier, &scope);
    uint8_t *kind;
    uint32_t *ids;
    size_t n;
    if (!f || items_of(f, scope, &kind, &ids, &n) < 0)
        return NULL;
    PyObject *list = PyList_New((Py_ssize_t)n);
    for (size_t i = 0; list && i < n; i++) {
        PyObject *item = item_object(st, hier, kind[i], ids[i]);
        if (!item)
            Py_CLEAR(list);
        else
            PyList_SET_ITEM(list, (Py_ssize_t)i, item);
    }
    PyMem_Free(kind);
    PyMem_Free(ids);
    return list;
}

/* One level of the walk: the items of a scope and the next one to visit. */
typedef struct {
    uint8_t *kind;
    uint32_t *ids;
    size_t n, pos;
    uint32_t scope; /* reported (when scopes are wanted) once its items are done */
} walk_level;

static PyObject *all_items(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    pyfstw_state *st = (pyfstw_state *)PyModule_GetState(module);
    pyfstw_HierarchyObject *hier;
    uint32_t scope;
    fstw_file *f = parse_owner(st, args, nargs, 3, "_all_items", &hier, &scope);
    if (!f)
        return NULL;
    long want = PyLong_AsLong(args[2]);
    if (want == -1 && PyErr_Occurred())
        return NULL;
    PyObject *list = PyList_New(0);
    size_t depth = 0, cap = 16;
    walk_level *stack = PyMem_Malloc(cap * sizeof *stack);
    if (!list || !stack) {
        Py_XDECREF(list);
        PyMem_Free(stack);
        return PyErr_NoMemory();
    }
    if (items_of(f, scope, &stack[0].kind, &stack[0].ids, &stack[0].n) < 0)
        goto fail;
    stack[0].pos = 0;
    stack[0].scope = FSTW_NONE; /* the start is not reported */
    depth = 1;
    while (depth > 0) {
        walk_level *top = &stack[depth - 1];
        int kind = 0;
        uint32_t id = FSTW_NONE;
        if (top->pos == top->n) { /* a scope's items are done: report the scope */
            id = top->scope;
            kind = FSTW_ITEM_SCOPE;
            PyMem_Free(top->kind);
            PyMem_Free(top->ids);
            depth--;
            if (id == FSTW_NONE)
                continue;
        } else {
            kind = top->kind[top->pos];
            id = top->ids[top->pos++];
            if (kind == FSTW_ITEM_SCOPE) { /* go inside first */
                if (depth == cap) {
                    walk_level *grown = PyMem_Realloc(stack, 2 * cap * sizeof *stack);
                    if (!grown) {
                        PyErr_NoMemory();
                        goto fail;
                    }
                    stack = grown;
                    cap *= 2;
                }
                walk_level *next = &stack[depth];
                if (items_of(f, id, &next->kind, &next->ids, &next->n) < 0)
                    goto fail;
                next->pos = 0;
                next->scope = id;
                depth++;
                continue;
            }
        }
        if (kind != want)
            continue;
        PyObject *item = item_object(st, hier, kind, id);
        if (!item || PyList_Append(list, item) < 0) {
            Py_XDECREF(item);
            goto fail;
        }
        Py_DECREF(item);
    }
    PyMem_Free(stack);
    return list;
fail:
    while (depth > 0) {
        depth--;
        PyMem_Free(stack[depth].kind);
        PyMem_Free(stack[depth].ids);
    }
    PyMem_Free(stack);
    Py_DECREF(list);
    return NULL;
}

PyMethodDef pyfstw_items_functions[] = {
    {"_lookup_item", (PyCFunction)(void (*)(void))lookup_item, METH_FASTCALL,
     "_lookup_item(hierarchy, scope, name, /)\n--\n\n"
     "pywellen 0.25's item lookup (fstw_lookup_item: wellen's lookup_item_by_name, or\n"
     "lookup_item_in_scope_by_name inside ``scope``; None for the top level): the\n"
     "fstwave.Var or fstwave.Scope that ``name`` (a str) names, or None. For\n"
     "fstwave.pywellen25."},
    {"_scope_items", (PyCFunction)(void (*)(void))scope_items, METH_FASTCALL,
     "_scope_items(hierarchy, scope, /)\n--\n\n"
     "The items (fstwave.Scope and fstwave.Var) directly in ``scope`` (None: the top\n"
     "level) in declaration order (fstw_scope_items). For fstwave.pywellen25."},
    {"_all_items", (PyCFunction)(void (*)(void))all_items, METH_FASTCALL,
     "_all_items(hierarchy, scope, kind, /)\n--\n\n"
     "Every item of ``kind`` (1: scopes, 2: vars) below ``scope`` (None: the whole\n"
     "hierarchy), in wellen 0.25's depth-first order: items in declaration order, a\n"
     "scope after its contents, ``scope`` itself not included. For fstwave.pywellen25's\n"
     "all_vars() and all_scopes()."},
    {NULL, NULL, 0, NULL},
};
