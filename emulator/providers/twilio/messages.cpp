// Api v2010 Messages: "send your first message" from a hosted number. A message is checked as
// Twilio checks it, stored as queued and never delivered.
#include <algorithm>
#include <string>

#include "providers/twilio/errors.h"
#include "providers/twilio/model.h"

namespace hnemu::twilio {
namespace {

// The GSM 03.38 characters outside ASCII, and those of the extension table (two septets each).
constexpr std::u32string_view kGsmNonAscii = U"£¥èéùìòÇØøÅåΔΦΓΛΩΠΨΣΘΞÆæßÉ¤¡ÄÖÑÜ§¿äöñüà€";
constexpr std::u32string_view kGsmExtension = U"^{}\\[~]|€";

std::u32string codePoints(const std::string& utf8) {
  std::u32string out;
  for (size_t i = 0; i < utf8.size();) {
    const auto lead = static_cast<unsigned char>(utf8[i]);
    const size_t length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    char32_t point = length == 1 ? lead : lead & (0x3F >> (length - 1));
    for (size_t k = 1; k < length && i + k < utf8.size(); ++k) {
      point = (point << 6) | (static_cast<unsigned char>(utf8[i + k]) & 0x3F);
    }
    out.push_back(point);
    i += length;
  }
  return out;
}

bool isGsm(char32_t c) {
  if (c < 0x80) {
    return c != U'`' && (c >= 0x20 || c == U'\n' || c == U'\r');
  }
  return kGsmNonAscii.find(c) != std::u32string_view::npos;
}

}  // namespace

// GSM-7 when every character has a septet (160 in one part, 153 per part when split), else
// UCS-2 (70, then 67 UTF-16 units per part).
int messageSegments(const std::string& body) {
  const std::u32string points = codePoints(body);
  const bool gsm = std::all_of(points.begin(), points.end(), isGsm);
  size_t units = 0;
  for (const char32_t c : points) {
    if (gsm) {
      units += kGsmExtension.find(c) == std::u32string_view::npos ? 1 : 2;
    } else {
      units += c > 0xFFFF ? 2 : 1;
    }
  }
  const size_t single = gsm ? 160 : 70;
  const size_t part = gsm ? 153 : 67;
  if (units <= single) {
    return 1;
  }
  return static_cast<int>((units + part - 1) / part);
}

Result<Message> Model::sendMessage(const Account& owner, const SendMessageInput& input) {
  if (!input.to || input.to->empty()) {
    return errors::messageToRequired();
  }
  const bool has_from = input.from && !input.from->empty();
  const bool has_service = input.messaging_service_sid && !input.messaging_service_sid->empty();
  if (!has_from && !has_service) {
    return errors::messageFromRequired();
  }
  // hnemu models no Messaging Services: every one is unknown.
  if (has_service) {
    return errors::messagingServiceInvalid(*input.messaging_service_sid);
  }
  const std::string body = input.body.value_or("");
  if (body.empty() && input.media_urls.empty()) {
    return errors::messageBodyRequired();
  }
  if (codePoints(body).size() > 1600) {
    return errors::messageBodyTooLong();
  }
  if (!isE164(*input.to)) {
    return errors::messageToInvalid(*input.to);
  }
  // From must be this account's hosted number, its order completed.
  bool sendable = false;
  const auto [first, last] = number_sids_by_number_.equal_range(*input.from);
  for (auto it = first; it != last && !sendable; ++it) {
    const IncomingNumber& number = numbers_.at(it->second);
    if (number.account_sid != owner.sid || number.released || !number.capabilities.sms) {
      continue;
    }
    const auto [order_first, order_last] = order_sids_by_number_.equal_range(*input.from);
    for (auto order = order_first; order != order_last; ++order) {
      const Order& hosting = orders_.at(order->second);
      sendable = sendable || (hosting.incoming_phone_number_sid == number.sid &&
                              hosting.status == OrderStatus::Completed);
    }
  }
  if (!sendable) {
    return errors::messageFromNotSendable(*input.from);
  }
  Message message;
  message.sid = ids_.sid(input.media_urls.empty() ? "SM" : "MM");
  message.account_sid = owner.sid;
  message.from = *input.from;
  message.to = *input.to;
  message.body = body;
  message.media_urls = input.media_urls;
  message.status_callback = input.status_callback;
  message.num_segments = messageSegments(body);
  message.date_created = clock_.now();
  message.date_updated = message.date_created;
  message.sequence = ++sequence_;
  const std::string sid = message.sid;
  changes_.touch(kMessages, sid);
  return messages_.emplace(sid, std::move(message)).first->second;
}

}  // namespace hnemu::twilio
