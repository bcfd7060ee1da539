// Status and Result<T>: errors as values across module boundaries.
//
// Modelled on leveldb's Status: cheap to return, says what failed and where.
// A Status names the file and line that caused the error when there is one, so
// that every message a user reads can point at their input ("moisson.toml:12:
// unknown key 'policy.honor'"). Thread-compatible: distinct objects may be used
// from distinct threads.
#ifndef MOISSON_CORE_STATUS_H_
#define MOISSON_CORE_STATUS_H_

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace moisson {

class Status {
 public:
  enum class Code : unsigned char {
    kOk = 0,
    kInvalidArgument,  // the caller's input (a file, a flag, a line) is wrong
    kNotFound,         // a named file or entry does not exist
    kPermission,       // a file has unsafe permissions or cannot be opened
    kIo,               // the operating system refused a read or a write
    kInternal,         // a library we call failed in a way input cannot explain
    kInterrupted,      // the user stopped the work (SIGINT, SIGTERM)
  };

  Status() = default;  // ok
  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string msg) { return Status(Code::kInvalidArgument, std::move(msg)); }
  static Status NotFound(std::string msg) { return Status(Code::kNotFound, std::move(msg)); }
  static Status Permission(std::string msg) { return Status(Code::kPermission, std::move(msg)); }
  static Status Io(std::string msg) { return Status(Code::kIo, std::move(msg)); }
  static Status Internal(std::string msg) { return Status(Code::kInternal, std::move(msg)); }
  static Status Interrupted(std::string msg) { return Status(Code::kInterrupted, std::move(msg)); }

  // An error located in an input file: "FILE:LINE: MSG" (LINE omitted when 0).
  static Status AtLine(const std::string& file, int line, const std::string& msg) {
    std::string where = file;
    if (line > 0) where += ":" + std::to_string(line);
    return InvalidArgument(where + ": " + msg);
  }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  // The message, without any prefix; empty when ok().
  const std::string& message() const { return message_; }

 private:
  Status(Code code, std::string msg) : code_(code), message_(std::move(msg)) {}
  Code code_ = Code::kOk;
  std::string message_;
};

// Either a value or a non-ok Status. Access value() only when ok().
template <typename T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}                      // NOLINT: implicit on purpose
  Result(Status status) : v_(std::move(status)) {}                // NOLINT: must not be ok()
  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace moisson

#endif  // MOISSON_CORE_STATUS_H_
