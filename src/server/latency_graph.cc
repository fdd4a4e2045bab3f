#include "server/latency_graph.h"

#include <spdlog/fmt/fmt.h>

#include <algorithm>
#include <span>
#include <vector>

namespace fkvs {
namespace {

constexpr size_t kColumns = 80;
constexpr int kRows = 4;
// Each row splits into three levels: low, middle and high in that row; rows
// below a bar's top are filled with '|'.
constexpr std::string_view kLevelMarks = "_o#";
constexpr int kLevels = kRows * static_cast<int>(kLevelMarks.size());

struct Column {
  int level;  // 0 .. kLevels-1, from the sample's place between low and high
  std::string label;
};

std::string age_label(int64_t seconds) {
  if (seconds < 60) return fmt::format("{}s", seconds);
  if (seconds < 3600) return fmt::format("{}m", seconds / 60);
  if (seconds < 86400) return fmt::format("{}h", seconds / 3600);
  return fmt::format("{}d", seconds / 86400);
}

void render_block(std::string& out, std::span<const Column> columns) {
  std::string row(columns.size(), ' ');
  for (int r = 0; r < kRows; ++r) {
    const int row_base = (kRows - 1 - r) * static_cast<int>(kLevelMarks.size());
    for (size_t j = 0; j < columns.size(); ++j) {
      const int mark = columns[j].level - row_base;
      row[j] = mark < 0 ? ' '
               : mark < static_cast<int>(kLevelMarks.size())
                   ? kLevelMarks[static_cast<size_t>(mark)]
                   : '|';
    }
    out += row;
    out += '\n';
  }
  out += std::string(columns.size(), ' ');
  out += '\n';
  for (size_t depth = 0;; ++depth) {
    bool any = false;
    for (size_t j = 0; j < columns.size(); ++j) {
      const std::string& label = columns[j].label;
      any = any || depth < label.size();
      row[j] = depth < label.size() ? label[depth] : ' ';
    }
    if (!any) break;
    out += row;
    out += '\n';
  }
}

}  // namespace

std::string latency_graph(std::string_view event, const LatencyMonitor::Series& series,
                          int64_t now_s) {
  const std::vector<LatencyMonitor::Sample> samples = series.history();
  uint64_t low = samples.empty() ? 0 : samples.front().latency_ms;
  uint64_t high = low;
  for (const auto& sample : samples) {
    low = std::min(low, sample.latency_ms);
    high = std::max(high, sample.latency_ms);
  }
  const double range = high == low ? 1.0 : static_cast<double>(high - low);
  std::vector<Column> columns;
  for (const auto& sample : samples) {
    const auto level =
        static_cast<int>(static_cast<double>(sample.latency_ms - low) * kLevels / range);
    columns.push_back({std::clamp(level, 0, kLevels - 1), age_label(now_s - sample.unix_s)});
  }
  std::string out = fmt::format("{} - high {} ms, low {} ms (all time high {} ms)\n", event, high,
                                low, series.max_ms);
  out += std::string(kColumns, '-');
  out += '\n';
  for (size_t start = 0; start < columns.size(); start += kColumns) {
    if (start != 0) out += '\n';
    const size_t length = std::min(kColumns, columns.size() - start);
    render_block(out, std::span(columns).subspan(start, length));
  }
  return out;
}

}  // namespace fkvs
