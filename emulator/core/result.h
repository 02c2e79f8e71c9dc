#pragma once

#include <string>
#include <utility>
#include <variant>

namespace hnemu {

// Canonical failure kinds; each provider's wire layer maps them to its own envelope and status.
enum class ErrorCode {
  InvalidArgument,
  NotFound,
  AlreadyExists,
  FailedPrecondition,
  Unauthenticated,
  PermissionDenied,
  ResourceExhausted,
  PayloadTooLarge,
  Internal,
};

struct Error {
  ErrorCode code = ErrorCode::Internal;
  std::string message;
  // The provider's own code (Twilio's numeric codes, Telnyx's string codes, ...), empty if none.
  std::string provider_code;
};

inline Error makeError(ErrorCode code, std::string message, std::string provider_code = {}) {
  return Error{code, std::move(message), std::move(provider_code)};
}

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}      // NOLINT: implicit by design, like StatusOr
  Result(Error error) : value_(std::move(error)) {}  // NOLINT

  bool ok() const { return std::holds_alternative<T>(value_); }
  const T& value() const& { return std::get<T>(value_); }
  T& value() & { return std::get<T>(value_); }
  // By value, so that `for (auto& x : f().value())` cannot dangle.
  T value() && { return std::get<T>(std::move(value_)); }
  const Error& error() const { return std::get<Error>(value_); }

 private:
  std::variant<T, Error> value_;
};

// Result<void>: success carries nothing.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT

  bool ok() const { return ok_; }
  const Error& error() const { return error_; }

 private:
  Error error_;
  bool ok_ = true;
};

#define HNEMU_CONCAT_INNER(a, b) a##b
#define HNEMU_CONCAT(a, b) HNEMU_CONCAT_INNER(a, b)

#define HNEMU_RETURN_IF_ERROR(expr)                       \
  if (auto hnemu_status_ = (expr); !hnemu_status_.ok()) { \
    return hnemu_status_.error();                         \
  }

#define HNEMU_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                \
  if (!tmp.ok()) {                                  \
    return tmp.error();                             \
  }                                                 \
  lhs = std::move(tmp).value();

#define HNEMU_ASSIGN_OR_RETURN(lhs, expr) \
  HNEMU_ASSIGN_OR_RETURN_IMPL(HNEMU_CONCAT(hnemu_result_, __LINE__), lhs, expr)

}  // namespace hnemu
