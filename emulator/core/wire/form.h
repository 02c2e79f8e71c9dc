#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"

namespace hnemu::wire {

using FormPairs = std::vector<std::pair<std::string, std::string>>;

// application/x-www-form-urlencoded: '+' and %20 are spaces, repeated keys are kept in order.
// Malformed escapes and invalid UTF-8 are errors, never guesses.
Result<FormPairs> parseForm(std::string_view body);
Result<std::string> percentDecode(std::string_view text, bool plus_is_space);
// Encodes as Twilio's SDK does: space as %20, unreserved characters kept.
std::string percentEncode(std::string_view text);
std::string encodeForm(const FormPairs& pairs);
bool isValidUtf8(std::string_view text);

// Lookups over parsed pairs.
const std::string* formValue(const FormPairs& pairs, std::string_view key);
std::vector<std::string> formValues(const FormPairs& pairs, std::string_view key);

}  // namespace hnemu::wire
