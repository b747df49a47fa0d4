// test_fail: the failure path of the handler threads, which no healthy scenario reaches. A handler whose resolve
// ioctl fails must record why, and must not leave the faulting thread blocked: for MISSING, WP and MINOR waiters
// alike (UNREGISTER wakes only MISSING ones; the WAKE after it releases the others). Linked with the library's
// objects, since it drives the internal handler set directly. A hang here is a failure: alarm(10).
//
// Built and run by build.sh --test.
#define _GNU_SOURCE
#include <errno.h>
#include <linux/userfaultfd.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "uffd_ref_internal.h"

#define PAGES 4

static int failures;

static void on_alarm(int sig) {
    (void)sig;
    static const char m[] = "test_fail: FAIL: a faulting thread stayed blocked after its handler failed\n";
    (void)!write(2, m, sizeof m - 1);
    _exit(1);
}

struct mem {
    char *base, *alias;
    size_t len;
    int memfd;
};

static int map_mem(struct mem *m, enum resolve region) {
    size_t len = m->len = (PAGES + 1) * page_size();
    m->alias = NULL;
    m->memfd = -1;
    if (region != R_CONTINUE) {
        m->base = map_anon("test_fail", len);
        if (m->base && region == R_WP) memset(m->base, 0x11, len);
        return m->base ? 0 : -1;
    }
    m->memfd = memfd_create("test_fail", MFD_CLOEXEC);
    if (m->memfd < 0 || ftruncate(m->memfd, (off_t)len) < 0) return -1;
    m->base = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, m->memfd, 0);
    m->alias = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, m->memfd, 0);
    if (m->base == MAP_FAILED || m->alias == MAP_FAILED) return -1;
    memset(m->alias, 0xA5, len);
    return 0;
}

// region: how the memory is registered; handler: what the handler answers with (mismatched or with an unmapped
// COPY source, so the ioctl fails). want: the byte the faulting access sees once released.
static void run_case(const char *name, enum resolve region, enum resolve handler, int blocking, int write_access,
                     unsigned char want, const char *want_op) {
    static const uint64_t modes[] = {[R_COPY] = UFFDIO_REGISTER_MODE_MISSING, [R_WP] = UFFDIO_REGISTER_MODE_WP,
                                     [R_CONTINUE] = UFFDIO_REGISTER_MODE_MINOR};
    size_t ps = page_size();
    struct mem m;
    if (map_mem(&m, region) < 0) {
        fprintf(stderr, "test_fail: %s: set-up: %s\n", name, strerror(errno));
        failures++;
        return;
    }
    int fd = uffd_open(name, !blocking, region == R_CONTINUE ? UFFD_FEATURE_MINOR_SHMEM : 0);
    if (fd < 0 || uffd_register(name, fd, m.base, m.len, modes[region]) < 0) {
        fprintf(stderr, "test_fail: %s: %s\n", name, uffd_ref_error());
        failures++;
        return;
    }
    if (region == R_WP) {
        struct uffdio_writeprotect wp = {.range = {.start = (uintptr_t)m.base, .len = m.len},
                                         .mode = UFFDIO_WRITEPROTECT_MODE_WP};
        if (ioctl(fd, UFFDIO_WRITEPROTECT, &wp) < 0) perror("UFFDIO_WRITEPROTECT");
    }
    // An inaccessible COPY source, kept reserved so no thread stack lands there: the kernel answers EFAULT.
    char *hole = mmap(NULL, ps, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    static struct hset hs;
    hs = (struct hset){.scen = name, .uffd = fd, .kind = handler, .base = m.base, .reg_len = m.len,
                       .data_end = (uintptr_t)m.base + PAGES * ps, .copy_src = hole,
                       .stopfd = -1};
    int cpus[MAX_HANDLERS], ncpus = allowed_cpus(name, cpus);
    if (hset_start(&hs, blocking ? 1 : ncpus, blocking, blocking ? NULL : cpus, ncpus,
                   (uintptr_t)m.base + PAGES * ps) < 0) {
        fprintf(stderr, "test_fail: %s: %s\n", name, uffd_ref_error());
        failures++;
        return;
    }
    alarm(10);
    volatile char *p = m.base + 2 * ps;
    if (write_access) *p = 0x22;
    unsigned char got = (unsigned char)*p;
    alarm(0);
    // The blocking handler has failed and left; finish would not touch its stop page either.
    while (blocking && !atomic_load(&hs.h[0].exited)) usleep(1000);
    unsigned long msgs, eexist;
    char why[256] = "";
    int failed = hset_stop(&hs, &msgs, &eexist, why, sizeof why);
    int ok = failed && strstr(why, name) && strstr(why, want_op) && got == want;
    printf("test_fail: %-26s failed=%d read=0x%02x msgs=%lu why=\"%s\": %s\n", name, failed, got, msgs, why,
           ok ? "ok" : "FAIL");
    failures += !ok;
    close(fd);
    munmap(hole, ps);
    munmap(m.base, m.len);
    if (m.alias) munmap(m.alias, m.len);
    if (m.memfd >= 0) close(m.memfd);
}

int main(void) {
    setvbuf(stdout, NULL, _IOLBF, 0);  // the watchdog _exits: keep what was printed
    signal(SIGALRM, on_alarm);
    // MISSING: anon reads back the zero page once unregistered.
    run_case("missing-poll-bad-src", R_COPY, R_COPY, 0, 0, 0x00, "UFFDIO_COPY");
    run_case("missing-blocking-bad-src", R_COPY, R_COPY, 1, 0, 0x00, "UFFDIO_COPY");
    // WP: UNREGISTER clears the protection, WAKE lets the write go through.
    run_case("wp-poll-wrong-ioctl", R_WP, R_CONTINUE, 0, 1, 0x22, "UFFDIO_CONTINUE");
    // MINOR: WAKE lets the read map the page cache.
    run_case("minor-blocking-wrong-ioctl", R_CONTINUE, R_WP, 1, 0, 0xA5, "UFFDIO_WRITEPROTECT");
    printf("test_fail: %s\n", failures ? "FAILED" : "ok");
    return failures ? 1 : 0;
}
