#include "ccs_icu.h"
#include <string.h>
#include <unicode/utrans.h>
#include <unicode/utypes.h>
#include <unicode/udata.h>
#include <unicode/ures.h>
#include <unicode/uset.h>
#include <unicode/uversion.h>

/* Whether `c` may appear in a plain transform id (no filter, no compound, no options). */
static int plain_id_char(UChar c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '/';
}

/* Finds `transform_id` in ICU's index of rule-based transforms (RuleBasedTransliteratorIDs in
 * the translit data's root), as ICU's registry would: an `alias` entry leads to another id, a
 * `file` or `internal` entry holds the rules and their direction. Then either compiles them
 * (`out` NULL: returns the transform) or copies the direction ('F' or 'R') and the rules into
 * `out` (at most `capacity` units; the full length, rules + 1, goes to *length). NULL and
 * *length -1 when the id is not such an entry, or an alias is more than a plain id. Opening by
 * id builds the whole registry first (every id in the index, case-folded), which costs three
 * times as much as compiling the rules. */
static UTransliterator *from_index(const char *transform_id, uint16_t *out, int32_t capacity, int32_t *length) {
    UErrorCode err = U_ZERO_ERROR;
    UResourceBundle *root = ures_openDirect(U_ICUDATA_NAME U_TREE_SEPARATOR_STRING "translit", "root", &err);
    UResourceBundle *ids = ures_getByKey(root, "RuleBasedTransliteratorIDs", NULL, &err);
    UResourceBundle *entry = NULL, *item = NULL;
    UTransliterator *t = NULL;
    char key[128];
    size_t keyLength = strlen(transform_id);
    if (keyLength >= sizeof key) keyLength = 0;
    memcpy(key, transform_id, keyLength);
    key[keyLength] = '\0';
    *length = -1;
    for (int hop = 0; hop < 8 && keyLength > 0 && U_SUCCESS(err); hop++) {
        entry = ures_getByKey(ids, key, entry, &err);
        if (U_FAILURE(err) || ures_getSize(entry) != 1) break;
        item = ures_getByIndex(entry, 0, item, &err);
        if (U_FAILURE(err)) break;
        const char *kind = ures_getKey(item);
        if (kind != NULL && strcmp(kind, "alias") == 0) {
            int32_t n = 0;
            const UChar *target = ures_getString(item, &n, &err);
            if (U_FAILURE(err) || n <= 0 || n >= (int32_t)sizeof key) break;
            int plain = 1;
            for (int32_t i = 0; i < n; i++) {
                if (!plain_id_char(target[i])) plain = 0;
                key[i] = (char)target[i];
            }
            if (!plain) break;
            key[n] = '\0';
            continue;
        }
        if (kind != NULL && (strcmp(kind, "file") == 0 || strcmp(kind, "internal") == 0)) {
            int32_t n = 0, d = 0;
            const UChar *rules = ures_getStringByKey(item, "resource", &n, &err);
            const UChar *direction = ures_getStringByKey(item, "direction", &d, &err);
            if (U_FAILURE(err) || d < 1) break;
            if (out != NULL) {
                if (capacity > 0) out[0] = direction[0] == 'F' ? 'F' : 'R';
                for (int32_t i = 0; i < n && i + 1 < capacity; i++) out[i + 1] = rules[i];
                *length = n + 1;
                break;
            }
            UChar id[128];
            int32_t k = 0;
            for (; key[k] != '\0'; k++) id[k] = (UChar)(unsigned char)key[k];
            UParseError parse;
            t = utrans_openU(id, k, direction[0] == 'F' ? UTRANS_FORWARD : UTRANS_REVERSE, rules, n, &parse,
                             &err);
            if (U_FAILURE(err)) t = NULL;
        }
        break;
    }
    ures_close(item);
    ures_close(entry);
    ures_close(ids);
    ures_close(root);
    return t;
}

static UTransliterator *open_from_index(const char *transform_id) {
    int32_t length = 0;
    return from_index(transform_id, NULL, 0, &length);
}

int32_t ccs_transform_rules_indexed(const char *transform_id, uint16_t *out, int32_t capacity) {
    int32_t length = -1;
    uint16_t none = 0;
    from_index(transform_id, out != NULL ? out : &none, out != NULL ? capacity : 0, &length);
    return length;
}

ccs_transform *ccs_transform_open_indexed(const char *transform_id) {
    return (ccs_transform *)open_from_index(transform_id);
}

ccs_transform *ccs_transform_open_registered(const char *transform_id, int32_t *status) {
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

void ccs_icu_version(char *out, int32_t capacity) {
    char text[U_MAX_VERSION_STRING_LENGTH];
    UVersionInfo version;
    u_getVersion(version);
    u_versionToString(version, text);
    size_t n = strlen(text);
    if (capacity <= 0) return;
    if (n >= (size_t)capacity) n = (size_t)capacity - 1;
    memcpy(out, text, n);
    out[n] = 0;
}

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
