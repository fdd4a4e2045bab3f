#pragma once

#include <string_view>

// COMMAND DOCS replies as the servers sent them, byte for byte, for the help tests.
namespace fkvs::cli::test {

// redis-server 7.0.15: COMMAND DOCS set
constexpr std::string_view kRedisSetDocs =
    "*2\r\n$3\r\nset\r\n*12\r\n$7\r\nsummary\r\n$29\r\nSet the string value of a key\r\n$5\r\n"
    "since\r\n$5\r\n1.0.0\r\n$5\r\ngroup\r\n$6\r\nstring\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n"
    "$7\r\nhistory\r\n*4\r\n*2\r\n$6\r\n2.6.12\r\n$44\r\n"
    "Added the `EX`, `PX`, `NX` and `XX` options.\r\n*2\r\n$5\r\n6.0.0\r\n$27\r\n"
    "Added the `KEEPTTL` option.\r\n*2\r\n$5\r\n6.2.0\r\n$42\r\n"
    "Added the `GET`, `EXAT` and `PXAT` option.\r\n*2\r\n$5\r\n7.0.0\r\n$55\r\n"
    "Allowed the `NX` and `GET` options to be used together.\r\n$9\r\narguments\r\n*5\r\n*6\r\n"
    "$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n"
    "*4\r\n$4\r\nname\r\n$5\r\nvalue\r\n$4\r\ntype\r\n$6\r\nstring\r\n*10\r\n$4\r\nname\r\n"
    "$9\r\ncondition\r\n$4\r\ntype\r\n$5\r\noneof\r\n$5\r\nsince\r\n$6\r\n2.6.12\r\n$5\r\n"
    "flags\r\n*1\r\n+optional\r\n$9\r\narguments\r\n*2\r\n*6\r\n$4\r\nname\r\n$2\r\nnx\r\n"
    "$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$2\r\nNX\r\n*6\r\n$4\r\nname\r\n$2\r\n"
    "xx\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$2\r\nXX\r\n*10\r\n$4\r\nname\r\n"
    "$3\r\nget\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$3\r\nGET\r\n$5\r\n"
    "since\r\n$5\r\n6.2.0\r\n$5\r\nflags\r\n*1\r\n+optional\r\n*8\r\n$4\r\nname\r\n$10\r\n"
    "expiration\r\n$4\r\ntype\r\n$5\r\noneof\r\n$5\r\nflags\r\n*1\r\n+optional\r\n$9\r\n"
    "arguments\r\n*5\r\n*8\r\n$4\r\nname\r\n$7\r\nseconds\r\n$4\r\ntype\r\n$7\r\ninteger\r\n"
    "$5\r\ntoken\r\n$2\r\nEX\r\n$5\r\nsince\r\n$6\r\n2.6.12\r\n*8\r\n$4\r\nname\r\n$12\r\n"
    "milliseconds\r\n$4\r\ntype\r\n$7\r\ninteger\r\n$5\r\ntoken\r\n$2\r\nPX\r\n$5\r\nsince\r\n"
    "$6\r\n2.6.12\r\n*8\r\n$4\r\nname\r\n$17\r\nunix-time-seconds\r\n$4\r\ntype\r\n$9\r\n"
    "unix-time\r\n$5\r\ntoken\r\n$4\r\nEXAT\r\n$5\r\nsince\r\n$5\r\n6.2.0\r\n*8\r\n$4\r\n"
    "name\r\n$22\r\nunix-time-milliseconds\r\n$4\r\ntype\r\n$9\r\nunix-time\r\n$5\r\ntoken\r\n"
    "$4\r\nPXAT\r\n$5\r\nsince\r\n$5\r\n6.2.0\r\n*8\r\n$4\r\nname\r\n$7\r\nkeepttl\r\n$4\r\n"
    "type\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$7\r\nKEEPTTL\r\n$5\r\nsince\r\n$5\r\n"
    "6.0.0\r\n";

// redis-server 7.0.15: COMMAND DOCS migrate
constexpr std::string_view kRedisMigrateDocs =
    "*2\r\n$7\r\nmigrate\r\n*12\r\n$7\r\nsummary\r\n$63\r\n"
    "Atomically transfer a key from a Redis instance to another one.\r\n$5\r\nsince\r\n$5\r\n"
    "2.6.0\r\n$5\r\ngroup\r\n$7\r\ngeneric\r\n$10\r\ncomplexity\r\n$223\r\n"
    "This command actually executes a DUMP+DEL in the source instance, and a RESTORE in the target "
    "instance. See the pages of these commands for time complexity. Also an O(N) data transfer "
    "between the two instances is performed.\r\n"
    "$7\r\nhistory\r\n*4\r\n*2\r\n$5\r\n3.0.0\r\n$39\r\n"
    "Added the `COPY` and `REPLACE` options.\r\n*2\r\n$5\r\n3.0.6\r\n$24\r\n"
    "Added the `KEYS` option.\r\n*2\r\n$5\r\n4.0.7\r\n$24\r\nAdded the `AUTH` option.\r\n*2\r\n"
    "$5\r\n6.0.0\r\n$25\r\nAdded the `AUTH2` option.\r\n$9\r\narguments\r\n*9\r\n*4\r\n$4\r\n"
    "name\r\n$4\r\nhost\r\n$4\r\ntype\r\n$6\r\nstring\r\n*4\r\n$4\r\nname\r\n$4\r\nport\r\n"
    "$4\r\ntype\r\n$7\r\ninteger\r\n*6\r\n$4\r\nname\r\n$19\r\nkey_or_empty_string\r\n$4\r\n"
    "type\r\n$5\r\noneof\r\n$9\r\narguments\r\n*2\r\n*6\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\n"
    "type\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n*6\r\n$4\r\nname\r\n$12\r\n"
    "empty_string\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$0\r\n\r\n*4\r\n$4\r\n"
    "name\r\n$14\r\ndestination-db\r\n$4\r\ntype\r\n$7\r\ninteger\r\n*4\r\n$4\r\nname\r\n$7\r\n"
    "timeout\r\n$4\r\ntype\r\n$7\r\ninteger\r\n*10\r\n$4\r\nname\r\n$4\r\ncopy\r\n$4\r\n"
    "type\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$4\r\nCOPY\r\n$5\r\nsince\r\n$5\r\n3.0.0\r\n"
    "$5\r\nflags\r\n*1\r\n+optional\r\n*10\r\n$4\r\nname\r\n$7\r\nreplace\r\n$4\r\ntype\r\n"
    "$10\r\npure-token\r\n$5\r\ntoken\r\n$7\r\nREPLACE\r\n$5\r\nsince\r\n$5\r\n3.0.0\r\n$5\r\n"
    "flags\r\n*1\r\n+optional\r\n*8\r\n$4\r\nname\r\n$14\r\nauthentication\r\n$4\r\ntype\r\n"
    "$5\r\noneof\r\n$5\r\nflags\r\n*1\r\n+optional\r\n$9\r\narguments\r\n*2\r\n*10\r\n$4\r\n"
    "name\r\n$8\r\npassword\r\n$4\r\ntype\r\n$6\r\nstring\r\n$5\r\ntoken\r\n$4\r\nAUTH\r\n"
    "$5\r\nsince\r\n$5\r\n4.0.7\r\n$5\r\nflags\r\n*1\r\n+optional\r\n*12\r\n$4\r\nname\r\n"
    "$17\r\nusername_password\r\n$4\r\ntype\r\n$5\r\nblock\r\n$5\r\ntoken\r\n$5\r\nAUTH2\r\n"
    "$5\r\nsince\r\n$5\r\n6.0.0\r\n$5\r\nflags\r\n*1\r\n+optional\r\n$9\r\narguments\r\n*2\r\n"
    "*4\r\n$4\r\nname\r\n$8\r\nusername\r\n$4\r\ntype\r\n$6\r\nstring\r\n*4\r\n$4\r\nname\r\n"
    "$8\r\npassword\r\n$4\r\ntype\r\n$6\r\nstring\r\n*12\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\n"
    "type\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:1\r\n$5\r\ntoken\r\n$4\r\nKEYS\r\n$5\r\n"
    "since\r\n$5\r\n3.0.6\r\n$5\r\nflags\r\n*2\r\n+optional\r\n+multiple\r\n";

// redis-server 7.0.15: COMMAND DOCS mset sort
constexpr std::string_view kRedisMsetSortDocs =
    "*4\r\n$4\r\nmset\r\n*10\r\n$7\r\nsummary\r\n$36\r\n"
    "Set multiple keys to multiple values\r\n$5\r\nsince\r\n$5\r\n1.0.1\r\n$5\r\ngroup\r\n"
    "$6\r\nstring\r\n$10\r\ncomplexity\r\n$42\r\nO(N) where N is the number of keys to set.\r\n"
    "$9\r\narguments\r\n*1\r\n*8\r\n$4\r\nname\r\n$9\r\nkey_value\r\n$4\r\ntype\r\n$5\r\n"
    "block\r\n$5\r\nflags\r\n*1\r\n+multiple\r\n$9\r\narguments\r\n*2\r\n*6\r\n$4\r\nname\r\n"
    "$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n*4\r\n$4\r\n"
    "name\r\n$5\r\nvalue\r\n$4\r\ntype\r\n$6\r\nstring\r\n$4\r\nsort\r\n*10\r\n$7\r\n"
    "summary\r\n$46\r\nSort the elements in a list, set or sorted set\r\n$5\r\nsince\r\n$5\r\n"
    "1.0.0\r\n$5\r\ngroup\r\n$7\r\ngeneric\r\n$10\r\ncomplexity\r\n$168\r\n"
    "O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the number "
    "of returned elements. When the elements are not sorted, complexity is O(N).\r\n"
    "$9\r\narguments\r\n*7\r\n*6\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n"
    "$14\r\nkey_spec_index\r\n:0\r\n*10\r\n$4\r\nname\r\n$7\r\npattern\r\n$4\r\ntype\r\n$7\r\n"
    "pattern\r\n$14\r\nkey_spec_index\r\n:1\r\n$5\r\ntoken\r\n$2\r\nBY\r\n$5\r\nflags\r\n*1\r\n"
    "+optional\r\n*10\r\n$4\r\nname\r\n$12\r\noffset_count\r\n$4\r\ntype\r\n$5\r\nblock\r\n"
    "$5\r\ntoken\r\n$5\r\nLIMIT\r\n$5\r\nflags\r\n*1\r\n+optional\r\n$9\r\narguments\r\n*2\r\n"
    "*4\r\n$4\r\nname\r\n$6\r\noffset\r\n$4\r\ntype\r\n$7\r\ninteger\r\n*4\r\n$4\r\nname\r\n"
    "$5\r\ncount\r\n$4\r\ntype\r\n$7\r\ninteger\r\n*10\r\n$4\r\nname\r\n$7\r\npattern\r\n$4\r\n"
    "type\r\n$7\r\npattern\r\n$14\r\nkey_spec_index\r\n:1\r\n$5\r\ntoken\r\n$3\r\nGET\r\n$5\r\n"
    "flags\r\n*3\r\n+optional\r\n+multiple\r\n+multiple_token\r\n*8\r\n$4\r\nname\r\n$5\r\n"
    "order\r\n$4\r\ntype\r\n$5\r\noneof\r\n$5\r\nflags\r\n*1\r\n+optional\r\n$9\r\n"
    "arguments\r\n*2\r\n*6\r\n$4\r\nname\r\n$3\r\nasc\r\n$4\r\ntype\r\n$10\r\npure-token\r\n"
    "$5\r\ntoken\r\n$3\r\nASC\r\n*6\r\n$4\r\nname\r\n$4\r\ndesc\r\n$4\r\ntype\r\n$10\r\n"
    "pure-token\r\n$5\r\ntoken\r\n$4\r\nDESC\r\n*8\r\n$4\r\nname\r\n$7\r\nsorting\r\n$4\r\n"
    "type\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$5\r\nALPHA\r\n$5\r\nflags\r\n*1\r\n"
    "+optional\r\n*10\r\n$4\r\nname\r\n$11\r\ndestination\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\n"
    "key_spec_index\r\n:2\r\n$5\r\ntoken\r\n$5\r\nSTORE\r\n$5\r\nflags\r\n*1\r\n+optional\r\n";

// redis-server 7.0.15: COMMAND DOCS config
constexpr std::string_view kRedisConfigDocs =
    "*2\r\n$6\r\nconfig\r\n*10\r\n$7\r\nsummary\r\n$45\r\n"
    "A container for server configuration commands\r\n$5\r\nsince\r\n$5\r\n2.0.0\r\n$5\r\n"
    "group\r\n$6\r\nserver\r\n$10\r\ncomplexity\r\n$22\r\nDepends on subcommand.\r\n$11\r\n"
    "subcommands\r\n*10\r\n$10\r\nconfig|get\r\n*12\r\n$7\r\nsummary\r\n$42\r\n"
    "Get the values of configuration parameters\r\n$5\r\nsince\r\n$5\r\n2.0.0\r\n$5\r\n"
    "group\r\n$6\r\nserver\r\n$10\r\ncomplexity\r\n$62\r\n"
    "O(N) when N is the number of configuration parameters provided\r\n$7\r\nhistory\r\n*1\r\n"
    "*2\r\n$5\r\n7.0.0\r\n$65\r\n"
    "Added the ability to pass multiple pattern parameters in one call\r\n$9\r\narguments\r\n"
    "*1\r\n*8\r\n$4\r\nname\r\n$9\r\nparameter\r\n$4\r\ntype\r\n$5\r\nblock\r\n$5\r\nflags\r\n"
    "*1\r\n+multiple\r\n$9\r\narguments\r\n*1\r\n*4\r\n$4\r\nname\r\n$9\r\nparameter\r\n$4\r\n"
    "type\r\n$6\r\nstring\r\n$16\r\nconfig|resetstat\r\n*8\r\n$7\r\nsummary\r\n$32\r\n"
    "Reset the stats returned by INFO\r\n$5\r\nsince\r\n$5\r\n2.0.0\r\n$5\r\ngroup\r\n$6\r\n"
    "server\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n$14\r\nconfig|rewrite\r\n*8\r\n$7\r\n"
    "summary\r\n$63\r\nRewrite the configuration file with the in memory configuration\r\n"
    "$5\r\nsince\r\n$5\r\n2.8.0\r\n$5\r\ngroup\r\n$6\r\nserver\r\n$10\r\ncomplexity\r\n$4\r\n"
    "O(1)\r\n$10\r\nconfig|set\r\n*12\r\n$7\r\nsummary\r\n$48\r\n"
    "Set configuration parameters to the given values\r\n$5\r\nsince\r\n$5\r\n2.0.0\r\n$5\r\n"
    "group\r\n$6\r\nserver\r\n$10\r\ncomplexity\r\n$62\r\n"
    "O(N) when N is the number of configuration parameters provided\r\n$7\r\nhistory\r\n*1\r\n"
    "*2\r\n$5\r\n7.0.0\r\n$57\r\nAdded the ability to set multiple parameters in one call.\r\n"
    "$9\r\narguments\r\n*1\r\n*8\r\n$4\r\nname\r\n$15\r\nparameter_value\r\n$4\r\ntype\r\n"
    "$5\r\nblock\r\n$5\r\nflags\r\n*1\r\n+multiple\r\n$9\r\narguments\r\n*2\r\n*4\r\n$4\r\n"
    "name\r\n$9\r\nparameter\r\n$4\r\ntype\r\n$6\r\nstring\r\n*4\r\n$4\r\nname\r\n$5\r\n"
    "value\r\n$4\r\ntype\r\n$6\r\nstring\r\n$11\r\nconfig|help\r\n*8\r\n$7\r\nsummary\r\n"
    "$49\r\nShow helpful text about the different subcommands\r\n$5\r\nsince\r\n$5\r\n5.0.0\r\n"
    "$5\r\ngroup\r\n$6\r\nserver\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n";

// fkvs-server: COMMAND DOCS get config (summary, since and group only)
constexpr std::string_view kFkvsGetConfigDocs =
    "*4\r\n$3\r\nget\r\n*6\r\n$7\r\nsummary\r\n$22\r\nGet the value of a key\r\n$5\r\nsince\r\n"
    "$5\r\n1.0.0\r\n$5\r\ngroup\r\n$6\r\nstring\r\n$6\r\nconfig\r\n*8\r\n$7\r\nsummary\r\n"
    "$45\r\nA container for server configuration commands\r\n$5\r\nsince\r\n$5\r\n2.0.0\r\n"
    "$5\r\ngroup\r\n$6\r\nserver\r\n$11\r\nsubcommands\r\n*8\r\n$10\r\nconfig|get\r\n*6\r\n"
    "$7\r\nsummary\r\n$42\r\nGet the values of configuration parameters\r\n$5\r\nsince\r\n"
    "$5\r\n2.0.0\r\n$5\r\ngroup\r\n$6\r\nserver\r\n$10\r\nconfig|set\r\n*6\r\n$7\r\nsummary\r\n"
    "$48\r\nSet configuration parameters to the given values\r\n$5\r\nsince\r\n$5\r\n2.0.0\r\n"
    "$5\r\ngroup\r\n$6\r\nserver\r\n$16\r\nconfig|resetstat\r\n*6\r\n$7\r\nsummary\r\n$32\r\n"
    "Reset the stats returned by INFO\r\n$5\r\nsince\r\n$5\r\n2.0.0\r\n$5\r\ngroup\r\n$6\r\n"
    "server\r\n$11\r\nconfig|help\r\n*6\r\n$7\r\nsummary\r\n$49\r\n"
    "Show helpful text about the different subcommands\r\n$5\r\nsince\r\n$5\r\n5.0.0\r\n$5\r\n"
    "group\r\n$6\r\nserver\r\n";

}  // namespace fkvs::cli::test
