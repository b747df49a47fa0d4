// uffd_ref: UffdGen's C reference userfaultfd benchmark, command line.
//
// Runs the scenarios of uffd_ref_lib.c (the same code libuffdref.so exports) and prints one machine-readable line
// per scenario:
//   scenario=<name> us_per_page=<median> min=<..> max=<..> runs=<n> pages=<n> [key=value ...]
// Informational lines start with '#'. Errors go to stderr; exit status 1 on any failure, 2 on the watchdog.
//
// Build: bench/native/build.sh. See bench/native/README.md.
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "uffd_ref_internal.h"

// The library never ends its host; the CLI may, and a hung fault must not hang CI.
#define WATCHDOG_SECONDS 60

static int g_smoke;
static int g_runs = 5;

static void on_alarm(int sig) {
    (void)sig;
    static const char m[] = "uffd_ref: watchdog: a run exceeded 60 s, aborting\n";
    (void)!write(2, m, sizeof m - 1);
    _exit(2);
}

static double now_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static void fail(void) {
    fprintf(stderr, "uffd_ref: %s\n", uffd_ref_error());
    exit(1);
}

// One prepare/execute/finish; the time is that of uffd_ref_execute alone, as BenchmarkDotNet sees it.
struct res {
    double us;
    long pages;
    unsigned long msgs, eexist;
};

static struct res run_once(const char *name, size_t pages) {
    struct res r;
    alarm(WATCHDOG_SECONDS);
    uffd_ref_run *run = uffd_ref_prepare(name, pages);
    if (!run) fail();
    double t0 = now_us();
    r.pages = uffd_ref_execute(run);
    r.us = now_us() - t0;
    if (r.pages < 0) fail();
    if (uffd_ref_finish_stats(run, &r.msgs, &r.eexist) < 0) fail();
    return r;
}

static int cmp_d(const void *x, const void *y) {
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

static double median(double *v, int n) {
    qsort(v, n, sizeof *v, cmp_d);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static int starts_with(const char *s, const char *prefix) { return !strncmp(s, prefix, strlen(prefix)); }

static void run_scen(int idx) {
    const char *name = uffd_ref_scenario_name(idx);
    size_t pages = g_smoke ? uffd_ref_scenario_smoke_pages(idx) : uffd_ref_scenario_default_pages(idx);
    double usp[g_runs], usm[g_runs];
    unsigned long msgs = 0, eexist = 0;
    long faulted = 0;
    (void)run_once(name, pages);  // warm-up
    for (int i = 0; i < g_runs; i++) {
        struct res r = run_once(name, pages);
        usp[i] = r.us / r.pages;
        usm[i] = r.msgs ? r.us / r.msgs : 0;
        msgs += r.msgs;
        eexist += r.eexist;
        faulted = r.pages;
    }
    alarm(0);
    double med = median(usp, g_runs);
    printf("scenario=%s us_per_page=%.3f min=%.3f max=%.3f runs=%d pages=%ld", name, med, usp[0], usp[g_runs - 1],
           g_runs, faulted);
    if (strcmp(name, "anon-write")) {
        printf(" msgs_per_run=%lu", msgs / g_runs);
        if (starts_with(name, "seq-")) printf(" us_per_msg=%.3f", median(usm, g_runs));
        if (starts_with(name, "threads-")) printf(" faults_per_s=%.0f", 1e6 / med);
        printf(" eexist=%lu", eexist);
    }
    printf("\n");
    fflush(stdout);
}

static const char *loadavg(char *buf, size_t n) {
    strcpy(buf, "?");
    FILE *f = fopen("/proc/loadavg", "r");
    if (f) {
        if (!fgets(buf, (int)n, f)) strcpy(buf, "?");
        fclose(f);
        buf[strcspn(buf, "\n")] = 0;
    }
    return buf;
}

static void usage(FILE *f) {
    fprintf(f, "usage: uffd_ref [-r N] [-s name[,name...]]... [--smoke] [-l]\n"
               "  -r N      timed runs per scenario (default 5; one untimed warm-up first)\n"
               "  -s name   run only these scenarios (repeatable, comma-separated)\n"
               "  --smoke   1 run, small sizes (CI)\n"
               "  -l        list scenarios\n");
}

int main(int argc, char **argv) {
    int nscens = uffd_ref_scenario_count();
    if (page_size() != 4096) fprintf(stderr, "uffd_ref: note: page size %zu\n", page_size());
    int sel[nscens], any = 0, runs_set = 0;
    memset(sel, 0, sizeof sel);
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--smoke")) g_smoke = 1;
        else if (!strcmp(argv[i], "-r") && i + 1 < argc) {
            g_runs = atoi(argv[++i]);
            runs_set = 1;
            if (g_runs < 1 || g_runs > 1000) { usage(stderr); return 1; }
        } else if (!strcmp(argv[i], "-s") && i + 1 < argc) {
            char *list = strdup(argv[++i]), *save = NULL;
            for (char *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
                int k;
                for (k = 0; k < nscens && strcmp(uffd_ref_scenario_name(k), t); k++) {}
                if (k == nscens) { fprintf(stderr, "uffd_ref: unknown scenario '%s' (-l lists them)\n", t); return 1; }
                sel[k] = any = 1;
            }
            free(list);
        } else if (!strcmp(argv[i], "-l")) {
            for (int k = 0; k < nscens; k++)
                printf("%-18s %s\n", uffd_ref_scenario_name(k), uffd_ref_scenario_description(k));
            return 0;
        } else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            usage(stdout);
            return 0;
        } else { usage(stderr); return 1; }
    }
    if (g_smoke && !runs_set) g_runs = 1;

    struct sigaction sa = {.sa_handler = on_alarm};
    sigaction(SIGALRM, &sa, NULL);

    int cpus[MAX_HANDLERS];
    int ncpus = allowed_cpus("uffd_ref", cpus);
    if (ncpus < 0) fail();
    struct utsname u;
    uname(&u);
    char load[64];
    printf("# uffd_ref kernel=%s cpus=%d runs=%d smoke=%d loadavg=\"%s\"\n", u.release, ncpus, g_runs, g_smoke,
           loadavg(load, sizeof load));
    fflush(stdout);
    for (int k = 0; k < nscens; k++)
        if (!any || sel[k]) run_scen(k);
    printf("# end loadavg=\"%s\"\n", loadavg(load, sizeof load));
    return 0;
}
