#include "state/state_file.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>

#include "core/crypto.h"
#include "core/json_text.h"
#include "core/records.h"
#include "core/time.h"

namespace hnemu {
namespace {

using nlohmann::json;

constexpr std::string_view kFormat = "hnemu-state";
// Version 3 may begin with a snapshot (a compacted file); version 2 files load as they are.
constexpr int kFormatVersion = 3;
constexpr int kOldestFormatVersion = 2;
constexpr size_t kSumLength = 32;  // hex digits of each line's chained checksum
// Webhook ids stay far from wrapping; JSON readers elsewhere keep 53 bits exactly.
constexpr uint64_t kMaxWebhookId = uint64_t{1} << 53;

std::string_view kindName(RecordedInput::Kind kind) {
  return kind == RecordedInput::Kind::AdvanceTo ? "advance_to" : "request";
}

Error corrupt(const std::string& path, const std::string& why) {
  return Error{ErrorCode::InvalidArgument,
               path + " is not a state file hnemu can load (" + why +
                   "); move it aside or remove it to start afresh",
               ""};
}

std::string chained(const std::string& previous, std::string_view record) {
  return crypto::sha256Hex(previous + std::string(record)).substr(0, kSumLength);
}

// Appends each record to `text` as a line, its checksum chained to `chain` (which moves on).
void appendChained(std::string& text, std::string& chain, const std::vector<std::string>& records) {
  for (const std::string& record : records) {
    chain = chained(chain, record);
    text += chain;
    text += ' ';
    text += record;
    text += '\n';
  }
}

std::string systemError(const std::string& what) { return what + ": " + std::strerror(errno); }

// write(2) all of it, or say why not.
Status writeAll(int fd, const std::string& text) {
  size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return makeError(ErrorCode::Internal, std::strerror(errno));
    }
    written += static_cast<size_t>(n);
  }
  return Status();
}

Result<std::string> readAll(int fd) {
  std::string text;
  char buffer[65536];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      return makeError(ErrorCode::Internal, systemError("read"));
    }
    if (n == 0) {
      return text;
    }
    text.append(buffer, static_cast<size_t>(n));
  }
}

// A new file's entry in its folder is durable once the folder is synced.
void syncFolderOf(const std::string& path) {
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  const int folder =
      ::open(parent.empty() ? "." : parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (folder >= 0) {
    ::fsync(folder);
    ::close(folder);
  }
}

// How a checkpoint's state_digest was computed: Engine::stateDigest().
constexpr std::string_view kResourceDigest = "resources";

struct Checkpoint {
  uint64_t after_inputs = 0;
  std::string state_digest;
  bool of_resources = false;  // the incremental digest; earlier files digested the whole state
  std::vector<Delivery> webhooks;
  uint64_t next_webhook_id = 1;
};

Result<Checkpoint> decodeCheckpoint(const json& object) {
  Checkpoint checkpoint;
  if (!object.is_object() || !object.contains("after_inputs") ||
      !object["after_inputs"].is_number_unsigned() || !object.contains("state_digest") ||
      !object["state_digest"].is_string() || !object.contains("next_webhook_id") ||
      !object["next_webhook_id"].is_number_unsigned() || !object.contains("webhooks") ||
      !object["webhooks"].is_array()) {
    return makeError(ErrorCode::InvalidArgument,
                     "a checkpoint lacks after_inputs, state_digest, next_webhook_id or webhooks");
  }
  checkpoint.after_inputs = object["after_inputs"].get<uint64_t>();
  checkpoint.state_digest = object["state_digest"].get<std::string>();
  if (object.contains("digest")) {
    if (!object["digest"].is_string() || object["digest"].get<std::string>() != kResourceDigest) {
      return makeError(ErrorCode::InvalidArgument,
                       "a checkpoint's digest is of a kind this hnemu does not know: " +
                           object["digest"].dump());
    }
    checkpoint.of_resources = true;
  }
  checkpoint.next_webhook_id = object["next_webhook_id"].get<uint64_t>();
  uint64_t highest = 0;
  for (const json& each : object["webhooks"]) {
    auto delivery = deliveryFromJson(each);
    if (!delivery.ok()) {
      return delivery.error();
    }
    highest = std::max(highest, delivery.value().id);
    checkpoint.webhooks.push_back(std::move(delivery).value());
  }
  if (checkpoint.next_webhook_id == 0 || checkpoint.next_webhook_id > kMaxWebhookId ||
      checkpoint.next_webhook_id <= highest) {
    return makeError(ErrorCode::InvalidArgument,
                     "a checkpoint's next_webhook_id " +
                         std::to_string(checkpoint.next_webhook_id) +
                         " is not above its webhooks' ids and at most 2^53");
  }
  return checkpoint;
}

// A compacted file's first record: the state after `after_inputs` inputs.
struct Snapshot {
  uint64_t after_inputs = 0;
  std::string state_digest;
  std::string cbor;
};

Result<Snapshot> decodeSnapshot(const json& object) {
  if (!object.is_object() || !object.contains("after_inputs") ||
      !object["after_inputs"].is_number_unsigned() || !object.contains("state_digest") ||
      !object["state_digest"].is_string() || !object.contains("cbor_base64") ||
      !object["cbor_base64"].is_string()) {
    return makeError(ErrorCode::InvalidArgument,
                     "a snapshot lacks after_inputs, state_digest or cbor_base64");
  }
  std::optional<std::string> cbor = crypto::base64Decode(object["cbor_base64"].get<std::string>());
  if (!cbor) {
    return makeError(ErrorCode::InvalidArgument, "a snapshot's cbor_base64 is not base64");
  }
  return Snapshot{object["after_inputs"].get<uint64_t>(), object["state_digest"].get<std::string>(),
                  std::move(*cbor)};
}

}  // namespace

json StateFile::encodeInput(const RecordedInput& input) {
  json out = {{"kind", kindName(input.kind)}, {"at", formatIso8601Millis(input.at)}};
  if (input.kind == RecordedInput::Kind::Request) {
    json headers = json::array();
    for (const auto& [name, value] : input.headers) {
      headers.push_back({name, value});
    }
    out["method"] = input.method;
    out["target"] = input.target;
    out["path"] = input.path;
    out["headers"] = std::move(headers);
    out["body_base64"] = crypto::base64Encode(input.body);
  }
  return out;
}

Result<RecordedInput> StateFile::decodeInput(const json& object) {
  auto text = [&](const char* key) -> std::optional<std::string> {
    if (!object.is_object() || !object.contains(key) || !object[key].is_string()) {
      return std::nullopt;
    }
    return object[key].get<std::string>();
  };
  const auto kind = text("kind");
  const auto at = text("at");
  if (!kind || !at) {
    return makeError(ErrorCode::InvalidArgument, "an input has no kind or time");
  }
  auto time = parseIso8601(*at);
  if (!time.ok()) {
    return makeError(ErrorCode::InvalidArgument, "an input's time is not a time");
  }
  RecordedInput input;
  input.at = time.value();
  if (*kind == "advance_to") {
    input.kind = RecordedInput::Kind::AdvanceTo;
    return input;
  }
  if (*kind != "request") {
    return makeError(ErrorCode::InvalidArgument, "an input of unknown kind '" + *kind + "'");
  }
  const auto method = text("method");
  const auto target = text("target");
  const auto path = text("path");
  const auto body = text("body_base64");
  const std::optional<std::string> decoded = body ? crypto::base64Decode(*body) : std::nullopt;
  if (!method || !target || !path || !decoded || !object.contains("headers") ||
      !object["headers"].is_array()) {
    return makeError(ErrorCode::InvalidArgument, "a request input lacks a field");
  }
  input.method = *method;
  input.target = *target;
  input.path = *path;
  input.body = *decoded;
  for (const json& pair : object["headers"]) {
    if (!pair.is_array() || pair.size() != 2 || !pair[0].is_string() || !pair[1].is_string()) {
      return makeError(ErrorCode::InvalidArgument, "a request input has a malformed header");
    }
    input.headers.emplace(pair[0].get<std::string>(), pair[1].get<std::string>());
  }
  return input;
}

StateFile::StateFile(std::string path, Engine& emulator, StateFileOptions options)
    : path_(std::move(path)), emulator_(emulator), options_(options) {}

Result<std::unique_ptr<StateFile>> StateFile::open(const std::string& path, Engine& emulator,
                                                   json base, RestoreReport* report,
                                                   StateFileOptions options) {
  std::unique_ptr<StateFile> file(new StateFile(path, emulator, options));
  // Non-blocking until it is known to be a regular file: opening a FIFO would wait for a writer.
  // Created for its owner only: it holds credentials and the whole request history.
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC | O_NONBLOCK, 0600);
  if (fd < 0) {
    return makeError(ErrorCode::NotFound, systemError(path));
  }
  file->fd_ = fd;  // closed by the destructor from here on
  struct stat info {};
  if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    return makeError(ErrorCode::InvalidArgument, path + " is not a regular file");
  }
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  // One hnemu per file: two writing one log would interleave their records.
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    return makeError(ErrorCode::FailedPrecondition,
                     path + " is in use by another hnemu (it holds the file's lock)");
  }
  // A compaction a kill cut short left its new file unfinished; the old one still stands.
  std::error_code ignored;
  std::filesystem::remove(path + ".compact", ignored);
  HNEMU_ASSIGN_OR_RETURN(const std::string text, readAll(fd));
  const std::string header =
      jsonText(json{{"format", kFormat}, {"version", kFormatVersion}, {"base", base}}) + "\n";
  file->header_ = header;
  RestoreReport found;
  if (text.empty()) {
    if (const Status written = writeAll(fd, header); !written.ok() || ::fsync(fd) != 0) {
      return makeError(ErrorCode::Internal,
                       path + ": cannot write: " +
                           (written.ok() ? std::strerror(errno) : written.error().message));
    }
    syncFolderOf(path);
    file->good_size_ = header.size();
    file->chain_ = chained("", header);
  } else {
    const size_t header_end = std::min(text.find('\n'), text.size());
    const json saved_header = json::parse(text.substr(0, header_end), nullptr, false);
    if (saved_header.is_discarded() || !saved_header.is_object()) {
      return corrupt(path, "its first line is not valid JSON; was it written by something else?");
    }
    // json::value(key, default) throws when the field has another type; these compare instead.
    if (saved_header.value("format", json()) != kFormat) {
      return corrupt(path, "no \"format\": \"hnemu-state\"");
    }
    const json version = saved_header.value("version", json(0));
    if (!version.is_number_integer() || version.get<int64_t>() < kOldestFormatVersion ||
        version.get<int64_t>() > kFormatVersion) {
      return corrupt(path, "format version " + jsonText(version) + ", this hnemu reads versions " +
                               std::to_string(kOldestFormatVersion) + " to " +
                               std::to_string(kFormatVersion));
    }
    if (!saved_header.contains("base") || saved_header["base"] != base) {
      return makeError(
          ErrorCode::FailedPrecondition,
          path + " was saved from another start: " +
              (saved_header.contains("base") ? jsonText(saved_header["base"])
                                             : std::string("(none)")) +
              "; now: " + jsonText(base) +
              ". Start with the same --seed, --clock, --start, --scenario and limits, or use "
              "another --state file");
    }
    // Every line is checked and decoded before anything is applied.
    if (header_end == text.size()) {
      return corrupt(path, "its first line does not end");
    }
    std::string chain = chained("", text.substr(0, header_end + 1));
    std::optional<Snapshot> snapshot;
    uint64_t first_input = 0;  // the inputs before the first one here are in the snapshot
    size_t snapshot_end = 0;   // where the snapshot and its checkpoint end
    std::vector<RecordedInput> inputs;
    std::vector<Checkpoint> checkpoints;
    size_t position = header_end + 1;
    size_t line_number = 1;
    while (position < text.size()) {
      ++line_number;
      const size_t end = text.find('\n', position);
      if (end == std::string::npos) {
        // A kill cuts short only what is appended: an input never acknowledged, or a checkpoint.
        // A snapshot is written whole before it is renamed into place, so one cut short was cut
        // by something else, and dropping it would drop every input it holds.
        if (std::string_view(text).substr(position).find("{\"snapshot\"") <= kSumLength + 1) {
          return corrupt(path, "line " + std::to_string(line_number) +
                                   ", its snapshot, is cut short; the file was truncated");
        }
        found.dropped_torn_input = true;  // cut short by a kill; never acknowledged
        break;
      }
      const std::string_view line(text.data() + position, end - position);
      const std::string where = "line " + std::to_string(line_number);
      if (line.size() <= kSumLength + 1 || line[kSumLength] != ' ') {
        return corrupt(path, where + " is not a checksum and a record");
      }
      const std::string_view record = line.substr(kSumLength + 1);
      if (line.substr(0, kSumLength) != chained(chain, record)) {
        return corrupt(path, where +
                                 ": its checksum does not match; the file was changed after "
                                 "hnemu wrote it");
      }
      chain = std::string(line.substr(0, kSumLength));
      const json parsed = json::parse(record, nullptr, false);
      if (parsed.is_object() && parsed.contains("snapshot")) {
        if (line_number != 2 || version != kFormatVersion) {
          return corrupt(path, where + ": a snapshot that is not the first record of a version " +
                                   std::to_string(kFormatVersion) + " file");
        }
        auto decoded = decodeSnapshot(parsed["snapshot"]);
        if (!decoded.ok()) {
          return corrupt(path, where + ": " + decoded.error().message);
        }
        snapshot = std::move(decoded).value();
        first_input = snapshot->after_inputs;
      } else if (parsed.is_object() && parsed.contains("input")) {
        auto input = decodeInput(parsed["input"]);
        if (!input.ok()) {
          return corrupt(path, where + ": " + input.error().message);
        }
        inputs.push_back(std::move(input).value());
      } else if (parsed.is_object() && parsed.contains("checkpoint")) {
        auto checkpoint = decodeCheckpoint(parsed["checkpoint"]);
        if (!checkpoint.ok()) {
          return corrupt(path, where + ": " + checkpoint.error().message);
        }
        if (checkpoint.value().after_inputs > first_input + inputs.size() ||
            checkpoint.value().after_inputs < first_input ||
            (!checkpoints.empty() &&
             checkpoint.value().after_inputs < checkpoints.back().after_inputs)) {
          return corrupt(path, where + ": a checkpoint after input " +
                                   std::to_string(checkpoint.value().after_inputs) +
                                   ", out of order");
        }
        checkpoints.push_back(std::move(checkpoint).value());
        if (snapshot && line_number == 3) {
          snapshot_end = end + 1;
        }
      } else {
        return corrupt(path, where + " is neither an input nor a checkpoint");
      }
      position = end + 1;
    }
    // Replay, checking the state against each checkpoint as the count of inputs reaches it.
    size_t next_checkpoint = 0;
    auto verify = [&](uint64_t applied) -> std::optional<Error> {
      for (; next_checkpoint < checkpoints.size() &&
             checkpoints[next_checkpoint].after_inputs == applied;
           ++next_checkpoint) {
        const Checkpoint& checkpoint = checkpoints[next_checkpoint];
        if ((checkpoint.of_resources ? emulator.stateDigest() : emulator.wholeStateDigest()) !=
            checkpoint.state_digest) {
          return corrupt(path,
                         "it replays to a state that differs from the one it recorded after "
                         "input " +
                             std::to_string(applied) +
                             ": an input was changed, or another hnemu version wrote it");
        }
        ++found.checkpoints;
      }
      return std::nullopt;
    };
    if (snapshot) {
      // Compaction writes the snapshot's checkpoint (its webhook log) right after it.
      if (checkpoints.empty() || checkpoints.front().after_inputs != first_input ||
          snapshot_end == 0) {
        return corrupt(path, "its snapshot has no checkpoint after it");
      }
      if (const Status restored = emulator.restoreState(snapshot->cbor, first_input);
          !restored.ok()) {
        return corrupt(path, "its snapshot cannot be restored: " + restored.error().message);
      }
      if (emulator.stateDigest() != snapshot->state_digest) {
        return corrupt(path,
                       "its snapshot restores to a state that differs from the one it recorded: "
                       "it was changed, or another hnemu version wrote it");
      }
      emulator.webhooks().restoreLog(checkpoints.front().webhooks,
                                     checkpoints.front().next_webhook_id);
    }
    if (auto error = verify(first_input)) {
      return *error;
    }
    for (size_t i = 0; i < inputs.size(); ++i) {
      emulator.replay(inputs[i]);
      if (auto error = verify(first_input + i + 1)) {
        return *error;
      }
    }
    std::vector<Delivery> webhooks;
    uint64_t next_webhook_id = 1;
    if (!checkpoints.empty()) {
      webhooks = std::move(checkpoints.back().webhooks);
      next_webhook_id = checkpoints.back().next_webhook_id;
    }
    emulator.finishReplay(std::move(webhooks), next_webhook_id);
    file->good_size_ = position;
    file->chain_ = chain;
    if (found.dropped_torn_input &&
        (::ftruncate(fd, static_cast<off_t>(position)) != 0 || ::fsync(fd) != 0)) {
      return makeError(ErrorCode::Internal, systemError(path + ": cutting off a torn last input"));
    }
    // It loaded: it is hnemu's, so it is made private too if an older hnemu wrote it otherwise.
    if (::fchmod(fd, 0600) != 0) {
      return makeError(ErrorCode::Internal, systemError(path + ": chmod"));
    }
    found.restored = true;
    found.inputs = inputs.size();
    found.snapshot_inputs = first_input;
    file->inputs_written_ = first_input + inputs.size();
    file->inputs_since_checkpoint_ =
        file->inputs_written_ - (checkpoints.empty() ? 0 : checkpoints.back().after_inputs);
    file->compacted_size_ = snapshot_end;
  }
  if (report != nullptr) {
    *report = found;
  }
  emulator.setInputLog(file.get());
  file->saver_ = std::thread([raw = file.get()] { raw->run(); });
  return file;
}

StateFile::~StateFile() {
  if (saver_.joinable()) {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    saver_.join();
    // What arrives from now on is refused (503, not applied), so the last checkpoint is final.
    {
      std::lock_guard lock(mutex_);
      for (uint64_t ticket = decided_through_ + 1; ticket < next_ticket_; ++ticket) {
        failed_.insert(ticket);
      }
      decided_through_ = next_ticket_ - 1;
      queued_.clear();
      closed_ = true;
    }
    decided_cv_.notify_all();
    if (!broken_) {
      const Status written = writeRecords({checkpointRecord(emulator_.snapshot())});
      if (!written.ok()) {
        std::cerr << "hnemu: could not write the last checkpoint to " << path_ << ": "
                  << written.error().message << std::endl;
      }
    }
    emulator_.setInputLog(nullptr);
  }
  if (fd_ >= 0) {
    ::close(fd_);
  }
}

uint64_t StateFile::append(const RecordedInput& input) {
  std::string encoded = jsonText(json{{"input", encodeInput(input)}});
  uint64_t ticket = 0;
  {
    std::lock_guard lock(mutex_);
    ticket = next_ticket_++;
    if (closed_) {
      failed_.insert(ticket);
      decided_through_ = ticket;
      return ticket;
    }
    queued_.push_back(std::move(encoded));
  }
  wake_.notify_all();
  return ticket;
}

bool StateFile::waitSaved(uint64_t ticket) {
  std::unique_lock lock(mutex_);
  decided_cv_.wait(lock, [&] { return decided_through_ >= ticket; });
  return failed_.erase(ticket) == 0;
}

uint64_t StateFile::saves() const {
  std::lock_guard lock(mutex_);
  return saves_;
}

void StateFile::run() {
  std::unique_lock lock(mutex_);
  bool failing = false;  // say so once per run of failures
  for (;;) {
    wake_.wait(lock, [&] { return stopping_ || !queued_.empty(); });
    if (queued_.empty()) {
      return;  // stopping, and everything is decided
    }
    std::vector<std::string> batch = std::move(queued_);
    queued_.clear();
    lock.unlock();
    const Status written =
        broken_ ? Status(makeError(ErrorCode::Internal, "an earlier write could not be undone"))
                : writeRecords(batch);
    if (!written.ok() && !failing) {
      std::cerr << "hnemu: could not save to " << path_ << ": " << written.error().message
                << "; requests are answered 503 and not applied until saving works again"
                << std::endl;
    }
    failing = !written.ok();
    bool checkpoint_due = false;
    lock.lock();
    const uint64_t first = decided_through_ + 1;
    decided_through_ += batch.size();
    if (written.ok()) {
      ++saves_;
      inputs_written_ += batch.size();
      inputs_since_checkpoint_ += batch.size();
      checkpoint_due = inputs_since_checkpoint_ >= options_.checkpoint_every;
    } else {
      for (uint64_t ticket = first; ticket <= decided_through_; ++ticket) {
        failed_.insert(ticket);
      }
    }
    decided_cv_.notify_all();
    const bool compaction_due =
        written.ok() && good_size_ >= options_.compact_bytes && good_size_ / 2 >= compacted_size_;
    if (compaction_due) {
      lock.unlock();
      compact();  // its snapshot comes with a checkpoint
      lock.lock();
    } else if (checkpoint_due) {
      lock.unlock();
      // Not needed for safety (the inputs are): it lets a restart check the replayed state.
      if (writeRecords({checkpointRecord(emulator_.snapshot())}).ok()) {
        inputs_since_checkpoint_ = 0;
      }
      lock.lock();
    }
  }
}

std::string StateFile::checkpointRecord(const DurableSnapshot& snapshot) const {
  json webhooks = json::array();
  for (const Delivery& delivery : snapshot.webhooks) {
    webhooks.push_back(deliveryJson(delivery));
  }
  return jsonText(
      json{{"checkpoint",
            {{"after_inputs", snapshot.inputs_applied},
             {"state_digest", snapshot.state_digest},
             {"digest", kResourceDigest},
             {"clock",
              {{"now", formatIso8601Millis(snapshot.now)}, {"mode", clockModeName(snapshot.mode)}}},
             {"hnemu", kVersion},
             {"next_webhook_id", snapshot.next_webhook_id},
             {"webhooks", std::move(webhooks)}}}});
}

void StateFile::compact() {
  compacted_size_ = good_size_;  // worked or not, the next try waits until the file doubles
  auto give_up = [&](const std::string& why) {
    if (!compaction_failing_) {
      std::cerr << "hnemu: could not compact " << path_ << " (" << why
                << "); it keeps every input, and compaction is tried again as it grows"
                << std::endl;
    }
    compaction_failing_ = true;
  };
  // Requests wait for their saves meanwhile: the snapshot is of every input written so far.
  const std::optional<SavedState> saved = emulator_.saveState(inputs_written_);
  if (!saved) {
    give_up("a provider's state or a pending timer cannot be saved as data");
    return;
  }
  std::string text = header_;
  std::string chain = chained("", header_);
  const json snapshot = {{"snapshot",
                          {{"after_inputs", saved->checkpoint.inputs_applied},
                           {"state_digest", saved->checkpoint.state_digest},
                           {"hnemu", kVersion},
                           {"cbor_base64", crypto::base64Encode(saved->cbor)}}}};
  appendChained(text, chain, {jsonText(snapshot), checkpointRecord(saved->checkpoint)});
  const std::string temporary = path_ + ".compact";
  const int fd = ::open(temporary.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) {
    give_up(systemError(temporary));
    return;
  }
  const Status written = writeAll(fd, text);
  if (!written.ok() || ::fsync(fd) != 0 || ::flock(fd, LOCK_EX | LOCK_NB) != 0 ||
      ::rename(temporary.c_str(), path_.c_str()) != 0) {
    const std::string why = written.ok() ? systemError(temporary) : written.error().message;
    ::close(fd);
    ::unlink(temporary.c_str());
    give_up(why);
    return;
  }
  syncFolderOf(path_);
  ::close(fd_);
  fd_ = fd;
  good_size_ = text.size();
  chain_ = std::move(chain);
  inputs_since_checkpoint_ = 0;
  compacted_size_ = good_size_;
  compaction_failing_ = false;
}

Status StateFile::writeRecords(const std::vector<std::string>& records) {
  std::string text;
  std::string chain = chain_;
  appendChained(text, chain, records);
  Status status = writeAll(fd_, text);
  if (status.ok() && ::fdatasync(fd_) != 0) {
    status = makeError(ErrorCode::Internal, systemError("fdatasync"));
  }
  if (!status.ok()) {
    // Whatever part of it reached the file goes, so that the next write follows whole records.
    if (::ftruncate(fd_, static_cast<off_t>(good_size_)) != 0) {
      broken_ = true;
    }
    return status;
  }
  good_size_ += text.size();
  chain_ = std::move(chain);
  return Status();
}

}  // namespace hnemu
