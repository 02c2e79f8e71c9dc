#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>

#include "core/http_types.h"
#include "core/result.h"
#include "core/webhooks.h"

namespace httplib {
class Client;
}

namespace hnemu {

class HttplibServer;

// What one request may take before any handler runs: past these the server answers at once, so
// that a client cannot make the emulator hold more than it would ever accept.
struct ServerLimits {
  size_t max_header_bytes = 64 * 1024;  // the request line and every header, together
  size_t max_header_lines = 100;
  // Bodies without a Content-Length (chunked) are read up to this; with one, `check_head` decides
  // before a byte of the body is read.
  size_t max_payload_bytes = 16 * 1024 * 1024;
  // Threads answering requests. A connection waiting for its client (idle between requests, or
  // a request still arriving) holds none, so this bounds concurrent answers, not connections.
  size_t worker_threads = 64;
  // Wall time a connection may sit idle between requests, and a request may take to arrive whole
  // (then 408), before the server closes the connection.
  std::chrono::milliseconds idle_timeout{5000};
  std::chrono::milliseconds request_timeout{5000};
};

// The only place the emulator meets httplib's server: it turns httplib's requests into
// HttpRequest and back, so that everything behind it runs without sockets in tests.
class HttpServer {
 public:
  using RequestHandler = std::function<HttpResponse(HttpRequest&)>;
  // Renders a body for errors the server raises itself (oversized headers or payloads, broken
  // requests), in the shape of whoever owns the path.
  using ErrorRenderer = std::function<HttpResponse(const std::string& path, int status)>;
  // Answers a request from its head alone (method, path, headers; no body yet), or lets it be
  // read: a body its Content-Length says is too large is refused before it is read.
  using HeadCheck =
      std::function<std::optional<HttpResponse>(const HttpRequest& head, uint64_t content_length)>;

  HttpServer(RequestHandler handler, ErrorRenderer render_error, HeadCheck check_head,
             ServerLimits limits);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  Result<int> bind(const std::string& host, int port);
  void serveInBackground();
  void stop();

 private:
  std::unique_ptr<HttplibServer> server_;
  std::thread thread_;
};

// Real HTTP for webhook deliveries. cancelAll() cuts every delivery in flight (on stop), so that
// a receiver that never answers cannot hold the process past its stop signal.
class HttplibWebhookTransport : public WebhookTransport {
 public:
  TransportResult send(const OutgoingRequest& request, Millis connect_timeout,
                       Millis read_timeout) override;
  void cancelAll() override;

 private:
  // Duplicates of the sockets of the deliveries in flight. Cancelling shuts these down, which
  // ends a blocked connect, write or read in the delivering thread without calling into its
  // httplib::Client from another thread (the client is not made for that).
  std::mutex mutex_;
  std::set<int> sockets_;
  bool cancelled_ = false;
};

}  // namespace hnemu
