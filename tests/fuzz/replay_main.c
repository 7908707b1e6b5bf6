/*
 * replay_main.c - runs files through the fuzz harness without libFuzzer:
 *   fuzz_replay FILE_OR_DIR...
 * Each file is read into memory and passed to LLVMFuzzerTestOneInput (the
 * same code as the fuzzer, tests/fuzz/fuzz_open.c) in a child process of
 * its own, with a time limit (FUZZ_REPLAY_TIMEOUT seconds, default 30).
 * Built with ASan and UBSan (no recovery), so a memory error, UB, leak,
 * abort or hang ends that child abnormally; every such file is named and
 * the exit status is 1 when there was any.  Directories are expanded one
 * level (sorted); README* and dot files are skipped.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned g_timeout = 30;

static int replay_file(const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) { perror(path); return 1; }
    size_t cap = 1 << 16, len = 0;
    uint8_t *buf = malloc(cap);
    if (!buf) { fclose(fp); return 1; }
    for (;;) {
        if (len == cap) {
            uint8_t *nb = realloc(buf, cap *= 2);
            if (!nb) { free(buf); fclose(fp); return 1; }
            buf = nb;
        }
        size_t r = fread(buf + len, 1, cap - len, fp);
        if (r == 0) break;
        len += r;
    }
    int bad = ferror(fp);
    fclose(fp);
    if (bad) { fprintf(stderr, "%s: read error\n", path); free(buf); return 1; }
    fprintf(stderr, "replay %s (%zu bytes)\n", path, len);
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) { perror("fork"); free(buf); return 1; }
    if (pid == 0) {
        alarm(g_timeout);
        LLVMFuzzerTestOneInput(buf, len);
        free(buf);
        exit(0); /* exit, not _exit: LeakSanitizer runs at exit */
    }
    free(buf);
    int st;
    while (waitpid(pid, &st, 0) < 0) {}
    if (WIFEXITED(st) && WEXITSTATUS(st) == 0) return 0;
    if (WIFSIGNALED(st) && WTERMSIG(st) == SIGALRM)
        fprintf(stderr, "FAIL %s: hang (over %u s)\n", path, g_timeout);
    else if (WIFSIGNALED(st))
        fprintf(stderr, "FAIL %s: killed by signal %d\n", path, WTERMSIG(st));
    else
        fprintf(stderr, "FAIL %s: exit status %d (sanitizer report above)\n", path, WEXITSTATUS(st));
    return 1;
}

static int skip_name(const char *n)
{
    return n[0] == '.' || strncmp(n, "README", 6) == 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
    int fails = 0, count = 0;
    const char *t = getenv("FUZZ_REPLAY_TIMEOUT");
    if (t && atoi(t) > 0) g_timeout = (unsigned)atoi(t);
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) { perror(argv[i]); fails++; continue; }
        if (!S_ISDIR(st.st_mode)) { fails += replay_file(argv[i]); count++; continue; }
        DIR *d = opendir(argv[i]);
        if (!d) { perror(argv[i]); fails++; continue; }
        char **names = NULL;
        size_t n = 0, cap = 0;
        struct dirent *e;
        while ((e = readdir(d))) {
            if (skip_name(e->d_name)) continue;
            if (n == cap) {
                char **nn = realloc(names, (cap = cap ? cap * 2 : 64) * sizeof *names);
                if (!nn) { fails++; break; }
                names = nn;
            }
            size_t l = strlen(argv[i]) + strlen(e->d_name) + 2;
            if (!(names[n] = malloc(l))) { fails++; break; }
            snprintf(names[n], l, "%s/%s", argv[i], e->d_name);
            n++;
        }
        closedir(d);
        if (n) qsort(names, n, sizeof *names, cmp_str);
        for (size_t k = 0; k < n; k++) {
            struct stat fs;
            if (stat(names[k], &fs) == 0 && S_ISREG(fs.st_mode)) {
                fails += replay_file(names[k]);
                count++;
            }
            free(names[k]);
        }
        free(names);
    }
    fprintf(stderr, "fuzz_replay: %d file(s) replayed, %d failed\n", count, fails);
    return fails ? 1 : 0;
}
