/* fstw_thread.c - threads for parallel loads and the processor count: POSIX
 * threads, or on Windows _beginthreadex and an SRW lock for the mutex (the
 * POSIX mutex calls are inline in fstw_internal.h). */
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

unsigned fstwi_cpu_count(void)
{
    SYSTEM_INFO si;
    GetSystemInfo(&si); /* those of the process's processor group (up to 64) */
    return si.dwNumberOfProcessors ? (unsigned)si.dwNumberOfProcessors : 1;
}

#else
/* ------------------------------------------------------------- POSIX */
#include <unistd.h>

int fstwi_thread_start(fstwi_thread *t, void *(*fn)(void *), void *arg)
{
    return pthread_create(&t->id, NULL, fn, arg) == 0 ? 0 : -1;
}

void fstwi_thread_join(fstwi_thread *t)
{
    pthread_join(t->id, NULL);
}

unsigned fstwi_cpu_count(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (unsigned)n : 1;
}
#endif
