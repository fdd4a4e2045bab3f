// LCS: the longest common subsequence of two strings, its length, or where its runs are.
#include <unistd.h>

#include <cstdint>
#include <optional>
#include <string_view>

#include "commands/command_context.h"
#include "commands/errors.h"
#include "commands/families.h"
#include "util/longest_common_subsequence.h"
#include "util/number.h"
#include "util/strings.h"

namespace fkvs {
namespace {

// Redis gives up when allocating the table fails; with overcommit that could be far past what
// the machine holds, so a table larger than its physical memory counts as failing.
uint64_t lcs_table_limit() {
  const long pages = sysconf(_SC_PHYS_PAGES);
  const long page_size = sysconf(_SC_PAGE_SIZE);
  if (pages <= 0 || page_size <= 0) return UINT64_MAX;
  return static_cast<uint64_t>(pages) * static_cast<uint64_t>(page_size);
}

// The string at key, empty when missing; nullopt when the key holds another type.
std::optional<std::string_view> lcs_operand(CommandContext& ctx, std::string_view key,
                                            IntScratch& scratch) {
  Entry* entry = ctx.db().lookup_read(key);
  if (entry == nullptr) return std::string_view();
  if (!entry->value().is_string()) return std::nullopt;
  return entry->value().string_bytes(scratch);
}

void reply_lcs_matches(resp::ReplyWriter& reply, const LcsResult& result, int64_t min_length,
                       bool with_length) {
  reply.map(2);
  reply.bulk("matches");
  const size_t token = reply.begin_array();
  size_t count = 0;
  for (const LcsMatch& match : result.matches) {
    if (static_cast<int64_t>(match.length()) < min_length) continue;
    reply.array(with_length ? 3 : 2);
    reply.array(2);
    reply.integer(match.a_start);
    reply.integer(match.a_end);
    reply.array(2);
    reply.integer(match.b_start);
    reply.integer(match.b_end);
    if (with_length) reply.integer(match.length());
    ++count;
  }
  reply.end_array(token, count);
  reply.bulk("len");
  reply.integer(result.length);
}

// LCS key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN]
void lcs(CommandContext& ctx) {
  // As Redis, the keys are looked at before the options.
  IntScratch scratch_a;
  IntScratch scratch_b;
  const std::optional<std::string_view> a = lcs_operand(ctx, ctx.arg(1), scratch_a);
  const std::optional<std::string_view> b = lcs_operand(ctx, ctx.arg(2), scratch_b);
  if (!a || !b) return ctx.reply().error(errors::kLcsNotStrings);
  bool want_length = false;
  bool want_indexes = false;
  bool with_match_length = false;
  int64_t min_match_length = 0;
  for (size_t i = 3; i < ctx.argc(); ++i) {
    const std::string_view option = ctx.arg(i);
    if (equals_nocase(option, "idx")) {
      want_indexes = true;
    } else if (equals_nocase(option, "len")) {
      want_length = true;
    } else if (equals_nocase(option, "withmatchlen")) {
      with_match_length = true;
    } else if (equals_nocase(option, "minmatchlen") && i + 1 < ctx.argc()) {
      const std::optional<int64_t> value = parse_int64(ctx.arg(++i));
      if (!value) return ctx.reply().error(errors::kNotInteger);
      min_match_length = *value;
    } else {
      return ctx.reply().error(errors::kSyntax);
    }
  }
  if (want_indexes && want_length) return ctx.reply().error(errors::kLcsLenAndIdx);
  if (lcs_strings_too_long(*a, *b)) return ctx.reply().error(errors::kLcsStringTooLong);
  const LcsDetail detail = want_indexes  ? LcsDetail::kSequenceAndMatches
                           : want_length ? LcsDetail::kLengthOnly
                                         : LcsDetail::kSequence;
  const std::optional<LcsResult> result =
      longest_common_subsequence(*a, *b, detail, lcs_table_limit());
  if (!result) return ctx.reply().error(errors::kLcsNoMemory);
  if (want_indexes)
    return reply_lcs_matches(ctx.reply(), *result, min_match_length, with_match_length);
  if (want_length) return ctx.reply().integer(result->length);
  ctx.reply().bulk(result->sequence);
}

constexpr CommandSpec kLcsCommands[] = {
    {"lcs", -3, kReadOnly, 1, 2, 1, lcs, "string", "Find longest common substring", "7.0.0"},
};

}  // namespace

void register_lcs_family(CommandTable& table) { table.add(kLcsCommands); }

}  // namespace fkvs
