// Pops and moves shared by the list commands and their blocking forms.
#include "commands/list_ops.h"

#include <algorithm>
#include <memory>
#include <string>

#include "commands/errors.h"
#include "commands/multi_pop_args.h"
#include "util/number.h"
#include "util/strings.h"

namespace fkvs {
void reply_list_item(CommandContext& ctx, const QuickList::Item& item) {
  IntScratch scratch;
  ctx.reply().bulk(item.bytes(scratch));
}

namespace {

QuickList::Item end_item(const QuickList& list, ListEnd end) {
  return end == ListEnd::kLeft ? list.front() : list.back();
}

void pop_end(QuickList& list, ListEnd end) {
  if (end == ListEnd::kLeft) {
    list.pop_front();
  } else {
    list.pop_back();
  }
}

// Replies count items as they are popped, then deletes an emptied key.
void pop_items(CommandContext& ctx, ListRef& ref, ListEnd end, size_t count) {
  QuickList& list = ref.collection->list();
  for (size_t i = 0; i < count; ++i) {
    if (end == ListEnd::kLeft) {
      reply_list_item(ctx, list.front());
      list.pop_front();
    } else {
      const QuickList::Cursor last = list.last();
      reply_list_item(ctx, list.get(last));
      list.pop_back(last);
    }
  }
  ctx.notify(keyspace_events::kList, pop_event(end), ref.entry->key());
  // Every pop (LMPOP, a served BLPOP) replays as the plain pop it was.
  if (ctx.propagating()) [[unlikely]] {
    const std::string popped = std::to_string(count);
    ctx.propagate_as({end == ListEnd::kLeft ? "LPOP" : "RPOP", ref.entry->key(), popped});
  }
  erase_if_empty(ctx, ref);
  ctx.dirty(count);
}

size_t bounded_count(const ListRef& ref, uint64_t count) {
  return static_cast<size_t>(std::min<uint64_t>(count, ref.collection->size()));
}

}  // namespace

std::optional<ListEnd> parse_list_end(std::string_view arg) {
  // Redis compares these as C strings: the argument ends at a NUL byte.
  const std::string_view name = up_to_nul(arg);
  if (equals_nocase(name, "left")) return ListEnd::kLeft;
  if (equals_nocase(name, "right")) return ListEnd::kRight;
  return std::nullopt;
}

std::optional<MpopArgs> parse_mpop_args(CommandContext& ctx, size_t numkeys_index) {
  const std::optional<MultiPopArgs> args =
      parse_multi_pop_args(ctx, numkeys_index, "left", "right");
  if (!args) return std::nullopt;
  return MpopArgs{args->first_key, args->key_count,
                  args->second_where ? ListEnd::kRight : ListEnd::kLeft, args->count};
}

std::optional<bool> try_mpop_and_reply(CommandContext& ctx, const MpopArgs& args) {
  for (size_t i = args.first_key; i < args.first_key + args.key_count; ++i) {
    ListRef ref = find_for_write<ListValue>(ctx, ctx.arg(i));
    if (ref.wrong_type) {
      ctx.reply().error(errors::kWrongType);
      return std::nullopt;
    }
    if (ref) {
      mpop_and_reply(ctx, ctx.arg(i), ref, args.end, args.count);
      return true;
    }
  }
  return false;
}

void pop_one_and_reply(CommandContext& ctx, ListRef& list, ListEnd end) {
  pop_items(ctx, list, end, 1);
}

void pop_many_and_reply(CommandContext& ctx, ListRef& list, ListEnd end, uint64_t count) {
  const size_t popped = bounded_count(list, count);
  ctx.reply().array(popped);
  pop_items(ctx, list, end, popped);
}

void mpop_and_reply(CommandContext& ctx, std::string_view key, ListRef& list, ListEnd end,
                    uint64_t count) {
  ctx.reply().array(2);
  ctx.reply().bulk(key);
  pop_many_and_reply(ctx, list, end, count);
}

bool move_and_reply(CommandContext& ctx, ListRef& source, std::string_view destination,
                    ListEnd from, ListEnd to) {
  ListRef target = find_for_write<ListValue>(ctx, destination);
  if (target.wrong_type) {
    ctx.reply().error(errors::kWrongType);
    return false;
  }
  QuickList& list = source.collection->list();
  IntScratch scratch;
  // The pop invalidates the item's bytes, and a rotation pushes them back.
  const std::string item(end_item(list, from).bytes(scratch));
  pop_end(list, from);
  if (!target) {
    const int64_t fill = ctx.server().config().list_max_listpack_size;
    target = create_collection(
        ctx, destination,
        std::make_unique<ListValue>(fill, ctx.server().config().list_compress_depth));
  }
  QuickList& pushed = target.collection->list();
  if (to == ListEnd::kLeft) {
    pushed.push_front(item);
  } else {
    pushed.push_back(item);
  }
  // As Redis: the push is told first, then the pop.
  ctx.notify(keyspace_events::kList, push_event(to), destination);
  ctx.notify(keyspace_events::kList, pop_event(from), source.entry->key());
  ctx.propagate_as({"LMOVE", source.entry->key(), destination,
                    from == ListEnd::kLeft ? "LEFT" : "RIGHT",
                    to == ListEnd::kLeft ? "LEFT" : "RIGHT"});
  erase_if_empty(ctx, source);
  ctx.signal_key_ready(destination);
  ctx.reply().bulk(item);
  ctx.dirty(2);
  return true;
}

}  // namespace fkvs
