// Hostile input and faults over real sockets (and the real binary where signals or exit codes
// are the point): self-referencing and exponential YAML from every entry point, cross-site
// requests to the control API, requests real clients send (no body and no length, long forms),
// oversized heads and bodies refused before they are held, and a stop that a receiver that never
// answers cannot delay.
#include <httplib.h>
#include <signal.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "core/wire/form.h"
#include "emulator.h"
#include "providers/twilio/kind.h"
#include "testing/binary.h"
#include "testing/requests.h"
#include "testing/sockets.h"

using namespace hnemu;
using nlohmann::json;
using WallClock = std::chrono::steady_clock;

namespace {

// A folder of its own for each test, removed afterwards.
struct TempFolder {
  std::filesystem::path root;
  explicit TempFolder(const std::string& name)
      : root(std::filesystem::temp_directory_path() /
             ("hnemu-" + name + "-" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(root);
    std::filesystem::create_directories(root);
  }
  ~TempFolder() { std::filesystem::remove_all(root); }
  std::string write(const std::string& name, const std::string& content) const {
    const std::filesystem::path path = root / name;
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << content;
    return path.string();
  }
};

std::string aliasBomb() {
  std::string text = "a0: &a0 [x]\n";
  for (int level = 1; level <= 9; ++level) {
    text += "a" + std::to_string(level) + ": &a" + std::to_string(level) + " [";
    for (int i = 0; i < 10; ++i) {
      text += (i == 0 ? "*a" : ", *a") + std::to_string(level - 1);
    }
    text += "]\n";
  }
  return text;
}

std::string head(const std::string& method, const std::string& target, int port,
                 const std::string& extra = "") {
  return method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) + "\r\n" +
         extra + "\r\n";
}

const std::string kTwilioAuth =
    "Authorization: " + basicAuthorization(twilio::kDefaultAccountSid, twilio::kDefaultAuthToken) +
    "\r\n";

// Accepts connections and holds them open, reading, never answering, until it goes.
class SilentReceiver {
 public:
  SilentReceiver()
      : thread_([this] {
          while (!stopping_) {
            const int client = ::accept(listener_.fd, nullptr, nullptr);
            if (client < 0) {
              return;
            }
            clients_.push_back(client);
            ++connections_;
          }
        }) {}
  ~SilentReceiver() {
    stopping_ = true;
    ::shutdown(listener_.fd, SHUT_RDWR);
    thread_.join();
    for (const int client : clients_) {
      ::close(client);
    }
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(listener_.port) + "/hook"; }
  int connections() const { return connections_; }

 private:
  testing::Listener listener_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> connections_{0};
  std::vector<int> clients_;
  std::thread thread_;
};

}  // namespace

TEST_CASE(
    "hostile YAML: a self-referencing alias or an alias bomb is a 400 from every entry "
    "point, and the server lives on",
    "[hostile][http]") {
  TempFolder folder("hostile-yaml");
  const std::string cycle = folder.write("scenarios/cycle.yaml", "seed: &a [*a]\n");
  folder.write("scenarios/bomb.yaml", aliasBomb());
  folder.write("scenarios/fine.yaml", "name: fine\nseed: &s 3\n");
  const std::string secret = folder.write("secret.yaml", "very_private_key: 1\n");
  std::filesystem::create_symlink(secret, folder.root / "scenarios/outside.yaml");

  EmulatorOptions options;
  options.scenarios_dir = (folder.root / "scenarios").string();
  Emulator emulator(options);
  const auto port = emulator.start();
  REQUIRE(port.ok());
  httplib::Client client("127.0.0.1", port.value());

  const auto looped = client.Put("/__hnemu/scenario", "seed: &a [*a]", "application/yaml");
  REQUIRE(looped);
  CHECK(looped->status == 400);
  CHECK(looped->body.find("refers to a node that contains it") != std::string::npos);

  const auto started = WallClock::now();
  const auto bombed = client.Put("/__hnemu/scenario", aliasBomb(), "application/yaml");
  REQUIRE(bombed);
  CHECK(bombed->status == 400);
  CHECK(bombed->body.find("more than 200000 nodes") != std::string::npos);
  CHECK(WallClock::now() - started < std::chrono::seconds(2));

  // The console's picker lists what is inside the folder (with each file's error), nothing else.
  const auto listed = client.Get("/__hnemu/scenarios");
  REQUIRE(listed);
  REQUIRE(listed->status == 200);
  const json files = json::parse(listed->body)["scenarios"];
  REQUIRE(files.size() == 3);
  CHECK(files[0]["file"] == "bomb.yaml");
  CHECK(files[0]["error"].get<std::string>().find("200000 nodes") != std::string::npos);
  CHECK(files[1]["file"] == "cycle.yaml");
  CHECK(files[1]["error"].get<std::string>().find("contains it") != std::string::npos);
  CHECK(files[2]["name"] == "fine");
  CHECK(listed->body.find("very_private_key") == std::string::npos);
  const auto load = [&](const std::string& file) {
    return client.Post("/__hnemu/scenarios/load", json{{"file", file}}.dump(), "application/json");
  };
  CHECK(load("cycle.yaml")->status == 400);
  CHECK(load("outside.yaml")->status == 404);
  CHECK(load("fine.yaml")->status == 200);
  CHECK(client.Get("/__hnemu/health")->status == 200);

#ifdef HNEMU_BINARY
  std::string output;
  CHECK(testing::runBinary({"check", cycle}, output) == 1);
  CHECK(output.find("refers to a node that contains it") != std::string::npos);
  const testing::Served served = testing::serveBinary({"serve", "--port", "0", "--scenario", cycle},
                                                      (folder.root / "serve.log").string());
  CHECK(served.port == 0);
  const int status = testing::waitExit(served.pid);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 2);
#endif
}

TEST_CASE(
    "cross-site: the control API refuses other sites' pages, rebound host names and "
    "non-JSON bodies",
    "[hostile][http]") {
  Emulator emulator;
  const auto port = emulator.start();
  REQUIRE(port.ok());
  REQUIRE(testing::sendTwilio(emulator, "POST", "/v2/HostedNumber/Orders",
                              testing::twilioOrderBody("+14153608311"))
              .status == 201);
  const std::string self = "127.0.0.1:" + std::to_string(port.value());
  auto orders = [&] { return emulator.state()["twilio"]["hosted_number_orders"].size(); };

  // A page on another site POSTs a "simple" request: refused, nothing reset.
  std::string answer = testing::exchange(
      port.value(), head("POST", "/__hnemu/reset", port.value(),
                         "Origin: http://evil.example\r\nContent-Type: text/plain\r\n"
                         "Content-Length: 2\r\n") +
                        "{}");
  CHECK(testing::statusOf(answer) == 403);
  CHECK(json::parse(testing::bodyOf(answer))["error"]["status"] == 403);
  CHECK(orders() == 1);
  answer =
      testing::exchange(port.value(), head("POST", "/__hnemu/faults", port.value(),
                                           "Sec-Fetch-Site: cross-site\r\nContent-Length: 0\r\n"));
  CHECK(testing::statusOf(answer) == 403);
  // A form or plain-text body is not JSON, whoever sends it.
  for (const char* type :
       {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"}) {
    answer = testing::exchange(
        port.value(), head("POST", "/__hnemu/reset", port.value(),
                           std::string("Content-Type: ") + type + "\r\nContent-Length: 2\r\n") +
                          "{}");
    INFO(type);
    CHECK(testing::statusOf(answer) == 415);
  }
  answer = testing::exchange(
      port.value(), head("POST", "/__hnemu/clock", port.value(), "Content-Length: 16\r\n") +
                        R"({"advance":"7d"})");
  CHECK(testing::statusOf(answer) == 415);
  CHECK(orders() == 1);
  // A DNS name rebound to 127.0.0.1 reads nothing.
  answer = testing::exchange(port.value(), "GET /__hnemu/state HTTP/1.1\r\nHost: rebound.example:" +
                                               std::to_string(port.value()) + "\r\n\r\n");
  CHECK(testing::statusOf(answer) == 403);
  CHECK(answer.find("hosted_number_orders") == std::string::npos);
  answer = testing::exchange(
      port.value(), "GET /__hnemu/state HTTP/1.1\r\nHost: 127.0.0.1.rebound.example\r\n\r\n");
  CHECK(testing::statusOf(answer) == 403);

  // The emulator's own origin (the console), localhost and [::1] names, and curl-style requests
  // are served.
  answer = testing::exchange(
      port.value(), head("POST", "/__hnemu/clock", port.value(),
                         "Origin: http://" + self +
                             "\r\nContent-Type: application/json\r\nContent-Length: 16\r\n") +
                        R"({"advance":"1h"})");
  CHECK(testing::statusOf(answer) == 200);
  for (const std::string& host : {"localhost:" + std::to_string(port.value()),
                                  std::string("[::1]:4010"), std::string("127.0.0.2")}) {
    answer = testing::exchange(port.value(),
                               "GET /__hnemu/clock HTTP/1.1\r\nHost: " + host + "\r\n\r\n");
    INFO(host);
    CHECK(testing::statusOf(answer) == 200);
  }
  answer = testing::exchange(port.value(), head("POST", "/__hnemu/reset", port.value()));
  CHECK(testing::statusOf(answer) == 200);
  CHECK(orders() == 0);

  // Served on purpose to the network, it answers any host name.
  EmulatorOptions remote;
  remote.allow_remote = true;
  Emulator open_emulator(remote);
  const auto open_port = open_emulator.start();
  REQUIRE(open_port.ok());
  answer = testing::exchange(open_port.value(),
                             "GET /__hnemu/clock HTTP/1.1\r\nHost: hnemu:4010\r\n\r\n");
  CHECK(testing::statusOf(answer) == 200);
}

TEST_CASE(
    "requests real clients send: no body and no length is an empty body, and a long form "
    "is capped by --max-body only",
    "[hostile][http]") {
  Emulator emulator;
  const auto port = emulator.start();
  REQUIRE(port.ok());

  // curl -X POST URL: no Content-Length, no body. Answered at once, as an empty form.
  auto started = WallClock::now();
  std::string answer = testing::exchange(
      port.value(), head("POST", "/v2/HostedNumber/Orders", port.value(), kTwilioAuth),
      std::chrono::seconds(4));
  CHECK(WallClock::now() - started < std::chrono::seconds(1));
  CHECK(testing::statusOf(answer) == 400);
  CHECK(answer.find("PhoneNumber") != std::string::npos);
  CHECK(answer.find("escape") == std::string::npos);
  started = WallClock::now();
  answer = testing::exchange(port.value(), head("POST", "/__hnemu/reset", port.value()),
                             std::chrono::seconds(4));
  CHECK(WallClock::now() - started < std::chrono::seconds(1));
  CHECK(testing::statusOf(answer) == 200);

  // A valid Twilio form of 300 CcEmails (past httplib's own 8 KiB form cap).
  std::string form = testing::twilioOrderBody("+14153608311");
  for (int i = 0; i < 300; ++i) {
    form += "&CcEmails=" + wire::percentEncode("copy" + std::to_string(i) + "@example.com");
  }
  REQUIRE(form.size() > 8192);
  httplib::Client client("127.0.0.1", port.value());
  client.set_basic_auth(std::string(twilio::kDefaultAccountSid).c_str(),
                        std::string(twilio::kDefaultAuthToken).c_str());
  const auto created =
      client.Post("/v2/HostedNumber/Orders", form, "application/x-www-form-urlencoded");
  REQUIRE(created);
  CHECK(created->status == 201);
  CHECK(json::parse(created->body)["cc_emails"].size() == 300);
}

TEST_CASE(
    "heads and bodies past the limits are refused before they are held, in the owner's "
    "shape",
    "[hostile][http]") {
  Emulator emulator;
  const auto port = emulator.start();
  REQUIRE(port.ok());
  const int p = port.value();

  std::string many_headers;
  for (int i = 0; i < 200; ++i) {
    many_headers += "X-Filler-" + std::to_string(i) + ": x\r\n";
  }
  std::string answer =
      testing::exchange(p, head("GET", "/v2/HostedNumber/Orders", p, kTwilioAuth + many_headers));
  CHECK(testing::statusOf(answer) == 431);
  CHECK(json::parse(testing::bodyOf(answer))["status"] == 431);  // Twilio's shape
  answer = testing::exchange(
      p, head("GET", "/__hnemu/state", p, "X-Huge: " + std::string(100 * 1024, 'h') + "\r\n"));
  CHECK(testing::statusOf(answer) == 431);
  CHECK(json::parse(testing::bodyOf(answer))["error"]["status"] == 431);  // the control API's
  answer = testing::exchange(p, "GET /" + std::string(1024 * 1024, 'a') + " HTTP/1.1\r\n\r\n");
  CHECK(testing::statusOf(answer) == 431);

  // 40 MB of headers: answered once the cap is reached; the rest is never read.
  const auto started = WallClock::now();
  std::string flood = head("GET", "/v2/HostedNumber/Orders", p, kTwilioAuth);
  flood.resize(flood.size() - 2);  // the head goes on
  const std::string line = "X-Flood: " + std::string(1000, 'f') + "\r\n";
  while (flood.size() < 40 * 1024 * 1024) {
    flood += line;
  }
  answer = testing::exchange(p, flood);
  CHECK(testing::statusOf(answer) == 431);
  CHECK(WallClock::now() - started < std::chrono::seconds(5));

  // A body larger than the route takes is refused from its Content-Length, before it is sent.
  struct Case {
    std::string target;
    std::string extra;
    int status;
    std::string shape;  // a field of the provider's error body
  };
  const std::vector<Case> cases = {
      {"/v2/HostedNumber/Orders", kTwilioAuth, 413, "code"},
      {"/v2/messaging_hosted_number_orders",
       "Authorization: Bearer x\r\nContent-Type: application/json\r\n", 413, "errors"},
      // Uploads may be larger (10 MiB), but not this large.
      {"/v2/messaging_hosted_number_orders/x/actions/file_upload",
       "Authorization: Bearer x\r\nContent-Type: multipart/form-data; boundary=b\r\n", 413,
       "errors"},
      {"/api/accounts/9900000/importTnOrders", "Content-Type: application/xml\r\n", 413,
       "ErrorResponse"},
      {"/__hnemu/scenario", "Content-Type: application/yaml\r\n", 413, "error"},
  };
  for (const Case& each : cases) {
    INFO(each.target);
    const auto asked = WallClock::now();
    const int fd = testing::connectAndSend(
        p, head("POST", each.target, p, each.extra + "Content-Length: 62914560\r\n"));
    answer = testing::readResponse(fd, std::chrono::seconds(3));
    ::close(fd);
    CHECK(WallClock::now() - asked < std::chrono::seconds(1));
    CHECK(testing::statusOf(answer) == each.status);
    CHECK(answer.find("Connection: close") != std::string::npos);
    CHECK(testing::bodyOf(answer).find(each.shape) != std::string::npos);
  }
  // Many large unauthenticated bodies at once: each refused from its head; none is buffered.
  std::vector<std::thread> senders;
  std::atomic<int> refused{0};
  for (int i = 0; i < 16; ++i) {
    senders.emplace_back([&] {
      const std::string reply = testing::exchange(
          p, head("POST", "/v2/HostedNumber/Orders", p, "Content-Length: 62914560\r\n") +
                 std::string(1024 * 1024, 'x'));
      refused += testing::statusOf(reply) == 413;
    });
  }
  for (std::thread& sender : senders) {
    sender.join();
  }
  CHECK(refused == 16);
  // A chunked body has no length up front: read up to the largest a route takes, then refused.
  httplib::Client client("127.0.0.1", p);
  const auto chunked = client.Post(
      "/v2/HostedNumber/Orders", 64 * 1024 * 1024,
      [](size_t, size_t length, httplib::DataSink& sink) {
        static const std::string block(length, 'x');
        return sink.write(block.data(), block.size());
      },
      "application/x-www-form-urlencoded");
  if (chunked) {  // the server may close while the client still sends
    CHECK(chunked->status == 413);
  }
  CHECK(client.Get("/__hnemu/health")->status == 200);
}

TEST_CASE(
    "stop: a webhook receiver that never answers does not delay it, the delivery is "
    "logged as cut short",
    "[hostile][http]") {
  SilentReceiver receiver;
  {
    Emulator emulator;  // Twilio's own timeouts: 15 s to read an answer
    REQUIRE(emulator.start().ok());
    REQUIRE(testing::sendTwilio(
                emulator, "POST", "/v2/HostedNumber/Orders",
                testing::twilioOrderBody(
                    "+14153608311", "&StatusCallbackUrl=" + wire::percentEncode(receiver.url())))
                .status == 201);
    for (int i = 0; i < 200 && receiver.connections() == 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    REQUIRE(receiver.connections() == 1);
    const auto stopping = WallClock::now();
    emulator.stop();
    emulator.webhooks().stop();
    CHECK(WallClock::now() - stopping < std::chrono::seconds(1));
    const std::vector<Delivery> log = emulator.webhooks().log();
    REQUIRE(log.size() == 1);
    CHECK(log[0].state == DeliveryState::Failed);
    REQUIRE(log[0].attempts.size() == 1);
    CHECK(log[0].attempts[0].error.find("hnemu stopped") != std::string::npos);
  }
#ifdef HNEMU_BINARY
  TempFolder folder("hostile-stop");
  const testing::Served served =
      testing::serveBinary({"serve", "--port", "0"}, (folder.root / "serve.log").string());
  REQUIRE(served.port > 0);
  httplib::Client client("127.0.0.1", served.port);
  client.set_basic_auth(std::string(twilio::kDefaultAccountSid).c_str(),
                        std::string(twilio::kDefaultAuthToken).c_str());
  REQUIRE(
      client
          .Post("/v2/HostedNumber/Orders",
                testing::twilioOrderBody(
                    "+14153608312", "&StatusCallbackUrl=" + wire::percentEncode(receiver.url())),
                "application/x-www-form-urlencoded")
          ->status == 201);
  for (int i = 0; i < 200 && receiver.connections() < 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  REQUIRE(receiver.connections() == 2);
  // And one whose receiver never even accepts the connection (its backlog is full).
  testing::Listener full;
  ::listen(full.fd, 0);
  std::vector<int> queued;
  for (int i = 0; i < 4; ++i) {
    queued.push_back(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0));
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(full.port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    (void)::connect(queued.back(), reinterpret_cast<sockaddr*>(&address), sizeof address);
  }
  REQUIRE(client
              .Post("/v2/HostedNumber/Orders",
                    testing::twilioOrderBody(
                        "+14153608313", "&StatusCallbackUrl=" +
                                            wire::percentEncode("http://127.0.0.1:" +
                                                                std::to_string(full.port) + "/x")),
                    "application/x-www-form-urlencoded")
              ->status == 201);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const auto signalled = WallClock::now();
  REQUIRE(::kill(served.pid, SIGTERM) == 0);
  const int status = testing::waitExit(served.pid);
  CHECK(WallClock::now() - signalled < std::chrono::seconds(1));
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  for (const int socket : queued) {
    ::close(socket);
  }

  // And the address check goes by what a name resolves to.
  std::string output;
  CHECK(testing::runBinary({"serve", "--host", "127.evil.test", "--port", "0"}, output) == 1);
  CHECK(output.find("refusing to bind 127.evil.test") != std::string::npos);
#endif
}

TEST_CASE("framing: what a proxy could read differently is refused and the connection closed",
          "[hostile][http]") {
  Emulator emulator;
  const auto port = emulator.start();
  REQUIRE(port.ok());
  const int p = port.value();
  const TimePoint start = emulator.now();
  // A request the server cannot read, then one hidden behind it that would move the clock.
  const std::string hidden = head("POST", "/__hnemu/clock", p,
                                  "Content-Type: application/json\r\nContent-Length: 16\r\n") +
                             R"({"advance":"1d"})";
  struct Case {
    std::string name;
    std::string first;
    int status;
  };
  const std::vector<Case> cases = {
      {"a header line past 8 KiB",
       head("GET", "/__hnemu/clock", p, "X-Long: " + std::string(9000, 'a') + "\r\n"), 431},
      {"an unknown HTTP version", "GET /__hnemu/clock HTTP/1.2\r\nHost: 127.0.0.1\r\n\r\n", 400},
      {"an unknown method", "FOO /__hnemu/clock HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 400},
      {"a length that is not a number",
       head("POST", "/__hnemu/reset", p, "Content-Length: abc\r\n"), 400},
      {"a negative length", head("POST", "/__hnemu/reset", p, "Content-Length: -1\r\n"), 400},
      {"a signed length", head("POST", "/__hnemu/reset", p, "Content-Length: +5000000\r\n"), 400},
      {"a length past 64 bits",
       head("POST", "/__hnemu/reset", p, "Content-Length: 99999999999999999999999\r\n"), 400},
      {"two lengths that disagree",
       head("POST", "/__hnemu/reset", p, "Content-Length: 16\r\nContent-Length: 0\r\n"), 400},
      {"a length and a transfer coding",
       head("POST", "/__hnemu/reset", p, "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n") +
           "0\r\n\r\n",
       400},
      {"a coding other than chunked",
       head("POST", "/__hnemu/reset", p, "Transfer-Encoding: identity\r\n"), 501},
  };
  for (const Case& each : cases) {
    INFO(each.name);
    const auto asked = WallClock::now();
    const std::string answer = testing::exchange(p, each.first + hidden, std::chrono::seconds(3));
    CHECK(WallClock::now() - asked < std::chrono::seconds(2));
    CHECK(testing::statusOf(answer) == each.status);
    CHECK(answer.find("Connection: close") != std::string::npos);
    CHECK(answer.find("HTTP/1.1", 10) == std::string::npos);  // one answer, not two
    CHECK(emulator.now() == start);
  }
  // The limits are the documented ones: 100 header lines pass, 101 do not.
  std::string lines;
  for (int i = 0; i < 99; ++i) {
    lines += "X-Line-" + std::to_string(i) + ": x\r\n";
  }
  CHECK(testing::statusOf(testing::exchange(p, head("GET", "/__hnemu/clock", p, lines))) == 200);
  lines += "X-One-More: x\r\nX-Too-Many: x\r\n";
  CHECK(testing::statusOf(testing::exchange(p, head("GET", "/__hnemu/clock", p, lines))) == 431);
  // A request httplib cannot read still gets the shape of whoever owns its path.
  const std::string bandwidth =
      testing::exchange(p, "FOO /api/accounts/9900000/importTnOrders HTTP/1.1\r\nHost: x\r\n\r\n");
  CHECK(testing::statusOf(bandwidth) == 400);
  CHECK(testing::bodyOf(bandwidth).find("<ErrorResponse>") != std::string::npos);
  CHECK(testing::bodyOf(bandwidth).find("escape") == std::string::npos);
}

TEST_CASE("cross-site: Host and Origin are read strictly", "[hostile][http]") {
  Emulator emulator;
  const auto port = emulator.start();
  REQUIRE(port.ok());
  const int p = port.value();
  const std::string target = "GET /__hnemu/clock HTTP/1.1\r\n";
  for (const std::string& headers :
       {std::string("Host: [::1]evil.com\r\n"), std::string("Host: [::1].evil.com:80\r\n"),
        std::string("Host: localhost:evil.com\r\n"),
        std::string("Host: 127.0.0.1\r\nHost: evil.com\r\n"), std::string(""),
        "Host: 127.0.0.1:" + std::to_string(p) +
            "\r\nOrigin: http://127.0.0.1:" + std::to_string(p) + "\r\nOrigin: http://evil.com\r\n",
        "Host: 127.0.0.1:" + std::to_string(p) + "\r\nSec-Fetch-Site: Cross-Site\r\n"}) {
    INFO(headers);
    CHECK(testing::statusOf(testing::exchange(p, target + headers + "\r\n")) == 403);
  }
  CHECK(testing::statusOf(testing::exchange(p, target + "Host: [::1]:4010\r\n\r\n")) == 200);
}

TEST_CASE("the clock stops at the last time ISO 8601 can write", "[hostile]") {
  Emulator emulator;
  CHECK(testing::send(emulator, "POST", "/__hnemu/clock", R"({"to":"9999-12-31T00:00:00Z"})")
            .status == 200);
  const HttpResponse past =
      testing::send(emulator, "POST", "/__hnemu/clock", R"({"advance":"2d"})");
  CHECK(past.status == 400);
  CHECK(past.body.find("9999-12-31") != std::string::npos);
  CHECK(testing::send(emulator, "POST", "/__hnemu/clock", R"({"advance":"101y"})").status == 400);
}

TEST_CASE("a busy port fails to bind, also when another hnemu holds it", "[hostile][http]") {
  Emulator first;
  const auto port = first.start();
  REQUIRE(port.ok());
  EmulatorOptions options;
  options.port = port.value();
  Emulator second(options);
  const auto refused = second.start();
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().message.find("address in use") != std::string::npos);
#ifdef HNEMU_BINARY
  TempFolder folder("busy-port");
  std::string output;
  CHECK(testing::runBinary({"serve", "--port", std::to_string(port.value())}, output) == 1);
  CHECK(output.find("cannot listen on 127.0.0.1:" + std::to_string(port.value())) !=
        std::string::npos);
#endif
  // Every request still reaches the first one.
  httplib::Client client("127.0.0.1", port.value());
  for (int i = 0; i < 20; ++i) {
    CHECK(client.Get("/__hnemu/health")->status == 200);
  }
}
