// hnemu_load: a bounded load test against a real `hnemu serve` on loopback. Many clients create
// and drive orders on all three providers at once while the clock moves and webhooks go to a slow
// receiver (past the providers' timeout), a failing one (500) and one that accepts connections
// and never answers. Afterwards every order is accounted for, every status is part of its
// provider's lifecycle, the journal is consistent, the silent receiver's queue stayed within its
// bound (the rest dropped and counted), and the latency and memory figures are printed. Exit 0
// only if every check held.
#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/http_types.h"
#include "core/wire/form.h"

using nlohmann::json;
using WallClock = std::chrono::steady_clock;

namespace {

struct Options {
  std::string binary;
  int clients = 24;
  std::chrono::milliseconds duration{10000};
  std::chrono::milliseconds latency_bound{2000};
  size_t rss_bound_mib = 512;
};

constexpr const char* kTwilioSid = "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
constexpr const char* kTwilioToken = "your_auth_token";
constexpr const char* kTelnyxKey = "KEYhnemu0000000000000000000000000_default";
constexpr const char* kBandwidthAccount = "9900000";

// A webhook receiver on a port of its own (so each is its own origin, delivered to on its own):
// slow ones answer after longer than the timeout the emulator is started with, failing ones 500.
class Receiver {
 public:
  Receiver(std::chrono::milliseconds delay, int status) {
    server_.Post("/hook", [this, delay, status](const httplib::Request&, httplib::Response& out) {
      ++hits_;
      std::this_thread::sleep_for(delay);  // the receiver's own pace
      out.status = status;
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~Receiver() {
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hook"; }
  int hits() const { return hits_; }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::atomic<int> hits_{0};
};

// Accepts connections and reads them, never answering, as a receiver stuck in a deadlock would.
class SilentReceiver {
 public:
  SilentReceiver() {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
        ::listen(listener_, 64) == 0 &&
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
      port_ = ntohs(address.sin_port);
    }
    thread_ = std::thread([this] {
      for (;;) {
        const int client = ::accept(listener_, nullptr, nullptr);
        if (client < 0) {
          return;
        }
        ++connections_;
        clients_.push_back(client);
        if (clients_.size() > 256) {  // the sender gave up on these long ago
          ::close(clients_.front());
          clients_.erase(clients_.begin());
        }
      }
    });
  }
  ~SilentReceiver() {
    ::shutdown(listener_, SHUT_RDWR);
    thread_.join();
    ::close(listener_);
    for (const int client : clients_) {
      ::close(client);
    }
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hook"; }
  int connections() const { return connections_; }

 private:
  int listener_ = -1;
  int port_ = 0;
  std::vector<int> clients_;
  std::atomic<int> connections_{0};
  std::thread thread_;
};

struct Served {
  pid_t pid = -1;
  int port = 0;
};

Served serve(const std::string& binary) {
  int out[2];
  if (::pipe(out) != 0) {
    return {};
  }
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(out[1], STDOUT_FILENO);
    ::close(out[0]);
    // A small queue per receiver, so that the silent one fills its queue within the run.
    ::execl(binary.c_str(), binary.c_str(), "serve", "--port", "0", "--webhook-timeout", "200ms",
            "--webhook-queue-bytes", "65536", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(out[1]);
  std::string printed;
  char buffer[256];
  while (printed.find("/__hnemu/ui") == std::string::npos) {
    const ssize_t n = ::read(out[0], buffer, sizeof buffer);
    if (n <= 0) {
      break;
    }
    printed.append(buffer, static_cast<size_t>(n));
  }
  ::close(out[0]);
  const size_t at = printed.find("http://127.0.0.1:");
  return {pid, at == std::string::npos ? 0 : std::stoi(printed.substr(at + 17))};
}

// VmHWM: the server's peak resident set, in KiB.
size_t peakRssKib(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) {
      return std::stoul(line.substr(6));
    }
  }
  return 0;
}

struct Tally {
  std::mutex mutex;
  std::vector<double> latencies_ms;
  size_t requests = 0;
  size_t server_errors = 0;     // 5xx
  size_t transport_errors = 0;  // no answer at all
  size_t client_errors = 0;     // 4xx a well-formed client should not get
  std::vector<std::string> first_errors;
  std::map<std::string, std::set<std::string>> created;  // provider -> ids
  size_t duplicate_ids = 0;
};

class LoadClient {
 public:
  LoadClient(int port, Tally& tally) : http_("127.0.0.1", port), tally_(tally) {
    http_.set_keep_alive(true);
    http_.set_connection_timeout(std::chrono::seconds(5));
    http_.set_read_timeout(std::chrono::seconds(30));
  }

  httplib::Result send(const std::string& method, const std::string& path, const std::string& body,
                       const std::string& type, const httplib::Headers& headers,
                       std::initializer_list<int> expected) {
    const auto started = WallClock::now();
    httplib::Result result = method == "GET"    ? http_.Get(path, headers)
                             : method == "POST" ? http_.Post(path, headers, body, type)
                                                : http_.Patch(path, headers, body, type);
    const double ms = std::chrono::duration<double, std::milli>(WallClock::now() - started).count();
    std::lock_guard lock(tally_.mutex);
    ++tally_.requests;
    tally_.latencies_ms.push_back(ms);
    std::string problem;
    if (!result) {
      ++tally_.transport_errors;
      problem = "no answer: " + httplib::to_string(result.error());
    } else if (result->status >= 500) {
      ++tally_.server_errors;
      problem = std::to_string(result->status) + " " + result->body.substr(0, 200);
    } else if (std::find(expected.begin(), expected.end(), result->status) == expected.end()) {
      ++tally_.client_errors;
      problem = std::to_string(result->status) + " " + result->body.substr(0, 200);
    }
    if (!problem.empty() && tally_.first_errors.size() < 5) {
      tally_.first_errors.push_back(method + " " + path + ": " + problem);
    }
    return result;
  }

  void created(const std::string& provider, const std::string& id) {
    std::lock_guard lock(tally_.mutex);
    if (!tally_.created[provider].insert(id).second) {
      ++tally_.duplicate_ids;
    }
  }

 private:
  httplib::Client http_;
  Tally& tally_;
};

std::string basic(const std::string& user, const std::string& password) {
  return hnemu::basicAuthorization(user, password);
}

std::string encode(const std::string& text) { return hnemu::wire::percentEncode(text); }

void twilioRound(LoadClient& client, int n, const std::string& callback) {
  const httplib::Headers auth = {{"Authorization", basic(kTwilioSid, kTwilioToken)}};
  const std::string number = "+1415" + std::to_string(2000000 + n);
  const auto created = client.send(
      "POST", "/v2/HostedNumber/Orders",
      "PhoneNumber=" + encode(number) +
          "&ContactPhoneNumber=%2B12344444444&AddressSid=AD11111111111111111111111111111111"
          "&Email=load%40example.com&StatusCallbackUrl=" +
          encode(callback),
      "application/x-www-form-urlencoded", auth, {201});
  if (!created || created->status != 201) {
    return;
  }
  const std::string sid = json::parse(created->body)["sid"];
  client.created("twilio", sid);
  client.send("GET", "/v2/HostedNumber/Orders/" + sid, "", "", auth, {200});
  client.send("GET", "/v2/HostedNumber/Orders?PhoneNumber=" + encode(number), "", "", auth, {200});
  client.send("GET", "/v2/HostedNumber/Orders?PageSize=20", "", "", auth, {200});
}

void telnyxRound(LoadClient& client, int n, const std::string& profile_id) {
  const httplib::Headers auth = {{"Authorization", std::string("Bearer ") + kTelnyxKey}};
  const std::string number = "+1312" + std::to_string(3000000 + n);
  const auto created =
      client.send("POST", "/v2/messaging_hosted_number_orders",
                  json{{"messaging_profile_id", profile_id}, {"phone_numbers", {number}}}.dump(),
                  "application/json", auth, {200});
  if (!created || created->status != 200) {
    return;
  }
  const std::string id = json::parse(created->body)["data"]["id"];
  client.created("telnyx", id);
  client.send("GET", "/v2/messaging_hosted_number_orders/" + id, "", "", auth, {200});
  client.send("GET", "/v2/messaging_hosted_number_orders?page[size]=20", "", "", auth, {200});
}

void bandwidthRound(LoadClient& client, int n) {
  const httplib::Headers auth = {{"Authorization", basic("hnemu", "hnemu-password")}};
  const std::string base = std::string("/api/accounts/") + kBandwidthAccount;
  const std::string tn = "919" + std::to_string(4000000 + n);
  const auto created = client.send(
      "POST", base + "/importTnOrders",
      "<ImportTnOrder><CustomerOrderId>load-" + std::to_string(n) +
          "</CustomerOrderId><SiteId>222</SiteId><Subscriber><Name>Owner</Name>"
          "<ServiceAddress><HouseNumber>1</HouseNumber><StreetName>Main</StreetName>"
          "<City>Raleigh</City><StateCode>NC</StateCode><Zip>27601</Zip><County>Wake</County>"
          "</ServiceAddress></Subscriber><LoaAuthorizingPerson>Owner</LoaAuthorizingPerson>"
          "<TelephoneNumbers><TelephoneNumber>" +
          tn + "</TelephoneNumber></TelephoneNumbers></ImportTnOrder>",
      "application/xml", auth, {201});
  if (!created || created->status != 201) {
    return;
  }
  const size_t open = created->body.find("<OrderId>");
  const size_t close = created->body.find("</OrderId>");
  if (open == std::string::npos || close == std::string::npos) {
    return;
  }
  const std::string id = created->body.substr(open + 9, close - open - 9);
  client.created("bandwidth", id);
  client.send("GET", base + "/importTnOrders/" + id, "", "", auth, {200});
  client.send("GET", base + "/importTnOrders/" + id + "/history", "", "", auth, {200});
}

double percentile(std::vector<double> values, double p) {
  if (values.empty()) {
    return 0;
  }
  std::sort(values.begin(), values.end());
  const size_t index = std::min(values.size() - 1, static_cast<size_t>(p * values.size()));
  return values[index];
}

int parseArguments(int argc, char** argv, Options& options) {
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (i + 1 >= argc) {
      std::cerr << "hnemu_load: " << flag << " needs a value\n";
      return 2;
    }
    const std::string value = argv[++i];
    if (flag == "--hnemu") {
      options.binary = value;
    } else if (flag == "--clients") {
      options.clients = std::max(1, std::stoi(value));
    } else if (flag == "--seconds") {
      options.duration = std::chrono::milliseconds(static_cast<int>(std::stod(value) * 1000));
    } else if (flag == "--latency-bound-ms") {
      options.latency_bound = std::chrono::milliseconds(std::stoi(value));
    } else if (flag == "--rss-bound-mib") {
      options.rss_bound_mib = std::stoul(value);
    } else {
      std::cerr << "hnemu_load: unknown flag " << flag << "\n"
                << "usage: hnemu_load --hnemu PATH [--clients N] [--seconds S] "
                   "[--latency-bound-ms MS] [--rss-bound-mib MIB]\n";
      return 2;
    }
  }
  if (options.binary.empty()) {
    std::cerr << "hnemu_load: --hnemu PATH is required\n";
    return 2;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  if (const int bad = parseArguments(argc, argv, options); bad != 0) {
    return bad;
  }
  Receiver slow(std::chrono::milliseconds(600), 204);
  Receiver failing(std::chrono::milliseconds(0), 500);
  SilentReceiver silent;
  const Served served = serve(options.binary);
  if (served.port == 0) {
    std::cerr << "hnemu_load: " << options.binary << " did not start\n";
    return 2;
  }
  Tally tally;
  const httplib::Headers none;
  {
    LoadClient setup(served.port, tally);
    setup.send("POST", "/__hnemu/telnyx/messaging-profiles",
               json{{"id", "load-profile"},
                    {"name", "load"},
                    {"webhook_url", slow.url()},
                    {"webhook_failover_url", failing.url()}}
                   .dump(),
               "application/json", none, {201});
    setup.send("POST", std::string("/api/accounts/") + kBandwidthAccount + "/subscriptions",
               "<Subscription><OrderType>importtnorders</OrderType><CallbackSubscription><URL>" +
                   failing.url() +
                   "</URL><Expiry>3153600000</Expiry></CallbackSubscription></Subscription>",
               "application/xml", {{"Authorization", basic("hnemu", "hnemu-password")}}, {201});
  }

  const auto started = WallClock::now();
  const auto deadline = started + options.duration;
  std::atomic<int> next_number{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < options.clients; ++c) {
    clients.emplace_back([&, c] {
      LoadClient client(served.port, tally);
      for (int round = 0; WallClock::now() < deadline; ++round) {
        const int n = next_number++;
        switch ((c + round) % 3) {
          case 0:
            twilioRound(client, n,
                        n % 3 == 0 ? slow.url() : (n % 3 == 1 ? failing.url() : silent.url()));
            break;
          case 1:
            telnyxRound(client, n, "load-profile");
            break;
          default:
            bandwidthRound(client, n);
            break;
        }
      }
    });
  }
  // The clock moves while the clients work, so timers fire and webhooks go out mid-load.
  std::thread clock_mover([&] {
    LoadClient client(served.port, tally);
    while (WallClock::now() < deadline) {
      client.send("POST", "/__hnemu/clock", R"({"advance":"6h"})", "application/json", none, {200});
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  });
  for (std::thread& client : clients) {
    client.join();
  }
  clock_mover.join();
  const double elapsed_s = std::chrono::duration<double>(WallClock::now() - started).count();

  // Accounting, from the emulator's own view.
  LoadClient checker(served.port, tally);
  checker.send("POST", "/__hnemu/clock", R"({"advance":"30d"})", "application/json", none, {200});
  const auto state_response = checker.send("GET", "/__hnemu/state", "", "", none, {200});
  const auto coverage_response = checker.send("GET", "/__hnemu/coverage", "", "", none, {200});
  const auto journal_response =
      checker.send("GET", "/__hnemu/journal?last=10000", "", "", none, {200});
  const auto webhooks_response =
      checker.send("GET", "/__hnemu/webhooks?last=10000", "", "", none, {200});
  const size_t peak_kib = peakRssKib(served.pid);
  ::kill(served.pid, SIGTERM);
  int status = 0;
  ::waitpid(served.pid, &status, 0);
  if (!state_response || !coverage_response || !journal_response || !webhooks_response) {
    std::cerr << "hnemu_load: the emulator stopped answering\n";
    return 1;
  }
  const json state = json::parse(state_response->body);
  const std::map<std::string, const char*> order_lists = {
      {"twilio", "hosted_number_orders"},
      {"telnyx", "messaging_hosted_number_orders"},
      {"bandwidth", "import_tn_orders"}};
  const std::map<std::string, const char*> id_keys = {
      {"twilio", "sid"}, {"telnyx", "id"}, {"bandwidth", "order_id"}};
  size_t lost = 0;
  size_t unexpected = 0;
  size_t orders = 0;
  for (const auto& [provider, list] : order_lists) {
    std::multiset<std::string> stored;
    for (const json& order : state[provider][list]) {
      const json& id = order.contains(id_keys.at(provider)) ? order[id_keys.at(provider)]
                                                            : order.value("id", json());
      if (id.is_string()) {
        stored.insert(id.get<std::string>());
      }
    }
    const std::set<std::string>& created = tally.created[provider];
    orders += created.size();
    for (const std::string& id : created) {
      lost += stored.count(id) == 0;
      unexpected += stored.count(id) > 1;
    }
    for (const std::string& id : stored) {
      unexpected += created.count(id) == 0;
    }
  }
  size_t illegal = 0;
  // Parsed into a name first: a range-for over a member of a temporary reads freed memory.
  const json coverage = json::parse(coverage_response->body);
  for (const json& machine : coverage["coverage"]) {
    illegal += machine.value("undocumented", json::array()).size();
  }
  // The journal: sequences increase with no gaps inside what it keeps, and it stays capped.
  const json journal = json::parse(journal_response->body);
  size_t journal_gaps = 0;
  uint64_t previous = 0;
  for (const json& entry : journal["entries"]) {
    const uint64_t sequence = entry["sequence"];
    journal_gaps += previous != 0 && sequence != previous + 1;
    previous = sequence;
  }
  const json webhooks = json::parse(webhooks_response->body);
  const uint64_t dropped = webhooks.value("dropped", uint64_t{0});
  size_t delivered = 0;
  size_t failed = 0;
  size_t unfinished = 0;
  size_t attempts = 0;
  for (const json& delivery : webhooks["deliveries"]) {
    delivered += delivery["state"] == "delivered";
    failed += delivery["state"] == "failed";
    unfinished += delivery["state"] == "pending" || delivery["state"] == "retrying";
    attempts += delivery["attempts"].size();
  }

  const double p50 = percentile(tally.latencies_ms, 0.50);
  const double p99 = percentile(tally.latencies_ms, 0.99);
  const double worst = percentile(tally.latencies_ms, 1.0);
  const double peak_mib = static_cast<double>(peak_kib) / 1024.0;
  std::printf(
      "hnemu load test: %d clients, %.1f s, all three providers, webhooks to a slow "
      "(600 ms > 200 ms timeout), a failing (500) and a silent receiver\n",
      options.clients, elapsed_s);
  std::printf("  requests             %zu (%.0f/s)\n", tally.requests,
              static_cast<double>(tally.requests) / elapsed_s);
  std::printf("  orders created       %zu (twilio %zu, telnyx %zu, bandwidth %zu)\n", orders,
              tally.created["twilio"].size(), tally.created["telnyx"].size(),
              tally.created["bandwidth"].size());
  std::printf("  errors               %zu 5xx, %zu without an answer, %zu unexpected 4xx\n",
              tally.server_errors, tally.transport_errors, tally.client_errors);
  std::printf("  lost resources       %zu\n", lost);
  std::printf("  duplicated/unknown   %zu (ids handed out twice: %zu)\n", unexpected,
              tally.duplicate_ids);
  std::printf("  illegal transitions  %zu\n", illegal);
  std::printf("  journal              %zu entries kept (cap %s), %s dropped, %zu gaps\n",
              journal["entries"].size(), journal.value("capacity", json("?")).dump().c_str(),
              journal.value("dropped", json("?")).dump().c_str(), journal_gaps);
  std::printf(
      "  webhooks             %zu logged: %zu failed as their receivers did, %zu still "
      "queued behind the slow one, %zu delivered (must be 0: no receiver accepts); %zu "
      "attempts (slow receiver hit %d times, failing %d, silent %d connections); %llu dropped "
      "for a full queue (must be > 0: the silent receiver's queue filled)\n",
      webhooks["deliveries"].size(), failed, unfinished, delivered, attempts, slow.hits(),
      failing.hits(), silent.connections(), static_cast<unsigned long long>(dropped));
  std::printf("  latency              p50 %.1f ms, p99 %.1f ms, max %.1f ms (bound %lld ms)\n", p50,
              p99, worst, static_cast<long long>(options.latency_bound.count()));
  std::printf("  server peak RSS      %.1f MiB (bound %zu MiB)\n", peak_mib, options.rss_bound_mib);
  for (const std::string& error : tally.first_errors) {
    std::printf("  first errors:        %s\n", error.c_str());
  }
  const bool held = tally.server_errors == 0 && tally.transport_errors == 0 &&
                    tally.client_errors == 0 && lost == 0 && unexpected == 0 &&
                    tally.duplicate_ids == 0 && illegal == 0 && journal_gaps == 0 &&
                    delivered == 0 && dropped > 0 &&
                    worst < static_cast<double>(options.latency_bound.count()) &&
                    peak_mib < static_cast<double>(options.rss_bound_mib) && orders > 0 &&
                    WIFEXITED(status) && WEXITSTATUS(status) == 0;
  std::printf("%s\n", held ? "PASS" : "FAIL");
  return held ? 0 : 1;
}
