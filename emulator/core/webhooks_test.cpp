#include "core/webhooks.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <condition_variable>
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

namespace {

// Holds every send until open() is called, so the test can move the clock while one is out.
class GatedTransport : public WebhookTransport {
 public:
  explicit GatedTransport(std::vector<TransportResult> script) : script_(std::move(script)) {}
  TransportResult send(const OutgoingRequest&, Millis, Millis) override {
    std::unique_lock lock(mutex_);
    ++sends_;
    changed_.notify_all();
    changed_.wait(lock, [this] { return open_; });
    return next_ < script_.size() ? script_[next_++] : TransportResult{true, 200, "", ""};
  }
  bool waitForSends(size_t count) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, std::chrono::seconds(5), [&] { return sends_ >= count; });
  }
  void open() {
    std::lock_guard lock(mutex_);
    open_ = true;
    changed_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<TransportResult> script_;
  size_t next_ = 0;
  size_t sends_ = 0;
  bool open_ = false;
};

}  // namespace

TEST_CASE("an attempt is logged at its own virtual time, not when the send came back",
          "[webhooks]") {
  Clock clock(kStart);
  auto transport = std::make_shared<GatedTransport>(std::vector<TransportResult>{answered(500)});
  WebhookDispatcher dispatcher(clock, transport, 100);
  Webhook webhook = hook("http://a/cb");
  webhook.policy.max_attempts = 2;
  webhook.policy.retry_on = RetryOn::AnyFailure;
  webhook.policy.backoff = {Millis(5'000)};
  dispatcher.enqueue(webhook);
  // The event fired during an advance of an hour, which went on while the first send was out.
  REQUIRE(transport->waitForSends(1));
  clock.advance(Millis(3'600'000));
  transport->open();
  REQUIRE(dispatcher.waitIdle(Millis(5000)));
  REQUIRE(dispatcher.log()[0].attempts.size() == 1);
  REQUIRE(dispatcher.log()[0].attempts[0].time == kStart);
  // The retry is due its backoff after the first attempt; the clock has passed that, so its next
  // move sends it.
  REQUIRE(clock.nextDue() == kStart + Millis(5'000));
  clock.advance(Millis(0));
  REQUIRE(dispatcher.waitIdle(Millis(5000)));
  const auto log = dispatcher.log();
  REQUIRE(log[0].state == DeliveryState::Delivered);
  REQUIRE(log[0].attempts.size() == 2);
  REQUIRE(log[0].attempts[1].time == kStart + Millis(5'000));
}
