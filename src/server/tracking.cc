#include "server/tracking.h"

#include <algorithm>

#include "reply_writer.h"
#include "server/client.h"

namespace fkvs {

namespace {

constexpr std::string_view kInvalidate = "invalidate";
constexpr std::string_view kInvalidateChannel = "__redis__:invalidate";
constexpr std::string_view kRedirectBroken = "tracking-redir-broken";
// Keys invalidated per enforce_limit call, times the calls in a row that
// ended over the limit (Redis's effort).
constexpr uint64_t kLimitEffort = 100;

}  // namespace

void Tracking::enable(Client& client, const Options& options,
                      std::span<const std::string_view> prefixes) {
  ClientTracking& state = client.tracking;
  if (!state.on) trackers_.push_back(&client);
  state.on = true;
  state.broken_redirect = false;
  state.bcast = options.bcast;
  state.optin = options.optin;
  state.optout = options.optout;
  state.noloop = options.noloop;
  state.redirect = options.redirect;
  if (!options.bcast) return;
  if (prefixes.empty()) add_prefix(client, "");
  for (std::string_view prefix : prefixes) add_prefix(client, prefix);
}

void Tracking::disable(Client& client) {
  ClientTracking& state = client.tracking;
  remove_prefixes(client);
  if (!state.on) return;
  std::erase(trackers_, &client);
  state.on = state.bcast = state.optin = state.optout = false;
  state.caching = state.noloop = state.broken_redirect = false;
}

void Tracking::add_prefix(Client& client, std::string_view prefix) {
  std::vector<std::string>& own = client.tracking.prefixes;
  auto at = std::lower_bound(own.begin(), own.end(), prefix);
  if (at != own.end() && *at == prefix) return;
  own.emplace(at, prefix);
  auto found = prefixes_.find(prefix);
  if (found == prefixes_.end()) found = prefixes_.emplace(std::string(prefix), Broadcast{}).first;
  found->second.clients.push_back(&client);
}

void Tracking::remove_prefixes(Client& client) {
  for (const std::string& prefix : client.tracking.prefixes) {
    auto found = prefixes_.find(prefix);
    if (found == prefixes_.end()) continue;
    std::erase(found->second.clients, &client);
    if (found->second.clients.empty()) prefixes_.erase(found);
  }
  client.tracking.prefixes.clear();
}

void Tracking::remember(Client& client, std::string_view key) {
  auto found = table_.find(key);
  if (found == table_.end())
    found = table_.emplace(std::string(key), std::vector<uint64_t>{}).first;
  std::vector<uint64_t>& ids = found->second;
  if (std::find(ids.begin(), ids.end(), client.id()) != ids.end()) return;
  ids.push_back(client.id());
  ++total_items_;
}

void Tracking::key_changed(std::string_view key, const Client* modifier) {
  if (!prefixes_.empty()) note_for_broadcast(key, modifier != nullptr ? modifier->id() : 0);
  if (!table_.empty()) invalidate(key);
}

void Tracking::note_for_broadcast(std::string_view key, uint64_t modifier_id) {
  auto note = [&](Broadcast& broadcast) {
    auto [at, added] = broadcast.changed.try_emplace(std::string(key), modifier_id);
    if (!added) at->second = modifier_id;
  };
  // Few prefixes are walked; with many, each beginning of the key is looked up.
  if (prefixes_.size() <= key.size() + 1) {
    for (auto& [prefix, broadcast] : prefixes_) {
      if (key.starts_with(prefix)) note(broadcast);
    }
    return;
  }
  for (size_t length = 0; length <= key.size(); ++length) {
    auto found = prefixes_.find(key.substr(0, length));
    if (found != prefixes_.end()) note(found->second);
  }
}

void Tracking::invalidate(std::string_view key) {
  auto found = table_.find(key);
  if (found == table_.end()) return;
  const std::string changed = found->first;
  const std::vector<uint64_t> ids = std::move(found->second);
  table_.erase(found);
  total_items_ -= ids.size();
  const std::string_view keys[] = {changed};
  std::string payload;
  for (uint64_t id : ids) {
    Client* target = clients_.client_by_id(id);
    // Keys read before a switch to BCAST owe that client nothing.
    if (target == nullptr || !target->tracking.on || target->tracking.bcast) continue;
    if (target == running_) {
      if (!target->tracking.noloop) pending_.emplace_back(id, changed);
      continue;
    }
    if (payload.empty()) payload = key_array(keys);
    send(*target, payload);
  }
}

void Tracking::flushed() {
  table_.clear();
  total_items_ = 0;
  if (flush_announced_ || trackers_.empty()) return;
  flush_announced_ = true;
  for (Client* tracker : trackers_) {
    if (tracker == running_) {
      pending_.emplace_back(tracker->id(), std::nullopt);
    } else {
      send(*tracker, null_of(*tracker));
    }
  }
}

void Tracking::flush_pending() {
  for (auto& [id, key] : std::exchange(pending_, {})) {
    Client* target = clients_.client_by_id(id);
    if (target == nullptr) continue;
    if (key) {
      const std::string_view keys[] = {*key};
      send(*target, std::string(key_array(keys)));
    } else {
      send(*target, null_of(*target));
    }
  }
}

void Tracking::broadcast() {
  std::vector<std::string_view> keys;
  for (auto& [prefix, broadcast] : prefixes_) {
    if (broadcast.changed.empty()) continue;
    keys.clear();
    for (const auto& [key, modifier] : broadcast.changed) keys.push_back(key);
    const std::string everything(key_array(keys));
    for (Client* client : broadcast.clients) {
      if (!client->tracking.noloop) {
        send(*client, everything);
        continue;
      }
      keys.clear();
      for (const auto& [key, modifier] : broadcast.changed) {
        if (modifier != client->id()) keys.push_back(key);
      }
      if (!keys.empty()) send(*client, std::string(key_array(keys)));
    }
    broadcast.changed.clear();
  }
}

void Tracking::enforce_limit(uint64_t max_keys) {
  if (max_keys == 0 || table_.size() <= max_keys) {
    limit_rounds_ = 0;
    return;
  }
  // Not the running client's doing: it hears at once, NOLOOP or not.
  Client* running = set_running(nullptr);
  for (uint64_t effort = kLimitEffort * (limit_rounds_ + 1); effort > 0 && table_.size() > max_keys;
       --effort) {
    invalidate(std::string(table_.begin()->first));
  }
  set_running(running);
  limit_rounds_ = table_.size() > max_keys ? limit_rounds_ + 1 : 0;
}

void Tracking::send(Client& tracker, std::string_view payload) {
  Client* target = &tracker;
  const bool redirected = tracker.tracking.redirect != 0;
  frame_.clear();
  resp::ReplyWriter frame(frame_);
  if (redirected) {
    target = clients_.client_by_id(tracker.tracking.redirect);
    // A target that sent QUIT is as good as gone: it would read nothing more.
    if (target == nullptr || target->conn().closing()) {
      tracker.tracking.broken_redirect = true;
      if (tracker.protocol != resp::Protocol::kResp3) return;
      frame.array(2);
      frame.bulk(kRedirectBroken);
      frame.integer(static_cast<int64_t>(tracker.tracking.redirect));
      return clients_.send_to_client(tracker, frame_.view(), true);
    }
  }
  if (target->protocol == resp::Protocol::kResp3) {
    frame.array(2);
    frame.bulk(kInvalidate);
    frame.raw(payload);
    return clients_.send_to_client(*target, frame_.view(), true);
  }
  // RESP2 has no pushes: only a subscribed redirect target can be told.
  if (!redirected || !target->subscriptions.any()) return;
  frame.array(3);
  frame.bulk("message");
  frame.bulk(kInvalidateChannel);
  frame.raw(payload);
  clients_.send_to_client(*target, frame_.view(), false);
}

std::string_view Tracking::key_array(std::span<const std::string_view> keys) {
  payload_.clear();
  resp::ReplyWriter writer(payload_);
  writer.array(keys.size());
  for (std::string_view key : keys) writer.bulk(key);
  return payload_.view();
}

// As Redis: the null of the tracking client's protocol, whichever client receives it.
std::string_view Tracking::null_of(const Client& client) {
  payload_.clear();
  resp::ReplyWriter(payload_, nullptr, client.protocol).null_bulk();
  return payload_.view();
}

}  // namespace fkvs
