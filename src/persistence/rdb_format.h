#pragma once

#include <cstdint>
#include <string_view>

// Facts of Redis's RDB format (the snapshot file, DUMP payloads and the base
// of an AOF), as Redis 7.0 reads and writes it.
namespace fkvs::persistence::rdb {

// The version this server writes (Redis 7.0's) and the oldest it reads.
inline constexpr int kVersion = 10;
inline constexpr int kOldestReadableVersion = 1;
inline constexpr std::string_view kMagic = "REDIS";
inline constexpr size_t kHeaderBytes = 9;  // "REDIS" and four version digits

// Value type bytes.
enum Type : uint8_t {
  kString = 0,
  kListLinked = 1,
  kSetHashtable = 2,
  kZSetTextScores = 3,
  kHashHashtable = 4,
  kZSetBinaryScores = 5,
  kModule = 6,
  kModule2 = 7,
  kHashZipmap = 9,
  kListZiplist = 10,
  kSetIntset = 11,
  kZSetZiplist = 12,
  kHashZiplist = 13,
  kListQuicklist = 14,
  kStreamListpacks = 15,
  kHashListpack = 16,
  kZSetListpack = 17,
  kListQuicklist2 = 18,
  kStreamListpacks2 = 19,
  kSetListpack = 20,       // Redis 7.2
  kStreamListpacks3 = 21,  // Redis 7.2
};

// Opcodes between keys.
enum Opcode : uint8_t {
  kFunction2 = 0xF5,
  kFunction = 0xF6,
  kModuleAux = 0xF7,
  kIdle = 0xF8,
  kFreq = 0xF9,
  kAux = 0xFA,
  kResizeDb = 0xFB,
  kExpireTimeMs = 0xFC,
  kExpireTimeSeconds = 0xFD,
  kSelectDb = 0xFE,
  kEof = 0xFF,
};

// A length's first byte: the top two bits say how it continues.
inline constexpr uint8_t kLength6Bit = 0;      // 00xxxxxx
inline constexpr uint8_t kLength14Bit = 1;     // 01xxxxxx xxxxxxxx, big-endian
inline constexpr uint8_t kLength32Bit = 0x80;  // then 4 bytes big-endian
inline constexpr uint8_t kLength64Bit = 0x81;  // then 8 bytes big-endian
inline constexpr uint8_t kEncodedString = 3;   // 11xxxxxx: a string stored specially
// ...the special string encodings (the low six bits).
inline constexpr uint8_t kEncodedInt8 = 0;
inline constexpr uint8_t kEncodedInt16 = 1;
inline constexpr uint8_t kEncodedInt32 = 2;
inline constexpr uint8_t kEncodedLzf = 3;

// Quicklist 2 node containers.
inline constexpr uint64_t kQuicklistNodePlain = 1;
inline constexpr uint64_t kQuicklistNodePacked = 2;

// Text-score zsets (type 3) mark these scores with a special length byte.
inline constexpr uint8_t kTextScoreNan = 253;
inline constexpr uint8_t kTextScorePosInf = 254;
inline constexpr uint8_t kTextScoreNegInf = 255;

// Strings of more than this many bytes are LZF-compressed when
// rdbcompression is on (shorter ones rarely shrink).
inline constexpr size_t kCompressMinLength = 20;

}  // namespace fkvs::persistence::rdb
