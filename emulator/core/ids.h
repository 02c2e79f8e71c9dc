#pragma once

#include <cstdint>
#include <mutex>
#include <random>
#include <string>
#include <string_view>

namespace hnemu {

// Every id, SID and code the emulator hands out comes from here, so that the same seed and the
// same requests give byte-identical responses. std::mt19937_64 is fully specified by the
// standard; values are derived from its raw output, not from implementation-defined distributions.
class IdGenerator {
 public:
  explicit IdGenerator(uint64_t seed);

  void reseed(uint64_t seed);
  uint64_t seed() const;

  // Two-letter prefix plus 32 lowercase hex digits, e.g. HR3f…, as Twilio's SIDs.
  std::string sid(std::string_view prefix);
  // RFC 4122 version 4 layout.
  std::string uuid();
  // A string of decimal digits, for verification codes and numeric ids.
  std::string digits(size_t count);
  std::string hex(size_t count);
  uint64_t next();
  // The generator's whole state as text, and back (--state snapshots); false if it is not one.
  std::string saveState() const;
  bool restoreState(uint64_t seed, const std::string& saved);

 private:
  mutable std::mutex mutex_;
  uint64_t seed_;
  std::mt19937_64 engine_;
};

}  // namespace hnemu
