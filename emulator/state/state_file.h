#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "core/result.h"
#include "emulator.h"

namespace hnemu {

// What opening a state file found.
struct RestoreReport {
  bool restored = false;  // false: there was no file; a new one is started
  size_t inputs = 0;
  // The replayed state differs from the saved one: a different hnemu version, or a realtime-clock
  // run whose driver fired a timer between two inputs. The replayed state is kept.
  bool diverged = false;
};

// `hnemu serve --state FILE`: every input that changes state is appended to a log, and the whole
// log, with the clock, a digest of the state and the webhook log, is written to FILE.tmp, synced
// and renamed over FILE before the request that made it is answered (group commit: one write
// covers every request waiting at that moment). A kill -9 at any point leaves either the previous
// file or the new one. On start the file's inputs are replayed on the same base (flags and
// scenario), which rebuilds state, clock and pending timers exactly.
class StateFile : public InputLog {
 public:
  // Restores from `path` if it exists, then records into it. `base` fingerprints the start
  // (flags, scenario); a file saved from another base is refused, not half-applied.
  static Result<std::unique_ptr<StateFile>> open(const std::string& path, Emulator& emulator,
                                                 nlohmann::json base, RestoreReport* report);
  ~StateFile() override;
  StateFile(const StateFile&) = delete;
  StateFile& operator=(const StateFile&) = delete;

  uint64_t append(RecordedInput input) override;
  void waitSaved(uint64_t ticket) override;
  // How many saves have been written (for tests and the final message).
  uint64_t saves() const;

  static nlohmann::json encodeInput(const RecordedInput& input);
  static Result<RecordedInput> decodeInput(const nlohmann::json& json);

 private:
  StateFile(std::string path, Emulator& emulator, nlohmann::json base);
  void run();
  Status write(const std::string& text) const;

  const std::string path_;
  Emulator& emulator_;
  const nlohmann::json base_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable saved_cv_;
  std::vector<std::string> inputs_;  // each input already encoded
  uint64_t saved_through_ = 0;       // inputs the file on disk holds
  uint64_t saves_ = 0;
  bool stopping_ = false;
  std::thread saver_;
};

}  // namespace hnemu
