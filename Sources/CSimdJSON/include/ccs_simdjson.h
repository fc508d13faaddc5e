#ifndef CCS_SIMDJSON_H
#define CCS_SIMDJSON_H
/* simdjson (the system library) for Swift through plain C types: UTF-8 validation, and one JSON
 * value parsed into a flat tape that Swift reads without touching C++ types. */
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Whether `count` bytes at `bytes` are well-formed UTF-8 (simdjson::validate_utf8). */
int ccs_utf8_valid(const uint8_t *bytes, size_t count);

/** Parses `count` bytes as exactly one JSON value (white space around it allowed) with a parser
 *  of the calling thread's own, nested at most 512 deep, and lays it out as a tape:
 *    'o' u32 n, u32 bytes, then n times (key as 's' without its tag: u32 length, pointer; value)
 *    'a' u32 n, u32 bytes, then n values
 *    's' u32 length, then a pointer to the unescaped UTF-8 bytes (in the parser's own buffer)
 *    'i' int64 | 'u' uint64 | 'd' double (8 bytes, native order)
 *    't' | 'f' | 'n'
 *  where a container's `bytes` is what its members or values take on the tape (to step over it).
 *  On success stores the tape's start and length (the tape and the strings it points to stay
 *  valid until this thread's next call) and
 *  returns 1; returns 0 when simdjson rejects the bytes (any reason: the caller explains it). */
int ccs_json_parse(const uint8_t *bytes, size_t count, const uint8_t **tape, size_t *tape_count);

/// ccs_json_parse for bytes followed by at least ccs_json_padding() readable bytes (of any
/// value): simdjson reads them in place, with no padded copy.
int ccs_json_parse_padded(const uint8_t *bytes, size_t count, const uint8_t **tape, size_t *tape_count);

/// The readable bytes ccs_json_parse_padded needs after its input.
size_t ccs_json_padding(void);

#ifdef __cplusplus
}
#endif
#endif
