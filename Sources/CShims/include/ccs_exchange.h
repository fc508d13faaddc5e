#ifndef CCS_EXCHANGE_H
#define CCS_EXCHANGE_H

/** Swaps the two paths in one step (Linux `renameat2` with RENAME_EXCHANGE): each then names
 *  what the other named, and no moment sees either missing. Returns 0, or -1 with errno set:
 *  ENOENT when one of them does not exist, EINVAL or ENOSYS where the file system or the
 *  system cannot swap. */
int ccs_exchange_paths(const char *from, const char *to);
#endif
