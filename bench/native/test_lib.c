// test_lib: checks libuffdref.so the way BenchmarkDotNet uses it. Loads the library with dlopen (as P/Invoke does,
// which also proves the API is exported by name), runs prepare/execute/finish of every scenario several times in
// one process, exercises the error paths, and checks that fds, threads and mappings come back to where they were.
//
// Usage: test_lib path/to/libuffdref.so [pages]     (built and run by build.sh --test)
#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "uffd_ref.h"

static struct {
    uffd_ref_run *(*prepare)(const char *, size_t);
    long (*execute)(uffd_ref_run *);
    int (*finish)(uffd_ref_run *);
    const char *(*error)(void);
    int (*count)(void);
    const char *(*name)(int);
    const char *(*description)(int);
    size_t (*default_pages)(int);
} api;

static int failures;

#define CHECK(cond, ...)                                                  \
    do {                                                                  \
        if (!(cond)) {                                                    \
            failures++;                                                   \
            fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);          \
            fprintf(stderr, __VA_ARGS__);                                 \
            fprintf(stderr, " [uffd_ref_error: \"%s\"]\n", api.error()); \
        }                                                                 \
    } while (0)

static void *sym(void *lib, const char *name) {
    void *p = dlsym(lib, name);
    if (!p) {
        fprintf(stderr, "test_lib: %s not exported: %s\n", name, dlerror());
        exit(1);
    }
    return p;
}

static int count_fds(void) {
    DIR *d = opendir("/proc/self/fd");
    int n = 0;
    if (!d) return -1;
    while (readdir(d)) n++;
    closedir(d);
    return n;
}

static int count_threads(void) {
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    int n = -1;
    if (!f) return -1;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "Threads: %d", &n) == 1) break;
    fclose(f);
    return n;
}

static int count_maps(void) {
    FILE *f = fopen("/proc/self/maps", "r");
    int n = 0, c;
    if (!f) return -1;
    while ((c = fgetc(f)) != EOF) n += c == '\n';
    fclose(f);
    return n;
}

// A joined thread can still be counted in /proc for a moment (pthread_join returns when the thread has cleared its
// tid, slightly before the kernel releases it), so a thread leak is only a leak if it persists.
static int threads_settle(int want) {
    int n = count_threads();
    for (int i = 0; i < 100 && n != want; i++) {
        nanosleep(&(struct timespec){.tv_nsec = 10 * 1000 * 1000}, NULL);
        n = count_threads();
    }
    return n;
}

static void full_cycle(const char *name, size_t pages, long want) {
    uffd_ref_run *run = api.prepare(name, pages);
    CHECK(run, "%s: prepare(%zu) returned NULL", name, pages);
    if (!run) return;
    CHECK(!*api.error(), "%s: error set after a successful prepare", name);
    long got = api.execute(run);
    CHECK(got == want, "%s: execute returned %ld, want %ld", name, got, want);
    int rc = api.finish(run);
    CHECK(rc == 0, "%s: finish returned %d", name, rc);
}

// The operations execute reports: touches for the second-touch scenarios, pages walked by the repeated clean collect,
// pages for the others.
static long operations(const char *name, size_t pages) {
    if (!strncmp(name, "touch-present", 13)) return (long)pages * UFFD_REF_TOUCH_PASSES;
    if (!strcmp(name, "wp-async-collect-clean")) return (long)pages * UFFD_REF_COLLECT_CALLS;
    return (long)pages;
}

static void all_scenarios(size_t pages) {
    for (int i = 0; i < api.count(); i++) full_cycle(api.name(i), pages, operations(api.name(i), pages));
}

static void check_table(void) {
    int n = api.count();
    CHECK(n >= 25, "%d scenarios", n);
    for (int i = 0; i < n; i++) {
        CHECK(api.name(i) && *api.name(i), "scenario %d has no name", i);
        CHECK(api.description(i) && *api.description(i), "scenario %d has no description", i);
        CHECK(api.default_pages(i) > 0, "scenario %d has no default size", i);
        for (int j = 0; j < i; j++) CHECK(strcmp(api.name(i), api.name(j)), "duplicate name %s", api.name(i));
    }
    CHECK(!api.name(n) && !api.description(-1) && api.default_pages(n) == 0, "out-of-range index answered");
    static const char *required[] = {"anon-write", "rt-blocking", "rt-pinned-percpu", "rt-pinned-1",
                                     "seq-readahead-0", "seq-readahead-16", "seq-readahead-64", "seq-readahead-256",
                                     "threads-2-1", "threads-2-2", "threads-4-1", "threads-4-2", "wp-rt",
                                     "wp-rt-percpu", "minor-rt", "minor-rt-percpu", "rt-populate-percpu",
                                     "seq-populate-0", "seq-populate-16", "touch-present",
                                     "touch-present-seq", "wp-writer-unprotects", "wp-async", "wp-async-collect",
                                     "wp-async-collect-clean"};
    for (size_t k = 0; k < sizeof required / sizeof *required; k++) {
        int found = 0;
        for (int i = 0; i < n; i++) found |= !strcmp(api.name(i), required[k]);
        CHECK(found, "scenario %s missing", required[k]);
    }
}

static void check_errors(void) {
    CHECK(!api.prepare("no-such-scenario", 16), "unknown scenario prepared");
    CHECK(strstr(api.error(), "no-such-scenario"), "error does not name the unknown scenario");
    CHECK(!api.prepare(NULL, 16), "NULL name prepared");
    CHECK(!api.prepare("threads-4-2", 3), "3 pages over 4 faulting threads prepared");
    CHECK(strstr(api.error(), "threads-4-2"), "error does not name the scenario");
    CHECK(api.execute(NULL) == -1 && *api.error(), "execute(NULL) did not fail with a message");
    CHECK(api.finish(NULL) == -1 && *api.error(), "finish(NULL) did not fail with a message");

    uffd_ref_run *run = api.prepare("rt-pinned-percpu", 32);
    CHECK(run, "rt-pinned-percpu: prepare failed");
    if (run) {
        CHECK(api.execute(run) == 32, "rt-pinned-percpu: first execute");
        CHECK(api.execute(run) == -1 && strstr(api.error(), "twice"), "second execute not refused");
        CHECK(api.finish(run) == 0, "finish after a refused second execute");
    }
}

// Finish without execute: parked faulting threads leave without faulting, the blocking handler through its stop page.
static void check_finish_without_execute(void) {
    for (int i = 0; i < api.count(); i++) {
        uffd_ref_run *run = api.prepare(api.name(i), 64);
        CHECK(run, "%s: prepare failed", api.name(i));
        if (run) CHECK(api.finish(run) == 0, "%s: finish without execute", api.name(i));
    }
}

// Two runs alive at once (BenchmarkDotNet does not, but nothing is global per run).
static void check_two_runs(void) {
    uffd_ref_run *a = api.prepare("rt-blocking", 64), *b = api.prepare("minor-rt-percpu", 64);
    CHECK(a && b, "two concurrent prepares");
    if (a) CHECK(api.execute(a) == 64, "rt-blocking next to minor-rt-percpu");
    if (b) CHECK(api.execute(b) == 64, "minor-rt-percpu next to rt-blocking");
    if (b) CHECK(api.finish(b) == 0, "finish minor-rt-percpu");
    if (a) CHECK(api.finish(a) == 0, "finish rt-blocking");
}

int main(int argc, char **argv) {
    const char *path = argc > 1 ? argv[1] : "./libuffdref.so";
    size_t pages = argc > 2 ? strtoul(argv[2], NULL, 10) : 256;  // a multiple of 4: threads-4-* fault them all
    void *lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        fprintf(stderr, "test_lib: %s\n", dlerror());
        return 1;
    }
    api.prepare = sym(lib, "uffd_ref_prepare");
    api.execute = sym(lib, "uffd_ref_execute");
    api.finish = sym(lib, "uffd_ref_finish");
    api.error = sym(lib, "uffd_ref_error");
    api.count = sym(lib, "uffd_ref_scenario_count");
    api.name = sym(lib, "uffd_ref_scenario_name");
    api.description = sym(lib, "uffd_ref_scenario_description");
    api.default_pages = sym(lib, "uffd_ref_scenario_default_pages");
    CHECK(!dlsym(lib, "hset_start") && !dlsym(lib, "uffd_ref_finish_stats"), "internal symbols are exported");

    int fds0 = count_fds(), threads0 = count_threads();
    check_table();
    all_scenarios(pages);
    // Thread stacks are cached and mappings may be merged after a first round: steady state starts here.
    int maps1 = count_maps();
    for (int round = 0; round < 3; round++) all_scenarios(pages);
    int maps2 = count_maps();  // before the tests below, which hold more threads (and cached stacks) at once
    check_errors();
    check_finish_without_execute();
    check_two_runs();
    for (int i = 0; i < api.count(); i++)  // the default size, once
        if (!strcmp(api.name(i), "rt-pinned-1")) full_cycle("rt-pinned-1", 0, (long)api.default_pages(i));
    int fds1 = count_fds(), threads1 = threads_settle(threads0);

    CHECK(fds1 == fds0, "fds: %d before, %d after", fds0, fds1);
    CHECK(threads1 == threads0, "threads: %d before, %d after", threads0, threads1);
#ifndef __SANITIZE_ADDRESS__  // ASan's allocator maps new regions as it goes; LeakSanitizer covers that build
    CHECK(maps2 <= maps1, "mappings: %d after the first round, %d after three more", maps1, maps2);
#endif
    printf("test_lib: %d scenarios x 4 rounds of %zu pages, errors, finish without execute, two runs, one default "
           "size; fds %d->%d, threads %d->%d, mappings %d->%d: %s\n",
           api.count(), pages, fds0, fds1, threads0, threads1, maps1, maps2, failures ? "FAILED" : "ok");
    return failures ? 1 : 0;
}
