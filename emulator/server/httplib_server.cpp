#include "server/httplib_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <httplib.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <unordered_map>
#include <vector>

#include "core/wire/form.h"

namespace hnemu {
namespace {

// httplib parses some bodies itself before a route runs (multipart into parts, form bodies into
// params, the latter only up to 8 KiB): every request's Content-Type is set aside before routing,
// so that httplib sees an opaque body, and put back for the handler.
constexpr const char* kOriginalContentType = "X-Hnemu-Original-Content-Type";
// A body up to this size is gathered by the reactor with its head, so a slow sender holds no
// worker; a larger one (an upload) is read by the worker.
constexpr size_t kGatheredBodyBytes = 64 * 1024;
// After an answer, a worker waits this long for the client's next request before it parks the
// connection: a client sending requests back to back skips a trip through the reactor.
constexpr int kLingerMs = 2;
// The longest request line or header line (httplib's own limit; past it a 431, not its 400).
constexpr size_t kMaxLineBytes = 8192;

// The sockets of open connections, so that stop() can wake the workers blocked on them. A socket
// leaves the set and is closed under one lock, so that stop() never shuts a number the system
// has since handed to another file.
class SocketSet {
 public:
  bool add(int socket) {
    std::lock_guard lock(mutex_);
    if (stopping_) {
      return false;
    }
    sockets_.insert(socket);
    return true;
  }
  void close(int socket) {
    std::lock_guard lock(mutex_);
    sockets_.erase(socket);
    ::shutdown(socket, SHUT_RDWR);
    ::close(socket);
  }
  void shutdownAll() {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    for (const int socket : sockets_) {
      ::shutdown(socket, SHUT_RDWR);
    }
  }

 private:
  std::mutex mutex_;
  std::set<int> sockets_;
  bool stopping_ = false;
};

// One accepted connection, as the httplib::Stream that httplib's request parser reads. It is
// ours, not httplib's SocketStream, so that the request line and headers can be capped (httplib
// 0.11 reads any number of header lines of any length), so that stop() can wake it, and so that
// the reactor can gather a request before a worker parses it. It owns its socket.
class Connection final : public httplib::Stream {
 public:
  Connection(int socket, SocketSet& sockets, const ServerLimits& limits, int read_timeout_ms,
             int write_timeout_ms)
      : socket_(socket),
        sockets_(sockets),
        limits_(limits),
        read_timeout_ms_(read_timeout_ms),
        write_timeout_ms_(write_timeout_ms),
        since_(std::chrono::steady_clock::now()) {}
  ~Connection() override { sockets_.close(socket_); }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  int fd() const { return socket_; }
  size_t served = 0;  // requests answered on it

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
  bool hasBufferedInput() const { return begin_ < buffer_.size(); }

  // ---- the reactor's side: gathering a request without a worker --------------------------------

  enum class Gathered { Waiting, Ready, Gone };

  // Reads what the client has sent, without blocking; Ready once a worker can answer without
  // waiting for the client: a whole head, and the body too when it is small.
  Gathered gather() {
    if (begin_ > 0) {
      buffer_.erase(0, begin_);
      begin_ = 0;
    }
    char chunk[16384];
    for (;;) {
      const ssize_t n = ::recv(socket_, chunk, sizeof chunk, MSG_DONTWAIT);
      if (n > 0) {
        if (!hasBufferedInput()) {
          since_ = std::chrono::steady_clock::now();  // a request starts arriving
        }
        buffer_.append(chunk, static_cast<size_t>(n));
        if (buffer_.size() - begin_ >= limits_.max_header_bytes + kGatheredBodyBytes) {
          return Gathered::Ready;  // enough: the worker reads the rest, or refuses it
        }
        continue;
      }
      if (n == 0) {
        // The client closed its side: what it sent may still be a whole request.
        return hasBufferedInput() ? Gathered::Ready : Gathered::Gone;
      }
      if (errno == EINTR) {
        continue;
      }
      if (errno != EAGAIN && errno != EWOULDBLOCK) {
        return Gathered::Gone;
      }
      return requestGathered() ? Gathered::Ready : Gathered::Waiting;
    }
  }
  // Since when it has been idle (no request started) or gathering the request it is on.
  std::chrono::steady_clock::time_point since() const { return since_; }
  void parked() {
    if (!hasBufferedInput()) {
      since_ = std::chrono::steady_clock::now();
    }
  }
  bool awaitInput(int timeout_ms) const { return poll(POLLIN, timeout_ms) > 0; }
  // The path of a request still arriving, from its request line as far as it has come.
  std::string pendingRequestPath() const {
    const size_t line_end = buffer_.find('\n', begin_);
    const std::string line = buffer_.substr(
        begin_, std::min<size_t>(
                    line_end == std::string::npos ? buffer_.size() - begin_ : line_end - begin_,
                    kMaxLineBytes));
    const size_t start = line.find(' ');
    if (start == std::string::npos) {
      return "";
    }
    const size_t end = line.find_first_of(" ?\r", start + 1);
    return line.substr(start + 1, end == std::string::npos ? end : end - start - 1);
  }
  // Writes what fits now and never waits: for the reactor, which must not block on a client.
  void writeNow(const std::string& bytes) {
    (void)::send(socket_, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
  }

  // Reads and drops the body of a refused request (up to a bound), so that closing the socket does
  // not reset the connection before the client, still sending, has read the answer. Nothing of
  // it is kept.
  void discardUnreadBody() {
    ::shutdown(socket_, SHUT_WR);
    constexpr uint64_t kMostDiscarded = 64 * 1024 * 1024;
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    uint64_t left = std::min<uint64_t>(unread_, kMostDiscarded);
    left -= std::min<uint64_t>(left, buffer_.size() - begin_);
    buffer_.clear();
    begin_ = 0;
    char sink[16384];
    while (left > 0 && std::chrono::steady_clock::now() < give_up && poll(POLLIN, 200) > 0) {
      const ssize_t n = ::recv(socket_, sink, std::min<uint64_t>(sizeof sink, left), 0);
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
      buffer_.clear();
      begin_ = 0;
      if (poll(POLLIN, read_timeout_ms_) <= 0) {
        return -1;
      }
      char chunk[16384];
      ssize_t n = 0;
      do {
        n = ::recv(socket_, chunk, sizeof chunk, 0);
      } while (n < 0 && errno == EINTR);
      if (n <= 0) {
        return n;
      }
      buffer_.assign(chunk, static_cast<size_t>(n));
    }
    size_t count = std::min(size, buffer_.size() - begin_);
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
  // httplib's only use of it: it refuses a socket past select()'s FD_SETSIZE. This stream polls.
  socket_t socket() const override { return socket_ < FD_SETSIZE ? socket_ : 0; }

 private:
  // A whole head, and a body of a known length small enough to gather too, are buffered.
  bool requestGathered() const {
    const std::string_view pending(buffer_.data() + begin_, buffer_.size() - begin_);
    size_t head_end = pending.find("\r\n\r\n");
    size_t terminator = 4;
    if (head_end == std::string_view::npos) {
      head_end = pending.find("\n\n");
      terminator = 2;
    }
    if (head_end == std::string_view::npos) {
      return pending.size() >= limits_.max_header_bytes;  // past the limit: the worker refuses it
    }
    const std::string_view head = pending.substr(0, head_end);
    uint64_t length = 0;
    for (size_t line = head.find('\n'); line != std::string_view::npos;
         line = head.find('\n', line + 1)) {
      constexpr std::string_view kLength = "content-length:";
      const std::string_view rest = head.substr(line + 1);
      if (rest.size() > kLength.size() && iequals(rest.substr(0, kLength.size()), kLength)) {
        const size_t digits = rest.find_first_not_of(" \t", kLength.size());
        length = 0;
        for (size_t i = digits;
             i < rest.size() && std::isdigit(static_cast<unsigned char>(rest[i])); ++i) {
          length = std::min<uint64_t>(length * 10 + static_cast<uint64_t>(rest[i] - '0'),
                                      kGatheredBodyBytes + 1);
        }
      }
    }
    // A larger body is the worker's to read (or to refuse from its length).
    return length > kGatheredBodyBytes || pending.size() >= head_end + terminator + length;
  }

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
  SocketSet& sockets_;
  const ServerLimits& limits_;
  const int read_timeout_ms_;
  const int write_timeout_ms_;
  std::string buffer_;  // what was read and not yet parsed starts at begin_
  size_t begin_ = 0;
  std::chrono::steady_clock::time_point since_;
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

// The raw bytes of an answer the server writes itself, outside httplib, closing the connection.
std::string rawResponse(const HttpResponse& response) {
  std::string content_type = "application/json";
  std::string extra;
  for (const auto& [name, value] : response.headers) {
    if (iequals(name, "Content-Type")) {
      content_type = value;
    } else {
      extra += name + ": " + value + "\r\n";
    }
  }
  return "HTTP/1.1 " + std::to_string(response.status) + " " +
         std::string(httpStatusText(response.status)) + "\r\nContent-Type: " + content_type +
         "\r\nContent-Length: " + std::to_string(response.body.size()) +
         "\r\nConnection: close\r\n" + extra + "\r\n" + response.body;
}

// Threads for connections with a request to answer; connections between requests hold none.
// A thread starts only when a job finds none idle, so an in-process start and stop is cheap.
class WorkerPool {
 public:
  void setLimit(size_t most) { most_ = most; }
  void enqueue(std::function<void()> job) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) {
        return;  // the job's connection closes with it
      }
      jobs_.push_back(std::move(job));
      if (idle_ < jobs_.size() && threads_.size() < most_) {
        threads_.emplace_back([this] { run(); });
      }
    }
    wake_.notify_one();
  }
  // Runs what is queued, then joins.
  void stop() {
    std::vector<std::thread> threads;
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
      threads.swap(threads_);
    }
    wake_.notify_all();
    for (std::thread& thread : threads) {
      thread.join();
    }
  }

 private:
  void run() {
    for (;;) {
      std::function<void()> job;
      {
        std::unique_lock lock(mutex_);
        ++idle_;
        wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
        --idle_;
        if (jobs_.empty()) {
          return;
        }
        job = std::move(jobs_.front());
        jobs_.pop_front();
      }
      job();
    }
  }

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> jobs_;
  std::vector<std::thread> threads_;
  size_t most_ = 1;
  size_t idle_ = 0;
  bool stopping_ = false;
};

// httplib's accept loop hands each socket over at once: process_and_close_socket only parks it.
class AcceptInline final : public httplib::TaskQueue {
 public:
  void enqueue(std::function<void()> accepted) override { accepted(); }
  void shutdown() override {}
};

}  // namespace

// httplib's server with our own connections (process_and_close_socket is virtual in httplib for
// this): a connection waiting for its client, between requests or while a request arrives, is
// parked in one epoll reactor and holds no thread, so that idle keep-alive sockets and slow
// senders cannot take every worker; a worker takes it once a request is there to answer.
class HttplibServer final : public httplib::Server {
 public:
  HttplibServer(ServerLimits limits, HttpServer::ErrorRenderer render_error)
      : limits_(limits), render_error_(std::move(render_error)) {
    new_task_queue = [this] {
      startReactor();
      return new AcceptInline();
    };
  }
  ~HttplibServer() override { stopConnections(); }
  HttplibServer(const HttplibServer&) = delete;
  HttplibServer& operator=(const HttplibServer&) = delete;

  // Wakes every connection, closes the parked ones and waits for the workers to return.
  void stopConnections() {
    sockets_.shutdownAll();
    {
      std::lock_guard lock(mutex_);
      if (stopped_) {
        return;
      }
      stopped_ = true;
    }
    if (reactor_.joinable()) {
      const uint64_t one = 1;
      (void)::write(wake_, &one, sizeof one);
      reactor_.join();
      workers_.stop();
      ::close(epoll_);
      ::close(wake_);
    }
  }

 private:
  void startReactor() {
    std::lock_guard lock(mutex_);
    if (stopped_ || reactor_.joinable()) {
      return;
    }
    epoll_ = ::epoll_create1(EPOLL_CLOEXEC);
    wake_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.fd = wake_;
    ::epoll_ctl(epoll_, EPOLL_CTL_ADD, wake_, &event);
    workers_.setLimit(limits_.worker_threads);
    reactor_ = std::thread([this] { runReactor(); });
  }

  bool process_and_close_socket(socket_t socket) override {
    if (!sockets_.add(socket)) {
      ::close(socket);
      return false;
    }
    park(std::make_shared<Connection>(socket, sockets_, limits_,
                                      static_cast<int>(limits_.request_timeout.count()),
                                      static_cast<int>(write_timeout_sec_ * 1000)));
    return true;
  }

  // Hands a connection waiting for its client to the reactor (or, after stop, closes it).
  void park(std::shared_ptr<Connection> connection) {
    connection->parked();
    std::lock_guard lock(mutex_);
    if (stopped_) {
      return;
    }
    epoll_event event{};
    event.events = EPOLLIN | EPOLLRDHUP;
    event.data.fd = connection->fd();
    if (::epoll_ctl(epoll_, EPOLL_CTL_ADD, connection->fd(), &event) == 0) {
      parked_.emplace(connection->fd(), std::move(connection));
    }
  }

  std::shared_ptr<Connection> unpark(int fd) {
    std::lock_guard lock(mutex_);
    const auto found = parked_.find(fd);
    if (found == parked_.end()) {
      return nullptr;
    }
    std::shared_ptr<Connection> connection = std::move(found->second);
    parked_.erase(found);
    ::epoll_ctl(epoll_, EPOLL_CTL_DEL, fd, nullptr);
    return connection;
  }

  void runReactor() {
    constexpr int kSweepMs = 100;
    std::vector<epoll_event> events(256);
    auto next_sweep = std::chrono::steady_clock::now();
    for (;;) {
      const int ready =
          ::epoll_wait(epoll_, events.data(), static_cast<int>(events.size()), kSweepMs);
      {
        std::lock_guard lock(mutex_);
        if (stopped_) {
          break;
        }
      }
      for (int i = 0; i < ready; ++i) {
        const int fd = events[static_cast<size_t>(i)].data.fd;
        if (fd == wake_) {
          continue;
        }
        std::shared_ptr<Connection> connection;
        {
          std::lock_guard lock(mutex_);
          const auto found = parked_.find(fd);
          if (found != parked_.end()) {
            connection = found->second;
          }
        }
        if (connection == nullptr) {
          continue;
        }
        // Only the reactor touches a parked connection, so it is read outside the lock.
        const Connection::Gathered gathered = connection->gather();
        if (gathered == Connection::Gathered::Waiting) {
          continue;
        }
        connection = unpark(fd);
        if (gathered == Connection::Gathered::Ready) {
          workers_.enqueue([this, connection] { serve(connection); });
        }
      }
      const auto now = std::chrono::steady_clock::now();
      if (now >= next_sweep) {
        closeOverdue(now);
        next_sweep = now + std::chrono::milliseconds(kSweepMs);
      }
    }
    std::lock_guard lock(mutex_);
    parked_.clear();
  }

  // Closes a connection idle past the keep-alive timeout, and answers 408 to one whose request
  // has not arrived whole within the read timeout.
  void closeOverdue(std::chrono::steady_clock::time_point now) {
    const auto idle_limit = limits_.idle_timeout;
    const auto arriving_limit = limits_.request_timeout;
    std::vector<std::shared_ptr<Connection>> overdue;
    {
      std::lock_guard lock(mutex_);
      for (auto it = parked_.begin(); it != parked_.end();) {
        const bool arriving = it->second->hasBufferedInput();
        if (now - it->second->since() < (arriving ? arriving_limit : idle_limit)) {
          ++it;
          continue;
        }
        ::epoll_ctl(epoll_, EPOLL_CTL_DEL, it->first, nullptr);
        overdue.push_back(std::move(it->second));
        it = parked_.erase(it);
      }
    }
    for (const auto& connection : overdue) {
      if (connection->hasBufferedInput()) {
        connection->writeNow(rawResponse(render_error_(connection->pendingRequestPath(), 408)));
      }
    }
  }

  // Answers the requests the client has sent, then parks the connection again or closes it.
  void serve(const std::shared_ptr<Connection>& connection) {
    for (;;) {
      connection->beginRequest();
      const bool last = ++connection->served >= keep_alive_max_count_;
      current_connection = connection.get();
      bool connection_closed = false;
      const bool served = process_request(*connection, last, connection_closed, nullptr);
      current_connection = nullptr;
      if (connection->headTooLarge() && !connection->wrote()) {
        // The request line alone was over the limit: httplib gave up without an answer.
        const std::string answer = rawResponse(render_error_(connection->requestPath(), 431));
        (void)connection->write(answer.data(), answer.size());
      }
      if (!served || connection_closed || last || connection->headTooLarge() ||
          connection->closingAfterResponse()) {
        if (connection->closingAfterResponse()) {
          connection->discardUnreadBody();
        }
        return;  // the last reference closes it
      }
      if (!connection->hasBufferedInput()) {
        (void)connection->awaitInput(kLingerMs);
      }
      switch (connection->gather()) {
        case Connection::Gathered::Ready:
          continue;
        case Connection::Gathered::Waiting:
          park(connection);
          return;
        case Connection::Gathered::Gone:
          return;
      }
    }
  }

  const ServerLimits limits_;
  const HttpServer::ErrorRenderer render_error_;
  SocketSet sockets_;
  WorkerPool workers_;
  std::mutex mutex_;  // parked_, stopped_
  std::unordered_map<int, std::shared_ptr<Connection>> parked_;
  bool stopped_ = false;
  int epoll_ = -1;
  int wake_ = -1;
  std::thread reactor_;
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
  std::vector<int> own_sockets;
  {
    std::lock_guard lock(mutex_);
    if (cancelled_) {
      result.error = "not sent: hnemu is stopping";
      return result;
    }
  }
  client.set_socket_options([this, &own_sockets](socket_t sock) {
    // A raw system call, not dup(): httplib closes `sock` itself, out of ThreadSanitizer's sight
    // (the library is not instrumented), so an intercepted dup would leave TSan thinking the
    // descriptor number still in use when the kernel hands it out again.
    const int duplicate = static_cast<int>(::syscall(SYS_fcntl, sock, F_DUPFD_CLOEXEC, 0));
    if (duplicate < 0) {
      return;
    }
    std::lock_guard lock(mutex_);
    own_sockets.push_back(duplicate);
    sockets_.insert(duplicate);
    if (cancelled_) {
      ::shutdown(duplicate, SHUT_RDWR);
    }
  });
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
    for (const int duplicate : own_sockets) {
      sockets_.erase(duplicate);
      ::close(duplicate);
    }
    cancelled = cancelled_;
  }
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
  std::lock_guard lock(mutex_);
  cancelled_ = true;
  for (const int duplicate : sockets_) {
    ::shutdown(duplicate, SHUT_RDWR);
  }
}

}  // namespace hnemu
