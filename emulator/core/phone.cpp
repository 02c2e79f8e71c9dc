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

// From Google's libphonenumber (resources/PhoneNumberMetadata.xml @f7e3e88, 2026-07): the
// area codes of region CA (fixed line and 600), and the leading digits of the other NANP
// countries. AS, GU, MP, PR and VI are US territories and count as US.
NanpArea nanpArea(std::string_view number) {
  static constexpr std::array<std::string_view, 56> kCanada = {
      "204", "226", "236", "249", "250", "257", "263", "289", "306", "343", "354", "365",
      "367", "368", "382", "403", "416", "418", "428", "431", "437", "438", "450", "468",
      "474", "506", "514", "519", "548", "579", "581", "584", "587", "600", "604", "613",
      "639", "647", "672", "683", "705", "709", "742", "753", "778", "780", "782", "807",
      "819", "825", "867", "873", "879", "902", "905", "942"};
  static constexpr std::array<std::string_view, 21> kCaribbean = {
      "242", "246", "264", "268", "284", "345", "441", "473", "649", "658", "664",
      "721", "758", "767", "784", "809", "829", "849", "868", "869", "876"};
  if (number.size() < 2 || number.substr(0, 2) != "+1") {
    return NanpArea::NotNanp;
  }
  const std::string_view digits = number.substr(2);
  if (digits.size() != 10 || !std::all_of(digits.begin(), digits.end(), [](char c) {
        return std::isdigit(static_cast<unsigned char>(c));
      })) {
    return NanpArea::Malformed;
  }
  const auto n11 = [](std::string_view code) { return code[1] == '1' && code[2] == '1'; };
  const std::string_view area = digits.substr(0, 3);
  const std::string_view exchange = digits.substr(3, 3);
  if (area[0] < '2' || exchange[0] < '2' || n11(area) || n11(exchange)) {
    return NanpArea::Invalid;
  }
  if (std::find(kCanada.begin(), kCanada.end(), area) != kCanada.end()) {
    return NanpArea::Canada;
  }
  if (std::find(kCaribbean.begin(), kCaribbean.end(), area) != kCaribbean.end()) {
    return NanpArea::Caribbean;
  }
  return NanpArea::UnitedStates;
}

}  // namespace hnemu
