#include "core/webhooks.h"

#include <catch2/catch.hpp>
#include <condition_variable>
#include <mutex>
#include <thread>
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

// Holds every send to one origin until released; answers the others at once.
class GatedTransport : public WebhookTransport {
 public:
  explicit GatedTransport(std::string gated_origin, int first_status = 200)
      : gated_(std::move(gated_origin)), first_status_(first_status) {}
  TransportResult send(const OutgoingRequest& request, Millis, Millis) override {
    std::unique_lock lock(mutex_);
    if (request.url.rfind(gated_, 0) == 0) {
      ++waiting_;
      changed_.notify_all();
      changed_.wait(lock, [this] { return open_; });
      --waiting_;
    }
    return TransportResult{true, answered_++ == 0 ? first_status_ : 200, "", ""};
  }
  void waitForSender() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [this] { return waiting_ > 0; });
  }
  void open() {
    std::lock_guard lock(mutex_);
    open_ = true;
    changed_.notify_all();
  }
  void cancelAll() override { open(); }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::string gated_;
  int first_status_;
  int waiting_ = 0;
  int answered_ = 0;
  bool open_ = false;
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
  WebhookDispatcher dispatcher(clock, transport, WebhookLimits{100});
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
  WebhookDispatcher dispatcher(clock, transport, WebhookLimits{100});
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
  WebhookDispatcher dispatcher(clock, transport, WebhookLimits{100});
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
  WebhookDispatcher dispatcher(clock, transport, WebhookLimits{3});
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
  WebhookDispatcher dispatcher(clock, transport, WebhookLimits{});
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
  WebhookDispatcher dispatcher(clock, transport, WebhookLimits{});
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

TEST_CASE(
    "a receiver that never answers holds at most its queue's bytes, the rest are dropped "
    "and counted",
    "[webhooks]") {
  Clock clock(kStart);
  auto transport = std::make_shared<GatedTransport>("http://dead");
  WebhookLimits limits;
  limits.queue_bytes_per_receiver = 20 * 1024;
  WebhookDispatcher dispatcher(clock, transport, limits);
  std::vector<std::string> said;
  dispatcher.setDropListener([&](const std::string& line) { said.push_back(line); });
  Webhook large = hook("http://dead/cb");
  large.body = std::string(3000, 'x');
  dispatcher.enqueue(large);
  transport->waitForSender();  // the first is in flight, and stays there
  for (int i = 0; i < 50; ++i) {
    dispatcher.enqueue(large);
  }
  const WebhookCounts counts = dispatcher.counts();
  CHECK(counts.in_flight == 1);
  CHECK(counts.queued == 5);  // 5 x (3000 + 1 KiB) fit in 20 KiB
  CHECK(counts.dropped == 45);
  REQUIRE(said.size() == 1);  // said once for the receiver, not 45 times
  CHECK(said[0].find("http://dead") != std::string::npos);
  const auto log = dispatcher.log();
  CHECK(log.back().state == DeliveryState::Failed);
  CHECK(log.back().dropped.find("were already waiting for http://dead") != std::string::npos);
  CHECK(log.back().attempts.empty());

  // Another receiver is not held up.
  dispatcher.enqueue(hook("http://alive/cb"));
  for (int spins = 0; dispatcher.log().back().state != DeliveryState::Delivered && spins < 500;
       ++spins) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  CHECK(dispatcher.log().back().state == DeliveryState::Delivered);
  transport->open();
  REQUIRE(dispatcher.waitIdle(Millis(5000)));
  CHECK(dispatcher.counts().queued == 0);
}

TEST_CASE("the delivery log is bounded in bytes too", "[webhooks]") {
  Clock clock(kStart);
  auto transport = std::make_shared<ScriptedTransport>(std::vector<TransportResult>{});
  WebhookLimits limits;
  limits.log_bytes = 64 * 1024;
  WebhookDispatcher dispatcher(clock, transport, limits);
  Webhook large = hook("http://a/cb");
  large.body = std::string(10'000, 'x');
  for (int i = 0; i < 40; ++i) {
    dispatcher.enqueue(large);
  }
  REQUIRE(dispatcher.waitIdle(Millis(5000)));
  const WebhookCounts counts = dispatcher.counts();
  CHECK(counts.log_bytes <= limits.log_bytes);
  CHECK(counts.log_entries < 40);
  CHECK(counts.log_entries >= 2);
  CHECK(dispatcher.log().back().id == 40);
  // One entry larger than the whole limit is still kept: the log shows what happened last.
  large.body = std::string(100'000, 'y');
  dispatcher.enqueue(large);
  REQUIRE(dispatcher.waitIdle(Millis(5000)));
  CHECK(dispatcher.counts().log_entries == 1);
  CHECK(dispatcher.log().back().id == 41);
}

TEST_CASE("an attempt is logged at its own virtual time, not when its receiver answered",
          "[webhooks]") {
  Clock clock(kStart);
  auto transport = std::make_shared<GatedTransport>("http://slow");
  WebhookDispatcher dispatcher(clock, transport, WebhookLimits{});
  dispatcher.enqueue(hook("http://slow/cb"));
  transport->waitForSender();
  clock.advance(Millis(3'600'000));  // a person moves the clock while the receiver thinks
  transport->open();
  REQUIRE(dispatcher.waitIdle(Millis(5000)));
  CHECK(dispatcher.log()[0].attempts[0].time == kStart);
}

TEST_CASE("a retry is logged its backoff after the attempt before, not when the clock got there",
          "[webhooks]") {
  Clock clock(kStart);
  auto transport = std::make_shared<GatedTransport>("http://a", 500);
  WebhookDispatcher dispatcher(clock, transport, WebhookLimits{});
  Webhook webhook = hook("http://a/cb");
  webhook.policy.max_attempts = 2;
  webhook.policy.retry_on = RetryOn::AnyFailure;
  webhook.policy.backoff = {Millis(5'000)};
  dispatcher.enqueue(webhook);
  transport->waitForSender();
  clock.advance(Millis(3'600'000));  // the advance that fired the event goes on past the retry
  transport->open();
  REQUIRE(dispatcher.waitIdle(Millis(5000)));
  REQUIRE(dispatcher.log()[0].attempts.size() == 1);
  CHECK(dispatcher.log()[0].attempts[0].time == kStart);
  REQUIRE(clock.nextDue() == kStart + Millis(5'000));
  clock.advance(Millis(0));
  REQUIRE(dispatcher.waitIdle(Millis(5000)));
  const auto log = dispatcher.log();
  CHECK(log[0].state == DeliveryState::Delivered);
  REQUIRE(log[0].attempts.size() == 2);
  CHECK(log[0].attempts[1].time == kStart + Millis(5'000));
}
