#include "core/http_types.h"

#include <algorithm>
#include <cctype>

#include "core/crypto.h"
#include "core/wire/form.h"

namespace hnemu {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

bool CaseInsensitiveLess::operator()(const std::string& a, const std::string& b) const {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) <
           std::tolower(static_cast<unsigned char>(y));
  });
}

std::optional<std::string> HttpRequest::header(const std::string& name) const {
  const auto it = headers.find(name);
  if (it == headers.end()) {
    return std::nullopt;
  }
  return it->second;
}

std::optional<std::string> HttpRequest::queryValue(const std::string& name) const {
  for (const auto& [key, value] : query) {
    if (key == name) {
      return value;
    }
  }
  return std::nullopt;
}

std::string HttpRequest::baseUrl() const {
  return scheme + "://" + (host.empty() ? std::string("127.0.0.1") : host);
}

std::optional<std::pair<std::string, std::string>> HttpRequest::basicCredentials() const {
  const auto value = header("Authorization");
  if (!value || value->size() < 6 || value->compare(0, 6, "Basic ") != 0) {
    return std::nullopt;
  }
  const auto decoded = crypto::base64Decode(std::string_view(*value).substr(6));
  if (!decoded) {
    return std::nullopt;
  }
  const size_t colon = decoded->find(':');
  if (colon == std::string::npos) {
    return std::nullopt;
  }
  return std::make_pair(decoded->substr(0, colon), decoded->substr(colon + 1));
}

std::string basicAuthorization(std::string_view user, std::string_view password) {
  return "Basic " + crypto::base64Encode(std::string(user) + ":" + std::string(password));
}

Result<QueryParams> parseTargetQuery(std::string_view target) {
  const size_t question = target.find('?');
  if (question == std::string_view::npos) {
    return QueryParams{};
  }
  return wire::parseForm(target.substr(question + 1));
}

Result<HttpRequest> requestFor(std::string method, std::string_view target, std::string body) {
  HttpRequest request;
  request.method = std::move(method);
  request.raw_target = std::string(target);
  request.path = std::string(target.substr(0, target.find('?')));
  auto query = parseTargetQuery(target);
  if (query.ok()) {
    request.query = std::move(query).value();
  } else {
    request.malformed_query = true;
  }
  request.body = std::move(body);
  return request;
}

HttpResponse HttpResponse::json(int status, std::string body) {
  return text(status, "application/json; charset=utf-8", std::move(body));
}

HttpResponse HttpResponse::text(int status, std::string content_type, std::string body) {
  HttpResponse response;
  response.status = status;
  response.headers.emplace("Content-Type", std::move(content_type));
  response.body = std::move(body);
  return response;
}

HttpResponse HttpResponse::empty(int status) {
  HttpResponse response;
  response.status = status;
  return response;
}

std::string_view httpStatusText(int status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 413:
      return "Payload Too Large";
    case 414:
      return "URI Too Long";
    case 415:
      return "Unsupported Media Type";
    case 416:
      return "Range Not Satisfiable";
    case 422:
      return "Unprocessable Entity";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    case 507:
      return "Insufficient Storage";
    default:
      return "Unknown";
  }
}

}  // namespace hnemu
