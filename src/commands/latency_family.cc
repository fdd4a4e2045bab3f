// LATENCY: the latency monitor's events and the per-command latency histograms.
#include <string>
#include <string_view>
#include <vector>

#include "commands/command_context.h"
#include "commands/errors.h"
#include "commands/families.h"
#include "server/child_process.h"
#include "server/info.h"
#include "server/latency_doctor.h"
#include "server/latency_graph.h"
#include "util/clock.h"
#include "util/strings.h"

namespace fkvs {
namespace {

int64_t now_unix_s() { return clock::wall_us() / 1000000; }

// LATENCY LATEST: per event, [name, time of the latest sample, its latency, the worst ever].
void latency_latest(CommandContext& ctx) {
  const auto& events = ctx.server().latency_monitor().events();
  ctx.reply().array(events.size());
  for (const auto& [event, series] : events) {
    ctx.reply().array(4);
    ctx.reply().bulk(event);
    ctx.reply().integer(series.latest().unix_s);
    ctx.reply().integer(static_cast<int64_t>(series.latest().latency_ms));
    ctx.reply().integer(static_cast<int64_t>(series.max_ms));
  }
}

// LATENCY HISTORY event: [time, latency] per sample, oldest first; empty for an unknown event.
void latency_history(CommandContext& ctx) {
  const LatencyMonitor::Series* series = ctx.server().latency_monitor().find(ctx.arg(2));
  if (series == nullptr) return ctx.reply().empty_array();
  const std::vector<LatencyMonitor::Sample> samples = series->history();
  ctx.reply().array(samples.size());
  for (const LatencyMonitor::Sample& sample : samples) {
    ctx.reply().array(2);
    ctx.reply().integer(sample.unix_s);
    ctx.reply().integer(static_cast<int64_t>(sample.latency_ms));
  }
}

void latency_graph(CommandContext& ctx) {
  const LatencyMonitor::Series* series = ctx.server().latency_monitor().find(ctx.arg(2));
  if (series == nullptr) {
    return ctx.reply().error(
        errors::format("ERR No samples available for event '%s'", {ctx.arg(2)}));
  }
  ctx.reply().verbatim(fkvs::latency_graph(ctx.arg(2), *series, now_unix_s()));
}

void latency_doctor(CommandContext& ctx) {
  Server& server = ctx.server();
  const Config& config = server.config();
  LatencyDoctorSettings settings;
  settings.latency_monitor_threshold_ms = config.latency_monitor_threshold;
  settings.slowlog_log_slower_than_us = config.slowlog_log_slower_than;
  settings.slowlog_max_len = config.slowlog_max_len;
  // As INFO's fork rate in Redis: the memory in use, per second the last fork() took.
  if (const int64_t fork_us = fork_stats().latest_fork_us; fork_us > 0) {
    settings.fork_rate_gb_per_s = static_cast<double>(used_memory()) * 1e6 /
                                  static_cast<double>(fork_us) / (1024.0 * 1024 * 1024);
  }
  settings.anonymous_huge_pages = uses_anonymous_huge_pages();
  settings.now_s = now_unix_s();
  ctx.reply().verbatim(fkvs::latency_doctor(server.latency_monitor(), settings));
}

// LATENCY RESET [event ...]: how many of the events existed.
void latency_reset(CommandContext& ctx) {
  const size_t removed = ctx.server().latency_monitor().reset(ctx.args().subspan(2));
  ctx.reply().integer(static_cast<int64_t>(removed));
}

void reply_histogram(CommandContext& ctx, const Command& command) {
  const LatencyHistogram& histogram = command.latency_histogram;
  ctx.reply().bulk(command.spec.name);
  ctx.reply().map(2);
  ctx.reply().bulk("calls");
  ctx.reply().integer(static_cast<int64_t>(histogram.total()));
  ctx.reply().bulk("histogram_usec");
  const auto steps = histogram.cumulative_usec();
  ctx.reply().map(steps.size());
  for (const auto& [usec, calls] : steps) {
    ctx.reply().integer(static_cast<int64_t>(usec));
    ctx.reply().integer(static_cast<int64_t>(calls));
  }
}

// The commands a name stands for: itself, "container|sub", or a container's
// subcommands; as Redis, those never called are left out.
std::vector<const Command*> histograms_named(const CommandTable& table, std::string_view name) {
  std::vector<const Command*> found;
  const size_t bar = name.find('|');
  const Command* command = table.find(name.substr(0, bar));
  if (command != nullptr && bar != std::string_view::npos) {
    command = command->is_container() ? command->find_subcommand(name.substr(bar + 1)) : nullptr;
  }
  if (command == nullptr) return found;
  if (!command->latency_histogram.empty()) found.push_back(command);
  for (const Command& sub : command->subcommands) {
    if (!sub.latency_histogram.empty()) found.push_back(&sub);
  }
  return found;
}

// LATENCY HISTOGRAM [command ...]: per command, its calls and how many took
// at most 1, 2, 4, 8, ... microseconds (a map in RESP3, pairs in RESP2).
void latency_histogram(CommandContext& ctx) {
  std::vector<const Command*> commands;
  const CommandTable& table = ctx.server().commands();
  if (ctx.argc() == 2) {
    for (const Command& command : table.commands()) {
      for (const Command* each : histograms_named(table, command.spec.name)) {
        commands.push_back(each);
      }
    }
  }
  for (size_t i = 2; i < ctx.argc(); ++i) {
    for (const Command* each : histograms_named(table, ctx.arg(i))) commands.push_back(each);
  }
  ctx.reply().map(commands.size());
  for (const Command* command : commands) reply_histogram(ctx, *command);
}

void latency_help(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "LATENCY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "DOCTOR",
      "    Return a human readable latency analysis report.",
      "GRAPH <event>",
      "    Return an ASCII latency graph for the <event> class.",
      "HISTORY <event>",
      "    Return time-latency samples for the <event> class.",
      "LATEST",
      "    Return the latest latency samples for all events.",
      "RESET [<event> ...]",
      "    Reset latency data of one or more <event> classes.",
      "    (default: reset all data for all event classes)",
      "HISTOGRAM [COMMAND ...]",
      "    Return a cumulative distribution of latencies in the format of a histogram for the "
      "specified command names.",
      "    If no commands are specified then all histograms are replied.",
      "HELP",
      "    Prints this help.",
  };
  ctx.reply().simple_lines(kLines);
}

// The dispatcher always resolves a LATENCY subcommand, so the container has no handler.
constexpr CommandSpec kLatencyContainer = {
    "latency", -2, 0, 0, 0, 0, nullptr, "server", "A container for latency diagnostics commands",
    "2.8.13"};

constexpr CommandSpec kLatencyCommands[] = {
    {"latency|doctor", 2, kAdminCommandFlags, 0, 0, 0, latency_doctor, "server",
     "Return a human readable latency analysis report.", "2.8.13"},
    {"latency|graph", 3, kAdminCommandFlags, 0, 0, 0, latency_graph, "server",
     "Return a latency graph for the event.", "2.8.13"},
    {"latency|help", 2, kLoading | kStale, 0, 0, 0, latency_help, "server",
     "Show helpful text about the different subcommands.", "2.8.13"},
    {"latency|histogram", -2, kAdminCommandFlags, 0, 0, 0, latency_histogram, "server",
     "Return the cumulative distribution of latencies of a subset of commands or all.", "7.0.0"},
    {"latency|history", 3, kAdminCommandFlags, 0, 0, 0, latency_history, "server",
     "Return timestamp-latency samples for the event.", "2.8.13"},
    {"latency|latest", 2, kAdminCommandFlags, 0, 0, 0, latency_latest, "server",
     "Return the latest latency samples for all events.", "2.8.13"},
    {"latency|reset", -2, kAdminCommandFlags, 0, 0, 0, latency_reset, "server",
     "Reset latency data for one or more events.", "2.8.13"},
};

}  // namespace

void register_latency_family(CommandTable& table) {
  table.add_container(kLatencyContainer, kLatencyCommands);
}

}  // namespace fkvs
