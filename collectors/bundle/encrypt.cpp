// Encryption of a committed bundle with gpg (see encrypt.h).
#include "bundle/encrypt.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "bundle/sha256_file.h"
#include "util/text.h"

namespace vmsupport {
namespace {

namespace stdfs = std::filesystem;

constexpr std::chrono::minutes k_key_timeout{1};

// The last non-empty line gpg wrote: its reason.
std::string gpg_reason(const ProcessOutcome& outcome) {
  if (outcome.end == ProcessOutcome::End::timed_out) return "gpg timed out";
  if (outcome.end == ProcessOutcome::End::cancelled) return "interrupted";
  if (outcome.end != ProcessOutcome::End::exited) return "gpg did not run: " + outcome.error;
  std::string text = outcome.output;
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  const std::size_t start = text.rfind('\n');
  text = start == std::string::npos ? text : text.substr(start + 1);
  return text.empty() ? "gpg exited with status " + std::to_string(outcome.exit_code) : text;
}

bool succeeded(const ProcessOutcome& outcome) {
  return outcome.end == ProcessOutcome::End::exited && outcome.exit_code == 0;
}

std::vector<std::string> gpg_argv(const std::string& gpg, const std::string& homedir,
                                  std::initializer_list<std::string> rest) {
  // --no-autostart: encrypting to a public key needs no gpg-agent, and one
  // started for a temporary home would outlive it.
  std::vector<std::string> argv{gpg, "--batch", "--no-tty", "--no-autostart", "--homedir", homedir};
  argv.insert(argv.end(), rest);
  return argv;
}

std::string user_homedir() {
  if (const char* home = std::getenv("GNUPGHOME"); home && *home) return home;
  const char* home = std::getenv("HOME");
  return std::string(home && *home ? home : "/root") + "/.gnupg";
}

bool is_file(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

// A big bundle takes a while: allow about 1 MiB/s, at least ten minutes.
std::chrono::milliseconds encrypt_timeout(std::uint64_t bytes) {
  return std::chrono::minutes(10) + std::chrono::seconds(bytes >> 20);
}

Result<void> fsync_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 || ::fsync(fd) != 0) {
    const int error = errno;
    if (fd >= 0) ::close(fd);
    return fail_errno(error, "cannot finish ", path, ": ", errno_text(error));
  }
  ::close(fd);
  return {};
}

}  // namespace

UsableKeys parse_gpg_key_list(const std::string& colons) {
  UsableKeys keys;
  bool want_fingerprint = false;
  bool want_user_id = false;
  for (std::string_view view : split_lines(colons)) {
    const std::string line(view);
    std::vector<std::string> fields;
    std::size_t start = 0;
    for (std::size_t colon; (colon = line.find(':', start)) != std::string::npos; start = colon + 1) {
      fields.push_back(line.substr(start, colon - start));
    }
    fields.push_back(line.substr(start));
    if (fields[0] == "pub") {
      // Field 2 is the validity (r revoked, e expired, i invalid, d disabled);
      // field 12 the whole key's capabilities (E: some part of it can encrypt).
      const std::string validity = fields.size() > 1 ? fields[1] : "";
      const bool usable = fields.size() > 11 && fields[11].find('E') != std::string::npos &&
                          validity.find_first_of("reid") == std::string::npos;
      want_fingerprint = usable;
      if (!usable) ++keys.unusable;
    } else if (fields[0] == "fpr" && want_fingerprint && fields.size() > 9) {
      keys.fingerprints.push_back(fields[9]);
      want_fingerprint = false;
      want_user_id = keys.user_id.empty();
    } else if (fields[0] == "uid" && want_user_id && fields.size() > 9) {
      keys.user_id = fields[9];
      want_user_id = false;
    }
  }
  return keys;
}

EncryptionKey::EncryptionKey(EncryptionKey&& other) noexcept
    : m_given(std::move(other.m_given)),
      m_homedir(std::move(other.m_homedir)),
      m_temporary_home(other.m_temporary_home),
      m_gpg(std::move(other.m_gpg)),
      m_fingerprints(std::move(other.m_fingerprints)),
      m_user_id(std::move(other.m_user_id)) {
  other.m_temporary_home = false;
}

EncryptionKey::~EncryptionKey() {
  if (!m_temporary_home) return;
  std::error_code ignored;
  stdfs::remove_all(m_homedir, ignored);
}

Result<EncryptionKey> EncryptionKey::prepare(const std::string& key, ProcessRunner& runner) {
  EncryptionKey prepared;
  prepared.m_given = key;
  auto gpg = runner.find_program("gpg", "");
  if (!gpg) return fail("--encrypt-to ", key, ": the gpg program is not installed (Debian: apt-get install gnupg)");
  prepared.m_gpg = *gpg;
  const bool from_file = is_file(key);
  if (from_file) {
    std::string home = (stdfs::temp_directory_path() / "vmsupport-gpg-XXXXXX").string();
    if (!::mkdtemp(home.data())) return fail("--encrypt-to: cannot create a temporary GnuPG home: ", errno_text(errno));
    prepared.m_homedir = home;
    prepared.m_temporary_home = true;
    const ProcessOutcome imported =
        runner.run({gpg_argv(*gpg, home, {"--import", key}), k_key_timeout, 1 << 20, "", nullptr});
    if (!succeeded(imported)) return fail("--encrypt-to ", key, ": not an OpenPGP public key file: ", gpg_reason(imported));
  } else {
    if (key.find('/') != std::string::npos) return fail("--encrypt-to ", key, ": no such key file");
    prepared.m_homedir = user_homedir();
  }
  std::vector<std::string> argv = gpg_argv(*gpg, prepared.m_homedir, {"--with-colons", "--list-keys"});
  if (!from_file) argv.push_back(key);
  const ProcessOutcome listed = runner.run({argv, k_key_timeout, 4 << 20, "", nullptr});
  if (!succeeded(listed)) {
    return fail("--encrypt-to ", key, ": ", from_file ? "gpg cannot list the key: " : "no such key in the keyring ",
                from_file ? gpg_reason(listed) : prepared.m_homedir + " (give a key file, or import it first)");
  }
  const UsableKeys keys = parse_gpg_key_list(listed.output);
  if (keys.fingerprints.empty()) {
    return fail("--encrypt-to ", key, ": ", keys.unusable ? "the key cannot encrypt (revoked, expired or signing only)"
                                                          : "no public key found");
  }
  prepared.m_fingerprints = keys.fingerprints;
  prepared.m_user_id = keys.user_id;
  return prepared;
}

std::string EncryptionKey::description() const {
  return (m_user_id.empty() ? m_given : m_user_id) + " (" + m_fingerprints.front() + ")";
}

Result<std::optional<EncryptionKey>> prepare_encryption(const std::string& key, const std::string& output,
                                                        ProcessRunner& runner) {
  if (key.empty()) return std::optional<EncryptionKey>{};
  if (output == "-") {
    Error error{"--encrypt-to cannot be used with -o - (standard output)", "pipe the stream through gpg: vmsupport collect -o - | gpg --encrypt -r KEY > bundle.tgz.gpg", 0};
    return std::unexpected(error);
  }
  auto prepared = EncryptionKey::prepare(key, runner);
  if (!prepared) return std::unexpected(prepared.error());
  return std::optional<EncryptionKey>(std::move(*prepared));
}

Result<CommittedBundle> EncryptionKey::encrypt(const CommittedBundle& bundle, ProcessRunner& runner,
                                               const std::atomic<bool>* cancel) const {
  const std::string output = bundle.path + ".gpg";
  const std::string partial = output + ".partial";
  std::vector<std::string> argv = gpg_argv(m_gpg, m_homedir, {"--yes", "--trust-model", "always", "--compress-algo",
                                                             "none", "--output", partial});
  for (const std::string& fingerprint : m_fingerprints) argv.insert(argv.end(), {"--recipient", fingerprint});
  argv.insert(argv.end(), {"--encrypt", bundle.path});
  const ProcessOutcome outcome = runner.run({argv, encrypt_timeout(bundle.size), 1 << 20, "", cancel});
  Result<void> synced = succeeded(outcome) ? fsync_file(partial) : Result<void>{};
  if (!succeeded(outcome) || !synced || std::rename(partial.c_str(), output.c_str()) != 0) {
    const std::string reason = !succeeded(outcome) ? gpg_reason(outcome) : !synced ? synced.error().message : errno_text(errno);
    ::unlink(partial.c_str());
    return fail("cannot encrypt ", bundle.path, ": ", reason, " (the unencrypted bundle is kept)");
  }
  CommittedBundle encrypted{output, 0, "", output + ".sha256", {}};
  auto sha256 = sha256_of_file(output);
  if (!sha256) return std::unexpected(sha256.error());
  encrypted.sha256 = *sha256;
  encrypted.size = stdfs::file_size(output);
  const std::string line = sha256_line(encrypted.sha256, stdfs::path(output).filename().string());
  if (auto ok = write_file_atomically(encrypted.sha256_path, line); !ok) return std::unexpected(ok.error());
  ::unlink(bundle.path.c_str());
  if (!bundle.sha256_path.empty()) ::unlink(bundle.sha256_path.c_str());
  return encrypted;
}

}  // namespace vmsupport
