// Fuzz target: the multipart parser on any body and boundary; parts always lie inside the body.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/wire/multipart.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) {
    return 0;
  }
  // The first byte says how long the boundary is; the rest is the body.
  const size_t boundary_length = 1 + data[0] % 16;
  if (size < 1 + boundary_length) {
    return 0;
  }
  const std::string_view boundary(reinterpret_cast<const char*>(data) + 1, boundary_length);
  const std::string_view body(reinterpret_cast<const char*>(data) + 1 + boundary_length,
                              size - 1 - boundary_length);
  const auto parts = hnemu::wire::parseMultipart(body, boundary);
  if (parts.ok()) {
    size_t total = 0;
    for (const auto& part : parts.value()) {
      total += part.data.size();
    }
    if (total > body.size()) {
      std::abort();
    }
  }
  return 0;
}
