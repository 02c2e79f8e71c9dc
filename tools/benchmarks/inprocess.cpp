// In-process costs of hnemu::Emulator, for tools/bench (one JSON object per line on stdout):
//   start_stop  construct, start on port 0 and stop; alone, and with a keep-alive client
//   flow        complete Twilio order lifecycles (create to completed) through handle() and the
//               control API's clock, per second
//   scaling     fetch and list (PageSize=50) with 10, 10k and 100k orders stored
//   store [N]   with 100, 10k and 100k (or N) orders stored: a create saved by --state, a
//               5,000-number Telnyx order (created, then fetched), the console's poll (one change
//               since its cursor) beside a full GET /__hnemu/state, a webhook enqueue behind a
//               receiver that never answers, and the --state snapshot: taken, and a restart from it
//               beside a replay of the history
//   session     1,000 orders updated 100,000 times: the --state file with and without
//               compaction, and a restart from each
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/webhooks.h"
#include "emulator.h"
#include "providers/telnyx/kind.h"
#include "providers/twilio/kind.h"
#include "state/state_file.h"

using hnemu::Emulator;
using hnemu::HttpRequest;
using hnemu::HttpResponse;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

double microsSince(Clock::time_point start) {
  return std::chrono::duration<double, std::micro>(Clock::now() - start).count();
}

json summary(std::vector<double> micros) {
  std::sort(micros.begin(), micros.end());
  double total = 0;
  for (double value : micros) {
    total += value;
  }
  const auto at = [&](double q) {
    return micros[std::min(micros.size() - 1, static_cast<size_t>(q * micros.size()))];
  };
  return json{{"n", micros.size()},
              {"mean_us", total / micros.size()},
              {"p50_us", at(0.50)},
              {"p99_us", at(0.99)},
              {"max_us", micros.back()}};
}

long residentKiB() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) {
      return std::stol(line.substr(6));
    }
  }
  return -1;
}

const std::string kAuth =
    hnemu::basicAuthorization(hnemu::twilio::kDefaultAccountSid, hnemu::twilio::kDefaultAuthToken);

HttpResponse call(Emulator& emulator, const std::string& method, const std::string& target,
                  const std::string& body = "", const std::string& authorization = kAuth) {
  auto made = hnemu::requestFor(method, target, body);
  if (!made.ok()) {
    throw std::runtime_error(target + ": " + made.error().message);
  }
  HttpRequest& request = made.value();
  request.host = "127.0.0.1:1";
  request.headers.emplace("Host", request.host);
  if (!body.empty()) {
    request.headers.emplace("Content-Type", request.path.rfind("/__hnemu", 0) == 0 ||
                                                    request.path.rfind("/v2/messaging", 0) == 0
                                                ? "application/json"
                                                : "application/x-www-form-urlencoded");
  }
  request.headers.emplace("Authorization", authorization);
  return emulator.handle(request);
}

std::string phoneNumber(size_t i) { return "%2B1415" + std::to_string(2000000 + i); }

std::string createOrder(Emulator& emulator, size_t i) {
  const HttpResponse created =
      call(emulator, "POST", "/v2/HostedNumber/Orders",
           "PhoneNumber=" + phoneNumber(i) +
               "&ContactPhoneNumber=%2B12344444444&AddressSid=AD11111111111111111111111111111111"
               "&Email=owner%40example.com");
  if (created.status != 201) {
    throw std::runtime_error("create answered " + std::to_string(created.status) + ": " +
                             created.body);
  }
  return json::parse(created.body)["sid"];
}

void expectStatus(Emulator& emulator, const std::string& sid, const std::string& status) {
  const HttpResponse fetched = call(emulator, "GET", "/v2/HostedNumber/Orders/" + sid);
  const std::string actual = json::parse(fetched.body).value("status", "");
  if (actual != status) {
    throw std::runtime_error(sid + " is " + actual + ", expected " + status);
  }
}

json startStop(int rounds) {
  std::vector<double> alone;
  std::vector<double> construct;
  std::vector<double> start_only;
  std::vector<double> stop_only;
  std::vector<double> with_client;
  for (int i = 0; i < rounds; ++i) {
    auto start = Clock::now();
    {
      auto step = Clock::now();
      Emulator emulator;
      construct.push_back(microsSince(step));
      step = Clock::now();
      if (!emulator.start().ok()) {
        throw std::runtime_error("cannot start");
      }
      start_only.push_back(microsSince(step));
      step = Clock::now();
      emulator.stop();
      stop_only.push_back(microsSince(step));
    }
    alone.push_back(microsSince(start));

    start = Clock::now();
    {
      Emulator emulator;
      const int port = emulator.start().value();
      httplib::Client client("127.0.0.1", port);
      client.set_keep_alive(true);  // the connection stays open, idle, while the emulator stops
      if (!client.Get("/__hnemu/health")) {
        throw std::runtime_error("no answer");
      }
      emulator.stop();
    }
    with_client.push_back(microsSince(start));
  }
  return json{{"bench", "start_stop"},           {"alone", summary(alone)},
              {"construct", summary(construct)}, {"start", summary(start_only)},
              {"stop", summary(stop_only)},      {"with_keep_alive_client", summary(with_client)}};
}

json flows(int count) {
  Emulator emulator;
  const auto start = Clock::now();
  for (int i = 0; i < count; ++i) {
    const std::string sid = createOrder(emulator, static_cast<size_t>(i));
    call(emulator, "POST", "/__hnemu/clock", R"({"advance":"1m"})");
    call(emulator, "POST", "/v2/HostedNumber/Orders/" + sid, "Status=pending-verification");
    call(emulator, "POST", "/__hnemu/clock", R"({"advance":"1m"})");
    expectStatus(emulator, sid, "verified");
    call(emulator, "POST", "/v2/HostedNumber/AuthorizationDocuments",
         "AddressSid=AD11111111111111111111111111111111&Email=owner%40example.com"
         "&ContactPhoneNumber=%2B12344444444&HostedNumberOrderSids=" +
             sid);
    call(emulator, "POST", "/__hnemu/clock", R"({"advance":"3d"})");
    expectStatus(emulator, sid, "completed");
  }
  const double seconds = microsSince(start) / 1e6;
  return json{{"bench", "flow"},
              {"flows", count},
              {"seconds", seconds},
              {"flows_per_second", count / seconds},
              {"requests_per_flow", 9}};
}

json scaling(size_t stored) {
  Emulator emulator;
  std::string middle;
  for (size_t i = 0; i < stored; ++i) {
    const std::string sid = createOrder(emulator, i);
    if (i == stored / 2) {
      middle = sid;
    }
  }
  std::vector<double> fetch;
  for (int i = 0; i < 5000; ++i) {
    const auto start = Clock::now();
    const HttpResponse fetched = call(emulator, "GET", "/v2/HostedNumber/Orders/" + middle);
    fetch.push_back(microsSince(start));
    if (fetched.status != 200) {
      throw std::runtime_error("fetch answered " + std::to_string(fetched.status));
    }
  }
  std::vector<double> list;
  size_t page_items = 0;
  for (int i = 0; i < 500; ++i) {
    const auto start = Clock::now();
    const HttpResponse listed = call(emulator, "GET", "/v2/HostedNumber/Orders?PageSize=50");
    list.push_back(microsSince(start));
    if (listed.status != 200) {
      throw std::runtime_error("list answered " + std::to_string(listed.status));
    }
    page_items = json::parse(listed.body)["items"].size();
  }
  return json{{"bench", "scaling"},       {"stored", stored},
              {"fetch", summary(fetch)},  {"list_page_50", summary(list)},
              {"page_items", page_items}, {"rss_kib", residentKiB()}};
}

// The phone numbers of a Telnyx order of `count` numbers from +1312{first}.
json telnyxNumbers(size_t first, size_t count) {
  json numbers = json::array();
  for (size_t i = 0; i < count; ++i) {
    numbers.push_back("+1312" + std::to_string(2000000 + first + i));
  }
  return numbers;
}

// A Telnyx order of `count` numbers, from +1312{first}: its create's time in microseconds (and
// its id in `id`, when given).
double telnyxOrder(Emulator& emulator, size_t first, size_t count, std::string* id = nullptr) {
  const json numbers = telnyxNumbers(first, count);
  const std::string body = json{{"phone_numbers", numbers}}.dump();
  const auto start = Clock::now();
  const HttpResponse created = call(emulator, "POST", "/v2/messaging_hosted_number_orders", body,
                                    "Bearer " + std::string(hnemu::telnyx::kDefaultApiKey));
  const double micros = microsSince(start);
  if (created.status != 200) {
    throw std::runtime_error("telnyx create answered " + std::to_string(created.status) + ": " +
                             created.body.substr(0, 300));
  }
  if (id != nullptr) {
    *id = json::parse(created.body)["data"]["id"];
  }
  return micros;
}

// A client polling a Telnyx order of `numbers`: after each change (a code requested for one of
// its numbers) the first fetch encodes the order, the next finds its kept answer.
json telnyxFetches(Emulator& emulator, const std::string& id, const json& numbers) {
  const std::string order = "/v2/messaging_hosted_number_orders/" + id;
  const std::string key = "Bearer " + std::string(hnemu::telnyx::kDefaultApiKey);
  std::vector<double> encoded;
  std::vector<double> kept;
  for (size_t i = 0; i < 10; ++i) {
    const HttpResponse requested =
        call(emulator, "POST", order + "/verification_codes",
             json{{"phone_numbers", {numbers.at(i)}}, {"verification_method", "sms"}}.dump(), key);
    if (requested.status != 200) {
      throw std::runtime_error("telnyx codes answered " + std::to_string(requested.status) + ": " +
                               requested.body.substr(0, 300));
    }
    for (std::vector<double>* fetches : {&encoded, &kept}) {
      const auto start = Clock::now();
      const HttpResponse fetched = call(emulator, "GET", order, "", key);
      fetches->push_back(microsSince(start));
      if (fetched.status != 200) {
        throw std::runtime_error("telnyx fetch answered " + std::to_string(fetched.status));
      }
    }
  }
  return {{"encoded", summary(encoded)}, {"kept", summary(kept)}};
}

// Holds every send until the bench ends: a receiver that accepts and never answers.
class SilentTransport : public hnemu::WebhookTransport {
 public:
  hnemu::TransportResult send(const hnemu::OutgoingRequest&, hnemu::Millis,
                              hnemu::Millis) override {
    std::unique_lock lock(mutex_);
    released_.wait(lock, [this] { return cancelled_; });
    return hnemu::TransportResult{false, 0, "", "cancelled"};
  }
  void cancelAll() override {
    std::lock_guard lock(mutex_);
    cancelled_ = true;
    released_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable released_;
  bool cancelled_ = false;
};

// Enqueue cost with `waiting` deliveries already queued for a receiver that never answers.
json webhookQueue(size_t waiting) {
  hnemu::Clock clock(hnemu::TimePoint{});
  auto transport = std::make_shared<SilentTransport>();
  hnemu::WebhookDispatcher dispatcher(clock, transport, hnemu::WebhookLimits{});
  hnemu::Webhook webhook;
  webhook.provider = "twilio";
  webhook.url = "http://127.0.0.1:9/callback";
  webhook.body = std::string(300, 'x');
  for (size_t i = 0; i < waiting; ++i) {
    dispatcher.enqueue(webhook);
  }
  std::vector<double> enqueue;
  for (int i = 0; i < 2000; ++i) {
    const auto start = Clock::now();
    dispatcher.enqueue(webhook);
    enqueue.push_back(microsSince(start));
  }
  const hnemu::WebhookCounts counts = dispatcher.counts();
  json out{{"enqueue", summary(enqueue)}, {"queued", counts.queued}, {"dropped", counts.dropped}};
  dispatcher.stop();
  return out;
}

json controlRead(Emulator& emulator, const std::string& target) {
  const HttpResponse answered = call(emulator, "GET", target);
  if (answered.status != 200) {
    throw std::runtime_error(target + " answered " + std::to_string(answered.status) + ": " +
                             answered.body.substr(0, 300));
  }
  return json::parse(answered.body);
}

// Keeps the inputs in memory, as a --state file would hold them (saved at once).
class History : public hnemu::InputLog {
 public:
  uint64_t append(const hnemu::RecordedInput& input) override {
    inputs.push_back(input);
    return inputs.size();
  }
  bool waitSaved(uint64_t) override { return true; }
  std::vector<hnemu::RecordedInput> inputs;
};

json store(size_t stored, const std::string& work) {
  Emulator emulator;
  History history;
  emulator.setInputLog(&history);
  std::string first_sid;
  for (size_t i = 0; i < stored; ++i) {
    const std::string sid = createOrder(emulator, i);
    if (i == 0) {
      first_sid = sid;
    }
  }
  // Telnyx numbers stored in orders of up to 5,000, as many as the Twilio orders.
  for (size_t first = 0; first < stored; first += 5000) {
    telnyxOrder(emulator, first, std::min<size_t>(5000, stored - first));
  }
  emulator.setInputLog(nullptr);

  // Compaction: the snapshot of what is stored, with the digest up to date as a --state run's
  // checkpoints keep it, while a client fetches an order (its longest wait is the time the
  // snapshot holds the state lock); then a restart from it beside a restart that replays the
  // history that stored it.
  (void)emulator.stateDigest();
  std::optional<hnemu::SavedState> snapshot;
  double snapshot_taken = 0;
  std::atomic<bool> taken{false};
  std::thread saver([&] {
    const auto start = Clock::now();
    snapshot = emulator.saveState(0);
    snapshot_taken = microsSince(start);
    taken = true;
  });
  double longest_fetch = 0;
  while (!taken) {
    const auto start = Clock::now();
    call(emulator, "GET", "/v2/HostedNumber/Orders/" + first_sid);
    longest_fetch = std::max(longest_fetch, microsSince(start));
  }
  saver.join();
  if (!snapshot) {
    throw std::runtime_error("the state could not be saved");
  }
  double snapshot_restart = 0;
  {
    Emulator restarted;
    const auto started = Clock::now();
    if (!restarted.restoreState(snapshot->cbor, 0).ok()) {
      throw std::runtime_error("the snapshot did not restore");
    }
    restarted.finishReplay(snapshot->checkpoint.webhooks, snapshot->checkpoint.next_webhook_id);
    snapshot_restart = microsSince(started);
    if (restarted.stateDigest() != snapshot->checkpoint.state_digest) {
      throw std::runtime_error("the snapshot restored to another state");
    }
  }
  double replay_restart = 0;
  {
    Emulator replayed;
    const auto started = Clock::now();
    for (const hnemu::RecordedInput& input : history.inputs) {
      replayed.replay(input);
    }
    replayed.finishReplay({}, 1);
    replay_restart = microsSince(started);
  }
  std::vector<double> telnyx_large;
  std::string telnyx_large_id;
  for (int i = 0; i < 3; ++i) {
    telnyx_large.push_back(telnyxOrder(emulator, 1'000'000 + i * 5000, 5000, &telnyx_large_id));
  }
  const json telnyx_large_fetch =
      telnyxFetches(emulator, telnyx_large_id, telnyxNumbers(1'000'000 + 2 * 5000, 5000));

  // The console: its first read pages through everything, then each poll reads what changed.
  uint64_t cursor = 0;
  const auto first_read = Clock::now();
  for (bool more = true; more;) {
    const json page =
        controlRead(emulator, "/__hnemu/state?since=" + std::to_string(cursor) + "&limit=10000");
    cursor = page["cursor"];
    more = page["more"];
  }
  const double console_first_read = microsSince(first_read);
  std::vector<double> poll;
  for (size_t i = 0; i < 200; ++i) {
    createOrder(emulator, stored + i);
    const auto start = Clock::now();
    const json page =
        json::parse(call(emulator, "GET", "/__hnemu/state?since=" + std::to_string(cursor)).body);
    poll.push_back(microsSince(start));
    cursor = page["cursor"];
  }
  const auto full_start = Clock::now();
  const size_t full_bytes = call(emulator, "GET", "/__hnemu/state").body.size();
  const double full_state = microsSince(full_start);

  // A checkpoint's digest: the whole state's (what earlier hnemus computed at every checkpoint)
  // beside the resource digest, first from nothing, then after 1,000 more creates.
  auto started = Clock::now();
  const std::string whole = emulator.wholeStateDigest();
  const double whole_digest = microsSince(started);
  started = Clock::now();
  const std::string cold = emulator.stateDigest();
  const double first_digest = microsSince(started);
  for (size_t i = 0; i < 1000; ++i) {
    createOrder(emulator, stored + 500'000 + i);
  }
  started = Clock::now();
  const std::string warm = emulator.stateDigest();
  const double incremental_digest = microsSince(started);
  if (whole.empty() || cold == warm) {
    throw std::runtime_error("the digest did not follow 1,000 creates");
  }

  // --state: the same creates, each appended and synced before it is answered.
  std::filesystem::create_directories(work);
  const std::string path = work + "/store-" + std::to_string(stored) + ".state";
  std::filesystem::remove(path);
  std::vector<double> saved;
  {
    auto opened = hnemu::StateFile::open(path, emulator, json{{"bench", stored}}, nullptr);
    if (!opened.ok()) {
      throw std::runtime_error("--state: " + opened.error().message);
    }
    for (size_t i = 0; i < 2000; ++i) {
      const auto start = Clock::now();
      createOrder(emulator, stored + 1000 + i);
      saved.push_back(microsSince(start));
    }
  }
  std::filesystem::remove(path);

  return json{{"bench", "store"},
              {"snapshot_taken_us", snapshot_taken},
              {"fetch_longest_during_snapshot_us", longest_fetch},
              {"snapshot_bytes", snapshot->cbor.size()},
              {"restart_from_snapshot_us", snapshot_restart},
              {"restart_by_replay_us", replay_restart},
              {"replayed_inputs", history.inputs.size()},
              {"stored", stored},
              {"state_file_create", summary(saved)},
              {"whole_state_digest_us", whole_digest},
              {"resource_digest_first_us", first_digest},
              {"resource_digest_after_1000_changes_us", incremental_digest},
              {"telnyx_5000_numbers", summary(telnyx_large)},
              {"telnyx_5000_numbers_fetch", telnyx_large_fetch},
              {"console_first_read_us", console_first_read},
              {"console_poll", summary(poll)},
              {"full_state_us", full_state},
              {"full_state_bytes", full_bytes},
              {"webhook_queue", webhookQueue(stored)},
              {"rss_kib", residentKiB()}};
}

// An exploratory session: 1,000 orders changed 100,000 times (each update renames one), the
// history outgrowing the state. Its --state file with and without compaction (the inputs'
// encoded size beside the snapshot's), and a restart from each.
json session() {
  Emulator emulator;
  History history;
  emulator.setInputLog(&history);
  std::vector<std::string> sids;
  for (size_t i = 0; i < 1000; ++i) {
    sids.push_back(createOrder(emulator, i));
  }
  call(emulator, "POST", "/__hnemu/clock", R"({"advance":"1m"})");  // eligibility checked
  for (size_t i = 0; i < 100'000; ++i) {
    const HttpResponse updated =
        call(emulator, "POST", "/v2/HostedNumber/Orders/" + sids[i % sids.size()],
             "Status=received&FriendlyName=name-" + std::to_string(i));
    if (updated.status != 200) {
      throw std::runtime_error("update answered " + std::to_string(updated.status) + ": " +
                               updated.body);
    }
  }
  emulator.setInputLog(nullptr);
  size_t history_bytes = 0;
  for (const hnemu::RecordedInput& input : history.inputs) {
    history_bytes += hnemu::StateFile::encodeInput(input).dump().size() + 34;  // checksum, newline
  }
  (void)emulator.stateDigest();
  const std::optional<hnemu::SavedState> snapshot = emulator.saveState(0);
  if (!snapshot) {
    throw std::runtime_error("the state could not be saved");
  }
  auto started = Clock::now();
  {
    Emulator restarted;
    if (!restarted.restoreState(snapshot->cbor, 0).ok()) {
      throw std::runtime_error("the snapshot did not restore");
    }
    restarted.finishReplay({}, 1);
  }
  const double from_snapshot = microsSince(started);
  started = Clock::now();
  {
    Emulator replayed;
    for (const hnemu::RecordedInput& input : history.inputs) {
      replayed.replay(input);
    }
    replayed.finishReplay({}, 1);
  }
  const double by_replay = microsSince(started);
  return json{{"bench", "session"},
              {"inputs", history.inputs.size()},
              {"history_bytes", history_bytes},
              {"snapshot_bytes", snapshot->cbor.size() * 4 / 3},
              {"restart_from_snapshot_us", from_snapshot},
              {"restart_by_replay_us", by_replay}};
}

}  // namespace

int main(int argc, char** argv) {
  const std::string what = argc > 1 ? argv[1] : "all";
  const std::string work = argc > 2 ? argv[2] : "build/bench/run";
  try {
    if (what == "start_stop" || what == "all") {
      std::cout << startStop(200).dump() << std::endl;
    }
    if (what == "flow" || what == "all") {
      std::cout << flows(2000).dump() << std::endl;
    }
    if (what == "session" || what == "all") {
      std::cout << session().dump() << std::endl;
    }
    if (what == "scaling" || what == "all") {
      for (size_t stored : {size_t{10}, size_t{10'000}, size_t{100'000}}) {
        std::cout << scaling(stored).dump() << std::endl;
      }
    }
    if (what == "store" || what == "all") {
      // One size alone (tools/bench runs each in a fresh process, so that no size reuses the
      // heap another one freed), or all three.
      std::vector<size_t> sizes{100, 10'000, 100'000};
      if (argc > 3) {
        sizes = {static_cast<size_t>(std::stoull(argv[3]))};
      }
      for (size_t stored : sizes) {
        std::cout << store(stored, work).dump() << std::endl;
      }
    }
  } catch (const std::exception& error) {
    std::cerr << "hnemu bench: " << error.what() << "\n";
    return 1;
  }
  return 0;
}
