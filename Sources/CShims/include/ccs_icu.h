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

/** Opens the ICU transform `transform_id` (e.g. "Traditional-Simplified") when it is a
 *  rule-based transform of ICU's transliteration index (RuleBasedTransliteratorIDs, aliases
 *  followed): its rules there are compiled, without building ICU's registry of every transform,
 *  which opening by id does first. Gives what ccs_transform_open_registered gives for the id.
 *  Returns NULL when the id is no such entry, or ICU fails. */
ccs_transform *ccs_transform_open_indexed(const char *transform_id);

/** The rules ccs_transform_open_indexed compiles for `transform_id`: their direction ('F' or
 *  'R') and then the rules, UTF-16, copied into `out` (at most `capacity` units; `out` may be
 *  NULL to ask the length). Returns the full length (rules + 1), or -1 when the id is no such
 *  entry. Reading them costs no compile. */
int32_t ccs_transform_rules_indexed(const char *transform_id, uint16_t *out, int32_t capacity);

/** Opens the ICU transform `transform_id` by id, through ICU's registry (utrans_openU).
 *  Returns NULL and sets *status to the ICU error code on failure. */
ccs_transform *ccs_transform_open_registered(const char *transform_id, int32_t *status);

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

/** A compiled ICU regular expression bound to UTF-8 text (a URegularExpression and a UText). */
typedef struct ccs_regex ccs_regex;

/** Compiles `pattern` (UTF-8, `length` bytes). Returns NULL on failure, with *status set to the
 *  ICU error code and *error_offset to the offset in the pattern (UTF-16 units) where it failed. */
ccs_regex *ccs_regex_open(const char *pattern, int32_t length, int32_t *status, int32_t *error_offset);

/** Sets the UTF-8 text the next searches run over; the bytes must stay alive meanwhile. */
int32_t ccs_regex_set_text(ccs_regex *regex, const char *text, int64_t length, int32_t *status);

/** Finds the next match in the text set last. Returns 1 and the byte offsets of the match in
 *  *start and *end, 0 when there is none, or -1 with *status set when ICU fails. */
int32_t ccs_regex_next(ccs_regex *regex, int64_t *start, int64_t *end, int32_t *status);

/** Closes a regex opened by ccs_regex_open. NULL is ignored. */
void ccs_regex_close(ccs_regex *regex);

/** Unicode normalization forms for ccs_normalize. */
enum { CCS_NFC = 0, CCS_NFD = 1, CCS_NFKC = 2, CCS_NFKD = 3 };

/** Normalizes UTF-8 `text` to `form` and writes UTF-8 into `out` (`capacity` bytes).
 *  Returns the length of the result (which may exceed `capacity`: call again with a larger
 *  buffer), or -1 with *status set when ICU fails. */
int64_t ccs_normalize(int32_t form, const char *text, int64_t length, char *out, int64_t capacity,
                      int32_t *status);

/** The symbolic name of an ICU error code, e.g. "U_INVALID_ID". */
const char *ccs_error_name(int32_t status);

/** Writes the version of the ICU library the process runs with (u_getVersion), dotted ("72.1")
 *  and NUL-terminated, into `out` (`capacity` bytes, at least 1; cut to fit). */
void ccs_icu_version(char *out, int32_t capacity);

#ifdef __cplusplus
}
#endif
#endif
