// Faults at the edges, over real sockets: webhook receivers that are down, slow past the
// provider's timeout, answer 500 or close the connection; clients that hang up mid-request.
#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/wire/form.h"
#include "emulator.h"
#include "providers/twilio/kind.h"
#include "testing/requests.h"
#include "testing/sockets.h"

using namespace hnemu;
using nlohmann::json;
using WallClock = std::chrono::steady_clock;
using testing::connectAndSend;
using testing::Listener;
using testing::sendAndHangUp;

namespace {

// Accepts connections, reads what arrives, and closes without answering.
class HangUpReceiver {
 public:
  HangUpReceiver()
      : thread_([this] {
          for (;;) {
            const int client = ::accept(listener_.fd, nullptr, nullptr);
            if (client < 0 || stopping_) {
              if (client >= 0) {
                ::close(client);
              }
              return;
            }
            char buffer[4096];
            (void)::recv(client, buffer, sizeof buffer, 0);
            ++connections_;
            ::close(client);
          }
        }) {}
  ~HangUpReceiver() {
    stopping_ = true;
    ::shutdown(listener_.fd, SHUT_RDWR);
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(listener_.port) + "/x"; }
  int connections() const { return connections_; }

 private:
  Listener listener_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> connections_{0};
  std::thread thread_;
};

// An httplib receiver on its own port: /slow sleeps, /fail answers 500, /ok answers 204.
class Receiver {
 public:
  explicit Receiver(std::chrono::milliseconds slow_for) {
    server_.Post("/slow", [slow_for](const httplib::Request&, httplib::Response& response) {
      std::this_thread::sleep_for(slow_for);  // the receiver is slow, not the emulator
      response.status = 204;
    });
    server_.Post("/fail", [](const httplib::Request&, httplib::Response& response) {
      response.status = 500;
    });
    server_.Post("/ok", [this](const httplib::Request&, httplib::Response& response) {
      ++ok_count_;
      response.status = 204;
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    // Bound and listening already: connections queue until the thread accepts them.
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~Receiver() {
    server_.stop();
    thread_.join();
  }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  int okCount() const { return ok_count_; }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::atomic<int> ok_count_{0};
};

std::map<std::string, std::vector<Delivery>> deliveriesByUrl(Emulator& emulator) {
  std::map<std::string, std::vector<Delivery>> out;
  for (Delivery& delivery : emulator.webhooks().log()) {
    out[delivery.url].push_back(std::move(delivery));
  }
  return out;
}

}  // namespace

TEST_CASE(
    "webhook receivers that are down, slow, failing or hanging up get Twilio's retry "
    "policy and never hold up the API or other receivers",
    "[faults][http]") {
  EmulatorOptions options;
  options.webhook_timeout_cap = Millis(2000);  // instead of Twilio's 15 s read timeout
  Emulator emulator(options);
  const auto port = emulator.start();
  REQUIRE(port.ok());

  Receiver slow_receiver(std::chrono::milliseconds(3000));
  Receiver other_receiver(std::chrono::milliseconds(0));
  HangUpReceiver hang_up;
  std::string down_url;
  {
    Listener closed;  // a port that was free a moment ago and has nothing listening now
    down_url = "http://127.0.0.1:" + std::to_string(closed.port) + "/down";
  }
  const std::map<std::string, std::string> callbacks = {
      {"+14153608311", slow_receiver.url("/slow")},
      {"+14153608312", other_receiver.url("/fail")},
      {"+14153608313", hang_up.url()},
      {"+14153608314", down_url},
      {"+14153608315", other_receiver.url("/ok")}};
  for (const auto& [number, url] : callbacks) {
    REQUIRE(testing::sendTwilio(
                emulator, "POST", "/v2/HostedNumber/Orders",
                testing::twilioOrderBody(number, "&StatusCallbackUrl=" + wire::percentEncode(url)))
                .status == 201);
  }

  // Each order's first status callback went out on creation. Ordering, not wall-clock bounds
  // (sanitizer builds are several times slower): each check below must hold while the slow
  // receiver's first attempt is still running (it lasts the 2 s cap). That delivery was queued
  // first, so with one delivery queue nothing would be sent before the attempt ended.
  const auto started = WallClock::now();
  const std::string slow_url = slow_receiver.url("/slow");
  uint64_t first_slow = 0;
  for (const Delivery& delivery : emulator.webhooks().log()) {
    if (delivery.url == slow_url && first_slow == 0) {
      first_slow = delivery.id;
    }
  }
  REQUIRE(first_slow != 0);
  auto slowFirstAttemptRunning = [&] {
    for (const Delivery& delivery : emulator.webhooks().log()) {
      if (delivery.id == first_slow) {
        return delivery.attempts.empty();
      }
    }
    return false;
  };
  // The API answers while the slow receiver holds its deliveries.
  httplib::Client client("127.0.0.1", port.value());
  client.set_basic_auth(std::string(twilio::kDefaultAccountSid).c_str(),
                        std::string(twilio::kDefaultAuthToken).c_str());
  const auto listed = client.Get("/v2/HostedNumber/Orders");
  REQUIRE(listed);
  CHECK(listed->status == 200);
  CHECK(slowFirstAttemptRunning());
  // The healthy receiver is not queued behind the slow one.
  while (other_receiver.okCount() == 0 && WallClock::now() - started < std::chrono::seconds(5)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  CHECK(other_receiver.okCount() > 0);
  CHECK(slowFirstAttemptRunning());

  REQUIRE(emulator.waitForWebhooks(Millis(20000)));
  const auto by_url = deliveriesByUrl(emulator);
  for (const auto& [number, url] : callbacks) {
    INFO(number << " -> " << url);
    REQUIRE(by_url.count(url) == 1);
    for (const Delivery& delivery : by_url.at(url)) {
      if (url == other_receiver.url("/ok")) {
        CHECK(delivery.state == DeliveryState::Delivered);
        CHECK(delivery.attempts.size() == 1);
      } else if (url == other_receiver.url("/fail")) {
        // Twilio retries connection failures only: a 500 is final.
        CHECK(delivery.state == DeliveryState::Failed);
        REQUIRE(delivery.attempts.size() == 1);
        CHECK(delivery.attempts[0].status == 500);
      } else {
        // Down, hung up, or slower than the timeout: no status arrived, so one retry.
        CHECK(delivery.state == DeliveryState::Failed);
        REQUIRE(delivery.attempts.size() == 2);
        for (const DeliveryAttempt& attempt : delivery.attempts) {
          CHECK_FALSE(attempt.connected);
          CHECK_FALSE(attempt.error.empty());
        }
      }
    }
  }
  CHECK(hang_up.connections() >= 2);
}

TEST_CASE("a client that hangs up mid-request leaves no half-made resource", "[faults][http]") {
  Emulator emulator;
  const auto port = emulator.start();
  REQUIRE(port.ok());
  const std::string body =
      "PhoneNumber=%2B14153608311&ContactPhoneNumber=%2B12344444444&AddressSid="
      "AD11111111111111111111111111111111&Email=a%40example.com";
  const std::string head =
      "POST /v2/HostedNumber/Orders HTTP/1.1\r\nHost: 127.0.0.1\r\n"
      "Content-Type: application/x-www-form-urlencoded\r\nAuthorization: " +
      basicAuthorization(twilio::kDefaultAccountSid, twilio::kDefaultAuthToken) +
      "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n";

  // Gone during the headers, and gone halfway through the body: nothing is stored.
  sendAndHangUp(port.value(), head.substr(0, head.size() / 2));
  sendAndHangUp(port.value(), head + body.substr(0, body.size() / 2));
  // A request that arrived whole is answered whole, even if nobody reads the answer.
  sendAndHangUp(port.value(), head + body);

  httplib::Client client("127.0.0.1", port.value());
  client.set_basic_auth(std::string(twilio::kDefaultAccountSid).c_str(),
                        std::string(twilio::kDefaultAuthToken).c_str());
  json items;
  const auto deadline = WallClock::now() + std::chrono::seconds(5);
  do {
    const auto listed = client.Get("/v2/HostedNumber/Orders");
    REQUIRE(listed);
    items = json::parse(listed->body)["items"];
  } while (items.empty() && WallClock::now() < deadline);
  REQUIRE(items.size() == 1);
  const auto fetched = client.Get("/v2/HostedNumber/Orders/" + items[0]["sid"].get<std::string>());
  REQUIRE(fetched);
  CHECK(fetched->status == 200);
  CHECK(json::parse(fetched->body)["phone_number"] == "+14153608311");
  // The emulator still serves new connections normally.
  CHECK(client.Get("/__hnemu/health")->status == 200);
}

namespace {

// Sends raw bytes and returns the status code of the answer (0: none).
int rawStatus(int port, const std::string& bytes) {
  const int fd = connectAndSend(port, bytes);
  std::string answer;
  char buffer[4096];
  ssize_t n = 0;
  while (answer.find("\r\n") == std::string::npos &&
         (n = ::recv(fd, buffer, sizeof buffer, 0)) > 0) {
    answer.append(buffer, static_cast<size_t>(n));
  }
  ::close(fd);
  return answer.rfind("HTTP/1.1 ", 0) == 0 ? std::stoi(answer.substr(9, 3)) : 0;
}

}  // namespace

TEST_CASE("over HTTP: paths the server decodes into invalid UTF-8 or NUL never get a 5xx",
          "[faults][http]") {
  Emulator emulator;
  const auto port = emulator.start();
  REQUIRE(port.ok());
  const std::string twilio_auth =
      basicAuthorization(twilio::kDefaultAccountSid, twilio::kDefaultAuthToken);
  for (const std::string prefix :
       {"/v2/HostedNumber/Orders/", "/2010-04-01/Accounts/", "/v2/messaging_hosted_number_orders/",
        "/api/accounts/9900000/importTnOrders/", "/__hnemu/", "/__hnemu/twilio/numbers/",
        "/nowhere/"}) {
    for (const std::string segment : {"%FF%FE", "%00", "%C3%28", "%ED%A0%80", "%F4%90%80%80"}) {
      for (const std::string method : {"GET", "POST", "PUT"}) {
        const std::string request =
            method + " " + prefix + segment +
            " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + twilio_auth +
            "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        const int status = rawStatus(port.value(), request);
        INFO(method << " " << prefix << segment << " -> " << status);
        CHECK(status >= 400);
        CHECK(status < 500);
      }
    }
  }
}
