// SHA-256 (via nettle, the library libarchive already uses), incremental and one-shot.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace vmsupport {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void update(std::string_view bytes);
  // Lowercase hex digest; the object is reset afterwards.
  std::string hex_digest();

 private:
  struct State;
  std::unique_ptr<State> m_state;
};

// Lowercase hex SHA-256 of `bytes`.
std::string sha256_hex(std::string_view bytes);

}  // namespace vmsupport
