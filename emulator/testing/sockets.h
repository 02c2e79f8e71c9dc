#pragma once

// For the tests that talk to the emulator (or act as a webhook receiver) over raw sockets.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <string>

namespace hnemu::testing {

// A listening socket on an ephemeral loopback port; closed when the object goes.
struct Listener {
  int fd = -1;
  int port = 0;
  Listener() {
    fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    REQUIRE(::listen(fd, 16) == 0);
    socklen_t length = sizeof address;
    REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0);
    port = ntohs(address.sin_port);
  }
  ~Listener() { ::close(fd); }
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;
};

// Connects to a loopback port and sends raw bytes (as much as the peer takes); returns the socket,
// or -1 if nothing listens. No Catch assertion here: Catch is not thread-safe and tests call this
// from many threads; a failed connect shows as an empty answer.
inline int connectAndSend(int port, const std::string& bytes) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    return -1;
  }
  size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) {
      break;  // the server closed its side: what it answered is still readable
    }
    sent += static_cast<size_t>(n);
  }
  return fd;
}

// Writes raw bytes to the emulator's port and closes, as a client that gives up would.
inline void sendAndHangUp(int port, const std::string& bytes) {
  const int fd = connectAndSend(port, bytes);
  if (fd >= 0) {
    ::close(fd);
  }
}

// Reads one HTTP response (head and a Content-Length body) or what arrives before the peer
// closes or `timeout` passes; "" if nothing came.
inline std::string readResponse(int fd, std::chrono::milliseconds timeout) {
  std::string text;
  if (fd < 0) {
    return text;
  }
  const auto give_up = std::chrono::steady_clock::now() + timeout;
  char buffer[16384];
  for (;;) {
    const size_t head_end = text.find("\r\n\r\n");
    if (head_end != std::string::npos) {
      const size_t length_at = text.find("Content-Length: ");
      const size_t length = length_at == std::string::npos || length_at > head_end
                                ? 0
                                : std::stoul(text.substr(length_at + 16));
      if (text.size() >= head_end + 4 + length) {
        return text;
      }
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        give_up - std::chrono::steady_clock::now());
    pollfd entry{fd, POLLIN, 0};
    if (left.count() <= 0 || ::poll(&entry, 1, static_cast<int>(left.count())) <= 0) {
      return text;
    }
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) {
      return text;
    }
    text.append(buffer, static_cast<size_t>(n));
  }
}

// Sends raw bytes and reads the answer; the connection is closed afterwards.
inline std::string exchange(int port, const std::string& bytes,
                            std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
  const int fd = connectAndSend(port, bytes);
  std::string answer = readResponse(fd, timeout);
  if (fd >= 0) {
    ::close(fd);
  }
  return answer;
}

// The status code of a raw response ("HTTP/1.1 431 ..."), 0 if there is none.
inline int statusOf(const std::string& response) {
  return response.rfind("HTTP/1.", 0) == 0 && response.size() > 12
             ? std::stoi(response.substr(9, 3))
             : 0;
}

inline std::string bodyOf(const std::string& response) {
  const size_t head_end = response.find("\r\n\r\n");
  return head_end == std::string::npos ? "" : response.substr(head_end + 4);
}

}  // namespace hnemu::testing
