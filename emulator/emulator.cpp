#include "emulator.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>

#include <algorithm>

#include "control/control_api.h"
#include "scenario/scenario.h"
#include "server/httplib_server.h"

namespace hnemu {
namespace {

// A multipart upload's boundaries and part headers, on top of the document itself.
constexpr size_t kMultipartAllowance = 64 * 1024;

}  // namespace

Emulator::Emulator(EmulatorOptions options)
    : Engine(std::move(options)), control_api_(std::make_unique<ControlApi>(*this)) {
  setControl(control_api_.get());
}

Emulator::~Emulator() {
  stop();
  setControl(nullptr);
}

bool isLoopbackHost(const std::string& host) {
  // What the name resolves to, not how it is spelled: "127.evil.test" is not loopback.
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (host.empty() || getaddrinfo(host.c_str(), nullptr, &hints, &found) != 0) {
    return false;
  }
  bool loopback = found != nullptr;
  for (const addrinfo* each = found; each != nullptr; each = each->ai_next) {
    if (each->ai_family == AF_INET) {
      const auto* v4 = reinterpret_cast<const sockaddr_in*>(each->ai_addr);
      loopback = loopback && (ntohl(v4->sin_addr.s_addr) >> 24) == 127;
    } else if (each->ai_family == AF_INET6) {
      const auto* v6 = reinterpret_cast<const sockaddr_in6*>(each->ai_addr);
      loopback = loopback && IN6_IS_ADDR_LOOPBACK(&v6->sin6_addr);
    } else {
      loopback = false;
    }
  }
  freeaddrinfo(found);
  return loopback;
}

Result<int> Emulator::start() {
  if (server_) {
    return makeError(ErrorCode::FailedPrecondition, "already started");
  }
  const EmulatorOptions& settings = options();
  if (!settings.allow_remote && !isLoopbackHost(settings.host)) {
    return makeError(ErrorCode::FailedPrecondition,
                     "refusing to bind " + settings.host +
                         ": not a loopback address, and the emulator accepts well-known test "
                         "credentials; pass --allow-remote to serve the network anyway");
  }
  ServerLimits limits;
  limits.idle_timeout = settings.idle_connection_timeout;
  limits.request_timeout = settings.request_timeout;
  // Chunked bodies have no length to judge up front: read up to the largest any route takes.
  limits.max_payload_bytes =
      std::max({settings.max_body_bytes, settings.max_upload_bytes, kMaxControlBodyBytes}) +
      kMultipartAllowance;
  auto server =
      std::make_unique<HttpServer>([this](HttpRequest& request) { return handle(request); },
                                   [this](const std::string& path, int status) {
                                     HttpRequest request;
                                     request.path = path;
                                     return errorFor(status, request);
                                   },
                                   [this](const HttpRequest& head, uint64_t content_length) {
                                     return refuseBeforeBody(head, content_length);
                                   },
                                   limits);
  auto bound = server->bind(settings.host, settings.port);
  if (!bound.ok()) {
    return bound.error();
  }
  port_ = bound.value();
  server->serveInBackground();
  server_ = std::move(server);
  return bound.value();
}

void Emulator::stop() {
  if (server_) {
    server_->stop();
    server_.reset();
  }
}

std::string Emulator::url() const {
  const std::string& host = options().host;
  const bool v6 = host.find(':') != std::string::npos;
  return "http://" + (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port_);
}

void Emulator::loadScenario(Scenario scenario) { control_api_->load(std::move(scenario)); }

std::optional<Scenario> Emulator::loadedScenario() { return control_api_->loadedScenario(); }

}  // namespace hnemu
