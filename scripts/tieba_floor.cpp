// A lower bound, not part of corpus-clean: the least CPU time a Tieba record needs on this
// machine, for docs/PERFORMANCE.md ("What the open aims would need").
//
// One thread, one fused pass, no record objects, and less work than corpus-clean must do:
// find the line and its TAB, check the line's UTF-8 (simdjson), hash both texts (128 bits)
// into an open-addressed table (the exact dedup; hashes computed for 64 lines, their slots
// prefetched, then probed), and write the JSONL line with the texts escaped. It leaves out
// the normaliser's and the converter's checks, the step counts, zstd and SHA-256 (measured
// apart). Whatever it prints, a real run needs more.
//
//   g++ -O3 -march=native -o /tmp/tieba_floor scripts/tieba_floor.cpp -lsimdjson
//   /tmp/tieba_floor .bench/full-scale-1000/raw_chat_corpus/tieba-305w/tieba.dialogues
#include <simdjson.h>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#if defined(__AVX512BW__)
#include <immintrin.h>
#endif

namespace {

uint64_t mix(uint64_t a, uint64_t b) {
    __uint128_t r = static_cast<__uint128_t>(a) * b;
    return static_cast<uint64_t>(r) ^ static_cast<uint64_t>(r >> 64);
}

uint64_t load8(const uint8_t *p) {
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

// Two multiply-mix lanes over 16-byte blocks: 128 bits of hash, about as cheap as hashing gets.
void hash128(const uint8_t *p, size_t n, uint64_t &h0, uint64_t &h1) {
    const uint64_t k0 = 0xa0761d6478bd642full, k1 = 0xe7037ed1a0b428dbull, k2 = 0x8ebc6af09c88c6e3ull;
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        h0 = mix(load8(p + i) ^ k0 ^ h0, load8(p + i + 8) ^ k1);
        h1 = mix(load8(p + i) ^ k2 ^ h1, load8(p + i + 8) ^ k0);
    }
    uint8_t tail[16] = {0};
    memcpy(tail, p + i, n - i);
    h0 = mix(load8(tail) ^ k0 ^ h0, load8(tail + 8) ^ k1 ^ n);
    h1 = mix(load8(tail) ^ k2 ^ h1, load8(tail + 8) ^ k0 ^ n);
}

bool special(uint8_t c) { return c < 0x20 || c == '"' || c == '\\'; }

// The offset of the first byte JSON must escape, or n.
size_t firstSpecial(const uint8_t *p, size_t n) {
    size_t i = 0;
#if defined(__AVX512BW__)
    const __m512i quote = _mm512_set1_epi8('"'), slash = _mm512_set1_epi8('\\'), space = _mm512_set1_epi8(0x20);
    for (; i < n; i += 64) {
        __mmask64 live = n - i >= 64 ? ~0ull : (1ull << (n - i)) - 1;
        __m512i v = _mm512_maskz_loadu_epi8(live, p + i);
        __mmask64 m = (_mm512_cmpeq_epi8_mask(v, quote) | _mm512_cmpeq_epi8_mask(v, slash) |
                       _mm512_cmplt_epu8_mask(v, space)) & live;
        if (m) return i + __builtin_ctzll(m);
    }
    return n;
#else
    while (i < n && !special(p[i])) i++;
    return i;
#endif
}

struct Out {
    uint8_t *bytes;
    size_t count = 0;
    void put(const void *s, size_t n) {
        memcpy(bytes + count, s, n);
        count += n;
    }
    void putEscaped(const uint8_t *p, size_t n) {
        size_t i = firstSpecial(p, n);
        put(p, i);
        for (; i < n; i++) {
            if (special(p[i])) {
                char t[8];
                put(t, snprintf(t, sizeof t, "\\u%04x", p[i]));
            } else {
                bytes[count++] = p[i];
            }
        }
    }
    void putNumber(size_t v) {
        char t[24];
        int k = 24;
        do {
            t[--k] = static_cast<char>('0' + v % 10);
            v /= 10;
        } while (v);
        put(t + k, 24 - k);
    }
};

struct Line {
    const uint8_t *q, *a;
    size_t qn, an, ordinal;
    uint64_t h0, h1;
};

}  // namespace

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s tieba.dialogues\n", argv[0]);
        return 64;
    }
    int fd = open(argv[1], O_RDONLY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        perror(argv[1]);
        return 1;
    }
    const size_t n = static_cast<size_t>(st.st_size);
    auto *d = static_cast<const uint8_t *>(mmap(nullptr, n, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0));
    if (d == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    const size_t slots = size_t(1) << 23;  // 16-byte keys, at most 3/8 full for 3 million lines
    std::vector<uint64_t> table(2 * slots, 0);
    Out out{static_cast<uint8_t *>(malloc(size_t(1) << 25))};
    size_t records = 0, duplicates = 0, malformed = 0, written = 0;
    Line batch[64];

    auto start = std::chrono::steady_clock::now();
    size_t pos = 0;
    while (pos < n) {
        int m = 0;
        while (m < 64 && pos < n) {
            const uint8_t *line = d + pos;
            auto *nl = static_cast<const uint8_t *>(memchr(line, '\n', n - pos));
            size_t len = nl ? static_cast<size_t>(nl - line) : n - pos;
            pos += len + 1;
            records++;
            auto *tab = static_cast<const uint8_t *>(memchr(line, '\t', len));
            if (!tab || !simdjson::validate_utf8(reinterpret_cast<const char *>(line), len)) {
                malformed++;
                continue;
            }
            Line &r = batch[m++];
            r = Line{line, tab + 1, static_cast<size_t>(tab - line), len - static_cast<size_t>(tab - line) - 1,
                     records, 1, 2};
            hash128(r.q, r.qn, r.h0, r.h1);
            hash128(r.a, r.an, r.h0, r.h1);
            if (r.h0 == 0) r.h0 = 1;  // 0 marks an empty slot
            __builtin_prefetch(&table[2 * (r.h0 & (slots - 1))]);
        }
        for (int j = 0; j < m; j++) {
            const Line &r = batch[j];
            size_t s = r.h0 & (slots - 1);
            bool seen = false;
            while (table[2 * s] != 0) {
                if (table[2 * s] == r.h0 && table[2 * s + 1] == r.h1) {
                    seen = true;
                    break;
                }
                s = (s + 1) & (slots - 1);
            }
            if (seen) {
                duplicates++;
                continue;
            }
            table[2 * s] = r.h0;
            table[2 * s + 1] = r.h1;
            static const char head[] = "{\"id\":\"tieba:tieba.dialogues:";
            static const char human[] = "\",\"source\":\"tieba\",\"conversations\":[{\"from\":\"human\",\"value\":\"";
            static const char gpt[] = "\"},{\"from\":\"gpt\",\"value\":\"";
            static const char tail[] = "\"}],\"metadata\":\"{}\"}\n";
            out.put(head, sizeof head - 1);
            out.putNumber(r.ordinal);
            out.put(human, sizeof human - 1);
            out.putEscaped(r.q, r.qn);
            out.put(gpt, sizeof gpt - 1);
            out.putEscaped(r.a, r.an);
            out.put(tail, sizeof tail - 1);
            if (out.count > (size_t(1) << 24)) {
                written += out.count;
                out.count = 0;
            }
        }
    }
    written += out.count;
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    printf("%zu records (%zu duplicates, %zu malformed), %.1f MB of JSONL: %.3f s, %.0f ns a record, "
           "%.1f MB/s of input, one thread\n",
           records, duplicates, malformed, written / 1e6, seconds, seconds * 1e9 / records, n / 1e6 / seconds);
    return 0;
}
