// Sorted-set algebra: ZUNION, ZINTER, ZDIFF, their STORE forms and
// ZINTERCARD (Redis's zunionInterDiffGenericCommand).
//
// Inputs are sorted sets or plain sets (each member scoring 1, as in Redis);
// a missing key is an empty set, any other type WRONGTYPE.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "commands/collection_access.h"
#include "commands/command_context.h"
#include "commands/errors.h"
#include "commands/zset_common.h"
#include "store/set_value.h"
#include "store/zset_value.h"
#include "util/number.h"
#include "util/strings.h"

namespace fkvs {
namespace {

enum class ZsetOp { kUnion, kInter, kDiff };
enum class Aggregate { kSum, kMin, kMax };

// One input: a sorted set, a plain set, or neither (a missing key).
struct Source {
  const ZSetValue* zset = nullptr;
  const SetValue* set = nullptr;
  double weight = 1;

  size_t size() const {
    if (zset != nullptr) return zset->size();
    return set == nullptr ? 0 : set->size();
  }
  // The member's score here, unweighted; a plain set's members score 1.
  std::optional<double> score(std::string_view member) const {
    if (zset != nullptr) return zset->score(member);
    if (set != nullptr && set->contains(member)) return 1.0;
    return std::nullopt;
  }
  // Calls visit(member, score) for every member, unweighted, until it
  // returns false. A plain set has no early exit: its walk skips the rest.
  template <typename Visitor>
  void for_each(Visitor&& visit) const {
    if (zset != nullptr) {
      for (auto cursor = zset->at_rank(0); cursor.valid(); cursor.next()) {
        if (!visit(cursor.member(), cursor.score())) return;
      }
    } else if (set != nullptr) {
      bool going = true;
      set->for_each([&](std::string_view member) { going = going && visit(member, 1.0); });
    }
  }
};

// Redis's zunionInterAggregate: a sum of opposite infinities is 0.
void aggregate_into(double& target, double value, Aggregate aggregate) {
  switch (aggregate) {
    case Aggregate::kSum:
      target += value;
      if (std::isnan(target)) target = 0;
      break;
    case Aggregate::kMin:
      target = std::min(target, value);
      break;
    case Aggregate::kMax:
      target = std::max(target, value);
      break;
  }
}

double weighted(double score, double weight) {
  const double value = score * weight;
  return std::isnan(value) ? 0 : value;  // 0 * inf
}

// The members of the result with their scores, in no particular order.
// Copies: a listpack cursor's view of a member stored as a number lasts
// only until the cursor moves.
using Members = std::vector<std::pair<std::string, double>>;

Members compute_union(const std::vector<Source>& sources, Aggregate aggregate) {
  std::unordered_map<std::string, size_t> index;  // member -> position in result
  Members result;
  for (const Source& source : sources) {
    source.for_each([&](std::string_view member, double score) {
      const double value = weighted(score, source.weight);
      auto [found, added] = index.try_emplace(std::string(member), result.size());
      if (added) {
        result.emplace_back(found->first, value);
      } else {
        aggregate_into(result[found->second].second, value, aggregate);
      }
      return true;
    });
  }
  return result;
}

Members compute_inter(const std::vector<Source>& sources, Aggregate aggregate, size_t limit) {
  Members result;
  if (sources.front().size() == 0) return result;
  sources[0].for_each([&](std::string_view member, double first_score) {
    double score = weighted(first_score, sources[0].weight);
    for (size_t i = 1; i < sources.size(); ++i) {
      auto other = sources[i].score(member);
      if (!other) return true;
      aggregate_into(score, weighted(*other, sources[i].weight), aggregate);
    }
    result.emplace_back(member, score);
    return limit == 0 || result.size() < limit;
  });
  return result;
}

Members compute_diff(const std::vector<Source>& sources) {
  Members result;
  sources[0].for_each([&](std::string_view member, double score) {
    for (size_t i = 1; i < sources.size(); ++i) {
      if (sources[i].score(member)) return true;
    }
    result.emplace_back(member, score);
    return true;
  });
  return result;
}

void op_generic(CommandContext& ctx, std::optional<std::string_view> store, size_t numkeys_index,
                ZsetOp op, bool cardinality_only) {
  auto numkeys = zset_parse_long(ctx, ctx.arg(numkeys_index));
  if (!numkeys) return;
  if (*numkeys < 1) return ctx.reply_error_naming_command(errors::kZAtLeastOneKey);
  if (static_cast<uint64_t>(*numkeys) > ctx.argc() - numkeys_index - 1) {
    return ctx.reply().error(errors::kSyntax);
  }
  const auto count = static_cast<size_t>(*numkeys);
  std::vector<Source> sources(count);
  for (size_t i = 0; i < count; ++i) {
    const std::string_view key = ctx.arg(numkeys_index + 1 + i);
    // Inputs count as reads (keyspace hits and misses) in the STORE forms too.
    Entry* entry = ctx.db().lookup_read(key);
    auto zset = as_collection<ZSetValue>(entry);
    auto set = as_collection<SetValue>(entry);
    if (zset.wrong_type && set.wrong_type) return ctx.reply().error(errors::kWrongType);
    sources[i].zset = zset.collection;
    sources[i].set = set.collection;
  }
  Aggregate aggregate = Aggregate::kSum;
  bool with_scores = false;
  int64_t limit = 0;
  size_t j = numkeys_index + 1 + count;
  while (j < ctx.argc()) {
    const size_t remaining = ctx.argc() - j;
    const std::string_view option = ctx.arg(j);
    if (op != ZsetOp::kDiff && !cardinality_only && remaining >= count + 1 &&
        option_is(option, "weights")) {
      ++j;
      for (size_t i = 0; i < count; ++i, ++j) {
        auto weight = parse_double(ctx.arg(j));
        if (!weight) return ctx.reply().error(errors::kZWeightNotFloat);
        sources[i].weight = *weight;
      }
    } else if (op != ZsetOp::kDiff && !cardinality_only && remaining >= 2 &&
               option_is(option, "aggregate")) {
      const std::string_view name = ctx.arg(j + 1);
      if (option_is(name, "sum")) {
        aggregate = Aggregate::kSum;
      } else if (option_is(name, "min")) {
        aggregate = Aggregate::kMin;
      } else if (option_is(name, "max")) {
        aggregate = Aggregate::kMax;
      } else {
        return ctx.reply().error(errors::kSyntax);
      }
      j += 2;
    } else if (!store && !cardinality_only && option_is(option, "withscores")) {
      with_scores = true;
      ++j;
    } else if (cardinality_only && remaining >= 2 && option_is(option, "limit")) {
      auto parsed = parse_int64(ctx.arg(j + 1));
      if (!parsed || *parsed < 0) return ctx.reply().error(errors::kLimitNegative);
      limit = *parsed;
      j += 2;
    } else {
      return ctx.reply().error(errors::kSyntax);
    }
  }

  // Redis takes the inputs of a union or intersection smallest first, which
  // also sets the order a SUM adds in (0.3 + 0.2 + 0.1 is not 0.3 + 0.1 + 0.2).
  if (op != ZsetOp::kDiff) {
    std::stable_sort(sources.begin(), sources.end(),
                     [](const Source& a, const Source& b) { return a.size() < b.size(); });
  }
  Members members;
  switch (op) {
    case ZsetOp::kUnion:
      members = compute_union(sources, aggregate);
      break;
    case ZsetOp::kInter:
      members =
          compute_inter(sources, aggregate, cardinality_only ? static_cast<size_t>(limit) : 0);
      break;
    case ZsetOp::kDiff:
      members = compute_diff(sources);
      break;
  }
  if (cardinality_only) return ctx.reply().integer(static_cast<int64_t>(members.size()));

  // The result is built as a skiplist and shrunk to a listpack when it
  // fits, as Redis does for every result of these commands.
  const ZSetLimits limits = zset_limits(ctx);
  auto result = std::make_unique<ZSetValue>(ZSetLimits{0, 0}, 0, 0);
  for (const auto& [member, score] : members) result->set(member, score, limits);
  if (store) {
    result->shrink_if_fits(limits);
    return zset_store_result(ctx, *store, std::move(result));
  }
  reply_scored_header(ctx.reply(), result->size(), with_scores);
  for (auto cursor = result->at_rank(0); cursor.valid(); cursor.next()) {
    reply_scored_member(ctx.reply(), cursor.member(), cursor.score(), with_scores);
  }
}

void zunion(CommandContext& ctx) { op_generic(ctx, std::nullopt, 1, ZsetOp::kUnion, false); }
void zinter(CommandContext& ctx) { op_generic(ctx, std::nullopt, 1, ZsetOp::kInter, false); }
void zdiff(CommandContext& ctx) { op_generic(ctx, std::nullopt, 1, ZsetOp::kDiff, false); }
void zunionstore(CommandContext& ctx) { op_generic(ctx, ctx.arg(1), 2, ZsetOp::kUnion, false); }
void zinterstore(CommandContext& ctx) { op_generic(ctx, ctx.arg(1), 2, ZsetOp::kInter, false); }
void zdiffstore(CommandContext& ctx) { op_generic(ctx, ctx.arg(1), 2, ZsetOp::kDiff, false); }
void zintercard(CommandContext& ctx) { op_generic(ctx, std::nullopt, 1, ZsetOp::kInter, true); }

constexpr CommandSpec kZsetSetOpsCommands[] = {
    {"zunion", -3, kReadOnly, 0, 0, 0, zunion, "sorted-set", "Add multiple sorted sets", "6.2.0"},
    {"zinter", -3, kReadOnly, 0, 0, 0, zinter, "sorted-set", "Intersect multiple sorted sets",
     "6.2.0"},
    {"zdiff", -3, kReadOnly, 0, 0, 0, zdiff, "sorted-set", "Subtract multiple sorted sets",
     "6.2.0"},
    {"zunionstore", -4, kWrite | kDenyOom, 1, 1, 1, zunionstore, "sorted-set",
     "Add multiple sorted sets and store the resulting sorted set in a new key", "2.0.0"},
    {"zinterstore", -4, kWrite | kDenyOom, 1, 1, 1, zinterstore, "sorted-set",
     "Intersect multiple sorted sets and store the resulting sorted set in a new key", "2.0.0"},
    {"zdiffstore", -4, kWrite | kDenyOom, 1, 1, 1, zdiffstore, "sorted-set",
     "Subtract multiple sorted sets and store the resulting sorted set in a new key", "6.2.0"},
    {"zintercard", -3, kReadOnly, 0, 0, 0, zintercard, "sorted-set",
     "Intersect multiple sorted sets and return the cardinality of the result", "7.0.0"},
};

}  // namespace

void add_zset_set_ops_commands(CommandTable& table) { table.add(kZsetSetOpsCommands); }

}  // namespace fkvs
