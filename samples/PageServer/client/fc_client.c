// A client of the page server written as Firecracker's VMM loads a snapshot with a uffd backend: it maps guest
// memory (private anonymous, huge pages if asked), creates a userfaultfd, registers every guest region for missing
// faults, connects to the handler's Unix socket and sends the regions as JSON with the uffd as SCM_RIGHTS. Then it
// plays the guest: touches every page from several threads and checks every byte against the memory file, inflates a
// "balloon" (MADV_DONTNEED, which the handler sees as REMOVE) over pages it had written and touches them again, and
// optionally forks a child that faults on pages of its own, or reconnects to a restarted handler.
//
// Exit status 0 when every byte matched; 1 with a message naming the first mismatch or failure.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef MAP_HUGE_2MB
#define MAP_HUGE_2MB (21 << 26)
#endif

#define MAX_REGIONS 8

struct region {
    uint8_t *base;
    size_t size;
    uint64_t offset; // in the memory file
};

static struct {
    const char *socket_path;
    const char *memory_path;
    int regions;
    size_t page_size;
    int threads;
    int balloon;
    int fork_child;
    int reconnect;
    int remap;
    int pace_us;
    int scan;
    int random_order;
} opt = {.regions = 2, .page_size = 0, .threads = 4};

static struct region regions[MAX_REGIONS];
static const uint8_t *file_bytes; // the memory file, mapped read-only: what every guest byte must equal
static size_t file_size;
static int uffd = -1;
static int sock = -1;
static atomic_int failed;

static void die(const char *what)
{
    fprintf(stderr, "fc_client: %s: %s\n", what, strerror(errno));
    exit(1);
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

// The uffd a VMM creates: non-blocking, close-on-exec, serving kernel-mode faults too when the process may have one
// (root, or vm.unprivileged_userfaultfd=1), else user-mode only (the guest's touches are user-mode faults).
static int create_uffd(uint64_t features)
{
    int fd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
    if (fd < 0 && errno == EPERM) {
        fd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK | UFFD_USER_MODE_ONLY);
    }
    if (fd < 0) {
        die("userfaultfd");
    }
    struct uffdio_api api = {.api = UFFD_API, .features = features};
    if (ioctl(fd, UFFDIO_API, &api) != 0) {
        die("UFFDIO_API (EVENT_FORK needs CAP_SYS_PTRACE)");
    }
    return fd;
}

static void map_regions(void)
{
    size_t per_region = file_size / opt.regions / opt.page_size * opt.page_size;
    if (per_region == 0) {
        fprintf(stderr, "fc_client: the memory file (%zu bytes) is too small for %d regions of %zu-byte pages\n", file_size,
                opt.regions, opt.page_size);
        exit(1);
    }
    int huge = opt.page_size != (size_t)sysconf(_SC_PAGESIZE);
    for (int i = 0; i < opt.regions; i++) {
        // A guard gap between regions, as guest memory has around the 32-bit MMIO hole.
        int flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | (huge ? MAP_HUGETLB | MAP_HUGE_2MB : 0);
        void *p = mmap(NULL, per_region, PROT_READ | PROT_WRITE, flags, -1, 0);
        if (p == MAP_FAILED) {
            die(huge ? "mmap of huge pages (reserve some in /proc/sys/vm/nr_hugepages)" : "mmap");
        }
        regions[i] = (struct region){.base = p, .size = per_region, .offset = (uint64_t)i * per_region};
        struct uffdio_register reg = {.range = {.start = (uint64_t)p, .len = per_region}, .mode = UFFDIO_REGISTER_MODE_MISSING};
        if (ioctl(uffd, UFFDIO_REGISTER, &reg) != 0) {
            die("UFFDIO_REGISTER");
        }
    }
}

static int connect_handler(int patient)
{
    double deadline = now_seconds() + (patient ? 30 : 0);
    for (;;) {
        int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (s < 0) {
            die("socket");
        }
        struct sockaddr_un addr = {.sun_family = AF_UNIX};
        strncpy(addr.sun_path, opt.socket_path, sizeof(addr.sun_path) - 1);
        if (connect(s, (struct sockaddr *)&addr, sizeof(addr)) == 0) {
            return s;
        }
        close(s);
        if (now_seconds() > deadline) {
            die("connect to the handler's socket");
        }
        usleep(10000);
    }
}

// The message Firecracker sends: a JSON array of GuestRegionUffdMapping, with the uffd as SCM_RIGHTS.
static void send_uffd(int s)
{
    char json[4096];
    size_t n = 0;
    n += snprintf(json + n, sizeof(json) - n, "[");
    for (int i = 0; i < opt.regions; i++) {
        n += snprintf(json + n, sizeof(json) - n,
                      "%s{\"base_host_virt_addr\":%llu,\"size\":%zu,\"offset\":%llu,\"page_size\":%zu}", i ? "," : "",
                      (unsigned long long)(uintptr_t)regions[i].base, regions[i].size,
                      (unsigned long long)regions[i].offset, opt.page_size);
    }
    n += snprintf(json + n, sizeof(json) - n, "]");

    char control[CMSG_SPACE(sizeof(int))];
    memset(control, 0, sizeof(control));
    struct iovec iov = {.iov_base = json, .iov_len = n};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof(control)};
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &uffd, sizeof(int));
    if (sendmsg(s, &msg, MSG_NOSIGNAL) != (ssize_t)n) {
        die("sendmsg of the mappings and the uffd");
    }
}

// With --reconnect: when the handler goes away (its end of the socket hangs up), connect to the next one at the same
// path and send the uffd again. This process keeps its own copy of the uffd, so its registrations survive the
// handler, and its faulting threads wait until the new handler wakes them.
static void *reconnect_loop(void *unused)
{
    (void)unused;
    for (;;) {
        struct pollfd p = {.fd = sock, .events = POLLIN | POLLRDHUP};
        if (poll(&p, 1, -1) < 0) {
            if (errno == EINTR) {
                continue;
            }
            die("poll of the handler's socket");
        }
        char byte;
        if (recv(sock, &byte, 1, MSG_DONTWAIT) > 0) {
            continue;
        }
        close(sock);
        sock = connect_handler(1);
        send_uffd(sock);
        fprintf(stderr, "fc_client: reconnected to a new handler\n");
    }
    return NULL;
}

static size_t total_pages(void)
{
    size_t pages = 0;
    for (int i = 0; i < opt.regions; i++) {
        pages += regions[i].size / opt.page_size;
    }
    return pages;
}

// Global page g: its region and its address.
static uint8_t *page_address(size_t g, uint64_t *file_offset)
{
    for (int i = 0; i < opt.regions; i++) {
        size_t pages = regions[i].size / opt.page_size;
        if (g < pages) {
            *file_offset = regions[i].offset + g * opt.page_size;
            return regions[i].base + g * opt.page_size;
        }
        g -= pages;
    }
    return NULL;
}

static void check_page(size_t g)
{
    uint64_t off;
    uint8_t *p = page_address(g, &off);
    if (memcmp(p, file_bytes + off, opt.page_size) != 0) {
        for (size_t b = 0; b < opt.page_size; b++) {
            if (p[b] != file_bytes[off + b]) {
                fprintf(stderr, "fc_client: page %zu (file offset %llu) byte %zu is 0x%02x, the memory file has 0x%02x\n", g,
                        (unsigned long long)off, b, p[b], file_bytes[off + b]);
                break;
            }
        }
        atomic_store(&failed, 1);
    }
}

struct touch_job {
    size_t first, end; // global pages [first, end)
    int thread, threads;
};

// Thread t checks pages first + t, first + t + threads, ...: neighbouring pages fault from different threads at once.
static void *touch_pages(void *arg)
{
    struct touch_job *job = arg;
    for (size_t g = job->first + job->thread; g < job->end; g += job->threads) {
        check_page(g);
        if (opt.pace_us) {
            usleep(opt.pace_us);
        }
    }
    return NULL;
}

static void touch_range(size_t first, size_t end, int threads)
{
    pthread_t tids[64];
    struct touch_job jobs[64];
    if (threads > 64) {
        threads = 64;
    }
    for (int t = 0; t < threads; t++) {
        jobs[t] = (struct touch_job){.first = first, .end = end, .thread = t, .threads = threads};
        pthread_create(&tids[t], NULL, touch_pages, &jobs[t]);
    }
    for (int t = 0; t < threads; t++) {
        pthread_join(tids[t], NULL);
    }
}

// The balloon: the guest wrote over pages, then gave them back (MADV_DONTNEED). The handler sees REMOVE and must serve
// them again from the memory file when they are touched next, not as zero pages nor with the old content.
static void inflate_balloon(size_t first, size_t end)
{
    for (size_t g = first; g < end; g++) {
        uint64_t off;
        memset(page_address(g, &off), 0xA5, opt.page_size);
    }
    for (size_t g = first; g < end; g++) {
        uint64_t off;
        if (madvise(page_address(g, &off), opt.page_size, MADV_DONTNEED) != 0) {
            die("madvise(MADV_DONTNEED) of the balloon");
        }
    }
}

// --remap: moves the first region elsewhere (the handler sees REMAP and must find its pages at the new addresses),
// and at the end unmaps the last one (UNMAP).
static void move_first_region(void)
{
    void *target = mmap(NULL, regions[0].size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (target == MAP_FAILED) {
        die("mmap of the remap target");
    }
    void *moved = mremap(regions[0].base, regions[0].size, regions[0].size, MREMAP_MAYMOVE | MREMAP_FIXED, target);
    if (moved == MAP_FAILED) {
        die("mremap of the first region");
    }
    regions[0].base = moved;
}

// --scan: one thread touches every page once, in order or at random; prints the time per fault.
static void scan(void)
{
    size_t pages = total_pages();
    size_t *order = malloc(pages * sizeof(size_t));
    for (size_t g = 0; g < pages; g++) {
        order[g] = g;
    }
    if (opt.random_order) {
        srand(42);
        for (size_t g = pages - 1; g > 0; g--) {
            size_t k = (size_t)rand() % (g + 1);
            size_t tmp = order[g];
            order[g] = order[k];
            order[k] = tmp;
        }
    }
    volatile uint8_t sink = 0;
    double start = now_seconds();
    for (size_t i = 0; i < pages; i++) {
        uint64_t off;
        sink += *page_address(order[i], &off);
    }
    double seconds = now_seconds() - start;
    (void)sink;
    touch_range(0, pages, 1);
    printf("scan pages=%zu seconds=%.6f us_per_page=%.3f mib_per_s=%.1f order=%s\n", pages, seconds, seconds * 1e6 / pages,
           pages * (double)opt.page_size / (1 << 20) / seconds, opt.random_order ? "random" : "sequential");
    free(order);
}

int main(int argc, char **argv)
{
    static struct option options[] = {
        {"socket", required_argument, NULL, 's'},  {"memory-file", required_argument, NULL, 'f'},
        {"regions", required_argument, NULL, 'r'}, {"page-size", required_argument, NULL, 'p'},
        {"threads", required_argument, NULL, 't'}, {"balloon", no_argument, NULL, 'b'},
        {"fork", no_argument, NULL, 'k'},          {"reconnect", no_argument, NULL, 'c'},
        {"pace-us", required_argument, NULL, 'u'}, {"scan", no_argument, NULL, 'S'},
        {"random", no_argument, NULL, 'R'},        {"remap", no_argument, NULL, 'm'},
        {NULL, 0, NULL, 0},
    };
    for (int c; (c = getopt_long(argc, argv, "s:f:r:p:t:bkcmu:SR", options, NULL)) != -1;) {
        switch (c) {
        case 's': opt.socket_path = optarg; break;
        case 'f': opt.memory_path = optarg; break;
        case 'r': opt.regions = atoi(optarg); break;
        case 'p': opt.page_size = strtoull(optarg, NULL, 0); break;
        case 't': opt.threads = atoi(optarg); break;
        case 'b': opt.balloon = 1; break;
        case 'k': opt.fork_child = 1; break;
        case 'c': opt.reconnect = 1; break;
        case 'm': opt.remap = 1; break;
        case 'u': opt.pace_us = atoi(optarg); break;
        case 'S': opt.scan = 1; break;
        case 'R': opt.random_order = 1; break;
        default:
            fprintf(stderr,
                    "usage: fc_client --socket PATH --memory-file PATH [--regions N] [--page-size BYTES] [--threads N]\n"
                    "                 [--balloon] [--fork] [--remap] [--reconnect] [--pace-us N] [--scan [--random]]\n");
            return 2;
        }
    }
    if (!opt.socket_path || !opt.memory_path || opt.regions < 1 || opt.regions > MAX_REGIONS || opt.threads < 1) {
        fprintf(stderr, "fc_client: --socket and --memory-file are required; 1 <= --regions <= %d; --threads >= 1\n", MAX_REGIONS);
        return 2;
    }
    if (opt.page_size == 0) {
        opt.page_size = (size_t)sysconf(_SC_PAGESIZE);
    }

    int file = open(opt.memory_path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (file < 0 || fstat(file, &st) != 0) {
        die("open of the memory file");
    }
    file_size = (size_t)st.st_size;
    file_bytes = mmap(NULL, file_size, PROT_READ, MAP_SHARED, file, 0);
    if (file_bytes == MAP_FAILED) {
        die("mmap of the memory file");
    }

    uint64_t features = UFFD_FEATURE_EVENT_REMOVE | (opt.fork_child ? UFFD_FEATURE_EVENT_FORK : 0) |
                        (opt.remap ? UFFD_FEATURE_EVENT_REMAP | UFFD_FEATURE_EVENT_UNMAP : 0);
    uffd = create_uffd(features);
    map_regions();
    sock = connect_handler(1);
    send_uffd(sock);
    if (opt.reconnect) {
        pthread_t watcher;
        pthread_create(&watcher, NULL, reconnect_loop, NULL);
    }

    size_t pages = total_pages();
    if (opt.scan) {
        scan();
        return atomic_load(&failed);
    }

    // The last quarter of the pages is left for a forked child to fault first, when --fork is given.
    size_t shared_end = opt.fork_child ? pages - pages / 4 : pages;
    double start = now_seconds();
    touch_range(0, shared_end, opt.threads);
    double touched = now_seconds() - start;
    if (opt.fork_child) {
        pid_t child = fork();
        if (child < 0) {
            die("fork");
        }
        if (child == 0) {
            // The child's faults arrive on the child's own uffd, which the handler got with the FORK event.
            touch_range(shared_end, pages, opt.threads);
            _exit(atomic_load(&failed));
        }
        int status;
        if (waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            fprintf(stderr, "fc_client: the forked child failed (status 0x%x)\n", status);
            return 1;
        }
        touch_range(shared_end, pages, opt.threads);
    }
    if (opt.remap) {
        move_first_region();
    }
    if (opt.balloon) {
        // Pages of the first region: with --remap, at its new addresses.
        size_t first = pages / opt.regions / 2, end = pages / opt.regions;
        inflate_balloon(first, end);
        touch_range(first, end, opt.threads);
    }
    if (opt.remap && opt.regions > 1) {
        if (munmap(regions[opt.regions - 1].base, regions[opt.regions - 1].size) != 0) {
            die("munmap of the last region");
        }
    }
    if (atomic_load(&failed)) {
        return 1;
    }
    printf("ok pages=%zu page_size=%zu regions=%d threads=%d seconds=%.3f%s%s%s\n", pages, opt.page_size, opt.regions, opt.threads,
           touched, opt.fork_child ? " fork=ok" : "", opt.balloon ? " balloon=ok" : "", opt.remap ? " remap=ok" : "");
    return 0;
}
