#include "core/wire/form.h"

#include <cctype>
#include <cstdint>

namespace hnemu::wire {
namespace {

int hexValue(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

}  // namespace

bool isValidUtf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    size_t extra = 0;
    uint32_t code = 0;
    if (c < 0x80) {
      ++i;
      continue;
    }
    if ((c & 0xE0) == 0xC0) {
      extra = 1;
      code = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      extra = 2;
      code = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      extra = 3;
      code = c & 0x07;
    } else {
      return false;
    }
    if (i + extra >= text.size()) {
      return false;
    }
    for (size_t k = 1; k <= extra; ++k) {
      const auto cc = static_cast<unsigned char>(text[i + k]);
      if ((cc & 0xC0) != 0x80) {
        return false;
      }
      code = (code << 6) | (cc & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
    if ((extra == 1 && code < 0x80) || (extra == 2 && code < 0x800) ||
        (extra == 3 && (code < 0x10000 || code > 0x10FFFF)) || (code >= 0xD800 && code <= 0xDFFF)) {
      return false;
    }
    i += extra + 1;
  }
  return true;
}

Result<std::string> percentDecode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else if (c == '%') {
      if (i + 2 >= text.size()) {
        return makeError(ErrorCode::InvalidArgument, "truncated percent escape");
      }
      const int hi = hexValue(text[i + 1]);
      const int lo = hexValue(text[i + 2]);
      if (hi < 0 || lo < 0) {
        return makeError(ErrorCode::InvalidArgument, "invalid percent escape");
      }
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  if (!isValidUtf8(out)) {
    return makeError(ErrorCode::InvalidArgument, "value is not valid UTF-8");
  }
  return out;
}

std::string percentEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() * 3);
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 0xF]);
    }
  }
  return out;
}

std::string encodeForm(const FormPairs& pairs) {
  std::string out;
  for (const auto& [key, value] : pairs) {
    if (!out.empty()) {
      out.push_back('&');
    }
    out += percentEncode(key);
    out.push_back('=');
    out += percentEncode(value);
  }
  return out;
}

Result<FormPairs> parseForm(std::string_view body) {
  FormPairs pairs;
  size_t start = 0;
  while (start <= body.size()) {
    size_t end = body.find('&', start);
    if (end == std::string_view::npos) {
      end = body.size();
    }
    const std::string_view part = body.substr(start, end - start);
    if (!part.empty()) {
      const size_t eq = part.find('=');
      const std::string_view raw_key = part.substr(0, eq);
      const std::string_view raw_value =
          eq == std::string_view::npos ? std::string_view() : part.substr(eq + 1);
      auto key = percentDecode(raw_key, true);
      if (!key.ok()) {
        return makeError(ErrorCode::InvalidArgument, "malformed form body: " + key.error().message);
      }
      auto value = percentDecode(raw_value, true);
      if (!value.ok()) {
        return makeError(ErrorCode::InvalidArgument,
                         "malformed form body: " + value.error().message + " in " + key.value());
      }
      pairs.emplace_back(std::move(key).value(), std::move(value).value());
    }
    if (end == body.size()) {
      break;
    }
    start = end + 1;
  }
  return pairs;
}

const std::string* formValue(const FormPairs& pairs, std::string_view key) {
  for (const auto& pair : pairs) {
    if (pair.first == key) {
      return &pair.second;
    }
  }
  return nullptr;
}

std::vector<std::string> formValues(const FormPairs& pairs, std::string_view key) {
  std::vector<std::string> out;
  for (const auto& pair : pairs) {
    if (pair.first == key) {
      out.push_back(pair.second);
    }
  }
  return out;
}

}  // namespace hnemu::wire
