#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

// Telnyx's error codes and titles (developers.telnyx.com api-errors). The JSON pointer of the
// offending field travels in Error::message after a '\n', and a title other than the code's
// after a second one.
namespace hnemu::telnyx::errors {

inline Error withPointer(ErrorCode code, std::string provider_code, std::string detail,
                         std::string_view pointer = {}) {
  return makeError(code, pointer.empty() ? detail : detail + "\n" + std::string(pointer),
                   std::move(provider_code));
}
// With a title of its own instead of the code's (after a second '\n').
inline Error withTitle(Error error, std::string_view title) {
  if (error.message.find('\n') == std::string::npos) {
    error.message += "\n";
  }
  error.message += "\n" + std::string(title);
  return error;
}

inline Error authenticationFailed() {
  return withPointer(ErrorCode::Unauthenticated, "10009",
                     "The required authentication headers were either invalid or not included "
                     "in the request.");
}
inline Error authorizationFailed() {
  return withPointer(ErrorCode::PermissionDenied, "10010",
                     "The account is not authorized to perform this action.");
}
// A real answer of POST /v2/messages (paperclipai/paperclip#6319).
inline Error invalidFrom() {
  return withPointer(ErrorCode::InvalidArgument, "40305",
                     "The 'from' address should be string containing a valid number associated "
                     "with the sending messaging profile.");
}
inline Error notFound() {
  return withPointer(ErrorCode::NotFound, "10005",
                     "The requested resource or URL could not be found.");
}
inline Error missingParameter(std::string_view pointer) {
  return withPointer(
      ErrorCode::InvalidArgument, "10004",
      "The '" + std::string(pointer.substr(pointer.rfind('/') + 1)) + "' parameter is required.",
      pointer);
}
inline Error badRequest(std::string detail, std::string_view pointer = {}) {
  return withPointer(ErrorCode::InvalidArgument, "10015", std::move(detail), pointer);
}
inline Error notE164(std::string_view number, std::string_view pointer) {
  return withPointer(ErrorCode::InvalidArgument, "10016",
                     "'" + std::string(number) + "' must be in +E.164 format.", pointer);
}
inline Error invalidUrl(std::string_view pointer) {
  return withPointer(ErrorCode::InvalidArgument, "10003",
                     "The URL provided was invalid, malformed, or too long. URLs can be a maximum "
                     "of 2000 characters.",
                     pointer);
}
inline Error associatedResourceMissing(std::string detail, std::string_view pointer) {
  return withPointer(ErrorCode::InvalidArgument, "10017", std::move(detail), pointer);
}
inline Error invalidState(std::string detail) {
  return withPointer(ErrorCode::FailedPrecondition, "10015", std::move(detail));
}
inline Error malformedJson(std::string_view why) {
  return withPointer(ErrorCode::InvalidArgument, "10015",
                     "The request body is not valid JSON: " + std::string(why));
}
inline Error unsupportedMediaType(std::string_view detail) {
  return withPointer(ErrorCode::InvalidArgument, "10014", std::string(detail));
}
inline Error bodyTooLarge(size_t limit) {
  return withPointer(ErrorCode::PayloadTooLarge, "10015",
                     "The request body exceeds the limit of " + std::to_string(limit) + " bytes.");
}

std::string_view titleFor(std::string_view code);

}  // namespace hnemu::telnyx::errors
