#include "core/journal.h"

namespace hnemu {
namespace {

std::string truncated(std::string text) {
  if (text.size() > Journal::kBodyLimit) {
    const size_t total = text.size();
    text.resize(Journal::kBodyLimit);
    text += "…(" + std::to_string(total) + " bytes)";
  }
  return text;
}

}  // namespace

Journal::Journal(size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}

void Journal::record(JournalEntry entry) {
  entry.request_body = truncated(std::move(entry.request_body));
  entry.response_body = truncated(std::move(entry.response_body));
  std::lock_guard lock(mutex_);
  entry.sequence = next_sequence_++;
  entries_.push_back(std::move(entry));
  while (entries_.size() > capacity_) {
    entries_.pop_front();
    ++dropped_;
  }
}

std::vector<JournalEntry> Journal::entries(uint64_t after_sequence, size_t limit) const {
  std::lock_guard lock(mutex_);
  std::vector<JournalEntry> out;
  for (const JournalEntry& entry : entries_) {
    if (entry.sequence > after_sequence) {
      out.push_back(entry);
      if (out.size() >= limit) {
        break;
      }
    }
  }
  return out;
}

std::vector<JournalEntry> Journal::newest(size_t count) const {
  std::lock_guard lock(mutex_);
  const size_t skip = entries_.size() > count ? entries_.size() - count : 0;
  return std::vector<JournalEntry>(entries_.begin() + static_cast<std::ptrdiff_t>(skip),
                                   entries_.end());
}

size_t Journal::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

uint64_t Journal::generation() const {
  std::lock_guard lock(mutex_);
  return generation_;
}

uint64_t Journal::dropped() const {
  std::lock_guard lock(mutex_);
  return dropped_;
}

void Journal::clear() {
  std::lock_guard lock(mutex_);
  entries_.clear();
  dropped_ = 0;
  ++generation_;
}

}  // namespace hnemu
