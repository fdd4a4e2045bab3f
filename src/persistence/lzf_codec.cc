#include "persistence/lzf_codec.h"

#include <lzf.h>

#include <limits>

#include "persistence/format_error.h"

namespace fkvs::persistence {
namespace {

// Redis keeps the compressed form only when it saves at least this many bytes.
constexpr size_t kMinimumSaving = 4;

// liblzf takes its lengths as unsigned int.
constexpr size_t kLzfMaxLength = std::numeric_limits<unsigned int>::max();

}  // namespace

std::optional<std::string> lzf_compress_bytes(std::string_view bytes) {
  if (bytes.size() <= kMinimumSaving || bytes.size() > kLzfMaxLength) return std::nullopt;
  // An output buffer that is exactly as long as a worthwhile result may be
  // makes liblzf give up (return 0) as soon as the saving falls short.
  std::string compressed(bytes.size() - kMinimumSaving, '\0');
  unsigned int compressed_length =
      lzf_compress(bytes.data(), static_cast<unsigned int>(bytes.size()), compressed.data(),
                   static_cast<unsigned int>(compressed.size()));
  if (compressed_length == 0) return std::nullopt;
  compressed.resize(compressed_length);
  return compressed;
}

std::string lzf_decompress_bytes(std::string_view compressed, size_t original_length) {
  // Redis never writes an empty LZF string, and liblzf reports an empty
  // result as its error value.
  if (original_length == 0) throw FormatError("LZF string with an original length of 0");
  if (compressed.empty()) throw FormatError("LZF string with no compressed data");
  if (original_length > kLzfMaxLength || compressed.size() > kLzfMaxLength) {
    throw FormatError("LZF string too long");
  }
  std::string original(original_length, '\0');
  // liblzf checks every literal run and back reference against both buffers,
  // so garbage input makes it fail rather than read or write out of bounds.
  unsigned int decompressed_length =
      lzf_decompress(compressed.data(), static_cast<unsigned int>(compressed.size()),
                     original.data(), static_cast<unsigned int>(original.size()));
  if (decompressed_length == 0) throw FormatError("corrupt LZF data");
  if (decompressed_length != original_length) {
    throw FormatError("LZF data shorter than its stated original length");
  }
  return original;
}

}  // namespace fkvs::persistence
