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
// The in-service list's 404s, in the words of Bandwidth's spec (which gives no body).
inline Error invalidSearch() {
  return makeError(ErrorCode::NotFound,
                   "The search parameters are invalid and prevent finding any content", "");
}
inline Error notInService() {
  return makeError(ErrorCode::NotFound, "The telephone number is not currently in service.", "");
}
inline Error accessDenied() {
  return makeError(ErrorCode::PermissionDenied, "Access Denied", "1001");
}
inline Error documentNameTooLong() {
  return makeError(ErrorCode::InvalidArgument, "Document name too long, max 50 characters", "7800");
}
inline Error unknownDocumentType() {
  return makeError(ErrorCode::InvalidArgument,
                   "Unknown documentType specified, valid values are: LOA, INVOICE, CSR, OTHER.",
                   "7639");
}
inline Error conflictingDocumentType() {
  return makeError(ErrorCode::InvalidArgument,
                   "Conflicting values specified for documentType query parameter and "
                   "documentType header.",
                   "7641");
}
// hnemu: Bandwidth documents a 400 for a failed upload but no code for these two; 7640 and 7642
// are hnemu's (Bandwidth's catalogue uses them for other documentType and toll-free errors).
inline Error unsupportedFileType(std::string_view content_type) {
  return makeError(
      ErrorCode::InvalidArgument,
      "Content-Type '" + std::string(content_type) + "' is not a supported LOA file type", "7640");
}
inline Error emptyFile() {
  return makeError(ErrorCode::InvalidArgument, "The file is empty", "7642");
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
