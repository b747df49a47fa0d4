// uffd_ref: UffdGen's C reference userfaultfd benchmark.
//
// Measures userfaultfd round trips and related costs in-process and prints one
// machine-readable line per scenario:
//   scenario=<name> us_per_page=<median> min=<..> max=<..> runs=<n> [key=value ...]
// Informational lines start with '#'. Errors go to stderr; exit status 1 on any
// failure, 2 on the watchdog (alarm) firing.
//
// Build: bench/native/build.sh (gcc -O2 -pthread). See bench/native/README.md.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

// Fallbacks for older headers (values from kernel-semantics.md §1).
#ifndef USERFAULTFD_IOC_NEW
#define USERFAULTFD_IOC_NEW 0xAA00 /* _IO(0xAA, 0), /dev/userfaultfd, Linux 6.1 */
#endif
#ifndef __NR_userfaultfd
#define __NR_userfaultfd 323 /* x86_64 */
#endif

#define WATCHDOG_SECONDS 60
#define PATTERN 0xA5A5A5A5A5A5A5A5ULL
#define MAX_HANDLERS 64

static size_t PS;            // page size
static int g_smoke;
static int g_runs = 5;
static int g_cpus[MAX_HANDLERS];
static int g_ncpus;

static void die(const char *what) {
    fprintf(stderr, "uffd_ref: %s: %s\n", what, strerror(errno));
    exit(1);
}

static void on_alarm(int sig) {
    (void)sig;
    static const char m[] = "uffd_ref: watchdog: a run exceeded 60 s, aborting\n";
    ssize_t r = write(2, m, sizeof m - 1);
    (void)r;
    _exit(2);
}

static double now_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

// ---------------------------------------------------------------- uffd setup

static int uffd_open(int nonblock, uint64_t features) {
    int flags = O_CLOEXEC | (nonblock ? O_NONBLOCK : 0);
    int fd = (int)syscall(__NR_userfaultfd, flags);
    if (fd < 0) {
        int dev = open("/dev/userfaultfd", O_RDWR | O_CLOEXEC);
        if (dev < 0) die("userfaultfd() and /dev/userfaultfd both failed");
        fd = ioctl(dev, USERFAULTFD_IOC_NEW, flags);
        close(dev);
        if (fd < 0) die("USERFAULTFD_IOC_NEW");
    }
    struct uffdio_api api = {.api = UFFD_API, .features = features};
    if (ioctl(fd, UFFDIO_API, &api) < 0) die("UFFDIO_API");
    if ((api.features & features) != features) {
        errno = ENOTSUP;
        die("UFFDIO_API: requested feature missing");
    }
    return fd;
}

static void uffd_register(int fd, void *base, size_t len, uint64_t mode) {
    struct uffdio_register reg = {
        .range = {.start = (uintptr_t)base, .len = len}, .mode = mode};
    if (ioctl(fd, UFFDIO_REGISTER, &reg) < 0) die("UFFDIO_REGISTER");
}

static void *map_anon(size_t len) {
    void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) die("mmap");
    return p;
}

static void pin_self(int cpu) {
    if (cpu < 0) return;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    if (sched_setaffinity(0, sizeof set, &set) < 0) die("sched_setaffinity");
}

// ---------------------------------------------------------------- handler

enum resolve { R_COPY, R_WP, R_CONTINUE };

struct handler {
    int uffd;
    enum resolve kind;
    int blocking;         // 1: blocking read(); 0: poll + non-blocking read
    int cpu;              // -1 = unpinned
    size_t ra;            // COPY: extra pages after the faulting one
    char *base;           // registered region
    size_t len;
    const char *src;      // COPY source, (1 + ra) pages
    uintptr_t stop_page;  // blocking: leave after resolving this page
    int stopfd;           // poll: eventfd that says "leave"
    unsigned long msgs, eexist;
    pthread_t th;
};

static void uffd_wake(int fd, uintptr_t page) {
    struct uffdio_range r = {.start = page, .len = PS};
    if (ioctl(fd, UFFDIO_WAKE, &r) < 0) die("UFFDIO_WAKE");
}

static void resolve(struct handler *h, uintptr_t page) {
    for (;;) {
        int rc;
        if (h->kind == R_COPY) {
            size_t len = (1 + h->ra) * PS;
            uintptr_t end = (uintptr_t)h->base + h->len;
            if (page + len > end) len = end - page;
            struct uffdio_copy c = {.dst = page, .src = (uintptr_t)h->src, .len = len};
            rc = ioctl(h->uffd, UFFDIO_COPY, &c);
            if (rc < 0 && errno == EAGAIN && c.copy > 0) return;  // partial, page woken
        } else if (h->kind == R_WP) {
            struct uffdio_writeprotect w = {.range = {.start = page, .len = PS}, .mode = 0};
            rc = ioctl(h->uffd, UFFDIO_WRITEPROTECT, &w);
        } else {
            struct uffdio_continue c = {.range = {.start = page, .len = PS}};
            rc = ioctl(h->uffd, UFFDIO_CONTINUE, &c);
            if (rc < 0 && errno == EAGAIN && c.mapped > 0) return;
        }
        if (rc == 0) return;
        if (errno == EEXIST) {  // someone else resolved it: just wake the waiter
            h->eexist++;
            uffd_wake(h->uffd, page);
            return;
        }
        if (errno != EAGAIN) die("resolve ioctl");
    }
}

static void handle_msg(struct handler *h, const struct uffd_msg *m) {
    if (m->event != UFFD_EVENT_PAGEFAULT) {
        fprintf(stderr, "uffd_ref: unexpected event %u\n", m->event);
        exit(1);
    }
    h->msgs++;
    resolve(h, (uintptr_t)m->arg.pagefault.address & ~(uintptr_t)(PS - 1));
}

static void *handler_main(void *arg) {
    struct handler *h = arg;
    pin_self(h->cpu);
    struct uffd_msg msgs[16];
    if (h->blocking) {
        for (;;) {
            ssize_t n = read(h->uffd, msgs, sizeof msgs[0]);
            if (n < 0) {
                if (errno == EINTR || errno == EAGAIN) continue;
                die("read(uffd)");
            }
            handle_msg(h, &msgs[0]);
            if (((uintptr_t)msgs[0].arg.pagefault.address & ~(uintptr_t)(PS - 1)) == h->stop_page)
                return NULL;
        }
    }
    struct pollfd fds[2] = {{.fd = h->uffd, .events = POLLIN}, {.fd = h->stopfd, .events = POLLIN}};
    for (;;) {
        int pr = poll(fds, 2, 1000);  // bounded; the watchdog covers the rest
        if (pr < 0) {
            if (errno == EINTR) continue;
            die("poll");
        }
        if (fds[1].revents) return NULL;
        if (!(fds[0].revents & POLLIN)) {
            if (fds[0].revents & (POLLERR | POLLHUP)) {
                fprintf(stderr, "uffd_ref: uffd POLLERR/POLLHUP\n");
                exit(1);
            }
            continue;
        }
        ssize_t n = read(h->uffd, msgs, sizeof msgs);
        if (n < 0) {
            if (errno == EAGAIN || errno == EINTR) continue;  // another handler took it
            die("read(uffd)");
        }
        for (ssize_t i = 0; i < n / (ssize_t)sizeof msgs[0]; i++) handle_msg(h, &msgs[i]);
    }
}

// A set of handler threads on one uffd.
struct hset {
    int n;
    int stopfd;
    struct handler h[MAX_HANDLERS];
};

// nh handlers; pinned: handler i on g_cpus[i % ncpus]; blocking handlers are
// always single and stop through stop_page.
static void hset_start(struct hset *s, int nh, int pinned, int blocking, int uffd,
                       enum resolve kind, size_t ra, char *base, size_t len,
                       const char *src, uintptr_t stop_page) {
    s->n = nh;
    s->stopfd = eventfd(0, EFD_CLOEXEC);
    if (s->stopfd < 0) die("eventfd");
    for (int i = 0; i < nh; i++) {
        struct handler *h = &s->h[i];
        *h = (struct handler){.uffd = uffd, .kind = kind, .blocking = blocking,
                              .cpu = pinned ? g_cpus[i % g_ncpus] : -1, .ra = ra,
                              .base = base, .len = len, .src = src,
                              .stop_page = stop_page, .stopfd = s->stopfd};
        errno = pthread_create(&h->th, NULL, handler_main, h);
        if (errno) die("pthread_create");
    }
}

// For blocking handlers the caller must have touched stop_page first.
static void hset_stop(struct hset *s, unsigned long *msgs, unsigned long *eexist) {
    uint64_t one = 1;
    if (write(s->stopfd, &one, sizeof one) != sizeof one) die("eventfd write");
    *msgs = *eexist = 0;
    for (int i = 0; i < s->n; i++) {
        pthread_join(s->h[i].th, NULL);
        *msgs += s->h[i].msgs;
        *eexist += s->h[i].eexist;
    }
    close(s->stopfd);
}

// ---------------------------------------------------------------- helpers

static uint64_t rng_state;
static uint64_t rng(void) {
    uint64_t x = rng_state;
    x ^= x << 13; x ^= x >> 7; x ^= x << 17;
    return rng_state = x;
}

static size_t *shuffled(size_t n, uint64_t seed) {
    size_t *a = malloc(n * sizeof *a);
    if (!a) die("malloc");
    for (size_t i = 0; i < n; i++) a[i] = i;
    rng_state = seed | 1;
    for (size_t i = n - 1; i > 0; i--) {
        size_t j = rng() % (i + 1), t = a[i];
        a[i] = a[j]; a[j] = t;
    }
    return a;
}

static char *make_src(size_t pages) {
    char *s = map_anon(pages * PS);
    memset(s, 0xA5, pages * PS);
    return s;
}

static void check(unsigned long bad, const char *what) {
    if (bad) {
        fprintf(stderr, "uffd_ref: %s: %lu pages had wrong contents\n", what, bad);
        exit(1);
    }
}

// Result of one run.
struct res {
    double us;            // timed wall time
    size_t pages;         // pages faulted in the timed section
    unsigned long msgs, eexist;
};

// ---------------------------------------------------------------- scenarios

struct scen;
typedef void (*run_fn)(const struct scen *, struct res *);
struct scen {
    const char *name;
    run_fn fn;
    size_t pages, smoke_pages;
    int a, b;  // scenario parameters
    const char *what;
};

static size_t scen_pages(const struct scen *s) { return g_smoke ? s->smoke_pages : s->pages; }

static void run_anon_write(const struct scen *s, struct res *r) {
    size_t n = scen_pages(s);
    char *p = map_anon(n * PS);
    double t0 = now_us();
    for (size_t i = 0; i < n; i++) p[i * PS] = 1;
    r->us = now_us() - t0;
    r->pages = n;
    munmap(p, n * PS);
}

// Random MISSING round trip, one faulting thread (the caller).
// a: 0 = one unpinned blocking handler, 1 = one poll handler pinned per CPU.
static void run_rt_missing(const struct scen *s, struct res *r) {
    size_t n = scen_pages(s);
    int percpu = s->a;
    size_t len = (n + 1) * PS;  // last page: the blocking handler's stop page
    char *base = map_anon(len);
    char *src = make_src(1);
    int fd = uffd_open(!percpu ? 0 : 1, 0);
    uffd_register(fd, base, len, UFFDIO_REGISTER_MODE_MISSING);
    uintptr_t stop = (uintptr_t)base + n * PS;
    struct hset hs;
    hset_start(&hs, percpu ? g_ncpus : 1, percpu, !percpu, fd, R_COPY, 0, base, len, src, stop);
    size_t *order = shuffled(n, 0x9E3779B97F4A7C15ULL);
    unsigned long bad = 0;
    double t0 = now_us();
    for (size_t i = 0; i < n; i++)
        bad += *(volatile uint64_t *)(base + order[i] * PS) != PATTERN;
    r->us = now_us() - t0;
    if (!percpu) (void)*(volatile char *)stop;
    hset_stop(&hs, &r->msgs, &r->eexist);
    check(bad, s->name);
    r->pages = n;
    free(order);
    close(fd);
    munmap(base, len);
    munmap(src, PS);
}

// Sequential scan, read-ahead a pages per fault, handlers pinned per CPU.
static void run_seq(const struct scen *s, struct res *r) {
    size_t n = scen_pages(s), ra = (size_t)s->a, len = n * PS;
    char *base = map_anon(len);
    char *src = make_src(1 + ra);
    int fd = uffd_open(1, 0);
    uffd_register(fd, base, len, UFFDIO_REGISTER_MODE_MISSING);
    struct hset hs;
    hset_start(&hs, g_ncpus, 1, 0, fd, R_COPY, ra, base, len, src, 0);
    unsigned long bad = 0;
    double t0 = now_us();
    for (size_t i = 0; i < n; i++) bad += *(volatile uint64_t *)(base + i * PS) != PATTERN;
    r->us = now_us() - t0;
    hset_stop(&hs, &r->msgs, &r->eexist);
    check(bad, s->name);
    r->pages = n;
    close(fd);
    munmap(base, len);
    munmap(src, (1 + ra) * PS);
}

struct faulter {
    char *base;
    size_t *idx;
    size_t n;
    pthread_barrier_t *bar;
    unsigned long bad;
    pthread_t th;
};

static void *faulter_main(void *arg) {
    struct faulter *f = arg;
    pthread_barrier_wait(f->bar);
    for (size_t i = 0; i < f->n; i++)
        f->bad += *(volatile uint64_t *)(f->base + f->idx[i] * PS) != PATTERN;
    return NULL;
}

// a faulting threads over disjoint random page sets, b handlers
// (b == 1: unpinned blocking; b > 1: poll handlers pinned per CPU).
static void run_threads(const struct scen *s, struct res *r) {
    size_t n = scen_pages(s);
    int nf = s->a, nh = s->b;
    size_t len = (n + 1) * PS;
    char *base = map_anon(len);
    char *src = make_src(1);
    int fd = uffd_open(nh > 1, 0);
    uffd_register(fd, base, len, UFFDIO_REGISTER_MODE_MISSING);
    uintptr_t stop = (uintptr_t)base + n * PS;
    struct hset hs;
    hset_start(&hs, nh, nh > 1, nh == 1, fd, R_COPY, 0, base, len, src, stop);
    size_t *order = shuffled(n, 0x2545F4914F6CDD1DULL);
    struct faulter f[8];
    pthread_barrier_t bar;
    pthread_barrier_init(&bar, NULL, nf + 1);
    // thread i takes every nf-th entry of one random permutation: disjoint, random
    size_t per = n / nf;
    for (int i = 0; i < nf; i++) {
        f[i] = (struct faulter){.base = base, .n = per, .bar = &bar,
                                .idx = malloc(per * sizeof(size_t))};
        if (!f[i].idx) die("malloc");
        for (size_t k = 0; k < per; k++) f[i].idx[k] = order[k * nf + i];
        errno = pthread_create(&f[i].th, NULL, faulter_main, &f[i]);
        if (errno) die("pthread_create");
    }
    pthread_barrier_wait(&bar);
    double t0 = now_us();
    unsigned long bad = 0;
    for (int i = 0; i < nf; i++) {
        pthread_join(f[i].th, NULL);
        bad += f[i].bad;
        free(f[i].idx);
    }
    r->us = now_us() - t0;
    if (nh == 1) (void)*(volatile char *)stop;
    hset_stop(&hs, &r->msgs, &r->eexist);
    check(bad, s->name);
    pthread_barrier_destroy(&bar);
    r->pages = per * nf;
    free(order);
    close(fd);
    munmap(base, len);
    munmap(src, PS);
}

// Write-protect round trip: one unpinned blocking handler, random order.
static void run_wp(const struct scen *s, struct res *r) {
    size_t n = scen_pages(s), len = (n + 1) * PS;
    char *base = map_anon(len);
    memset(base, 0x11, len);  // populate
    int fd = uffd_open(0, 0);
    uffd_register(fd, base, len, UFFDIO_REGISTER_MODE_WP);
    struct uffdio_writeprotect wp = {.range = {.start = (uintptr_t)base, .len = len},
                                     .mode = UFFDIO_WRITEPROTECT_MODE_WP};
    if (ioctl(fd, UFFDIO_WRITEPROTECT, &wp) < 0) die("UFFDIO_WRITEPROTECT(protect)");
    uintptr_t stop = (uintptr_t)base + n * PS;
    struct hset hs;
    hset_start(&hs, 1, 0, 1, fd, R_WP, 0, base, len, NULL, stop);
    size_t *order = shuffled(n, 0x51ED270B27A5C0F3ULL);
    double t0 = now_us();
    for (size_t i = 0; i < n; i++) *(volatile char *)(base + order[i] * PS) = 0x22;
    r->us = now_us() - t0;
    *(volatile char *)stop = 0x22;
    hset_stop(&hs, &r->msgs, &r->eexist);
    unsigned long bad = 0;
    for (size_t i = 0; i < n; i++) bad += base[i * PS] != 0x22 || base[i * PS + 1] != 0x11;
    check(bad, s->name);
    if (r->msgs != n + 1) {
        fprintf(stderr, "uffd_ref: %s: %lu messages for %zu pages\n", s->name, r->msgs, n + 1);
        exit(1);
    }
    r->pages = n;
    free(order);
    close(fd);
    munmap(base, len);
}

// Minor round trip on a memfd: page cache populated through a second mapping,
// MINOR registered on the first, one unpinned blocking handler, random order.
static void run_minor(const struct scen *s, struct res *r) {
    size_t n = scen_pages(s), len = (n + 1) * PS;
    int mfd = memfd_create("uffd_ref", MFD_CLOEXEC);
    if (mfd < 0) die("memfd_create");
    if (ftruncate(mfd, (off_t)len) < 0) die("ftruncate");
    char *a = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
    char *b = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
    if (a == MAP_FAILED || b == MAP_FAILED) die("mmap memfd");
    memset(b, 0xA5, len);
    int fd = uffd_open(0, UFFD_FEATURE_MINOR_SHMEM);
    uffd_register(fd, a, len, UFFDIO_REGISTER_MODE_MINOR);
    uintptr_t stop = (uintptr_t)a + n * PS;
    struct hset hs;
    hset_start(&hs, 1, 0, 1, fd, R_CONTINUE, 0, a, len, NULL, stop);
    size_t *order = shuffled(n, 0x94D049BB133111EBULL);
    unsigned long bad = 0;
    double t0 = now_us();
    for (size_t i = 0; i < n; i++)
        bad += *(volatile uint64_t *)(a + order[i] * PS) != PATTERN;
    r->us = now_us() - t0;
    (void)*(volatile char *)stop;
    hset_stop(&hs, &r->msgs, &r->eexist);
    check(bad, s->name);
    r->pages = n;
    free(order);
    close(fd);
    munmap(a, len);
    munmap(b, len);
    close(mfd);
}

#define MIB(x) ((size_t)(x) * 256)  /* pages in x MiB (4 KiB pages) */

static const struct scen SCENS[] = {
    {"anon-write", run_anon_write, MIB(256), MIB(16), 0, 0, "anonymous write faults, no uffd"},
    {"rt-blocking", run_rt_missing, 8192, 512, 0, 0, "random MISSING round trip, 1 unpinned blocking handler"},
    {"rt-pinned-percpu", run_rt_missing, 8192, 512, 1, 0, "random MISSING round trip, poll handler pinned per CPU"},
    {"seq-readahead-0", run_seq, MIB(256), MIB(16), 0, 0, "sequential scan, COPY 1 page/fault"},
    {"seq-readahead-16", run_seq, MIB(256), MIB(16), 16, 0, "sequential scan, COPY 17 pages/fault"},
    {"seq-readahead-64", run_seq, MIB(256), MIB(16), 64, 0, "sequential scan, COPY 65 pages/fault"},
    {"seq-readahead-256", run_seq, MIB(256), MIB(16), 256, 0, "sequential scan, COPY 257 pages/fault"},
    {"threads-2-1", run_threads, 8192, 512, 2, 1, "2 faulting threads, 1 unpinned blocking handler"},
    {"threads-2-2", run_threads, 16384, 512, 2, 2, "2 faulting threads, 2 handlers pinned per CPU"},
    {"threads-4-1", run_threads, 8192, 512, 4, 1, "4 faulting threads, 1 unpinned blocking handler"},
    {"threads-4-2", run_threads, 16384, 512, 4, 2, "4 faulting threads, 2 handlers pinned per CPU"},
    {"wp-rt", run_wp, 8192, 512, 0, 0, "write-protect round trip, 1 unpinned blocking handler"},
    {"minor-rt", run_minor, 8192, 512, 0, 0, "MINOR (shmem) round trip, 1 unpinned blocking handler"},
};
#define NSCENS (sizeof SCENS / sizeof SCENS[0])

static int cmp_d(const void *x, const void *y) {
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

static double median(double *v, int n) {
    qsort(v, n, sizeof *v, cmp_d);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void run_scen(const struct scen *s) {
    struct res r;
    double usp[g_runs], usm[g_runs];
    unsigned long msgs = 0, eexist = 0;
    size_t pages = 0;
    alarm(WATCHDOG_SECONDS);
    memset(&r, 0, sizeof r);
    s->fn(s, &r);  // warm-up
    for (int i = 0; i < g_runs; i++) {
        alarm(WATCHDOG_SECONDS);
        memset(&r, 0, sizeof r);
        s->fn(s, &r);
        usp[i] = r.us / r.pages;
        usm[i] = r.msgs ? r.us / r.msgs : 0;
        msgs += r.msgs;
        eexist += r.eexist;
        pages = r.pages;
    }
    alarm(0);
    double med = median(usp, g_runs);
    printf("scenario=%s us_per_page=%.3f min=%.3f max=%.3f runs=%d pages=%zu",
           s->name, med, usp[0], usp[g_runs - 1], g_runs, pages);
    if (s->fn != run_anon_write) {
        printf(" msgs_per_run=%lu", msgs / g_runs);
        if (s->fn == run_seq) printf(" us_per_msg=%.3f", median(usm, g_runs));
        if (s->fn == run_threads) printf(" faults_per_s=%.0f", 1e6 / med);
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
    PS = (size_t)sysconf(_SC_PAGESIZE);
    if (PS != 4096) fprintf(stderr, "uffd_ref: note: page size %zu\n", PS);
    int sel[NSCENS] = {0}, any = 0, runs_set = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--smoke")) g_smoke = 1;
        else if (!strcmp(argv[i], "-r") && i + 1 < argc) {
            g_runs = atoi(argv[++i]);
            runs_set = 1;
            if (g_runs < 1 || g_runs > 1000) { usage(stderr); return 1; }
        } else if (!strcmp(argv[i], "-s") && i + 1 < argc) {
            char *list = strdup(argv[++i]), *save = NULL;
            for (char *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
                size_t k;
                for (k = 0; k < NSCENS && strcmp(SCENS[k].name, t); k++) {}
                if (k == NSCENS) { fprintf(stderr, "uffd_ref: unknown scenario '%s' (-l lists them)\n", t); return 1; }
                sel[k] = any = 1;
            }
            free(list);
        } else if (!strcmp(argv[i], "-l")) {
            for (size_t k = 0; k < NSCENS; k++) printf("%-18s %s\n", SCENS[k].name, SCENS[k].what);
            return 0;
        } else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            usage(stdout);
            return 0;
        } else { usage(stderr); return 1; }
    }
    if (g_smoke && !runs_set) g_runs = 1;

    struct sigaction sa = {.sa_handler = on_alarm};
    sigaction(SIGALRM, &sa, NULL);

    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) < 0) die("sched_getaffinity");
    for (int c = 0; c < CPU_SETSIZE && g_ncpus < MAX_HANDLERS; c++)
        if (CPU_ISSET(c, &set)) g_cpus[g_ncpus++] = c;

    struct utsname u;
    uname(&u);
    char load[64];
    printf("# uffd_ref kernel=%s cpus=%d runs=%d smoke=%d loadavg=\"%s\"\n",
           u.release, g_ncpus, g_runs, g_smoke, loadavg(load, sizeof load));
    fflush(stdout);
    for (size_t k = 0; k < NSCENS; k++)
        if (!any || sel[k]) run_scen(&SCENS[k]);
    printf("# end loadavg=\"%s\"\n", loadavg(load, sizeof load));
    return 0;
}
