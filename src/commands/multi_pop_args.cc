#include "commands/multi_pop_args.h"

#include "util/number.h"
#include "util/strings.h"

namespace fkvs {

std::optional<MultiPopArgs> parse_multi_pop_args(CommandContext& ctx, size_t numkeys_index,
                                                 std::string_view first_where,
                                                 std::string_view second_where) {
  const std::optional<int64_t> numkeys = parse_int64(ctx.arg(numkeys_index));
  if (!numkeys || *numkeys < 1) {
    ctx.reply().error(errors::kNumKeysNotPositive);
    return std::nullopt;
  }
  // The keys, then WHERE: numkeys may not reach past the last argument.
  const size_t first_key = numkeys_index + 1;
  if (static_cast<uint64_t>(*numkeys) >= ctx.argc() - first_key) {
    ctx.reply().error(errors::kSyntax);
    return std::nullopt;
  }
  const auto key_count = static_cast<size_t>(*numkeys);
  const size_t where_index = first_key + key_count;
  const std::string_view where = up_to_nul(ctx.arg(where_index));
  const bool second = equals_nocase(where, second_where);
  if (!second && !equals_nocase(where, first_where)) {
    ctx.reply().error(errors::kSyntax);
    return std::nullopt;
  }
  std::optional<int64_t> count;
  for (size_t i = where_index + 1; i < ctx.argc(); ++i) {
    if (count || !equals_nocase(up_to_nul(ctx.arg(i)), "count") || i + 1 == ctx.argc()) {
      ctx.reply().error(errors::kSyntax);
      return std::nullopt;
    }
    count = parse_int64(ctx.arg(++i));
    if (!count || *count < 1) {
      ctx.reply().error(errors::kCountNotPositive);
      return std::nullopt;
    }
  }
  return MultiPopArgs{first_key, key_count, second, static_cast<uint64_t>(count.value_or(1))};
}

}  // namespace fkvs
