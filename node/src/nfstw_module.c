/*
 * nfstw_module.c - module initialisation, the per-instance state's life
 * (instance data, env cleanup hook) and the diagnostics natives (stats,
 * memoryStats, setQueryBuffer).  Uses the other files; none uses this one.
 *
 * The addon is context-aware (NAPI_MODULE_INIT): it is initialised once per
 * env (main thread, each worker_thread), and all its state lives in the
 * nfstw_inst attached with napi_set_instance_data.  The env cleanup hook
 * registered here closes every file of the env when the env is torn down
 * (a worker exiting), even while JS objects still refer to them; the
 * structs those objects point to are freed by their finalizers.
 */
#include "nfstw.h"

#include <stdlib.h>

/* Runs once when the env is torn down, before the finalizers of the
 * remaining objects (hooks run in reverse order of registration and
 * Node-API's own env hook was registered before ours). */
static void env_cleanup(void *arg)
{
    nfstw_inst *inst = (nfstw_inst *)arg;
    inst->hook_pending = 0;
    inst->torn_down = 1;
    nfstw_inst_detach_all(inst);
}

/* The instance data finalizer: the env itself is going away. */
static void inst_finalize(napi_env env, void *data, void *hint)
{
    (void)hint;
    nfstw_inst *inst = (nfstw_inst *)data;
    if (inst->hook_pending) { /* not expected: the hook runs first */
        napi_remove_env_cleanup_hook(env, env_cleanup, inst);
        inst->hook_pending = 0;
    }
    inst->torn_down = 1;
    nfstw_inst_detach_all(inst);
    if (inst->qbuf_ref)
        napi_delete_reference(env, inst->qbuf_ref);
    nfstw_cache_inst_free(inst);
    free(inst);
}

/* stats() -> { openFiles, liveSignals }: diagnostics for tests (GC, workers). */
static napi_value fn_stats(napi_env env, napi_callback_info info)
{
    (void)info;
    nfstw_inst *inst = nfstw_inst_get(env);
    napi_value o;
    if (!inst || napi_create_object(env, &o) != napi_ok)
        return NULL;
    napi_value a, b;
    if (napi_create_double(env, (double)inst->open_files, &a) != napi_ok ||
        napi_create_double(env, (double)inst->live_signals, &b) != napi_ok)
        return NULL;
    nfstw_set(env, o, "openFiles", a);
    nfstw_set(env, o, "liveSignals", b);
    return o;
}

/* memoryStats() -> { signals, signalBytes }: the core's process-wide counters
 * of loaded signals (fstw_memory_stats_get), every file and thread. */
static napi_value fn_memory_stats(napi_env env, napi_callback_info info)
{
    (void)info;
    fstw_memory_stats st;
    napi_value o;
    fstw_memory_stats_get(&st);
    if (napi_create_object(env, &o) != napi_ok || nfstw_set(env, o, "signals", nfstw_i64(env, (int64_t)st.signals)) ||
        nfstw_set(env, o, "signalBytes", nfstw_i64(env, (int64_t)st.signal_bytes)))
        return NULL;
    return o;
}

/* setQueryBuffer(ab): the ArrayBuffer (>= 32 bytes) sigQuery writes its
 * out-parameters to; set once by the JS layer at load. */
static napi_value fn_set_query_buffer(napi_env env, napi_callback_info info)
{
    napi_value argv[1];
    nfstw_inst *inst = nfstw_inst_get(env);
    void *data = NULL;
    size_t len = 0;
    bool is_ab = false;
    if (!inst || nfstw_args(env, info, 1, argv) < 0)
        return NULL;
    if (napi_is_arraybuffer(env, argv[0], &is_ab) != napi_ok || !is_ab ||
        napi_get_arraybuffer_info(env, argv[0], &data, &len) != napi_ok || len < 32) {
        nfstw_throw_type(env, "setQueryBuffer(): expected an ArrayBuffer of at least 32 bytes");
        return NULL;
    }
    if (inst->qbuf_ref) {
        napi_delete_reference(env, inst->qbuf_ref);
        inst->qbuf_ref = NULL;
    }
    if (napi_create_reference(env, argv[0], 1, &inst->qbuf_ref) != napi_ok)
        return NULL;
    inst->qbuf = data;
    return nfstw_undefined(env);
}

NAPI_MODULE_INIT()
{
    nfstw_inst *inst = calloc(1, sizeof *inst);
    if (!inst) {
        napi_throw_error(env, "ENOMEM", "fstwave: out of memory");
        return NULL;
    }
    if (napi_set_instance_data(env, inst, inst_finalize, NULL) != napi_ok) {
        free(inst);
        napi_throw_error(env, NULL, "fstwave: cannot set instance data");
        return NULL;
    }
    if (napi_add_env_cleanup_hook(env, env_cleanup, inst) != napi_ok) {
        napi_throw_error(env, NULL, "fstwave: cannot add the env cleanup hook");
        return NULL;
    }
    inst->hook_pending = 1;

    napi_property_descriptor props[] = {
        NFSTW_FN("stats", fn_stats),
        NFSTW_FN("memoryStats", fn_memory_stats),
        NFSTW_FN("setQueryBuffer", fn_set_query_buffer),
    };
    if (napi_define_properties(env, exports, sizeof props / sizeof props[0], props) != napi_ok ||
        nfstw_file_init(env, exports) != napi_ok || nfstw_hier_init(env, exports) != napi_ok ||
        nfstw_signal_init(env, exports) != napi_ok || nfstw_load_init(env, exports) != napi_ok ||
        nfstw_view_init(env, exports) != napi_ok || nfstw_render_init(env, exports) != napi_ok ||
        nfstw_stream_init(env, exports) != napi_ok || nfstw_cache_init(env, exports) != napi_ok)
        return NULL;

    napi_value v;
    if (napi_create_string_utf8(env, FSTW_VERSION, NAPI_AUTO_LENGTH, &v) == napi_ok)
        napi_set_named_property(env, exports, "coreVersion", v);
    if (napi_create_uint32(env, NAPI_VERSION, &v) == napi_ok)
        napi_set_named_property(env, exports, "napiVersion", v);
    return exports;
}
