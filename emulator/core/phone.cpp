#include "core/phone.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace hnemu {

bool isE164(std::string_view number) {
  return number.size() >= 3 && number.size() <= 16 && number[0] == '+' && number[1] != '0' &&
         std::all_of(number.begin() + 1, number.end(),
                     [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

bool isNanpTollFree(std::string_view e164) {
  static constexpr std::array<std::string_view, 8> kTollFree = {"800", "833", "844", "855",
                                                                "866", "877", "888", "822"};
  return e164.size() == 12 && e164.substr(0, 2) == "+1" &&
         std::find(kTollFree.begin(), kTollFree.end(), e164.substr(2, 3)) != kTollFree.end();
}

}  // namespace hnemu
