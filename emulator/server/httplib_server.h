#pragma once

#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "core/http_types.h"
#include "core/result.h"
#include "core/webhooks.h"

namespace httplib {
class Server;
}

namespace hnemu {

// The only place the emulator meets httplib's server: it turns httplib's requests into
// HttpRequest and back, so that everything behind it runs without sockets in tests.
class HttpServer {
 public:
  using RequestHandler = std::function<HttpResponse(HttpRequest&)>;
  // Renders a body for errors httplib raises itself (oversized payloads, bad requests).
  using ErrorRenderer = std::function<HttpResponse(const std::string& path, int status)>;

  HttpServer(RequestHandler handler, ErrorRenderer render_error, size_t max_payload_bytes,
             size_t worker_threads);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  Result<int> bind(const std::string& host, int port);
  void serveInBackground();
  void stop();

 private:
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
};

// Real HTTP for webhook deliveries.
class HttplibWebhookTransport : public WebhookTransport {
 public:
  TransportResult send(const OutgoingRequest& request, Millis connect_timeout,
                       Millis read_timeout) override;
};

}  // namespace hnemu
