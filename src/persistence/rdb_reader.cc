#include "persistence/rdb_reader.h"

#include <bit>
#include <cmath>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>

#include "persistence/format_error.h"
#include "persistence/listpack_codec.h"
#include "persistence/lzf_codec.h"
#include "persistence/rdb_format.h"
#include "store/list_value.h"
#include "store/set_value.h"
#include "store/stream_value.h"
#include "util/number.h"

namespace fkvs::persistence {

namespace {

// An LZF frame cannot expand its input more than about 90 times (a 3-byte
// back reference copies at most 264 bytes); a larger claimed length is a
// corrupt file, and must not size an allocation.
constexpr uint64_t kMaxLzfExpansion = 100;

[[noreturn]] void fail(const std::string& reason) { throw FormatError(reason); }

// A score as text, read as Redis reads it from a file (strtod, which also
// takes denormals such as 5e-324 that a command's parser refuses).
double parse_score(std::string_view bytes) {
  char text[128];
  if (bytes.empty() || bytes.size() >= sizeof(text)) fail("a score is not a number");
  bytes.copy(text, bytes.size());
  text[bytes.size()] = '\0';
  char* end = nullptr;
  const double value = std::strtod(text, &end);
  if (end != text + bytes.size()) fail("a score is not a number");
  return value;
}

std::string type_message(std::string_view what, uint8_t type) {
  return std::string(what) + " (RDB type " + std::to_string(type) + ")";
}

}  // namespace

std::string_view RdbReader::type_name(uint8_t type) {
  switch (type) {
    case rdb::kString:
      return "string";
    case rdb::kListLinked:
    case rdb::kListZiplist:
    case rdb::kListQuicklist:
    case rdb::kListQuicklist2:
      return "list";
    case rdb::kSetHashtable:
    case rdb::kSetIntset:
    case rdb::kSetListpack:
      return "set";
    case rdb::kZSetTextScores:
    case rdb::kZSetBinaryScores:
    case rdb::kZSetZiplist:
    case rdb::kZSetListpack:
      return "zset";
    case rdb::kHashHashtable:
    case rdb::kHashZipmap:
    case rdb::kHashZiplist:
    case rdb::kHashListpack:
      return "hash";
    case rdb::kModule:
    case rdb::kModule2:
      return "module";
    case rdb::kStreamListpacks:
    case rdb::kStreamListpacks2:
    case rdb::kStreamListpacks3:
      return "stream";
    default:
      return "unknown";
  }
}

uint8_t RdbReader::read_byte() {
  if (offset_ >= bytes_.size()) fail("unexpected end of the data");
  return static_cast<uint8_t>(bytes_[offset_++]);
}

std::string_view RdbReader::read_bytes(size_t count) {
  if (count > remaining()) fail("unexpected end of the data");
  std::string_view bytes = bytes_.substr(offset_, count);
  offset_ += count;
  return bytes;
}

uint64_t RdbReader::read_u64_little_endian() {
  std::string_view bytes = read_bytes(8);
  uint64_t value = 0;
  for (int i = 7; i >= 0; --i) value = (value << 8) | static_cast<uint8_t>(bytes[i]);
  return value;
}

uint32_t RdbReader::read_u32_little_endian() {
  std::string_view bytes = read_bytes(4);
  uint32_t value = 0;
  for (int i = 3; i >= 0; --i) value = (value << 8) | static_cast<uint8_t>(bytes[i]);
  return value;
}

uint64_t RdbReader::read_length() {
  const uint8_t first = read_byte();
  switch (first >> 6) {
    case rdb::kLength6Bit:
      return first & 0x3F;
    case rdb::kLength14Bit:
      return (uint64_t{first & 0x3Fu} << 8) | read_byte();
    case rdb::kEncodedString:
      fail("a length was expected, an encoded string found");
    default:
      break;
  }
  size_t width = 0;
  if (first == rdb::kLength32Bit) {
    width = 4;
  } else if (first == rdb::kLength64Bit) {
    width = 8;
  } else {
    fail("unknown length encoding " + std::to_string(first));
  }
  uint64_t value = 0;
  for (char byte : read_bytes(width)) value = (value << 8) | static_cast<uint8_t>(byte);
  return value;
}

uint64_t RdbReader::read_count() {
  const uint64_t count = read_length();
  if (count > remaining()) {
    fail("unexpected end of the data: " + std::to_string(count) + " elements cannot fit in the " +
         std::to_string(remaining()) + " bytes left");
  }
  return count;
}

std::string_view RdbReader::read_string(std::string& scratch) {
  if (offset_ >= bytes_.size()) fail("unexpected end of the data");
  const uint8_t first = static_cast<uint8_t>(bytes_[offset_]);
  if ((first >> 6) != rdb::kEncodedString) return read_bytes(read_length());
  ++offset_;
  const auto signed_integer = [&](size_t width) {
    uint64_t bits = 0;
    std::string_view bytes = read_bytes(width);
    for (size_t i = width; i-- > 0;) bits = (bits << 8) | static_cast<uint8_t>(bytes[i]);
    const unsigned shift = static_cast<unsigned>(64 - 8 * width);
    const auto value = static_cast<int64_t>(bits << shift) >> shift;
    char text[kInt64TextMax];
    scratch.assign(text, format_int64(value, text));
    return std::string_view(scratch);
  };
  switch (first & 0x3F) {
    case rdb::kEncodedInt8:
      return signed_integer(1);
    case rdb::kEncodedInt16:
      return signed_integer(2);
    case rdb::kEncodedInt32:
      return signed_integer(4);
    case rdb::kEncodedLzf: {
      const uint64_t compressed_length = read_length();
      const uint64_t length = read_length();
      if (compressed_length > remaining()) {
        fail("unexpected end of the data in an LZF string of " + std::to_string(compressed_length) +
             " bytes");
      }
      if (length == 0 || length > compressed_length * kMaxLzfExpansion) {
        fail("an LZF string claims an impossible length");
      }
      scratch = lzf_decompress_bytes(read_bytes(compressed_length), length);
      return scratch;
    }
    default:
      fail("unknown string encoding " + std::to_string(first & 0x3F));
  }
}

double RdbReader::read_binary_double() { return std::bit_cast<double>(read_u64_little_endian()); }

double RdbReader::read_text_double() {
  const uint8_t length = read_byte();
  if (length == rdb::kTextScoreNan) return NAN;
  if (length == rdb::kTextScorePosInf) return HUGE_VAL;
  if (length == rdb::kTextScoreNegInf) return -HUGE_VAL;
  return parse_score(read_bytes(length));
}

void RdbReader::check_type(uint8_t type) {
  switch (type) {
    case rdb::kHashZipmap:
      fail(type_message("a zipmap hash, written only by Redis 2.4 and older, is not supported",
                        type));
    case rdb::kModule:
    case rdb::kModule2:
      fail(type_message("module values are not supported", type));
    default:
      if (type_name(type) == "unknown" || type == rdb::kSetListpack) {
        fail("unknown value type " + std::to_string(type));
      }
  }
}

bool RdbReader::read_value(uint8_t type, const EncodingLimits& limits, Value& out) {
  switch (type) {
    case rdb::kString: {
      std::string scratch;
      out.set_string(read_string(scratch));
      return true;
    }
    case rdb::kListLinked:
    case rdb::kListZiplist:
    case rdb::kListQuicklist:
    case rdb::kListQuicklist2:
      return read_list(type, limits, out);
    case rdb::kSetHashtable:
    case rdb::kSetIntset:
      return read_set(type, limits, out);
    case rdb::kHashHashtable:
    case rdb::kHashZiplist:
    case rdb::kHashListpack:
      return read_hash(type, limits, out);
    case rdb::kZSetTextScores:
    case rdb::kZSetBinaryScores:
    case rdb::kZSetZiplist:
    case rdb::kZSetListpack:
      return read_zset(type, limits, out);
    case rdb::kStreamListpacks:
    case rdb::kStreamListpacks2:
    case rdb::kStreamListpacks3:
      read_stream(type, out);
      return true;
    default:
      check_type(type);
  }
  fail("unknown value type " + std::to_string(type));
}

bool RdbReader::read_list(uint8_t type, const EncodingLimits& limits, Value& out) {
  auto list_value = std::make_unique<ListValue>(limits.list_fill, limits.list_compress_depth);
  QuickList& list = list_value->list();
  const auto push = [&](std::string_view item) { list.push_back(item); };
  std::string scratch;
  if (type == rdb::kListZiplist) {
    for_each_ziplist_entry(read_string(scratch), push);
  } else {
    const uint64_t count = read_count();
    for (uint64_t i = 0; i < count; ++i) {
      if (type == rdb::kListLinked) {
        push(read_string(scratch));
      } else if (type == rdb::kListQuicklist) {
        for_each_ziplist_entry(read_string(scratch), push);
      } else {
        const uint64_t container = read_length();
        if (container == rdb::kQuicklistNodePlain) {
          push(read_string(scratch));
        } else if (container == rdb::kQuicklistNodePacked) {
          for_each_listpack_entry(read_string(scratch), push);
        } else {
          fail("unknown quicklist node container " + std::to_string(container));
        }
      }
    }
  }
  if (list.empty()) return false;
  out.set_collection(std::move(list_value));
  return true;
}

bool RdbReader::read_set(uint8_t type, const EncodingLimits& limits, Value& out) {
  std::unique_ptr<SetValue> set;
  const auto add = [&](std::string_view member) {
    if (!set) set = SetValue::create_for(member);
    if (!set->add(member, limits.set_max_intset_entries)) fail("a set holds a member twice");
  };
  std::string scratch;
  if (type == rdb::kSetIntset) {
    char text[kInt64TextMax];
    for_each_intset_member(read_string(scratch), [&](int64_t member) {
      add(std::string_view(text, format_int64(member, text)));
    });
  } else {
    const uint64_t count = read_count();
    for (uint64_t i = 0; i < count; ++i) add(read_string(scratch));
  }
  if (!set) return false;
  out.set_collection(std::move(set));
  return true;
}

bool RdbReader::read_hash(uint8_t type, const EncodingLimits& limits, Value& out) {
  auto hash = std::make_unique<HashValue>();
  const auto add = [&](std::string_view field, std::string_view value) {
    if (!hash->set(field, value, limits.hash)) fail("a hash holds a field twice");
  };
  std::string field_scratch;
  std::string value_scratch;
  if (type == rdb::kHashHashtable) {
    const uint64_t count = read_count();
    for (uint64_t i = 0; i < count; ++i) {
      // The field is copied: reading the value may reuse a scratch string.
      std::string field(read_string(field_scratch));
      add(field, read_string(value_scratch));
    }
  } else {
    std::string pending_field;
    bool have_field = false;
    const auto visit = [&](std::string_view item) {
      if (!have_field) {
        pending_field.assign(item);
      } else {
        add(pending_field, item);
      }
      have_field = !have_field;
    };
    std::string_view blob = read_string(field_scratch);
    if (type == rdb::kHashZiplist) {
      for_each_ziplist_entry(blob, visit);
    } else {
      for_each_listpack_entry(blob, visit);
    }
    if (have_field) fail("a hash has a field without a value");
  }
  if (hash->size() == 0) return false;
  out.set_collection(std::move(hash));
  return true;
}

bool RdbReader::read_zset(uint8_t type, const EncodingLimits& limits, Value& out) {
  std::unique_ptr<ZSetValue> zset;
  const auto add = [&](std::string_view member, double score) {
    if (std::isnan(score)) fail("a sorted set has a NaN score");
    if (!zset->set(member, score, limits.zset)) fail("a sorted set holds a member twice");
  };
  std::string member_scratch;
  if (type == rdb::kZSetTextScores || type == rdb::kZSetBinaryScores) {
    const uint64_t count = read_count();
    zset = std::make_unique<ZSetValue>(limits.zset, count, 0);
    for (uint64_t i = 0; i < count; ++i) {
      std::string member(read_string(member_scratch));
      add(member, type == rdb::kZSetBinaryScores ? read_binary_double() : read_text_double());
    }
  } else {
    zset = std::make_unique<ZSetValue>(limits.zset, 0, 0);
    std::string pending_member;
    bool have_member = false;
    const auto visit = [&](std::string_view item) {
      if (!have_member) {
        pending_member.assign(item);
      } else {
        add(pending_member, parse_score(item));
      }
      have_member = !have_member;
    };
    std::string_view blob = read_string(member_scratch);
    if (type == rdb::kZSetZiplist) {
      for_each_ziplist_entry(blob, visit);
    } else {
      for_each_listpack_entry(blob, visit);
    }
    if (have_member) fail("a sorted set has a member without a score");
  }
  if (zset->size() == 0) return false;
  out.set_collection(std::move(zset));
  return true;
}

StreamId RdbReader::read_raw_stream_id() {
  // 128 bits, big-endian: the form of a node's key and a PEL entry's ID.
  const std::string_view bytes = read_bytes(16);
  StreamId id;
  for (int i = 0; i < 8; ++i) id.ms = (id.ms << 8) | static_cast<uint8_t>(bytes[i]);
  for (int i = 8; i < 16; ++i) id.seq = (id.seq << 8) | static_cast<uint8_t>(bytes[i]);
  return id;
}

StreamId RdbReader::read_stream_id_lengths() {
  StreamId id;
  id.ms = read_length();
  id.seq = read_length();
  return id;
}

// Redis's rdbLoadObject for streams: the nodes (key, listpack), the
// counters, then each group with its PEL and its consumers' PELs. Types 19
// (7.0) and 21 (7.2) add the first ID, max deleted ID, entries added and
// each group's entries-read; 21 also a consumer's active time.
void RdbReader::read_stream(uint8_t type, Value& out) {
  auto stream = std::make_unique<StreamValue>();
  std::string scratch;
  const uint64_t node_count = read_count();
  std::optional<StreamId> previous_last;
  for (uint64_t i = 0; i < node_count; ++i) {
    const std::string_view key = read_string(scratch);
    if (key.size() != 16) fail("a stream node key is not the size of a stream ID");
    RdbReader key_reader(key);
    const StreamId master_id = key_reader.read_raw_stream_id();
    const std::string_view block = read_string(scratch);
    const auto summary = StreamNode::check_block(block, master_id);
    if (!summary) fail("a stream listpack fails its integrity check");
    if (previous_last && !(*previous_last < master_id)) {
      fail("stream nodes overlap or are out of order");
    }
    previous_last = summary->last_id;
    if (!stream->insert_node(master_id, StreamNode::from_block(block))) {
      fail("a stream listpack is added twice with the same key");
    }
  }
  const uint64_t length = read_length();
  if (length != stream->size()) fail("the stream length does not match its entries");
  stream->set_last_id(read_stream_id_lengths());
  if (previous_last && stream->last_id() < *previous_last) {
    fail("a stream entry is above the stream's last ID");
  }
  if (type >= rdb::kStreamListpacks2) {
    stream->set_first_id(read_stream_id_lengths());
    stream->set_max_deleted_id(read_stream_id_lengths());
    stream->set_entries_added(read_length());
  } else {
    // Redis 7.0 loading an older stream: everything ever added is what is
    // left, and the first ID is found (the maximum ID when there is none).
    stream->set_entries_added(length);
    stream->set_first_id(stream->first_entry_id().value_or(StreamId::max()));
  }

  const uint64_t group_count = read_count();
  for (uint64_t g = 0; g < group_count; ++g) {
    const std::string name(read_string(scratch));
    const StreamId last_delivered = read_stream_id_lengths();
    const int64_t entries_read = type >= rdb::kStreamListpacks2
                                     ? static_cast<int64_t>(read_length())
                                     : stream->estimate_entries_read(last_delivered);
    StreamGroup* group = stream->create_group(name, last_delivered, entries_read);
    if (group == nullptr) fail("a stream has two consumer groups of the same name");

    // The group's PEL comes first, its owners after, with each consumer.
    struct Unowned {
      int64_t delivery_time_ms;
      uint64_t delivery_count;
      bool owned = false;
    };
    std::map<StreamId, Unowned> pel;
    const uint64_t pending_count = read_count();
    for (uint64_t i = 0; i < pending_count; ++i) {
      const StreamId id = read_raw_stream_id();
      const auto time = static_cast<int64_t>(read_u64_little_endian());
      if (!pel.try_emplace(id, Unowned{time, read_length()}).second) {
        fail("a consumer group's PEL holds an ID twice");
      }
    }
    const uint64_t consumer_count = read_count();
    for (uint64_t c = 0; c < consumer_count; ++c) {
      const std::string consumer_name(read_string(scratch));
      const auto seen_time = static_cast<int64_t>(read_u64_little_endian());
      if (type >= rdb::kStreamListpacks3) read_u64_little_endian();  // active time
      StreamConsumer* consumer = group->create_consumer(consumer_name, seen_time);
      if (consumer == nullptr) fail("a consumer group has two consumers of the same name");
      const uint64_t owned_count = read_count();
      for (uint64_t i = 0; i < owned_count; ++i) {
        const StreamId id = read_raw_stream_id();
        auto found = pel.find(id);
        if (found == pel.end()) fail("a consumer's pending entry is not in its group's PEL");
        if (found->second.owned) fail("a pending entry has two consumers");
        found->second.owned = true;
        PendingEntry& entry = group->deliver(id, *consumer, found->second.delivery_time_ms);
        entry.delivery_count = found->second.delivery_count;
      }
    }
    for (const auto& [id, pending] : pel) {
      if (!pending.owned) fail("a consumer group's pending entry has no consumer");
    }
  }
  out.set_collection(std::move(stream));
}

}  // namespace fkvs::persistence
