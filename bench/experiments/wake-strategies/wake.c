// Wake strategies for a process-wide userfaultfd dispatcher (issue 13), measured in C.
//
// Random single-page MISSING faults from F faulting threads (unpinned, disjoint page sets), one handler per CPU
// (pinned), answered with UFFDIO_COPY of a page the handler fills first (as bench/native does). Only the way the
// handlers wait for and pick up a fault message changes between strategies:
//
//   poll        every handler poll()s the same uffd, then one non-blocking read of up to 16 messages (the herd)
//   poll-one    the same, but each read takes one message: every woken handler can take a fault of its own
//   epoll-each  one epoll fd per handler, the uffd added to each (level-triggered, not exclusive): poll's herd, in epoll
//   epoll-each-one  the same, one message per read (the engine's way since it reads one message per read)
//   epoll-excl  one epoll fd per handler, the uffd added to each with EPOLLIN | EPOLLEXCLUSIVE
//   epoll-shared  one epoll fd (level-triggered) that every handler waits on in epoll_wait
//   spin-N      poll as above, but after serving a message the handler keeps reading (non-blocking) for N µs first
//   reader      one unpinned reader thread poll()s + reads, hands each message to the pinned worker of the CPU it
//               is running on (a ring + eventfd per worker)
//   many-each, many-excl, many-shared   the uffd split into U uffds (each over 1/U of the pages) in per-handler sets
//               (plain or EPOLLEXCLUSIVE) or in the one shared set: the dispatcher's many-regions case
//
// Per strategy: µs per fault (wall time of all faulting threads / faults), wake-ups per fault (returns from
// poll/epoll_wait/eventfd read, all handlers), empty reads per fault (a wake-up whose read found nothing: EAGAIN),
// and the share of faults served by a handler on the CPU the faulting thread was on just before its access
// (sched_getcpu() recorded per page). Spin reads that found nothing are counted apart.
//
//   gcc -O2 -pthread -Wall -Wextra -o wake wake.c && ./wake [-r rounds] [-p pages] [-s strategy,...] [-f 1,2]
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define MAXH 16
#define MAXU 128
#define FILL 0xA5

enum strat { S_POLL, S_EPOLL_EACH, S_EPOLL_EXCL, S_EPOLL_SHARED, S_SPIN, S_READER, S_MANY_EACH, S_MANY_EXCL, S_MANY_SHARED };

struct config {
    const char *name;
    enum strat s;
    int spin_us;
    int uffds;
    int per_read;  // messages per read(2); 0: 16
};

static const struct config CONFIGS[] = {
    {"poll", S_POLL, 0, 1, 0},
    {"poll-one", S_POLL, 0, 1, 1},
    {"epoll-each", S_EPOLL_EACH, 0, 1, 0},
    {"epoll-each-one", S_EPOLL_EACH, 0, 1, 1},
    {"epoll-excl", S_EPOLL_EXCL, 0, 1, 0},
    {"epoll-shared", S_EPOLL_SHARED, 0, 1, 0},
    {"spin-5", S_SPIN, 5, 1, 0},
    {"spin-50", S_SPIN, 50, 1, 0},
    {"reader", S_READER, 0, 1, 0},
    {"many-each", S_MANY_EACH, 0, 100, 0},
    {"many-excl", S_MANY_EXCL, 0, 100, 0},
    {"many-shared", S_MANY_SHARED, 0, 100, 0},
};
#define NCONFIGS ((int)(sizeof CONFIGS / sizeof CONFIGS[0]))

static void die(const char *what) {
    perror(what);
    exit(1);
}

static double now_us(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

struct stats {
    unsigned long msgs, wakes, empty, spin_empty, same_cpu, switches;
} __attribute__((aligned(64)));

// This thread's voluntary context switches: each is one sleep, so one wake-up, whether or not a wait returned.
static unsigned long voluntary_switches(void) {
    FILE *f = fopen("/proc/thread-self/status", "r");
    char line[256];
    unsigned long v = 0;
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, "voluntary_ctxt_switches:", 24)) v = strtoul(line + 24, NULL, 10);
    if (f) fclose(f);
    return v;
}

struct ring {  // reader -> one worker; single producer, single consumer
    struct uffd_msg m[1024];
    _Atomic unsigned head, tail;
    int efd;
} __attribute__((aligned(64)));

struct run {
    const struct config *c;
    int nh, nu, nf;
    size_t ps, pages;
    char *base;
    int uffd[MAXU];
    size_t upages;                 // pages per uffd
    int stopfd;                    // eventfd: leave
    int ep[MAXH];                  // per-handler epoll (excl) or ep[0] shared
    int cpus[MAXH];
    _Atomic int stop;
    signed char *fault_cpu;        // per page: the CPU the faulting thread was on just before touching it
    struct stats st[MAXH + 1];
    struct ring *rings;
    pthread_t th[MAXH + 1];
    int idx[MAXH + 1];
};

static struct run R;
static int pin_faulters;  // -P: faulting thread k pinned to the (k+1)-th allowed CPU (1 faulter: not the first handler's CPU)

static int uffd_of(char *addr) { return R.uffd[(size_t)(addr - R.base) / R.ps / R.upages]; }

static void resolve(struct uffd_msg *m, char *buf, struct stats *st, int mycpu) {
    if (m->event != UFFD_EVENT_PAGEFAULT) {
        fprintf(stderr, "unexpected event %u\n", m->event);
        exit(1);
    }
    char *page = (char *)(uintptr_t)(m->arg.pagefault.address & ~(uint64_t)(R.ps - 1));
    memset(buf, FILL, R.ps);
    int fd = uffd_of(page);
    struct uffdio_copy cp = {.dst = (uintptr_t)page, .src = (uintptr_t)buf, .len = R.ps};
    if (ioctl(fd, UFFDIO_COPY, &cp) < 0) {
        if (errno != EEXIST) die("UFFDIO_COPY");
        struct uffdio_range wr = {.start = (uintptr_t)page, .len = R.ps};
        if (ioctl(fd, UFFDIO_WAKE, &wr) < 0) die("UFFDIO_WAKE");
    }
    st->msgs++;
    size_t p = (size_t)(page - R.base) / R.ps;
    if (R.fault_cpu[p] == mycpu) st->same_cpu++;
}

// One non-blocking read on fd; serves what it got. Returns messages read (0: EAGAIN).
static int read_serve(int fd, char *buf, struct stats *st, int mycpu) {
    struct uffd_msg m[16];
    ssize_t n = read(fd, m, R.c->per_read > 0 ? R.c->per_read * sizeof m[0] : sizeof m);
    if (n < 0) {
        if (errno == EAGAIN) return 0;
        die("read uffd");
    }
    int k = (int)(n / (ssize_t)sizeof m[0]);
    for (int i = 0; i < k; i++) resolve(&m[i], buf, st, mycpu);
    return k;
}

static void pin(int cpu) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    if (pthread_setaffinity_np(pthread_self(), sizeof set, &set)) die("pthread_setaffinity_np");
}

static void *handler(void *arg) {
    int i = *(int *)arg;
    pin(R.cpus[i]);
    int mycpu = R.cpus[i];
    struct stats *st = &R.st[i];
    char *buf = aligned_alloc(R.ps, R.ps);
    enum strat s = R.c->s;
    unsigned long sw0 = voluntary_switches();
    for (;;) {
        if (s == S_POLL || s == S_SPIN) {
            struct pollfd pf[2] = {{.fd = R.uffd[0], .events = POLLIN}, {.fd = R.stopfd, .events = POLLIN}};
            if (poll(pf, 2, -1) < 0) {
                if (errno == EINTR) continue;
                die("poll");
            }
            if (pf[1].revents) break;
            st->wakes++;
            if (!read_serve(R.uffd[0], buf, st, mycpu)) {
                st->empty++;
                continue;
            }
            if (s == S_SPIN) {
                double until = now_us() + R.c->spin_us;
                while (!atomic_load_explicit(&R.stop, memory_order_relaxed)) {
                    if (read_serve(R.uffd[0], buf, st, mycpu)) {
                        until = now_us() + R.c->spin_us;
                    } else {
                        st->spin_empty++;
                        if (now_us() > until) break;
                    }
                }
            }
        } else if (s == S_READER) {
            // worker: wait for the reader's eventfd, drain the ring
            struct ring *rg = &R.rings[i];
            uint64_t v;
            if (read(rg->efd, &v, sizeof v) != sizeof v) die("read eventfd");
            st->wakes++;
            unsigned t = atomic_load_explicit(&rg->tail, memory_order_relaxed);
            unsigned h = atomic_load_explicit(&rg->head, memory_order_acquire);
            if (t == h) {
                if (atomic_load(&R.stop)) break;
                st->empty++;
                continue;
            }
            for (; t != h; t++) resolve(&rg->m[t % 1024], buf, st, mycpu);
            atomic_store_explicit(&rg->tail, t, memory_order_release);
        } else {
            // epoll: per-handler exclusive sets or the one shared set; the events carry the uffd's index
            int ep = (s == S_EPOLL_SHARED || s == S_MANY_SHARED) ? R.ep[0] : R.ep[i];
            struct epoll_event ev[8];
            int n = epoll_wait(ep, ev, 8, -1);
            if (n < 0) {
                if (errno == EINTR) continue;
                die("epoll_wait");
            }
            st->wakes++;
            int stop = 0, got = 0;
            for (int k = 0; k < n; k++) {
                if (ev[k].data.u32 == UINT32_MAX) {
                    stop = 1;
                    continue;
                }
                got += read_serve(R.uffd[ev[k].data.u32], buf, st, mycpu);
            }
            if (stop) break;
            if (!got) st->empty++;
        }
    }
    st->switches = voluntary_switches() - sw0 - 1;  // minus the stop wake-up
    free(buf);
    return NULL;
}

// strategy "reader": one unpinned thread waits on the uffd and hands messages to the worker on its own CPU
static void *reader(void *arg) {
    (void)arg;
    struct stats *st = &R.st[R.nh];
    unsigned long sw0 = voluntary_switches();
    for (;;) {
        struct pollfd pf[2] = {{.fd = R.uffd[0], .events = POLLIN}, {.fd = R.stopfd, .events = POLLIN}};
        if (poll(pf, 2, -1) < 0) {
            if (errno == EINTR) continue;
            die("poll");
        }
        if (pf[1].revents) break;
        st->wakes++;
        struct uffd_msg m[16];
        ssize_t n = read(R.uffd[0], m, sizeof m);
        if (n < 0) {
            if (errno == EAGAIN) {
                st->empty++;
                continue;
            }
            die("read uffd");
        }
        int cpu = sched_getcpu(), w = 0;
        for (int k = 0; k < R.nh; k++)
            if (R.cpus[k] == cpu) w = k;
        struct ring *rg = &R.rings[w];
        unsigned h = atomic_load_explicit(&rg->head, memory_order_relaxed);
        for (int k = 0; k < (int)(n / (ssize_t)sizeof m[0]); k++) rg->m[h++ % 1024] = m[k];
        atomic_store_explicit(&rg->head, h, memory_order_release);
        uint64_t one = 1;
        if (write(rg->efd, &one, sizeof one) != sizeof one) die("write eventfd");
    }
    st->switches = voluntary_switches() - sw0 - 1;
    return NULL;
}

struct faulter {
    size_t *pages, n;
    pthread_barrier_t *bar;
    int k;
    unsigned long bad;
    double t0, t1;
};

static void *faulter_main(void *arg) {
    struct faulter *f = arg;
    if (pin_faulters) pin(R.cpus[(f->k + 1) % R.nh]);
    pthread_barrier_wait(f->bar);
    f->t0 = now_us();
    unsigned long bad = 0;
    for (size_t k = 0; k < f->n; k++) {
        size_t p = f->pages[k];
        R.fault_cpu[p] = (signed char)sched_getcpu();
        bad += *(volatile unsigned char *)(R.base + p * R.ps) != FILL;
    }
    f->t1 = now_us();
    f->bad = bad;
    return NULL;
}

static int open_uffd(void) {
    int fd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) die("userfaultfd");
    struct uffdio_api api = {.api = UFFD_API};
    if (ioctl(fd, UFFDIO_API, &api) < 0) die("UFFDIO_API");
    return fd;
}

static void epoll_add(int ep, int fd, uint32_t events, uint32_t data) {
    struct epoll_event ev = {.events = events, .data.u32 = data};
    if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0) die("epoll_ctl");
}

struct result {
    double us;
    double wakes, empty, spin_empty, same, switches, futile;
};

static struct result run_once(const struct config *c, int nf, size_t pages, const size_t *perm) {
    memset(&R, 0, sizeof R);
    R.c = c;
    R.nf = nf;
    R.ps = (size_t)sysconf(_SC_PAGESIZE);
    R.pages = pages;
    cpu_set_t set;
    sched_getaffinity(0, sizeof set, &set);
    for (int cpu = 0; cpu < CPU_SETSIZE && R.nh < MAXH; cpu++)
        if (CPU_ISSET(cpu, &set)) R.cpus[R.nh++] = cpu;
    R.nu = c->uffds;
    R.upages = (pages + R.nu - 1) / R.nu;
    R.nu = (int)((pages + R.upages - 1) / R.upages);
    R.base = mmap(NULL, pages * R.ps, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (R.base == MAP_FAILED) die("mmap");
    R.fault_cpu = calloc(pages, 1);
    for (int u = 0; u < R.nu; u++) {
        R.uffd[u] = open_uffd();
        size_t first = (size_t)u * R.upages, n = first + R.upages > pages ? pages - first : R.upages;
        struct uffdio_register reg = {.range = {.start = (uintptr_t)(R.base + first * R.ps), .len = n * R.ps},
                                      .mode = UFFDIO_REGISTER_MODE_MISSING};
        if (ioctl(R.uffd[u], UFFDIO_REGISTER, &reg) < 0) die("UFFDIO_REGISTER");
    }
    R.stopfd = eventfd(0, EFD_CLOEXEC);
    enum strat s = c->s;
    if (s == S_EPOLL_EXCL || s == S_MANY_EXCL || s == S_EPOLL_EACH || s == S_MANY_EACH) {
        uint32_t excl = (s == S_EPOLL_EXCL || s == S_MANY_EXCL) ? EPOLLEXCLUSIVE : 0;
        for (int h = 0; h < R.nh; h++) {
            R.ep[h] = epoll_create1(EPOLL_CLOEXEC);
            for (int u = 0; u < R.nu; u++) epoll_add(R.ep[h], R.uffd[u], EPOLLIN | excl, (uint32_t)u);
            epoll_add(R.ep[h], R.stopfd, EPOLLIN, UINT32_MAX);
        }
    } else if (s == S_EPOLL_SHARED || s == S_MANY_SHARED) {
        R.ep[0] = epoll_create1(EPOLL_CLOEXEC);
        for (int u = 0; u < R.nu; u++) epoll_add(R.ep[0], R.uffd[u], EPOLLIN, (uint32_t)u);
        epoll_add(R.ep[0], R.stopfd, EPOLLIN, UINT32_MAX);
    } else if (s == S_READER) {
        R.rings = aligned_alloc(64, sizeof(struct ring) * R.nh);
        memset(R.rings, 0, sizeof(struct ring) * R.nh);
        for (int h = 0; h < R.nh; h++) R.rings[h].efd = eventfd(0, EFD_CLOEXEC);
    }
    for (int h = 0; h < R.nh; h++) {
        R.idx[h] = h;
        if (pthread_create(&R.th[h], NULL, handler, &R.idx[h])) die("pthread_create");
    }
    if (s == S_READER && pthread_create(&R.th[R.nh], NULL, reader, NULL)) die("pthread_create reader");
    usleep(20000);  // handlers asleep in their waits

    pthread_barrier_t bar;
    pthread_barrier_init(&bar, NULL, (unsigned)nf + 1);
    struct faulter f[8];
    pthread_t ft[8];
    size_t per = pages / (size_t)nf;
    size_t *split = malloc(pages * sizeof *split);
    for (int k = 0; k < nf; k++) {
        f[k] = (struct faulter){.pages = split + (size_t)k * per, .n = per, .bar = &bar, .k = k};
        for (size_t j = 0; j < per; j++) split[(size_t)k * per + j] = perm[j * (size_t)nf + (size_t)k];
        if (pthread_create(&ft[k], NULL, faulter_main, &f[k])) die("pthread_create faulter");
    }
    pthread_barrier_wait(&bar);
    double t0 = 1e300, t1 = 0;
    unsigned long bad = 0;
    for (int k = 0; k < nf; k++) {
        pthread_join(ft[k], NULL);
        if (f[k].t0 < t0) t0 = f[k].t0;
        if (f[k].t1 > t1) t1 = f[k].t1;
        bad += f[k].bad;
    }
    atomic_store(&R.stop, 1);
    uint64_t big = 1000000;
    if (write(R.stopfd, &big, sizeof big) != sizeof big) die("write stopfd");
    if (s == S_READER) {
        pthread_join(R.th[R.nh], NULL);
        for (int h = 0; h < R.nh; h++)
            if (write(R.rings[h].efd, &big, sizeof big) != sizeof big) die("write eventfd");
    }
    for (int h = 0; h < R.nh; h++) pthread_join(R.th[h], NULL);

    struct stats tot = {0};
    unsigned long futile = 0;  // sleeps that no message ended: Σ max(0, sleeps - wake-ups that served something)
    for (int h = 0; h <= R.nh; h++) {
        tot.msgs += R.st[h].msgs;
        tot.wakes += R.st[h].wakes;
        tot.empty += R.st[h].empty;
        tot.spin_empty += R.st[h].spin_empty;
        tot.same_cpu += R.st[h].same_cpu;
        tot.switches += R.st[h].switches;
        unsigned long served = R.st[h].wakes - R.st[h].empty;
        if (R.st[h].switches > served) futile += R.st[h].switches - served;
        if (getenv("WAKE_DEBUG")) fprintf(stderr, "%s f=%d h%d: msgs=%lu switches=%lu wakes=%lu empty=%lu same=%lu\n", c->name, nf, h, R.st[h].msgs, R.st[h].switches, R.st[h].wakes, R.st[h].empty, R.st[h].same_cpu);
    }
    size_t faults = per * (size_t)nf;
    if (bad || tot.msgs < faults) {
        fprintf(stderr, "%s: %lu bad pages, %lu msgs for %zu faults\n", c->name, bad, tot.msgs, faults);
        exit(1);
    }
    struct result r = {.us = (t1 - t0) / (double)faults,
                       .wakes = (double)tot.wakes / (double)faults,
                       .empty = (double)tot.empty / (double)faults,
                       .spin_empty = (double)tot.spin_empty / (double)faults,
                       .same = (double)tot.same_cpu / (double)tot.msgs,
                       .switches = (double)tot.switches / (double)faults,
                       .futile = (double)futile / (double)faults};
    for (int u = 0; u < R.nu; u++) close(R.uffd[u]);
    for (int h = 0; h < R.nh; h++)
        if (R.ep[h] > 0) close(R.ep[h]);
    if (s == S_READER) {
        for (int h = 0; h < R.nh; h++) close(R.rings[h].efd);
        free(R.rings);
    }
    close(R.stopfd);
    munmap(R.base, pages * R.ps);
    free(R.fault_cpu);
    free(split);
    pthread_barrier_destroy(&bar);
    return r;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n) {
    qsort(v, (size_t)n, sizeof *v, cmp);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int main(int argc, char **argv) {
    int rounds = 5;
    size_t pages = 8192;
    int fs[2] = {1, 2}, nfs = 2;
    int use[NCONFIGS];
    for (int k = 0; k < NCONFIGS; k++) use[k] = 1;
    int opt;
    while ((opt = getopt(argc, argv, "r:p:s:f:P")) != -1) {
        if (opt == 'r') rounds = atoi(optarg);
        else if (opt == 'P') pin_faulters = 1;
        else if (opt == 'p') pages = (size_t)atol(optarg);
        else if (opt == 'f') {
            nfs = 0;
            for (char *t = strtok(optarg, ","); t && nfs < 2; t = strtok(NULL, ",")) fs[nfs++] = atoi(t);
        } else if (opt == 's') {
            for (int k = 0; k < NCONFIGS; k++) use[k] = 0;
            for (char *t = strtok(optarg, ","); t; t = strtok(NULL, ","))
                for (int k = 0; k < NCONFIGS; k++)
                    if (!strcmp(t, CONFIGS[k].name)) use[k] = 1;
        } else {
            fprintf(stderr, "usage: %s [-r rounds] [-p pages] [-s strategy,...] [-f 1,2] [-P]\n", argv[0]);
            return 2;
        }
    }
    if (rounds > 64) rounds = 64;
    size_t *perm = malloc(pages * sizeof *perm);
    for (size_t i = 0; i < pages; i++) perm[i] = i;
    uint64_t x = 0x9E3779B97F4A7C15ULL;
    for (size_t i = pages - 1; i > 0; i--) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        size_t j = (size_t)(x % (i + 1)), t = perm[i];
        perm[i] = perm[j], perm[j] = t;
    }
    char load[128] = "";
    FILE *lf = fopen("/proc/loadavg", "r");
    if (lf) {
        if (!fgets(load, sizeof load, lf)) load[0] = 0;
        fclose(lf);
        load[strcspn(load, "\n")] = 0;
    }
    printf("# wake strategies: %zu pages per run, %d interleaved rounds after a warm-up round, loadavg=\"%s\"\n", pages,
           rounds, load);
    for (int fi = 0; fi < nfs; fi++) {
        int nf = fs[fi];
        static double us[NCONFIGS][64], fu[NCONFIGS][64], sw[NCONFIGS][64], wk[NCONFIGS][64], em[NCONFIGS][64], sp[NCONFIGS][64], same[NCONFIGS][64];
        for (int round = -1; round < rounds; round++) {
            for (int j = 0; j < NCONFIGS; j++) {
                int k = (j + (round < 0 ? 0 : round)) % NCONFIGS;  // rotate which strategy goes first
                if (!use[k]) continue;
                struct result r = run_once(&CONFIGS[k], nf, pages, perm);
                if (round < 0) continue;
                us[k][round] = r.us, sw[k][round] = r.switches, fu[k][round] = r.futile, wk[k][round] = r.wakes, em[k][round] = r.empty, sp[k][round] = r.spin_empty,
                same[k][round] = r.same;
            }
        }
        printf("\n| faulting threads | strategy | µs per fault (median) | min..max | handler sleeps per fault | futile wake-ups per fault | waits returned per fault | empty reads (EAGAIN) per fault | spin reads that found nothing per fault | served on the faulting thread's CPU |\n");
        printf("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (int k = 0; k < NCONFIGS; k++) {
            if (!use[k]) continue;
            double mn = 1e300, mx = 0;
            for (int q = 0; q < rounds; q++) {
                if (us[k][q] < mn) mn = us[k][q];
                if (us[k][q] > mx) mx = us[k][q];
            }
            printf("| %d%s | %s | %.2f | %.2f..%.2f | %.2f | %.2f | %.2f | %.3f | %.1f | %.0f %% |\n", nf, pin_faulters ? " pinned" : "", CONFIGS[k].name,
                   median(us[k], rounds), mn, mx, median(sw[k], rounds), median(fu[k], rounds), median(wk[k], rounds), median(em[k], rounds), median(sp[k], rounds),
                   100 * median(same[k], rounds));
        }
        fflush(stdout);
    }
    lf = fopen("/proc/loadavg", "r");
    if (lf) {
        if (!fgets(load, sizeof load, lf)) load[0] = 0;
        fclose(lf);
        printf("# end loadavg=\"%s\"\n", strtok(load, "\n"));
    }
    free(perm);
    return 0;
}
