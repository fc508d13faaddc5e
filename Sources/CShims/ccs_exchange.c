#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include "ccs_exchange.h"

int ccs_exchange_paths(const char *from, const char *to) {
#if defined(__linux__) && defined(RENAME_EXCHANGE)
    return renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_EXCHANGE);
#else
    (void)from;
    (void)to;
    errno = ENOSYS;
    return -1;
#endif
}
