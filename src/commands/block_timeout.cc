#include "commands/block_timeout.h"

#include <cmath>
#include <limits>

#include "commands/command_context.h"
#include "commands/errors.h"
#include "util/clock.h"
#include "util/number.h"

namespace fkvs {

std::optional<int64_t> parse_block_timeout(CommandContext& ctx, std::string_view arg) {
  auto seconds = parse_long_double(arg);
  if (!seconds || std::isnan(*seconds)) {
    ctx.reply().error(errors::kTimeoutNotFloat);
    return std::nullopt;
  }
  // Redis rounds up to whole milliseconds, so 0.0001 waits 1 ms and -0.0001
  // is 0 (forever). A value past int64's range reads as negative there too.
  const long double ms = std::ceil(*seconds * 1000);
  constexpr auto kMax = static_cast<long double>(std::numeric_limits<int64_t>::max());
  if (ms < 0 || ms >= kMax) {
    ctx.reply().error(errors::kTimeoutNegative);
    return std::nullopt;
  }
  const auto timeout_ms = static_cast<int64_t>(ms);
  if (timeout_ms == 0) return 0;
  const int64_t now = clock::now_ms();
  return timeout_ms > std::numeric_limits<int64_t>::max() - now
             ? std::numeric_limits<int64_t>::max()
             : now + timeout_ms;
}

}  // namespace fkvs
