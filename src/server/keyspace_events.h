#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace fkvs {

// The classes of keyspace notifications, one per letter of
// notify-keyspace-events. K and E say where events go (__keyspace@<db>__
// and __keyevent@<db>__ channels); the others say which events are sent.
namespace keyspace_events {
inline constexpr uint32_t kKeyspace = 1 << 0;  // K
inline constexpr uint32_t kKeyevent = 1 << 1;  // E
inline constexpr uint32_t kGeneric = 1 << 2;   // g: DEL, EXPIRE, RENAME, ...
inline constexpr uint32_t kString = 1 << 3;    // $
inline constexpr uint32_t kList = 1 << 4;      // l
inline constexpr uint32_t kSet = 1 << 5;       // s
inline constexpr uint32_t kHash = 1 << 6;      // h
inline constexpr uint32_t kZset = 1 << 7;      // z
inline constexpr uint32_t kExpired = 1 << 8;   // x
inline constexpr uint32_t kEvicted = 1 << 9;   // e
inline constexpr uint32_t kStream = 1 << 10;   // t
inline constexpr uint32_t kKeyMiss = 1 << 11;  // m
inline constexpr uint32_t kModule = 1 << 12;   // d
inline constexpr uint32_t kNewKey = 1 << 13;   // n
// A: every event class but m and n, as in Redis.
inline constexpr uint32_t kAll =
    kGeneric | kString | kList | kSet | kHash | kZset | kExpired | kEvicted | kStream | kModule;

// The flags a notify-keyspace-events value stands for, or nullopt when it
// holds a character that is no class.
std::optional<uint32_t> parse(std::string_view classes);

// The value as CONFIG GET shows it: "A" for all of kAll, else the class
// letters in Redis's order, then K, E and m.
std::string format(uint32_t flags);
}  // namespace keyspace_events

}  // namespace fkvs
