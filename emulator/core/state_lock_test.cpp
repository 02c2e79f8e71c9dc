#include "core/state_lock.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <mutex>
#include <shared_mutex>
#include <thread>

using namespace hnemu;

TEST_CASE("state lock: a waiting writer goes before new readers", "[engine][concurrency]") {
  StateLock lock;
  lock.lock_shared();  // a read in progress
  std::atomic<bool> writer_in{false};
  std::thread writer([&] {
    std::lock_guard writing(lock);
    writer_in = true;
  });
  // Once the writer waits, a new reader is refused (a lock that prefers readers would let it in,
  // and a stream of such readers would keep the writer out for ever). Until then the reader may
  // get in, and lets go at once.
  bool reader_refused = false;
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!reader_refused && std::chrono::steady_clock::now() < give_up) {
    if (lock.try_lock_shared()) {
      lock.unlock_shared();
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    } else {
      reader_refused = true;
    }
  }
  CHECK(reader_refused);
  CHECK_FALSE(writer_in);
  lock.unlock_shared();
  writer.join();
  CHECK(writer_in);
  std::shared_lock reading(lock);  // free again
}
