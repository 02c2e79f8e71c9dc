#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hnemu {

// A non-negative decimal integer as a person or a URL writes it: digits only, at most 19 of them
// (so it fits in 64 bits), no sign, no spaces.
inline std::optional<uint64_t> parseUnsigned(std::string_view text) {
  if (text.empty() || text.size() > 19 ||
      text.find_first_not_of("0123456789") != std::string_view::npos) {
    return std::nullopt;
  }
  return std::stoull(std::string(text));
}

}  // namespace hnemu
