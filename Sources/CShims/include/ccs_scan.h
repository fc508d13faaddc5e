#ifndef CCS_SCAN_H
#define CCS_SCAN_H
/* Byte scans too hot for a Swift loop: SSE2 sixteen bytes at a time where the compiler targets
 * it, one byte at a time otherwise (the same result either way). */
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** The offset of the first character of the UTF-8 text `text` (`length` bytes, valid UTF-8)
 *  that the traditional-to-simplified converter must look at: a three-byte character whose
 *  code point has its bit set in `bits` (65536 bits, bit `cp & 63` of word `cp >> 6`), or any
 *  two- or four-byte character. `length` when there is none. ASCII never needs a look. */
size_t ccs_first_conversion_candidate(const uint8_t *text, size_t length, const uint64_t *bits);

#ifdef __cplusplus
}
#endif
#endif
