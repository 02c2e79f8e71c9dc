#include "server/httplib_server.h"

#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstring>

#include "core/wire/form.h"

namespace hnemu {
namespace {

// httplib parses some bodies itself before a route runs (multipart into parts, form bodies into
// params, the latter only up to 8 KiB): every request's Content-Type is set aside before routing,
// so that httplib sees an opaque body, and put back for the handler.
constexpr const char* kOriginalContentType = "X-Hnemu-Original-Content-Type";
constexpr int kPollSliceMs = 100;
// The longest request line or header line (httplib's own limit; past it a 431, not its 400).
constexpr size_t kMaxLineBytes = 8192;

// One accepted connection, as the httplib::Stream that httplib's request parser reads. It is
// ours, not httplib's SocketStream, so that the request line and headers can be capped (httplib
// 0.11 reads any number of header lines of any length) and so that stop() can wake it.
class Connection final : public httplib::Stream {
 public:
  Connection(int socket, const ServerLimits& limits, int read_timeout_ms, int write_timeout_ms)
      : socket_(socket),
        limits_(limits),
        read_timeout_ms_(read_timeout_ms),
        write_timeout_ms_(write_timeout_ms) {}

  // A new request starts: its head is counted against the limits again.
  void beginRequest() {
    in_head_ = true;
    head_bytes_ = 0;
    head_lines_ = 0;
    line_bytes_ = 0;
    head_too_large_ = false;
    wrote_ = false;
    request_line_.clear();
  }
  // The path of the request line read so far ("" before it): whose error shape a request that
  // httplib could not parse gets.
  std::string requestPath() const {
    const size_t start = request_line_.find(' ');
    if (start == std::string::npos) {
      return "";
    }
    const size_t end = request_line_.find_first_of(" ?", start + 1);
    return request_line_.substr(start + 1, end == std::string::npos ? end : end - start - 1);
  }
  void endHead() { in_head_ = false; }
  bool headTooLarge() const { return head_too_large_; }
  bool wrote() const { return wrote_; }
  // The body of the request being answered is not read; `unread` bytes of it may follow.
  void closeAfterResponse(uint64_t unread = 0) {
    close_after_response_ = true;
    unread_ = unread;
  }
  bool closingAfterResponse() const { return close_after_response_; }
  bool hasBufferedInput() const { return begin_ < end_; }

  // Waits up to timeout_ms for the next request to start arriving.
  bool waitForRequest(int timeout_ms, const std::atomic<bool>& stopping) {
    for (int waited = 0; !hasBufferedInput(); waited += kPollSliceMs) {
      if (stopping || waited >= timeout_ms) {
        return false;
      }
      if (poll(POLLIN, std::min(kPollSliceMs, timeout_ms - waited)) > 0) {
        return true;
      }
    }
    return true;
  }

  // Reads and drops the body of a refused request (up to a bound), so that closing the socket does
  // not reset the connection before the client, still sending, has read the answer. Nothing of
  // it is kept.
  void discardUnreadBody() {
    ::shutdown(socket_, SHUT_WR);
    constexpr uint64_t kMostDiscarded = 64 * 1024 * 1024;
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    uint64_t left = std::min<uint64_t>(unread_, kMostDiscarded);
    left -= std::min<uint64_t>(left, end_ - begin_);
    begin_ = end_ = 0;
    while (left > 0 && std::chrono::steady_clock::now() < give_up && poll(POLLIN, 200) > 0) {
      const ssize_t n =
          ::recv(socket_, buffer_.data(), std::min<uint64_t>(buffer_.size(), left), 0);
      if (n <= 0) {
        return;
      }
      left -= static_cast<uint64_t>(n);
    }
  }

  bool is_readable() const override {
    return hasBufferedInput() || poll(POLLIN, read_timeout_ms_) > 0;
  }
  bool is_writable() const override { return poll(POLLOUT, write_timeout_ms_) > 0; }

  ssize_t read(char* ptr, size_t size) override {
    if (!hasBufferedInput()) {
      if (poll(POLLIN, read_timeout_ms_) <= 0) {
        return -1;
      }
      ssize_t n = 0;
      do {
        n = ::recv(socket_, buffer_.data(), buffer_.size(), 0);
      } while (n < 0 && errno == EINTR);
      if (n <= 0) {
        return n;
      }
      begin_ = 0;
      end_ = static_cast<size_t>(n);
    }
    size_t count = std::min(size, end_ - begin_);
    if (in_head_) {
      if (head_bytes_ >= limits_.max_header_bytes) {
        head_too_large_ = true;
        return -1;
      }
      count = std::min(count, limits_.max_header_bytes - head_bytes_);
      head_bytes_ += count;
      for (size_t i = 0; i < count; ++i) {
        const char c = buffer_[begin_ + i];
        if (head_lines_ == 0 && c != '\r' && c != '\n' && request_line_.size() < kMaxLineBytes) {
          request_line_ += c;
        }
        line_bytes_ = c == '\n' ? 0 : line_bytes_ + 1;
        head_lines_ += c == '\n' ? 1 : 0;
      }
      // + the request line and the blank line that ends the head
      if (head_lines_ > limits_.max_header_lines + 2 || line_bytes_ > kMaxLineBytes) {
        head_too_large_ = true;
        return -1;
      }
    }
    std::memcpy(ptr, buffer_.data() + begin_, count);
    begin_ += count;
    return static_cast<ssize_t>(count);
  }

  ssize_t write(const char* ptr, size_t size) override {
    size_t written = 0;
    while (written < size) {
      if (poll(POLLOUT, write_timeout_ms_) <= 0) {
        return -1;
      }
      const ssize_t n = ::send(socket_, ptr + written, size - written, MSG_NOSIGNAL);
      if (n < 0) {
        if (errno == EINTR || errno == EAGAIN) {
          continue;
        }
        return -1;
      }
      written += static_cast<size_t>(n);
    }
    wrote_ = true;
    return static_cast<ssize_t>(size);
  }
  using httplib::Stream::write;

  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    address(&getpeername, ip, port);
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    address(&getsockname, ip, port);
  }
  socket_t socket() const override { return socket_; }

 private:
  int poll(short events, int timeout_ms) const {
    pollfd entry{socket_, events, 0};
    int ready = 0;
    do {
      ready = ::poll(&entry, 1, timeout_ms);
    } while (ready < 0 && errno == EINTR);
    return ready;
  }

  void address(int (*get)(int, sockaddr*, socklen_t*), std::string& ip, int& port) const {
    sockaddr_storage storage{};
    socklen_t length = sizeof storage;
    ip.clear();
    port = 0;
    if (get(socket_, reinterpret_cast<sockaddr*>(&storage), &length) != 0) {
      return;
    }
    char text[INET6_ADDRSTRLEN] = {};
    if (storage.ss_family == AF_INET) {
      const auto* v4 = reinterpret_cast<const sockaddr_in*>(&storage);
      inet_ntop(AF_INET, &v4->sin_addr, text, sizeof text);
      port = ntohs(v4->sin_port);
    } else if (storage.ss_family == AF_INET6) {
      const auto* v6 = reinterpret_cast<const sockaddr_in6*>(&storage);
      inet_ntop(AF_INET6, &v6->sin6_addr, text, sizeof text);
      port = ntohs(v6->sin6_port);
    }
    ip = text;
  }

  const int socket_;
  const ServerLimits& limits_;
  const int read_timeout_ms_;
  const int write_timeout_ms_;
  std::array<char, 16384> buffer_{};
  size_t begin_ = 0;
  size_t end_ = 0;
  bool in_head_ = true;
  size_t head_bytes_ = 0;
  size_t head_lines_ = 0;
  size_t line_bytes_ = 0;
  bool head_too_large_ = false;
  std::string request_line_;
  bool wrote_ = false;
  bool close_after_response_ = false;
  uint64_t unread_ = 0;
};

// The connection whose request this thread is parsing: the pre-routing and error handlers are
// called from inside httplib with only the request in hand.
thread_local Connection* current_connection = nullptr;

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

// The request as the handlers see it, from httplib's: path, query, headers (with the
// Content-Type put back); the body is moved in by the caller once it has been read.
HttpRequest requestFrom(const httplib::Request& in) {
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
  return request;
}

}  // namespace

// httplib's server with our own per-connection loop (process_and_close_socket is virtual in
// httplib for this): our Stream, a wake-up on stop, and a close after a refused body.
class HttplibServer final : public httplib::Server {
 public:
  HttplibServer(ServerLimits limits, HttpServer::ErrorRenderer render_error)
      : limits_(limits), render_error_(std::move(render_error)) {}

  const ServerLimits& limits() const { return limits_; }

  // Wakes every connection (idle keep-alive ones included) so that their workers return now.
  void stopConnections() {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    for (const int socket : sockets_) {
      ::shutdown(socket, SHUT_RDWR);
    }
  }

 private:
  bool process_and_close_socket(socket_t socket) override {
    {
      std::lock_guard lock(mutex_);
      sockets_.insert(socket);
    }
    Connection connection(socket, limits_, static_cast<int>(read_timeout_sec_ * 1000),
                          static_cast<int>(write_timeout_sec_ * 1000));
    bool served = true;
    const int keep_alive_ms = static_cast<int>(keep_alive_timeout_sec_ * 1000);
    for (size_t count = keep_alive_max_count_; count > 0; --count) {
      if (!connection.waitForRequest(keep_alive_ms, stopping_)) {
        break;
      }
      connection.beginRequest();
      current_connection = &connection;
      bool connection_closed = false;
      served = process_request(connection, count == 1, connection_closed, nullptr);
      current_connection = nullptr;
      if (connection.headTooLarge() && !connection.wrote()) {
        // The request line alone was over the limit: httplib gave up without an answer.
        writeRaw(connection, render_error_(connection.requestPath(), 431));
      }
      if (!served || connection_closed || connection.headTooLarge() ||
          connection.closingAfterResponse()) {
        break;
      }
    }
    if (connection.closingAfterResponse()) {
      connection.discardUnreadBody();
    }
    {
      std::lock_guard lock(mutex_);
      sockets_.erase(socket);
    }
    ::shutdown(socket, SHUT_RDWR);
    ::close(socket);
    return served;
  }

  static void writeRaw(Connection& connection, const HttpResponse& response) {
    std::string content_type = "application/json";
    std::string extra;
    for (const auto& [name, value] : response.headers) {
      if (iequals(name, "Content-Type")) {
        content_type = value;
      } else {
        extra += name + ": " + value + "\r\n";
      }
    }
    const std::string head = "HTTP/1.1 " + std::to_string(response.status) + " " +
                             std::string(httpStatusText(response.status)) +
                             "\r\nContent-Type: " + content_type +
                             "\r\nContent-Length: " + std::to_string(response.body.size()) +
                             "\r\nConnection: close\r\n" + extra + "\r\n";
    (void)connection.write(head.data(), head.size());
    (void)connection.write(response.body.data(), response.body.size());
  }

  const ServerLimits limits_;
  const HttpServer::ErrorRenderer render_error_;
  std::mutex mutex_;
  std::set<int> sockets_;
  std::atomic<bool> stopping_{false};
};

namespace {

// Whether this thread's current request was answered by our handler: httplib calls the error
// handler for every status >= 400, including the ones we chose ourselves (an empty 401).
thread_local bool answered_by_handler = false;

// The answer to a request whose head rules it out (ambiguous framing, a body over the limit), if
// any. The head is done either way: what follows is the body.
std::optional<HttpResponse> checkHead(const httplib::Request& in,
                                      const HttpServer::HeadCheck& check_head,
                                      const HttpServer::ErrorRenderer& render_error) {
  if (current_connection != nullptr) {
    current_connection->endHead();
  }
  auto refuse = [&](int status, uint64_t unread) -> std::optional<HttpResponse> {
    if (current_connection != nullptr) {
      current_connection->closeAfterResponse(unread);
    }
    return render_error(in.path, status);
  };
  // Framing a proxy could read differently is refused, and the connection closed (RFC 9112 6.3):
  // a length with a transfer coding, a coding other than chunked, lengths that disagree or do
  // not parse.
  const auto lengths = in.headers.equal_range("Content-Length");
  const bool chunked = in.has_header("Transfer-Encoding");
  std::optional<uint64_t> length;
  for (auto it = lengths.first; it != lengths.second; ++it) {
    const std::string& text = it->second;
    if (text.empty() || text.size() > 19 ||
        text.find_first_not_of("0123456789") != std::string::npos ||
        (length && *length != std::stoull(text))) {
      return refuse(400, 0);
    }
    length = std::stoull(text);
  }
  if (chunked && (length || in.get_header_value_count("Transfer-Encoding") > 1 ||
                  !iequals(in.get_header_value("Transfer-Encoding"), "chunked"))) {
    return refuse(length ? 400 : 501, 0);
  }
  if (!length) {
    return std::nullopt;
  }
  if (std::optional<HttpResponse> answer = check_head(requestFrom(in), *length)) {
    if (current_connection != nullptr) {
      current_connection->closeAfterResponse(*length);  // the body it sent is not read
    }
    return answer;
  }
  return std::nullopt;
}

}  // namespace

HttpServer::HttpServer(RequestHandler handler, ErrorRenderer render_error, HeadCheck check_head,
                       ServerLimits limits)
    : server_(std::make_unique<HttplibServer>(limits, render_error)) {
  // Keep-alive connections each hold a worker, so the pool is sized for many idle SDK sockets.
  const size_t workers = limits.worker_threads;
  server_->new_task_queue = [workers] { return new httplib::ThreadPool(workers); };
  // Without TCP_NODELAY a response's headers and body (two writes) meet Nagle's algorithm and the
  // client's delayed ACK: 40 ms per request on one connection. Accepted sockets inherit the
  // option from the listening one.
  server_->set_tcp_nodelay(true);
  // httplib sets SO_REUSEPORT, with which a second server on a busy port "listens" too and the
  // kernel splits the connections between them: a server left behind by a crashed test run would
  // take half of the next run's requests. SO_REUSEADDR alone lets a restart reuse a port in
  // TIME_WAIT, and a busy port fails to bind.
  server_->set_socket_options([](socket_t socket) {
    const int yes = 1;
    ::setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  server_->set_payload_max_length(limits.max_payload_bytes);
  server_->set_keep_alive_max_count(1000);
  server_->set_keep_alive_timeout(5);
  server_->set_expect_100_continue_handler(
      [check_head, render_error](const httplib::Request& in, httplib::Response& out) {
        if (auto refused = checkHead(in, check_head, render_error)) {
          writeResponse(*refused, out);
          out.set_header("Connection", "close");
          answered_by_handler = true;
          return refused->status;
        }
        return 100;
      });
  server_->set_pre_routing_handler([check_head, render_error](const httplib::Request& in,
                                                              httplib::Response& out) {
    auto& request = const_cast<httplib::Request&>(in);  // httplib's own, non-const request object
    if (auto refused = checkHead(in, check_head, render_error)) {
      writeResponse(*refused, out);
      out.set_header("Connection", "close");
      answered_by_handler = true;
      return httplib::Server::HandlerResponse::Handled;
    }
    const auto type = request.headers.find("Content-Type");
    if (type != request.headers.end()) {
      request.headers.emplace(kOriginalContentType, type->second);
      type->second = "application/octet-stream";
    }
    // A request with neither Content-Length nor Transfer-Encoding has no body (RFC 9112 6.3);
    // httplib would read until the client closes.
    if (!request.has_header("Content-Length") && !request.has_header("Transfer-Encoding")) {
      request.set_header("Content-Length", "0");
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  auto serve = [handler](const httplib::Request& in, httplib::Response& out) {
    HttpRequest request = requestFrom(in);
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
    if (answered_by_handler) {
      return;
    }
    // httplib could not read the request: what follows on the connection is no request either.
    const std::string path = in.path.empty() && current_connection != nullptr
                                 ? current_connection->requestPath()
                                 : in.path;
    const bool head_too_large = current_connection != nullptr && current_connection->headTooLarge();
    writeResponse(render_error(path, head_too_large ? 431 : out.status), out);
    out.set_header("Connection", "close");
    if (current_connection != nullptr) {
      current_connection->closeAfterResponse();
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
    server_->stopConnections();
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
  {
    std::lock_guard lock(mutex_);
    if (cancelled_) {
      result.error = "not sent: hnemu is stopping";
      return result;
    }
    clients_.insert(&client);
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
  bool cancelled = false;
  {
    std::lock_guard lock(mutex_);
    clients_.erase(&client);
    cancelled = cancelled_;
  }
  done_.notify_all();
  if (cancelled) {
    result.error = "cut short: hnemu stopped";
    return result;
  }
  if (!response) {
    result.error = httplib::to_string(response.error());
    return result;
  }
  result.connected = true;
  result.status = response->status;
  result.body = response->body;
  return result;
}

void HttplibWebhookTransport::cancelAll() {
  std::unique_lock lock(mutex_);
  cancelled_ = true;
  // A delivery may be between connecting and sending, where stop() finds no socket yet: repeat
  // until every delivery has returned, for a bounded time.
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(1);
  while (!clients_.empty() && std::chrono::steady_clock::now() < give_up) {
    for (httplib::Client* client : clients_) {
      client->stop();
    }
    done_.wait_for(lock, std::chrono::milliseconds(10));
  }
}

}  // namespace hnemu
