// Fuzz target: any bytes as a scenario file: a value or an error with a position, never a crash.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "scenario/scenario.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto scenario = hnemu::parseScenario(text, "fuzz.yaml");
  if (!scenario.ok() && scenario.error().message.rfind("fuzz.yaml:", 0) != 0) {
    std::abort();  // every error must say where it is
  }
  return 0;
}
