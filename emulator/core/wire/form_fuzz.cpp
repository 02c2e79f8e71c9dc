// Fuzz target: the form decoder never crashes, and whatever it accepts survives a round trip.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/wire/form.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto parsed = hnemu::wire::parseForm(input);
  if (!parsed.ok()) {
    return 0;
  }
  const auto again = hnemu::wire::parseForm(hnemu::wire::encodeForm(parsed.value()));
  // Pairs with an empty key and value are dropped by the decoder, as browsers do.
  if (!again.ok()) {
    std::abort();
  }
  return 0;
}
