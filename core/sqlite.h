// The one SQLite prepared-statement wrapper of the ledger (audit/), the
// opt-out registry (blocklists/) and the crawl state (crawler/).
//
//   SqliteStatement s(db, "SELECT a, b FROM t WHERE k = ?1");
//   if (!s.ok()) ...;                        // sqlite3_errmsg(db) says why
//   s.Text(1, key);                           // bytes must outlive Step()
//   while (s.Step() == SQLITE_ROW) use(s.Col(0), s.ColInt(1));
//
// Text and Blob bind SQLITE_STATIC: the bound bytes must stay alive until the
// next Step() — arguments and members of the row being written, in every
// caller. TextCopy and BlobCopy make SQLite copy them (SQLITE_TRANSIENT).
// Col reads a column's bytes exactly (text or blob; "" for NULL).
#ifndef MOISSON_CORE_SQLITE_H_
#define MOISSON_CORE_SQLITE_H_

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace moisson {

class SqliteStatement {
 public:
  SqliteStatement() = default;
  // Prepared once for one use (sqlite3_prepare_v2); ok() says whether it compiled.
  SqliteStatement(sqlite3* db, const char* sql) { ok_ = sqlite3_prepare_v2(db, sql, -1, &s_, nullptr) == SQLITE_OK; }
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;
  ~SqliteStatement() { Finalize(); }

  // Prepared to be kept for the life of the connection (SQLITE_PREPARE_PERSISTENT).
  bool Prepare(sqlite3* db, const char* sql) {
    Finalize();
    ok_ = sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s_, nullptr) == SQLITE_OK;
    return ok_;
  }
  void Finalize() {
    sqlite3_finalize(s_);
    s_ = nullptr;
    ok_ = false;
  }
  bool ok() const { return ok_; }
  sqlite3_stmt* get() const { return s_; }

  SqliteStatement& Text(int i, std::string_view v) {
    sqlite3_bind_text(s_, i, v.data() ? v.data() : "", static_cast<int>(v.size()), SQLITE_STATIC);
    return *this;
  }
  SqliteStatement& TextCopy(int i, std::string_view v) {
    sqlite3_bind_text(s_, i, v.data() ? v.data() : "", static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  SqliteStatement& Blob(int i, std::string_view v) {
    sqlite3_bind_blob(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
    return *this;
  }
  SqliteStatement& BlobCopy(int i, std::string_view v) {
    sqlite3_bind_blob(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  // NULL when absent.
  SqliteStatement& Blob(int i, const std::optional<std::string>& v) {
    if (v) return Blob(i, std::string_view(*v));
    sqlite3_bind_null(s_, i);
    return *this;
  }
  SqliteStatement& Int(int i, std::int64_t v) {
    sqlite3_bind_int64(s_, i, v);
    return *this;
  }

  int Step() { return sqlite3_step(s_); }
  // Ready for the next use; also releases the read snapshot of a SELECT.
  void Reset() {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }

  std::string Col(int i) const {
    const void* p = sqlite3_column_blob(s_, i);
    return p ? std::string(static_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(s_, i)))
             : std::string();
  }
  std::int64_t ColInt(int i) const { return sqlite3_column_int64(s_, i); }
  bool IsNull(int i) const { return sqlite3_column_type(s_, i) == SQLITE_NULL; }

 private:
  sqlite3_stmt* s_ = nullptr;
  bool ok_ = false;
};

// Runs `sql` (one or more statements without results: a schema, BEGIN,
// COMMIT); an error is Io "PATH: SQLite: message".
inline Status SqliteExec(sqlite3* db, const char* sql, const std::string& path) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    const std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    return Status::Io(path + ": SQLite: " + msg);
  }
  return Status::Ok();
}

// Resets a statement when leaving a scope, whatever the path.
class ResetOnExit {
 public:
  explicit ResetOnExit(SqliteStatement& s) : s_(s) {}
  ~ResetOnExit() { s_.Reset(); }
  ResetOnExit(const ResetOnExit&) = delete;
  ResetOnExit& operator=(const ResetOnExit&) = delete;

 private:
  SqliteStatement& s_;
};

}  // namespace moisson

#endif  // MOISSON_CORE_SQLITE_H_
