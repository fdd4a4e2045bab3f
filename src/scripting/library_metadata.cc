#include "scripting/library_metadata.h"

#include <algorithm>
#include <vector>

#include "split_arguments.h"

namespace fkvs::scripting {

bool parse_library_metadata(std::string_view code, LibraryMetadata& metadata, std::string& error) {
  metadata = {};
  if (!code.starts_with("#!")) {
    error = "Missing library metadata";
    return false;
  }
  // As Redis, which reads the line as a C string: a NUL before the newline ends it.
  const size_t end = code.find_first_of(std::string_view("\n\0", 2));
  if (end == std::string_view::npos || code[end] != '\n') {
    error = "Invalid library metadata";
    return false;
  }
  const std::string_view line = code.substr(0, end);
  std::string unescaped(line.size(), '\0');
  std::vector<std::string_view> words;
  if (!resp::split_arguments(line, unescaped.data(), words) || words.empty()) {
    error = "Invalid library metadata";
    return false;
  }
  metadata.engine = words[0].substr(2);
  bool named = false;
  for (size_t i = 1; i < words.size(); ++i) {
    if (!words[i].starts_with("name=")) {
      error = "Invalid metadata value given: " + std::string(words[i]);
      return false;
    }
    if (named) {
      error = "Invalid metadata value, name argument was given multiple times";
      return false;
    }
    metadata.name = words[i].substr(5);
    named = true;
  }
  if (!named) {
    error = "Library name was not given";
    return false;
  }
  metadata.line_length = end;
  return true;
}

bool valid_library_name(std::string_view name) {
  return !name.empty() && std::ranges::all_of(name, [](unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

}  // namespace fkvs::scripting
