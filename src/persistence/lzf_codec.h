#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace fkvs::persistence {

// LZF as Redis uses it for strings in RDB files (liblzf).

// bytes compressed, or nullopt when compression would not save at least 4
// bytes (Redis then stores the string as it is).
std::optional<std::string> lzf_compress_bytes(std::string_view bytes);

// Decompresses compressed into exactly original_length bytes; throws
// FormatError when the data is corrupt or does not decompress to exactly
// that length.
std::string lzf_decompress_bytes(std::string_view compressed, size_t original_length);

}  // namespace fkvs::persistence
