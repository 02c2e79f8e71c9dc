#include "core/router.h"

#include <algorithm>
#include <cctype>

namespace hnemu {
namespace {

std::vector<std::string_view> splitPath(std::string_view path) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (start <= path.size()) {
    const size_t slash = path.find('/', start);
    const size_t end = slash == std::string_view::npos ? path.size() : slash;
    if (end > start) {
      parts.push_back(path.substr(start, end - start));
    }
    if (slash == std::string_view::npos) {
      break;
    }
    start = slash + 1;
  }
  return parts;
}

bool literalEquals(std::string_view a, std::string_view b, bool case_insensitive) {
  if (a.size() != b.size()) {
    return false;
  }
  if (!case_insensitive) {
    return a == b;
  }
  return std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

}  // namespace

PathTemplate PathTemplate::compile(std::string_view path_template, Options options) {
  PathTemplate compiled;
  compiled.text_ = std::string(path_template);
  compiled.options_ = options;
  for (const std::string_view part : splitPath(path_template)) {
    Segment segment;
    const size_t open = part.find('{');
    const size_t close = part.find('}');
    if (open == std::string_view::npos || close == std::string_view::npos || close < open) {
      segment.prefix = std::string(part);
    } else {
      segment.prefix = std::string(part.substr(0, open));
      segment.param = std::string(part.substr(open + 1, close - open - 1));
      segment.suffix = std::string(part.substr(close + 1));
    }
    compiled.segments_.push_back(std::move(segment));
  }
  return compiled;
}

bool PathTemplate::match(std::string_view path, std::map<std::string, std::string>& params) const {
  const auto parts = splitPath(path);
  if (parts.size() != segments_.size()) {
    return false;
  }
  std::map<std::string, std::string> found;
  for (size_t i = 0; i < parts.size(); ++i) {
    const Segment& segment = segments_[i];
    const std::string_view part = parts[i];
    const bool ci = options_.case_insensitive_literals;
    if (segment.param.empty()) {
      if (!literalEquals(part, segment.prefix, ci)) {
        return false;
      }
      continue;
    }
    if (part.size() <= segment.prefix.size() + segment.suffix.size() ||
        !literalEquals(part.substr(0, segment.prefix.size()), segment.prefix, ci) ||
        !literalEquals(part.substr(part.size() - segment.suffix.size()), segment.suffix, ci)) {
      return false;
    }
    found[segment.param] = std::string(part.substr(
        segment.prefix.size(), part.size() - segment.prefix.size() - segment.suffix.size()));
  }
  params = std::move(found);
  return true;
}

void Router::add(std::string method, std::string_view path_template, std::string provider,
                 Handler handler, PathTemplate::Options options) {
  routes_.push_back(Route{std::move(method), PathTemplate::compile(path_template, options),
                          std::move(provider), std::move(handler)});
}

void Router::addFallback(std::string prefix, std::string provider, Handler handler) {
  fallbacks_.push_back(Fallback{std::move(prefix), std::move(provider), std::move(handler)});
}

void Router::addCredentialFallback(std::string provider, CredentialCheck check, Handler handler) {
  credential_fallbacks_.push_back(
      CredentialFallback{std::move(provider), std::move(check), std::move(handler)});
}

const Handler* Router::fallbackFor(const HttpRequest& request, std::string* provider) const {
  for (const CredentialClaim strength : {CredentialClaim::Known, CredentialClaim::Shaped}) {
    for (const CredentialFallback& fallback : credential_fallbacks_) {
      if (fallback.check(request) == strength) {
        if (provider != nullptr) {
          *provider = fallback.provider;
        }
        return &fallback.handler;
      }
    }
  }
  return fallbackFor(request.path, provider);
}

RouteMatch Router::match(HttpRequest& request) const {
  RouteMatch result;
  for (const Route& route : routes_) {
    std::map<std::string, std::string> params;
    if (!route.path.match(request.path, params)) {
      continue;
    }
    result.path_known = true;
    result.provider = route.provider;
    result.route_template = route.path.text();
    if (route.method == request.method) {
      request.path_params = std::move(params);
      result.handler = &route.handler;
      return result;
    }
  }
  return result;
}

const Handler* Router::fallbackFor(std::string_view path, std::string* provider) const {
  const Fallback* best = nullptr;
  for (const Fallback& fallback : fallbacks_) {
    if (path.substr(0, fallback.prefix.size()) == fallback.prefix &&
        (best == nullptr || fallback.prefix.size() > best->prefix.size())) {
      best = &fallback;
    }
  }
  if (best == nullptr) {
    return nullptr;
  }
  if (provider != nullptr) {
    *provider = best->provider;
  }
  return &best->handler;
}

std::vector<RouteInfo> Router::routes() const {
  std::vector<RouteInfo> out;
  out.reserve(routes_.size());
  for (const Route& route : routes_) {
    out.push_back({route.method, route.path.text(), route.provider});
  }
  return out;
}

}  // namespace hnemu
