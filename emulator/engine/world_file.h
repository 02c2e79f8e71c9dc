#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/faults.h"
#include "providers/provider.h"

namespace hnemu {

// The world the emulator starts from: the generic settings of a world file, and each provider's
// section, decoded by that provider (scenario/world_file.h reads it from YAML; the control API's
// PUT /__hnemu/scenario the same way).
struct WorldFile {
  std::optional<uint64_t> seed;
  std::optional<ClockMode> clock;
  std::optional<TimePoint> start;
  std::optional<Millis> auto_quiet;
  std::optional<Millis> auto_observe;
  std::vector<FaultRule> faults;  // injected after every load and reset of this world
  int tamper_webhooks = 0;        // deliveries whose first attempt carries a forged signature
  int duplicate_webhooks = 0;     // deliveries sent twice
  int delay_webhooks = 0;         // deliveries held back `delay_webhooks_by`: later ones overtake
  Millis delay_webhooks_by{0};
  // By provider name; a provider without a section keeps the world it has.
  std::map<std::string, std::shared_ptr<const WorldSection>> sections;
};

}  // namespace hnemu
