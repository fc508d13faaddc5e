// The simdjson shim: see include/ccs_simdjson.h for the tape layout.
#include "ccs_simdjson.h"

#include <simdjson.h>

#include <cstring>
#include <vector>

namespace {

struct ThreadParser {
    simdjson::dom::parser parser;
    std::vector<uint8_t> tape;
    ThreadParser() { (void)parser.allocate(1 << 16, 512); }
};

ThreadParser &threadParser() {
    static thread_local ThreadParser p;
    return p;
}

template <typename T> void put(std::vector<uint8_t> &t, T v) {
    size_t n = t.size();
    t.resize(n + sizeof(T));
    std::memcpy(t.data() + n, &v, sizeof(T));
}

// A string is its length and where its bytes are: in the parser's own string buffer (keys
// and values are unescaped there), not copied into the tape.
void putString(std::vector<uint8_t> &t, std::string_view s) {
    put<uint32_t>(t, static_cast<uint32_t>(s.size()));
    put<const char *>(t, s.data());
}

void emit(std::vector<uint8_t> &t, simdjson::dom::element e);

// Writes a container: its tag, then its count and the bytes its members take (filled in once
// `members`, which writes them and returns how many, has run).
template <typename Members> void container(std::vector<uint8_t> &t, uint8_t tag, Members members) {
    t.push_back(tag);
    size_t at = t.size();
    put<uint64_t>(t, 0);
    uint32_t count = members();
    uint32_t body = static_cast<uint32_t>(t.size() - at - 8);
    std::memcpy(t.data() + at, &count, sizeof count);
    std::memcpy(t.data() + at + 4, &body, sizeof body);
}

void emit(std::vector<uint8_t> &t, simdjson::dom::element e) {
    using simdjson::dom::element_type;
    switch (e.type()) {
    case element_type::OBJECT:
        container(t, 'o', [&] {
            uint32_t n = 0;
            for (auto field : e.get_object().value_unsafe()) {
                putString(t, field.key);
                emit(t, field.value);
                n += 1;
            }
            return n;
        });
        break;
    case element_type::ARRAY:
        container(t, 'a', [&] {
            uint32_t n = 0;
            for (auto item : e.get_array().value_unsafe()) {
                emit(t, item);
                n += 1;
            }
            return n;
        });
        break;
    case element_type::STRING:
        t.push_back('s');
        putString(t, e.get_string().value_unsafe());
        break;
    case element_type::INT64:
        t.push_back('i');
        put<int64_t>(t, e.get_int64().value_unsafe());
        break;
    case element_type::UINT64:
        t.push_back('u');
        put<uint64_t>(t, e.get_uint64().value_unsafe());
        break;
    case element_type::DOUBLE:
        t.push_back('d');
        put<double>(t, e.get_double().value_unsafe());
        break;
    case element_type::BOOL:
        t.push_back(e.get_bool().value_unsafe() ? 't' : 'f');
        break;
    case element_type::NULL_VALUE:
        t.push_back('n');
        break;
    }
}

}  // namespace

extern "C" int ccs_utf8_valid(const uint8_t *bytes, size_t count) {
    return simdjson::validate_utf8(reinterpret_cast<const char *>(bytes), count) ? 1 : 0;
}

static int parseInto(const uint8_t *bytes, size_t count, bool copy, const uint8_t **tape, size_t *tape_count) {
    ThreadParser &p = threadParser();
    simdjson::dom::element root;
    if (p.parser.parse(bytes, count, copy).get(root) != simdjson::SUCCESS) return 0;
    p.tape.clear();
    emit(p.tape, root);
    *tape = p.tape.data();
    *tape_count = p.tape.size();
    return 1;
}

extern "C" int ccs_json_parse(const uint8_t *bytes, size_t count, const uint8_t **tape, size_t *tape_count) {
    return parseInto(bytes, count, true, tape, tape_count);
}

extern "C" int ccs_json_parse_padded(const uint8_t *bytes, size_t count, const uint8_t **tape, size_t *tape_count) {
    return parseInto(bytes, count, false, tape, tape_count);
}

extern "C" size_t ccs_json_padding(void) { return simdjson::SIMDJSON_PADDING; }
