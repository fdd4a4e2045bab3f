// SORT and SORT_RO: a list, set or sorted set ordered by its elements or by values that
// BY's pattern names, cut by LIMIT, replied through GET's patterns or stored as a list.
#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "commands/command_context.h"
#include "commands/errors.h"
#include "commands/families.h"
#include "commands/sort_order.h"
#include "commands/sort_pattern.h"
#include "store/hash_value.h"
#include "store/list_value.h"
#include "store/set_value.h"
#include "store/zset_value.h"
#include "util/number.h"
#include "util/strings.h"

namespace fkvs {
namespace {

struct SortRequest {
  std::optional<SortPattern> by;
  bool dont_sort = false;  // BY a pattern without '*'
  std::vector<SortPattern> gets;
  int64_t limit_offset = 0;
  int64_t limit_count = -1;  // all
  bool descending = false;
  bool alpha = false;
  std::optional<std::string_view> destination;
};

// The options after the key, as Redis reads them: left to right, the last ASC/DESC and
// STORE winning; nullopt after replying an error.
std::optional<SortRequest> parse_sort_request(CommandContext& ctx, bool read_only) {
  SortRequest request;
  for (size_t i = 2; i < ctx.argc(); ++i) {
    const std::string_view option = ctx.arg(i);
    const size_t left = ctx.argc() - i - 1;
    if (equals_nocase(option, "asc")) {
      request.descending = false;
    } else if (equals_nocase(option, "desc")) {
      request.descending = true;
    } else if (equals_nocase(option, "alpha")) {
      request.alpha = true;
    } else if (equals_nocase(option, "limit") && left >= 2) {
      const std::optional<int64_t> offset = parse_int64(ctx.arg(i + 1));
      const std::optional<int64_t> count = offset ? parse_int64(ctx.arg(i + 2)) : std::nullopt;
      if (!count) {
        ctx.reply().error(errors::kNotInteger);
        return std::nullopt;
      }
      request.limit_offset = *offset;
      request.limit_count = *count;
      i += 2;
    } else if (equals_nocase(option, "store") && left >= 1 && !read_only) {
      request.destination = ctx.arg(++i);
    } else if (equals_nocase(option, "by") && left >= 1) {
      request.by.emplace(ctx.arg(++i));
      request.dont_sort = !request.by->names_keys();
    } else if (equals_nocase(option, "get") && left >= 1) {
      request.gets.emplace_back(ctx.arg(++i));
    } else {
      ctx.reply().error(errors::kSyntax);
      return std::nullopt;
    }
  }
  return request;
}

// Looks up what a pattern names for an element: the element itself, a string key's value or
// a hash field. The view lasts until the next lookup.
class PatternLookup {
 public:
  explicit PatternLookup(CommandContext& ctx) : ctx_(ctx) {}

  std::optional<std::string_view> find(const SortPattern& pattern, std::string_view element) {
    if (pattern.is_element()) return element;
    if (!pattern.names_keys()) return std::nullopt;
    pattern.key_for(element, key_);
    Entry* entry = ctx_.db().lookup_read(key_);
    if (entry == nullptr) return std::nullopt;
    Value& value = entry->value();
    if (!pattern.hash_field()) {
      if (!value.is_string()) return std::nullopt;
      return value.string_bytes(scratch_);
    }
    if (value.type() != ValueType::kHash) return std::nullopt;
    return static_cast<HashValue*>(value.collection())->get(*pattern.hash_field(), scratch_);
  }

 private:
  CommandContext& ctx_;
  std::string key_;
  IntScratch scratch_;
};

// The elements being sorted, with their bytes (and ALPHA's BY values) copied into one buffer:
// a list's nodes may be compressed again and an intset's members are formatted, so views into
// the collection would not last.
class SortBatch {
 public:
  struct Item {
    size_t element_at;
    size_t element_size;
    size_t by_at = 0;
    size_t by_size = 0;
    bool has_by_value = false;  // ALPHA with BY: a value was found
    double score = 0;
  };

  void add(std::string_view element) {
    items_.push_back(Item{bytes_.size(), element.size()});
    bytes_.append(element);
  }
  void set_by_value(Item& item, std::string_view value) {
    item.by_at = bytes_.size();
    item.by_size = value.size();
    item.has_by_value = true;
    bytes_.append(value);
  }
  std::string_view element(const Item& item) const {
    return {bytes_.data() + item.element_at, item.element_size};
  }
  std::string_view by_value(const Item& item) const {
    return {bytes_.data() + item.by_at, item.by_size};
  }
  std::vector<Item>& items() { return items_; }
  void reserve(size_t count) { items_.reserve(count); }

 private:
  std::string bytes_;
  std::vector<Item> items_;
};

// The elements of a list or sorted set in their order, or, when they are not to be sorted,
// only the window LIMIT keeps, backwards for DESC. Returns whether the window is applied.
bool collect_list(const QuickList& list, const SortRequest& request, SortBatch& batch) {
  size_t first = 0;
  size_t count = list.size();
  const bool windowed = request.dont_sort;
  if (windowed) {
    const sort_order::Window window =
        sort_order::limit_window(request.limit_offset, request.limit_count, list.size());
    first = request.descending ? list.size() - 1 - window.start : window.start;
    count = window.count;
  }
  if (count == 0) return windowed;
  const bool backwards = windowed && request.descending;
  batch.reserve(count);
  IntScratch scratch;
  QuickList::Cursor cursor = list.at(static_cast<int64_t>(first));
  QuickList::BackwardWalk backward(list, cursor);
  for (size_t i = 0; i < count; ++i) {
    batch.add(list.get(cursor).bytes(scratch));
    if (backwards) {
      backward.step();
      cursor = backward.cursor();
    } else {
      list.next(cursor);
    }
  }
  list.recompress();
  return windowed;
}

// As collect_list.
bool collect_zset(const ZSetValue& zset, const SortRequest& request, SortBatch& batch) {
  size_t first = 0;
  size_t count = zset.size();
  const bool windowed = request.dont_sort;
  if (windowed) {
    const sort_order::Window window =
        sort_order::limit_window(request.limit_offset, request.limit_count, zset.size());
    first = request.descending ? zset.size() - 1 - window.start : window.start;
    count = window.count;
  }
  if (count == 0) return windowed;
  const bool backwards = windowed && request.descending;
  batch.reserve(count);
  ZSetValue::Cursor cursor = zset.at_rank(first);
  for (size_t i = 0; i < count; ++i) {
    batch.add(cursor.member());
    if (backwards) {
      cursor.prev();
    } else {
      cursor.next();
    }
  }
  return windowed;
}

void collect_set(const SetValue& set, SortBatch& batch) {
  batch.reserve(set.size());
  set.for_each([&](std::string_view member) { batch.add(member); });
}

// Reads each item's score, or its BY value for ALPHA; false when a score is not a number.
bool load_sort_keys(CommandContext& ctx, const SortRequest& request, SortBatch& batch) {
  PatternLookup lookup(ctx);
  bool all_numbers = true;
  for (SortBatch::Item& item : batch.items()) {
    std::optional<std::string_view> key = batch.element(item);
    if (request.by) {
      key = lookup.find(*request.by, *key);
      if (!key) continue;  // sorts as 0, or first for ALPHA
    }
    if (request.alpha) {
      if (request.by) batch.set_by_value(item, *key);
      continue;
    }
    const std::optional<double> score = sort_order::parse_score(*key);
    if (score) {
      item.score = *score;
    } else {
      all_numbers = false;
    }
  }
  return all_numbers;
}

void sort_batch(const SortRequest& request, SortBatch& batch) {
  using Item = SortBatch::Item;
  std::vector<Item>& items = batch.items();
  const bool descending = request.descending;
  auto in_order = [descending](int order) { return descending ? order > 0 : order < 0; };
  if (!request.alpha) {
    // Ties go by the bytes: a total order, so an unstable sort gives the same result.
    std::sort(items.begin(), items.end(), [&](const Item& a, const Item& b) {
      if (a.score != b.score) return descending ? a.score > b.score : a.score < b.score;
      return in_order(sort_order::compare_bytes(batch.element(a), batch.element(b)));
    });
    return;
  }
  // Redis collates replies with strcoll() but compares bytes when storing; equal keys (and
  // ALPHA BY's missing values, which sort first) keep their order.
  const auto compare_text =
      request.destination ? sort_order::compare_bytes : sort_order::compare_collated;
  if (!request.by) {
    std::stable_sort(items.begin(), items.end(), [&](const Item& a, const Item& b) {
      return in_order(compare_text(batch.element(a), batch.element(b)));
    });
    return;
  }
  std::stable_sort(items.begin(), items.end(), [&](const Item& a, const Item& b) {
    if (!a.has_by_value || !b.has_by_value) {
      return in_order(static_cast<int>(a.has_by_value) - static_cast<int>(b.has_by_value));
    }
    return in_order(compare_text(batch.by_value(a), batch.by_value(b)));
  });
}

void reply_sorted(CommandContext& ctx, const SortRequest& request, const SortBatch& batch,
                  std::span<const SortBatch::Item> items) {
  resp::ReplyWriter& reply = ctx.reply();
  const size_t per_item = std::max<size_t>(request.gets.size(), 1);
  reply.array(items.size() * per_item);
  PatternLookup lookup(ctx);
  uint64_t written = 0;
  for (const SortBatch::Item& item : items) {
    const std::string_view element = batch.element(item);
    if (request.gets.empty()) reply.bulk(element);
    for (const SortPattern& get : request.gets) {
      const std::optional<std::string_view> value = lookup.find(get, element);
      if (value) {
        reply.bulk(*value);
      } else {
        reply.null_bulk();
      }
    }
    if (++written % kRepliesPerOverflowCheck == 0 && ctx.reply_overflowed()) return;
  }
}

// STORE: the result (GET's missing values as empty strings) replaces the destination as a
// list, or deletes it when empty; the reply is its length.
void store_sorted(CommandContext& ctx, const SortRequest& request, const SortBatch& batch,
                  std::span<const SortBatch::Item> items) {
  const std::string_view destination = *request.destination;
  const size_t length = items.size() * std::max<size_t>(request.gets.size(), 1);
  if (length == 0) {
    if (ctx.db().erase(destination)) {
      ctx.notify(keyspace_events::kGeneric, "del", destination);
      ctx.dirty();
    }
    return ctx.reply().integer(0);
  }
  const Config& config = ctx.server().config();
  auto list =
      std::make_unique<ListValue>(config.list_max_listpack_size, config.list_compress_depth);
  PatternLookup lookup(ctx);
  for (const SortBatch::Item& item : items) {
    const std::string_view element = batch.element(item);
    if (request.gets.empty()) list->list().push_back(element);
    for (const SortPattern& get : request.gets) {
      list->list().push_back(lookup.find(get, element).value_or(std::string_view()));
    }
  }
  Value value;
  value.set_collection(std::move(list));
  ctx.db().insert(destination, std::move(value));
  ctx.notify(keyspace_events::kList, "sortstore", destination);
  ctx.dirty(length);
  ctx.signal_key_ready(destination);
  ctx.reply().integer(static_cast<int64_t>(length));
}

void sort_generic(CommandContext& ctx, bool read_only) {
  std::optional<SortRequest> request = parse_sort_request(ctx, read_only);
  if (!request) return;
  Entry* entry = ctx.db().lookup_read(ctx.arg(1));
  Collection* sorted = nullptr;  // a missing key sorts as an empty list
  if (entry != nullptr) {
    const ValueType type = entry->value().type();
    if (type != ValueType::kList && type != ValueType::kSet && type != ValueType::kZSet) {
      return ctx.reply().error(errors::kWrongType);
    }
    sorted = entry->value().collection();
  }
  // A set has no order of its own: unsorted, it is sorted anyway when the result is stored
  // or a script reads it, so that it is the same everywhere.
  if (request->dont_sort && sorted != nullptr && sorted->type() == ValueType::kSet &&
      (request->destination || ctx.client().script_caller != nullptr)) {
    request->dont_sort = false;
    request->alpha = true;
    request->by.reset();
  }

  SortBatch batch;
  bool windowed = false;
  if (sorted != nullptr) {
    switch (sorted->type()) {
      case ValueType::kList:
        windowed = collect_list(static_cast<ListValue*>(sorted)->list(), *request, batch);
        break;
      case ValueType::kSet:
        collect_set(*static_cast<SetValue*>(sorted), batch);
        break;
      default: {
        auto* zset = static_cast<ZSetValue*>(sorted);
        // As Redis, which sorts sorted sets in their skiplist form and keeps them so.
        zset->convert_to_skiplist();
        windowed = collect_zset(*zset, *request, batch);
        break;
      }
    }
  }
  if (!request->dont_sort) {
    if (!load_sort_keys(ctx, *request, batch)) {
      return ctx.reply().error(errors::kSortScoreNotDouble);
    }
    sort_batch(*request, batch);
  }
  std::span<const SortBatch::Item> result(batch.items());
  if (!windowed) {
    const sort_order::Window window =
        sort_order::limit_window(request->limit_offset, request->limit_count, batch.items().size());
    result = result.subspan(window.start, window.count);
  }
  if (request->destination) return store_sorted(ctx, *request, batch, result);
  reply_sorted(ctx, *request, batch, result);
}

// SORT key [BY pattern] [LIMIT offset count] [GET pattern ...] [ASC|DESC] [ALPHA]
//   [STORE destination]
void sort(CommandContext& ctx) { sort_generic(ctx, false); }

// SORT_RO: SORT without STORE.
void sort_ro(CommandContext& ctx) { sort_generic(ctx, true); }

constexpr CommandSpec kSortCommands[] = {
    {"sort", -2, kWrite | kDenyOom, 1, 1, 1, sort, "generic",
     "Sort the elements in a list, set or sorted set", "1.0.0"},
    {"sort_ro", -2, kReadOnly, 1, 1, 1, sort_ro, "generic",
     "Sort the elements in a list, set or sorted set. Read-only variant of SORT.", "7.0.0"},
};

}  // namespace

void register_sort_family(CommandTable& table) { table.add(kSortCommands); }

}  // namespace fkvs
