// Geo commands on members: GEOADD, GEODIST, GEOHASH and GEOPOS. A geo set is
// a sorted set whose scores are geohashes (store/geohash.h); the searches
// are in geo_search_family.cc.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "commands/collection_access.h"
#include "commands/command_context.h"
#include "commands/errors.h"
#include "commands/families.h"
#include "commands/geo_common.h"
#include "commands/zset_common.h"
#include "store/geo_shape.h"
#include "store/geohash.h"
#include "store/zset_value.h"
#include "util/number.h"
#include "util/strings.h"

namespace fkvs {

void add_geo_search_commands(CommandTable& table);

namespace {

// GEOADD key [NX|XX] [CH] longitude latitude member [...]
//
// Redis runs it as the ZADD of the members' geohashes, and so it notifies
// and propagates that ZADD.
void geoadd(CommandContext& ctx) {
  bool nx = false;
  bool xx = false;
  bool ch = false;
  size_t first = 2;
  for (; first < ctx.argc(); ++first) {
    const std::string_view option = ctx.arg(first);
    if (option_is(option, "nx")) {
      nx = true;
    } else if (option_is(option, "xx")) {
      xx = true;
    } else if (option_is(option, "ch")) {
      ch = true;
    } else {
      break;
    }
  }
  const size_t arguments = ctx.argc() - first;
  if (arguments == 0 || arguments % 3 != 0 || (nx && xx)) return ctx.reply().error(errors::kSyntax);
  const size_t elements = arguments / 3;
  std::vector<uint64_t> scores(elements);
  for (size_t i = 0; i < elements; ++i) {
    const std::optional<geo::Point> point =
        parse_geo_point(ctx, ctx.arg(first + 3 * i), ctx.arg(first + 3 * i + 1));
    if (!point) return;
    scores[i] = geo::score_of(*point);
  }

  const std::string_view key = ctx.arg(1);
  auto ref = find_for_write<ZSetValue>(ctx, key);
  if (ref.wrong_type) return ctx.reply().error(errors::kWrongType);
  if (!ref) {
    if (xx) return ctx.reply().integer(0);
    ref = create_collection(
        ctx, key, std::make_unique<ZSetValue>(zset_limits(ctx), 1, ctx.arg(first + 2).size()));
    ctx.signal_key_ready(key);
  }
  const ZSetLimits limits = zset_limits(ctx);
  size_t added = 0;
  size_t updated = 0;
  for (size_t i = 0; i < elements; ++i) {
    const std::string_view member = ctx.arg(first + 3 * i + 2);
    const auto score = static_cast<double>(scores[i]);
    const std::optional<double> current = ref.collection->score(member);
    if (current ? nx || *current == score : xx) continue;
    ref.collection->set(member, score, limits);
    ++(current ? updated : added);
  }
  if (added + updated > 0) {
    ctx.dirty(added + updated);
    ctx.notify(keyspace_events::kZset, "zadd", key);
    if (ctx.propagating()) [[unlikely]] {
      // ZADD key [options as given] score member ..., the scores as integers.
      std::vector<std::string> texts;
      texts.reserve(elements);
      for (uint64_t score : scores) texts.push_back(std::to_string(score));
      std::vector<std::string_view> argv{"zadd", key};
      for (size_t i = 2; i < first; ++i) argv.push_back(ctx.arg(i));
      for (size_t i = 0; i < elements; ++i) {
        argv.push_back(texts[i]);
        argv.push_back(ctx.arg(first + 3 * i + 2));
      }
      ctx.server().propagation().rewrite_call(argv);
    }
  }
  erase_if_empty(ctx, ref);
  ctx.reply().integer(static_cast<int64_t>(ch ? added + updated : added));
}

// GEODIST key member1 member2 [unit]
void geodist(CommandContext& ctx) {
  double to_meters = 1;
  if (ctx.argc() == 5) {
    const std::optional<double> unit = parse_geo_unit(ctx, ctx.arg(4));
    if (!unit) return;
    to_meters = *unit;
  } else if (ctx.argc() > 5) {
    return ctx.reply().error(errors::kSyntax);
  }
  auto ref = find_for_read<ZSetValue>(ctx, ctx.arg(1));
  if (ref.wrong_type) return ctx.reply().error(errors::kWrongType);
  if (!ref) return ctx.reply().null_bulk();
  const std::optional<double> first = ref.collection->score(ctx.arg(2));
  const std::optional<double> second = ref.collection->score(ctx.arg(3));
  if (!first || !second) return ctx.reply().null_bulk();
  reply_geo_distance(ctx.reply(),
                     geo::distance(geo::point_of(*first), geo::point_of(*second)) / to_meters);
}

// GEOHASH key [member ...]
void geohash(CommandContext& ctx) {
  auto ref = find_for_read<ZSetValue>(ctx, ctx.arg(1));
  if (ref.wrong_type) return ctx.reply().error(errors::kWrongType);
  ctx.reply().array(ctx.argc() - 2);
  for (size_t i = 2; i < ctx.argc(); ++i) {
    const std::optional<double> score = ref ? ref.collection->score(ctx.arg(i)) : std::nullopt;
    if (!score) {
      ctx.reply().null_bulk();
      continue;
    }
    const auto text = geo::standard_geohash(*score);
    ctx.reply().bulk(std::string_view(text.data(), text.size()));
  }
}

// GEOPOS key [member ...]
void geopos(CommandContext& ctx) {
  auto ref = find_for_read<ZSetValue>(ctx, ctx.arg(1));
  if (ref.wrong_type) return ctx.reply().error(errors::kWrongType);
  ctx.reply().array(ctx.argc() - 2);
  for (size_t i = 2; i < ctx.argc(); ++i) {
    const std::optional<double> score = ref ? ref.collection->score(ctx.arg(i)) : std::nullopt;
    if (!score) {
      ctx.reply().null_array();
      continue;
    }
    reply_geo_point(ctx.reply(), geo::point_of(*score));
  }
}

constexpr CommandSpec kGeoCommands[] = {
    // name     arity flags                first last step handler
    {"geoadd", -5, kWrite | kDenyOom, 1, 1, 1, geoadd, "geo",
     "Add one or more geospatial items in the geospatial index represented using a sorted set",
     "3.2.0"},
    {"geodist", -4, kReadOnly, 1, 1, 1, geodist, "geo",
     "Returns the distance between two members of a geospatial index", "3.2.0"},
    {"geohash", -2, kReadOnly, 1, 1, 1, geohash, "geo",
     "Returns members of a geospatial index as standard geohash strings", "3.2.0"},
    {"geopos", -2, kReadOnly, 1, 1, 1, geopos, "geo",
     "Returns longitude and latitude of members of a geospatial index", "3.2.0"},
};

}  // namespace

void register_geo_family(CommandTable& table) {
  table.add(kGeoCommands);
  add_geo_search_commands(table);
}

}  // namespace fkvs
