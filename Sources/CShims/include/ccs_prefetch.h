#ifndef CCS_PREFETCH_H
#define CCS_PREFETCH_H
/* Memory hints for large lookup tables (the dedup indexes): both only change speed, never
 * what a read returns. */
#include <stddef.h>
#include <stdint.h>
#ifdef __linux__
#include <sys/mman.h>
#endif

/** Asks the CPU to bring the cache line at `address` closer, without waiting for it. */
static inline void ccs_prefetch(const void *address) { __builtin_prefetch(address); }

/** Asks the kernel to back the whole 2 MiB pages inside [address, address + bytes) with huge
 *  pages, where it does so only on request (transparent huge pages in "madvise" mode): fewer
 *  TLB misses for random reads across a table of tens of megabytes. Call it before the memory
 *  is first written. Does nothing elsewhere or for smaller ranges. */
static inline void ccs_advise_huge_pages(void *address, size_t bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    const uintptr_t huge = (uintptr_t)2 << 20;
    uintptr_t start = ((uintptr_t)address + huge - 1) & ~(huge - 1);
    uintptr_t end = ((uintptr_t)address + bytes) & ~(huge - 1);
    if (end > start) (void)madvise((void *)start, end - start, MADV_HUGEPAGE);
#else
    (void)address;
    (void)bytes;
#endif
}

#endif
