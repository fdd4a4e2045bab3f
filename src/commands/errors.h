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
inline constexpr std::string_view kSubscribedMode =
    "ERR Can't execute '%s': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are "
    "allowed in this context";
inline constexpr std::string_view kNotInMulti = "ERR Command not allowed inside a transaction";
inline constexpr std::string_view kNestedMulti = "ERR MULTI calls can not be nested";
inline constexpr std::string_view kExecWithoutMulti = "ERR EXEC without MULTI";
inline constexpr std::string_view kDiscardWithoutMulti = "ERR DISCARD without MULTI";
inline constexpr std::string_view kWatchInMulti = "ERR WATCH inside MULTI is not allowed";
inline constexpr std::string_view kExecAbort =
    "EXECABORT Transaction discarded because of previous errors.";
inline constexpr std::string_view kDebugCommandNotAllowed =
    "ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", you "
    "can run it from a local connection, otherwise you need to set this option in the "
    "configuration file, and then restart the server.";
inline constexpr std::string_view kProtectedMode =
    "DENIED Redis is running in protected mode because protected mode is enabled and no password "
    "is set for the default user. In this mode connections are only accepted from the loopback "
    "interface. If you want to connect from external computers to Redis you may adopt one of the "
    "following solutions: 1) Just disable protected mode sending the command 'CONFIG SET "
    "protected-mode no' from the loopback interface by connecting to Redis from the same host the "
    "server is running, however MAKE SURE Redis is not publicly accessible from internet if you do "
    "so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just disable "
    "the protected mode by editing the Redis configuration file, and setting the protected mode "
    "option to 'no', and then restarting the server. 3) If you started the server manually just "
    "for testing, restart it with the '--protected-mode no' option. 4) Setup a an authentication "
    "password for the default user. NOTE: You only need to do one of the above things in order for "
    "the server to start accepting connections from the outside.";
inline constexpr std::string_view kMaxClients = "ERR max number of clients reached";
inline constexpr std::string_view kTimeoutNegative = "ERR timeout is negative";
inline constexpr std::string_view kTimeoutNotFloat = "ERR timeout is not a float or out of range";
inline constexpr std::string_view kUnblocked = "UNBLOCKED client unblocked via CLIENT UNBLOCK";
inline constexpr std::string_view kUnblockArity =
    "ERR unknown subcommand or wrong number of arguments for 'unblock'. Try CLIENT HELP.";
inline constexpr std::string_view kUnblockReason =
    "ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR";

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
inline constexpr std::string_view kBusyScript =
    "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.";
inline constexpr std::string_view kBusyFunction =
    "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.";
inline constexpr std::string_view kOutOfMemory =
    "OOM command not allowed when used memory > 'maxmemory'.";
inline constexpr std::string_view kLruNotSelected =
    "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when "
    "switching between policies at runtime LRU and LFU data will take some time to adjust.";
inline constexpr std::string_view kLfuNotSelected =
    "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that "
    "when switching between policies at runtime LRU and LFU data will take some time to adjust.";

// --- String commands (string_family.cc) ---
// Arity errors a handler detects itself (MSET with an unpaired key); "%s" is the command name.
inline constexpr std::string_view kWrongArity = "ERR wrong number of arguments for '%s' command";
inline constexpr std::string_view kDecrementOverflow = "ERR decrement would overflow";
inline constexpr std::string_view kOffsetOutOfRange = "ERR offset is out of range";

// --- Bitmap commands (bitmap_family.cc) ---
inline constexpr std::string_view kBitOffset = "ERR bit offset is not an integer or out of range";
inline constexpr std::string_view kBitValue = "ERR bit is not an integer or out of range";
inline constexpr std::string_view kBitposBit = "ERR The bit argument must be 1 or 0.";
inline constexpr std::string_view kBitopNotSingleSource =
    "ERR BITOP NOT must be called with a single source key.";
inline constexpr std::string_view kBitfieldType =
    "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 "
    "is.";
inline constexpr std::string_view kBitfieldOverflowType = "ERR Invalid OVERFLOW type specified";
inline constexpr std::string_view kBitfieldReadOnly =
    "ERR BITFIELD_RO only supports the GET subcommand";

// --- List commands (list_family.cc) ---
inline constexpr std::string_view kMustBePositive = "ERR value is out of range, must be positive";
inline constexpr std::string_view kIndexOutOfRange = "ERR index out of range";
inline constexpr std::string_view kRankZero =
    "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use "
    "negative to start from the end of the list";
inline constexpr std::string_view kCountNegative = "ERR COUNT can't be negative";
inline constexpr std::string_view kMaxLenNegative = "ERR MAXLEN can't be negative";
// LMPOP (and BLMPOP): Redis sends these for a bad number as well as a small one.
inline constexpr std::string_view kNumKeysNotPositive = "ERR numkeys should be greater than 0";
inline constexpr std::string_view kCountNotPositive = "ERR count should be greater than 0";

// --- Sorted-set commands (zset_family.cc, zset_range_family.cc, zset_set_ops.cc) ---
inline constexpr std::string_view kZAddNxXx =
    "ERR XX and NX options at the same time are not compatible";
inline constexpr std::string_view kZAddGtLtNx =
    "ERR GT, LT, and/or NX options at the same time are not compatible";
inline constexpr std::string_view kZAddIncrPairs =
    "ERR INCR option supports a single increment-element pair";
inline constexpr std::string_view kZScoreNaN = "ERR resulting score is not a number (NaN)";
inline constexpr std::string_view kZMinMaxNotFloat = "ERR min or max is not a float";
inline constexpr std::string_view kZMinMaxNotLex = "ERR min or max not valid string range item";
// HRANDFIELD and ZRANDMEMBER WITHSCORES/WITHVALUES with a count whose doubling does not fit.
inline constexpr std::string_view kValueOutOfRange = "ERR value is out of range";
inline constexpr std::string_view kZLimitNeedsBy =
    "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX";
inline constexpr std::string_view kZWithScoresByLex =
    "ERR syntax error, WITHSCORES not supported in combination with BYLEX";
// "%s" is the command name.
inline constexpr std::string_view kZAtLeastOneKey =
    "ERR at least 1 input key is needed for '%s' command";
inline constexpr std::string_view kZWeightNotFloat = "ERR weight value is not a float";
// --- Set commands (set_family.cc) ---
// SPOP also uses kMustBePositive, SINTERCARD kNumKeysNotPositive (list section).
// SRANDMEMBER's count must have a negation (getRangeLongFromObjectOrReply, -LONG_MAX..LONG_MAX).
inline constexpr std::string_view kRandCountOutOfRange =
    "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807";
inline constexpr std::string_view kNumkeysTooMany =
    "ERR Number of keys can't be greater than number of args";
inline constexpr std::string_view kLimitNegative = "ERR LIMIT can't be negative";
// --- Hash commands (hash_family.cc) ---
inline constexpr std::string_view kHashValueNotInteger = "ERR hash value is not an integer";
inline constexpr std::string_view kHashValueNotFloat = "ERR hash value is not a float";
// HINCRBYFLOAT's reply to an infinite increment (a NaN one is not a valid float).
inline constexpr std::string_view kHashIncrementNanOrInf = "ERR value is NaN or Infinity";

// --- Server commands (server_family.cc) ---
inline constexpr std::string_view kNoShutdownInProgress = "ERR No shutdown in progress.";
inline constexpr std::string_view kShutdownFailed = "ERR Errors trying to SHUTDOWN. Check logs.";

// Writes while min-replicas-to-write asks for replicas (fkvs never has any yet).
inline constexpr std::string_view kNoReplicas = "NOREPLICAS Not enough good replicas to write.";

// --- Persistence (persistence_family.cc) ---
// Writes (and PING) while the last background save failed (stop-writes-on-bgsave-error).
inline constexpr std::string_view kMisconf =
    "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist "
    "to disk. Commands that may modify the data set are disabled, because this instance is "
    "configured to report errors during writes if RDB snapshotting fails "
    "(stop-writes-on-bgsave-error option). Please check the Redis logs for details about the "
    "RDB error.";
inline constexpr std::string_view kBackgroundSaveInProgress =
    "ERR Background save already in progress";
inline constexpr std::string_view kDumpPayloadInvalid =
    "ERR DUMP payload version or checksum are wrong";
inline constexpr std::string_view kBadDataFormat = "ERR Bad data format";
inline constexpr std::string_view kBusyKey = "BUSYKEY Target key name already exists.";
inline constexpr std::string_view kInvalidTtl = "ERR Invalid TTL value, must be >= 0";
inline constexpr std::string_view kInvalidIdletime = "ERR Invalid IDLETIME value, must be >= 0";
inline constexpr std::string_view kInvalidFreq = "ERR Invalid FREQ value, must be >= 0 and <= 255";
inline constexpr std::string_view kNoConfigFile = "ERR The server is running without a config file";

// COMMAND GETKEYS and GETKEYSANDFLAGS.
inline constexpr std::string_view kGetKeysInvalidCommand = "ERR Invalid command specified";
inline constexpr std::string_view kGetKeysNoKeys = "ERR The command has no key arguments";
inline constexpr std::string_view kGetKeysInvalidArity =
    "ERR Invalid number of arguments specified for command";
inline constexpr std::string_view kGetKeysInvalidArguments =
    "ERR Invalid arguments specified for command";

// DEBUG's reply to a subcommand it lacks or one with the wrong arguments: "%s" is the
// subcommand as sent (up to 128 bytes), then the command name in upper case.
inline constexpr std::string_view kUnknownSubcommandOrArity =
    "ERR unknown subcommand or wrong number of arguments for '%s'. Try %s HELP.";
inline constexpr std::string_view kPackedThresholdRange =
    "ERR argument must be a memory value bigger than 1 and smaller than 4gb";

// --- Streams (stream_*.cc) ---
inline constexpr std::string_view kInvalidStreamId =
    "ERR Invalid stream ID specified as stream command argument";
inline constexpr std::string_view kInvalidIntervalStart = "ERR invalid start ID for the interval";
inline constexpr std::string_view kInvalidIntervalEnd = "ERR invalid end ID for the interval";
inline constexpr std::string_view kXaddIdZero =
    "ERR The ID specified in XADD must be greater than 0-0";
inline constexpr std::string_view kXaddIdNotAbove =
    "ERR The ID specified in XADD is equal or smaller than the target stream top item";
inline constexpr std::string_view kStreamExhausted =
    "ERR The stream has exhausted the last possible ID, unable to add more items";
inline constexpr std::string_view kStreamElementsTooLarge =
    "ERR Elements are too large to be stored";
inline constexpr std::string_view kStreamMaxlenNegative = "ERR The MAXLEN argument must be >= 0.";
inline constexpr std::string_view kStreamLimitNegative = "ERR The LIMIT argument must be >= 0.";
inline constexpr std::string_view kStreamTrimBothStrategies =
    "ERR syntax error, MAXLEN and MINID options at the same time are not compatible";
inline constexpr std::string_view kStreamLimitWithoutStrategy =
    "ERR syntax error, LIMIT cannot be used without specifying a trimming strategy";
inline constexpr std::string_view kStreamLimitWithoutApprox =
    "ERR syntax error, LIMIT cannot be used without the special ~ option";
inline constexpr std::string_view kXtrimWithoutStrategy =
    "ERR syntax error, XTRIM must be called with a trimming strategy";
inline constexpr std::string_view kXsetidEntriesAddedNegative =
    "ERR entries_added must be positive";
inline constexpr std::string_view kXsetidBelowGivenMaxDeleted =
    "ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id";
inline constexpr std::string_view kXsetidBelowTopItem =
    "ERR The ID specified in XSETID is smaller than the target stream top item";
inline constexpr std::string_view kXsetidEntriesAddedBelowLength =
    "ERR The entries_added specified in XSETID is smaller than the target stream length";
inline constexpr std::string_view kXgroupNeedsKey =
    "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to "
    "use the MKSTREAM option to create an empty stream automatically.";
inline constexpr std::string_view kEntriesReadNegative =
    "ERR value for ENTRIESREAD must be positive or -1";
inline constexpr std::string_view kBusyGroup = "BUSYGROUP Consumer Group name already exists";
// "%s": the group, then the key.
inline constexpr std::string_view kNoSuchGroupForKey =
    "NOGROUP No such consumer group '%s' for key name '%s'";
// "%s": the key, then the group.
inline constexpr std::string_view kNoSuchKeyOrGroup =
    "NOGROUP No such key '%s' or consumer group '%s'";
inline constexpr std::string_view kNoSuchKeyOrGroupInXreadgroup =
    "NOGROUP No such key '%s' or consumer group '%s' in XREADGROUP with GROUP option";
inline constexpr std::string_view kBlockedGroupDestroyed =
    "NOGROUP the consumer group this client was blocked on no longer exists";
inline constexpr std::string_view kBlockedStreamDeleted =
    "UNBLOCKED the stream key no longer exists";
inline constexpr std::string_view kXreadUnbalanced =
    "ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.";
inline constexpr std::string_view kXreadGroupOption =
    "ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.";
inline constexpr std::string_view kXreadNoackOption =
    "ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.";
inline constexpr std::string_view kXreadgroupWithoutGroup =
    "ERR Missing GROUP option for XREADGROUP";
inline constexpr std::string_view kXreadgroupDollarId =
    "ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of "
    "this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would "
    "just return an empty result set.";
inline constexpr std::string_view kXreadGreaterThanId =
    "ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> "
    "<consumer> option.";
// "%s": the command name as the script sent it.
inline constexpr std::string_view kStreamBlockInScript =
    "ERR %s command is not allowed with BLOCK option from scripts";
inline constexpr std::string_view kTimeoutNotInteger =
    "ERR timeout is not an integer or out of range";
inline constexpr std::string_view kXclaimMinIdle = "ERR Invalid min-idle-time argument for XCLAIM";
inline constexpr std::string_view kXautoclaimMinIdle =
    "ERR Invalid min-idle-time argument for XAUTOCLAIM";
inline constexpr std::string_view kXclaimIdle = "ERR Invalid IDLE option argument for XCLAIM";
inline constexpr std::string_view kXclaimTime = "ERR Invalid TIME option argument for XCLAIM";
inline constexpr std::string_view kXclaimRetryCount =
    "ERR Invalid RETRYCOUNT option argument for XCLAIM";
inline constexpr std::string_view kXclaimUnknownOption = "ERR Unrecognized XCLAIM option '%s'";
// XAUTOCLAIM, GEOSEARCH and GEORADIUS given COUNT 0 or less.
inline constexpr std::string_view kCountMustBePositive = "ERR COUNT must be > 0";
inline constexpr std::string_view kNotHyperLogLog =
    "WRONGTYPE Key is not a valid HyperLogLog string value.";
inline constexpr std::string_view kCorruptHyperLogLog = "INVALIDOBJ Corrupted HLL object detected";
inline constexpr std::string_view kPfdebugNoKey = "ERR The specified key does not exist";
inline constexpr std::string_view kPfdebugNotSparse = "ERR HLL encoding is not sparse";
inline constexpr std::string_view kPfdebugUnknown = "ERR Unknown PFDEBUG subcommand '%s'";
inline constexpr std::string_view kSortScoreNotDouble =
    "ERR One or more scores can't be converted into double";
inline constexpr std::string_view kLcsNotStrings =
    "ERR The specified keys must contain string values";
inline constexpr std::string_view kLcsLenAndIdx =
    "ERR If you want both the length and indexes, please just use IDX.";
inline constexpr std::string_view kLcsStringTooLong = "ERR String too long for LCS";
inline constexpr std::string_view kLcsNoMemory =
    "ERR Insufficient memory, failed allocating transient memory for LCS";
// Geo commands.
inline constexpr std::string_view kGeoInvalidPair = "ERR invalid longitude,latitude pair %s,%s";
inline constexpr std::string_view kGeoUnsupportedUnit =
    "ERR unsupported unit provided. please use M, KM, FT, MI";
inline constexpr std::string_view kGeoNeedNumericRadius = "ERR need numeric radius";
inline constexpr std::string_view kGeoNeedNumericWidth = "ERR need numeric width";
inline constexpr std::string_view kGeoNeedNumericHeight = "ERR need numeric height";
inline constexpr std::string_view kGeoNegativeRadius = "ERR radius cannot be negative";
inline constexpr std::string_view kGeoNegativeBox = "ERR height or width cannot be negative";
inline constexpr std::string_view kGeoUnknownMember = "ERR could not decode requested zset member";
inline constexpr std::string_view kGeoAnyWithoutCount =
    "ERR the ANY argument requires COUNT argument";
inline constexpr std::string_view kGeoStoreWithOptions =
    "ERR %s is not compatible with WITHDIST, WITHHASH and WITHCOORD options";
inline constexpr std::string_view kGeoNeedsOneCenter =
    "ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for %s";
inline constexpr std::string_view kGeoNeedsOneShape =
    "ERR exactly one of BYRADIUS and BYBOX can be specified for %s";

}  // namespace fkvs::errors

namespace fkvs::errors {

// Fills each "%s" of message with the next value (cold paths only: it allocates).
std::string format(std::string_view message, std::initializer_list<std::string_view> values);

}  // namespace fkvs::errors
