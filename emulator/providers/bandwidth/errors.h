#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

// Bandwidth Numbers API error codes and texts (Bandwidth's api-docs, errors.mdx). Codes marked
// "hnemu" are our choice where Bandwidth documents none.
namespace hnemu::bandwidth::errors {

inline Error invalidUuid(std::string_view id) {
  return makeError(ErrorCode::InvalidArgument, "'" + std::string(id) + "' is not a valid UUID",
                   "1008");
}
inline Error notFound() {
  return makeError(ErrorCode::NotFound, "The resource does not exist", "");
}
inline Error accessDenied() {
  return makeError(ErrorCode::PermissionDenied, "Access Denied", "1001");
}
inline Error importNotEnabled() {
  return makeError(ErrorCode::PermissionDenied, "The importTnOrder API is not enabled", "5149");
}
// hnemu: Bandwidth documents no code for a body that is not XML.
inline Error malformedXml(std::string_view why) {
  return makeError(ErrorCode::InvalidArgument,
                   "The request body is not well-formed XML: " + std::string(why), "1003");
}
inline Error wrongRoot(std::string_view expected, std::string_view got) {
  return makeError(
      ErrorCode::InvalidArgument,
      "Expected the root element <" + std::string(expected) + ">, got <" + std::string(got) + ">",
      "1003");
}
inline Error bodyTooLarge(size_t limit) {
  return makeError(ErrorCode::PayloadTooLarge,
                   "The request body exceeds the limit of " + std::to_string(limit) + " bytes",
                   "1003");
}

}  // namespace hnemu::bandwidth::errors
