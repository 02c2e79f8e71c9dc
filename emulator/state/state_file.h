#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/result.h"
#include "engine/engine.h"

namespace hnemu {

// What opening a state file found.
struct RestoreReport {
  bool restored = false;  // false: there was no file; a new one is started
  size_t inputs = 0;
  size_t checkpoints = 0;  // each one's state digest matched the replayed state
  // The inputs before the file's snapshot (a compacted file), restored from it, not replayed;
  // `inputs` counts those replayed after it.
  uint64_t snapshot_inputs = 0;
  // The last input was cut short by a kill while it was written: it was never acknowledged, and
  // it is dropped.
  bool dropped_torn_input = false;
};

struct StateFileOptions {
  // A checkpoint (the state's digest, the clock, the webhook log) after this many inputs, and
  // when the file is closed.
  uint64_t checkpoint_every = 1000;
  // The file is compacted into a snapshot of the state (plus the inputs after it) once it is this
  // large and twice as large as it was after the last compaction, so that a save costs the new
  // inputs, a restart the snapshot and what followed it, and the file stays within a small
  // multiple of the state it holds.
  uint64_t compact_bytes = 16 * 1024 * 1024;
};

// `hnemu serve --state FILE`: an append-only log of every input that may change state, written
// ahead: an input is appended, synced, and only then applied and answered (group commit: one
// write and sync covers every input waiting at that moment). An input that cannot be written (a
// full disk) is not applied, and its request gets 503. Each line carries a checksum chained to
// the one before, and checkpoints carry a digest of the state; on start the inputs are replayed
// on the same base (flags and scenario), and a file whose chain or digests do not hold is
// refused. A kill -9 at any moment leaves at most a torn last line, never acknowledged, which the
// next start drops. The file is created readable by its owner only: it holds credentials.
// Compaction writes a new file (the same base, a snapshot of the state, its checkpoint and any
// inputs saved after it), synced, then renamed over the old one: a kill at any moment leaves one
// whole file or the other.
class StateFile : public InputLog {
 public:
  // Restores from `path` if it exists, then records into it. `base` fingerprints the start
  // (flags, scenario); a file saved from another base is refused, not half-applied. A file
  // refused once replay has begun leaves `emulator` part-way: discard it.
  static Result<std::unique_ptr<StateFile>> open(const std::string& path, Engine& emulator,
                                                 nlohmann::json base, RestoreReport* report,
                                                 StateFileOptions options = {});
  // Writes what is pending and a last checkpoint.
  ~StateFile() override;
  StateFile(const StateFile&) = delete;
  StateFile& operator=(const StateFile&) = delete;

  uint64_t append(const RecordedInput& input) override;
  bool waitSaved(uint64_t ticket) override;
  // How many writes have reached the disk (for tests).
  uint64_t saves() const;

  static nlohmann::json encodeInput(const RecordedInput& input);
  static Result<RecordedInput> decodeInput(const nlohmann::json& json);

 private:
  StateFile(std::string path, Engine& emulator, StateFileOptions options);
  void run();
  // Appends records (each one JSON text) with their chained checksums, synced; on failure the
  // file is cut back to what it held before.
  Status writeRecords(const std::vector<std::string>& records);
  std::string checkpointRecord(const DurableSnapshot& snapshot) const;
  // Replaces the file with a snapshot of the state after every input written so far; when it
  // cannot, the file stays as it was.
  void compact();

  std::string header_;  // the file's first line: format, version and base
  const std::string path_;
  Engine& emulator_;
  const StateFileOptions options_;
  int fd_ = -1;
  uint64_t good_size_ = 0;  // bytes of the file that hold whole, synced records
  std::string chain_;       // the checksum of the last record written
  bool broken_ = false;     // a failed write could not be cut back: no more writes
  uint64_t inputs_since_checkpoint_ = 0;
  uint64_t inputs_written_ = 0;      // every input the file stands for, a snapshot's included
  uint64_t compacted_size_ = 0;      // the file's size after the last compaction (or try)
  bool compaction_failing_ = false;  // said once

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable decided_cv_;
  std::vector<std::string> queued_;  // encoded inputs not yet written, in ticket order
  uint64_t next_ticket_ = 1;
  uint64_t decided_through_ = 0;  // tickets up to here are saved, or failed
  std::set<uint64_t> failed_;     // tickets whose write failed and that have not been asked about
  uint64_t saves_ = 0;
  bool stopping_ = false;
  bool closed_ = false;  // the saver is gone: appends fail at once
  std::thread saver_;
};

}  // namespace hnemu
