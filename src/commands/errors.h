#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

// Every error text the commands send, once, byte-exact to redis-server 7.0.
// The text is what follows '-' on the wire.
namespace fkvs::errors {

inline constexpr std::string_view kWrongType =
    "WRONGTYPE Operation against a key holding the wrong kind of value";
inline constexpr std::string_view kSyntax = "ERR syntax error";
inline constexpr std::string_view kNotInteger = "ERR value is not an integer or out of range";
inline constexpr std::string_view kNotFloat = "ERR value is not a valid float";
inline constexpr std::string_view kOverflow = "ERR increment or decrement would overflow";
inline constexpr std::string_view kIncrFloatNanOrInf =
    "ERR increment would produce NaN or Infinity";
inline constexpr std::string_view kNoSuchKey = "ERR no such key";
inline constexpr std::string_view kInvalidExpire = "ERR invalid expire time in '%s' command";
inline constexpr std::string_view kDbIndexOutOfRange = "ERR DB index is out of range";
inline constexpr std::string_view kInvalidDbIndex = "ERR invalid DB index";
inline constexpr std::string_view kSameObject = "ERR source and destination objects are the same";
inline constexpr std::string_view kStringTooLong =
    "ERR string exceeds maximum allowed size (proto-max-bulk-len)";
inline constexpr std::string_view kInvalidCursor = "ERR invalid cursor";
inline constexpr std::string_view kNoAuth = "NOAUTH Authentication required.";
inline constexpr std::string_view kWrongPass =
    "WRONGPASS invalid username-password pair or user is disabled.";
inline constexpr std::string_view kAuthNoPassword =
    "ERR AUTH <password> called without any password configured for the default user. Are you "
    "sure your configuration is correct?";
inline constexpr std::string_view kBadClientName =
    "ERR Client names cannot contain spaces, newlines or special characters.";
inline constexpr std::string_view kNoProto = "NOPROTO unsupported protocol version";
inline constexpr std::string_view kMaxClients = "ERR max number of clients reached";
inline constexpr std::string_view kTimeoutNegative = "ERR timeout is negative";
inline constexpr std::string_view kTimeoutNotFloat = "ERR timeout is not a float or out of range";
inline constexpr std::string_view kUnblocked = "UNBLOCKED client unblocked via CLIENT UNBLOCK";

// --- Generic key commands (key_family.cc) ---
// getIntFromObjectOrReply's reply for an integer that does not fit an int (COPY DB, MOVE).
inline constexpr std::string_view kIntOutOfRange =
    "ERR value is out of range, value must between -2147483648 and 2147483647";
inline constexpr std::string_view kInvalidFirstDbIndex = "ERR invalid first DB index";
inline constexpr std::string_view kInvalidSecondDbIndex = "ERR invalid second DB index";
// EXPIRE family: followed by the option as the client sent it.
inline constexpr std::string_view kUnsupportedOptionPrefix = "ERR Unsupported option ";
inline constexpr std::string_view kExpireNxConflict =
    "ERR NX and XX, GT or LT options at the same time are not compatible";
inline constexpr std::string_view kExpireGtLtConflict =
    "ERR GT and LT options at the same time are not compatible";
inline constexpr std::string_view kLfuNotSelected =
    "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that "
    "when switching between policies at runtime LRU and LFU data will take some time to adjust.";

// --- String commands (string_family.cc) ---
// Arity errors a handler detects itself (MSET with an unpaired key); "%s" is the command name.
inline constexpr std::string_view kWrongArity = "ERR wrong number of arguments for '%s' command";
inline constexpr std::string_view kDecrementOverflow = "ERR decrement would overflow";
inline constexpr std::string_view kOffsetOutOfRange = "ERR offset is out of range";

// --- Hash commands (hash_family.cc) ---
inline constexpr std::string_view kHashValueNotInteger = "ERR hash value is not an integer";
inline constexpr std::string_view kHashValueNotFloat = "ERR hash value is not a float";
// HINCRBYFLOAT's reply to an infinite increment (a NaN one is not a valid float).
inline constexpr std::string_view kHashIncrementNanOrInf = "ERR value is NaN or Infinity";
// HRANDFIELD's count, from getRangeLongFromObjectOrReply (its wording, "must between").
inline constexpr std::string_view kHashRandomCountOutOfRange =
    "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807";
// HRANDFIELD WITHVALUES with a count whose double does not fit.
inline constexpr std::string_view kValueOutOfRange = "ERR value is out of range";

// --- Server commands (server_family.cc) ---
inline constexpr std::string_view kNoShutdownInProgress = "ERR No shutdown in progress.";
// DEBUG's reply to a subcommand it lacks or one with the wrong arguments: "%s" is the
// subcommand as sent (up to 128 bytes), then the command name in upper case.
inline constexpr std::string_view kUnknownSubcommandOrArity =
    "ERR unknown subcommand or wrong number of arguments for '%s'. Try %s HELP.";

}  // namespace fkvs::errors

namespace fkvs::errors {

// Fills each "%s" of message with the next value (cold paths only: it allocates).
std::string format(std::string_view message, std::initializer_list<std::string_view> values);

}  // namespace fkvs::errors
