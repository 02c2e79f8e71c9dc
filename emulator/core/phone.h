#pragma once

#include <string_view>

namespace hnemu {

// +, a non-zero digit, then up to 14 more digits.
bool isE164(std::string_view number);
// A +1 number in one of the North American toll-free area codes (800, 833, 844, ...).
bool isNanpTollFree(std::string_view e164);

}  // namespace hnemu
