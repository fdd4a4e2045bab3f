#include "tools/cli/interactive.h"

#include <strings.h>
#include <unistd.h>

#include <charconv>
#include <clocale>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "fkvs_build_config.h"
#include "tools/cli/command_help.h"
#include "tools/cli/command_line.h"
#include "tools/cli/completion.h"
#include "tools/cli/help_catalog.h"
#include "tools/cli/hints.h"
#include "tools/cli/line_editor.h"
#include "tools/cli/sensitive_command.h"

namespace fkvs::cli {
namespace {

bool is(std::string_view arg, std::string_view word) {
  return arg.size() == word.size() && strncasecmp(arg.data(), word.data(), arg.size()) == 0;
}

// FKVSCLI_HISTFILE, else ~/.fkvscli_history; "/dev/null" (as redis-cli's
// REDISCLI_HISTFILE) or no HOME keeps no history. REDISCLI_HISTFILE itself is not
// read: libedit writes its own file format, which redis-cli would load as commands.
std::string history_path() {
  if (const char* path = std::getenv("FKVSCLI_HISTFILE")) {
    return std::string_view(path) == "/dev/null" ? std::string() : std::string(path);
  }
  const char* home = std::getenv("HOME");
  if (home == nullptr || *home == '\0') return {};
  return std::string(home) + "/.fkvscli_history";
}

// Hints need a terminal that can show colour and move the cursor.
bool terminal_allows_hints() {
  const char* term = std::getenv("TERM");
  return isatty(STDOUT_FILENO) && term != nullptr && std::string_view(term) != "dumb";
}

// A leading number repeats the command, as in redis-cli: "3 PING". Zero or less is
// refused; a lone number is a command name.
enum class Repeat { kNone, kCount, kInvalid };
Repeat repeat_count(const std::vector<std::string>& args, long& count) {
  if (args.size() < 2) return Repeat::kNone;
  const std::string& first = args[0];
  auto [end, ec] = std::from_chars(first.data(), first.data() + first.size(), count);
  if (first.empty() || end != first.data() + first.size()) {
    return ec == std::errc::result_out_of_range ? Repeat::kInvalid : Repeat::kNone;
  }
  return ec == std::errc() && count > 0 ? Repeat::kCount : Repeat::kInvalid;
}

class Shell {
 public:
  explicit Shell(Session& session)
      : session_(session),
        editor_("fkvs-cli", {
                                .prompt = [this] { return session_.prompt(); },
                                .hint =
                                    [this](std::string_view line) {
                                      return command_hint(catalog_.entries(), line);
                                    },
                                .complete =
                                    [this](std::string_view typed) {
                                      return complete_line(catalog_.entries(), typed);
                                    },
                            }) {
    editor_.set_hints(terminal_allows_hints());
    if (std::string path = history_path(); !path.empty()) editor_.use_history_file(path);
  }

  int run() {
    while (true) {
      catalog_.refresh(session_);
      std::optional<std::string> line = editor_.read_line();
      if (!line) {
        // Ctrl-D: end the prompt's line, as redis-cli does.
        std::fputs("\n", stdout);
        return 0;
      }
      if (!run_line(*line)) return 0;
    }
  }

 private:
  // Returns false when the shell should exit.
  bool run_line(const std::string& line) {
    std::optional<std::vector<std::string>> args = split_command_line(line);
    if (!args) {
      editor_.add_history(line);
      std::fputs("Invalid argument(s)\n", stdout);
      return true;
    }
    if (args->empty()) return true;
    long count = 1;
    switch (repeat_count(*args, count)) {
      case Repeat::kInvalid:
        std::fputs("Invalid redis-cli repeat command option value.\n", stdout);
        return true;
      case Repeat::kCount:
        args->erase(args->begin());
        break;
      case Repeat::kNone:
        break;
    }
    if (!is_sensitive_command(*args)) editor_.add_history(line);

    const std::string& name = (*args)[0];
    if (is(name, "quit") || is(name, "exit")) return false;
    if (is(name, "help") || name == "?") {
      show_help(std::span<const std::string>(*args).subspan(1));
    } else if (is(name, "clear")) {
      editor_.clear_screen();
    } else if (is(name, "connect") && args->size() == 3) {
      reconnect((*args)[1], (*args)[2]);
    } else if (is(name, ":set") && args->size() == 2 && is((*args)[1], "hints")) {
      editor_.set_hints(true);
    } else if (is(name, ":set") && args->size() == 2 && is((*args)[1], "nohints")) {
      editor_.set_hints(false);
    } else {
      for (long i = 0; i < count; ++i) session_.execute(*args);
    }
    std::fflush(stdout);
    return true;
  }

  void show_help(std::span<const std::string> topic) {
    std::string text =
        topic.empty() ? general_help(FKVS_VERSION) : topic_help(catalog_.entries(), topic);
    std::fwrite(text.data(), 1, text.size(), stdout);
  }

  // "connect host port": the same options elsewhere, so AUTH and the db carry over.
  void reconnect(const std::string& host, const std::string& port_text) {
    int port = 0;
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    tools::ConnectionOptions options = session_.options();
    options.host = host;
    options.port = ec == std::errc() && end == port_text.data() + port_text.size() ? port : 0;
    options.socket_path.clear();
    session_ = Session(std::move(options), session_.mode());
    catalog_ = HelpCatalog();
    session_.connect();
  }

  Session& session_;
  HelpCatalog catalog_;
  LineEditor editor_;
};

}  // namespace

int run_interactive(Session& session) {
  // libedit needs the locale's character set to edit multibyte text.
  std::setlocale(LC_CTYPE, "");
  Shell shell(session);
  return shell.run();
}

}  // namespace fkvs::cli
