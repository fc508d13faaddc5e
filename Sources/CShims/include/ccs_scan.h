#ifndef CCS_SCAN_H
#define CCS_SCAN_H
/* Byte scans and the JSON string escaper, too hot for a Swift loop: SSE2 sixteen bytes at a
 * time where the compiler targets it, one byte at a time otherwise. Each has a `_portable`
 * twin with the same contract, compiled on every target: it is what a target without SSE2
 * runs (Apple Silicon, say), the SSE2 converter scan and escaper hand it a text's last bytes
 * (the other two finish on one more block over a text's last bytes, or on a zero-padded copy
 * of a text shorter than a block), and the tests compare the two on random inputs, so the
 * one-byte path is checked on SSE2 machines too. */
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
size_t ccs_first_conversion_candidate_portable(const uint8_t *text, size_t length, const uint64_t *bits);

/** Whether the UTF-8 text `text` holds a character the text normaliser rewrites: U+0085,
 *  U+200B-U+200D, U+2028, U+2029, U+2060, U+3000, U+FEFF and, when `fold` is non-zero, the
 *  full-width ASCII letters and digits (U+FF10-FF19, U+FF21-FF3A, U+FF41-FF5A). 1 or 0. */
int ccs_normaliser_finds(const uint8_t *text, size_t length, int fold);
int ccs_normaliser_finds_portable(const uint8_t *text, size_t length, int fold);

/** Writes the JSON string content of the UTF-8 text `text` (`length` bytes) to `out`, without
 *  quotes: a quote and a backslash each after a backslash; LF, CR and tab as backslash-n, -r,
 *  -t; any other byte below 0x20 as backslash-u00xx (lower-case hex); every other byte as it
 *  is. `out` must have room for `6 * length` bytes. Returns the number of bytes written. */
size_t ccs_json_escape(const uint8_t *text, size_t length, uint8_t *out);
size_t ccs_json_escape_portable(const uint8_t *text, size_t length, uint8_t *out);

/** The offset of the first occurrence of the `m` bytes `needle` in the `n` bytes `hay`, or `n`
 *  when there is none (0 when `m` is 0). With `fold` non-zero, A-Z in `hay` match as a-z (the
 *  needle is then given in lower case); every other byte matches only itself. */
size_t ccs_find(const uint8_t *hay, size_t n, const uint8_t *needle, size_t m, int fold);
size_t ccs_find_portable(const uint8_t *hay, size_t n, const uint8_t *needle, size_t m, int fold);

#ifdef __cplusplus
}
#endif
#endif
