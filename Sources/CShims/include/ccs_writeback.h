#ifndef CCS_WRITEBACK_H
#define CCS_WRITEBACK_H
/* A disk hint for files being written: it only changes when their bytes go to the disk, never
 * what is written. */

/** Asks the kernel to start writing the file's dirty pages to disk now, without waiting for
 *  them (Linux `sync_file_range` with SYNC_FILE_RANGE_WRITE), so that a later fsync has little
 *  left to wait for. Does nothing elsewhere; errors are ignored (fsync reports what matters). */
void ccs_start_writeback(int fd);
#endif
