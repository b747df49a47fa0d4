/* uffd_ref.h: the C reference userfaultfd benchmark as a library (libuffdref.so).
 *
 * BenchmarkDotNet loads libuffdref.so through P/Invoke and times uffd_ref_execute() next to the .NET scenarios; the
 * uffd_ref CLI times the same call. A run is prepared (untimed), executed once (timed), then finished (untimed):
 *
 *   uffd_ref_run *run = uffd_ref_prepare("rt-blocking", 0);
 *   long pages = uffd_ref_execute(run);       // time only this
 *   int rc = uffd_ref_finish(run);             // also after a failed execute
 *
 * Errors never end the host process: calls return NULL or -1 and uffd_ref_error() says why. Several runs may be
 * alive at once (each has its own uffd and threads), but one run is used by one thread at a time.
 */
#ifndef UFFD_REF_H
#define UFFD_REF_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The library is built with -fvisibility=hidden: exactly the functions below are its ABI. */
#define UFFD_REF_API __attribute__((visibility("default")))

typedef struct uffd_ref_run uffd_ref_run;

/* Passes of the touch-present* scenarios over their pages, which prepare has already faulted in. */
#define UFFD_REF_TOUCH_PASSES 16

/* Collect calls of wp-async-collect-clean, whose pages are never written: one call alone is too short to time. */
#define UFFD_REF_COLLECT_CALLS 16

/* Untimed set-up of scenario `name` with `pages` pages (0 = the scenario's default size): maps memory, opens and
   registers the uffd, starts the handler threads (and, for threads-*, the faulting threads, parked until execute),
   computes the access order. NULL on failure, then uffd_ref_error() says why. */
UFFD_REF_API uffd_ref_run *uffd_ref_prepare(const char *name, size_t pages);

/* The timed part: performs the faults of one run. Returns the number of pages faulted (the operations), or -1 (a
   handler failed, a page read back wrong, or execute was already called for this run). Call once per prepare.
   The touch-present* scenarios return their touches, pages * UFFD_REF_TOUCH_PASSES; the wp-async-collect*
   scenarios the pages their collects walked (pages * UFFD_REF_COLLECT_CALLS for wp-async-collect-clean). */
UFFD_REF_API long uffd_ref_execute(uffd_ref_run *run);

/* Untimed: stops the handlers, checks every faulted page's contents and the uffd message count, unmaps, closes,
   frees. 0 = ok, -1 = failure (uffd_ref_error()). Always frees `run`; NULL is an error. Without a preceding
   execute it releases everything and checks nothing. */
UFFD_REF_API int uffd_ref_finish(uffd_ref_run *run);

/* Message of the last failed call on this thread, "" if none; each prepare/execute/finish clears it first. */
UFFD_REF_API const char *uffd_ref_error(void);

/* The scenario table, in the CLI's output order. Out-of-range index: NULL / 0. */
UFFD_REF_API int uffd_ref_scenario_count(void);
UFFD_REF_API const char *uffd_ref_scenario_name(int index);
UFFD_REF_API const char *uffd_ref_scenario_description(int index);
UFFD_REF_API size_t uffd_ref_scenario_default_pages(int index);

#ifdef __cplusplus
}
#endif

#endif
