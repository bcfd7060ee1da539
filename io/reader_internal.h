// Reader entry points below OpenReader(), for the fuzz targets and tests:
// a reader over any ByteStream (memory included) with a known or sniffed format.
#ifndef MOISSON_IO_READER_INTERNAL_H_
#define MOISSON_IO_READER_INTERNAL_H_

#include <memory>
#include <optional>
#include <string>

#include "io/record.h"
#include "io/stream.h"

namespace moisson::io {

// The two readers (io/jsonl_reader.cc, io/warc_reader.cc).
std::unique_ptr<RecordReader> NewJsonlReader(std::unique_ptr<ByteStream> stream, const std::string& name,
                                             const ReaderOptions& options);
std::unique_ptr<RecordReader> NewWarcReader(std::unique_ptr<ByteStream> stream, const std::string& name,
                                            const ReaderOptions& options);

// `format` nullopt: sniffed from the first decompressed bytes.
Result<std::unique_ptr<RecordReader>> OpenReaderFromStream(std::unique_ptr<ByteStream> stream,
                                                           const std::string& name, std::optional<InputFormat> format,
                                                           const ReaderOptions& options);

}  // namespace moisson::io

#endif  // MOISSON_IO_READER_INTERNAL_H_
