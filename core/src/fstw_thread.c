/* fstw_thread.c - threads for parallel loads, the condition variable that
 * the waits of loads use (a waiting caller wakes every 10 ms to report
 * progress and check cancel), and the processor count: POSIX threads, or on
 * Windows _beginthreadex, an SRW lock for the mutex and a CONDITION_VARIABLE
 * (the POSIX mutex calls are inline in fstw_internal.h). */
#include "fstw_internal.h"

#ifdef _WIN32
/* ------------------------------------------------------------- Windows */
#if !defined(_WIN32_WINNT) || _WIN32_WINNT < 0x0600
#undef _WIN32_WINNT
#define _WIN32_WINNT 0x0600 /* SRW locks: Windows Vista and later */
#endif
#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#include <process.h>

_Static_assert(sizeof(fstwi_mutex) == sizeof(SRWLOCK), "fstwi_mutex holds an SRWLOCK");

void fstwi_mutex_init(fstwi_mutex *m) { InitializeSRWLock((PSRWLOCK)m); }
void fstwi_mutex_lock(fstwi_mutex *m) { AcquireSRWLockExclusive((PSRWLOCK)m); }
void fstwi_mutex_unlock(fstwi_mutex *m) { ReleaseSRWLockExclusive((PSRWLOCK)m); }
void fstwi_mutex_destroy(fstwi_mutex *m) { (void)m; /* an SRW lock holds no resources */ }

_Static_assert(sizeof(fstwi_cond) == sizeof(CONDITION_VARIABLE), "fstwi_cond holds a CONDITION_VARIABLE");

void fstwi_cond_init(fstwi_cond *c) { InitializeConditionVariable((PCONDITION_VARIABLE)c); }
void fstwi_cond_destroy(fstwi_cond *c) { (void)c; /* holds no resources */ }
void fstwi_cond_wait(fstwi_cond *c, fstwi_mutex *m, unsigned ms)
{
    SleepConditionVariableSRW((PCONDITION_VARIABLE)c, (PSRWLOCK)m, ms ? ms : INFINITE, 0);
}
void fstwi_cond_broadcast(fstwi_cond *c) { WakeAllConditionVariable((PCONDITION_VARIABLE)c); }

static unsigned __stdcall trampoline(void *arg)
{
    fstwi_thread *t = arg;
    t->fn(t->arg);
    return 0;
}

int fstwi_thread_start(fstwi_thread *t, void *(*fn)(void *), void *arg)
{
    t->fn = fn;
    t->arg = arg;
    /* _beginthreadex, not CreateThread: the C runtime sets up its per-thread state */
    uintptr_t h = _beginthreadex(NULL, 0, trampoline, t, 0, NULL);
    if (!h) return -1;
    t->handle = (void *)h;
    return 0;
}

void fstwi_thread_join(fstwi_thread *t)
{
    WaitForSingleObject(t->handle, INFINITE);
    CloseHandle(t->handle);
}

uint64_t fstwi_now_ms(void) { return GetTickCount64(); }

unsigned fstwi_cpu_count(void)
{
    SYSTEM_INFO si;
    GetSystemInfo(&si); /* those of the process's processor group (up to 64) */
    return si.dwNumberOfProcessors ? (unsigned)si.dwNumberOfProcessors : 1;
}

#else
/* ------------------------------------------------------------- POSIX */
#include <time.h>
#include <unistd.h>

/* The timed wait counts on the monotonic clock (a change of the wall clock
 * neither stretches nor cuts it); macOS has no pthread_condattr_setclock but
 * a relative wait. */
void fstwi_cond_init(fstwi_cond *c)
{
#ifdef __APPLE__
    pthread_cond_init(&c->c, NULL);
#else
    pthread_condattr_t a;
    pthread_condattr_init(&a);
    pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
    pthread_cond_init(&c->c, &a);
    pthread_condattr_destroy(&a);
#endif
}

void fstwi_cond_destroy(fstwi_cond *c) { pthread_cond_destroy(&c->c); }

void fstwi_cond_wait(fstwi_cond *c, fstwi_mutex *m, unsigned ms)
{
    if (!ms) {
        pthread_cond_wait(&c->c, m);
        return;
    }
#ifdef __APPLE__
    struct timespec rel = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000L };
    pthread_cond_timedwait_relative_np(&c->c, m, &rel);
#else
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    ts.tv_sec += ms / 1000;
    ts.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) { ts.tv_sec++; ts.tv_nsec -= 1000000000L; }
    pthread_cond_timedwait(&c->c, m, &ts);
#endif
}

void fstwi_cond_broadcast(fstwi_cond *c) { pthread_cond_broadcast(&c->c); }

/* FSTWI_NO_THREADS (set for WebAssembly without its pthreads, where
 * pthread_create cannot start anything): no thread is ever started and one
 * processor is reported, so every load plans one part and runs it on the
 * calling thread (fstw_load.c runs a part whose thread did not start on the
 * caller, with the same results); the mutexes and waits are then never
 * contended. */
#if defined(__EMSCRIPTEN__) && !defined(__EMSCRIPTEN_PTHREADS__) && !defined(FSTWI_NO_THREADS)
#define FSTWI_NO_THREADS 1
#endif

int fstwi_thread_start(fstwi_thread *t, void *(*fn)(void *), void *arg)
{
#ifdef FSTWI_NO_THREADS
    (void)t, (void)fn, (void)arg;
    return -1;
#else
    return pthread_create(&t->id, NULL, fn, arg) == 0 ? 0 : -1;
#endif
}

void fstwi_thread_join(fstwi_thread *t)
{
#ifdef FSTWI_NO_THREADS
    (void)t; /* never started */
#else
    pthread_join(t->id, NULL);
#endif
}

uint64_t fstwi_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

unsigned fstwi_cpu_count(void)
{
#ifdef FSTWI_NO_THREADS
    return 1;
#endif
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (unsigned)n : 1;
}
#endif
