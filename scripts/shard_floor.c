/* A floor for corpus-clean's speed on Xiaohuangji and Qingyun: the least a run that writes the
 * same shards must do, in plain C, one pass on one thread, with zstd as corpus-clean sets it up.
 *
 *   cc -O2 -o /tmp/shard_floor scripts/shard_floor.c -lzstd -lcrypto
 *   /tmp/shard_floor xiaohuangji|qingyun INPUT_FILE OUTPUT_DIR REPEAT
 *
 * Each run reads INPUT_FILE in 1 MiB chunks and writes OUTPUT_DIR/floor.jsonl.zst:
 *   - xiaohuangji: sessions cut at `E` lines, `M ` utterances trimmed of spaces; a session of
 *     two or more becomes one JSONL line, its first utterance dropped when their number is odd;
 *   - qingyun: each line with a `|` split at the first ` | ` (else at the first `|`), both sides
 *     trimmed of spaces, one JSONL line; a line without `|` is skipped;
 * in corpus-clean's default layout (`id`, `source`, `conversations` of alternating human/gpt
 * turns, `metadata` "{}"), strings JSON-escaped; zstd level 1 with a checksum, two workers and
 * 1 MiB jobs (corpus-clean's set-up for a source this small); SHA-256 of the compressed bytes;
 * `fsync`, then a rename from a temporary name.
 *
 * It leaves out what corpus-clean also does for every record: UTF-8 validation, the text
 * normaliser, the script converter, Qingyun's `{br}` and its two filters, the empty-turn
 * filter, dedup, counts per step, rejects and the manifest. corpus-clean does all of that
 * besides, so it is not expected to beat the floor's time; a program that spread the floor's
 * work over every core could, down to the floor's CPU seconds divided by the cores.
 *
 * FLOOR_WORKERS and FLOOR_JOB_KB, when set, change zstd's workers and job size, to check that
 * no other set-up makes the floor faster.
 *
 * Prints one line, tab-separated: the best run's wall seconds, the least CPU seconds of a run
 * (every thread, zstd's workers included), lines written, and the input's bytes. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zstd.h>

static void die(const char *what, const char *detail) {
    fprintf(stderr, "shard_floor: %s: %s\n", what, detail);
    exit(1);
}

static double wall(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static double cpu(void) {
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return (double)(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + (double)(u.ru_utime.tv_usec + u.ru_stime.tv_usec) * 1e-6;
}

/* A growing byte buffer. */
typedef struct {
    uint8_t *p;
    size_t n, cap;
} bytes;

static void reserve(bytes *b, size_t more) {
    if (b->n + more <= b->cap) return;
    b->cap = (b->n + more) * 2;
    b->p = realloc(b->p, b->cap);
    if (!b->p) die("memory", "out of memory");
}

static void put(bytes *b, const char *s) {
    size_t n = strlen(s);
    reserve(b, n);
    memcpy(b->p + b->n, s, n);
    b->n += n;
}

/* The JSON string content of `n` bytes of UTF-8. */
static void put_json(bytes *b, const uint8_t *s, size_t n) {
    static const char hex[] = "0123456789abcdef";
    reserve(b, 6 * n);
    uint8_t *o = b->p + b->n;
    for (size_t i = 0; i < n; i++) {
        const uint8_t c = s[i];
        if (c == '"' || c == '\\') {
            *o++ = '\\';
            *o++ = c;
        } else if (c == '\n') {
            *o++ = '\\';
            *o++ = 'n';
        } else if (c < 0x20) {
            memcpy(o, "\\u00", 4);
            o[4] = (uint8_t)hex[c >> 4];
            o[5] = (uint8_t)hex[c & 15];
            o += 6;
        } else {
            *o++ = c;
        }
    }
    b->n = (size_t)(o - b->p);
}

typedef struct {
    ZSTD_CCtx *zstd;
    EVP_MD_CTX *sha;
    int fd;
    uint8_t *out;
    size_t cap;
} shard;

static void feed(shard *s, const void *p, size_t n, ZSTD_EndDirective end) {
    ZSTD_inBuffer in = {p, n, 0};
    for (;;) {
        ZSTD_outBuffer out = {s->out, s->cap, 0};
        const size_t left = ZSTD_compressStream2(s->zstd, &out, &in, end);
        if (ZSTD_isError(left)) die("zstd", ZSTD_getErrorName(left));
        if (out.pos) {
            EVP_DigestUpdate(s->sha, s->out, out.pos);
            if (write(s->fd, s->out, out.pos) != (ssize_t)out.pos) die("write", strerror(errno));
        }
        if (end == ZSTD_e_end ? left == 0 : in.pos == in.size) return;
    }
}

/* One conversation of `count` texts as a JSONL line, into `line`. */
static void conversation(bytes *line, const char *source, const char *file, long ordinal,
                         const uint8_t *const *text, const size_t *len, int count) {
    char head[512];
    snprintf(head, sizeof head, "{\"id\":\"%s:%s:%ld\",\"source\":\"%s\",\"conversations\":[", source, file,
             ordinal, source);
    line->n = 0;
    put(line, head);
    for (int k = 0; k < count; k++) {
        put(line, k % 2 == 0 ? "{\"from\":\"human\",\"value\":\"" : "{\"from\":\"gpt\",\"value\":\"");
        put_json(line, text[k], len[k]);
        put(line, k + 1 < count ? "\"}," : "\"}");
    }
    put(line, "],\"metadata\":\"{}\"}\n");
}

static void trim(const uint8_t **p, size_t *n) {
    while (*n && **p == ' ') (*p)++, (*n)--;
    while (*n && (*p)[*n - 1] == ' ') (*n)--;
}

typedef struct {
    int qingyun;
    const char *source, *file;
    long ordinal, written;
    bytes session; /* xiaohuangji: the utterances of the open session, end to end */
    size_t off[256], len[256];
    int count;
    bytes line;
} state;

static void close_session(state *st, shard *out) {
    if (st->count == 0) return;
    st->ordinal++;
    if (st->count >= 2) {
        const int first = st->count % 2;
        const uint8_t *text[256];
        for (int k = first; k < st->count; k++) text[k - first] = st->session.p + st->off[k];
        conversation(&st->line, st->source, st->file, st->ordinal, text, st->len + first, st->count - first);
        feed(out, st->line.p, st->line.n, ZSTD_e_continue);
        st->written++;
    }
    st->count = 0;
    st->session.n = 0;
}

static void line(state *st, shard *out, const uint8_t *l, size_t n) {
    if (n && l[n - 1] == '\r') n--;
    if (st->qingyun) {
        st->ordinal++;
        const uint8_t *bar = NULL;
        for (size_t i = 0; i + 2 < n; i++)
            if (l[i] == ' ' && l[i + 1] == '|' && l[i + 2] == ' ') {
                bar = l + i + 1;
                break;
            }
        if (!bar) bar = memchr(l, '|', n);
        if (!bar) return;
        const uint8_t *text[2] = {l, bar + 1};
        size_t len[2] = {(size_t)(bar - l), n - (size_t)(bar + 1 - l)};
        trim(&text[0], &len[0]);
        trim(&text[1], &len[1]);
        conversation(&st->line, st->source, st->file, st->ordinal, text, len, 2);
        feed(out, st->line.p, st->line.n, ZSTD_e_continue);
        st->written++;
        return;
    }
    if (n >= 1 && l[0] == 'E') {
        close_session(st, out);
    } else if (n >= 1 && l[0] == 'M' && st->count < 256) {
        const uint8_t *t = l + 1;
        size_t tn = n - 1;
        trim(&t, &tn);
        reserve(&st->session, tn);
        memcpy(st->session.p + st->session.n, t, tn);
        st->off[st->count] = st->session.n;
        st->len[st->count] = tn;
        st->session.n += tn;
        st->count++;
    }
}

static int env_int(const char *name, int fallback) {
    const char *v = getenv(name);
    return v && *v ? atoi(v) : fallback;
}

static long run(int qingyun, const char *source, const char *input, const char *dir) {
    char partial[4096], final[4096];
    snprintf(partial, sizeof partial, "%s/.floor.jsonl.zst.partial", dir);
    snprintf(final, sizeof final, "%s/floor.jsonl.zst", dir);
    shard out = {ZSTD_createCCtx(), EVP_MD_CTX_new(), open(partial, O_WRONLY | O_CREAT | O_TRUNC, 0644), NULL, 0};
    if (out.fd < 0) die(partial, strerror(errno));
    ZSTD_CCtx_setParameter(out.zstd, ZSTD_c_compressionLevel, 1);
    ZSTD_CCtx_setParameter(out.zstd, ZSTD_c_checksumFlag, 1);
    ZSTD_CCtx_setParameter(out.zstd, ZSTD_c_nbWorkers, env_int("FLOOR_WORKERS", 2));
    ZSTD_CCtx_setParameter(out.zstd, ZSTD_c_jobSize, env_int("FLOOR_JOB_KB", 1024) << 10);
    EVP_DigestInit_ex(out.sha, EVP_sha256(), NULL);
    out.cap = ZSTD_CStreamOutSize();
    out.out = malloc(out.cap);

    const char *slash = strrchr(input, '/');
    state st = {.qingyun = qingyun, .source = source, .file = slash ? slash + 1 : input};
    const int fd = open(input, O_RDONLY);
    if (fd < 0) die(input, strerror(errno));
    const size_t chunk = 1 << 20;
    bytes in = {0};
    reserve(&in, 2 * chunk);
    for (;;) {
        reserve(&in, chunk);
        const ssize_t got = read(fd, in.p + in.n, chunk);
        if (got < 0) die(input, strerror(errno));
        in.n += (size_t)got;
        size_t at = 0;
        for (;;) {
            const uint8_t *nl = memchr(in.p + at, '\n', in.n - at);
            if (!nl) break;
            line(&st, &out, in.p + at, (size_t)(nl - (in.p + at)));
            at = (size_t)(nl - in.p) + 1;
        }
        memmove(in.p, in.p + at, in.n - at);
        in.n -= at;
        if (got == 0) break;
    }
    if (in.n) line(&st, &out, in.p, in.n);
    if (!qingyun) close_session(&st, &out);
    close(fd);
    feed(&out, NULL, 0, ZSTD_e_end);
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned size;
    EVP_DigestFinal_ex(out.sha, digest, &size);
    if (fsync(out.fd) != 0 || close(out.fd) != 0) die(partial, strerror(errno));
    if (rename(partial, final) != 0) die(final, strerror(errno));
    ZSTD_freeCCtx(out.zstd);
    EVP_MD_CTX_free(out.sha);
    free(out.out);
    free(in.p);
    free(st.session.p);
    free(st.line.p);
    return st.written;
}

int main(int argc, char **argv) {
    if (argc != 5 || (strcmp(argv[1], "xiaohuangji") != 0 && strcmp(argv[1], "qingyun") != 0)) {
        fprintf(stderr, "usage: shard_floor xiaohuangji|qingyun INPUT_FILE OUTPUT_DIR REPEAT\n");
        return 64;
    }
    struct stat info;
    if (stat(argv[2], &info) != 0) die(argv[2], strerror(errno));
    const int repeat = atoi(argv[4]) > 0 ? atoi(argv[4]) : 1;
    double best = 1e9, least = 1e9;
    long written = 0;
    for (int r = 0; r < repeat; r++) {
        const double t0 = wall(), c0 = cpu();
        written = run(strcmp(argv[1], "qingyun") == 0, argv[1], argv[2], argv[3]);
        const double t = wall() - t0, c = cpu() - c0;
        if (t < best) best = t;
        if (c < least) least = c;
    }
    printf("%.6f\t%.6f\t%ld\t%lld\n", best, least, written, (long long)info.st_size);
    return 0;
}
