#include "server/httplib_server.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdlib>

#include "core/wire/form.h"

namespace hnemu {
namespace {

constexpr const char* kOriginalContentType = "X-Hnemu-Original-Content-Type";
// Whether this thread's current request was answered by our handler: httplib calls the error
// handler for every status >= 400, including the ones we chose ourselves (an empty 401).
thread_local bool answered_by_handler = false;

void writeResponse(const HttpResponse& from, httplib::Response& to) {
  to.status = from.status;
  std::string content_type = "text/plain";
  for (const auto& [name, value] : from.headers) {
    if (iequals(name, "Content-Type")) {
      content_type = value;
    } else {
      to.set_header(name, value);
    }
  }
  if (from.drop_connection) {
    to.set_chunked_content_provider(content_type, [](size_t, httplib::DataSink&) { return false; });
    return;
  }
  if (!from.body.empty() || from.status != 204) {
    to.set_content(from.body, content_type);
  }
}

// httplib 0.11 lets an idle keep-alive connection hold its worker for the whole keep-alive timeout
// (5 s), even after stop(), and gives no handle on accepted sockets. Shutting down every connected
// socket of this process whose local port is ours wakes those workers at once, so stop() takes
// microseconds and a test suite can afford an emulator per test.
void shutDownAcceptedConnections(int port) {
  DIR* fds = opendir("/proc/self/fd");
  if (fds == nullptr) {
    return;
  }
  while (const dirent* entry = readdir(fds)) {
    const int fd = std::atoi(entry->d_name);
    if (fd <= 2 || fd == dirfd(fds)) {
      continue;
    }
    sockaddr_storage local{};
    socklen_t length = sizeof local;
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &length) != 0) {
      continue;
    }
    int local_port = -1;
    if (local.ss_family == AF_INET) {
      local_port = ntohs(reinterpret_cast<const sockaddr_in*>(&local)->sin_port);
    } else if (local.ss_family == AF_INET6) {
      local_port = ntohs(reinterpret_cast<const sockaddr_in6*>(&local)->sin6_port);
    }
    sockaddr_storage peer{};
    length = sizeof peer;
    // The listening socket has no peer; httplib has already closed it.
    if (local_port == port && getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &length) == 0) {
      ::shutdown(fd, SHUT_RDWR);
    }
  }
  closedir(fds);
}

}  // namespace

HttpServer::HttpServer(RequestHandler handler, ErrorRenderer render_error, size_t max_payload_bytes,
                       size_t worker_threads)
    : server_(std::make_unique<httplib::Server>()) {
  // Keep-alive connections each hold a worker, so the pool is sized for many idle SDK sockets.
  server_->new_task_queue = [worker_threads] { return new httplib::ThreadPool(worker_threads); };
  // Without TCP_NODELAY a response's headers and body (two writes) meet Nagle's algorithm and the
  // client's delayed ACK: 40 ms per request on one connection. Accepted sockets inherit the
  // option from the listening one.
  server_->set_tcp_nodelay(true);
  server_->set_payload_max_length(max_payload_bytes);
  server_->set_keep_alive_max_count(1000);
  server_->set_keep_alive_timeout(5);
  // httplib reads multipart bodies into parts itself (and refuses some valid ones, such as a body
  // with zero parts). Providers parse multipart themselves, so before routing the Content-Type is
  // set aside and httplib sees an opaque body; `serve` puts it back.
  server_->set_pre_routing_handler([](const httplib::Request& in, httplib::Response&) {
    auto& request = const_cast<httplib::Request&>(in);  // httplib's own, non-const request object
    const auto type = request.headers.find("Content-Type");
    if (type != request.headers.end() && type->second.find("multipart/") != std::string::npos) {
      request.headers.emplace(kOriginalContentType, type->second);
      type->second = "application/octet-stream";
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  auto serve = [handler](const httplib::Request& in, httplib::Response& out) {
    HttpRequest request;
    request.method = in.method;
    request.path = in.path;
    request.raw_target = in.target;
    auto query = parseTargetQuery(in.target);
    if (query.ok()) {
      request.query = std::move(query).value();
    } else {
      request.malformed_query = true;
    }
    const auto original_type = in.headers.find(kOriginalContentType);
    for (const auto& [name, value] : in.headers) {
      if (iequals(name, kOriginalContentType)) {
        continue;
      }
      const bool restore = original_type != in.headers.end() && iequals(name, "Content-Type");
      request.headers.emplace(name, restore ? original_type->second : value);
    }
    request.host = in.get_header_value("Host");
    request.body = in.body;
    writeResponse(handler(request), out);
    answered_by_handler = true;
  };
  for (const char* pattern : {".*"}) {
    server_->Get(pattern, serve);
    server_->Post(pattern, serve);
    server_->Put(pattern, serve);
    server_->Delete(pattern, serve);
    server_->Patch(pattern, serve);
    server_->Options(pattern, serve);
  }
  server_->set_error_handler([render_error](const httplib::Request& in, httplib::Response& out) {
    if (!answered_by_handler) {
      writeResponse(render_error(in.path, out.status), out);
    }
  });
  server_->set_logger(
      [](const httplib::Request&, const httplib::Response&) { answered_by_handler = false; });
  server_->set_exception_handler(
      [render_error](const httplib::Request& in, httplib::Response& out, std::exception_ptr) {
        writeResponse(render_error(in.path, 500), out);
      });
}

HttpServer::~HttpServer() { stop(); }

Result<int> HttpServer::bind(const std::string& host, int port) {
  const int bound =
      port == 0 ? server_->bind_to_any_port(host) : (server_->bind_to_port(host, port) ? port : -1);
  if (bound <= 0) {
    return makeError(ErrorCode::Internal,
                     "cannot listen on " + host + ":" + std::to_string(port) +
                         " (address in use, or not an address of this machine)");
  }
  port_ = bound;
  return bound;
}

void HttpServer::serveInBackground() {
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  // httplib's stop() does nothing until the listening thread has marked itself running, so a
  // stop() right after start() would leave that thread listening forever: wait for the mark.
  while (!server_->is_running()) {
    std::this_thread::yield();
  }
}

void HttpServer::stop() {
  if (server_ && server_->is_running()) {
    server_->stop();
    shutDownAcceptedConnections(port_);
  }
  if (thread_.joinable()) {
    thread_.join();
  }
}

TransportResult HttplibWebhookTransport::send(const OutgoingRequest& request,
                                              Millis connect_timeout, Millis read_timeout) {
  TransportResult result;
  // Split scheme://host[:port] from the path; only plain http on loopback is expected here.
  const std::string& url = request.url;
  const size_t scheme_end = url.find("://");
  if (scheme_end == std::string::npos) {
    result.error = "not an absolute URL: " + url;
    return result;
  }
  const size_t path_start = url.find('/', scheme_end + 3);
  const std::string origin = url.substr(0, path_start);
  const std::string target = path_start == std::string::npos ? "/" : url.substr(path_start);
  httplib::Client client(origin);
  if (!client.is_valid()) {
    result.error = "unsupported URL: " + url;
    return result;
  }
  client.set_tcp_nodelay(true);
  client.set_connection_timeout(
      std::chrono::duration_cast<std::chrono::microseconds>(connect_timeout));
  client.set_read_timeout(std::chrono::duration_cast<std::chrono::microseconds>(read_timeout));
  client.set_write_timeout(std::chrono::duration_cast<std::chrono::microseconds>(read_timeout));
  httplib::Headers headers;
  std::string content_type;
  for (const auto& [name, value] : request.headers) {
    if (iequals(name, "Content-Type")) {
      content_type = value;
    } else {
      headers.emplace(name, value);
    }
  }
  httplib::Result response =
      request.method == "GET"
          ? client.Get(target, headers)
          : client.Post(target, headers, request.body,
                        content_type.empty() ? "application/octet-stream" : content_type);
  if (!response) {
    result.error = httplib::to_string(response.error());
    return result;
  }
  result.connected = true;
  result.status = response->status;
  result.body = response->body;
  return result;
}

}  // namespace hnemu
