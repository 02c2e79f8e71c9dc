#pragma once

#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

#include "core/time.h"

namespace hnemu {

struct JournalEntry {
  uint64_t sequence = 0;
  TimePoint time;  // virtual time when the request was answered
  std::string method;
  std::string path;
  std::string query;
  int status = 0;
  std::string provider;
  std::string account;
  std::string route;          // the matched path template, empty when unmatched
  std::string request_body;   // truncated to a few KiB
  std::string response_body;  // truncated likewise
  double duration_ms = 0;     // wall time spent answering; informational only
  uint64_t fault_id = 0;      // the injected fault that answered, 0 if none
};

// A bounded record of every request the emulator answered. When full, the oldest entries go;
// `dropped()` says how many.
class Journal {
 public:
  explicit Journal(size_t capacity);

  void record(JournalEntry entry);
  std::vector<JournalEntry> entries(uint64_t after_sequence = 0, size_t limit = SIZE_MAX) const;
  // The newest `count` entries, oldest first.
  std::vector<JournalEntry> newest(size_t count) const;
  uint64_t dropped() const;
  size_t size() const;
  // Goes up on every clear(), so a reader holding sequence numbers can tell its view is stale.
  uint64_t generation() const;
  size_t capacity() const { return capacity_; }
  void clear();

  static constexpr size_t kBodyLimit = 4096;

 private:
  const size_t capacity_;
  mutable std::mutex mutex_;
  std::deque<JournalEntry> entries_;
  uint64_t next_sequence_ = 1;
  uint64_t dropped_ = 0;
  uint64_t generation_ = 0;
};

}  // namespace hnemu
