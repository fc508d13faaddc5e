#include "ccs_scan.h"

#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* Whether the three-byte character at `p` has its bit set. */
static inline int candidate3(const uint8_t *p, const uint64_t *bits) {
    return (bits[(size_t)(p[0] & 0x0F) << 6 | (size_t)(p[1] & 0x3F)] >> (p[2] & 0x3F)) & 1;
}

size_t ccs_first_conversion_candidate_portable(const uint8_t *text, size_t length, const uint64_t *bits) {
    size_t i = 0;
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
    /* The last bytes; the portable scan skips the continuation bytes of a character a block
     * began, as it skips any continuation byte. */
    return i + ccs_first_conversion_candidate_portable(text + i, length - i, bits);
}

#ifdef __SSE2__
#define CCS_EQ(v, b) _mm_cmpeq_epi8((v), _mm_set1_epi8((char)(b)))
/* low <= v <= high, unsigned: min(v - low, high - low) == v - low */
#define CCS_IN(v, low, high)                                                                   \
    _mm_cmpeq_epi8(_mm_min_epu8(_mm_sub_epi8((v), _mm_set1_epi8((char)(low))),                  \
                                _mm_set1_epi8((char)((high) - (low)))),                         \
                   _mm_sub_epi8((v), _mm_set1_epi8((char)(low))))

/* Whether one of the characters the normaliser rewrites starts at one of the sixteen positions
 * from `p` (reads eighteen bytes). */
static inline int normaliser_block(const uint8_t *p, int fold) {
    const __m128i v0 = _mm_loadu_si128((const __m128i *)p);
    const __m128i is_c2 = CCS_EQ(v0, 0xC2), is_e2 = CCS_EQ(v0, 0xE2);
    const __m128i is_e3 = CCS_EQ(v0, 0xE3), is_ef = CCS_EQ(v0, 0xEF);
    if (_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(is_c2, is_e2), _mm_or_si128(is_e3, is_ef))) == 0) return 0;
    const __m128i v1 = _mm_loadu_si128((const __m128i *)(p + 1));
    const __m128i v2 = _mm_loadu_si128((const __m128i *)(p + 2));
    const __m128i v1_80 = CCS_EQ(v1, 0x80);
    /* U+0085 */
    __m128i hit = _mm_and_si128(is_c2, CCS_EQ(v1, 0x85));
    /* U+200B-U+200D, U+2028, U+2029; U+2060 */
    const __m128i e2_80 = _mm_and_si128(v1_80, _mm_or_si128(CCS_IN(v2, 0x8B, 0x8D), CCS_IN(v2, 0xA8, 0xA9)));
    const __m128i e2_81 = _mm_and_si128(CCS_EQ(v1, 0x81), CCS_EQ(v2, 0xA0));
    hit = _mm_or_si128(hit, _mm_and_si128(is_e2, _mm_or_si128(e2_80, e2_81)));
    /* U+3000 */
    hit = _mm_or_si128(hit, _mm_and_si128(is_e3, _mm_and_si128(v1_80, CCS_EQ(v2, 0x80))));
    /* U+FEFF */
    __m128i ef_hit = _mm_and_si128(CCS_EQ(v1, 0xBB), CCS_EQ(v2, 0xBF));
    if (fold) {
        /* U+FF10-FF19, U+FF21-FF3A: EF BC 90-99, A1-BA; U+FF41-FF5A: EF BD 81-9A */
        const __m128i bc = _mm_and_si128(CCS_EQ(v1, 0xBC), _mm_or_si128(CCS_IN(v2, 0x90, 0x99), CCS_IN(v2, 0xA1, 0xBA)));
        const __m128i bd = _mm_and_si128(CCS_EQ(v1, 0xBD), CCS_IN(v2, 0x81, 0x9A));
        ef_hit = _mm_or_si128(ef_hit, _mm_or_si128(bc, bd));
    }
    hit = _mm_or_si128(hit, _mm_and_si128(is_ef, ef_hit));
    return _mm_movemask_epi8(hit) != 0;
}
#undef CCS_EQ
#undef CCS_IN

int ccs_normaliser_finds(const uint8_t *text, size_t length, int fold) {
    size_t i = 0;
    for (; i + 18 <= length; i += 16) {
        if (normaliser_block(text + i, fold)) return 1;
    }
    if (length >= 18) {
        /* The positions left, from one more block over the text's last eighteen bytes (it
         * repeats some positions), up to the third byte from the end; the second from the end
         * can only start U+0085, the one two-byte character looked for. */
        if (i < length && normaliser_block(text + length - 18, fold)) return 1;
        return text[length - 2] == 0xC2 && text[length - 1] == 0x85;
    }
    /* A short text from a zero-padded copy: a zero byte is part of no character looked for,
     * so the padding finds nothing that the text does not hold. */
    uint8_t tail[34] = {0};
    memcpy(tail, text, length);
    return normaliser_block(tail, fold) || normaliser_block(tail + 16, fold);
}
#else
int ccs_normaliser_finds(const uint8_t *text, size_t length, int fold) {
    return ccs_normaliser_finds_portable(text, length, fold);
}
#endif

int ccs_normaliser_finds_portable(const uint8_t *text, size_t length, int fold) {
    for (size_t i = 0; i < length; i++) {
        const uint8_t b0 = text[i], b1 = i + 1 < length ? text[i + 1] : 0, b2 = i + 2 < length ? text[i + 2] : 0;
        if (b0 == 0xC2 && b1 == 0x85) return 1;
        if (b0 == 0xE2 && b1 == 0x80 && ((b2 >= 0x8B && b2 <= 0x8D) || b2 == 0xA8 || b2 == 0xA9)) return 1;
        if (b0 == 0xE2 && b1 == 0x81 && b2 == 0xA0) return 1;
        if (b0 == 0xE3 && b1 == 0x80 && b2 == 0x80) return 1;
        if (b0 == 0xEF && b1 == 0xBB && b2 == 0xBF) return 1;
        if (fold && b0 == 0xEF && b1 == 0xBC && ((b2 >= 0x90 && b2 <= 0x99) || (b2 >= 0xA1 && b2 <= 0xBA))) return 1;
        if (fold && b0 == 0xEF && b1 == 0xBD && b2 >= 0x81 && b2 <= 0x9A) return 1;
    }
    return 0;
}

/* The escape of one byte that needs it; returns its length. */
static inline size_t escape1(uint8_t b, uint8_t *out) {
    static const char hex[] = "0123456789abcdef";
    out[0] = '\\';
    switch (b) {
    case '"': out[1] = '"'; return 2;
    case '\\': out[1] = '\\'; return 2;
    case '\n': out[1] = 'n'; return 2;
    case '\r': out[1] = 'r'; return 2;
    case '\t': out[1] = 't'; return 2;
    default:
        out[1] = 'u';
        out[2] = '0';
        out[3] = '0';
        out[4] = (uint8_t)hex[b >> 4];
        out[5] = (uint8_t)hex[b & 15];
        return 6;
    }
}

size_t ccs_json_escape_portable(const uint8_t *text, size_t length, uint8_t *out) {
    size_t o = 0;
    for (size_t i = 0; i < length; i++) {
        const uint8_t b = text[i];
        if (b < 0x20 || b == '"' || b == '\\') {
            o += escape1(b, out + o);
        } else {
            out[o++] = b;
        }
    }
    return o;
}

size_t ccs_json_escape(const uint8_t *text, size_t length, uint8_t *out) {
    size_t i = 0, o = 0;
#ifdef __SSE2__
    const __m128i x1f = _mm_set1_epi8(0x1F), quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\');
    /* Each block is stored whole and the output then advanced past what needs no escape: the
     * store may run up to sixteen bytes past the written end, but never past 6 * length: the
     * output is at most six times the input read so far, and a block starts sixteen bytes or
     * more before the input's end. */
    while (i + 16 <= length) {
        const __m128i v = _mm_loadu_si128((const __m128i *)(text + i));
        _mm_storeu_si128((__m128i *)(out + o), v);
        const __m128i special = _mm_or_si128(_mm_cmpeq_epi8(_mm_max_epu8(v, x1f), x1f),
                                             _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)));
        const unsigned mask = (unsigned)_mm_movemask_epi8(special);
        if (mask == 0) {
            i += 16;
            o += 16;
            continue;
        }
        const unsigned j = (unsigned)__builtin_ctz(mask);
        o += j;
        o += escape1(text[i + j], out + o);
        i += j + 1;
    }
#endif
    /* The last bytes (all of them without SSE2): `out + o` has room for six times what is
     * left, as the output so far is at most six times the input read. */
    return o + ccs_json_escape_portable(text + i, length - i, out + o);
}

/* Whether the byte `b` of the text matches the needle byte `c`: `b` itself, or, under `fold`,
 * `b` with A-Z lowered (so an upper-case needle byte never matches under `fold`). */
static inline int find_matches(uint8_t b, uint8_t c, int fold) {
    if (fold && b >= 0x41 && b <= 0x5A) b |= 0x20;
    return b == c;
}

static inline int find_at(const uint8_t *p, const uint8_t *needle, size_t m, int fold) {
    for (size_t k = 0; k < m; k++)
        if (!find_matches(p[k], needle[k], fold)) return 0;
    return 1;
}

#ifdef __SSE2__
/* The positions of the sixteen from `p` whose first byte (and, when `two`, second byte) match
 * the needle's (reads seventeen bytes). Under `fold` a lower-case letter of the needle is
 * compared with the text's byte OR 0x20, which is that letter exactly for the letter in
 * either case; the full comparison afterwards decides. */
static inline unsigned find_block(const uint8_t *p, __m128i b0, __m128i or0, __m128i b1, __m128i or1, int two) {
    __m128i hit = _mm_cmpeq_epi8(_mm_or_si128(_mm_loadu_si128((const __m128i *)p), or0), b0);
    if (two) hit = _mm_and_si128(hit, _mm_cmpeq_epi8(_mm_or_si128(_mm_loadu_si128((const __m128i *)(p + 1)), or1), b1));
    return (unsigned)_mm_movemask_epi8(hit);
}
#endif

size_t ccs_find_portable(const uint8_t *hay, size_t n, const uint8_t *needle, size_t m, int fold) {
    if (m == 0) return 0;
    if (m > n) return n;
    for (size_t i = 0; i <= n - m; i++)
        if (find_at(hay + i, needle, m, fold)) return i;
    return n;
}

size_t ccs_find(const uint8_t *hay, size_t n, const uint8_t *needle, size_t m, int fold) {
#ifndef __SSE2__
    return ccs_find_portable(hay, n, needle, m, fold);
#else
    if (m == 0) return 0;
    if (m > n) return n;
    const size_t last = n - m; /* the last position a match can start at */
    const uint8_t c0 = needle[0], c1 = m >= 2 ? needle[1] : 0;
    const int two = m >= 2;
    const __m128i or0 = _mm_set1_epi8((char)(fold && c0 >= 0x61 && c0 <= 0x7A ? 0x20 : 0));
    const __m128i or1 = _mm_set1_epi8((char)(fold && c1 >= 0x61 && c1 <= 0x7A ? 0x20 : 0));
    const __m128i b0 = _mm_set1_epi8((char)c0), b1 = _mm_set1_epi8((char)c1);
    size_t i = 0;
    for (;;) {
        unsigned hits;
        size_t from = i; /* bit j of `hits` stands for position `from + j` */
        if (i + 17 <= n) {
            hits = find_block(hay + i, b0, or0, b1, or1, two);
        } else if (n >= 17) {
            /* The last positions, from one more block that ends with the hay: over its last
             * seventeen bytes for a needle of two or more (whose match cannot start at the
             * last byte), its last sixteen for one byte (`find_block` then reads sixteen). The
             * block starts at or before `i`; the positions before `i` were looked at already. */
            from = two ? n - 17 : n - 16;
            hits = find_block(hay + from, b0, or0, b1, or1, two) & (0xFFFFu << (i - from));
        } else {
            /* A short hay, from a copy with room after it: a hit there past `last` is dropped
             * below, and one before it lies on real bytes. */
            uint8_t pad[33] = {0};
            memcpy(pad, hay + i, n - i);
            hits = find_block(pad, b0, or0, b1, or1, two);
        }
        while (hits) {
            size_t at = from + (size_t)__builtin_ctz(hits);
            if (at > last) return n;
            if (find_at(hay + at, needle, m, fold)) return at;
            hits &= hits - 1;
        }
        i += 16;
        if (i > last) return n;
    }
#endif
}
