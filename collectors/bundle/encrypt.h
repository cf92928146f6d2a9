// `--encrypt-to KEY`: the committed bundle encrypted for a vendor's public key
// with the gpg program, as NAME.gpg beside it, with NAME.gpg.sha256; the
// unencrypted NAME and NAME.sha256 are removed once NAME.gpg is complete. The
// key is checked before anything is collected.
#pragma once

#include <atomic>
#include <optional>
#include <string>
#include <vector>

#include "bundle/archive_writer.h"
#include "host/process.h"
#include "util/result.h"

namespace vmsupport {

// A public key gpg can encrypt to. A key file is imported into a temporary
// GNUPGHOME of its own (removed with this object): the user's keyring is never changed.
class EncryptionKey {
 public:
  // KEY is a key file (armored or binary) or a fingerprint, key id or e-mail
  // address in the user's keyring ($GNUPGHOME, else ~/.gnupg). Fails, naming
  // KEY, when gpg is not installed, the file holds no public key, the keyring
  // has no such key, or the key cannot encrypt (revoked, expired, signing only).
  static Result<EncryptionKey> prepare(const std::string& key, ProcessRunner& runner);
  EncryptionKey(EncryptionKey&& other) noexcept;
  EncryptionKey& operator=(EncryptionKey&&) = delete;
  EncryptionKey(const EncryptionKey&) = delete;
  ~EncryptionKey();

  const std::string& given() const { return m_given; }
  const std::vector<std::string>& fingerprints() const { return m_fingerprints; }
  const std::string& user_id() const { return m_user_id; }  // the first key's, for messages
  // "User Name <address> (FINGERPRINT)", for the summary.
  std::string description() const;

  // Encrypts the committed bundle into NAME.gpg (through NAME.gpg.partial and
  // a rename), writes NAME.gpg.sha256, then removes NAME and NAME.sha256.
  // Returns the encrypted bundle. On failure nothing but the unencrypted
  // bundle is left and the message says so.
  Result<CommittedBundle> encrypt(const CommittedBundle& bundle, ProcessRunner& runner,
                                  const std::atomic<bool>* cancel = nullptr) const;

 private:
  EncryptionKey() = default;
  std::string m_given;
  std::string m_homedir;
  bool m_temporary_home = false;
  std::string m_gpg;
  std::vector<std::string> m_fingerprints;
  std::string m_user_id;
};

// For --encrypt-to: nullopt when `key` is empty; fails when `output` is "-"
// (a stream is not encrypted here: pipe it through gpg) or as prepare() does.
Result<std::optional<EncryptionKey>> prepare_encryption(const std::string& key, const std::string& output,
                                                        ProcessRunner& runner);

// The keys of `gpg --with-colons --list-keys` output that can encrypt: their
// fingerprints, and the first one's user id. Pure, for tests.
struct UsableKeys {
  std::vector<std::string> fingerprints;
  std::string user_id;
  std::size_t unusable = 0;  // listed keys that cannot encrypt
};
UsableKeys parse_gpg_key_list(const std::string& colons);

}  // namespace vmsupport
