#pragma once

#include <yaml-cpp/yaml.h>

#include <optional>
#include <string>

#include "core/result.h"
#include "engine/world_file.h"

// The world part of a scenario file, read from YAML: the generic keys (seed, clock, start,
// auto_quiet, faults, tamper_webhooks, duplicate_webhooks, delay_webhooks) here, and each
// provider's section handed, by its key, to that provider's ProviderKind::decodeWorld. Unknown keys
// are errors.
namespace hnemu {

// Parses one top-level key into `world`; `known` is false for a key that is neither generic nor
// a provider's name.
std::optional<Error> parseWorldKey(const std::string& source, const std::string& key,
                                   const YAML::Node& value, WorldFile& world, bool& known);

// "seed, clock, start, ..., delay_webhooks, twilio, telnyx or bandwidth".
std::string worldKeysText();

}  // namespace hnemu
