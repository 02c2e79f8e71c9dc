#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace hnemu::wire {

struct MultipartPart {
  std::string name;
  std::string filename;      // empty when the part is not a file
  std::string content_type;  // as sent; empty when absent
  std::string data;
};

// The boundary parameter of a multipart/form-data Content-Type, quoted or not.
Result<std::string> multipartBoundary(std::string_view content_type);

// multipart/form-data (RFC 7578) with CRLF line ends. A body holding only the closing boundary
// has zero parts. Preamble and epilogue are ignored.
Result<std::vector<MultipartPart>> parseMultipart(std::string_view body, std::string_view boundary);

}  // namespace hnemu::wire
