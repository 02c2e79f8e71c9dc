// Connections a client leaves waiting: idle keep-alive sockets and requests that arrive slowly
// hold no worker, so they cannot keep a new client waiting, and the server closes them on time.
#include <catch2/catch.hpp>
#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "emulator.h"
#include "providers/twilio/kind.h"
#include "testing/requests.h"
#include "testing/sockets.h"

using namespace hnemu;
using nlohmann::json;
using WallClock = std::chrono::steady_clock;

namespace {

std::string healthRequest(int port) {
  return "GET /__hnemu/health HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) + "\r\n\r\n";
}

std::string twilioOrdersRequest(int port) {
  return "GET /v2/HostedNumber/Orders HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
         "\r\nAuthorization: " +
         basicAuthorization(twilio::kDefaultAccountSid, twilio::kDefaultAuthToken) + "\r\n\r\n";
}

// Whether the server closed the connection (end of stream) within `timeout`.
bool closedWithin(int fd, std::chrono::milliseconds timeout) {
  return testing::readResponse(fd, timeout).empty() && ::recv(fd, nullptr, 0, MSG_DONTWAIT) == 0;
}

struct Sockets {
  std::vector<int> fds;
  ~Sockets() {
    for (const int fd : fds) {
      ::close(fd);
    }
  }
};

}  // namespace

TEST_CASE("idle keep-alive connections and slow senders do not keep a new client waiting",
          "[http][connections]") {
  EmulatorOptions options;
  options.idle_connection_timeout = std::chrono::seconds(60);
  options.request_timeout = std::chrono::seconds(60);
  Emulator emulator(options);
  const auto port = emulator.start();
  REQUIRE(port.ok());

  // Many more than the server's 64 workers: 300 clients that sent one request each and keep
  // their connection open, and 100 that stop in the middle of a request.
  Sockets idle;
  for (int i = 0; i < 300; ++i) {
    idle.fds.push_back(testing::connectAndSend(port.value(), healthRequest(port.value())));
    REQUIRE(testing::statusOf(testing::readResponse(idle.fds.back(), std::chrono::seconds(5))) ==
            200);
  }
  Sockets slow;
  for (int i = 0; i < 100; ++i) {
    slow.fds.push_back(testing::connectAndSend(
        port.value(), "GET /v2/HostedNumber/Orders HTTP/1.1\r\nHost: 127.0.0.1\r\nAuth"));
  }

  const auto started = WallClock::now();
  const std::string answer = testing::exchange(port.value(), twilioOrdersRequest(port.value()));
  CHECK(testing::statusOf(answer) == 200);
  CHECK(WallClock::now() - started < std::chrono::seconds(1));

  // The idle connections were kept: each answers its next request.
  for (const int fd : {idle.fds.front(), idle.fds[150], idle.fds.back()}) {
    REQUIRE(::send(fd, healthRequest(port.value()).data(), healthRequest(port.value()).size(),
                   MSG_NOSIGNAL) > 0);
    CHECK(testing::statusOf(testing::readResponse(fd, std::chrono::seconds(5))) == 200);
  }
  // A slow sender that finishes its request is answered.
  const std::string rest =
      "orization: " + basicAuthorization(twilio::kDefaultAccountSid, twilio::kDefaultAuthToken) +
      "\r\n\r\n";
  REQUIRE(::send(slow.fds.front(), rest.data(), rest.size(), MSG_NOSIGNAL) > 0);
  CHECK(testing::statusOf(testing::readResponse(slow.fds.front(), std::chrono::seconds(5))) == 200);

  // Stopping does not wait for any of them.
  const auto stopping = WallClock::now();
  emulator.stop();
  CHECK(WallClock::now() - stopping < std::chrono::seconds(2));
  CHECK(closedWithin(idle.fds[10], std::chrono::seconds(1)));
  CHECK(closedWithin(slow.fds[10], std::chrono::seconds(1)));
}

TEST_CASE(
    "a request that does not arrive in time gets 408 in its owner's shape, an idle "
    "connection is closed",
    "[http][connections]") {
  EmulatorOptions options;
  options.idle_connection_timeout = std::chrono::milliseconds(300);
  options.request_timeout = std::chrono::milliseconds(300);
  Emulator emulator(options);
  const auto port = emulator.start();
  REQUIRE(port.ok());

  const int idle = testing::connectAndSend(port.value(), healthRequest(port.value()));
  CHECK(testing::statusOf(testing::readResponse(idle, std::chrono::seconds(5))) == 200);
  const int slow = testing::connectAndSend(
      port.value(), "POST /v2/HostedNumber/Orders HTTP/1.1\r\nHost: 127.0.0.1\r\n");
  const int slow_body = testing::connectAndSend(
      port.value(),
      "POST /v2/HostedNumber/Orders HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n"
      "PhoneNumber=");

  const std::string answer = testing::readResponse(slow, std::chrono::seconds(5));
  CHECK(testing::statusOf(answer) == 408);
  // Twilio's error envelope: code, message, more_info, status.
  const json body = json::parse(testing::bodyOf(answer));
  CHECK(body["status"] == 408);
  CHECK(body.contains("message"));
  CHECK(testing::statusOf(testing::readResponse(slow_body, std::chrono::seconds(5))) == 408);
  CHECK(closedWithin(idle, std::chrono::seconds(5)));
  CHECK(closedWithin(slow, std::chrono::seconds(1)));
  for (const int fd : {idle, slow, slow_body}) {
    ::close(fd);
  }
}

TEST_CASE("requests sent back to back on one connection are answered in order",
          "[http][connections]") {
  Emulator emulator;
  const auto port = emulator.start();
  REQUIRE(port.ok());
  const int fd = testing::connectAndSend(
      port.value(), healthRequest(port.value()) + twilioOrdersRequest(port.value()) +
                        "GET /v2/HostedNumber/Orders HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  // The three answers, in one stream.
  std::string answers;
  const auto give_up = WallClock::now() + std::chrono::seconds(5);
  std::vector<int> statuses;
  while (statuses.size() < 3 && WallClock::now() < give_up) {
    answers += testing::readResponse(fd, std::chrono::milliseconds(200));
    statuses.clear();
    for (size_t at = answers.find("HTTP/1.1 "); at != std::string::npos;
         at = answers.find("HTTP/1.1 ", at + 1)) {
      statuses.push_back(testing::statusOf(answers.substr(at)));
    }
  }
  CHECK(statuses == std::vector<int>{200, 200, 401});
  CHECK(answers.find("\"items\"") != std::string::npos);
  ::close(fd);
}
