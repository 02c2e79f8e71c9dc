#pragma once

#include <array>
#include <chrono>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <tuple>
#include <utility>

#include "core/time.h"

// How providers' models are written into a snapshot (--state compaction): for the snapshot
// codecs in each provider's folder, with HNEMU_SAVED_FIELDS for their structs. Times and
// durations are integer milliseconds; an empty optional is null. Enums are their integer values
// and a struct is the array of its fields in order: a snapshot is read back by the same hnemu
// build that wrote it (its digest says when it is not).
namespace nlohmann {

template <class T>
struct adl_serializer<std::optional<T>> {
  static void to_json(json& out, const std::optional<T>& value) {
    if (value) {
      out = *value;
    } else {
      out = nullptr;
    }
  }
  static void from_json(const json& in, std::optional<T>& value) {
    if (in.is_null()) {
      value.reset();
    } else {
      value = in.get<T>();
    }
  }
};

template <>
struct adl_serializer<hnemu::TimePoint> {
  static void to_json(json& out, const hnemu::TimePoint& value) {
    out = value.time_since_epoch().count();
  }
  static void from_json(const json& in, hnemu::TimePoint& value) {
    value = hnemu::TimePoint(hnemu::Millis(in.get<int64_t>()));
  }
};

// As pairs: nlohmann would write a multimap with string keys as an object, one value per key.
template <class K, class V>
struct adl_serializer<std::multimap<K, V>> {
  static void to_json(json& out, const std::multimap<K, V>& pairs) {
    out = json::array();
    for (const auto& [key, value] : pairs) {
      out.push_back(json::array({key, value}));
    }
  }
  static void from_json(const json& in, std::multimap<K, V>& pairs) {
    pairs.clear();
    for (const json& pair : in) {
      pairs.emplace(pair.at(0).template get<K>(), pair.at(1).template get<V>());
    }
  }
};

template <>
struct adl_serializer<hnemu::Millis> {
  static void to_json(json& out, const hnemu::Millis& value) { out = value.count(); }
  static void from_json(const json& in, hnemu::Millis& value) {
    value = hnemu::Millis(in.get<int64_t>());
  }
};

}  // namespace nlohmann

// A struct as the array of the fields listed (arrays cost far less than objects to build and
// read back); in the struct's namespace, so that nlohmann finds them.
#define HNEMU_SAVED_TO(field) out.push_back(value.field);
#define HNEMU_SAVED_FROM(field) in.at(index++).get_to(value.field);
#define HNEMU_SAVED_FIELDS(Type, ...)                                                            \
  inline void to_json(nlohmann::json& out, const Type& value) {                                  \
    out = nlohmann::json::array();                                                               \
    NLOHMANN_JSON_EXPAND(NLOHMANN_JSON_PASTE(HNEMU_SAVED_TO, __VA_ARGS__))                       \
  }                                                                                              \
  inline void from_json(const nlohmann::json& in, Type& value) {                                 \
    size_t index = 0;                                                                            \
    NLOHMANN_JSON_EXPAND(NLOHMANN_JSON_PASTE(HNEMU_SAVED_FROM, __VA_ARGS__))                     \
    if (index != in.size()) {                                                                    \
      throw nlohmann::json::type_error::create(302, #Type " has another number of fields", &in); \
    }                                                                                            \
  }

namespace hnemu {

// A model's members, copied under the state lock, written as a JSON object (named by `names`)
// when the returned function is called, off the lock.
template <size_t N, class... T>
std::function<nlohmann::json()> savedLater(const std::array<const char*, N>& names,
                                           std::tuple<const T&...> members) {
  static_assert(N == sizeof...(T), "one name per member");
  return [names, copy = std::tuple<T...>(members)] {
    nlohmann::json out = nlohmann::json::object();
    std::apply(
        [&](const auto&... member) {
          size_t index = 0;
          ((out[names[index++]] = member), ...);
        },
        copy);
    return out;
  };
}

// The members back from such an object; throws nlohmann::json::exception when they do not decode.
template <size_t N, class... T>
void restoreMembers(const nlohmann::json& saved, const std::array<const char*, N>& names,
                    std::tuple<T&...> members) {
  static_assert(N == sizeof...(T), "one name per member");
  std::apply(
      [&](auto&... member) {
        size_t index = 0;
        ((saved.at(names[index++]).get_to(member)), ...);
      },
      members);
}

}  // namespace hnemu
