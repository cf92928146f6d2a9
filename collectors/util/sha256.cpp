// SHA-256 through nettle's sha2 interface.
#include "util/sha256.h"

#include <nettle/sha2.h>

namespace vmsupport {

struct Sha256::State {
  sha256_ctx context;
};

Sha256::Sha256() : m_state(std::make_unique<State>()) { sha256_init(&m_state->context); }

Sha256::~Sha256() = default;

void Sha256::update(std::string_view bytes) {
  sha256_update(&m_state->context, bytes.size(),
                reinterpret_cast<const std::uint8_t*>(bytes.data()));
}

std::string Sha256::hex_digest() {
  std::uint8_t digest[SHA256_DIGEST_SIZE];
  sha256_digest(&m_state->context, sizeof digest, digest);
  static const char k_hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * sizeof digest);
  for (std::uint8_t byte : digest) {
    out += k_hex[byte >> 4];
    out += k_hex[byte & 15];
  }
  return out;
}

std::string sha256_hex(std::string_view bytes) {
  Sha256 hash;
  hash.update(bytes);
  return hash.hex_digest();
}

}  // namespace vmsupport
