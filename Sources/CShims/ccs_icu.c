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

#include <stdlib.h>
#include <unicode/uregex.h>
#include <unicode/utext.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>

struct ccs_regex {
    URegularExpression *re;
    UText *text;
};

ccs_regex *ccs_regex_open(const char *pattern, int32_t length, int32_t *status, int32_t *error_offset) {
    UErrorCode err = U_ZERO_ERROR;
    UParseError parse;
    *error_offset = -1;
    URegularExpression *re = NULL;
    UText *pt = utext_openUTF8(NULL, pattern, length, &err);
    if (U_FAILURE(err)) { *status = (int32_t)err; return NULL; }
    re = uregex_openUText(pt, 0, &parse, &err);
    utext_close(pt);
    *status = (int32_t)err;
    if (U_FAILURE(err)) {
        *error_offset = parse.offset;
        return NULL;
    }
    /* Backtracking over long runs of white space must not hit ICU's default stack limit. */
    uregex_setStackLimit(re, 0, &err);
    ccs_regex *r = (ccs_regex *)calloc(1, sizeof(ccs_regex));
    r->re = re;
    return r;
}

int32_t ccs_regex_set_text(ccs_regex *r, const char *text, int64_t length, int32_t *status) {
    UErrorCode err = U_ZERO_ERROR;
    r->text = utext_openUTF8(r->text, text, length, &err);
    if (U_SUCCESS(err)) uregex_setUText(r->re, r->text, &err);
    *status = (int32_t)err;
    return U_FAILURE(err) ? -1 : 0;
}

int32_t ccs_regex_next(ccs_regex *r, int64_t *start, int64_t *end, int32_t *status) {
    UErrorCode err = U_ZERO_ERROR;
    UBool found = uregex_findNext(r->re, &err);
    if (U_SUCCESS(err) && found) {
        *start = uregex_start64(r->re, 0, &err);
        *end = uregex_end64(r->re, 0, &err);
    }
    *status = (int32_t)err;
    if (U_FAILURE(err)) return -1;
    return found ? 1 : 0;
}

void ccs_regex_close(ccs_regex *r) {
    if (r == NULL) return;
    uregex_close(r->re);
    if (r->text != NULL) utext_close(r->text);
    free(r);
}

int64_t ccs_normalize(int32_t form, const char *text, int64_t length, char *out, int64_t capacity,
                      int32_t *status) {
    UErrorCode err = U_ZERO_ERROR;
    const UNormalizer2 *n = NULL;
    switch (form) {
    case CCS_NFC: n = unorm2_getNFCInstance(&err); break;
    case CCS_NFD: n = unorm2_getNFDInstance(&err); break;
    case CCS_NFKC: n = unorm2_getNFKCInstance(&err); break;
    default: n = unorm2_getNFKDInstance(&err); break;
    }
    if (U_FAILURE(err) || length > INT32_MAX / 4) { *status = U_FAILURE(err) ? (int32_t)err : (int32_t)U_INDEX_OUTOFBOUNDS_ERROR; return -1; }
    int32_t units = 0;
    u_strFromUTF8(NULL, 0, &units, text, (int32_t)length, &err);
    if (err == U_BUFFER_OVERFLOW_ERROR) err = U_ZERO_ERROR;
    UChar *src = (UChar *)malloc(sizeof(UChar) * (size_t)(units + 1));
    u_strFromUTF8(src, units + 1, NULL, text, (int32_t)length, &err);
    int32_t cap = units * 4 + 16;
    UChar *dst = (UChar *)malloc(sizeof(UChar) * (size_t)cap);
    int32_t outUnits = U_SUCCESS(err) ? unorm2_normalize(n, src, units, dst, cap, &err) : 0;
    if (err == U_BUFFER_OVERFLOW_ERROR) {
        err = U_ZERO_ERROR;
        cap = outUnits + 1;
        dst = (UChar *)realloc(dst, sizeof(UChar) * (size_t)cap);
        outUnits = unorm2_normalize(n, src, units, dst, cap, &err);
    }
    int32_t bytes = 0;
    if (U_SUCCESS(err)) {
        u_strToUTF8(out, (int32_t)(capacity > INT32_MAX ? INT32_MAX : capacity), &bytes, dst, outUnits, &err);
        if (err == U_BUFFER_OVERFLOW_ERROR || err == U_STRING_NOT_TERMINATED_WARNING) err = U_ZERO_ERROR;
    }
    free(src);
    free(dst);
    *status = (int32_t)err;
    return U_FAILURE(err) ? -1 : (int64_t)bytes;
}
