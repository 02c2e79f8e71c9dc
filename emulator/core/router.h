#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/http_types.h"

namespace hnemu {

using Handler = std::function<HttpResponse(HttpRequest&)>;

// A path template such as /2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers/{Sid}.json:
// literal segments, and segments holding one {Param} with an optional literal prefix and suffix.
class PathTemplate {
 public:
  struct Options {
    bool case_insensitive_literals = false;
  };

  static PathTemplate compile(std::string_view path_template, Options options);
  static PathTemplate compile(std::string_view path_template) { return compile(path_template, {}); }

  bool match(std::string_view path, std::map<std::string, std::string>& params) const;
  const std::string& text() const { return text_; }

 private:
  struct Segment {
    std::string prefix;
    std::string param;  // empty: the segment is the literal prefix
    std::string suffix;
  };
  std::string text_;
  std::vector<Segment> segments_;
  Options options_;
};

struct RouteMatch {
  const Handler* handler = nullptr;  // null when nothing matched
  bool path_known = false;           // the path matched but not the method (405)
  std::string provider;              // who owns the path: picks the error envelope
  std::string route_template;
};

// How a provider recognises the credentials of a request whose path no route matches: Known,
// they are valid credentials of its own; Shaped, they have the form only its credentials have.
enum class CredentialClaim { None, Shaped, Known };
using CredentialCheck = std::function<CredentialClaim(const HttpRequest&)>;

struct RouteInfo {
  std::string method;
  std::string path_template;
  std::string provider;
};

class Router {
 public:
  void add(std::string method, std::string_view path_template, std::string provider,
           Handler handler, PathTemplate::Options options = {});
  // Unmatched requests under prefix are answered by the provider's not-found handler.
  void addFallback(std::string prefix, std::string provider, Handler handler);
  // Unmatched requests whose credentials the provider recognises, under any path, are answered
  // by its handler: paths such as /v2/... are shared, so the credentials pick the envelope.
  void addCredentialFallback(std::string provider, CredentialCheck check, Handler handler);

  RouteMatch match(HttpRequest& request) const;
  // By path alone: the longest prefix fallback.
  const Handler* fallbackFor(std::string_view path, std::string* provider) const;
  // By path and credentials: a provider that knows them, else one whose credentials' shape they
  // have, else the longest prefix fallback.
  const Handler* fallbackFor(const HttpRequest& request, std::string* provider) const;
  // Every route, in the order added: for tests that walk each endpoint.
  std::vector<RouteInfo> routes() const;

 private:
  struct Route {
    std::string method;
    PathTemplate path;
    std::string provider;
    Handler handler;
  };
  struct Fallback {
    std::string prefix;
    std::string provider;
    Handler handler;
  };
  struct CredentialFallback {
    std::string provider;
    CredentialCheck check;
    Handler handler;
  };
  std::vector<Route> routes_;
  std::vector<Fallback> fallbacks_;
  std::vector<CredentialFallback> credential_fallbacks_;
};

}  // namespace hnemu
