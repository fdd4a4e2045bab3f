// The geo searches: GEOSEARCH, GEOSEARCHSTORE and the deprecated GEORADIUS,
// GEORADIUSBYMEMBER (with STORE and STOREDIST) and their _RO variants. They
// share one parser and one search, as in Redis, so options, error order and
// results agree across them.
#include <algorithm>
#include <array>
#include <forward_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "commands/collection_access.h"
#include "commands/command_context.h"
#include "commands/errors.h"
#include "commands/geo_common.h"
#include "commands/zset_common.h"
#include "store/geo_cover.h"
#include "store/geo_shape.h"
#include "store/geohash.h"
#include "store/zset_range.h"
#include "store/zset_value.h"
#include "util/partial_quicksort.h"
#include "util/strings.h"

namespace fkvs {
namespace {

// Which command runs the search, which decides the arguments it takes.
enum class GeoSearchCommand {
  kRadius,          // GEORADIUS key longitude latitude radius unit [options]
  kRadiusByMember,  // GEORADIUSBYMEMBER key member radius unit [options]
  kSearch,          // GEOSEARCH key [FROM...] [BY...] [options]
  kSearchStore,     // GEOSEARCHSTORE destination key [FROM...] [BY...] [options]
};

enum class GeoSort { kNone, kAscending, kDescending };

struct GeoSearchRequest {
  geo::Shape shape;
  bool with_distance = false;
  bool with_hash = false;
  bool with_coordinates = false;
  GeoSort sort = GeoSort::kNone;
  bool any = false;
  int64_t count = 0;  // 0: all
  std::optional<std::string_view> store_key;
  bool store_distance = false;
};

// A member inside the shape.
struct GeoMatch {
  std::string_view member;
  double score;
  double distance;  // meters
  geo::Point point;
};

// The radius and unit at args[at], args[at + 1] into shape.
bool parse_geo_radius(CommandContext& ctx, size_t at, geo::Shape& shape) {
  const std::optional<double> radius =
      parse_geo_number(ctx, ctx.arg(at), errors::kGeoNeedNumericRadius);
  if (!radius) return false;
  if (*radius < 0) {
    ctx.reply().error(errors::kGeoNegativeRadius);
    return false;
  }
  const std::optional<double> unit = parse_geo_unit(ctx, ctx.arg(at + 1));
  if (!unit) return false;
  shape.kind = geo::Shape::Kind::kRadius;
  shape.radius = *radius;
  shape.conversion = *unit;
  return true;
}

// Width, height and unit at args[at ...] into shape.
bool parse_geo_box(CommandContext& ctx, size_t at, geo::Shape& shape) {
  const std::optional<double> width =
      parse_geo_number(ctx, ctx.arg(at), errors::kGeoNeedNumericWidth);
  if (!width) return false;
  const std::optional<double> height =
      parse_geo_number(ctx, ctx.arg(at + 1), errors::kGeoNeedNumericHeight);
  if (!height) return false;
  if (*height < 0 || *width < 0) {
    ctx.reply().error(errors::kGeoNegativeBox);
    return false;
  }
  const std::optional<double> unit = parse_geo_unit(ctx, ctx.arg(at + 2));
  if (!unit) return false;
  shape.kind = geo::Shape::Kind::kBox;
  shape.width = *width;
  shape.height = *height;
  shape.conversion = *unit;
  return true;
}

// The point of member in set, or Redis's error.
bool geo_member_point(CommandContext& ctx, const ZSetValue& set, std::string_view member,
                      geo::Point& point) {
  const std::optional<double> score = set.score(member);
  if (!score) {
    ctx.reply().error(errors::kGeoUnknownMember);
    return false;
  }
  point = geo::point_of(*score);
  return true;
}

// Reads a search's arguments in Redis's order, so that the first bad
// argument is the one reported. set is the source (null when missing: a
// center member is then not looked up, and the search replies empty).
std::optional<GeoSearchRequest> parse_search(CommandContext& ctx, GeoSearchCommand command,
                                             bool read_only, const ZSetValue* set) {
  GeoSearchRequest request;
  geo::Shape& shape = request.shape;
  size_t first_option = 0;
  switch (command) {
    case GeoSearchCommand::kRadius: {
      first_option = 6;
      const std::optional<geo::Point> center = parse_geo_point(ctx, ctx.arg(2), ctx.arg(3));
      if (!center) return std::nullopt;
      shape.center = *center;
      if (!parse_geo_radius(ctx, 4, shape)) return std::nullopt;
      break;
    }
    case GeoSearchCommand::kRadiusByMember:
      first_option = 5;
      // Without a source the member and the radius go unread.
      if (set == nullptr) break;
      if (!geo_member_point(ctx, *set, ctx.arg(2), shape.center)) return std::nullopt;
      if (!parse_geo_radius(ctx, 3, shape)) return std::nullopt;
      break;
    case GeoSearchCommand::kSearch:
      first_option = 2;
      break;
    case GeoSearchCommand::kSearchStore:
      first_option = 3;
      request.store_key = ctx.arg(1);
      break;
  }
  const bool search =
      command == GeoSearchCommand::kSearch || command == GeoSearchCommand::kSearchStore;
  const bool may_store = !read_only && !search;
  bool from_member = false;
  bool from_point = false;
  bool by_radius = false;
  bool by_box = false;
  for (size_t i = first_option; i < ctx.argc(); ++i) {
    const std::string_view option = ctx.arg(i);
    const size_t following = ctx.argc() - i - 1;
    if (option_is(option, "withdist")) {
      request.with_distance = true;
    } else if (option_is(option, "withhash")) {
      request.with_hash = true;
    } else if (option_is(option, "withcoord")) {
      request.with_coordinates = true;
    } else if (option_is(option, "any")) {
      request.any = true;
    } else if (option_is(option, "asc")) {
      request.sort = GeoSort::kAscending;
    } else if (option_is(option, "desc")) {
      request.sort = GeoSort::kDescending;
    } else if (option_is(option, "count") && following >= 1) {
      const std::optional<int64_t> count = zset_parse_long(ctx, ctx.arg(i + 1));
      if (!count) return std::nullopt;
      if (*count <= 0) {
        ctx.reply().error(errors::kCountMustBePositive);
        return std::nullopt;
      }
      request.count = *count;
      ++i;
    } else if (option_is(option, "store") && following >= 1 && may_store) {
      request.store_key = ctx.arg(++i);
      request.store_distance = false;
    } else if (option_is(option, "storedist") && following >= 1 && may_store) {
      request.store_key = ctx.arg(++i);
      request.store_distance = true;
    } else if (option_is(option, "storedist") && command == GeoSearchCommand::kSearchStore) {
      request.store_distance = true;
    } else if (option_is(option, "frommember") && following >= 1 && search && !from_point) {
      if (set != nullptr && !geo_member_point(ctx, *set, ctx.arg(i + 1), shape.center)) {
        return std::nullopt;
      }
      from_member = true;
      ++i;
    } else if (option_is(option, "fromlonlat") && following >= 2 && search && !from_member) {
      const std::optional<geo::Point> center = parse_geo_point(ctx, ctx.arg(i + 1), ctx.arg(i + 2));
      if (!center) return std::nullopt;
      shape.center = *center;
      from_point = true;
      i += 2;
    } else if (option_is(option, "byradius") && following >= 2 && search && !by_box) {
      if (!parse_geo_radius(ctx, i + 1, shape)) return std::nullopt;
      by_radius = true;
      i += 2;
    } else if (option_is(option, "bybox") && following >= 3 && search && !by_radius) {
      if (!parse_geo_box(ctx, i + 1, shape)) return std::nullopt;
      by_box = true;
      i += 3;
    } else {
      ctx.reply().error(errors::kSyntax);
      return std::nullopt;
    }
  }

  if (request.store_key &&
      (request.with_distance || request.with_hash || request.with_coordinates)) {
    const std::string_view who =
        command == GeoSearchCommand::kSearchStore ? "GEOSEARCHSTORE" : "STORE option in GEORADIUS";
    ctx.reply().error(errors::format(errors::kGeoStoreWithOptions, {who}));
    return std::nullopt;
  }
  // Redis names the command as the client spelled it.
  const std::string_view name = up_to_nul(ctx.arg(0));
  if (search && !(from_member || from_point)) {
    ctx.reply().error(errors::format(errors::kGeoNeedsOneCenter, {name}));
    return std::nullopt;
  }
  if (search && !(by_radius || by_box)) {
    ctx.reply().error(errors::format(errors::kGeoNeedsOneShape, {name}));
    return std::nullopt;
  }
  if (request.any && request.count == 0) {
    ctx.reply().error(errors::kGeoAnyWithoutCount);
    return std::nullopt;
  }
  return request;
}

// The most matches whose room is kept from one search to the next.
constexpr size_t kGeoMatchesKept = 4096;

// Sub-cells this many steps finer than a search's cells are read only
// where they reach the shape's window.
constexpr uint8_t kGeoSubCellSteps = 2;

// The members of set inside shape, in the order Redis finds them: cell by
// cell (see geo::search_cells), each in score order, stopping once matches
// holds limit of them (0: no limit). Within a cell only the sub-cells that
// can hold kept points are read (geo::append_cell_spans), and only the
// points in the shape's index window are decoded and measured: the same
// points, found with less reading. Members are views into the set, except
// for a listpack's integers, which are copied into numbers.
void gather_matches(const ZSetValue& set, const geo::Shape& shape, size_t limit,
                    std::vector<GeoMatch>& matches, std::forward_list<std::string>& numbers) {
  const std::array<geo::Cell, 9> cells = geo::search_cells(shape);
  const geo::ShapeMatcher matcher(shape);
  const geo::IndexWindow window = geo::index_window(shape);
  static thread_local std::vector<geo::ScoreSpan> spans;
  size_t last_read = 0;  // 0 also before any: Redis never skips the cell after the centre's
  for (size_t i = 0; i < cells.size(); ++i) {
    if (cells[i].is_zero()) continue;
    // With huge radii neighbours coincide: a cell equal to the one read last is skipped.
    if (last_read != 0 && cells[i] == cells[last_read]) continue;
    if (limit != 0 && !matches.empty() && matches.size() >= limit) break;
    last_read = i;
    spans.clear();
    geo::append_cell_spans(cells[i], window, kGeoSubCellSteps, spans);
    ZSetValue::ScoreWalk walk(set);
    for (const geo::ScoreSpan& span : spans) {
      const auto end = static_cast<double>(span.end);
      for (walk.seek(static_cast<double>(span.first)); walk.valid() && walk.score() < end;
           walk.next()) {
        const double score = walk.score();
        if (!window.holds_bits(geo::bits_of_score(score))) continue;
        const geo::Point point = geo::point_of(score);
        const std::optional<double> distance = matcher.distance_within(point);
        if (!distance) continue;
        std::string_view member = walk.member();
        if (!walk.member_in_place()) member = numbers.emplace_front(member);
        matches.push_back(GeoMatch{member, score, *distance, point});
        if (limit != 0 && matches.size() >= limit) return;
      }
    }
  }
}

// Orders the matches by distance, as Redis does: all of them with a stable
// sort (glibc's qsort is a merge sort), only the first `wanted` (when fewer) with its
// partial quicksort, whose order among equal distances this follows too.
void sort_matches(std::vector<GeoMatch>& matches, GeoSort sort, size_t wanted) {
  if (sort == GeoSort::kNone || matches.empty()) return;
  const bool descending = sort == GeoSort::kDescending;
  if (wanted == matches.size()) {
    std::stable_sort(matches.begin(), matches.end(), [&](const GeoMatch& a, const GeoMatch& b) {
      return descending ? a.distance > b.distance : a.distance < b.distance;
    });
    return;
  }
  partial_quicksort(std::span(matches), 0, wanted - 1, [&](const GeoMatch& a, const GeoMatch& b) {
    const int order = a.distance > b.distance ? 1 : (a.distance == b.distance ? 0 : -1);
    return descending ? -order : order;
  });
}

void reply_matches(CommandContext& ctx, const GeoSearchRequest& request,
                   const std::vector<GeoMatch>& matches, size_t returned) {
  resp::ReplyWriter& reply = ctx.reply();
  const size_t extras = static_cast<size_t>(request.with_distance) +
                        static_cast<size_t>(request.with_hash) +
                        static_cast<size_t>(request.with_coordinates);
  reply.array(returned);
  for (size_t i = 0; i < returned; ++i) {
    const GeoMatch& match = matches[i];
    if (extras != 0) reply.array(extras + 1);
    reply.bulk(match.member);
    if (request.with_distance) {
      reply_geo_distance(reply, match.distance / request.shape.conversion);
    }
    if (request.with_hash) reply.integer(static_cast<int64_t>(geo::bits_of_score(match.score)));
    if (request.with_coordinates) reply_geo_point(reply, match.point);
  }
}

// Stores the first `returned` matches at the destination key, scored by
// geohash or by distance, replacing what was there; none deletes it.
void store_matches(CommandContext& ctx, const GeoSearchRequest& request, bool search,
                   const std::vector<GeoMatch>& matches, size_t returned) {
  const std::string_view key = *request.store_key;
  Db& db = ctx.db();
  if (returned == 0) {
    if (db.erase(key)) {
      ctx.notify(keyspace_events::kGeneric, "del", key);
      ctx.dirty();
    }
    return ctx.reply().integer(0);
  }
  const ZSetLimits limits = zset_limits(ctx);
  auto set = std::make_unique<ZSetValue>(ZSetLimits{0, 0}, 0, 0);
  for (size_t i = 0; i < returned; ++i) {
    const GeoMatch& match = matches[i];
    const double score =
        request.store_distance ? match.distance / request.shape.conversion : match.score;
    set->set(match.member, score, ZSetLimits{0, 0});
  }
  set->shrink_if_fits(limits);
  auto [entry, added] = db.find_or_insert(key);
  if (!added && entry->has_ttl()) db.persist(entry);
  entry->value() = Value();
  entry->value().set_collection(std::move(set));
  ctx.notify(keyspace_events::kZset, search ? "geosearchstore" : "georadiusstore", key);
  ctx.signal_key_ready(key);
  ctx.dirty(returned);
  ctx.reply().integer(static_cast<int64_t>(returned));
}

void search_generic(CommandContext& ctx, GeoSearchCommand command, bool read_only) {
  const size_t source_index = command == GeoSearchCommand::kSearchStore ? 2 : 1;
  auto ref = find_for_read<ZSetValue>(ctx, ctx.arg(source_index));
  if (ref.wrong_type) return ctx.reply().error(errors::kWrongType);
  std::optional<GeoSearchRequest> request = parse_search(ctx, command, read_only, ref.collection);
  if (!request) return;
  const bool search =
      command == GeoSearchCommand::kSearch || command == GeoSearchCommand::kSearchStore;
  if (!ref) {
    if (!request->store_key) return ctx.reply().empty_array();
    if (ctx.db().erase(*request->store_key)) {
      ctx.notify(keyspace_events::kGeneric, "del", *request->store_key);
      ctx.dirty();
    }
    return ctx.reply().integer(0);
  }
  // COUNT means the nearest ones unless ANY takes the first found.
  if (request->count != 0 && request->sort == GeoSort::kNone && !request->any) {
    request->sort = GeoSort::kAscending;
  }
  // Kept between searches, so that a search allocates nothing for its matches.
  static thread_local std::vector<GeoMatch> matches;
  matches.clear();
  if (matches.capacity() > kGeoMatchesKept) matches.shrink_to_fit();
  std::forward_list<std::string> numbers;
  gather_matches(*ref.collection, request->shape, request->any ? request->count : 0, matches,
                 numbers);
  const size_t wanted = request->count == 0
                            ? matches.size()
                            : std::min(matches.size(), static_cast<size_t>(request->count));
  sort_matches(matches, request->sort, wanted);
  if (request->store_key) return store_matches(ctx, *request, search, matches, wanted);
  reply_matches(ctx, *request, matches, wanted);
}

void georadius(CommandContext& ctx) { search_generic(ctx, GeoSearchCommand::kRadius, false); }
void georadiusbymember(CommandContext& ctx) {
  search_generic(ctx, GeoSearchCommand::kRadiusByMember, false);
}
void georadius_ro(CommandContext& ctx) { search_generic(ctx, GeoSearchCommand::kRadius, true); }
void georadiusbymember_ro(CommandContext& ctx) {
  search_generic(ctx, GeoSearchCommand::kRadiusByMember, true);
}
void geosearch(CommandContext& ctx) { search_generic(ctx, GeoSearchCommand::kSearch, false); }
void geosearchstore(CommandContext& ctx) {
  search_generic(ctx, GeoSearchCommand::kSearchStore, false);
}

constexpr CommandSpec kGeoSearchCommands[] = {
    // name               arity flags             first last step handler
    {"georadius", -6, kWrite | kDenyOom, 1, 1, 1, georadius, "geo",
     "Query a sorted set representing a geospatial index to fetch members matching a given "
     "maximum distance from a point",
     "3.2.0"},
    {"georadiusbymember", -5, kWrite | kDenyOom, 1, 1, 1, georadiusbymember, "geo",
     "Query a sorted set representing a geospatial index to fetch members matching a given "
     "maximum distance from a member",
     "3.2.0"},
    {"georadius_ro", -6, kReadOnly, 1, 1, 1, georadius_ro, "geo",
     "A read-only variant for GEORADIUS", "3.2.10"},
    {"georadiusbymember_ro", -5, kReadOnly, 1, 1, 1, georadiusbymember_ro, "geo",
     "A read-only variant for GEORADIUSBYMEMBER", "3.2.10"},
    {"geosearch", -7, kReadOnly, 1, 1, 1, geosearch, "geo",
     "Query a sorted set representing a geospatial index to fetch members inside an area of a "
     "box or a circle.",
     "6.2.0"},
    {"geosearchstore", -8, kWrite | kDenyOom, 1, 2, 1, geosearchstore, "geo",
     "Query a sorted set representing a geospatial index to fetch members inside an area of a "
     "box or a circle, and store the result in another key.",
     "6.2.0"},
};

}  // namespace

void add_geo_search_commands(CommandTable& table) { table.add(kGeoSearchCommands); }

}  // namespace fkvs
