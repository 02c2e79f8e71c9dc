#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"

namespace hnemu {

// Header names are case-insensitive on the wire; they are stored lower-cased.
struct CaseInsensitiveLess {
  bool operator()(const std::string& a, const std::string& b) const;
};
bool iequals(std::string_view a, std::string_view b);
using Headers = std::multimap<std::string, std::string, CaseInsensitiveLess>;
using QueryParams = std::vector<std::pair<std::string, std::string>>;

// The decoded pairs of a target's query ("" when it has none); an error when malformed.
Result<QueryParams> parseTargetQuery(std::string_view target);

// The transport-neutral request every route sees: the server converts httplib's request into this,
// so routes, tests and fuzz targets never need a socket.
struct HttpRequest {
  std::string method;
  std::string path;        // decoded path, no query
  std::string raw_target;  // path and query exactly as sent
  QueryParams query;       // decoded, in order, repeated keys kept
  // The query had a %-escape that is not %XX or that decodes to invalid UTF-8: the provider
  // answers 400 rather than guess what was meant.
  bool malformed_query = false;
  Headers headers;
  std::string body;
  std::string scheme = "http";
  std::string host;  // Host header as sent, used to build absolute URLs
  std::map<std::string, std::string> path_params;  // filled in by the router
  std::string account;  // set by a provider once it has authenticated the caller
  // The Retry-After an injected fault answers with, for a provider's own rate-limit headers.
  std::optional<double> retry_after_seconds;

  std::optional<std::string> header(const std::string& name) const;
  std::optional<std::string> queryValue(const std::string& name) const;
  std::string baseUrl() const;  // scheme://host
  // HTTP Basic credentials (user, password), if the Authorization header holds well-formed ones.
  std::optional<std::pair<std::string, std::string>> basicCredentials() const;
};

struct HttpResponse {
  int status = 200;
  Headers headers;
  std::string body;
  // An injected fault: the server closes the connection after the status line and headers,
  // so the client sees a response cut short.
  bool drop_connection = false;

  static HttpResponse json(int status, std::string body);
  static HttpResponse text(int status, std::string content_type, std::string body);
  static HttpResponse empty(int status);
};

// The reason phrase of a status ("Not Found"), "Unknown" for one hnemu never sends.
std::string_view httpStatusText(int status);

// The value of an HTTP Basic Authorization header.
std::string basicAuthorization(std::string_view user, std::string_view password);

// A request as a caller without a socket (tests, benchmarks) sends it: the target's path, and its
// query decoded strictly (a malformed query is an error, where the server would drop it).
Result<HttpRequest> requestFor(std::string method, std::string_view target, std::string body = "");

}  // namespace hnemu
