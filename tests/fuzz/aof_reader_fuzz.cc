// The AOF's readers on arbitrary bytes: the manifest parser and the
// command reader that replays incremental files.
//
// Input: its first byte picks the reader (even: the manifest, odd: the
// commands); the rest is the file.
// Properties checked:
//  - AofManifest::parse returns or throws FormatError; a manifest it
//    returns that names files (of real lengths), formatted again, parses to
//    the same text (what fkvs writes, it reads back);
//  - AofReader::next returns or throws FormatError; it moves forward on
//    every command, every argument lies inside the input, whole_end()
//    never passes the input's end nor goes back, and it stops.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "persistence/aof_manifest.h"
#include "persistence/aof_reader.h"
#include "persistence/format_error.h"

namespace fkvs {
namespace {

[[noreturn]] void broken(const char* property, const std::string& detail) {
  std::fprintf(stderr, "aof reader fuzz: %s\n  %s\n", property, detail.c_str());
  std::abort();
}

void fuzz_manifest(std::string_view text) {
  persistence::AofManifest manifest;
  try {
    manifest = persistence::AofManifest::parse(text);
  } catch (const persistence::FormatError&) {
    return;
  }
  const std::string formatted = manifest.format();
  // A manifest of comments alone names no file; fkvs never writes one. Nor
  // a line of 1024 bytes (the limit Redis reads too): that takes a file
  // name far over any file system's 255 bytes, quoted.
  if (formatted.empty()) return;
  for (size_t start = 0, end; start < formatted.size(); start = end + 1) {
    end = formatted.find('\n', start);
    if (end - start >= 1024) return;
  }
  try {
    const std::string again = persistence::AofManifest::parse(formatted).format();
    if (again != formatted) broken("a formatted manifest parses differently", formatted);
  } catch (const persistence::FormatError& error) {
    broken("a formatted manifest does not parse", formatted + "\n  " + error.what());
  }
}

void fuzz_commands(std::string_view bytes) {
  persistence::AofReader reader(bytes, 0);
  size_t last_offset = 0;
  size_t last_whole = 0;
  bool first = true;
  for (size_t steps = 0;; ++steps) {
    if (steps > bytes.size() + 1) broken("the reader does not stop", std::to_string(steps));
    persistence::AofReader::Step step;
    try {
      step = reader.next();
    } catch (const persistence::FormatError&) {
      if (reader.offset() > bytes.size()) broken("an error offset past the end", "");
      return;
    }
    if (reader.whole_end() > bytes.size() || reader.whole_end() < last_whole) {
      broken("whole_end out of order", std::to_string(reader.whole_end()));
    }
    last_whole = reader.whole_end();
    if (step != persistence::AofReader::Step::kCommand) return;
    if (!first && reader.offset() <= last_offset) {
      broken("a command did not move the reader on", std::to_string(reader.offset()));
    }
    first = false;
    last_offset = reader.offset();
    for (std::string_view arg : reader.args()) {
      if (arg.data() < bytes.data() || arg.data() + arg.size() > bytes.data() + bytes.size()) {
        broken("an argument outside the input", std::to_string(arg.size()));
      }
    }
  }
}

}  // namespace
}  // namespace fkvs

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view file(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] % 2 == 0) {
    fkvs::fuzz_manifest(file);
  } else {
    fkvs::fuzz_commands(file);
  }
  return 0;
}
