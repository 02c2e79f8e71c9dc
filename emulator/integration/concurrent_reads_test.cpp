// Reads share the state lock: fetches and lists run side by side, while creates, the clock's
// timers and a read that an injected fault answers still hold it alone. Run under TSan (the tsan
// preset) this is where a GET handler that changed state would show up as a race.
#include <atomic>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "core/http_types.h"
#include "emulator.h"
#include "testing/requests.h"

using namespace hnemu;
using nlohmann::json;

namespace {

// Catch is not thread-safe: the threads count what went wrong, and the test asserts after.
HttpResponse sendFromThread(Emulator& emulator, const std::string& method,
                            const std::string& target, const std::string& body = "") {
  auto request = testing::twilioRequest(method, target, body);
  return request.ok() ? emulator.handle(request.value()) : HttpResponse::empty(599);
}

}  // namespace

TEST_CASE("reads run side by side while creates, timers and a faulted read change the state",
          "[engine][concurrency]") {
  Emulator emulator;
  constexpr int kFirstOrders = 10;
  std::vector<std::string> sids;
  for (int i = 0; i < kFirstOrders; ++i) {
    const HttpResponse created =
        testing::sendTwilio(emulator, "POST", "/v2/HostedNumber/Orders",
                            testing::twilioOrderBody("+1415555" + std::to_string(1000 + i)));
    REQUIRE(created.status == 201);
    sids.push_back(json::parse(created.body)["sid"].get<std::string>());
  }
  // Every fetch of the first order answers 503 after a virtual second: such a read takes the
  // lock alone and moves the clock.
  const HttpResponse fault = testing::send(emulator, "POST", "/__hnemu/faults",
                                           json{{"provider", "twilio"},
                                                {"method", "GET"},
                                                {"path", "/v2/HostedNumber/Orders/" + sids[0]},
                                                {"status", 503},
                                                {"latency", "1s"},
                                                {"times", 0}}
                                               .dump());
  REQUIRE(fault.status == 201);

  constexpr int kReaders = 4;
  constexpr int kReadsEach = 150;
  constexpr int kCreates = 60;
  std::atomic<int> unexpected{0};
  std::atomic<int> faulted{0};
  std::atomic<bool> writing{true};
  std::vector<std::thread> threads;
  for (int reader = 0; reader < kReaders; ++reader) {
    threads.emplace_back([&, reader] {
      for (int i = 0; i < kReadsEach; ++i) {
        const std::string& sid = sids[static_cast<size_t>(reader * 7 + i) % sids.size()];
        const HttpResponse fetched =
            sendFromThread(emulator, "GET", "/v2/HostedNumber/Orders/" + sid);
        if (fetched.status == 503 && sid == sids[0]) {
          ++faulted;
        } else if (fetched.status != 200 ||
                   json::parse(fetched.body, nullptr, false).value("sid", "") != sid) {
          ++unexpected;
        }
        const HttpResponse listed =
            sendFromThread(emulator, "GET", "/v2/HostedNumber/Orders?PageSize=20");
        if (listed.status != 200) {
          ++unexpected;
        }
      }
    });
  }
  threads.emplace_back([&] {
    for (int i = 0; i < kCreates; ++i) {
      const HttpResponse created =
          sendFromThread(emulator, "POST", "/v2/HostedNumber/Orders",
                         testing::twilioOrderBody("+1628555" + std::to_string(1000 + i)));
      if (created.status != 201) {
        ++unexpected;
      }
    }
    writing = false;
  });
  threads.emplace_back([&] {
    // The orders' timers fire; a bounded number of steps, so that the writer is not kept waiting
    // by a clock that takes the lock again and again.
    for (int step = 0; step < 20 && writing; ++step) {
      emulator.advance(std::chrono::hours(1));
      std::this_thread::yield();
    }
  });
  for (std::thread& thread : threads) {
    thread.join();
  }
  CHECK(unexpected == 0);
  CHECK(faulted > 0);
  const HttpResponse all =
      testing::sendTwilio(emulator, "GET", "/v2/HostedNumber/Orders?PageSize=1000");
  REQUIRE(all.status == 200);
  CHECK(json::parse(all.body)["items"].size() == kFirstOrders + kCreates);
}
