#include "ccs_scan.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* Whether the three-byte character at `p` has its bit set. */
static inline int candidate3(const uint8_t *p, const uint64_t *bits) {
    return (bits[(size_t)(p[0] & 0x0F) << 6 | (size_t)(p[1] & 0x3F)] >> (p[2] & 0x3F)) & 1;
}

size_t ccs_first_conversion_candidate(const uint8_t *text, size_t length, const uint64_t *bits) {
    size_t i = 0;
#ifdef __SSE2__
    const __m128i high4 = _mm_set1_epi8((char)0xF0), lead3 = _mm_set1_epi8((char)0xE0);
    const __m128i high2 = _mm_set1_epi8((char)0xC0);
    /* Sixteen positions a block; a lead byte near its end reads its continuation bytes from
     * the next block, so a block needs two bytes after it. Blocks ignore character boundaries:
     * lead bytes are told apart from continuation bytes by value. */
    while (i + 18 <= length) {
        __m128i v = _mm_loadu_si128((const __m128i *)(text + i));
        if (_mm_movemask_epi8(v) == 0) {
            i += 16;
            continue;
        }
        unsigned three = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_and_si128(v, high4), lead3));
        unsigned leads = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_and_si128(v, high2), high2));
        unsigned others = leads & ~three;
        /* Three-byte characters before the first other lead byte, in order. */
        unsigned before = others ? three & ((others & -others) - 1) : three;
        while (before) {
            unsigned j = (unsigned)__builtin_ctz(before);
            if (candidate3(text + i + j, bits)) return i + j;
            before &= before - 1;
        }
        if (others) return i + (unsigned)__builtin_ctz(others);
        i += 16;
    }
#endif
    while (i < length) {
        uint8_t b = text[i];
        if (b < 0xC0) {
            i += 1; /* ASCII, or a continuation byte of a character a block began */
        } else if ((b & 0xF0) == 0xE0 && i + 2 < length) {
            if (candidate3(text + i, bits)) return i;
            i += 3;
        } else {
            return i;
        }
    }
    return length;
}
