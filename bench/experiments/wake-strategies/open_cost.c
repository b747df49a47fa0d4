// What opening and closing a region could cost under the process-wide dispatcher, in C: per region, a uffd
// (userfaultfd + UFFDIO_API), a 16-page anonymous mapping registered MISSING, and the uffd added to every handler's
// epoll set (one per CPU, the recommended many-each layout); closing: removed from the sets, uffd closed, unmapped.
// No thread is started or stopped. N regions opened one after another, then closed one after another.
//
//   gcc -O2 -Wall -Wextra -o open_cost open_cost.c && ./open_cost [N...]
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define PAGES 16

static double now_us(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static void die(const char *w) {
    perror(w);
    exit(1);
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double pct(double *v, int n, double q) {
    qsort(v, (size_t)n, sizeof *v, cmp);
    double r = q * (n - 1);
    int lo = (int)r, hi = lo + 1 < n ? lo + 1 : lo;
    return v[lo] + (v[hi] - v[lo]) * (r - lo);
}

int main(int argc, char **argv) {
    cpu_set_t set;
    sched_getaffinity(0, sizeof set, &set);
    int nh = CPU_COUNT(&set), ep[64];
    for (int h = 0; h < nh; h++)
        if ((ep[h] = epoll_create1(EPOLL_CLOEXEC)) < 0) die("epoll_create1");
    size_t ps = (size_t)sysconf(_SC_PAGESIZE);
    printf("| regions | open µs (median / p90) | close µs (median / p90) |\n|---:|---:|---:|\n");
    for (int a = 1; a < (argc > 1 ? argc : 4); a++) {
        int n = argc > 1 ? atoi(argv[a]) : (a == 1 ? 1 : a == 2 ? 100 : 1000);
        int *fd = malloc(sizeof *fd * (size_t)n);
        char **base = malloc(sizeof *base * (size_t)n);
        double *to = malloc(sizeof *to * (size_t)n), *tc = malloc(sizeof *tc * (size_t)n);
        for (int i = 0; i < n; i++) {
            double t0 = now_us();
            fd[i] = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
            if (fd[i] < 0) die("userfaultfd");
            struct uffdio_api api = {.api = UFFD_API};
            if (ioctl(fd[i], UFFDIO_API, &api) < 0) die("UFFDIO_API");
            base[i] = mmap(NULL, PAGES * ps, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
            if (base[i] == MAP_FAILED) die("mmap");
            struct uffdio_register reg = {.range = {.start = (unsigned long)base[i], .len = PAGES * ps},
                                          .mode = UFFDIO_REGISTER_MODE_MISSING};
            if (ioctl(fd[i], UFFDIO_REGISTER, &reg) < 0) die("UFFDIO_REGISTER");
            for (int h = 0; h < nh; h++) {
                struct epoll_event ev = {.events = EPOLLIN, .data.u32 = (unsigned)i};
                if (epoll_ctl(ep[h], EPOLL_CTL_ADD, fd[i], &ev) < 0) die("epoll_ctl ADD");
            }
            to[i] = now_us() - t0;
        }
        for (int i = 0; i < n; i++) {
            double t0 = now_us();
            for (int h = 0; h < nh; h++)
                if (epoll_ctl(ep[h], EPOLL_CTL_DEL, fd[i], NULL) < 0) die("epoll_ctl DEL");
            close(fd[i]);
            munmap(base[i], PAGES * ps);
            tc[i] = now_us() - t0;
        }
        printf("| %d | %.1f / %.1f | %.1f / %.1f |\n", n, pct(to, n, 0.5), pct(to, n, 0.9), pct(tc, n, 0.5),
               pct(tc, n, 0.9));
        free(fd), free(base), free(to), free(tc);
    }
    return 0;
}
