#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fkvs::scripting {

// What a script declares in its first line, "#!lua flags=no-writes,...".
enum ScriptFlag : uint32_t {
  kScriptNoWrites = 1 << 0,
  kScriptAllowOom = 1 << 1,
  kScriptAllowStale = 1 << 2,
  kScriptNoCluster = 1 << 3,
  kScriptAllowCrossSlotKeys = 1 << 4,
};

struct ScriptDeclaration {
  // No shebang: Redis runs the script in its compatibility mode (it may
  // write, and is only checked command by command).
  bool has_shebang = false;
  uint32_t flags = 0;
  // Bytes of the shebang line, not counting its newline (kept, so line
  // numbers in errors stay the user's).
  size_t shebang_length = 0;
};

// A flag by the name scripts and functions give it ("no-writes"), or nullopt.
std::optional<ScriptFlag> script_flag_named(std::string_view name);
// The names of the flags set, in Redis's order (FUNCTION LIST's flags).
std::vector<std::string_view> script_flag_names(uint32_t flags);

// Reads a script's shebang as Redis 7.0 does; on failure returns false and
// sets error to Redis's message ("Unexpected flag in script shebang: x").
bool parse_script_declaration(std::string_view body, ScriptDeclaration& declaration,
                              std::string& error);

}  // namespace fkvs::scripting
