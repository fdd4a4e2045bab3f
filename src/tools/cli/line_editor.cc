#include "tools/cli/line_editor.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cwchar>

#include "tools/cli/completion.h"

#if defined(__SANITIZE_ADDRESS__)
#define FKVS_LEAK_CHECKS 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FKVS_LEAK_CHECKS 1
#endif
#endif
#if FKVS_LEAK_CHECKS
#include <sanitizer/lsan_interface.h>
#endif

namespace fkvs::cli {
namespace {

// Wraps the escape sequences in a prompt so that libedit does not count them as
// columns (EL_RPROMPT_ESC's literal-text marker).
constexpr char kLiteral = '\1';
constexpr std::string_view kGrey = "\x1b[90m";
constexpr std::string_view kReset = "\x1b[0m";
// A key sequence no terminal sends, bound to libedit's own ed-newline so that
// accept_line can hand the line over once it has taken the hint away.
constexpr const char* kNewlineKeys = "\033[fkvs-newline~";

size_t display_width(std::string_view text) {
  size_t width = 0;
  for (char c : text) {
    // UTF-8 continuation bytes add no column.
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++width;
  }
  return width;
}

// libedit copies the names EL_ADDFN is given and el_end never frees them: a few
// hundred bytes, once, lost inside libedit. LeakSanitizer is told to overlook what
// these calls allocate, and nothing else.
void add_function(EditLine* el, const char* name, const char* help,
                  unsigned char (*function)(EditLine*, int)) {
#if FKVS_LEAK_CHECKS
  __lsan_disable();
#endif
  el_set(el, EL_ADDFN, name, help, function);
#if FKVS_LEAK_CHECKS
  __lsan_enable();
#endif
}

}  // namespace

LineEditor::LineEditor(const char* program, Callbacks callbacks)
    : callbacks_(std::move(callbacks)) {
  editor_ = el_init(program, stdin, stdout, stderr);
  history_ = history_init();
  HistEvent event;
  // redis-cli's line editor keeps 100 lines and skips a repeat of the last one.
  history(history_, &event, H_SETSIZE, 100);
  history(history_, &event, H_SETUNIQUE, 1);

  el_set(editor_, EL_CLIENTDATA, this);
  el_set(editor_, EL_EDITOR, "emacs");
  el_set(editor_, EL_SIGNAL, 1);
  el_set(editor_, EL_HIST, history, history_);
  el_set(editor_, EL_PROMPT, &LineEditor::prompt_of);
  el_set(editor_, EL_RPROMPT_ESC, &LineEditor::hint_of, kLiteral);
  el_set(editor_, EL_GETCFN, &LineEditor::read_key);

  add_function(editor_, "fkvs-complete", "Complete a command name or help topic",
               &LineEditor::complete);
  el_set(editor_, EL_BIND, "^I", "fkvs-complete", nullptr);
  add_function(editor_, "fkvs-accept", "Take the hint away and accept the line",
               &LineEditor::accept_line);
  el_set(editor_, EL_BIND, "^M", "fkvs-accept", nullptr);
  el_set(editor_, EL_BIND, "^J", "fkvs-accept", nullptr);
  el_set(editor_, EL_BIND, kNewlineKeys, "ed-newline", nullptr);
  // Ctrl-C at the prompt leaves the shell quietly, as in redis-cli, whose line
  // editor reads it as a key: the terminal sends it as one while editing.
  el_set(editor_, EL_SETTY, "-d", "-isig", nullptr);
  add_function(editor_, "fkvs-interrupt", "Leave the shell", &LineEditor::interrupt);
  el_set(editor_, EL_BIND, "^C", "fkvs-interrupt", nullptr);
  // Typing at the end of the line takes a shortcut that does not redraw the right
  // prompt, so printable keys insert through a function that asks for a full
  // refresh: the hint then follows every key.
  add_function(editor_, "fkvs-insert", "Insert a character and refresh the hint",
               &LineEditor::insert_and_refresh);
  for (int c = ' '; c < 0x7f; ++c) {
    char key[8];
    std::snprintf(key, sizeof(key), "\\%03o", c);
    el_set(editor_, EL_BIND, key, "fkvs-insert", nullptr);
  }
}

LineEditor::~LineEditor() {
  el_end(editor_);
  history_end(history_);
}

LineEditor& LineEditor::of(EditLine* el) {
  void* self = nullptr;
  el_get(el, EL_CLIENTDATA, &self);
  return *static_cast<LineEditor*>(self);
}

char* LineEditor::prompt_of(EditLine* el) {
  LineEditor& self = of(el);
  self.prompt_ = self.callbacks_.prompt();
  return self.prompt_.data();
}

char* LineEditor::hint_of(EditLine* el) {
  LineEditor& self = of(el);
  const LineInfo* line = el_line(el);
  self.rprompt_ = self.hint_text(
      std::string_view(line->buffer, static_cast<size_t>(line->lastchar - line->buffer)));
  return self.rprompt_.data();
}

std::string LineEditor::hint_text(std::string_view line) {
  if (!hints_ || accepting_) return {};
  std::string hint = callbacks_.hint(line);
  int columns = 0;
  el_get(editor_, EL_GETTC, "co", &columns, nullptr);
  // The prompt is asked for here too: libedit measures the right prompt first.
  size_t used = display_width(callbacks_.prompt()) + display_width(line);
  // libedit draws a right prompt only with a free column between it and the text,
  // and pads the gap with spaces. Padded on its right to leave exactly that one
  // column, the hint starts where redis-cli draws it, the free column standing for
  // the hint's leading space.
  if (columns <= 0 || used + 4 > static_cast<size_t>(columns)) return {};
  size_t room = static_cast<size_t>(columns) - used - 2;
  if (!hint.empty() && hint.front() == ' ') hint.erase(0, 1);
  if (hint.empty()) return {};
  // A literal sequence is sent together with the visible character after it, and
  // one with nothing after it is dropped: the reset needs at least one space behind.
  if (hint.size() > room - 1) hint.resize(room - 1);
  std::string text;
  text += kLiteral;
  text += kGrey;
  text += kLiteral;
  text += hint;
  text += kLiteral;
  text += kReset;
  text += kLiteral;
  text.append(room - hint.size(), ' ');
  hint_drawn_ = true;
  return text;
}

bool LineEditor::line_fits_first_row() {
  int columns = 0;
  el_get(editor_, EL_GETTC, "co", &columns, nullptr);
  const LineInfo* line = el_line(editor_);
  size_t used = display_width(prompt_) +
                display_width(std::string_view(line->buffer,
                                               static_cast<size_t>(line->lastchar - line->buffer)));
  return columns > 0 && used < static_cast<size_t>(columns);
}

// libedit redraws by sending only what changed, and does not know which colour a
// changed cell was drawn in: typed text can come out grey where the hint was, or
// the hint lose its grey. Before each key the line is therefore drawn again from
// scratch while a hint is up; it then always fits the first row, where "\r" and
// erase-line clear it.
void LineEditor::redraw_line() {
  std::fputs("\x1b[0m", stdout);
  if (!hint_drawn_) return;
  hint_drawn_ = false;
  if (!line_fits_first_row()) return;
  std::fputs("\r\x1b[K", stdout);
  el_set(editor_, EL_REFRESH);
}

int LineEditor::read_key(EditLine* el, wchar_t* key) {
  LineEditor& self = of(el);
  if (self.hints_) self.redraw_line();
  std::fflush(stdout);
  std::mbstate_t state{};
  while (true) {
    char byte = 0;
    ssize_t got = read(STDIN_FILENO, &byte, 1);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return got == 0 ? 0 : -1;
    size_t decoded = std::mbrtowc(key, &byte, 1, &state);
    if (decoded == static_cast<size_t>(-2)) continue;
    // A byte that is not text in the locale's encoding goes through as it is.
    if (decoded == static_cast<size_t>(-1)) *key = static_cast<unsigned char>(byte);
    return 1;
  }
}

unsigned char LineEditor::interrupt(EditLine*, int) { return CC_EOF; }

unsigned char LineEditor::accept_line(EditLine* el, int) {
  LineEditor& self = of(el);
  if (self.hints_ && self.hint_drawn_) {
    self.accepting_ = true;
    self.redraw_line();
    self.accepting_ = false;
  }
  el_push(el, kNewlineKeys);
  return CC_NORM;
}

unsigned char LineEditor::insert_and_refresh(EditLine* el, int ch) {
  char text[2] = {static_cast<char>(ch), '\0'};
  return el_insertstr(el, text) == 0 ? CC_REFRESH : CC_ERROR;
}

unsigned char LineEditor::complete(EditLine* el, int) {
  LineEditor& self = of(el);
  const LineInfo* line = el_line(el);
  std::string_view typed(line->buffer, static_cast<size_t>(line->cursor - line->buffer));
  std::vector<std::string> completions = self.callbacks_.complete(typed);
  if (completions.empty()) return CC_REFRESH_BEEP;
  std::string prefix = common_prefix(completions);
  if (prefix.size() > typed.size() || (completions.size() == 1 && prefix != typed)) {
    el_deletestr(el, static_cast<int>(typed.size()));
    el_insertstr(el, prefix.c_str());
    return CC_REFRESH;
  }
  if (completions.size() == 1) return CC_NORM;
  self.list_completions(completions);
  return CC_REDISPLAY;
}

void LineEditor::list_completions(const std::vector<std::string>& completions) {
  int columns = 0;
  el_get(editor_, EL_GETTC, "co", &columns, nullptr);
  std::string out = "\r\n";
  size_t column = 0;
  for (const std::string& completion : completions) {
    if (column > 0 && column + 2 + completion.size() >= static_cast<size_t>(columns)) {
      out += "\r\n";
      column = 0;
    }
    if (column > 0) {
      out += "  ";
      column += 2;
    }
    out += completion;
    column += completion.size();
  }
  out += "\r\n";
  std::fputs(out.c_str(), stdout);
  std::fflush(stdout);
}

std::optional<std::string> LineEditor::read_line() {
  int count = 0;
  const char* line = el_gets(editor_, &count);
  hint_drawn_ = false;
  if (line == nullptr || count <= 0) return std::nullopt;
  std::string text(line, static_cast<size_t>(count));
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

void LineEditor::use_history_file(std::string path) {
  history_path_ = std::move(path);
  HistEvent event;
  history(history_, &event, H_LOAD, history_path_.c_str());
}

void LineEditor::add_history(const std::string& line) {
  HistEvent event;
  history(history_, &event, H_ENTER, line.c_str());
  if (!history_path_.empty()) history(history_, &event, H_SAVE, history_path_.c_str());
}

void LineEditor::clear_screen() {
  std::fputs("\x1b[H\x1b[2J", stdout);
  std::fflush(stdout);
}

}  // namespace fkvs::cli
