// The uffd plumbing and the handler threads of the reference benchmark. Nothing here may end the process: a
// failed call returns -1 with the thread's error set, a failed handler thread records why and unblocks everyone.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "uffd_ref_internal.h"

// Fallbacks for older headers (the kernel ABI's values).
#ifndef USERFAULTFD_IOC_NEW
#define USERFAULTFD_IOC_NEW 0xAA00 /* _IO(0xAA, 0), /dev/userfaultfd, Linux 6.1 */
#endif
#ifndef __NR_userfaultfd
#define __NR_userfaultfd 323 /* x86_64 */
#endif

// Bounded so a poll handler never depends on one wake-up alone; the stop eventfd ends it promptly.
#define POLL_TIMEOUT_MS 1000

static size_t g_ps;
static pthread_once_t g_ps_once = PTHREAD_ONCE_INIT;
static void init_ps(void) { g_ps = (size_t)sysconf(_SC_PAGESIZE); }

size_t page_size(void) {
    pthread_once(&g_ps_once, init_ps);
    return g_ps;
}

// ---------------------------------------------------------------- set-up helpers

int uffd_open(const char *scen, int nonblock, uint64_t features) {
    int flags = O_CLOEXEC | (nonblock ? O_NONBLOCK : 0);
    int fd = (int)syscall(__NR_userfaultfd, flags);
    if (fd < 0) {
        int dev = open("/dev/userfaultfd", O_RDWR | O_CLOEXEC);
        if (dev < 0) {
            err_errno(scen, "userfaultfd() and /dev/userfaultfd both failed");
            return -1;
        }
        fd = ioctl(dev, USERFAULTFD_IOC_NEW, flags);
        int e = errno;
        close(dev);
        errno = e;
        if (fd < 0) {
            err_errno(scen, "USERFAULTFD_IOC_NEW");
            return -1;
        }
    }
    struct uffdio_api api = {.api = UFFD_API, .features = features};
    if (ioctl(fd, UFFDIO_API, &api) < 0) {
        err_errno(scen, "UFFDIO_API");
        close(fd);
        return -1;
    }
    if ((api.features & features) != features) {
        err_set("%s: UFFDIO_API: kernel lacks feature bits 0x%llx", scen,
                (unsigned long long)(features & ~api.features));
        close(fd);
        return -1;
    }
    return fd;
}

int uffd_register(const char *scen, int fd, void *base, size_t len, uint64_t mode) {
    struct uffdio_register reg = {.range = {.start = (uintptr_t)base, .len = len}, .mode = mode};
    if (ioctl(fd, UFFDIO_REGISTER, &reg) < 0) {
        err_errno(scen, "UFFDIO_REGISTER");
        return -1;
    }
    return 0;
}

void *map_anon(const char *scen, size_t len) {
    void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) {
        err_errno(scen, "mmap");
        return NULL;
    }
    return p;
}

int allowed_cpus(const char *scen, int *cpus) {
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) < 0) {
        err_errno(scen, "sched_getaffinity");
        return -1;
    }
    int n = 0;
    for (int c = 0; c < CPU_SETSIZE && n < MAX_HANDLERS; c++)
        if (CPU_ISSET(c, &set)) cpus[n++] = c;
    if (n == 0) err_set("%s: sched_getaffinity: no allowed CPU", scen);
    return n ? n : -1;
}

// ---------------------------------------------------------------- handler threads

// Records the first failure, then makes sure no faulting thread waits for this set any more: UNREGISTER clears the
// registration and WP bits, WAKE releases waiters (UNREGISTER alone wakes only MISSING ones). Siblings leave
// through the stop eventfd.
static void handler_fail(struct handler *h, int err, const char *fmt, ...) {
    struct hset *s = h->set;
    pthread_mutex_lock(&s->fail_mu);
    if (!atomic_load(&s->failed)) {
        char what[160], ebuf[128];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(what, sizeof what, fmt, ap);
        va_end(ap);
        if (err)
            snprintf(s->fail_msg, sizeof s->fail_msg, "%s: handler: %s: %s", s->scen, what,
                     strerror_r(err, ebuf, sizeof ebuf));
        else
            snprintf(s->fail_msg, sizeof s->fail_msg, "%s: handler: %s", s->scen, what);
        atomic_store(&s->failed, 1);
    }
    pthread_mutex_unlock(&s->fail_mu);
    struct uffdio_range r = {.start = (uintptr_t)s->base, .len = s->reg_len};
    (void)ioctl(s->uffd, UFFDIO_UNREGISTER, &r);
    (void)ioctl(s->uffd, UFFDIO_WAKE, &r);
    uint64_t one = 1;
    (void)!write(s->stopfd, &one, sizeof one);
}

// 0, or -1 after handler_fail.
static int resolve(struct handler *h, uintptr_t page) {
    struct hset *s = h->set;
    size_t ps = page_size();
    for (;;) {
        int rc;
        const char *op;
        if (s->kind == R_COPY) {
            uintptr_t end = page < s->data_end ? s->data_end : page + ps;
            size_t len = (1 + s->ra) * ps;
            if (page + len > end) len = end - page;
            // Produce the content for every fault, as the plainest handler does (memset, then COPY) and as a
            // generated region's provider does: both sides write each page once before the kernel copies it.
            const char *source = s->copy_src;
            if (!source) {
                memset(h->fill_buf, s->fill, len);
                source = h->fill_buf;
            }
            struct uffdio_copy c = {.dst = page, .src = (uintptr_t)source, .len = len};
            op = "UFFDIO_COPY";
            rc = ioctl(s->uffd, UFFDIO_COPY, &c);
            if (rc < 0 && errno == EAGAIN && c.copy > 0) return 0;  // partial: the faulting page is in, and woken
        } else if (s->kind == R_WP) {
            struct uffdio_writeprotect w = {.range = {.start = page, .len = ps}, .mode = 0};
            op = "UFFDIO_WRITEPROTECT";
            rc = ioctl(s->uffd, UFFDIO_WRITEPROTECT, &w);
        } else {
            struct uffdio_continue c = {.range = {.start = page, .len = ps}};
            op = "UFFDIO_CONTINUE";
            rc = ioctl(s->uffd, UFFDIO_CONTINUE, &c);
            if (rc < 0 && errno == EAGAIN && c.mapped > 0) return 0;
        }
        if (rc == 0) return 0;
        if (errno == EEXIST) {  // another handler (or an earlier message for the same fault) resolved it
            h->eexist++;
            struct uffdio_range r = {.start = page, .len = ps};
            if (ioctl(s->uffd, UFFDIO_WAKE, &r) == 0) return 0;
            handler_fail(h, errno, "UFFDIO_WAKE at page %zu", (size_t)(page - (uintptr_t)s->base) / ps);
            return -1;
        }
        if (errno != EAGAIN) {
            handler_fail(h, errno, "%s at page %zu", op, (size_t)(page - (uintptr_t)s->base) / ps);
            return -1;
        }
    }
}

static uintptr_t fault_page(const struct uffd_msg *m) {
    return (uintptr_t)m->arg.pagefault.address & ~(uintptr_t)(page_size() - 1);
}

static int handle_msg(struct handler *h, const struct uffd_msg *m) {
    if (m->event != UFFD_EVENT_PAGEFAULT) {
        handler_fail(h, 0, "unexpected uffd event %u", m->event);
        return -1;
    }
    h->msgs++;
    return resolve(h, fault_page(m));
}

static void blocking_loop(struct handler *h) {
    struct uffd_msg m;
    for (;;) {
        ssize_t n = read(h->set->uffd, &m, sizeof m);
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN) continue;
            handler_fail(h, errno, "read(uffd)");
            return;
        }
        if (n != sizeof m) {
            handler_fail(h, 0, "read(uffd) returned %zd bytes", n);
            return;
        }
        if (handle_msg(h, &m) < 0) return;
        if (fault_page(&m) == h->stop_page) return;
    }
}

static void poll_loop(struct handler *h) {
    struct hset *s = h->set;
    struct uffd_msg msgs[16];
    struct pollfd fds[2] = {{.fd = s->uffd, .events = POLLIN}, {.fd = s->stopfd, .events = POLLIN}};
    for (;;) {
        int pr = poll(fds, 2, POLL_TIMEOUT_MS);
        if (pr < 0) {
            if (errno == EINTR) continue;
            handler_fail(h, errno, "poll");
            return;
        }
        if (fds[1].revents) return;
        if (!(fds[0].revents & POLLIN)) {
            if (fds[0].revents & (POLLERR | POLLHUP | POLLNVAL)) {
                handler_fail(h, 0, "poll(uffd) revents 0x%x", fds[0].revents);
                return;
            }
            continue;
        }
        ssize_t n = read(s->uffd, msgs, sizeof msgs);
        if (n < 0) {
            if (errno == EAGAIN || errno == EINTR) continue;  // another handler took it
            handler_fail(h, errno, "read(uffd)");
            return;
        }
        for (ssize_t i = 0; i < n / (ssize_t)sizeof msgs[0]; i++)
            if (handle_msg(h, &msgs[i]) < 0) return;
    }
}

static void *handler_main(void *arg) {
    struct handler *h = arg;
    struct hset *s = h->set;
    size_t buf_len = (1 + s->ra) * page_size();
    if (s->kind == R_COPY && !(h->fill_buf = map_anon(s->scen, buf_len))) {
        handler_fail(h, errno, "mmap of the handler's COPY source");
    } else if (h->blocking) {
        blocking_loop(h);
    } else {
        poll_loop(h);
    }
    if (h->fill_buf) munmap(h->fill_buf, buf_len);
    atomic_store(&h->exited, 1);
    return NULL;
}

int hset_start(struct hset *s, int nh, int blocking, const int *cpus, int ncpus, uintptr_t stop_page) {
    s->n = 0;
    atomic_store(&s->failed, 0);
    s->fail_msg[0] = 0;
    if (nh < 1 || nh > MAX_HANDLERS || (blocking && nh != 1)) {
        err_set("%s: %d handlers (blocking=%d) not supported", s->scen, nh, blocking);
        return -1;
    }
    s->stopfd = eventfd(0, EFD_CLOEXEC);
    if (s->stopfd < 0) {
        err_errno(s->scen, "eventfd");
        return -1;
    }
    pthread_mutex_init(&s->fail_mu, NULL);
    for (int i = 0; i < nh; i++) {
        struct handler *h = &s->h[i];
        *h = (struct handler){.set = s, .blocking = blocking, .stop_page = stop_page};
        // Pinned from birth, so a failed pin is a failed prepare rather than a handler failing later.
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        int rc = 0;
        if (cpus) {
            cpu_set_t set;
            CPU_ZERO(&set);
            CPU_SET(cpus[i % ncpus], &set);
            rc = pthread_attr_setaffinity_np(&attr, sizeof set, &set);
        }
        if (rc == 0) rc = pthread_create(&h->th, &attr, handler_main, h);
        pthread_attr_destroy(&attr);
        if (rc) {
            errno = rc;
            err_errno(s->scen, cpus ? "pthread_create (pinned handler)" : "pthread_create (handler)");
            unsigned long m, e;
            hset_stop(s, &m, &e, NULL, 0);  // poll handlers only: a blocking set has a single handler
            return -1;
        }
        s->n = i + 1;
    }
    return 0;
}

int hset_stop(struct hset *s, unsigned long *msgs, unsigned long *eexist, char *why, size_t n) {
    uint64_t one = 1;
    (void)!write(s->stopfd, &one, sizeof one);  // cannot fail: the counter is far from its maximum
    *msgs = *eexist = 0;
    for (int i = 0; i < s->n; i++) {
        pthread_join(s->h[i].th, NULL);
        *msgs += s->h[i].msgs;
        *eexist += s->h[i].eexist;
    }
    s->n = 0;
    close(s->stopfd);
    s->stopfd = -1;
    pthread_mutex_destroy(&s->fail_mu);
    int failed = atomic_load(&s->failed);  // every handler is joined: no lock needed
    if (failed && why) snprintf(why, n, "%s", s->fail_msg);
    return failed;
}

int hset_failed(struct hset *s, char *buf, size_t n) {
    if (!atomic_load(&s->failed)) return 0;
    pthread_mutex_lock(&s->fail_mu);
    snprintf(buf, n, "%s", s->fail_msg);
    pthread_mutex_unlock(&s->fail_mu);
    return 1;
}
