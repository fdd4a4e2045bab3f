#pragma once

#include <histedit.h>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fkvs::cli {

// The terminal line editor under the shell, on libedit's native API (histedit.h):
// emacs key bindings, a history list saved to a file, a prompt and a grey hint
// recomputed as the line changes, and tab completion.
class LineEditor {
 public:
  struct Callbacks {
    std::function<std::string()> prompt;
    // The hint for the whole line, as command_hint returns it.
    std::function<std::string(std::string_view line)> hint;
    // Whole-text completions for the text before the cursor.
    std::function<std::vector<std::string>(std::string_view typed)> complete;
  };

  LineEditor(const char* program, Callbacks callbacks);
  ~LineEditor();
  LineEditor(const LineEditor&) = delete;
  LineEditor& operator=(const LineEditor&) = delete;

  // The next line, without its newline; nullopt at the end of input (Ctrl-D) or
  // on Ctrl-C.
  std::optional<std::string> read_line();

  void set_hints(bool enabled) { hints_ = enabled; }

  // Loads the history kept in path (a missing file is no error); add_history then
  // saves the whole list back there after every line, as redis-cli does.
  void use_history_file(std::string path);
  void add_history(const std::string& line);

  void clear_screen();

 private:
  static char* prompt_of(EditLine* el);
  static char* hint_of(EditLine* el);
  static unsigned char insert_and_refresh(EditLine* el, int ch);
  static unsigned char complete(EditLine* el, int ch);
  static unsigned char accept_line(EditLine* el, int ch);
  static unsigned char interrupt(EditLine* el, int ch);
  static int read_key(EditLine* el, wchar_t* key);
  static LineEditor& of(EditLine* el);

  std::string hint_text(std::string_view line);
  bool line_fits_first_row();
  void redraw_line();
  void list_completions(const std::vector<std::string>& completions);

  Callbacks callbacks_;
  EditLine* editor_ = nullptr;
  History* history_ = nullptr;
  std::string history_path_;
  bool hints_ = true;
  // A grey hint may be on the screen; see read_key.
  bool hint_drawn_ = false;
  // Set while the accepted line is redrawn without its hint.
  bool accepting_ = false;
  // libedit keeps the pointers its prompt functions return until the next call.
  std::string prompt_;
  std::string rprompt_;
};

}  // namespace fkvs::cli
