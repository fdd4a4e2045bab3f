// Client-side caching: CLIENT TRACKING, CACHING, GETREDIR and TRACKINGINFO
// (the table itself is server/tracking.h).
#include <string>
#include <vector>

#include "commands/command_context.h"
#include "commands/errors.h"
#include "commands/families.h"
#include "util/number.h"
#include "util/strings.h"

namespace fkvs {
namespace {

// Either prefix starts with the other.
bool overlap(std::string_view a, std::string_view b) {
  return a.starts_with(b) || b.starts_with(a);
}

std::string overlap_error(std::string_view prefix, std::string_view other, bool existing) {
  return "ERR Prefix '" + std::string(up_to_nul(prefix)) + "' overlaps with " +
         (existing ? "an existing prefix '" : "another provided prefix '") +
         std::string(up_to_nul(other)) + "'. Prefixes for a single client must not overlap.";
}

// BCAST prefixes may not overlap each other or the client's. Returns false
// when the command must stop. Redis 7.0 stops only when the first prefix
// overlaps a later one: a later pair gets the error and then the prefixes
// are added and +OK follows it, two replies to one command, as here.
bool check_prefixes(CommandContext& ctx, std::span<const std::string_view> prefixes) {
  const std::vector<std::string>& existing = ctx.client().tracking.prefixes;
  for (size_t i = 0; i < prefixes.size(); ++i) {
    for (const std::string& own : existing) {
      if (overlap(own, prefixes[i])) {
        ctx.reply().error(overlap_error(prefixes[i], own, true));
        return false;
      }
    }
    for (size_t j = i + 1; j < prefixes.size(); ++j) {
      if (overlap(prefixes[i], prefixes[j])) {
        ctx.reply().error(overlap_error(prefixes[i], prefixes[j], false));
        return i != 0;
      }
    }
  }
  return true;
}

// The mode checks of CLIENT TRACKING ON, in Redis's order: an error, or empty.
std::string_view mode_error(const ClientTracking& current, const Tracking::Options& options,
                            bool has_prefixes) {
  if (!options.bcast && has_prefixes) return "ERR PREFIX option requires BCAST mode to be enabled";
  if (current.on && current.bcast != options.bcast) {
    return "ERR You can't switch BCAST mode on/off before disabling tracking for this client, "
           "and then re-enabling it with a different mode.";
  }
  if (options.bcast && (options.optin || options.optout)) {
    return "ERR OPTIN and OPTOUT are not compatible with BCAST";
  }
  if (options.optin && options.optout) {
    return "ERR You can't specify both OPTIN mode and OPTOUT mode";
  }
  if ((options.optin && current.optout) || (options.optout && current.optin)) {
    return "ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, "
           "and then re-enabling it with a different mode.";
  }
  return {};
}

// CLIENT TRACKING ON|OFF [REDIRECT id] [PREFIX p ...] [BCAST] [OPTIN] [OPTOUT] [NOLOOP]
void client_tracking(CommandContext& ctx) {
  Tracking::Options options;
  std::vector<std::string_view> prefixes;
  for (size_t i = 3; i < ctx.argc(); ++i) {
    const std::string_view option = ctx.arg(i);
    const bool has_value = i + 1 < ctx.argc();
    if (equals_nocase(option, "redirect") && has_value) {
      if (options.redirect != 0) {
        return ctx.reply().error("ERR A client can only redirect to a single other client");
      }
      auto id = parse_int64(ctx.arg(++i));
      if (!id) return ctx.reply().error(errors::kNotInteger);
      // The target must exist now, though it may go later.
      if (ctx.server().client_by_id(static_cast<uint64_t>(*id)) == nullptr) {
        return ctx.reply().error("ERR The client ID you want redirect to does not exist");
      }
      options.redirect = static_cast<uint64_t>(*id);
    } else if (equals_nocase(option, "bcast")) {
      options.bcast = true;
    } else if (equals_nocase(option, "optin")) {
      options.optin = true;
    } else if (equals_nocase(option, "optout")) {
      options.optout = true;
    } else if (equals_nocase(option, "noloop")) {
      options.noloop = true;
    } else if (equals_nocase(option, "prefix") && has_value) {
      prefixes.push_back(ctx.arg(++i));
    } else {
      return ctx.reply().error(errors::kSyntax);
    }
  }
  Client& client = ctx.client();
  Tracking& tracking = ctx.server().tracking();
  if (equals_nocase(ctx.arg(2), "on")) {
    const std::string_view error = mode_error(client.tracking, options, !prefixes.empty());
    if (!error.empty()) return ctx.reply().error(error);
    if (options.bcast && !check_prefixes(ctx, prefixes)) return;
    tracking.enable(client, options, prefixes);
  } else if (equals_nocase(ctx.arg(2), "off")) {
    tracking.disable(client);
  } else {
    return ctx.reply().error(errors::kSyntax);
  }
  ctx.reply().ok();
}

// CLIENT CACHING YES|NO: whether the next command's reads are remembered.
void client_caching(CommandContext& ctx) {
  ClientTracking& tracking = ctx.client().tracking;
  if (!tracking.on) {
    return ctx.reply().error(
        "ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or "
        "OPTOUT mode enabled");
  }
  const std::string_view setting = ctx.arg(2);
  if (equals_nocase(setting, "yes")) {
    if (!tracking.optin) {
      return ctx.reply().error(
          "ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.");
    }
  } else if (equals_nocase(setting, "no")) {
    if (!tracking.optout) {
      return ctx.reply().error(
          "ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.");
    }
  } else {
    return ctx.reply().error(errors::kSyntax);
  }
  tracking.caching = true;
  ctx.reply().ok();
}

// -1 when not tracking, 0 when not redirecting.
int64_t redirect_of(const ClientTracking& tracking) {
  return tracking.on ? static_cast<int64_t>(tracking.redirect) : -1;
}

void client_getredir(CommandContext& ctx) {
  ctx.reply().integer(redirect_of(ctx.client().tracking));
}

void client_trackinginfo(CommandContext& ctx) {
  const ClientTracking& tracking = ctx.client().tracking;
  std::vector<std::string_view> flags;
  if (!tracking.on) {
    flags.push_back("off");
  } else {
    flags.push_back("on");
    if (tracking.bcast) flags.push_back("bcast");
    if (tracking.optin) {
      flags.push_back("optin");
      if (tracking.caching) flags.push_back("caching-yes");
    }
    if (tracking.optout) {
      flags.push_back("optout");
      if (tracking.caching) flags.push_back("caching-no");
    }
    if (tracking.noloop) flags.push_back("noloop");
    if (tracking.broken_redirect) flags.push_back("broken_redirect");
  }
  resp::ReplyWriter& reply = ctx.reply();
  reply.map(3);
  reply.bulk("flags");
  reply.set(flags.size());
  for (std::string_view flag : flags) reply.bulk(flag);
  reply.bulk("redirect");
  reply.integer(redirect_of(tracking));
  reply.bulk("prefixes");
  reply.array(tracking.prefixes.size());
  for (const std::string& prefix : tracking.prefixes) reply.bulk(prefix);
}

constexpr uint32_t kClientFlags = kNoScript | kLoading | kStale;

constexpr CommandSpec kTrackingCommands[] = {
    {"client|tracking", -3, kClientFlags, 0, 0, 0, client_tracking, "connection",
     "Enable or disable server assisted client side caching support", "6.0.0"},
    {"client|caching", 3, kClientFlags, 0, 0, 0, client_caching, "connection",
     "Instruct the server about tracking or not keys in the next request", "6.0.0"},
    {"client|getredir", 2, kClientFlags, 0, 0, 0, client_getredir, "connection",
     "Get tracking notifications redirection client ID if any", "6.0.0"},
    {"client|trackinginfo", 2, kClientFlags, 0, 0, 0, client_trackinginfo, "connection",
     "Return information about server assisted client side caching for the current connection",
     "6.2.0"},
};

}  // namespace

void register_tracking_family(CommandTable& table) {
  table.add_subcommands("client", kTrackingCommands);
}

}  // namespace fkvs
