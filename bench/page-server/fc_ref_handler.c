// The C reference for the page server's measurements: a page-fault handler process written the way Firecracker's
// example handlers are (one thread, one poll loop, UFFDIO_COPY out of a read-only mapping of the memory file), for the
// same protocol: it accepts one VMM on a Unix socket, receives the JSON guest-region mappings with the uffd as
// SCM_RIGHTS, serves the faults, and exits when the VMM's process does (seen through a pidfd of the socket's peer).
//
// usage: fc_ref_handler <socket path> <memory file> [--read-ahead N] [--per-cpu]
//   --read-ahead N  copy N more pages after the faulting one, within its region (default 0: one page per fault,
//                   as Firecracker's handlers do)
//   --per-cpu       one poll thread pinned to each CPU, all on the same uffd (the in-process reference's fastest
//                   shape), instead of Firecracker's single thread
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
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#define MAX_REGIONS 16

struct mapping {
    uint64_t base, size, offset;
};

static struct mapping maps[MAX_REGIONS];
static int nmaps;
static uint64_t page_size;
static const uint8_t *file_bytes;
static size_t file_size;
static long read_ahead;
static int per_cpu;
static atomic_long faults, pages_copied;
static int uffd = -1, pidfd = -1;
static pid_t peer_pid;
static const char *socket_path;

static void die(const char *what)
{
    fprintf(stderr, "fc_ref_handler: %s: %s\n", what, strerror(errno));
    exit(1);
}

// The value of the next "key": number after *cursor; 0 when absent. The mappings are flat objects of integers.
static int next_number(const char **cursor, const char *key, uint64_t *value)
{
    const char *at = strstr(*cursor, key);
    if (!at) {
        return 0;
    }
    at = strchr(at + strlen(key), ':');
    if (!at) {
        return 0;
    }
    *value = strtoull(at + 1, NULL, 10);
    return 1;
}

static void parse_mappings(const char *json)
{
    // Each object: the fields in any order, between its braces.
    for (const char *object = strchr(json, '{'); object && nmaps < MAX_REGIONS; object = strchr(object + 1, '{')) {
        const char *end = strchr(object, '}');
        if (!end) {
            break;
        }
        char one[512];
        size_t n = (size_t)(end - object) < sizeof(one) - 1 ? (size_t)(end - object) : sizeof(one) - 1;
        memcpy(one, object, n);
        one[n] = 0;
        const char *c = one;
        struct mapping m = {0};
        uint64_t ps = 0;
        if (!next_number(&c, "\"base_host_virt_addr\"", &m.base) || !next_number(&c, "\"size\"", &m.size) ||
            !next_number(&c, "\"offset\"", &m.offset)) {
            fprintf(stderr, "fc_ref_handler: a mapping lacks base_host_virt_addr, size or offset: %s\n", one);
            exit(1);
        }
        if (next_number(&c, "\"page_size\"", &ps)) {
            page_size = ps;
        } else if (next_number(&c, "\"page_size_kib\"", &ps)) {
            page_size = ps * 1024;
        }
        maps[nmaps++] = m;
    }
    if (page_size == 0) {
        page_size = (uint64_t)sysconf(_SC_PAGESIZE);
    }
}

static int receive(int conn)
{
    char json[65536];
    char control[CMSG_SPACE(sizeof(int))];
    struct iovec iov = {.iov_base = json, .iov_len = sizeof(json) - 1};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof(control)};
    ssize_t n = recvmsg(conn, &msg, MSG_CMSG_CLOEXEC);
    if (n <= 0) {
        die("recvmsg of the mappings");
    }
    json[n] = 0;
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    if (!c || c->cmsg_type != SCM_RIGHTS) {
        fprintf(stderr, "fc_ref_handler: the mappings came without a uffd\n");
        exit(1);
    }
    int uffd;
    memcpy(&uffd, CMSG_DATA(c), sizeof(int));
    parse_mappings(json);
    return uffd;
}

// Wakes threads that an earlier handler's unserved faults left waiting (a restart), as the page server does.
static void wake_all(void)
{
    for (int i = 0; i < nmaps; i++) {
        struct uffdio_range r = {.start = maps[i].base, .len = maps[i].size};
        ioctl(uffd, UFFDIO_WAKE, &r);
    }
}

static int serve_fault(uint64_t address)
{
    uint64_t page = address & ~(page_size - 1);
    for (int i = 0; i < nmaps; i++) {
        if (page < maps[i].base || page >= maps[i].base + maps[i].size) {
            continue;
        }
        uint64_t in_region = page - maps[i].base;
        uint64_t length = (1 + (uint64_t)read_ahead) * page_size;
        if (length > maps[i].size - in_region) {
            length = maps[i].size - in_region;
        }
        for (;;) {
            struct uffdio_copy copy = {
                .dst = page, .src = (uint64_t)(uintptr_t)(file_bytes + maps[i].offset + in_region), .len = length, .mode = 0};
            if (ioctl(uffd, UFFDIO_COPY, &copy) == 0) {
                atomic_fetch_add(&pages_copied, (long)(length / page_size));
                return 0;
            }
            if (errno == EAGAIN && copy.copy > 0) {
                // Partial: the faulting page is in; the read-ahead after it stops here.
                atomic_fetch_add(&pages_copied, (long)(copy.copy / (int64_t)page_size));
                return 0;
            }
            if (errno == EAGAIN) {
                return -EAGAIN; // an event is pending: read it, then retry
            }
            if (errno == EEXIST && length > page_size) {
                length = page_size; // a page of the read-ahead is present: copy the faulting page alone
                continue;
            }
            if (errno == EEXIST) {
                struct uffdio_range r = {.start = page, .len = page_size};
                ioctl(uffd, UFFDIO_WAKE, &r);
                return 0;
            }
            if (errno == ESRCH) {
                return -ESRCH;
            }
            die("UFFDIO_COPY");
        }
    }
    fprintf(stderr, "fc_ref_handler: a fault at 0x%llx is outside every mapping\n", (unsigned long long)address);
    exit(1);
}

// One handler thread: polls the uffd and the VMM's pidfd; ends the process when the VMM has exited.
static void *handler(void *arg)
{
    int cpu = (int)(intptr_t)arg;
    if (per_cpu) {
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(cpu, &set);
        pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
    }
    // Faults an EAGAIN deferred, retried once the pending events are read.
    uint64_t deferred[256];
    int ndeferred = 0;
    for (;;) {
        struct pollfd fds[2] = {{.fd = uffd, .events = POLLIN}, {.fd = pidfd, .events = POLLIN}};
        if (poll(fds, 2, ndeferred ? 0 : -1) < 0) {
            if (errno == EINTR) {
                continue;
            }
            die("poll");
        }
        if (fds[1].revents & POLLIN) {
            printf("fc_ref_handler: process %d exited; %ld pages served in %ld faults\n", peer_pid, atomic_load(&pages_copied),
                   atomic_load(&faults));
            fflush(stdout);
            unlink(socket_path);
            _exit(0);
        }
        struct uffd_msg msgs[64];
        ssize_t n = read(uffd, msgs, sizeof(msgs));
        int count = n > 0 ? (int)(n / (ssize_t)sizeof(struct uffd_msg)) : 0;
        if (n < 0 && errno != EAGAIN) {
            die("read of the uffd");
        }
        // Deferred faults first, in order, then the new ones.
        int kept = 0;
        for (int i = 0; i < ndeferred; i++) {
            if (serve_fault(deferred[i]) == -EAGAIN) {
                deferred[kept++] = deferred[i];
            }
        }
        ndeferred = kept;
        for (int i = 0; i < count; i++) {
            if (msgs[i].event != UFFD_EVENT_PAGEFAULT) {
                continue; // REMOVE: the pages are missing again and fault again; nothing to keep here
            }
            atomic_fetch_add(&faults, 1);
            int r = serve_fault(msgs[i].arg.pagefault.address);
            if (r == -EAGAIN && ndeferred < 256) {
                deferred[ndeferred++] = msgs[i].arg.pagefault.address;
            }
        }
    }
    return NULL;
}

int main(int argc, char **argv)
{
    for (int i = 3; i < argc; i++) {
        if (!strcmp(argv[i], "--read-ahead") && i + 1 < argc) {
            read_ahead = atol(argv[++i]);
        } else if (!strcmp(argv[i], "--per-cpu")) {
            per_cpu = 1;
        } else {
            argc = 0;
        }
    }
    if (argc < 3) {
        fprintf(stderr, "usage: fc_ref_handler <socket path> <memory file> [--read-ahead N] [--per-cpu]\n");
        return 2;
    }

    int file = open(argv[2], O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (file < 0 || fstat(file, &st) != 0) {
        die("open of the memory file");
    }
    file_size = (size_t)st.st_size;
    file_bytes = mmap(NULL, file_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, file, 0);
    if (file_bytes == MAP_FAILED) {
        die("mmap of the memory file");
    }

    socket_path = argv[1];
    unlink(argv[1]);
    int listener = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    strncpy(addr.sun_path, argv[1], sizeof(addr.sun_path) - 1);
    if (listener < 0 || bind(listener, (struct sockaddr *)&addr, sizeof(addr)) != 0 || listen(listener, 1) != 0) {
        die("bind of the socket");
    }
    printf("fc_ref_handler: listening on %s\n", argv[1]);
    fflush(stdout);
    int conn = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
    if (conn < 0) {
        die("accept");
    }
    uffd = receive(conn);
    struct ucred peer;
    socklen_t len = sizeof(peer);
    if (getsockopt(conn, SOL_SOCKET, SO_PEERCRED, &peer, &len) != 0) {
        die("SO_PEERCRED");
    }
    peer_pid = peer.pid;
    pidfd = (int)syscall(SYS_pidfd_open, peer.pid, 0);
    if (pidfd < 0) {
        die("pidfd_open of the VMM");
    }
    wake_all();

    int ncpu = per_cpu ? (int)sysconf(_SC_NPROCESSORS_ONLN) : 1;
    pthread_t threads[64];
    for (int t = 1; t < ncpu && t < 64; t++) {
        pthread_create(&threads[t], NULL, handler, (void *)(intptr_t)t);
    }
    handler((void *)0); // never returns: the thread that sees the VMM exit ends the process
    return 0;
}
