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

// Fills in a container's count and the bytes its members take, after its two u32 fields at `at`.
void patch(std::vector<uint8_t> &t, size_t at, uint32_t count) {
    uint32_t body = static_cast<uint32_t>(t.size() - at - 8);
    std::memcpy(t.data() + at, &count, sizeof count);
    std::memcpy(t.data() + at + 4, &body, sizeof body);
}

void emit(std::vector<uint8_t> &t, simdjson::dom::element e) {
    using simdjson::dom::element_type;
    switch (e.type()) {
    case element_type::OBJECT: {
        t.push_back('o');
        size_t at = t.size();
        put<uint32_t>(t, 0);
        put<uint32_t>(t, 0);
        uint32_t n = 0;
        for (auto field : e.get_object().value_unsafe()) {
            putString(t, field.key);
            emit(t, field.value);
            n += 1;
        }
        patch(t, at, n);
        break;
    }
    case element_type::ARRAY: {
        t.push_back('a');
        size_t at = t.size();
        put<uint32_t>(t, 0);
        put<uint32_t>(t, 0);
        uint32_t n = 0;
        for (auto item : e.get_array().value_unsafe()) {
            emit(t, item);
            n += 1;
        }
        patch(t, at, n);
        break;
    }
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

extern "C" int ccs_json_parse(const uint8_t *bytes, size_t count, const uint8_t **tape, size_t *tape_count) {
    ThreadParser &p = threadParser();
    simdjson::dom::element root;
    if (p.parser.parse(bytes, count, true).get(root) != simdjson::SUCCESS) return 0;
    p.tape.clear();
    emit(p.tape, root);
    *tape = p.tape.data();
    *tape_count = p.tape.size();
    return 1;
}
