#pragma once

#include <array>
#include <optional>
#include <string_view>
#include <utility>

namespace hnemu {

// Wire names of an enum, declared once as a table of (value, name) pairs.
template <class Enum, size_t N>
using EnumNames = std::array<std::pair<Enum, std::string_view>, N>;

template <class Enum, size_t N>
std::optional<Enum> enumFromName(const EnumNames<Enum, N>& table, std::string_view text) {
  for (const auto& [value, name] : table) {
    if (name == text) {
      return value;
    }
  }
  return std::nullopt;
}

template <class Enum, size_t N>
std::string_view enumName(const EnumNames<Enum, N>& table, Enum value) {
  for (const auto& [candidate, name] : table) {
    if (candidate == value) {
      return name;
    }
  }
  return "unknown";
}

}  // namespace hnemu
