#ifndef CCS_ICU_H
#define CCS_ICU_H
/* ICU access for Swift through plain C types only: importing ICU's own headers into a
 * Swift module clashes with Foundation's bundled ICU, so nothing here names an ICU type. */
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** An opened ICU transliterator (a UTransliterator behind an opaque pointer). */
typedef struct ccs_transform ccs_transform;

/** Opens the ICU transform `transform_id` (e.g. "Traditional-Simplified").
 *  Returns NULL and sets *status to the ICU error code on failure. */
ccs_transform *ccs_transform_open(const char *transform_id, int32_t *status);

/** Transforms `text` (UTF-16, `length` units) in place inside a buffer of `capacity` units.
 *  Returns the new length, or -1 with *status set when the buffer is too small or ICU fails. */
int32_t ccs_transform_apply(ccs_transform *transform, uint16_t *text, int32_t length,
                            int32_t capacity, int32_t *status);

/** Writes the ranges of code points the transform may change (its source set, utrans_getSourceSet)
 *  as pairs start, end (inclusive) into `ranges`, at most `capacity` pairs. Returns the number of
 *  pairs in the set (which may exceed `capacity`), or -1 with *status set when ICU fails. */
int32_t ccs_transform_source_ranges(ccs_transform *transform, uint32_t *ranges, int32_t capacity,
                                    int32_t *status);

/** Closes a transform opened by ccs_transform_open. NULL is ignored. */
void ccs_transform_close(ccs_transform *transform);

/** The symbolic name of an ICU error code, e.g. "U_INVALID_ID". */
const char *ccs_error_name(int32_t status);

#ifdef __cplusplus
}
#endif
#endif
