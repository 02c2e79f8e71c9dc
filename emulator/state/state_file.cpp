#include "state/state_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "control/records.h"
#include "core/crypto.h"
#include "core/json_text.h"
#include "core/time.h"

namespace hnemu {
namespace {

using nlohmann::json;

constexpr std::string_view kFormat = "hnemu-state";
constexpr int kFormatVersion = 1;

std::string_view kindName(RecordedInput::Kind kind) {
  switch (kind) {
    case RecordedInput::Kind::Request:
      return "request";
    case RecordedInput::Kind::FireNextTimer:
      return "fire_next_timer";
    case RecordedInput::Kind::AdvanceTo:
      return "advance_to";
  }
  return "request";
}

Error corrupt(const std::string& path, const std::string& why) {
  return Error{ErrorCode::InvalidArgument,
               path + " is not a state file hnemu can load (" + why +
                   "); move it aside or remove it to start afresh",
               ""};
}

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
  if (*kind == "fire_next_timer") {
    input.kind = RecordedInput::Kind::FireNextTimer;
    return input;
  }
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

StateFile::StateFile(std::string path, Emulator& emulator, json base)
    : path_(std::move(path)), emulator_(emulator), base_(std::move(base)) {}

Result<std::unique_ptr<StateFile>> StateFile::open(const std::string& path, Emulator& emulator,
                                                   json base, RestoreReport* report) {
  std::unique_ptr<StateFile> file(new StateFile(path, emulator, std::move(base)));
  std::error_code ignored;
  std::filesystem::remove(path + ".tmp", ignored);  // a save cut short by a kill
  RestoreReport found;
  if (std::filesystem::exists(path, ignored)) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      return makeError(ErrorCode::NotFound, path + ": cannot read the file");
    }
    std::stringstream text;
    text << in.rdbuf();
    const json saved = json::parse(text.str(), nullptr, false);
    if (saved.is_discarded()) {
      return corrupt(path, "not valid JSON; was it written by something else?");
    }
    // json::value(key, default) throws when the field has another type; these compare instead.
    if (!saved.is_object() || saved.value("format", json()) != kFormat) {
      return corrupt(path, "no \"format\": \"hnemu-state\"");
    }
    const json version = saved.value("version", json(0));
    if (version != kFormatVersion) {
      return corrupt(path, "format version " + jsonText(version) + ", this hnemu reads version " +
                               std::to_string(kFormatVersion));
    }
    if (!saved.contains("base") || saved["base"] != file->base_) {
      return makeError(
          ErrorCode::FailedPrecondition,
          path + " was saved from another start: " +
              (saved.contains("base") ? jsonText(saved["base"]) : std::string("(none)")) +
              "; now: " + jsonText(file->base_) +
              ". Start with the same --seed, --clock, --start, --scenario and limits, or use "
              "another --state file");
    }
    static const json kMissing;  // an lvalue, so that the fields below are read, not copied
    const json& inputs = saved.contains("inputs") ? saved["inputs"] : kMissing;
    const json& webhooks = saved.contains("webhooks") ? saved["webhooks"] : kMissing;
    const json& clock = saved.contains("clock") ? saved["clock"] : kMissing;
    if (!inputs.is_array() || !webhooks.is_array() || !clock.is_object() ||
        !clock.contains("now") || !clock["now"].is_string() || !clock.contains("mode") ||
        !clock["mode"].is_string() || !saved.contains("next_webhook_id") ||
        !saved["next_webhook_id"].is_number_unsigned() || !saved.contains("state_digest") ||
        !saved["state_digest"].is_string()) {
      return corrupt(path, "inputs, webhooks, clock, next_webhook_id or state_digest missing");
    }
    const auto now = parseIso8601(clock["now"].get<std::string>());
    const auto mode = parseClockMode(clock["mode"].get<std::string>());
    if (!now.ok() || !mode.ok()) {
      return corrupt(path, "the clock's now or mode is unreadable");
    }
    // Everything is decoded before anything is applied: a bad file changes nothing.
    std::vector<RecordedInput> decoded;
    decoded.reserve(inputs.size());
    for (size_t i = 0; i < inputs.size(); ++i) {
      auto input = decodeInput(inputs[i]);
      if (!input.ok()) {
        return corrupt(path, "input #" + std::to_string(i + 1) + ": " + input.error().message);
      }
      decoded.push_back(std::move(input).value());
    }
    std::vector<Delivery> deliveries;
    for (const json& each : webhooks) {
      auto delivery = deliveryFromJson(each);
      if (!delivery.ok()) {
        return corrupt(path, delivery.error().message);
      }
      deliveries.push_back(std::move(delivery).value());
    }
    for (const RecordedInput& input : decoded) {
      emulator.replay(input);
      file->inputs_.push_back(jsonText(encodeInput(input)));
    }
    RecordedInput until_save;
    until_save.kind = RecordedInput::Kind::AdvanceTo;
    until_save.at = now.value();
    emulator.replay(until_save);
    found.diverged = emulator.stateDigest() != saved["state_digest"].get<std::string>();
    emulator.finishReplay(mode.value(), std::move(deliveries),
                          saved["next_webhook_id"].get<uint64_t>());
    found.restored = true;
    found.inputs = decoded.size();
    file->saved_through_ = decoded.size();
  }
  if (report != nullptr) {
    *report = found;
  }
  emulator.setInputLog(file.get());
  file->saver_ = std::thread([raw = file.get()] { raw->run(); });
  return file;
}

StateFile::~StateFile() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (saver_.joinable()) {
    saver_.join();
  }
  emulator_.setInputLog(nullptr);
  saved_cv_.notify_all();
}

uint64_t StateFile::append(RecordedInput input) {
  std::string encoded = jsonText(encodeInput(input));
  uint64_t ticket = 0;
  {
    std::lock_guard lock(mutex_);
    inputs_.push_back(std::move(encoded));
    ticket = inputs_.size();
  }
  wake_.notify_all();
  return ticket;
}

void StateFile::waitSaved(uint64_t ticket) {
  std::unique_lock lock(mutex_);
  saved_cv_.wait(lock, [&] { return saved_through_ >= ticket || stopping_; });
}

uint64_t StateFile::saves() const {
  std::lock_guard lock(mutex_);
  return saves_;
}

void StateFile::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [&] { return stopping_ || inputs_.size() > saved_through_; });
    if (inputs_.size() <= saved_through_) {
      return;  // stopping, and everything is on disk
    }
    lock.unlock();
    size_t covered = 0;
    const DurableSnapshot snapshot = emulator_.snapshot([&] {
      std::lock_guard inputs_lock(mutex_);
      covered = inputs_.size();
    });
    std::string text;
    {
      std::lock_guard inputs_lock(mutex_);
      json webhooks = json::array();
      for (const Delivery& delivery : snapshot.webhooks) {
        webhooks.push_back(deliveryJson(delivery));
      }
      json head = {
          {"format", kFormat},
          {"version", kFormatVersion},
          {"hnemu", kVersion},
          {"base", base_},
          {"clock",
           {{"now", formatIso8601Millis(snapshot.now)}, {"mode", clockModeName(snapshot.mode)}}},
          {"state_digest", snapshot.state_digest},
          {"next_webhook_id", snapshot.next_webhook_id},
          {"webhooks", std::move(webhooks)}};
      text = jsonText(head);
      text.pop_back();  // the closing brace: the inputs follow, one per line
      text += ",\n\"inputs\": [";
      for (size_t i = 0; i < covered; ++i) {
        text += i == 0 ? "\n" : ",\n";
        text += inputs_[i];
      }
      text += "\n]}\n";
    }
    const Status written = write(text);
    if (!written.ok()) {
      // The requests waiting are answered anyway: an emulator that hangs is worse than one
      // whose next save may succeed. The error says what was not saved.
      std::cerr << "hnemu: could not save " << path_ << ": " << written.error().message
                << std::endl;
    }
    lock.lock();
    saved_through_ = std::max<uint64_t>(saved_through_, covered);
    ++saves_;
    saved_cv_.notify_all();
  }
}

Status StateFile::write(const std::string& text) const {
  const std::string temporary = path_ + ".tmp";
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    return makeError(ErrorCode::Internal, temporary + ": " + std::strerror(errno));
  }
  Status status = writeAll(fd, text);
  if (status.ok() && ::fsync(fd) != 0) {
    status = makeError(ErrorCode::Internal, std::string("fsync: ") + std::strerror(errno));
  }
  ::close(fd);
  if (!status.ok()) {
    return status;
  }
  if (std::rename(temporary.c_str(), path_.c_str()) != 0) {
    return makeError(ErrorCode::Internal, std::string("rename: ") + std::strerror(errno));
  }
  // The rename is durable once the folder is synced.
  const std::string folder = std::filesystem::path(path_).parent_path().empty()
                                 ? std::string(".")
                                 : std::filesystem::path(path_).parent_path().string();
  const int dir = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return Status();
}

}  // namespace hnemu
