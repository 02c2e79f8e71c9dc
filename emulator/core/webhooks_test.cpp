#include "core/webhooks.h"

#include <catch2/catch.hpp>
#include <mutex>
#include <vector>

using namespace hnemu;

namespace {

const TimePoint kStart = TimePoint(Millis(1'767'603'600'000));

// Answers from a script: each send takes the next outcome; records what it was sent.
class ScriptedTransport : public WebhookTransport {
 public:
  explicit ScriptedTransport(std::vector<TransportResult> script) : script_(std::move(script)) {}
  TransportResult send(const OutgoingRequest& request, Millis, Millis) override {
    std::lock_guard lock(mutex_);
    sent_.push_back(request);
    if (next_ < script_.size()) {
      return script_[next_++];
    }
    return TransportResult{true, 200, "", ""};
  }
  std::vector<OutgoingRequest> sent() {
    std::lock_guard lock(mutex_);
    return sent_;
  }

 private:
  std::mutex mutex_;
  std::vector<TransportResult> script_;
  size_t next_ = 0;
  std::vector<OutgoingRequest> sent_;
};

TransportResult refused() { return TransportResult{false, 0, "", "Connection"}; }
TransportResult answered(int status) { return TransportResult{true, status, "", ""}; }

Webhook hook(const std::string& url) {
  Webhook webhook;
  webhook.provider = "test";
  webhook.url = url;
  webhook.body = "a=1";
  webhook.content_type = "application/x-www-form-urlencoded";
  webhook.sign = [](const std::string& u, const std::string& body, int attempt) {
    Headers headers;
    headers.emplace("X-Signed", u + "|" + body + "|" + std::to_string(attempt));
    return headers;
  };
  return webhook;
}

}  // namespace

TEST_CASE("a delivered webhook is logged with its signed headers", "[webhooks]") {
  Clock clock(kStart);
  auto transport = std::make_shared<ScriptedTransport>(std::vector<TransportResult>{answered(204)});
  WebhookDispatcher dispatcher(clock, transport, 100);
  dispatcher.enqueue(hook("http://127.0.0.1:1/cb"));
  REQUIRE(dispatcher.waitIdle(Millis(5000)));
  const auto log = dispatcher.log();
  REQUIRE(log.size() == 1);
  REQUIRE(log[0].state == DeliveryState::Delivered);
  REQUIRE(log[0].attempts.size() == 1);
  REQUIRE(transport->sent()[0].headers.find("X-Signed")->second == "http://127.0.0.1:1/cb|a=1|1");
}

TEST_CASE("retries wait on the virtual clock, then fail over", "[webhooks]") {
  Clock clock(kStart);
  auto transport = std::make_shared<ScriptedTransport>(
      std::vector<TransportResult>{answered(500), refused(), answered(200)});
  WebhookDispatcher dispatcher(clock, transport, 100);
  Webhook webhook = hook("http://primary/cb");
  webhook.failover_url = "http://failover/cb";
  webhook.policy.max_attempts = 2;
  webhook.policy.retry_on = RetryOn::AnyFailure;
  webhook.policy.backoff = {Millis(60'000)};
  dispatcher.enqueue(webhook);
  REQUIRE(dispatcher.waitIdle(Millis(5000)));
  REQUIRE(dispatcher.log()[0].state == DeliveryState::Retrying);
  REQUIRE(transport->sent().size() == 1);
  // Nothing happens until virtual time reaches the backoff.
  clock.advance(Millis(59'999));
  REQUIRE(dispatcher.waitIdle(Millis(5000)));
  REQUIRE(transport->sent().size() == 1);
  clock.advance(Millis(1));
  REQUIRE(dispatcher.waitIdle(Millis(5000)));
  // Second attempt refused: primary exhausted, the failover gets it at once.
  const auto log = dispatcher.log();
  REQUIRE(log[0].state == DeliveryState::Delivered);
  REQUIRE(log[0].attempts.size() == 3);
  REQUIRE(log[0].attempts[2].url == "http://failover/cb");
  REQUIRE(log[0].attempts[1].time == kStart + Millis(60'000));
}

TEST_CASE("connection-failure-only policy does not retry a 500", "[webhooks]") {
  Clock clock(kStart);
  auto transport = std::make_shared<ScriptedTransport>(
      std::vector<TransportResult>{answered(500), refused(), answered(200)});
  WebhookDispatcher dispatcher(clock, transport, 100);
  Webhook first = hook("http://a/cb");
  first.policy.max_attempts = 2;
  first.policy.retry_on = RetryOn::ConnectionFailure;
  dispatcher.enqueue(first);
  dispatcher.enqueue(first);
  REQUIRE(dispatcher.waitIdle(Millis(5000)));
  const auto log = dispatcher.log();
  REQUIRE(log[0].state == DeliveryState::Failed);
  REQUIRE(log[0].attempts.size() == 1);
  REQUIRE(log[1].state == DeliveryState::Delivered);
  REQUIRE(log[1].attempts.size() == 2);
}

TEST_CASE("the delivery log is bounded and clear() drops pending retries", "[webhooks]") {
  Clock clock(kStart);
  auto transport = std::make_shared<ScriptedTransport>(std::vector<TransportResult>{});
  WebhookDispatcher dispatcher(clock, transport, 3);
  for (int i = 0; i < 5; ++i) {
    dispatcher.enqueue(hook("http://a/" + std::to_string(i)));
  }
  REQUIRE(dispatcher.waitIdle(Millis(5000)));
  const auto log = dispatcher.log();
  REQUIRE(log.size() == 3);
  REQUIRE(log.front().url == "http://a/2");
  dispatcher.clear();
  REQUIRE(dispatcher.log().empty());
}

TEST_CASE("a repeated delivery goes out twice, the copy right behind the first", "[webhooks]") {
  Clock clock(kStart);
  auto transport = std::make_shared<ScriptedTransport>(std::vector<TransportResult>{});
  WebhookDispatcher dispatcher(clock, transport, 100);
  dispatcher.repeatDeliveries(1);
  dispatcher.tamperSignatures(1);
  Webhook first = hook("http://a/cb");
  first.body = "status=first";
  Webhook second = hook("http://a/cb");
  second.body = "status=second";
  dispatcher.enqueue(first);
  dispatcher.enqueue(second);
  REQUIRE(dispatcher.waitIdle(Millis(5000)));
  const auto log = dispatcher.log();
  REQUIRE(log.size() == 3);
  CHECK(log[0].repeats == 0);
  CHECK(log[0].tampered);
  CHECK(log[1].repeats == log[0].id);
  CHECK_FALSE(log[1].tampered);  // a forger's copy is not what the provider repeats
  CHECK(log[2].repeats == 0);
  const auto sent = transport->sent();
  REQUIRE(sent.size() == 3);
  CHECK(sent[0].body == "status=first");
  CHECK(sent[1].body == "status=first");
  CHECK(sent[2].body == "status=second");
}

TEST_CASE("a delayed delivery waits on the virtual clock, and later ones overtake it",
          "[webhooks]") {
  Clock clock(kStart);
  auto transport = std::make_shared<ScriptedTransport>(std::vector<TransportResult>{});
  WebhookDispatcher dispatcher(clock, transport, 100);
  dispatcher.delayDeliveries(1, Millis(1'800'000));
  Webhook first = hook("http://a/cb");
  first.body = "status=first";
  Webhook second = hook("http://a/cb");
  second.body = "status=second";
  dispatcher.enqueue(first);
  dispatcher.enqueue(second);
  REQUIRE(dispatcher.waitIdle(Millis(5000)));
  REQUIRE(transport->sent().size() == 1);
  CHECK(transport->sent()[0].body == "status=second");
  clock.advance(Millis(1'800'000));
  REQUIRE(dispatcher.waitIdle(Millis(5000)));
  const auto sent = transport->sent();
  REQUIRE(sent.size() == 2);
  CHECK(sent[1].body == "status=first");
  const auto log = dispatcher.log();
  CHECK(log[0].delayed == Millis(1'800'000));
  CHECK(log[0].attempts.at(0).time == kStart + Millis(1'800'000));
  CHECK(log[1].delayed == Millis(0));
  // A reset forgets what was still to be repeated or delayed.
  dispatcher.delayDeliveries(1, Millis(1000));
  dispatcher.repeatDeliveries(1);
  dispatcher.clear();
  dispatcher.enqueue(first);
  REQUIRE(dispatcher.waitIdle(Millis(5000)));
  CHECK(dispatcher.log().size() == 1);
  CHECK(transport->sent().size() == 3);
}
