#include "tools/benchmark/test_suite.h"

#include <initializer_list>
#include <string_view>

namespace fkvs::benchmark {
namespace {

// -t matches a test when one of its names is an item of the comma list, as in
// redis-benchmark: "ping" selects both PING tests, "lrange" all four LRANGEs.
bool selected(std::string_view tests, std::initializer_list<std::string_view> names) {
  if (tests.empty()) return true;
  for (std::string_view name : names) {
    for (size_t at = tests.find(name); at != std::string_view::npos;
         at = tests.find(name, at + 1)) {
      size_t end = at + name.size();
      if ((at == 0 || tests[at - 1] == ',') && (end == tests.size() || tests[end] == ',')) {
        return true;
      }
    }
  }
  return false;
}

std::string joined(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& word : words) {
    if (!out.empty()) out += ' ';
    out += word;
  }
  return out;
}

}  // namespace

std::string payload(size_t size) {
  std::string data(size, 'x');
  uint32_t state = 0x2545f491;
  for (char& c : data) {
    state = state * 1103515245 + 12345;
    c = static_cast<char>('A' + (state >> 16) % 26);
  }
  return data;
}

std::vector<BenchmarkTest> select_tests(const BenchmarkOptions& options) {
  std::vector<BenchmarkTest> tests;
  if (!options.command.empty()) {
    tests.push_back({joined(options.command), CommandTemplate::from_args(options.command)});
    return tests;
  }
  const std::string data = payload(options.data_size);
  const std::string_view t = options.tests;
  auto add = [&](std::string title, std::initializer_list<std::string_view> names,
                 std::vector<std::string> args) {
    if (selected(t, names)) {
      tests.push_back({std::move(title), CommandTemplate::from_args(args)});
    }
  };
  if (selected(t, {"ping_inline", "ping"})) {
    tests.push_back({"PING_INLINE", CommandTemplate::from_inline("PING")});
  }
  add("PING_MBULK", {"ping_mbulk", "ping"}, {"PING"});
  add("SET", {"set"}, {"SET", "key:__rand_int__", data});
  add("GET", {"get"}, {"GET", "key:__rand_int__"});
  add("INCR", {"incr"}, {"INCR", "counter:__rand_int__"});
  add("LPUSH", {"lpush"}, {"LPUSH", "mylist", data});
  add("RPUSH", {"rpush"}, {"RPUSH", "mylist", data});
  add("LPOP", {"lpop"}, {"LPOP", "mylist"});
  add("RPOP", {"rpop"}, {"RPOP", "mylist"});
  add("SADD", {"sadd"}, {"SADD", "myset", "element:__rand_int__"});
  add("HSET", {"hset"}, {"HSET", "myhash", "element:__rand_int__", data});
  add("SPOP", {"spop"}, {"SPOP", "myset"});
  // A literal __rand_int__ is no valid score, so without -r the score is 0.
  add("ZADD", {"zadd"},
      {"ZADD", "myzset", options.keyspace ? "__rand_int__" : "0", "element:__rand_int__"});
  add("ZPOPMIN", {"zpopmin"}, {"ZPOPMIN", "myzset"});
  add("LPUSH (needed to benchmark LRANGE)",
      {"lrange", "lrange_100", "lrange_300", "lrange_500", "lrange_600"},
      {"LPUSH", "mylist", data});
  add("LRANGE_100 (first 100 elements)", {"lrange", "lrange_100"}, {"LRANGE", "mylist", "0", "99"});
  add("LRANGE_300 (first 300 elements)", {"lrange", "lrange_300"},
      {"LRANGE", "mylist", "0", "299"});
  add("LRANGE_500 (first 500 elements)", {"lrange", "lrange_500"},
      {"LRANGE", "mylist", "0", "499"});
  add("LRANGE_600 (first 600 elements)", {"lrange", "lrange_600"},
      {"LRANGE", "mylist", "0", "599"});
  std::vector<std::string> mset = {"MSET"};
  for (int i = 0; i < 10; ++i) {
    mset.push_back("key:__rand_int__");
    mset.push_back(data);
  }
  add("MSET (10 keys)", {"mset"}, mset);
  return tests;
}

}  // namespace fkvs::benchmark
