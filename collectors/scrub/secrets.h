// Secrets in configuration and logs, masked (not pseudonymised): values of
// keys that look like passwords, secrets, tokens or keys (key=value,
// key: value, "key": "value", <key>value</key>, --key value), passwords in
// URLs (scheme://user:PASSWORD@host), PEM private-key blocks, PEM certificate
// blocks (certificates, requests, CRLs, PKCS7: host names hide in their
// base64; the BEGIN/END lines stay, the body becomes one marker line), base64
// payloads of .vmx guestinfo.* keys (cloud-init user data carries SSH keys
// and tokens), an encrypted VM's .vmx key material (encryption.keySafe,
// encryption.data, dataFileKey), and machine identifiers - the value of
// `Serial Number`, `Asset Tag`, `Service Tag`, `System/Hardware UUID`,
// `Provisioning UDID`, `Computer Name`, `User Name` after ':' or '=', as a
// JSON value or an XML element, and of a line-leading `UUID:` (dmidecode,
// esxcli, smbiosDump, ipmitool fru, vendor agents, system_profiler) - which
// name one machine as surely as its host name. Settings about secrets
// (PasswordAuthentication=no) are kept.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace vmsupport {

inline constexpr std::string_view k_secret_mask = "********";
inline constexpr std::string_view k_private_key_mask = "[private key removed by vmsupport]\n";
inline constexpr std::string_view k_private_key_mask_crlf = "[private key removed by vmsupport]\r\n";
inline constexpr std::string_view k_certificate_mask = "[certificate removed by vmsupport]\n";
inline constexpr std::string_view k_certificate_mask_crlf = "[certificate removed by vmsupport]\r\n";

struct SecretSpan {
  std::size_t begin = 0;
  std::size_t end = 0;
  std::string_view replacement;  // k_secret_mask, k_private_key_mask or k_certificate_mask (or their CRLF forms)
};

// The spans of `text` to mask, in order, not overlapping. Thread-safe.
std::vector<SecretSpan> find_secrets(std::string_view text);

// True when a key name (any case) holds a secret: password, passwd, pwd,
// passphrase, secret, token, credential, api/access/private/license key, psk,
// SNMP community, user data.
bool is_secret_key(std::string_view key);

}  // namespace vmsupport
