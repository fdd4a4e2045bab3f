#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace fkvs::scripting {

// What the first line of FUNCTION LOAD's code declares:
// "#!<engine> name=<library>", its words split as Redis splits them
// (quotes allowed).
struct LibraryMetadata {
  std::string engine;
  std::string name;
  // Bytes of that line, not counting its newline (which is kept, so line
  // numbers in errors stay the user's).
  size_t line_length = 0;
};

// Reads the metadata line of code; on failure returns false and sets error
// to Redis's message ("Missing library metadata", "Library name was not
// given", ...). Neither the engine nor the name is checked here.
bool parse_library_metadata(std::string_view code, LibraryMetadata& metadata, std::string& error);

// Library and function names: letters, digits and underscores, at least one.
bool valid_library_name(std::string_view name);

}  // namespace fkvs::scripting
