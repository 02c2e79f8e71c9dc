// --state compaction: the engine's whole state, saved as data and taken back.
#include <nlohmann/json.hpp>

#include "core/saved_json.h"
#include "core/webhooks.h"
#include "engine/engine.h"

namespace hnemu {

namespace {

// The deepest nesting a saved state has is a dozen levels; nlohmann's CBOR reader recurses once
// per level, so an altered file could exhaust the stack. This walks the items' heads without
// recursing and says whether they nest no deeper than `limit` (and are whole).
bool cborNestingWithin(std::string_view cbor, size_t limit) {
  constexpr uint64_t kIndefinite = UINT64_MAX;
  std::vector<uint64_t> open;  // items left in each open array, map or tag
  size_t at = 0;
  auto argument = [&](uint8_t info, uint64_t& value) {
    if (info < 24) {
      value = info;
      return true;
    }
    if (info == 31) {
      value = kIndefinite;
      return true;
    }
    if (info > 27) {
      return false;
    }
    const size_t bytes = size_t{1} << (info - 24);
    if (cbor.size() - at < bytes) {
      return false;
    }
    value = 0;
    for (size_t i = 0; i < bytes; ++i) {
      value = (value << 8) | static_cast<uint8_t>(cbor[at++]);
    }
    return true;
  };
  do {
    if (at >= cbor.size()) {
      return false;
    }
    const uint8_t head = static_cast<uint8_t>(cbor[at++]);
    const uint8_t major = head >> 5;
    uint64_t value = 0;
    if (head == 0xff) {  // the break that ends an indefinite item
      if (open.empty() || open.back() != kIndefinite) {
        return false;
      }
      open.pop_back();
    } else if (!argument(head & 31, value)) {
      return false;
    } else if (major == 2 || major == 3) {
      if (value == kIndefinite) {
        open.push_back(kIndefinite);  // chunks, then a break
      } else if (cbor.size() - at < value) {
        return false;
      } else {
        at += value;
      }
    } else if (major == 4 || major == 5 || major == 6) {
      const uint64_t items =
          major == 6 ? 1 : (value == kIndefinite || major == 4 ? value : value * 2);
      if (items != 0) {
        if (open.size() >= limit) {
          return false;
        }
        open.push_back(items);
        continue;  // its first item is the next head
      }
    }
    // One item ended: it counts against the innermost open array, map or tag.
    while (!open.empty() && open.back() != kIndefinite && --open.back() == 0) {
      open.pop_back();
    }
  } while (!open.empty());
  return at == cbor.size();
}

}  // namespace

HNEMU_SAVED_FIELDS(FaultRule, id, provider, method, path, status, times, retry_after_seconds,
                   latency, drop_connection, fired)

std::optional<SavedState> Engine::saveState(uint64_t inputs) {
  // Under the state lock only copies are taken; the JSON is built and encoded after it.
  struct SavedTimer {
    TimePoint due;
    std::string provider;
    ProviderTimers::Armed armed;
  };
  std::vector<SavedTimer> timers;
  std::vector<std::pair<std::string, std::function<nlohmann::json()>>> providers;
  std::vector<ChangeFeed::Change> feed;
  SavedState saved;
  nlohmann::json state;
  {
    std::unique_lock applying(apply_mutex_);
    applied_cv_.wait(applying, [&] { return inputs_applied_ >= inputs; });
    std::lock_guard locked(state_mutex_);
    for (const PendingTimer& timer : clock_.pendingTimers()) {
      if (timer.label.rfind(kWebhookRetryLabel, 0) == 0) {
        continue;  // delivery, not state: a restart sends nothing again (as a replay)
      }
      std::optional<SavedTimer> saved_timer;
      for (const std::unique_ptr<Provider>& each : providers_) {
        if (std::optional<ProviderTimers::Armed> armed = each->pendingTimer(timer.id)) {
          saved_timer = SavedTimer{timer.due, std::string(each->name()), std::move(*armed)};
          break;
        }
      }
      if (!saved_timer) {
        return std::nullopt;  // a timer that is not data cannot be re-armed
      }
      timers.push_back(std::move(*saved_timer));
    }
    for (const std::unique_ptr<Provider>& each : providers_) {
      std::function<nlohmann::json()> provider_state = each->saveState();
      if (!provider_state) {
        return std::nullopt;
      }
      providers.emplace_back(std::string(each->name()), std::move(provider_state));
    }
    feed = changes_.since(0, SIZE_MAX);
    const WebhookDispatcher::DeliveryFaults delivery_faults = webhooks_->deliveryFaults();
    state = {{"seed", ids_.seed()},
             {"ids", ids_.saveState()},
             {"start_time", options_.start_time},
             {"clock", {{"now", clock_.committedNow()}, {"mode", clock_.mode()}}},
             {"world",
              {{"faults", world_faults_},
               {"tamper_webhooks", world_tamper_webhooks_},
               {"duplicate_webhooks", world_duplicate_webhooks_},
               {"delay_webhooks", world_delay_webhooks_},
               {"delay_webhooks_by", world_delay_webhooks_by_},
               {"auto_quiet", driver_->quiet()},
               {"auto_observe", auto_observe_.load()}}},
             {"faults", {{"rules", faults_.rules()}, {"next_id", faults_.nextId()}}},
             {"delivery_faults",
              {{"tamper", delivery_faults.tamper},
               {"repeat", delivery_faults.repeat},
               {"delay", delivery_faults.delay},
               {"delay_by", delivery_faults.delay_by}}},
             {"change_feed", {{"generation", changes_.generation()}, {"last", changes_.last()}}}};
    saved.checkpoint.inputs_applied = inputs_applied_;
    saved.checkpoint.state_digest = stateDigestLocked();
    saved.checkpoint.now = clock_.committedNow();
    saved.checkpoint.mode = clock_.mode();
    saved.checkpoint.webhooks = webhooks_->log();
    saved.checkpoint.next_webhook_id = webhooks_->nextId();
  }
  nlohmann::json& saved_timers = state["timers"] = nlohmann::json::array();
  for (SavedTimer& timer : timers) {
    saved_timers.push_back({{"due", timer.due},
                            {"provider", std::move(timer.provider)},
                            {"label", std::move(timer.armed.label)},
                            {"kind", std::move(timer.armed.kind)},
                            {"arguments", std::move(timer.armed.arguments)},
                            {"stale", timer.armed.stale}});
  }
  nlohmann::json& saved_feed = state["change_feed"]["changes"] = nlohmann::json::array();
  for (ChangeFeed::Change& change : feed) {
    saved_feed.push_back({change.sequence, std::move(change.provider), std::move(change.collection),
                          std::move(change.id)});
  }
  nlohmann::json& saved_providers = state["providers"];
  for (const auto& [name, provider_state] : providers) {
    saved_providers[name] = provider_state();
  }
  const std::vector<uint8_t> bytes = nlohmann::json::to_cbor(state);
  saved.cbor.assign(bytes.begin(), bytes.end());
  return saved;
}

Status Engine::restoreState(std::string_view cbor, uint64_t inputs_applied) {
  beginReplay();
  std::lock_guard applying(apply_mutex_);
  std::lock_guard locked(state_mutex_);
  if (!cborNestingWithin(cbor, 64)) {
    return makeError(ErrorCode::InvalidArgument,
                     "its snapshot does not decode: not whole CBOR, or nested deeper than 64");
  }
  try {
    const nlohmann::json state = nlohmann::json::from_cbor(cbor);
    if (!ids_.restoreState(state.at("seed").get<uint64_t>(), state.at("ids").get<std::string>())) {
      return makeError(ErrorCode::InvalidArgument, "its id generator's state does not decode");
    }
    state.at("start_time").get_to(options_.start_time);
    const nlohmann::json& world = state.at("world");
    world.at("faults").get_to(world_faults_);
    world.at("tamper_webhooks").get_to(world_tamper_webhooks_);
    world.at("duplicate_webhooks").get_to(world_duplicate_webhooks_);
    world.at("delay_webhooks").get_to(world_delay_webhooks_);
    world.at("delay_webhooks_by").get_to(world_delay_webhooks_by_);
    driver_->setQuiet(world.at("auto_quiet").get<Millis>());
    auto_observe_ = world.at("auto_observe").get<Millis>();
    faults_.restore(state.at("faults").at("rules").get<std::vector<FaultRule>>(),
                    state.at("faults").at("next_id").get<uint64_t>());
    const nlohmann::json& delivery_faults = state.at("delivery_faults");
    webhooks_->tamperSignatures(delivery_faults.at("tamper").get<int>());
    webhooks_->repeatDeliveries(delivery_faults.at("repeat").get<int>());
    webhooks_->delayDeliveries(delivery_faults.at("delay").get<int>(),
                               delivery_faults.at("delay_by").get<Millis>());

    const TimePoint now = state.at("clock").at("now").get<TimePoint>();
    clock_.reset(now);
    clock_.setMode(state.at("clock").at("mode").get<ClockMode>());
    clock_.pin(now);
    const nlohmann::json& providers = state.at("providers");
    for (const std::unique_ptr<Provider>& each : providers_) {
      const std::string name(each->name());
      if (!providers.contains(name)) {
        return makeError(ErrorCode::InvalidArgument, "it has no state for " + name);
      }
      HNEMU_RETURN_IF_ERROR(each->restoreState(providers.at(name)));
    }
    for (const nlohmann::json& timer : state.at("timers")) {
      Provider* owner = provider(timer.at("provider").get<std::string>());
      if (owner == nullptr) {
        return makeError(ErrorCode::InvalidArgument,
                         "a timer of a provider this hnemu does not have");
      }
      ProviderTimers::Armed armed{
          timer.at("label").get<std::string>(), timer.at("kind").get<std::string>(),
          timer.at("arguments").get<ProviderTimers::Arguments>(), timer.at("stale").get<bool>()};
      HNEMU_RETURN_IF_ERROR(owner->rearmTimer(timer.at("due").get<TimePoint>(), std::move(armed)));
    }
    const nlohmann::json& feed = state.at("change_feed");
    std::vector<ChangeFeed::Change> changes;
    const uint64_t last = feed.at("last").get<uint64_t>();
    for (const nlohmann::json& change : feed.at("changes")) {
      changes.push_back({change.at(0).get<uint64_t>(), change.at(1).get<std::string>(),
                         change.at(2).get<std::string>(), change.at(3).get<std::string>()});
      const uint64_t sequence = changes.back().sequence;
      if (sequence == 0 || sequence > last ||
          (changes.size() > 1 && sequence <= changes[changes.size() - 2].sequence)) {
        return makeError(ErrorCode::InvalidArgument, "its change feed is out of order");
      }
    }
    changes_.restore(changes, last, feed.at("generation").get<uint64_t>());
  } catch (const nlohmann::json::exception& error) {
    return makeError(ErrorCode::InvalidArgument,
                     std::string("its snapshot does not decode: ") + error.what());
  }
  watch_.clear();
  inputs_applied_ = inputs_applied;
  return Status();
}

}  // namespace hnemu
