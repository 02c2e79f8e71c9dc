#include "core/wire/multipart.h"

#include <algorithm>
#include <cctype>

#include "core/http_types.h"

namespace hnemu::wire {
namespace {

constexpr size_t kMaxParts = 64;

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
    text.remove_suffix(1);
  }
  return text;
}

// Reads name="value" (or name=value) parameters after the first ';' of a header value.
std::string parameter(std::string_view header, std::string_view name) {
  size_t position = header.find(';');
  while (position != std::string_view::npos) {
    const size_t next = header.find(';', position + 1);
    std::string_view item =
        trim(header.substr(position + 1, next == std::string_view::npos ? std::string_view::npos
                                                                        : next - position - 1));
    const size_t eq = item.find('=');
    if (eq != std::string_view::npos && iequals(trim(item.substr(0, eq)), name)) {
      std::string_view value = trim(item.substr(eq + 1));
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
        value = value.substr(1, value.size() - 2);
      }
      return std::string(value);
    }
    position = next;
  }
  return {};
}

}  // namespace

Result<std::string> multipartBoundary(std::string_view content_type) {
  const std::string_view media = trim(content_type.substr(0, content_type.find(';')));
  if (!iequals(media, "multipart/form-data")) {
    return makeError(ErrorCode::InvalidArgument,
                     "expected multipart/form-data, got '" + std::string(media) + "'");
  }
  std::string boundary = parameter(content_type, "boundary");
  if (boundary.empty() || boundary.size() > 70) {
    return makeError(ErrorCode::InvalidArgument,
                     "multipart/form-data needs a boundary of 1 to 70 characters");
  }
  return boundary;
}

Result<std::vector<MultipartPart>> parseMultipart(std::string_view body,
                                                  std::string_view boundary) {
  auto malformed = [](const std::string& why) {
    return makeError(ErrorCode::InvalidArgument, "malformed multipart body: " + why);
  };
  const std::string delimiter = "--" + std::string(boundary);
  // The first delimiter may open the body or follow a preamble line.
  size_t position;
  if (body.substr(0, delimiter.size()) == delimiter) {
    position = delimiter.size();
  } else {
    const size_t found = body.find("\r\n" + delimiter);
    if (found == std::string_view::npos) {
      return malformed("no boundary line");
    }
    position = found + 2 + delimiter.size();
  }
  std::vector<MultipartPart> parts;
  for (;;) {
    if (body.substr(position, 2) == "--") {
      return parts;  // the closing delimiter; anything after it is epilogue
    }
    // Transport padding, then CRLF.
    while (position < body.size() && (body[position] == ' ' || body[position] == '\t')) {
      ++position;
    }
    if (body.substr(position, 2) != "\r\n") {
      return malformed("boundary line not ended by CRLF");
    }
    position += 2;
    if (parts.size() == kMaxParts) {
      return malformed("more than " + std::to_string(kMaxParts) + " parts");
    }
    MultipartPart part;
    // Headers up to an empty line.
    for (;;) {
      const size_t end = body.find("\r\n", position);
      if (end == std::string_view::npos) {
        return malformed("part headers not terminated");
      }
      const std::string_view line = body.substr(position, end - position);
      position = end + 2;
      if (line.empty()) {
        break;
      }
      const size_t colon = line.find(':');
      if (colon == std::string_view::npos) {
        return malformed("header line without a colon");
      }
      const std::string_view name = trim(line.substr(0, colon));
      const std::string_view value = trim(line.substr(colon + 1));
      if (iequals(name, "Content-Disposition")) {
        if (!iequals(trim(value.substr(0, value.find(';'))), "form-data")) {
          return malformed("part disposition is not form-data");
        }
        part.name = parameter(value, "name");
        part.filename = parameter(value, "filename");
      } else if (iequals(name, "Content-Type")) {
        part.content_type = std::string(value);
      }
    }
    if (part.name.empty()) {
      return malformed("part without a name");
    }
    const size_t end = body.find("\r\n" + delimiter, position);
    if (end == std::string_view::npos) {
      return malformed("part '" + part.name + "' is not closed by a boundary");
    }
    part.data = std::string(body.substr(position, end - position));
    parts.push_back(std::move(part));
    position = end + 2 + delimiter.size();
  }
}

}  // namespace hnemu::wire
