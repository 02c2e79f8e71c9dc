#pragma once

#include <string_view>

namespace hnemu {

// +, a non-zero digit, then up to 14 more digits.
bool isE164(std::string_view number);
// A +1 number in one of the North American toll-free area codes (800, 833, 844, ...).
bool isNanpTollFree(std::string_view e164);

// Where a +1 number belongs in the North American Numbering Plan.
enum class NanpArea {
  NotNanp,       // not +1
  Malformed,     // +1 not followed by exactly 10 digits
  Invalid,       // an area code or exchange starting with 0 or 1, or of the form N11
  Canada,        // a Canadian area code (geographic, or 600)
  Caribbean,     // an area code of another NANP country (Jamaica, Bahamas, Bermuda, ...)
  UnitedStates,  // everything else: the states, the US territories, toll-free
};
NanpArea nanpArea(std::string_view number);

}  // namespace hnemu
