#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

// Twilio's error codes and texts. Titles come from twilio.com/docs/api/errors/<code>; wording of
// 20001/20003/20404 comes from traces of the real API. Twilio does not
// state the HTTP status of the 221xx codes; 400 is our documented choice.
namespace hnemu::twilio::errors {

inline constexpr std::string_view kMoreInfoBase = "https://www.twilio.com/docs/errors/";

inline Error missingParameter(std::string_view name) {
  return makeError(ErrorCode::InvalidArgument,
                   "Missing required parameter " + std::string(name) + " in the post body",
                   "20001");
}
inline Error invalidParameter(std::string_view name, std::string_view why) {
  return makeError(ErrorCode::InvalidArgument,
                   "Invalid parameter " + std::string(name) + ": " + std::string(why), "20001");
}
inline Error malformedBody(std::string_view why) {
  return makeError(ErrorCode::InvalidArgument,
                   "Unable to parse the request body: " + std::string(why), "20001");
}
inline Error bodyTooLarge(size_t limit) {
  return makeError(ErrorCode::PayloadTooLarge,
                   "Request body exceeds the limit of " + std::to_string(limit) + " bytes",
                   "20001");
}
inline Error authenticate() {
  return makeError(ErrorCode::Unauthenticated, "Authenticate", "20003");
}
inline Error notFound(std::string_view path) {
  return makeError(ErrorCode::NotFound,
                   "The requested resource " + std::string(path) + " was not found", "20404");
}
inline Error methodNotAllowed(std::string_view method) {
  return makeError(ErrorCode::FailedPrecondition, "Method not allowed: " + std::string(method),
                   "20004");
}
inline Error invalidPhoneNumber(std::string_view param, std::string_view number) {
  return makeError(ErrorCode::InvalidArgument,
                   std::string(param) + " is invalid: '" + std::string(number) +
                       "' must be a valid phone number in E.164 format",
                   "21421");
}
inline Error maxVerificationAttempts() {
  return makeError(ErrorCode::FailedPrecondition,
                   "You have reached maximum verification attempts on this Hosted Number Order. "
                   "Please reach out to hostedsms@twilio.com to reset the verification attempts.",
                   "22100");
}
inline Error invalidOrderSids(std::string_view why) {
  return makeError(ErrorCode::InvalidArgument,
                   "Invalid Hosted Number Order SIDs: " + std::string(why), "22101");
}
inline Error unsupportedCountry(std::string_view number) {
  return makeError(ErrorCode::InvalidArgument,
                   "Unsupported Iso Country: hosting " + std::string(number) +
                       " is only available for US and Canada numbers",
                   "22103");
}
inline Error invalidMethod(std::string_view name) {
  return makeError(ErrorCode::InvalidArgument,
                   "Invalid Method: " + std::string(name) + " must be GET or POST", "22106");
}
inline Error unableToUpdateDocument(std::string_view status) {
  return makeError(ErrorCode::FailedPrecondition,
                   "Unable to Update Authorization Document: it is " + std::string(status) +
                       ". Update the Authorization Document to status 'opened' if it is not "
                       "already in a terminal state",
                   "22107");
}
inline Error invalidAddressSid(std::string_view sid) {
  return makeError(ErrorCode::InvalidArgument, "Invalid Address SID: '" + std::string(sid) + "'",
                   "22109");
}
inline Error notHostable(std::string_view number, std::string_view why) {
  return makeError(ErrorCode::FailedPrecondition,
                   "Phone Number Not Hostable: " + std::string(number) + " " + std::string(why),
                   "22110");
}
inline Error invalidOrderStatus(std::string_view why) {
  return makeError(ErrorCode::InvalidArgument,
                   "Invalid Hosted Number Order Status: " + std::string(why), "22111");
}
inline Error unableToUpdateOrder(std::string_view why) {
  return makeError(ErrorCode::FailedPrecondition,
                   "Unable to Update Hosted Number Order Status: " + std::string(why), "22112");
}
inline Error unableToVerifyCode() {
  return makeError(ErrorCode::FailedPrecondition,
                   "Unable to Verify Code: a VerificationCode can only be given while the Hosted "
                   "Number Order is pending-verification",
                   "22114");
}
inline Error invalidCapabilities(std::string_view param) {
  return makeError(ErrorCode::InvalidArgument,
                   "Invalid Capabilities: " + std::string(param) + " must be true", "22119");
}
inline Error invalidDocumentStatus(std::string_view status) {
  return makeError(ErrorCode::InvalidArgument,
                   "Invalid Authorization Document Status '" + std::string(status) +
                       "': it must be opened or signing",
                   "22122");
}

// Api v2010 Messages. Texts as the real API words them (traces in Twilio's SDKs' issues).
inline Error messageBodyRequired() {
  return makeError(ErrorCode::InvalidArgument, "Message body is required.", "21602");
}
inline Error messageFromRequired() {
  return makeError(ErrorCode::InvalidArgument,
                   "A 'From' or 'MessagingServiceSid' parameter is required to send a message.",
                   "21603");
}
inline Error messageToRequired() {
  return makeError(ErrorCode::InvalidArgument, "A 'To' phone number is required.", "21604");
}
inline Error messageToInvalid(std::string_view to) {
  return makeError(ErrorCode::InvalidArgument,
                   "The 'To' number " + std::string(to) + " is not a valid phone number.", "21211");
}
inline Error messageFromNotSendable(std::string_view from) {
  return makeError(ErrorCode::InvalidArgument,
                   "The From phone number " + std::string(from) +
                       " is not a valid, SMS-capable inbound phone number or short code for your "
                       "account.",
                   "21606");
}
inline Error messageBodyTooLong() {
  return makeError(ErrorCode::InvalidArgument,
                   "The concatenated message body exceeds the 1600 character limit.", "21617");
}
inline Error messagingServiceInvalid(std::string_view sid) {
  return makeError(ErrorCode::InvalidArgument,
                   "The Messaging Service Sid " + std::string(sid) + " is invalid.", "21701");
}

}  // namespace hnemu::twilio::errors
