#include "engine/engine.h"

#include <cstdlib>
#include <iostream>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "core/crypto.h"
#include "core/json_text.h"
#include "providers/registry.h"
#include "server/httplib_server.h"

namespace hnemu {
namespace {

constexpr std::string_view kControlPrefix = "/__hnemu";

// Changes made while timers fire need the client to see them; see ResourceWatch.
class TimersFiring {
 public:
  explicit TimersFiring(ResourceWatch& watch) : watch_(watch) { watch_.setTimersFiring(true); }
  ~TimersFiring() { watch_.setTimersFiring(false); }
  TimersFiring(const TimersFiring&) = delete;
  TimersFiring& operator=(const TimersFiring&) = delete;

 private:
  ResourceWatch& watch_;
};

HttpResponse genericNotFound(const std::string& path) {
  nlohmann::json body = {{"error", "no route for " + path}};
  return HttpResponse::json(404, jsonText(body));
}

}  // namespace

Engine::Engine(EmulatorOptions options)
    : options_(std::move(options)),
      clock_(options_.start_time, options_.clock_mode),
      ids_(options_.seed),
      journal_(options_.journal_capacity),
      auto_observe_(options_.auto_observe) {
  std::shared_ptr<WebhookTransport> transport = options_.webhook_transport;
  if (!transport) {
    transport = std::make_shared<HttplibWebhookTransport>();
  }
  webhooks_ = std::make_unique<WebhookDispatcher>(
      clock_, transport,
      WebhookLimits{options_.webhook_log_capacity, options_.webhook_log_bytes,
                    options_.webhook_queue_bytes});
  webhooks_->capTimeouts(options_.webhook_timeout_cap);
  const ProviderContext context{clock_,
                                ids_,
                                *webhooks_,
                                watch_,
                                changes_,
                                options_.max_body_bytes,
                                options_.max_upload_bytes,
                                options_.max_numbers_per_order};
  for (const ProviderKind* kind : providerKinds()) {
    std::unique_ptr<Provider> provider = kind->create(context);
    provider->registerRoutes(router_);
    if (options_.default_accounts) {
      provider->addDefaultAccounts();
    }
    providers_.push_back(std::move(provider));
  }
  driver_ = std::make_unique<ClockDriver>(
      clock_,
      ClockDriver::Hooks{[this] { return clock_.nextDue(); }, [this](TimePoint at) { step(at); },
                         [this] { return !webhooks_->idle(); },
                         [this] { return watch_.holdUntil(auto_observe_); }},
      options_.auto_quiet);
  if (const char* verify = std::getenv("HNEMU_VERIFY_CHANGE_FEED");
      verify != nullptr && std::string_view(verify) == "1") {
    feed_mirror_ = std::make_unique<FeedMirror>();
  }
  {
    std::lock_guard lock(state_mutex_);
    touchEverythingLocked();
  }
  webhooks_->setIdleListener([this] { driver_->wake(); });
  // A webhook its receiver took is the client seeing the change it announces.
  webhooks_->setDeliveredListener([this](const std::string& resource) { watch_.seen(resource); });
  if (options_.log) {
    webhooks_->setDropListener(options_.log);
  }
  if (options_.log) {
    watch_.setReadListener([this](const std::string& key) { hintIfWaiting(key); });
  }
}

Engine::~Engine() {
  // The dispatcher first: its workers wake the driver when they go idle.
  webhooks_->stop();
  driver_.reset();
}

Provider* Engine::provider(std::string_view name) const {
  for (const std::unique_ptr<Provider>& each : providers_) {
    if (each->name() == name) {
      return each.get();
    }
  }
  return nullptr;
}

bool Engine::isControl(const HttpRequest& request) {
  return request.path.compare(0, kControlPrefix.size(), kControlPrefix) == 0;
}

// Errors raised before a route runs (an oversized head or body, a broken request line) get the
// error shape of whoever owns the path: the control API, a provider, or Twilio by default.
HttpResponse Engine::errorFor(int status, const HttpRequest& request) const {
  if (isControl(request) && control_ != nullptr) {
    return control_->errorForStatus(status);
  }
  std::string owner;
  router_.fallbackFor(request.path, &owner);
  const Provider* answering = provider(owner);
  return (answering != nullptr ? answering : providers_.front().get())
      ->errorForStatus(status, request);
}

std::optional<HttpResponse> Engine::refuseBeforeBody(const HttpRequest& head,
                                                     uint64_t content_length) const {
  if (isControl(head)) {
    if (control_ != nullptr && content_length > kMaxControlBodyBytes) {
      return control_->errorForStatus(413);
    }
    return std::nullopt;
  }
  HttpRequest matched = head;
  std::string owner = router_.match(matched).provider;
  if (owner.empty()) {
    router_.fallbackFor(head.path, &owner);
  }
  const Provider* answering = provider(owner);
  if (answering == nullptr) {
    answering = providers_.front().get();  // the first registered provider's shape by default
  }
  if (content_length > answering->bodyLimit(head)) {
    return answering->errorForStatus(413, head);
  }
  return std::nullopt;
}

namespace {

bool isRead(const std::string& method) {
  return method == "GET" || method == "HEAD" || method == "OPTIONS";
}

// The admin token authorises a control request once, when it arrives; it is not part of the
// input, and a state file must not hold it.
RecordedInput recordedRequest(const HttpRequest& request, bool control,
                              const std::string& admin_token) {
  RecordedInput input;
  input.kind = RecordedInput::Kind::Request;
  input.method = request.method;
  input.target = request.raw_target;
  input.path = request.path;
  for (const auto& [name, value] : request.headers) {
    if (iequals(name, "X-Hnemu-Admin-Token") || (control && iequals(name, "Authorization"))) {
      continue;
    }
    // A client that sends the admin token everywhere sends it to the providers too: it is not a
    // credential of theirs, and the file must not hold it.
    if (!admin_token.empty() && iequals(name, "Authorization") &&
        value == "Bearer " + admin_token) {
      input.headers.emplace(name, "Bearer (the admin token)");
      continue;
    }
    input.headers.emplace(name, value);
  }
  input.body = request.body;
  return input;
}

}  // namespace

HttpResponse Engine::handle(HttpRequest& request) {
  driver_->requestStarted();
  const auto started = std::chrono::steady_clock::now();
  const bool control = isControl(request);
  JournalEntry entry;
  HttpResponse response;
  std::shared_lock using_log(input_log_mutex_);
  InputLog* const input_log = input_log_;
  if (auto refused = control && control_ != nullptr ? control_->refusal(request) : std::nullopt) {
    response = std::move(*refused);
  } else {
    if (control && control_ != nullptr) {
      control_->prepare(request);
    }
    if (input_log != nullptr && changesState(request)) {
      response = applyDurably(*input_log, recordedRequest(request, control, options_.admin_token),
                              &request, entry);
    } else {
      // In a durable run a read must not use up a fault unrecorded: it leaves it for the next.
      response = dispatch(request, entry, input_log == nullptr);
    }
  }
  using_log.unlock();
  if (options_.log_requests && options_.log) {
    logRequest(request, response, entry,
               std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
                   .count());
  }
  if (!control) {
    entry.time = clock_.now();
    entry.method = request.method;
    entry.path = request.path;
    const size_t question = request.raw_target.find('?');
    entry.query = question == std::string::npos ? "" : request.raw_target.substr(question + 1);
    entry.status = response.status;
    entry.account = request.account;
    entry.request_body = request.body;
    entry.response_body = response.body;
    entry.duration_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
            .count();
    journal_.record(std::move(entry));
  }
  driver_->requestFinished();
  if (feed_mirror_ && !isRead(request.method)) {
    verifyChangeFeed();
  }
  return response;
}

void Engine::logRequest(const HttpRequest& request, const HttpResponse& response,
                        const JournalEntry& entry, double milliseconds) const {
  const std::string provider = isControl(request) ? "hnemu" : entry.provider;
  if (options_.log_json) {
    options_.log(jsonText(nlohmann::json{{"time", formatIso8601Millis(clock_.now())},
                                         {"method", request.method},
                                         {"target", request.raw_target},
                                         {"status", response.status},
                                         {"provider", provider},
                                         {"account", request.account},
                                         {"duration_ms", milliseconds}}));
    return;
  }
  char duration[32];
  std::snprintf(duration, sizeof duration, "%.2f ms", milliseconds);
  options_.log(formatIso8601Millis(clock_.now()) + " " + request.method + " " + request.raw_target +
               " " + std::to_string(response.status) + " " + (provider.empty() ? "-" : provider) +
               " " + duration);
}

// Called (state lock held, maybe shared) when a client reads an order.
void Engine::hintIfWaiting(const std::string& key) {
  // Ten orders say it; past that (a load test, a long session) the log would be nothing else.
  constexpr size_t kMostHints = 10;
  // A restart's replay reads again every order its session read: those hints were printed then.
  if (replaying_ || clock_.mode() != ClockMode::Manual) {
    return;
  }
  std::lock_guard hinting(hinted_mutex_);
  if (hinted_.count(key) > 0 || hinted_.size() > kMostHints) {
    return;
  }
  for (const PendingTimer& timer : clock_.pendingTimers()) {
    if (timer.label.find(key) == std::string::npos) {
      continue;
    }
    hinted_.insert(key);
    if (hinted_.size() > kMostHints) {
      options_.log("hnemu: hint: more orders wait on the clock; no further hints are printed");
      return;
    }
    options_.log("hnemu: hint: " + key + " waits on the clock (" + timer.label + ", due " +
                 formatIso8601Millis(timer.due) +
                 "), and the clock is manual: move it with POST /__hnemu/clock "
                 "{\"advance\": \"" +
                 formatDuration(timer.due - clock_.now()) + "\"}, or serve with --clock auto");
    return;
  }
}

bool Engine::changesState(HttpRequest& request) const {
  if (!isRead(request.method)) {
    return true;
  }
  if (isControl(request)) {
    return false;  // the control API's reads have no side effects
  }
  const RouteMatch match = router_.match(request);
  return match.handler != nullptr && faults_.matches(match.provider, request.method, request.path);
}

HttpResponse Engine::applyDurably(InputLog& log, RecordedInput input, HttpRequest* request,
                                  JournalEntry& entry) {
  uint64_t ticket = 0;
  {
    std::lock_guard order(order_mutex_);
    if (input.kind == RecordedInput::Kind::Request) {
      input.at = clock_.now();
    }
    ticket = log.append(input);
  }
  const bool saved = log.waitSaved(ticket);
  HttpResponse response;
  {
    std::unique_lock turn(turn_mutex_);
    turn_cv_.wait(turn, [&] { return next_turn_ == ticket; });
  }
  if (saved) {
    std::lock_guard applying(apply_mutex_);
    response = applyAt(input.at, request, entry);
    ++inputs_applied_;
    applied_cv_.notify_all();
  }
  {
    std::lock_guard turn(turn_mutex_);
    ++next_turn_;
  }
  turn_cv_.notify_all();
  if (!saved) {
    return request != nullptr ? errorFor(503, *request) : HttpResponse::empty(503);
  }
  return response;
}

HttpResponse Engine::applyAt(TimePoint at, HttpRequest* request, JournalEntry& entry) {
  {
    std::lock_guard state(state_mutex_);
    const TimersFiring firing(watch_);
    clock_.pin(at);
  }
  HttpResponse response;
  if (request != nullptr) {
    response = dispatch(*request, entry);
  }
  if (!replaying_) {
    clock_.release();
  }
  return response;
}

void Engine::step(TimePoint at) {
  {
    std::shared_lock using_log(input_log_mutex_);
    if (InputLog* input_log = input_log_) {
      RecordedInput input;
      input.kind = RecordedInput::Kind::AdvanceTo;
      input.at = at;
      JournalEntry unused;
      (void)applyDurably(*input_log, std::move(input), nullptr, unused);
    } else {
      std::lock_guard state(state_mutex_);
      const TimersFiring firing(watch_);
      if (at > clock_.now()) {
        (void)clock_.advanceTo(at);
      } else {
        clock_.advance(Millis(0));  // fires what the wall clock made due (realtime)
      }
    }
  }
  if (feed_mirror_) {
    verifyChangeFeed();
  }
}

HttpResponse Engine::dispatch(HttpRequest& request, JournalEntry& entry, bool faults_allowed) {
  if (isControl(request)) {
    return control_ != nullptr ? control_->handle(request) : genericNotFound(request.path);
  }
  const RouteMatch match = router_.match(request);  // the routes are fixed once built
  // A provider's read changes no state (what it marks as seen has its own lock), so reads run
  // side by side. One that a fault may answer takes the lock alone: a fault's latency moves the
  // clock.
  if (isRead(request.method) && match.handler != nullptr &&
      !(faults_allowed && faults_.matches(match.provider, request.method, request.path))) {
    std::shared_lock reading(state_mutex_);
    return dispatchLocked(request, match, entry, false);
  }
  std::lock_guard lock(state_mutex_);
  return dispatchLocked(request, match, entry, faults_allowed);
}

HttpResponse Engine::dispatchLocked(HttpRequest& request, const RouteMatch& match,
                                    JournalEntry& entry, bool faults_allowed) {
  entry.provider = match.provider;
  entry.route = match.route_template;
  if (match.handler != nullptr && request.malformed_query) {
    return provider(match.provider)->errorForStatus(400, request);
  }
  if (match.handler != nullptr) {
    // An injected fault answers instead of the provider, before anything is stored.
    const auto fault =
        faults_allowed ? faults_.take(match.provider, request.method, request.path) : std::nullopt;
    if (fault) {
      entry.fault_id = fault->id;
      if (fault->latency > Millis(0)) {
        const TimersFiring firing(watch_);
        clock_.advance(fault->latency);  // the state lock is held, as timers expect
      }
      if (fault->drop_connection) {
        HttpResponse dropped = HttpResponse::empty(200);
        dropped.drop_connection = true;
        return dropped;
      }
      if (fault->status != 0) {
        request.retry_after_seconds = fault->retry_after_seconds;
        HttpResponse response = provider(match.provider)->errorForStatus(fault->status, request);
        if (fault->retry_after_seconds) {
          char seconds[32];
          std::snprintf(seconds, sizeof seconds, "%g", *fault->retry_after_seconds);
          response.headers.emplace("Retry-After", seconds);
        }
        return response;
      }
    }
    return (*match.handler)(request);
  }
  if (match.path_known) {
    return provider(match.provider)->errorForStatus(405, request);
  }
  std::string provider;
  if (const Handler* fallback = router_.fallbackFor(request, &provider)) {
    entry.provider = provider;
    return (*fallback)(request);
  }
  return genericNotFound(request.path);
}

size_t Engine::advance(Millis by) {
  size_t fired = 0;
  {
    std::lock_guard lock(state_mutex_);
    const TimersFiring firing(watch_);
    fired = clock_.advance(by);
  }
  if (feed_mirror_) {
    verifyChangeFeed();
  }
  driver_->wake();
  return fired;
}

Result<size_t> Engine::advanceTo(TimePoint target) {
  Result<size_t> fired = size_t{0};
  {
    std::lock_guard lock(state_mutex_);
    const TimersFiring firing(watch_);
    fired = clock_.advanceTo(target);
  }
  if (feed_mirror_) {
    verifyChangeFeed();
  }
  driver_->wake();
  return fired;
}

size_t Engine::fireNextTimer() {
  size_t fired = 0;
  {
    std::lock_guard lock(state_mutex_);
    const TimersFiring firing(watch_);
    fired = clock_.fireNext();
  }
  if (feed_mirror_) {
    verifyChangeFeed();
  }
  driver_->wake();
  return fired;
}

void Engine::setClockMode(ClockMode mode) {
  clock_.setMode(mode);
  driver_->wake();
}

TimePoint Engine::now() const { return clock_.now(); }

void Engine::reset(std::optional<uint64_t> seed) {
  {
    std::lock_guard lock(state_mutex_);
    webhooks_->clear();
    clock_.reset(options_.start_time);
    ids_.reseed(seed.value_or(ids_.seed()));
    watch_.clear();
    {
      std::lock_guard hinting(hinted_mutex_);
      hinted_.clear();
    }
    for (const std::unique_ptr<Provider>& each : providers_) {
      each->reset();
    }
    journal_.clear();
    faults_.clear();
    for (const FaultRule& rule : world_faults_) {
      faults_.add(rule);
    }
    webhooks_->tamperSignatures(world_tamper_webhooks_);
    webhooks_->repeatDeliveries(world_duplicate_webhooks_);
    webhooks_->delayDeliveries(world_delay_webhooks_, world_delay_webhooks_by_);
    changes_.clear();
    touchEverythingLocked();
  }
  if (feed_mirror_) {
    verifyChangeFeed();
  }
  driver_->wake();
}

void Engine::loadWorld(const WorldFile& world) {
  {
    std::lock_guard lock(state_mutex_);
    if (world.start) {
      options_.start_time = *world.start;
    }
    for (const std::unique_ptr<Provider>& each : providers_) {
      const auto section = world.sections.find(std::string(each->name()));
      each->loadWorld(section == world.sections.end() ? nullptr : section->second.get());
    }
    world_faults_ = world.faults;
    world_tamper_webhooks_ = world.tamper_webhooks;
    world_duplicate_webhooks_ = world.duplicate_webhooks;
    world_delay_webhooks_ = world.delay_webhooks;
    world_delay_webhooks_by_ = world.delay_webhooks_by;
  }
  if (world.auto_quiet) {
    driver_->setQuiet(*world.auto_quiet);
  }
  if (world.auto_observe) {
    auto_observe_ = *world.auto_observe;
  }
  reset(world.seed);
  if (world.clock) {
    setClockMode(*world.clock);
  }
}

nlohmann::json Engine::state() const {
  std::lock_guard lock(state_mutex_);
  return stateLocked();
}

nlohmann::json Engine::stateLocked() const {
  nlohmann::json out;
  out["clock"] = {{"now", formatIso8601Millis(clock_.now())},
                  {"mode", clockModeName(clock_.mode())}};
  for (const std::unique_ptr<Provider>& each : providers_) {
    each->dumpState(out[std::string(each->name())]);
  }
  return out;
}

void Engine::touchEverythingLocked() {
  for (const std::unique_ptr<Provider>& each : providers_) {
    nlohmann::json dumped;
    each->dumpState(dumped);
    for (const StateCollection& collection : each->collections()) {
      for (const nlohmann::json& item : dumped.value(collection.name, nlohmann::json::array())) {
        changes_.touch(each->name(), collection.name, item.value(collection.id_field, ""));
      }
    }
  }
}

nlohmann::json Engine::stateChanges(uint64_t after, size_t limit, std::string_view provider) const {
  std::lock_guard lock(state_mutex_);
  nlohmann::json changes = nlohmann::json::array();
  const std::vector<ChangeFeed::Change> listed = changes_.since(after, limit, provider);
  for (const ChangeFeed::Change& change : listed) {
    const Provider* owner = this->provider(change.provider);
    changes.push_back({{"sequence", change.sequence},
                       {"provider", change.provider},
                       {"collection", change.collection},
                       {"id", change.id},
                       {"item", owner != nullptr ? owner->dumpItem(change.collection, change.id)
                                                 : nlohmann::json()}});
  }
  const bool more = listed.size() == limit && listed.back().sequence < changes_.last();
  return {{"generation", changes_.generation()},
          {"cursor", more ? listed.back().sequence : changes_.last()},
          {"more", more},
          {"changes", std::move(changes)}};
}

void Engine::verifyChangeFeed() {
  std::lock_guard lock(state_mutex_);
  FeedMirror& mirror = *feed_mirror_;
  if (mirror.generation != changes_.generation()) {
    mirror = FeedMirror{changes_.generation(), 0, {}};
  }
  for (const ChangeFeed::Change& change : changes_.since(mirror.cursor, SIZE_MAX)) {
    nlohmann::json item = provider(change.provider)->dumpItem(change.collection, change.id);
    auto& items = mirror.items[change.provider][change.collection];
    if (item.is_null()) {
      items.erase(change.id);
    } else {
      items[change.id] = std::move(item);
    }
  }
  mirror.cursor = changes_.last();
  for (const std::unique_ptr<Provider>& each : providers_) {
    nlohmann::json dumped;
    each->dumpState(dumped);
    for (const StateCollection& collection : each->collections()) {
      std::map<std::string, nlohmann::json> expected;
      for (const nlohmann::json& item : dumped.value(collection.name, nlohmann::json::array())) {
        expected[item.value(collection.id_field, "")] = item;
      }
      const auto& said = mirror.items[std::string(each->name())][collection.name];
      if (expected == said) {
        continue;
      }
      std::string difference;
      for (const auto& [id, item] : expected) {
        const auto found = said.find(id);
        if (found == said.end() || found->second != item) {
          difference = id + " is " + item.dump() + " but the feed says " +
                       (found == said.end() ? "nothing" : found->second.dump());
          break;
        }
      }
      for (const auto& [id, item] : said) {
        if (difference.empty() && expected.count(id) == 0) {
          difference = id + " is gone but the feed still has " + item.dump();
        }
      }
      std::cerr << "hnemu: HNEMU_VERIFY_CHANGE_FEED: " << each->name() << " " << collection.name
                << " changed without saying so: " << difference << std::endl;
      std::abort();
    }
  }
}

std::vector<std::pair<std::string, StateMachine>> Engine::stateMachines() const {
  std::vector<std::pair<std::string, StateMachine>> out;
  for (const std::unique_ptr<Provider>& each : providers_) {
    for (StateMachine& machine : each->kind().lifecycles()) {
      out.emplace_back(std::string(each->name()), std::move(machine));
    }
  }
  return out;
}

nlohmann::json Engine::inbox(const std::optional<std::string>& number, size_t newest) const {
  std::lock_guard lock(state_mutex_);
  nlohmann::json out = nlohmann::json::array();
  for (const std::unique_ptr<Provider>& each : providers_) {
    for (nlohmann::json& message : each->inbox(number, newest)) {
      out.push_back(std::move(message));
    }
  }
  return out;
}

nlohmann::json Engine::calls(size_t newest) const {
  std::lock_guard lock(state_mutex_);
  nlohmann::json out = nlohmann::json::array();
  for (const std::unique_ptr<Provider>& each : providers_) {
    for (nlohmann::json& call : each->calls(newest)) {
      out.push_back(std::move(call));
    }
  }
  return out;
}

bool Engine::waitForWebhooks(Millis timeout) const { return webhooks_->waitIdle(timeout); }

void Engine::setInputLog(InputLog* log) {
  std::unique_lock lock(input_log_mutex_);
  input_log_ = log;
  std::lock_guard turn(turn_mutex_);
  next_turn_ = 1;  // a log numbers its tickets from 1
}

void Engine::beginReplay() {
  if (!replaying_.exchange(true)) {
    webhooks_->setMuted(true);
    driver_->setPaused(true);
  }
}

void Engine::replay(const RecordedInput& input) {
  beginReplay();
  JournalEntry unused;
  std::lock_guard applying(apply_mutex_);
  if (input.kind == RecordedInput::Kind::AdvanceTo) {
    applyAt(input.at, nullptr, unused);
  } else {
    auto request = requestFor(input.method, input.target, input.body);
    HttpRequest& replayed = request.value();  // requestFor flags a malformed query, never fails
    replayed.path = input.path;
    replayed.headers = input.headers;
    if (const auto host = replayed.header("Host")) {
      replayed.host = *host;
    }
    applyAt(input.at, &replayed, unused);
  }
  ++inputs_applied_;
}

void Engine::finishReplay(std::vector<Delivery> webhooks, uint64_t next_webhook_id) {
  webhooks_->restoreLog(std::move(webhooks), next_webhook_id);
  webhooks_->setMuted(false);
  clock_.release();
  replaying_ = false;
  driver_->setPaused(false);
}

nlohmann::json Engine::digestedClockLocked() const {
  nlohmann::json clock = {{"now", formatIso8601Millis(clock_.committedNow())},
                          {"pending_timers", nlohmann::json::array()}};
  for (const PendingTimer& timer : clock_.pendingTimers()) {
    // Webhook retries wait on the clock too, but they are delivery, not state: a replay sends
    // nothing and so schedules none.
    if (timer.label.rfind(kWebhookRetryLabel, 0) != 0) {
      clock["pending_timers"].push_back({formatIso8601Millis(timer.due), timer.label});
    }
  }
  return clock;
}

std::string Engine::stateDigestLocked() const {
  if (digest_generation_ != changes_.generation()) {
    resource_digest_.clear();
    digest_generation_ = changes_.generation();
    digest_cursor_ = 0;
  }
  for (const ChangeFeed::Change& change : changes_.since(digest_cursor_, SIZE_MAX)) {
    const nlohmann::json item = provider(change.provider)->dumpItem(change.collection, change.id);
    const std::string text = item.is_null() ? "" : jsonText(item);
    resource_digest_.set(change.provider, change.collection, change.id,
                         item.is_null() ? nullptr : &text);
  }
  digest_cursor_ = changes_.last();
  return crypto::sha256Hex(
      jsonText({{"resources", resource_digest_.hex()}, {"clock", digestedClockLocked()}}));
}

std::string Engine::wholeStateDigestLocked() const {
  nlohmann::json digested = stateLocked();
  digested["clock"] = digestedClockLocked();
  return crypto::sha256Hex(jsonText(digested));
}

std::string Engine::stateDigest() const {
  std::lock_guard lock(state_mutex_);
  return stateDigestLocked();
}

std::string Engine::wholeStateDigest() const {
  std::lock_guard lock(state_mutex_);
  return wholeStateDigestLocked();
}

DurableSnapshot Engine::snapshot() {
  DurableSnapshot out;
  {
    std::lock_guard applying(apply_mutex_);
    std::lock_guard state(state_mutex_);
    out.inputs_applied = inputs_applied_;
    out.state_digest = stateDigestLocked();
    out.now = clock_.committedNow();
    out.mode = clock_.mode();
    out.webhooks = webhooks_->log();
    out.next_webhook_id = webhooks_->nextId();
  }
  return out;
}

}  // namespace hnemu
