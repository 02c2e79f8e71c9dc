#include "core/ids.h"

#include <sstream>

namespace hnemu {

IdGenerator::IdGenerator(uint64_t seed) : seed_(seed), engine_(seed) {}

void IdGenerator::reseed(uint64_t seed) {
  std::lock_guard lock(mutex_);
  seed_ = seed;
  engine_.seed(seed);
}

uint64_t IdGenerator::seed() const {
  std::lock_guard lock(mutex_);
  return seed_;
}

std::string IdGenerator::saveState() const {
  std::lock_guard lock(mutex_);
  std::ostringstream out;
  out << engine_;
  return out.str();
}

bool IdGenerator::restoreState(uint64_t seed, const std::string& saved) {
  std::istringstream in(saved);
  std::mt19937_64 restored;
  in >> restored;
  if (in.fail()) {
    return false;
  }
  std::lock_guard lock(mutex_);
  seed_ = seed;
  engine_ = restored;
  return true;
}

uint64_t IdGenerator::next() {
  std::lock_guard lock(mutex_);
  return engine_();
}

std::string IdGenerator::hex(size_t count) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(count);
  std::lock_guard lock(mutex_);
  uint64_t bits = 0;
  int left = 0;
  for (size_t i = 0; i < count; ++i) {
    if (left == 0) {
      bits = engine_();
      left = 16;
    }
    out.push_back(kHex[bits & 0xF]);
    bits >>= 4;
    --left;
  }
  return out;
}

std::string IdGenerator::sid(std::string_view prefix) { return std::string(prefix) + hex(32); }

std::string IdGenerator::uuid() {
  std::string h = hex(32);
  h[12] = '4';
  static constexpr char kVariant[] = "89ab";
  h[16] = kVariant[static_cast<unsigned char>(h[16]) % 4];
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) +
         "-" + h.substr(20);
}

std::string IdGenerator::digits(size_t count) {
  std::string out;
  out.reserve(count);
  std::lock_guard lock(mutex_);
  for (size_t i = 0; i < count; ++i) {
    // Rejection sampling keeps every digit equally likely.
    uint64_t value = 0;
    do {
      value = engine_() >> 60;
    } while (value >= 10);
    out.push_back(static_cast<char>('0' + value));
  }
  return out;
}

}  // namespace hnemu
