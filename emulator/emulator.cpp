#include "emulator.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>

#include <nlohmann/json.hpp>

#include "control/control_api.h"
#include "control/world.h"
#include "core/crypto.h"
#include "core/json_text.h"
#include "providers/bandwidth/routes.h"
#include "providers/telnyx/routes.h"
#include "providers/twilio/routes.h"
#include "server/httplib_server.h"

namespace hnemu {
namespace {

constexpr std::string_view kControlPrefix = "/__hnemu";
// A multipart upload's boundaries and part headers, on top of the document itself.
constexpr size_t kMultipartAllowance = 64 * 1024;

HttpResponse genericNotFound(const std::string& path) {
  nlohmann::json body = {{"error", "no route for " + path}};
  return HttpResponse::json(404, jsonText(body));
}

}  // namespace

Emulator::Emulator(EmulatorOptions options)
    : options_(std::move(options)),
      clock_(options_.start_time, options_.clock_mode),
      ids_(options_.seed),
      journal_(options_.journal_capacity) {
  std::shared_ptr<WebhookTransport> transport = options_.webhook_transport;
  if (!transport) {
    transport = std::make_shared<HttplibWebhookTransport>();
  }
  webhooks_ = std::make_unique<WebhookDispatcher>(clock_, transport, options_.webhook_log_capacity);
  webhooks_->setIdleListener([this] { wakeDriver(); });
  webhooks_->capTimeouts(options_.webhook_timeout_cap);
  ProviderContext context{clock_,
                          ids_,
                          *webhooks_,
                          options_.max_body_bytes,
                          options_.max_upload_bytes,
                          options_.max_numbers_per_order};
  twilio_ = std::make_unique<twilio::TwilioProvider>(context);
  twilio_->registerRoutes(router_);
  if (options_.default_accounts) {
    const Status added =
        twilio_->model().addAccount(twilio::Account{std::string(kDefaultTwilioAccountSid),
                                                    std::string(kDefaultTwilioAuthToken),
                                                    "hnemu default",
                                                    {}});
    (void)added;  // the default credentials are well-formed by construction
  }
  telnyx_ = std::make_unique<telnyx::TelnyxProvider>(context);
  telnyx_->registerRoutes(router_);
  if (options_.default_accounts) {
    telnyx_->model().world().accounts.push_back(
        telnyx::Account{std::string(telnyx::kDefaultApiKey), std::string(telnyx::kDefaultUserId),
                        "hnemu default", telnyx::Billing::Ok});
  }
  bandwidth_ = std::make_unique<bandwidth::BandwidthProvider>(context);
  bandwidth_->registerRoutes(router_);
  if (options_.default_accounts) {
    bandwidth_->model().world().accounts.push_back(bandwidth::Account{
        std::string(bandwidth::kDefaultAccountId), std::string(bandwidth::kDefaultUsername),
        std::string(bandwidth::kDefaultPassword), true});
  }
  control_ = std::make_unique<ControlApi>(*this);
  driver_ = std::thread([this] { driveClock(); });
}

Emulator::~Emulator() {
  stop();
  {
    std::lock_guard lock(driver_mutex_);
    driver_stopping_ = true;
  }
  driver_cv_.notify_all();
  if (driver_.joinable()) {
    driver_.join();
  }
  webhooks_->stop();
}

bool isLoopbackHost(const std::string& host) {
  // What the name resolves to, not how it is spelled: "127.evil.test" is not loopback.
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (host.empty() || getaddrinfo(host.c_str(), nullptr, &hints, &found) != 0) {
    return false;
  }
  bool loopback = found != nullptr;
  for (const addrinfo* each = found; each != nullptr; each = each->ai_next) {
    if (each->ai_family == AF_INET) {
      const auto* v4 = reinterpret_cast<const sockaddr_in*>(each->ai_addr);
      loopback = loopback && (ntohl(v4->sin_addr.s_addr) >> 24) == 127;
    } else if (each->ai_family == AF_INET6) {
      const auto* v6 = reinterpret_cast<const sockaddr_in6*>(each->ai_addr);
      loopback = loopback && IN6_IS_ADDR_LOOPBACK(&v6->sin6_addr);
    } else {
      loopback = false;
    }
  }
  freeaddrinfo(found);
  return loopback;
}

Result<int> Emulator::start() {
  if (server_) {
    return makeError(ErrorCode::FailedPrecondition, "already started");
  }
  if (!options_.allow_remote && !isLoopbackHost(options_.host)) {
    return makeError(ErrorCode::FailedPrecondition,
                     "refusing to bind " + options_.host +
                         ": not a loopback address, and the emulator accepts well-known test "
                         "credentials; pass --allow-remote to serve the network anyway");
  }
  ServerLimits limits;
  // Chunked bodies have no length to judge up front: read up to the largest any route takes.
  limits.max_payload_bytes =
      std::max({options_.max_body_bytes, options_.max_upload_bytes, kMaxControlBodyBytes}) +
      kMultipartAllowance;
  auto server =
      std::make_unique<HttpServer>([this](HttpRequest& request) { return handle(request); },
                                   [this](const std::string& path, int status) {
                                     HttpRequest request;
                                     request.path = path;
                                     return errorFor(status, request);
                                   },
                                   [this](const HttpRequest& head, uint64_t content_length) {
                                     return refuseBeforeBody(head, content_length);
                                   },
                                   limits);
  auto bound = server->bind(options_.host, options_.port);
  if (!bound.ok()) {
    return bound.error();
  }
  options_.port = bound.value();
  server->serveInBackground();
  server_ = std::move(server);
  return bound.value();
}

void Emulator::stop() {
  if (server_) {
    server_->stop();
    server_.reset();
  }
}

std::string Emulator::url() const {
  return "http://" + options_.host + ":" + std::to_string(options_.port);
}

int Emulator::port() const { return options_.port; }

twilio::Model& Emulator::modelOf(twilio::World*) { return twilio_->model(); }

telnyx::Model& Emulator::modelOf(telnyx::World*) { return telnyx_->model(); }

bandwidth::Model& Emulator::modelOf(bandwidth::World*) { return bandwidth_->model(); }

const Provider* Emulator::provider(std::string_view name) const {
  if (name == "twilio") {
    return twilio_.get();
  }
  if (name == "telnyx") {
    return telnyx_.get();
  }
  if (name == "bandwidth") {
    return bandwidth_.get();
  }
  return nullptr;
}

bool Emulator::isControl(const HttpRequest& request) {
  return request.path.compare(0, kControlPrefix.size(), kControlPrefix) == 0;
}

// Errors raised before a route runs (an oversized head or body, a broken request line) get the
// error shape of whoever owns the path: the control API, a provider, or Twilio by default.
HttpResponse Emulator::errorFor(int status, const HttpRequest& request) const {
  if (isControl(request)) {
    return control_->errorForStatus(status);
  }
  std::string owner = "twilio";
  router_.fallbackFor(request.path, &owner);
  return provider(owner)->errorForStatus(status, request);
}

std::optional<HttpResponse> Emulator::refuseBeforeBody(const HttpRequest& head,
                                                       uint64_t content_length) const {
  if (isControl(head)) {
    if (content_length > kMaxControlBodyBytes) {
      return control_->errorForStatus(413);
    }
    return std::nullopt;
  }
  HttpRequest matched = head;
  std::string owner = router_.match(matched).provider;
  if (owner.empty()) {
    owner = "twilio";
    router_.fallbackFor(head.path, &owner);
  }
  const Provider* const answering = provider(owner);
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
RecordedInput recordedRequest(const HttpRequest& request, bool control) {
  RecordedInput input;
  input.kind = RecordedInput::Kind::Request;
  input.method = request.method;
  input.target = request.raw_target;
  input.path = request.path;
  for (const auto& [name, value] : request.headers) {
    if (control && (iequals(name, "Authorization") || iequals(name, "X-Hnemu-Admin-Token"))) {
      continue;
    }
    input.headers.emplace(name, value);
  }
  input.body = request.body;
  return input;
}

}  // namespace

HttpResponse Emulator::handle(HttpRequest& request) {
  {
    std::lock_guard lock(driver_mutex_);
    ++in_flight_;
  }
  const auto started = std::chrono::steady_clock::now();
  const bool control = isControl(request);
  JournalEntry entry;
  HttpResponse response;
  std::shared_lock using_log(input_log_mutex_);
  InputLog* const input_log = input_log_;
  if (auto refused = control ? control_->refusal(request) : std::nullopt) {
    response = std::move(*refused);
  } else {
    if (control) {
      control_->inlineScenarioFile(request);
    }
    if (input_log != nullptr && changesState(request)) {
      response = applyDurably(*input_log, recordedRequest(request, control), &request, entry);
    } else {
      // In a durable run a read must not use up a fault unrecorded: it leaves it for the next.
      response = dispatch(request, entry, input_log == nullptr);
    }
  }
  using_log.unlock();
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
  {
    std::lock_guard lock(driver_mutex_);
    --in_flight_;
    last_activity_ = std::chrono::steady_clock::now();
  }
  driver_cv_.notify_all();
  return response;
}

bool Emulator::changesState(HttpRequest& request) const {
  if (!isRead(request.method)) {
    return true;
  }
  if (isControl(request)) {
    return false;  // the control API's reads have no side effects
  }
  const RouteMatch match = router_.match(request);
  return match.handler != nullptr && faults_.matches(match.provider, request.method, request.path);
}

HttpResponse Emulator::applyDurably(InputLog& log, RecordedInput input, HttpRequest* request,
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

HttpResponse Emulator::applyAt(TimePoint at, HttpRequest* request, JournalEntry& entry) {
  {
    std::lock_guard state(state_mutex_);
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

void Emulator::step(TimePoint at) {
  std::shared_lock using_log(input_log_mutex_);
  if (InputLog* input_log = input_log_) {
    RecordedInput input;
    input.kind = RecordedInput::Kind::AdvanceTo;
    input.at = at;
    JournalEntry unused;
    (void)applyDurably(*input_log, std::move(input), nullptr, unused);
    return;
  }
  std::lock_guard state(state_mutex_);
  if (at > clock_.now()) {
    (void)clock_.advanceTo(at);
  } else {
    clock_.advance(Millis(0));  // fires what the wall clock made due (realtime)
  }
}

HttpResponse Emulator::dispatch(HttpRequest& request, JournalEntry& entry, bool faults_allowed) {
  if (isControl(request)) {
    return control_->handle(request);
  }
  std::lock_guard lock(state_mutex_);
  const RouteMatch match = router_.match(request);
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
        clock_.advance(fault->latency);  // the state lock is held, as timers expect
      }
      if (fault->drop_connection) {
        HttpResponse dropped = HttpResponse::empty(200);
        dropped.drop_connection = true;
        return dropped;
      }
      if (fault->status != 0) {
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
  if (const Handler* fallback = router_.fallbackFor(request.path, &provider)) {
    entry.provider = provider;
    return (*fallback)(request);
  }
  return genericNotFound(request.path);
}

size_t Emulator::advance(Millis by) {
  size_t fired = 0;
  {
    std::lock_guard lock(state_mutex_);
    fired = clock_.advance(by);
  }
  wakeDriver();
  return fired;
}

Result<size_t> Emulator::advanceTo(TimePoint target) {
  Result<size_t> fired = size_t{0};
  {
    std::lock_guard lock(state_mutex_);
    fired = clock_.advanceTo(target);
  }
  wakeDriver();
  return fired;
}

size_t Emulator::fireNextTimer() {
  size_t fired = 0;
  {
    std::lock_guard lock(state_mutex_);
    fired = clock_.fireNext();
  }
  wakeDriver();
  return fired;
}

void Emulator::setClockMode(ClockMode mode) {
  clock_.setMode(mode);
  wakeDriver();
}

TimePoint Emulator::now() const { return clock_.now(); }

void Emulator::reset(std::optional<uint64_t> seed) {
  {
    std::lock_guard lock(state_mutex_);
    webhooks_->clear();
    clock_.reset(options_.start_time);
    ids_.reseed(seed.value_or(ids_.seed()));
    twilio_->reset();
    telnyx_->reset();
    bandwidth_->reset();
    journal_.clear();
    faults_.clear();
    for (const FaultRule& rule : world_faults_) {
      faults_.add(rule);
    }
    webhooks_->tamperSignatures(world_tamper_webhooks_);
  }
  wakeDriver();
}

void Emulator::loadScenario(Scenario scenario) { control_->load(std::move(scenario)); }

void Emulator::loadWorld(const WorldFile& world) {
  {
    std::lock_guard lock(state_mutex_);
    if (world.start) {
      options_.start_time = *world.start;
    }
    if (world.twilio) {
      twilio::World& current = twilio_->model().world();
      std::vector<twilio::Account> accounts =
          world.twilio_accounts_given ? world.twilio->accounts : current.accounts;
      current = *world.twilio;
      current.accounts = std::move(accounts);
    }
    if (world.telnyx) {
      telnyx::World& current = telnyx_->model().world();
      std::vector<telnyx::Account> accounts =
          world.telnyx_accounts_given ? world.telnyx->accounts : current.accounts;
      current = *world.telnyx;
      current.accounts = std::move(accounts);
      // A profile that names no account belongs to the first one.
      for (telnyx::MessagingProfile& profile : current.profiles) {
        if (profile.user_id.empty() && !current.accounts.empty()) {
          profile.user_id = current.accounts.front().user_id;
        }
      }
    }
    telnyx_->setSigningSeed(world.telnyx_signing_seed);
    world_faults_ = world.faults;
    world_tamper_webhooks_ = world.tamper_webhooks;
    if (world.bandwidth) {
      bandwidth::World& current = bandwidth_->model().world();
      std::vector<bandwidth::Account> accounts =
          world.bandwidth_accounts_given ? world.bandwidth->accounts : current.accounts;
      current = *world.bandwidth;
      current.accounts = std::move(accounts);
    }
  }
  if (world.auto_quiet) {
    std::lock_guard lock(driver_mutex_);
    options_.auto_quiet = *world.auto_quiet;
  }
  reset(world.seed);
  if (world.clock) {
    setClockMode(*world.clock);
  }
}

nlohmann::json Emulator::state() const {
  std::lock_guard lock(state_mutex_);
  return stateLocked();
}

nlohmann::json Emulator::stateLocked() const {
  nlohmann::json out;
  out["clock"] = {{"now", formatIso8601Millis(clock_.now())},
                  {"mode", clockModeName(clock_.mode())}};
  twilio_->dumpState(out["twilio"]);
  telnyx_->dumpState(out["telnyx"]);
  bandwidth_->dumpState(out["bandwidth"]);
  return out;
}

std::vector<std::pair<std::string, StateMachine>> Emulator::stateMachines() const {
  std::vector<std::pair<std::string, StateMachine>> out;
  for (const Provider* each : {provider("twilio"), provider("telnyx"), provider("bandwidth")}) {
    for (StateMachine& machine : each->stateMachines()) {
      out.emplace_back(std::string(each->name()), std::move(machine));
    }
  }
  return out;
}

nlohmann::json Emulator::inbox(const std::optional<std::string>& number) const {
  std::lock_guard lock(state_mutex_);
  nlohmann::json out;
  telnyx_->dumpInbox(out, number);
  return out;
}

nlohmann::json Emulator::calls() const {
  std::lock_guard lock(state_mutex_);
  nlohmann::json out;
  twilio_->dumpCalls(out);
  return out;
}

bool Emulator::waitForWebhooks(Millis timeout) const { return webhooks_->waitIdle(timeout); }

void Emulator::wakeDriver() {
  {
    std::lock_guard lock(driver_mutex_);
    last_activity_ = std::chrono::steady_clock::now();
  }
  driver_cv_.notify_all();
}

// Moves the clock by itself in auto mode (once nothing has been in flight for auto_quiet, jump to
// the next timer) and in realtime mode (fire timers as the wall clock reaches them). Manual mode
// leaves it alone. Each step is an input of its own, recorded like a request.
void Emulator::driveClock() {
  std::unique_lock lock(driver_mutex_);
  while (!driver_stopping_) {
    if (replaying_) {
      driver_cv_.wait_for(lock, Millis(100));
      continue;
    }
    const ClockMode mode = clock_.mode();
    const auto next_due = clock_.nextDue();
    if (mode == ClockMode::Auto && next_due && in_flight_ == 0 && webhooks_->idle()) {
      const auto quiet_until = last_activity_ + options_.auto_quiet;
      if (std::chrono::steady_clock::now() < quiet_until) {
        driver_cv_.wait_until(lock, quiet_until);
        continue;
      }
      lock.unlock();
      step(*next_due);
      lock.lock();
      last_activity_ = std::chrono::steady_clock::now();  // the client gets a turn after each step
      continue;
    }
    if (mode == ClockMode::Realtime && next_due) {
      const TimePoint now = clock_.now();
      if (*next_due <= now) {
        lock.unlock();
        step(now);
        lock.lock();
        continue;
      }
      driver_cv_.wait_for(lock, std::min<Millis>(*next_due - now, Millis(100)));
      continue;
    }
    // Bounded wait: a timer scheduled from another thread is noticed even without a wake-up.
    driver_cv_.wait_for(lock, Millis(100));
  }
}

void Emulator::setInputLog(InputLog* log) {
  std::unique_lock lock(input_log_mutex_);
  input_log_ = log;
}

void Emulator::replay(const RecordedInput& input) {
  if (!replaying_.exchange(true)) {
    webhooks_->setMuted(true);
  }
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

void Emulator::finishReplay(std::vector<Delivery> webhooks, uint64_t next_webhook_id) {
  webhooks_->restoreLog(std::move(webhooks), next_webhook_id);
  webhooks_->setMuted(false);
  clock_.release();
  replaying_ = false;
  wakeDriver();
}

std::string Emulator::stateDigestLocked() const {
  nlohmann::json digested = stateLocked();
  digested["clock"].erase("mode");  // the clock's mode is not state
  nlohmann::json& timers = digested["clock"]["pending_timers"];
  timers = nlohmann::json::array();
  for (const PendingTimer& timer : clock_.pendingTimers()) {
    // Webhook retries wait on the clock too, but they are delivery, not state: a replay sends
    // nothing and so schedules none.
    if (timer.label.rfind(kWebhookRetryLabel, 0) != 0) {
      timers.push_back({formatIso8601Millis(timer.due), timer.label});
    }
  }
  return crypto::sha256Hex(jsonText(digested));
}

std::string Emulator::stateDigest() const {
  std::lock_guard lock(state_mutex_);
  return stateDigestLocked();
}

DurableSnapshot Emulator::snapshot() {
  DurableSnapshot out;
  {
    std::lock_guard applying(apply_mutex_);
    std::lock_guard state(state_mutex_);
    out.inputs_applied = inputs_applied_;
    out.state_digest = stateDigestLocked();
    out.now = clock_.now();
    out.mode = clock_.mode();
    out.webhooks = webhooks_->log();
    out.next_webhook_id = webhooks_->nextId();
  }
  return out;
}

}  // namespace hnemu
