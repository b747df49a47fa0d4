/* uffd_ref_internal.h: shared by the library's files and the CLI. Nothing here is exported from libuffdref.so
 * (-fvisibility=hidden); the CLI links the same objects statically and may use it. */
#ifndef UFFD_REF_INTERNAL_H
#define UFFD_REF_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "uffd_ref.h"

#define MAX_HANDLERS 64

/* ------------------------------------------------------------ errors (uffd_ref_err.c) */

/* Per-thread message buffer behind uffd_ref_error(). */
void err_clear(void);
void err_set(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "<scen>: <what>: <strerror(errno)>" */
void err_errno(const char *scen, const char *what);

/* ------------------------------------------------------------ uffd and handlers (uffd_ref_handler.c) */

size_t page_size(void);

/* All return -1 (or NULL) with the error set, naming `scen`. */
int uffd_open(const char *scen, int nonblock, uint64_t features);
int uffd_register(const char *scen, int fd, void *base, size_t len, uint64_t mode);
void *map_anon(const char *scen, size_t len);
/* Fills cpus[] with the calling thread's allowed CPUs (at most MAX_HANDLERS); returns how many, or -1. */
int allowed_cpus(const char *scen, int *cpus);

enum resolve { R_NONE, R_COPY, R_WP, R_CONTINUE };

struct hset;

struct handler {
    struct hset *set;
    int blocking;         /* 1: blocking read(); 0: poll + non-blocking read */
    uintptr_t stop_page;  /* blocking: leave after resolving this page */
    unsigned long msgs, eexist;
    char *fill_buf;       /* COPY: this handler's source, (1 + ra) pages, filled before every COPY */
    atomic_int exited;
    pthread_t th;
};

/* A set of handler threads on one uffd. The first handler that fails records why, UNREGISTERs and WAKEs the whole
 * range (so no faulting thread stays blocked: they retry as ordinary faults), and tells its siblings to leave. */
struct hset {
    const char *scen;
    int uffd;
    enum resolve kind;
    size_t ra;            /* COPY: extra pages after the faulting one */
    char *base;           /* registered range */
    size_t reg_len;
    uintptr_t data_end;   /* read-ahead is clipped here (the stop page lies beyond) */
    unsigned char fill;   /* COPY: the byte each handler writes into its fill_buf before every COPY */
    const char *copy_src; /* test_fail only: a source the kernel cannot read, used instead of fill_buf */
    int stopfd;           /* eventfd: "leave" for poll handlers */
    int n;                /* handlers started */
    pthread_mutex_t fail_mu;
    atomic_int failed;
    char fail_msg[256];
    struct handler h[MAX_HANDLERS];
};

/* Fields up to fill must be set. nh handlers: blocking (then nh must be 1, unpinned, leaving after stop_page), or
 * poll handlers, handler i pinned to cpus[i % ncpus] when cpus != NULL. 0 or -1 (nothing left running). */
int hset_start(struct hset *s, int nh, int blocking, const int *cpus, int ncpus, uintptr_t stop_page);
/* Joins every handler (a blocking one must have seen its stop page, or have exited) and sums their counters.
 * Returns 1 and copies the first handler failure into why (if not NULL) when a handler failed, else 0. */
int hset_stop(struct hset *s, unsigned long *msgs, unsigned long *eexist, char *why, size_t n);
/* While the handlers run: 1 and the message copied into buf when a handler failed. */
int hset_failed(struct hset *s, char *buf, size_t n);

/* ------------------------------------------------------------ CLI-only hooks (uffd_ref_lib.c) */

size_t uffd_ref_scenario_smoke_pages(int index);
/* uffd_ref_finish, also reporting the uffd messages handled and EEXIST answers of the run. */
int uffd_ref_finish_stats(uffd_ref_run *run, unsigned long *msgs, unsigned long *eexist);

#endif
