#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fkvs::test {

// Just enough JSON to read the fixtures' expected contents: objects (kept
// in order), arrays, strings (escapes of ASCII only), numbers (kept as
// their text), true, false, null.
class JsonValue {
 public:
  enum class Kind { kNull, kBool, kNumber, kString, kArray, kObject };

  static JsonValue parse(std::string_view text) {
    size_t position = 0;
    JsonValue value = parse_value(text, position);
    skip_space(text, position);
    if (position != text.size()) throw std::runtime_error("json: bytes after the value");
    return value;
  }

  Kind kind() const { return kind_; }
  bool is_null() const { return kind_ == Kind::kNull; }
  const std::string& text() const { return text_; }
  int64_t integer() const { return std::stoll(text_); }
  uint64_t unsigned_integer() const { return std::stoull(text_); }
  const std::vector<JsonValue>& items() const { return items_; }
  const std::vector<std::pair<std::string, JsonValue>>& members() const { return members_; }
  size_t size() const { return kind_ == Kind::kArray ? items_.size() : members_.size(); }
  const JsonValue& operator[](size_t index) const { return items_.at(index); }
  const JsonValue& operator[](std::string_view key) const {
    for (const auto& [name, value] : members_) {
      if (name == key) return value;
    }
    throw std::out_of_range("json: no member " + std::string(key));
  }

 private:
  static void skip_space(std::string_view text, size_t& position) {
    while (position < text.size() && (text[position] == ' ' || text[position] == '\n' ||
                                      text[position] == '\r' || text[position] == '\t')) {
      ++position;
    }
  }

  static void expect(std::string_view text, size_t& position, std::string_view word) {
    if (text.substr(position, word.size()) != word) throw std::runtime_error("json: bad token");
    position += word.size();
  }

  static std::string parse_string(std::string_view text, size_t& position) {
    expect(text, position, "\"");
    std::string out;
    while (position < text.size() && text[position] != '"') {
      char c = text[position++];
      if (c == '\\') {
        const char escaped = text.at(position++);
        switch (escaped) {
          case 'n':
            c = '\n';
            break;
          case 't':
            c = '\t';
            break;
          case 'r':
            c = '\r';
            break;
          case 'u':
            c = static_cast<char>(std::stoi(std::string(text.substr(position, 4)), nullptr, 16));
            position += 4;
            break;
          default:
            c = escaped;
        }
      }
      out += c;
    }
    expect(text, position, "\"");
    return out;
  }

  static JsonValue parse_value(std::string_view text, size_t& position) {
    skip_space(text, position);
    JsonValue value;
    if (position >= text.size()) throw std::runtime_error("json: unexpected end");
    const char c = text[position];
    if (c == '{') {
      value.kind_ = Kind::kObject;
      ++position;
      skip_space(text, position);
      if (text.at(position) == '}') return ++position, value;
      for (;;) {
        skip_space(text, position);
        std::string key = parse_string(text, position);
        skip_space(text, position);
        expect(text, position, ":");
        value.members_.emplace_back(std::move(key), parse_value(text, position));
        skip_space(text, position);
        if (text.at(position) == '}') return ++position, value;
        expect(text, position, ",");
      }
    }
    if (c == '[') {
      value.kind_ = Kind::kArray;
      ++position;
      skip_space(text, position);
      if (text.at(position) == ']') return ++position, value;
      for (;;) {
        value.items_.push_back(parse_value(text, position));
        skip_space(text, position);
        if (text.at(position) == ']') return ++position, value;
        expect(text, position, ",");
      }
    }
    if (c == '"') {
      value.kind_ = Kind::kString;
      value.text_ = parse_string(text, position);
      return value;
    }
    if (text.substr(position, 4) == "null") {
      position += 4;
      return value;
    }
    if (text.substr(position, 4) == "true" || text.substr(position, 5) == "false") {
      value.kind_ = Kind::kBool;
      value.text_ = text[position] == 't' ? "true" : "false";
      position += value.text_.size();
      return value;
    }
    value.kind_ = Kind::kNumber;
    const size_t start = position;
    while (position < text.size() &&
           std::string_view("-+.eE0123456789").find(text[position]) != std::string_view::npos) {
      ++position;
    }
    if (position == start) throw std::runtime_error("json: unexpected character");
    value.text_ = std::string(text.substr(start, position - start));
    return value;
  }

  Kind kind_ = Kind::kNull;
  std::string text_;
  std::vector<JsonValue> items_;
  std::vector<std::pair<std::string, JsonValue>> members_;
};

}  // namespace fkvs::test
