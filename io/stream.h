// Byte streams for the dump readers: plain files, gzip (multi-member) and
// zstd (multi-frame), recognised by their magic bytes, read in large blocks.
// Internal to io/.
#ifndef MOISSON_IO_STREAM_H_
#define MOISSON_IO_STREAM_H_

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "io/http_source.h"

namespace moisson::io {

enum class Compression : std::uint8_t { kNone, kGzip, kZstd };

// A corrupt stretch of a compressed file that the stream skipped (gzip: up to
// the next member). It is replaced by one '\n' at decompressed offset `pos`,
// so a JSONL line or WARC record cut there ends there and what follows starts
// on a new line.
struct StreamGap {
  std::uint64_t pos = 0;
  std::string message;  // "corrupt gzip data in the member at offset N; ..."
};

// Decompressed bytes of one file (or of a memory buffer, for the fuzzers).
class ByteStream {
 public:
  virtual ~ByteStream() = default;
  // Appends up to `max` bytes to *out; returns how many (0 at the end or on
  // error: check error()).
  virtual std::size_t Read(std::string* out, std::size_t max) = 0;
  // A decompression error ("truncated gzip member at offset 1234"); "" if none.
  virtual const std::string& error() const = 0;
  // Compressed bytes consumed so far.
  virtual std::uint64_t consumed() const = 0;
  // For gzip: the compressed offset of the member that holds decompressed
  // byte `pos` (the start of the file when unknown or not gzip).
  virtual std::uint64_t MemberOffset(std::uint64_t pos) const { return 0; }
  virtual Compression compression() const = 0;
  // True when reading the file itself failed (EIO...), as opposed to bad data.
  virtual bool io_failed() const { return false; }
  // Moves the gaps with pos < `before` to *out (in order) and forgets them.
  virtual void TakeGaps(std::uint64_t before, std::vector<StreamGap>* out) {}
};

// Opens `path` ("-": standard input; "http://" or "https://": a download,
// io/http_source.h), sniffing the compression from the first bytes.
Result<std::unique_ptr<ByteStream>> OpenByteStream(const std::string& path, const HttpOptions& http = {});
// The same over bytes in memory (the fuzz targets' entry point); `data` must
// outlive the stream.
std::unique_ptr<ByteStream> MemoryByteStream(std::string_view data);

// `head` (bytes already read from `rest`) followed by the rest of `rest`.
std::unique_ptr<ByteStream> PrependBytes(std::string head, std::unique_ptr<ByteStream> rest);

// Line and block reading over a ByteStream with one growing buffer.
class BufferedReader {
 public:
  explicit BufferedReader(std::unique_ptr<ByteStream> stream) : stream_(std::move(stream)) {}
  // The next line without its '\n' (and '\r'); false at the end. A line
  // longer than `max` is returned cut to `max` bytes with *too_long set, and
  // the rest of it is skipped.
  bool ReadLine(std::string_view* line, std::size_t max, bool* too_long);
  // True when the last line ReadLine returned ended at the end of the input
  // without a '\n' (a cut line when the stream reports an error).
  bool last_line_unterminated() const { return unterminated_; }
  // How many readable bytes of the buffer follow the end of `line` (a view
  // returned by the last ReadLine), so a parser that needs padding after its
  // input (simdjson) can read in place instead of copying.
  std::size_t bytes_after(std::string_view line) const {
    return static_cast<std::size_t>(buf_.data() + buf_.size() - (line.data() + line.size()));
  }
  // Exactly n bytes into *out (replacing it); false if the input ends first
  // (*out then holds what there was).
  bool ReadExact(std::size_t n, std::string* out);
  // Skips n bytes; false if the input ends first.
  bool Skip(std::uint64_t n);
  // Next byte without consuming it; -1 at the end.
  int Peek();
  // Moves the read position back (or forward) to decompressed offset `pos`
  // when those bytes are still buffered; false otherwise.
  bool Rewind(std::uint64_t pos);
  // Decompressed offset of the next byte.
  std::uint64_t position() const { return base_ + pos_; }
  ByteStream& stream() { return *stream_; }

 private:
  bool Fill(std::size_t want);  // ensure at least `want` unread bytes if possible
  std::unique_ptr<ByteStream> stream_;
  std::string buf_;
  std::size_t pos_ = 0;     // read position in buf_
  std::uint64_t base_ = 0;  // decompressed offset of buf_[0]
  bool eof_ = false;
  bool unterminated_ = false;
};

// Decoding of an HTTP body, at most `max_out` bytes. Output grows in steps,
// so a decompression bomb costs at most `max_out` bytes of memory and is told
// apart (kTooLarge) from data that is not compressed that way (kCorrupt).
enum class DecodeResult : std::uint8_t { kOk, kCorrupt, kTooLarge, kUnsupported };

// gzip or zlib (header detected) when `gzip_or_zlib`, else raw deflate.
DecodeResult InflateBounded(std::string_view in, bool gzip_or_zlib, std::size_t max_out, std::string* out);

// Brotli ("Content-Encoding: br"), the same contract; kUnsupported when
// moisson was built without libbrotlidec.
DecodeResult BrotliBounded(std::string_view in, std::size_t max_out, std::string* out);

}  // namespace moisson::io

#endif  // MOISSON_IO_STREAM_H_
