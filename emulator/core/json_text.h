#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace hnemu {

// Every JSON the emulator writes: strings can hold whatever bytes a client sent (a path, a
// parameter), and nlohmann's dump() throws on invalid UTF-8, so invalid sequences become U+FFFD.
inline std::string jsonText(const nlohmann::json& value, int indent = -1) {
  return value.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace hnemu
