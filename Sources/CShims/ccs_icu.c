#include "ccs_icu.h"
#include <unicode/utrans.h>
#include <unicode/utypes.h>
#include <unicode/uset.h>

ccs_transform *ccs_transform_open(const char *transform_id, int32_t *status) {
    UErrorCode err = U_ZERO_ERROR;
    UChar id[128];
    int32_t n = 0;
    for (; transform_id[n] != '\0' && n < 127; n++) id[n] = (UChar)(unsigned char)transform_id[n];
    UTransliterator *t = utrans_openU(id, n, UTRANS_FORWARD, NULL, 0, NULL, &err);
    *status = (int32_t)err;
    if (U_FAILURE(err)) return NULL;
    return (ccs_transform *)t;
}

int32_t ccs_transform_apply(ccs_transform *transform, uint16_t *text, int32_t length,
                            int32_t capacity, int32_t *status) {
    UErrorCode err = U_ZERO_ERROR;
    int32_t limit = length;
    int32_t textLength = length;
    utrans_transUChars((UTransliterator *)transform, (UChar *)text, &textLength, capacity, 0,
                       &limit, &err);
    *status = (int32_t)err;
    if (U_FAILURE(err)) return -1;
    return textLength;
}

int32_t ccs_transform_source_ranges(ccs_transform *transform, uint32_t *ranges, int32_t capacity,
                                    int32_t *status) {
    UErrorCode err = U_ZERO_ERROR;
    USet *set = uset_openEmpty();
    utrans_getSourceSet((const UTransliterator *)transform, 0, set, &err);
    if (U_FAILURE(err)) {
        uset_close(set);
        *status = (int32_t)err;
        return -1;
    }
    int32_t n = uset_getRangeCount(set);
    for (int32_t i = 0; i < n && i < capacity; i++) {
        UChar32 start, end;
        err = U_ZERO_ERROR;
        uset_getItem(set, i, &start, &end, NULL, 0, &err);
        ranges[2 * i] = (uint32_t)start;
        ranges[2 * i + 1] = (uint32_t)end;
    }
    uset_close(set);
    *status = 0;
    return n;
}

void ccs_transform_close(ccs_transform *transform) {
    if (transform != NULL) utrans_close((UTransliterator *)transform);
}

const char *ccs_error_name(int32_t status) { return u_errorName((UErrorCode)status); }
