#include "onboarding/receiver.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <stdexcept>

namespace onboarding {
namespace {

// A header's value from a request head (names ignore case), or "".
std::string header(const std::string& head, const std::string& name) {
  size_t at = head.find("\r\n");
  while (at != std::string::npos && at + 2 < head.size()) {
    const size_t start = at + 2;
    const size_t end = head.find("\r\n", start);
    const std::string line = head.substr(start, end - start);
    const size_t colon = line.find(':');
    if (colon == name.size()) {
      bool same = true;
      for (size_t i = 0; i < colon; ++i) {
        same = same && std::tolower(static_cast<unsigned char>(line[i])) ==
                           std::tolower(static_cast<unsigned char>(name[i]));
      }
      if (same) {
        const size_t value = line.find_first_not_of(' ', colon + 1);
        return value == std::string::npos ? "" : line.substr(value);
      }
    }
    at = end;
  }
  return "";
}

}  // namespace

Receiver::Receiver(std::string bandwidth_authorization)
    : bandwidth_authorization_(std::move(bandwidth_authorization)) {
  listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (listener_ < 0 || ::bind(listener_, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
      ::listen(listener_, 16) != 0 ||
      ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    throw std::runtime_error("the webhook receiver cannot listen on loopback");
  }
  port_ = ntohs(address.sin_port);
  thread_ = std::thread([this] { serve(); });
}

Receiver::~Receiver() {
  stopping_ = true;
  thread_.join();
  ::close(listener_);
}

std::string Receiver::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

std::vector<Webhook> Receiver::received() const {
  std::lock_guard lock(mutex_);
  return received_;
}

void Receiver::serve() {
  while (!stopping_) {
    pollfd ready{listener_, POLLIN, 0};
    if (::poll(&ready, 1, 50) == 1) {
      const int connection = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
      if (connection >= 0) {
        answer(connection);
        ::close(connection);
      }
    }
  }
}

// One request per connection: read the head and a Content-Length body, answer, close.
void Receiver::answer(int connection) {
  std::string request;
  size_t head_end = std::string::npos;
  size_t wanted = 0;
  char buffer[4096];
  while (head_end == std::string::npos || request.size() < wanted) {
    pollfd readable{connection, POLLIN, 0};
    if (::poll(&readable, 1, 2000) != 1) {
      return;
    }
    const ssize_t got = ::recv(connection, buffer, sizeof buffer, 0);
    if (got <= 0) {
      return;
    }
    request.append(buffer, static_cast<size_t>(got));
    if (head_end == std::string::npos &&
        (head_end = request.find("\r\n\r\n")) != std::string::npos) {
      const std::string length = header(request.substr(0, head_end), "Content-Length");
      wanted = head_end + 4 + std::strtoul(length.c_str(), nullptr, 10);
    }
  }
  const std::string head = request.substr(0, head_end);
  const size_t space = head.find(' ');
  Webhook webhook{head.substr(0, space),
                  head.substr(space + 1, head.find(' ', space + 1) - space - 1),
                  request.substr(head_end + 4)};
  const bool bandwidth = webhook.path.rfind("/bandwidth", 0) == 0;
  const bool accepted = !bandwidth || header(head, "Authorization") == bandwidth_authorization_;
  const std::string reply = accepted ? "HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n"
                                     : "HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n"
                                       "Connection: close\r\n\r\n";
  ::send(connection, reply.data(), reply.size(), MSG_NOSIGNAL);
  if (accepted) {
    std::lock_guard lock(mutex_);
    received_.push_back(std::move(webhook));
  }
}

}  // namespace onboarding
