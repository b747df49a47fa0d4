// The scenarios of the C reference userfaultfd benchmark, split into prepare (untimed), execute (timed: the faults
// only) and finish (untimed: stop, check, release). Exported through uffd_ref.h as libuffdref.so; the uffd_ref CLI
// drives the same code.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <linux/fs.h>
#include <linux/userfaultfd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "uffd_ref_internal.h"

// MADV_POPULATE_READ (Linux 5.14), asynchronous write protection (Linux 6.7) and PAGEMAP_SCAN, for headers that predate them (Debian 12 ships 6.1
// uapi headers). The values are the kernel's ABI (<linux/userfaultfd.h>, <linux/fs.h>); the runtime's C# binding of
// the same ABI is checked against a header that has it (tests/Uffd.Runtime.Tests/Abi).
#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22 /* Linux 5.14 */
#endif
#ifndef UFFD_FEATURE_WP_UNPOPULATED
#define UFFD_FEATURE_WP_UNPOPULATED (1 << 13)
#endif
#ifndef UFFD_FEATURE_WP_ASYNC
#define UFFD_FEATURE_WP_ASYNC (1 << 15)
#endif
#ifndef PAGEMAP_SCAN
struct page_region {
    __u64 start, end, categories;
};
struct pm_scan_arg {
    __u64 size, flags, start, end, walk_end, vec, vec_len, max_pages, category_inverted, category_mask,
        category_anyof_mask, return_mask;
};
#define PAGE_IS_WRITTEN (1 << 1)
#define PM_SCAN_WP_MATCHING (1 << 0)
#define PM_SCAN_CHECK_WPASYNC (1 << 1)
#define PAGEMAP_SCAN _IOWR('f', 16, struct pm_scan_arg)
#endif
_Static_assert(sizeof(struct pm_scan_arg) == 96 && sizeof(struct page_region) == 24, "PAGEMAP_SCAN ABI");
_Static_assert(PAGEMAP_SCAN == 0xC0606610, "PAGEMAP_SCAN request number");

#define PATTERN 0xA5A5A5A5A5A5A5A5ULL  /* every byte of a COPY/CONTINUE source page is 0xA5 */
#define SRC_BYTE 0xA5
#define WP_OLD 0x11  /* WP pages before the run */
#define WP_NEW 0x22  /* the byte each WP fault writes */
#define MAX_FAULTERS 8

// What execute times, and what prepare does first.
enum timed {
    T_FAULT,          /* each page touched once: one fault per page (per read-ahead batch); anon-write: no uffd */
    T_POPULATE,       /* the same, each page first made present by MADV_POPULATE_READ: the fault raised in the kernel */
    T_TOUCH_PRESENT,  /* prepare faults every page in; execute reads each again, UFFD_REF_TOUCH_PASSES times */
    T_UNPROTECT,      /* WP: the writer unprotects each page (UFFDIO_WRITEPROTECT), then writes it: no fault */
    T_WRITE_COLLECT,  /* WP_ASYNC: each page written (the kernel unprotects it), then one PAGEMAP_SCAN collect */
    T_COLLECT,        /* WP_ASYNC: prepare writes every page; execute is the collect alone */
    T_COLLECT_CLEAN,  /* WP_ASYNC: nothing written; execute is UFFD_REF_COLLECT_CALLS collects (a call's own cost) */
};

struct scen {
    const char *name, *what;
    size_t pages, smoke_pages;
    enum resolve kind;  /* R_NONE: anon-write, no uffd */
    enum timed timed;
    uint64_t seed;      /* fixed pseudo-random access order; 0 = sequential */
    size_t ra;          /* COPY read-ahead: extra pages per fault */
    int faulters;       /* faulting threads; 0 = the thread calling execute */
    int blocking;       /* one unpinned blocking handler, stopped through a page after the data */
    int handlers;       /* else poll handlers pinned to the allowed CPUs in turn; 0 = one per allowed CPU */
    int same_cpu;       /* execute pins the calling thread to the first handler's CPU (restored after) */
};

#define MIB(x) ((size_t)(x) * 256) /* pages in x MiB (4 KiB pages) */
#define SEED_RT 0x9E3779B97F4A7C15ULL
#define SEED_THREADS 0x2545F4914F6CDD1DULL
#define SEED_WP 0x51ED270B27A5C0F3ULL
#define SEED_MINOR 0x94D049BB133111EBULL
#define RT .pages = 8192, .smoke_pages = 512
#define BIG .pages = MIB(256), .smoke_pages = MIB(16)

static const struct scen SCENS[] = {
    {"anon-write", "anonymous write faults, no uffd", BIG, .kind = R_NONE},
    {"rt-blocking", "random MISSING round trip, 1 unpinned blocking handler", RT, .kind = R_COPY,
     .seed = SEED_RT, .blocking = 1},
    {"rt-pinned-percpu", "random MISSING round trip, poll handler pinned per CPU", RT, .kind = R_COPY,
     .seed = SEED_RT},
    {"rt-pinned-1", "random MISSING round trip, 1 poll handler pinned to the first CPU", RT, .kind = R_COPY,
     .seed = SEED_RT, .handlers = 1},
    {"rt-pinned-samecpu", "random MISSING round trip, 1 poll handler and the faulting thread pinned to the same CPU",
     RT, .kind = R_COPY, .seed = SEED_RT, .handlers = 1, .same_cpu = 1},
    {"seq-readahead-0", "sequential scan, COPY 1 page/fault", BIG, .kind = R_COPY},
    {"seq-readahead-16", "sequential scan, COPY 17 pages/fault", BIG, .kind = R_COPY, .ra = 16},
    {"seq-readahead-64", "sequential scan, COPY 65 pages/fault", BIG, .kind = R_COPY, .ra = 64},
    {"seq-readahead-256", "sequential scan, COPY 257 pages/fault", BIG, .kind = R_COPY, .ra = 256},
    {"threads-2-1", "2 faulting threads, 1 unpinned blocking handler", RT, .kind = R_COPY,
     .seed = SEED_THREADS, .faulters = 2, .blocking = 1},
    {"threads-2-2", "2 faulting threads, 2 handlers pinned per CPU", .pages = 16384, .smoke_pages = 512,
     .kind = R_COPY, .seed = SEED_THREADS, .faulters = 2, .handlers = 2},
    {"threads-4-1", "4 faulting threads, 1 unpinned blocking handler", RT, .kind = R_COPY,
     .seed = SEED_THREADS, .faulters = 4, .blocking = 1},
    {"threads-4-2", "4 faulting threads, 2 handlers pinned per CPU", .pages = 16384, .smoke_pages = 512,
     .kind = R_COPY, .seed = SEED_THREADS, .faulters = 4, .handlers = 2},
    {"wp-rt", "write-protect round trip, 1 unpinned blocking handler", RT, .kind = R_WP, .seed = SEED_WP,
     .blocking = 1},
    {"wp-rt-percpu", "write-protect round trip, poll handler pinned per CPU", RT, .kind = R_WP,
     .seed = SEED_WP},
    {"minor-rt", "MINOR (shmem) round trip, 1 unpinned blocking handler", RT, .kind = R_CONTINUE,
     .seed = SEED_MINOR, .blocking = 1},
    {"minor-rt-percpu", "MINOR (shmem) round trip, poll handler pinned per CPU", RT, .kind = R_CONTINUE,
     .seed = SEED_MINOR},
    {"rt-populate-percpu", "random MISSING round trip raised by MADV_POPULATE_READ, poll handler pinned per CPU", RT,
     .kind = R_COPY, .seed = SEED_RT, .timed = T_POPULATE},
    {"seq-populate-0", "sequential MADV_POPULATE_READ of every page, COPY 1 page/fault", RT, .kind = R_COPY,
     .timed = T_POPULATE},
    {"seq-populate-16", "sequential MADV_POPULATE_READ of every page, COPY 17 pages/fault", RT, .kind = R_COPY,
     .ra = 16, .timed = T_POPULATE},
    {"touch-present", "random second touch of pages present (faulted in by prepare), handlers pinned per CPU", RT,
     .kind = R_COPY, .seed = SEED_RT, .timed = T_TOUCH_PRESENT},
    {"touch-present-seq", "sequential second touch of pages present (faulted in by prepare)", RT, .kind = R_COPY,
     .timed = T_TOUCH_PRESENT},
    {"wp-writer-unprotects", "random writes to protected pages, the writer unprotecting each first: no fault", RT,
     .kind = R_WP, .seed = SEED_WP, .timed = T_UNPROTECT},
    {"wp-async", "random writes to protected pages under WP_ASYNC, then one PAGEMAP_SCAN collect", RT, .kind = R_WP,
     .seed = SEED_WP, .timed = T_WRITE_COLLECT},
    {"wp-async-collect", "PAGEMAP_SCAN collect and re-protect of pages all written in prepare (WP_ASYNC)", RT,
     .kind = R_WP, .seed = SEED_WP, .timed = T_COLLECT},
    {"wp-async-collect-clean", "PAGEMAP_SCAN collects over protected pages none of which was written (WP_ASYNC)", RT,
     .kind = R_WP, .timed = T_COLLECT_CLEAN},
};
#define NSCENS ((int)(sizeof SCENS / sizeof SCENS[0]))

struct faulter {
    uffd_ref_run *run;
    size_t *idx, n;
    unsigned long bad;
    pthread_t th;
};

struct uffd_ref_run {
    const struct scen *s;
    size_t n, ps;
    char *base;     /* the faulted mapping; with a uffd, the registered range */
    size_t map_len;
    char *alias;    /* MINOR: second shared mapping of the memfd, through which the page cache is filled */
    int uffd, memfd;
    int pagemap;    /* WP_ASYNC: /proc/self/pagemap, for PAGEMAP_SCAN */
    size_t *order;  /* access order; NULL = sequential */
    int cpus[MAX_HANDLERS], ncpus;
    int handlers_running;
    struct hset hs;
    /* threads-*: faulting threads parked on a gate (go: 0 wait, 1 run, -1 leave without faulting) */
    int nf, nf_running, gate_ready, parked, go;
    pthread_mutex_t gate_mu;
    pthread_cond_t gate_cv;
    struct faulter f[MAX_FAULTERS];
    int executed;
    size_t faulted;
    long collected; /* WP_ASYNC: pages the timed collect reported written */
    unsigned long bad, msgs, eexist;
};

static int wp_async(const struct scen *s) { return s->timed >= T_WRITE_COLLECT; }

// ---------------------------------------------------------------- the timed loops

static unsigned long fault_read(char *base, const size_t *order, size_t n, size_t ps) {
    unsigned long bad = 0;
    for (size_t i = 0; i < n; i++) bad += *(volatile uint64_t *)(base + order[i] * ps) != PATTERN;
    return bad;
}

static unsigned long fault_read_seq(char *base, size_t n, size_t ps) {
    unsigned long bad = 0;
    for (size_t i = 0; i < n; i++) bad += *(volatile uint64_t *)(base + i * ps) != PATTERN;
    return bad;
}

static void fault_write(char *base, const size_t *order, size_t n, size_t ps) {
    for (size_t i = 0; i < n; i++) *(volatile char *)(base + order[i] * ps) = WP_NEW;
}

// Each page made present with madvise(MADV_POPULATE_READ), then loaded: what a generated region's span accessor does
// for a page its page table does not know as present (this loop has no table, so it asks for every page, present or
// not). The fault is raised inside the kernel and the thread waits for the handler there. 0, or -1 with the error set.
static int populate_read(uffd_ref_run *r) {
    for (size_t i = 0; i < r->n; i++) {
        char *page = r->base + (r->order ? r->order[i] : i) * r->ps;
        while (madvise(page, r->ps, MADV_POPULATE_READ) < 0) {
            if (errno != EINTR && errno != EAGAIN) return err_errno(r->s->name, "madvise(MADV_POPULATE_READ)"), -1;
        }
        r->bad += *(volatile uint64_t *)page != PATTERN;
    }
    return 0;
}

// The second touch of present pages: no fault, just the loads (and their TLB and cache misses).
static unsigned long touch_present(char *base, const size_t *order, size_t n, size_t ps) {
    unsigned long bad = 0;
    for (int pass = 0; pass < UFFD_REF_TOUCH_PASSES; pass++)
        bad += order ? fault_read(base, order, n, ps) : fault_read_seq(base, n, ps);
    return bad;
}

// The writer unprotects each page itself before writing it (what a generated region's LeaseSpan does with
// synchronous write protection): one ioctl per page, no fault, no handler. 0, or -1 with the error set.
static int unprotect_and_write(uffd_ref_run *r) {
    for (size_t i = 0; i < r->n; i++) {
        char *page = r->base + r->order[i] * r->ps;
        struct uffdio_writeprotect w = {.range = {.start = (uintptr_t)page, .len = r->ps}, .mode = 0};
        while (ioctl(r->uffd, UFFDIO_WRITEPROTECT, &w) < 0) {
            if (errno != EAGAIN && errno != EINTR) return err_errno(r->s->name, "UFFDIO_WRITEPROTECT(unprotect)"), -1;
        }
        *(volatile char *)page = WP_NEW;
    }
    return 0;
}

// Vector length of one PAGEMAP_SCAN, as the runtime's CollectWrittenPages uses.
#define SCAN_VEC 64

// One PAGEMAP_SCAN walk over the data pages: with `collect`, reports the written pages and write-protects them in
// the same walk (PM_SCAN_WP_MATCHING), failing on memory not registered for WP_ASYNC (PM_SCAN_CHECK_WPASYNC), as the
// runtime's CollectWrittenPages does; without, it only counts them. Returns the pages, or -1 with the error set.
static long scan_written(uffd_ref_run *r, int collect) {
    struct page_region vec[SCAN_VEC];
    uintptr_t start = (uintptr_t)r->base, end = start + r->n * r->ps;
    long pages = 0;
    while (start < end) {
        struct pm_scan_arg a = {.size = sizeof a,
                                .flags = PM_SCAN_CHECK_WPASYNC | (collect ? PM_SCAN_WP_MATCHING : 0),
                                .start = start,
                                .end = end,
                                .vec = (uintptr_t)vec,
                                .vec_len = SCAN_VEC,
                                .category_mask = PAGE_IS_WRITTEN,
                                .return_mask = PAGE_IS_WRITTEN};
        int got = ioctl(r->pagemap, PAGEMAP_SCAN, &a);
        if (got < 0) {
            if (errno == EINTR) continue;
            return err_errno(r->s->name, "PAGEMAP_SCAN"), -1;
        }
        for (int i = 0; i < got; i++) pages += (long)((vec[i].end - vec[i].start) / r->ps);
        if (got < SCAN_VEC || a.walk_end <= start) break;  // the walk ended, rather than the vector filling up
        start = a.walk_end;
    }
    return pages;
}

// WP faults write (their contents are checked in finish), the others read and compare.
static unsigned long fault_pages(uffd_ref_run *r, const size_t *order, size_t n) {
    if (r->s->kind == R_WP) {
        fault_write(r->base, order, n, r->ps);
        return 0;
    }
    return order ? fault_read(r->base, order, n, r->ps) : fault_read_seq(r->base, n, r->ps);
}

static void *faulter_main(void *arg) {
    struct faulter *f = arg;
    uffd_ref_run *r = f->run;
    pthread_mutex_lock(&r->gate_mu);
    r->parked++;
    pthread_cond_broadcast(&r->gate_cv);
    while (!r->go) pthread_cond_wait(&r->gate_cv, &r->gate_mu);
    int go = r->go;
    pthread_mutex_unlock(&r->gate_mu);
    if (go > 0) f->bad = fault_pages(r, f->idx, f->n);
    return NULL;
}

static void open_gate(uffd_ref_run *r, int go) {
    pthread_mutex_lock(&r->gate_mu);
    r->go = go;
    pthread_cond_broadcast(&r->gate_cv);
    pthread_mutex_unlock(&r->gate_mu);
}

// ---------------------------------------------------------------- set-up

static size_t *shuffled(size_t n, uint64_t seed) {
    size_t *a = malloc(n * sizeof *a);
    if (!a) return NULL;
    for (size_t i = 0; i < n; i++) a[i] = i;
    uint64_t x = seed | 1;  // xorshift64
    for (size_t i = n - 1; i > 0; i--) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        size_t j = x % (i + 1), t = a[i];
        a[i] = a[j];
        a[j] = t;
    }
    return a;
}

static int map_memory(uffd_ref_run *r) {
    const struct scen *s = r->s;
    if (s->kind != R_CONTINUE) {
        if (!(r->base = map_anon(s->name, r->map_len))) return -1;
        if (s->kind == R_WP) memset(r->base, WP_OLD, r->map_len);  // populate: WP faults need present pages
        return 0;
    }
    r->memfd = memfd_create("uffd_ref", MFD_CLOEXEC);
    if (r->memfd < 0) return err_errno(s->name, "memfd_create"), -1;
    if (ftruncate(r->memfd, (off_t)r->map_len) < 0) return err_errno(s->name, "ftruncate(memfd)"), -1;
    void *a = mmap(NULL, r->map_len, PROT_READ | PROT_WRITE, MAP_SHARED, r->memfd, 0);
    if (a == MAP_FAILED) return err_errno(s->name, "mmap(memfd)"), -1;
    r->base = a;
    void *b = mmap(NULL, r->map_len, PROT_READ | PROT_WRITE, MAP_SHARED, r->memfd, 0);
    if (b == MAP_FAILED) return err_errno(s->name, "mmap(memfd alias)"), -1;
    r->alias = b;
    memset(r->alias, SRC_BYTE, r->map_len);  // the page cache MINOR faults find
    return 0;
}

static int open_uffd(uffd_ref_run *r) {
    const struct scen *s = r->s;
    static const uint64_t modes[] = {[R_COPY] = UFFDIO_REGISTER_MODE_MISSING, [R_WP] = UFFDIO_REGISTER_MODE_WP,
                                     [R_CONTINUE] = UFFDIO_REGISTER_MODE_MINOR};
    uint64_t features = s->kind == R_CONTINUE ? UFFD_FEATURE_MINOR_SHMEM : wp_async(s) ? UFFD_FEATURE_WP_ASYNC : 0;
    r->uffd = uffd_open(s->name, !s->blocking, features);
    if (r->uffd < 0) return -1;
    if (uffd_register(s->name, r->uffd, r->base, r->map_len, modes[s->kind]) < 0) return -1;
    if (s->kind == R_WP) {
        struct uffdio_writeprotect wp = {.range = {.start = (uintptr_t)r->base, .len = r->map_len},
                                         .mode = UFFDIO_WRITEPROTECT_MODE_WP};
        if (ioctl(r->uffd, UFFDIO_WRITEPROTECT, &wp) < 0) return err_errno(s->name, "UFFDIO_WRITEPROTECT(protect)"), -1;
    }
    return 0;
}

static int start_handlers(uffd_ref_run *r) {
    const struct scen *s = r->s;
    struct hset *hs = &r->hs;
    *hs = (struct hset){.scen = s->name, .uffd = r->uffd, .kind = s->kind, .ra = s->ra, .base = r->base,
                        .reg_len = r->map_len, .data_end = (uintptr_t)r->base + r->n * r->ps, .fill = SRC_BYTE,
                        .stopfd = -1};
    int rc;
    if (s->blocking) {
        rc = hset_start(hs, 1, 1, NULL, 0, (uintptr_t)r->base + r->n * r->ps);
    } else {
        if ((r->ncpus = allowed_cpus(s->name, r->cpus)) < 0) return -1;
        rc = hset_start(hs, s->handlers ? s->handlers : r->ncpus, 0, r->cpus, r->ncpus, 0);
    }
    if (rc == 0) r->handlers_running = 1;
    return rc;
}

// Faulting thread i takes every nf-th entry of the permutation: disjoint random page sets.
static int start_faulters(uffd_ref_run *r) {
    const struct scen *s = r->s;
    size_t per = r->n / (size_t)r->nf;
    pthread_mutex_init(&r->gate_mu, NULL);
    pthread_cond_init(&r->gate_cv, NULL);
    r->gate_ready = 1;
    for (int i = 0; i < r->nf; i++) {
        struct faulter *f = &r->f[i];
        *f = (struct faulter){.run = r, .n = per, .idx = malloc(per * sizeof(size_t))};
        if (!f->idx) return err_set("%s: out of memory", s->name), -1;
        for (size_t k = 0; k < per; k++) f->idx[k] = r->order[k * r->nf + i];
    }
    for (int i = 0; i < r->nf; i++) {
        int rc = pthread_create(&r->f[i].th, NULL, faulter_main, &r->f[i]);
        if (rc) return errno = rc, err_errno(s->name, "pthread_create (faulting thread)"), -1;
        r->nf_running = i + 1;
    }
    pthread_mutex_lock(&r->gate_mu);  // parked: execute times the faults, not thread start-up
    while (r->parked < r->nf) pthread_cond_wait(&r->gate_cv, &r->gate_mu);
    pthread_mutex_unlock(&r->gate_mu);
    return 0;
}

// Every data page is mapped (mincore), so the timed second touch cannot fault.
static int check_resident(uffd_ref_run *r) {
    unsigned char *vec = malloc(r->n);
    if (!vec) return err_set("%s: out of memory", r->s->name), -1;
    int rc = mincore(r->base, r->n * r->ps, vec);
    size_t absent = 0;
    for (size_t i = 0; rc == 0 && i < r->n; i++) absent += !(vec[i] & 1);
    free(vec);
    if (rc < 0) return err_errno(r->s->name, "mincore"), -1;
    if (absent) return err_set("%s: %zu pages not present after the first touch", r->s->name, absent), -1;
    return 0;
}

static int setup(uffd_ref_run *r) {
    const struct scen *s = r->s;
    r->map_len = (r->n + (size_t)s->blocking) * r->ps;
    if (map_memory(r) < 0) return -1;
    if (s->kind == R_NONE) return 0;
    if (open_uffd(r) < 0) return -1;
    if (s->seed && !(r->order = shuffled(r->n, s->seed))) return err_set("%s: out of memory", s->name), -1;
    if (start_handlers(r) < 0) return -1;
    if (s->timed == T_TOUCH_PRESENT) {
        // The first touch, untimed: every page faulted in through the handlers, so execute times the second.
        if (fault_read_seq(r->base, r->n, r->ps)) return err_set("%s: a page read back wrong in prepare", s->name), -1;
        if (check_resident(r) < 0) return -1;
    }
    if (wp_async(s)) {
        r->pagemap = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
        if (r->pagemap < 0) return err_errno(s->name, "open(/proc/self/pagemap)"), -1;
        if (s->timed == T_COLLECT) fault_write(r->base, r->order, r->n, r->ps);  // the kernel unprotects each page
    }
    return r->nf ? start_faulters(r) : 0;
}

// ---------------------------------------------------------------- tear-down

static void stop_faulters(uffd_ref_run *r) {
    if (r->nf_running) {
        open_gate(r, -1);  // only reached without execute: leave without faulting
        for (int i = 0; i < r->nf_running; i++) pthread_join(r->f[i].th, NULL);
        r->nf_running = 0;
    }
}

// 0, or -1 with the error set when a handler failed.
static int stop_handlers(uffd_ref_run *r) {
    if (!r->handlers_running) return 0;
    r->handlers_running = 0;
    if (r->s->blocking && !atomic_load(&r->hs.h[0].exited)) {
        // The blocking handler leaves after resolving this page. (One that failed has left and unregistered.)
        char *stop = r->base + r->n * r->ps;
        if (r->s->kind == R_WP) *(volatile char *)stop = WP_NEW;
        else (void)*(volatile char *)stop;
    }
    char why[256];
    if (hset_stop(&r->hs, &r->msgs, &r->eexist, why, sizeof why)) {
        err_set("%s", why);
        return -1;
    }
    return 0;
}

static void release(uffd_ref_run *r) {
    stop_faulters(r);
    (void)stop_handlers(r);
    if (r->gate_ready) {
        pthread_mutex_destroy(&r->gate_mu);
        pthread_cond_destroy(&r->gate_cv);
    }
    for (int i = 0; i < r->nf; i++) free(r->f[i].idx);
    free(r->order);
    if (r->pagemap >= 0) close(r->pagemap);
    if (r->uffd >= 0) close(r->uffd);
    if (r->base) munmap(r->base, r->map_len);
    if (r->alias) munmap(r->alias, r->map_len);
    if (r->memfd >= 0) close(r->memfd);
    free(r);
}

// Whole-page check of every faulted page: byte 0 is what the run wrote (WP, anon-write) or the source byte, the
// rest is untouched contents.
static int check_pages(uffd_ref_run *r) {
    const struct scen *s = r->s;
    unsigned char first = s->kind == R_NONE              ? 1
                          : s->kind != R_WP              ? SRC_BYTE
                          : s->timed == T_COLLECT_CLEAN ? WP_OLD
                                                         : WP_NEW;
    unsigned char fill = s->kind == R_NONE ? 0 : s->kind == R_WP ? WP_OLD : SRC_BYTE;
    unsigned char *ref = malloc(r->ps);
    if (!ref) return err_set("%s: out of memory", s->name), -1;
    memset(ref, fill, r->ps);
    size_t bad = 0, first_bad = 0;
    for (size_t i = 0; i < r->faulted; i++) {
        size_t page = r->order ? r->order[i] : i;
        const unsigned char *p = (const unsigned char *)r->base + page * r->ps;
        if (p[0] != first || memcmp(p + 1, ref + 1, r->ps - 1)) {
            if (!bad++) first_bad = page;
        }
    }
    free(ref);
    if (bad) {
        err_set("%s: %zu of %zu pages have wrong contents (first: page %zu)", s->name, bad, r->faulted, first_bad);
        return -1;
    }
    return 0;
}

// One message per fault (a read-ahead COPY serves 1 + ra sequential pages), plus the blocking handler's stop page.
// A fault interrupted by a signal is raised again: COPY/CONTINUE answer the repeat with EEXIST, WP (unprotecting
// twice succeeds) cannot tell it apart, so WP only needs at least one message per fault.
// The second-touch scenarios count prepare's first touch; writers that unprotect first and WP_ASYNC raise none.
static int check_msgs(uffd_ref_run *r) {
    const struct scen *s = r->s;
    if (s->kind == R_NONE) return 0;
    size_t expected = (r->faulted + s->ra) / (s->ra + 1) + (size_t)s->blocking;
    if (s->timed == T_UNPROTECT || wp_async(s)) expected = 0;
    int ok = s->kind == R_WP && expected ? r->msgs >= expected
                                         : r->msgs >= r->eexist && r->msgs - r->eexist == expected;
    if (!ok) {
        err_set("%s: %lu uffd messages (%lu answered EEXIST) for %zu expected", s->name, r->msgs, r->eexist,
                expected);
        return -1;
    }
    return 0;
}

// WP_ASYNC: the timed collect reported every written page (none for the clean scenario), and write-protected them
// again: a second walk, report-only, finds no written page.
static int check_collected(uffd_ref_run *r) {
    const struct scen *s = r->s;
    if (!wp_async(s)) return 0;
    long expected = s->timed == T_COLLECT_CLEAN ? 0 : (long)r->n;
    if (r->collected != expected)
        return err_set("%s: the collect reported %ld written pages, expected %ld", s->name, r->collected, expected), -1;
    long left = scan_written(r, 0);
    if (left < 0) return -1;
    if (left) return err_set("%s: %ld pages still written after the collect re-protected them", s->name, left), -1;
    return 0;
}

// ---------------------------------------------------------------- API

static const struct scen *find(const char *name) {
    for (int i = 0; name && i < NSCENS; i++)
        if (!strcmp(SCENS[i].name, name)) return &SCENS[i];
    return NULL;
}

uffd_ref_run *uffd_ref_prepare(const char *name, size_t pages) {
    err_clear();
    const struct scen *s = find(name);
    if (!s) {
        err_set("unknown scenario '%s'", name ? name : "(null)");
        return NULL;
    }
    size_t ps = page_size();
    if (!pages) pages = s->pages;
    size_t min = s->faulters ? (size_t)s->faulters : 1;
    if (pages < min || pages > SIZE_MAX / ps / 2) {
        err_set("%s: %zu pages: out of range (at least %zu)", s->name, pages, min);
        return NULL;
    }
    uffd_ref_run *r = calloc(1, sizeof *r);
    if (!r) {
        err_set("%s: out of memory", s->name);
        return NULL;
    }
    r->s = s;
    r->n = pages;
    r->ps = ps;
    r->nf = s->faulters;
    r->uffd = r->memfd = r->pagemap = -1;
    if (setup(r) < 0) {
        release(r);
        return NULL;
    }
    return r;
}

long uffd_ref_execute(uffd_ref_run *r) {
    err_clear();
    if (!r) return err_set("uffd_ref_execute: NULL run"), -1;
    if (r->executed) return err_set("%s: execute called twice on one run", r->s->name), -1;
    r->executed = 1;
    if (r->s->kind == R_NONE) {
        for (size_t i = 0; i < r->n; i++) r->base[i * r->ps] = 1;
        r->faulted = r->n;
        return (long)r->faulted;
    }
    long ops = (long)r->n;
    if (r->s->timed == T_TOUCH_PRESENT) {
        r->bad = touch_present(r->base, r->order, r->n, r->ps);
        r->faulted = r->n;
        ops = (long)r->n * UFFD_REF_TOUCH_PASSES;
    } else if (r->s->timed == T_POPULATE) {
        if (populate_read(r) < 0) return -1;
        r->faulted = r->n;
    } else if (r->s->timed == T_UNPROTECT) {
        if (unprotect_and_write(r) < 0) return -1;
        r->faulted = r->n;
    } else if (wp_async(r->s)) {
        if (r->s->timed == T_WRITE_COLLECT) fault_write(r->base, r->order, r->n, r->ps);
        // One collect, or, with nothing written, several: a single call is too short to time alone.
        int calls = r->s->timed == T_COLLECT_CLEAN ? UFFD_REF_COLLECT_CALLS : 1;
        for (int call = 0; call < calls; call++) {
            long found = scan_written(r, 1);
            if (found < 0) return -1;
            r->collected += found;
        }
        r->faulted = r->n;
        ops = (long)r->n * calls;
    } else if (!r->nf && r->s->same_cpu) {
        // The floor of a round trip: the handler is woken on the faulting thread's own CPU, no inter-processor wake.
        // The caller's affinity (a .NET thread's, in the library) is put back before returning.
        cpu_set_t saved, one;
        if (sched_getaffinity(0, sizeof saved, &saved) < 0) return err_errno(r->s->name, "sched_getaffinity"), -1;
        CPU_ZERO(&one);
        CPU_SET(r->cpus[0], &one);
        if (sched_setaffinity(0, sizeof one, &one) < 0) return err_errno(r->s->name, "sched_setaffinity"), -1;
        r->bad = fault_pages(r, r->order, r->n);
        r->faulted = r->n;
        if (sched_setaffinity(0, sizeof saved, &saved) < 0) return err_errno(r->s->name, "sched_setaffinity (restore)"), -1;
    } else if (!r->nf) {
        r->bad = fault_pages(r, r->order, r->n);
        r->faulted = r->n;
    } else {
        open_gate(r, 1);
        for (int i = 0; i < r->nf; i++) {
            pthread_join(r->f[i].th, NULL);
            r->bad += r->f[i].bad;
        }
        r->nf_running = 0;
        r->faulted = r->f[0].n * (size_t)r->nf;
    }
    char why[256];
    if (hset_failed(&r->hs, why, sizeof why)) return err_set("%s", why), -1;
    if (r->bad) return err_set("%s: %lu of %zu pages read back wrong", r->s->name, r->bad, r->faulted), -1;
    return ops;
}

int uffd_ref_finish_stats(uffd_ref_run *r, unsigned long *msgs, unsigned long *eexist) {
    err_clear();
    if (!r) return err_set("uffd_ref_finish: NULL run"), -1;
    stop_faulters(r);
    int rc = stop_handlers(r);
    if (rc == 0 && r->executed) rc = check_pages(r) < 0 || check_msgs(r) < 0 || check_collected(r) < 0 ? -1 : 0;
    if (msgs) *msgs = r->msgs;
    if (eexist) *eexist = r->eexist;
    release(r);
    return rc;
}

int uffd_ref_finish(uffd_ref_run *r) { return uffd_ref_finish_stats(r, NULL, NULL); }

int uffd_ref_scenario_count(void) { return NSCENS; }

const char *uffd_ref_scenario_name(int i) { return i >= 0 && i < NSCENS ? SCENS[i].name : NULL; }

const char *uffd_ref_scenario_description(int i) { return i >= 0 && i < NSCENS ? SCENS[i].what : NULL; }

size_t uffd_ref_scenario_default_pages(int i) { return i >= 0 && i < NSCENS ? SCENS[i].pages : 0; }

size_t uffd_ref_scenario_smoke_pages(int i) { return i >= 0 && i < NSCENS ? SCENS[i].smoke_pages : 0; }
