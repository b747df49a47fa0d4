// Error messages of the library: one buffer per thread, so a host running benchmarks on several threads reads the
// message of its own failed call.
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "uffd_ref_internal.h"

static __thread char t_err[512];

void err_clear(void) { t_err[0] = 0; }

void err_set(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(t_err, sizeof t_err, fmt, ap);
    va_end(ap);
}

void err_errno(const char *scen, const char *what) {
    int e = errno;
    char buf[128];
    err_set("%s: %s: %s", scen, what, strerror_r(e, buf, sizeof buf));
    errno = e;
}

const char *uffd_ref_error(void) { return t_err; }
