#pragma once

#include <nlohmann/json.hpp>

#include "core/journal.h"
#include "core/webhooks.h"

// The JSON form of the emulator's records, shared by the control API and the harness's report.
namespace hnemu {

nlohmann::json journalEntryJson(const JournalEntry& entry);
nlohmann::json deliveryJson(const Delivery& delivery);
// The way back, for a state file; an error names what is missing or mistyped.
Result<Delivery> deliveryFromJson(const nlohmann::json& json);

}  // namespace hnemu
