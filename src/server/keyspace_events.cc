#include "server/keyspace_events.h"

#include <array>
#include <utility>

namespace fkvs::keyspace_events {

namespace {

// The event classes in the order Redis prints them when not all are set
// (n among them: Redis drops it from the "A" form).
constexpr std::array<std::pair<char, uint32_t>, 11> kClassLetters = {{
    {'g', kGeneric},
    {'$', kString},
    {'l', kList},
    {'s', kSet},
    {'h', kHash},
    {'z', kZset},
    {'x', kExpired},
    {'e', kEvicted},
    {'t', kStream},
    {'d', kModule},
    {'n', kNewKey},
}};

}  // namespace

std::optional<uint32_t> parse(std::string_view classes) {
  uint32_t flags = 0;
  for (const char letter : classes) {
    switch (letter) {
      case 'A':
        flags |= kAll;
        continue;
      case 'K':
        flags |= kKeyspace;
        continue;
      case 'E':
        flags |= kKeyevent;
        continue;
      case 'm':
        flags |= kKeyMiss;
        continue;
      default:
        break;
    }
    bool known = false;
    for (const auto& [class_letter, flag] : kClassLetters) {
      if (letter == class_letter) {
        flags |= flag;
        known = true;
      }
    }
    if (!known) return std::nullopt;
  }
  return flags;
}

std::string format(uint32_t flags) {
  std::string text;
  if ((flags & kAll) == kAll) {
    text += 'A';
  } else {
    for (const auto& [letter, flag] : kClassLetters) {
      if (flags & flag) text += letter;
    }
  }
  if (flags & kKeyspace) text += 'K';
  if (flags & kKeyevent) text += 'E';
  if (flags & kKeyMiss) text += 'm';
  return text;
}

}  // namespace fkvs::keyspace_events
