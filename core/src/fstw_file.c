/* fstw_file.c - the operating system's file calls: open for reading, size
 * and kind, read at an offset, close, the file name in a path.  One half for
 * POSIX systems (Linux, macOS), one for Windows; the preprocessor keeps one.
 * Errors are errno values on both, so fstw_source.c turns them into the same
 * statuses and messages everywhere. */
#include "fstw_internal.h"
#include <errno.h>

#ifdef _WIN32
/* ------------------------------------------------------------- Windows */
#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#include <stdlib.h>

/* A Windows error as an errno (the C runtime's _dosmaperr does the same for
 * these; an invalid name cannot exist, so ENOENT, as libuv has it). */
static int errno_of(DWORD e)
{
    switch (e) {
    case ERROR_FILE_NOT_FOUND: case ERROR_PATH_NOT_FOUND: case ERROR_INVALID_DRIVE:
    case ERROR_BAD_NETPATH: case ERROR_BAD_NET_NAME: case ERROR_BAD_PATHNAME:
    case ERROR_INVALID_NAME: case ERROR_FILENAME_EXCED_RANGE:
        return ENOENT;
    case ERROR_ACCESS_DENIED: case ERROR_SHARING_VIOLATION: case ERROR_LOCK_VIOLATION:
    case ERROR_NETWORK_ACCESS_DENIED: case ERROR_CANNOT_MAKE: case ERROR_FAIL_I24:
        return EACCES;
    case ERROR_NOT_ENOUGH_MEMORY: case ERROR_OUTOFMEMORY:
        return ENOMEM;
    case ERROR_TOO_MANY_OPEN_FILES:
        return EMFILE;
    case ERROR_INVALID_HANDLE:
        return EBADF;
    default:
        return EIO;
    }
}

int fstwi_file_open(const char *path, fstwi_os_file *out)
{
    /* the path is UTF-8 (what both bindings pass); Windows names are UTF-16 */
    int n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, path, -1, NULL, 0);
    if (n <= 0) return ENOENT; /* not UTF-8: no file has that name */
    wchar_t small[MAX_PATH + 1], *wide = (size_t)n <= sizeof small / sizeof small[0] ? small : malloc((size_t)n * sizeof *wide);
    if (!wide) return ENOMEM;
    MultiByteToWideChar(CP_UTF8, 0, path, -1, wide, n);
    /* shared like a POSIX open: a writer may go on writing (a live file), and
     * the file may be renamed or deleted while open; BACKUP_SEMANTICS lets a
     * directory open, so that the caller sees EISDIR as on POSIX */
    HANDLE h = CreateFileW(wide, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                           OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL | FILE_FLAG_BACKUP_SEMANTICS, NULL);
    DWORD e = GetLastError();
    if (wide != small) free(wide);
    if (h == INVALID_HANDLE_VALUE) return errno_of(e);
    *out = h;
    return 0;
}

int fstwi_file_stat(fstwi_os_file f, uint64_t *size, int *kind)
{
    *size = 0;
    if (GetFileType(f) != FILE_TYPE_DISK) { /* a device or pipe: no size, like a POSIX character device */
        *kind = FSTWI_FILE_OTHER;
        return 0;
    }
    BY_HANDLE_FILE_INFORMATION info;
    if (!GetFileInformationByHandle(f, &info)) return errno_of(GetLastError());
    if (info.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) {
        *kind = FSTWI_FILE_DIRECTORY;
        return 0;
    }
    *kind = FSTWI_FILE_REGULAR;
    *size = (uint64_t)info.nFileSizeHigh << 32 | info.nFileSizeLow;
    return 0;
}

int fstwi_file_read_at(fstwi_os_file f, uint64_t off, void *buf, size_t len, size_t *done)
{
    uint8_t *p = buf;
    *done = 0;
    while (len) {
        /* the offset rides in the OVERLAPPED structure: no shared file
         * position, so threads may read the same handle at once */
        OVERLAPPED ov;
        memset(&ov, 0, sizeof ov);
        ov.Offset = (DWORD)off;
        ov.OffsetHigh = (DWORD)(off >> 32);
        DWORD want = len > (1u << 30) ? (1u << 30) : (DWORD)len, got = 0;
        if (!ReadFile(f, p, want, &got, &ov)) {
            DWORD e = GetLastError();
            return e == ERROR_HANDLE_EOF ? 0 : errno_of(e);
        }
        if (got == 0) return 0; /* end of file */
        p += got;
        off += got;
        len -= got;
        *done += got;
    }
    return 0;
}

void fstwi_file_close(fstwi_os_file f)
{
    CloseHandle(f);
}

const char *fstwi_path_base(const char *path)
{
    const char *base = path;
    for (const char *p = path; *p; p++)
        if (*p == '/' || *p == '\\' || (*p == ':' && p == path + 1)) base = p + 1;
    return base;
}

#else
/* ------------------------------------------------------------- POSIX */
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int fstwi_file_open(const char *path, fstwi_os_file *out)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return errno;
    *out = fd;
    return 0;
}

int fstwi_file_stat(fstwi_os_file f, uint64_t *size, int *kind)
{
    struct stat st;
    if (fstat(f, &st) != 0) return errno;
    *kind = S_ISREG(st.st_mode) ? FSTWI_FILE_REGULAR : S_ISDIR(st.st_mode) ? FSTWI_FILE_DIRECTORY : FSTWI_FILE_OTHER;
    *size = st.st_size > 0 ? (uint64_t)st.st_size : 0;
    return 0;
}

int fstwi_file_read_at(fstwi_os_file f, uint64_t off, void *buf, size_t len, size_t *done)
{
    uint8_t *p = buf;
    *done = 0;
    while (len) {
        ssize_t r = pread(f, p, len, (off_t)off);
        if (r < 0) {
            if (errno == EINTR) continue;
            return errno;
        }
        if (r == 0) return 0; /* end of file */
        p += r;
        off += (uint64_t)r;
        len -= (size_t)r;
        *done += (size_t)r;
    }
    return 0;
}

void fstwi_file_close(fstwi_os_file f)
{
    close(f);
}

const char *fstwi_path_base(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}
#endif
