/*
 * pyfstw_errors.c - the Python exception for a failed core call: its class
 * from the core's status (FSTW_STATUS_MAP), its message, and the
 * structured fields code, reason and offset (the core's rules:
 * fstw_status_code, fstw_error_reason, fstw_error_syscall).
 */
#include "pyfstw.h"

#include <string.h>

/* Sets the structured fields of an error object: code (the status's short
 * code, FSTW_STATUS_MAP), reason (fstw_error_reason) and offset (the file
 * offset of a malformed structure, or None).  -1 on failure. */
static int set_fields(PyObject *exc, const fstw_error *err)
{
    const char *reason = fstw_error_reason(err);
    PyObject *code = PyUnicode_FromString(fstw_status_code(err->code));
    PyObject *why = PyUnicode_DecodeUTF8(reason, (Py_ssize_t)strlen(reason), "replace");
    PyObject *off = err->offset >= 0 ? PyLong_FromLongLong(err->offset) : (Py_INCREF(Py_None), Py_None);
    int rc = -1;
    if (code && why && off && PyObject_SetAttrString(exc, "code", code) == 0 &&
        PyObject_SetAttrString(exc, "reason", why) == 0 && PyObject_SetAttrString(exc, "offset", off) == 0)
        rc = 0;
    Py_XDECREF(code);
    Py_XDECREF(why);
    Py_XDECREF(off);
    return rc;
}

/* Raises exc (an exception instance) after setting its structured fields. */
static PyObject *raise_with_fields(PyObject *exc, const fstw_error *err)
{
    if (!exc)
        return NULL;
    if (set_fields(exc, err) == 0)
        PyErr_SetObject((PyObject *)Py_TYPE(exc), exc);
    Py_DECREF(exc);
    return NULL;
}

PyObject *pyfstw_raise(pyfstw_state *st, const fstw_error *err, PyObject *filename)
{
    const char *msg = err->message[0] ? err->message : fstw_status_name(err->code);
    PyObject *m = PyUnicode_DecodeUTF8(msg, (Py_ssize_t)strlen(msg), "replace");
    if (!m)
        return NULL;
    PyObject *exc = NULL;
    if (err->code == FSTW_ERR_NOMEM) {
        Py_DECREF(m);
        return PyErr_NoMemory();
    } else if (fstw_error_syscall(err)) {
        /* OSError(errno, strerror, filename): the constructor picks the
         * subclass from errno; strerror is the reason (the OS's text, or for
         * a failed read where it failed) */
        int e = err->sys_errno ? err->sys_errno : fstw_status_errno(err->code);
        const char *reason = fstw_error_reason(err);
        exc = PyObject_CallFunction(PyExc_OSError, "isO", e, reason, filename ? filename : Py_None);
    } else if (err->code == FSTW_ERR_FORMAT) {
        exc = PyObject_CallOneArg(st->FstError, m);
    } else if (err->code == FSTW_ERR_ARG) {
        exc = PyObject_CallOneArg(PyExc_ValueError, m);
    } else {
        exc = PyObject_CallOneArg(PyExc_RuntimeError, m);
    }
    Py_DECREF(m);
    return raise_with_fields(exc, err);
}
