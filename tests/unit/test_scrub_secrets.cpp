// Secrets (scrub/secrets): which keys hold secrets, which values of
// key=value, key: value and JSON lines are masked, PEM private-key and
// certificate bodies, .vmx guestinfo payloads and key material, hardware
// identifiers in their label forms, and the look-alikes that must stay as
// they are (pciPassthru, sshd_config keywords, public keys).
#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

#include "scrub/secrets.h"

using namespace vmsupport;

namespace {

struct Case {
  std::string_view text;
  std::string_view expected;  // the text with every secret span replaced
};

std::string mask(std::string_view text) {
  std::string out;
  std::size_t at = 0;
  for (const SecretSpan& span : find_secrets(text)) {
    out.append(text.substr(at, span.begin - at));
    out += span.replacement;
    at = span.end;
  }
  out.append(text.substr(at));
  return out;
}

void check_cases(const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    INFO("text: ", c.text);
    CHECK(mask(c.text) == c.expected);
  }
}

const std::string k_pem_body =
    "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\n"
    "VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK\n"
    "passwordpw0123456789+/==\n";

}  // namespace

TEST_SUITE("unit") {
  TEST_CASE("secret keys are recognised by their words, in any case") {
    struct KeyCase {
      std::string_view key;
      bool secret;
    };
    const std::vector<KeyCase> cases = {
        {"password", true},        {"PASSWORD", true},       {"db_password", true},
        {"passwd", true},          {"mysql_pwd", true},      {"passphrase", true},
        {"client_secret", true},   {"X-Auth-Token", true},   {"credentials", true},
        {"apiKey", true},          {"api_key", true},        {"api-key", true},
        {"AccessKey", true},       {"private_key", true},    {"licenseKey", true},
        {"wpa_psk", true},         {"snmp.community", true}, {"guestinfo.userdata", true},
        {"pass", true},            {"db-pass", true},        {"smtp.pass", true},
        {"auth/pass", true},       {"pw", true},             {"user.pw", true},
        {"pciPassthru0.present", false}, {"bypass", false},  {"compass", false},
        {"passenger", false},      {"hostname", false},      {"user", false},
        {"displayName", false},    {"pwm.fan", false},       {"ethernet0.address", false},
        {"", false},
    };
    for (const KeyCase& c : cases) {
      INFO("key: ", c.key);
      CHECK(is_secret_key(c.key) == c.secret);
    }
  }

  TEST_CASE("values of secret keys are masked in key=value, key: value and JSON") {
    check_cases({
        {"password=hunter2", "password=********"},
        {"Password = hunter2", "Password = ********"},
        {"db_password: s3cr3t", "db_password: ********"},
        {"  passwd:\thunter2\n", "  passwd:\t********\n"},
        {"{\"password\": \"p@ss w0rd\", \"user\": \"jdoe\"}", "{\"password\": \"********\", \"user\": \"jdoe\"}"},
        {"{\"password\":\"abc\"}", "{\"password\":\"********\"}"},
        {"community = \"public\"", "community = \"********\""},
        {"snmp.community: public", "snmp.community: ********"},
        {"GET /api?api_token=abc123&next=1", "GET /api?api_token=********&next=1"},
        {"wpa_psk='long secret'", "wpa_psk='********'"},
        {"pass=hunter2", "pass=********"},
        {"user.pw: x", "user.pw: ********"},
        {"db-pass = x;", "db-pass = ********;"},
        {"client_secret=abc,next=1", "client_secret=********,next=1"},
        {"--password=hunter2 --user=jdoe", "--password=******** --user=jdoe"},
        {"user=jdoe password=a1 token=b2", "user=jdoe password=******** token=********"},
        {"password=\"a\\\"b\" rest", "password=\"********\" rest"},
        {"password=abc\r\nnext=1\r\n", "password=********\r\nnext=1\r\n"},
        {"password=1234", "password=********"},
        {"password: 1234", "password: ********"},
        {"line one\nsecret=abc\nline three\n", "line one\nsecret=********\nline three\n"},
    });
  }

  TEST_CASE("look-alikes of secret keys and values with nothing to mask stay as they are") {
    check_cases({
        {"pciPassthru0.present = \"TRUE\"", "pciPassthru0.present = \"TRUE\""},
        {"pciPassthru0.id = \"00000:059:00.0\"", "pciPassthru0.id = \"00000:059:00.0\""},
        {"bypass = yes", "bypass = yes"},
        {"compass: north", "compass: north"},
        {"PasswordAuthentication yes", "PasswordAuthentication yes"},
        {"PermitEmptyPasswords no\n", "PermitEmptyPasswords no\n"},
        {"Failed password for invalid user admin from 10.0.0.1 port 22 ssh2",
         "Failed password for invalid user admin from 10.0.0.1 port 22 ssh2"},
        {"2024-05-14T08:20:00.123Z hostd: password changed for jdoe",
         "2024-05-14T08:20:00.123Z hostd: password changed for jdoe"},
        {"password=", "password="},
        {"password = \"\"", "password = \"\""},
        {"password=********", "password=********"},
        {"displayName = \"Payroll DB\"", "displayName = \"Payroll DB\""},
        // a JSON number is a count, a length or a duration (scrub-report.json counts "secret": N)
        {"    \"secret\": 2,", "    \"secret\": 2,"},
        {"{\"token_ttl\": 3600, \"password\": \"1234\"}", "{\"token_ttl\": 3600, \"password\": \"********\"}"},
        {"", ""},
    });
  }

  TEST_CASE("hardware serial numbers, asset tags and the system UUID are masked") {
    check_cases({
        // dmidecode
        {"System Information\n\tManufacturer: Dell Inc.\n\tSerial Number: 7QF2JT3\n\tUUID: 4c4c4544-0051-4610-8032-b7c04f4a5433\n",
         "System Information\n\tManufacturer: Dell Inc.\n\tSerial Number: ********\n\tUUID: ********\n"},
        {"\tAsset Tag: ACME-00042\r\n", "\tAsset Tag: ********\r\n"},
        {"Chassis Information\n\tSerial Number: CZ 1234 ABC  \n", "Chassis Information\n\tSerial Number: ********  \n"},
        // esxcli hardware platform get, smbiosDump, ipmitool fru
        {"   Enclosure Serial Number: 7QF2JT3", "   Enclosure Serial Number: ********"},
        {"    Serial: \"7QF2JT3\"", "    Serial: ********"},
        {" Product Serial        : 7QF2JT3", " Product Serial        : ********"},
        {"Service Tag: 7QF2JT3", "Service Tag: ********"},
        {"SerialNumber: 7QF2JT3", "SerialNumber: ********"},
        // in log lines, after a timestamp and other words
        {"2024-05-14 08:00:00 Service Tag: 7QF2JT3", "2024-05-14 08:00:00 Service Tag: ********"},
        {"2024-05-14 08:00:00 iLO reports chassis serial number: CZ1234", "2024-05-14 08:00:00 iLO reports chassis serial number: ********"},
        {"usb 1-1: SerialNumber: 0123456789AB", "usb 1-1: SerialNumber: ********"},
    });
  }

  TEST_CASE("identifiers are masked after =, as JSON values and as XML elements too") {
    check_cases({
        // Dell racadm/OMSA, HP/Lenovo agents, WMI, Redfish, vendor XML inventories
        {"Service Tag = 7QF5555", "Service Tag = ********"},
        {"ServiceTag=7QF5555 Model=R740", "ServiceTag=******** Model=R740"},
        {"SerialNumber=CZJ1234567,Model=DL380", "SerialNumber=********,Model=DL380"},
        {"serial_number = \"CZJ1234567\"", "serial_number = \"********\""},
        {"<SerialNumber>CZJ1234567</SerialNumber>", "<SerialNumber>********</SerialNumber>"},
        {"  <AssetTag>ACME-42</AssetTag><Model>x</Model>", "  <AssetTag>********</AssetTag><Model>x</Model>"},
        {"{\"serialNumber\": \"CZJ1234567\", \"model\": \"DL380\"}",
         "{\"serialNumber\": \"********\", \"model\": \"DL380\"}"},
        {"\"SerialNumber\":\"CZJ1234567\",", "\"SerialNumber\":\"********\","},
        {"  \"assetTag\": \"ACME-42\"", "  \"assetTag\": \"********\""},
        {"System UUID: 4c4c4544-0051-4610-8032-b7c04f4a5433", "System UUID: ********"},
        {"2024-05-14 node1 kubelet: System UUID: 4c4c4544", "2024-05-14 node1 kubelet: System UUID: ********"},
        {"Asset Tag = ACME-42\n", "Asset Tag = ********\n"},
        {"ID_SERIAL=WDC_WD40EFRX_WD-WCC4E1234567", "ID_SERIAL=********"},
    });
  }

  TEST_CASE("a Mac's identity in system_profiler output is masked") {
    check_cases({
        {"      Serial Number (system): C02XK0ABJGH5", "      Serial Number (system): ********"},
        {"      Hardware UUID: 4C4C4544-0051-4610-8032-B7C04F4A5433",
         "      Hardware UUID: ********"},
        {"      Provisioning UDID: 00008103-000A1C2E3E98001E", "      Provisioning UDID: ********"},
        {"      Computer Name: Bob's Mac Studio", "      Computer Name: ********"},
        {"      User Name: Bob Smith (bob)", "      User Name: ********"},
        {"      Model Name: MacBook Pro\n      Chip: Apple M1", "      Model Name: MacBook Pro\n      Chip: Apple M1"},
    });
  }

  TEST_CASE("lines that only mention serials or UUIDs are not identifier lines") {
    check_cases({
        {"serial0.present = \"TRUE\"", "serial0.present = \"TRUE\""},
        {"uuid.bios = \"56 4d 9a\"", "uuid.bios = \"56 4d 9a\""},
        {"UUID=0a1b2c3d /boot ext4 defaults 0 2", "UUID=0a1b2c3d /boot ext4 defaults 0 2"},
        {"   Datastore UUID: 5f1e2d3c-aaaa", "   Datastore UUID: 5f1e2d3c-aaaa"},
        {"2024-05-14T08:20:00Z kernel: serial8250: ttyS0 at I/O 0x3f8",
         "2024-05-14T08:20:00Z kernel: serial8250: ttyS0 at I/O 0x3f8"},
        {"{\"uuid\": \"4c4c\"}", "{\"uuid\": \"4c4c\"}"},
        {"2024-05-14T08:00:00Z vpxd: VM uuid: 4c4c", "2024-05-14T08:00:00Z vpxd: VM uuid: 4c4c"},
        {"serial0.fileName = \"/tmp/x\"", "serial0.fileName = \"/tmp/x\""},
        {"ID_SERIAL_SHORT_X: abc", "ID_SERIAL_SHORT_X: abc"},
        {"  \"uuid\": \"4c4c\"", "  \"uuid\": \"4c4c\""},
        {"<uuid>4c4c</uuid>", "<uuid>4c4c</uuid>"},
        {"serialPort = \"com1\"", "serialPort = \"com1\""},
    });
  }

  TEST_CASE("an encrypted VM's key material in its .vmx is masked") {
    check_cases({
        {"encryption.keySafe = \"vmware:key/list/(pair/(phrase/MA3fCocdhNc%3d/pass2key%3dPBKDF2,HMAC%2dSHA%2d1,X4sG4nJc0y))\"",
         "encryption.keySafe = \"********\""},
        {"encryption.data = \"B4b8Yu9ZcCDvU0yWAaSkBllAPI4nCrbO2RUE8dXHa82I4KmfNO7Jjruu\"",
         "encryption.data = \"********\""},
        {"dataFileKey = \"type=key:cipher=XTS-AES-256:key=bGFzdCB3b3JkcyBvZiBhIGtleQ%3d%3d\"",
         "dataFileKey = \"********\""},
        {"vtpm.ekCRT = \"MIIF+DCCBOCgAwIBAgIQAAAAAAAAAAAAAAAAAAAAAAAA\"", "vtpm.ekCRT = \"********\""},
        {"encryption.required = \"TRUE\"", "encryption.required = \"TRUE\""},
        {"encryptedVM.guid = \"{7A5C1E2D}\"", "encryptedVM.guid = \"{7A5C1E2D}\""},
    });
  }

  TEST_CASE("guestinfo keys are masked when they carry a payload, not when short and plain") {
    check_cases({
        {"guestinfo.userdata = \"I2Nsb3VkLWNvbmZpZwpwYXNzd29yZDogcGFzc3cwcmQK\"",
         "guestinfo.userdata = \"********\""},
        {"guestinfo.metadata = \"eyJpbnN0YW5jZS1pZCI6ICJpLTAxMjM0NTY3ODkifQo=\"",
         "guestinfo.metadata = \"********\""},
        {"guestinfo.ovfEnv.token = \"x\"", "guestinfo.ovfEnv.token = \"********\""},
        {"guestinfo.hostname = \"x\"", "guestinfo.hostname = \"x\""},
        {"guestinfo.appInfo = \"short\"", "guestinfo.appInfo = \"short\""},
        {"guestinfo.metadata.encoding = \"gzip+base64\"", "guestinfo.metadata.encoding = \"gzip+base64\""},
        {"displayName = \"I2Nsb3VkLWNvbmZpZwpwYXNzd29yZDogcGFzc3cwcmQK\"",
         "displayName = \"I2Nsb3VkLWNvbmZpZwpwYXNzd29yZDogcGFzc3cwcmQK\""},
    });
  }

  TEST_CASE("a PEM private key keeps its header and footer and loses its body") {
    const std::string mask_line(k_private_key_mask);
    for (std::string_view kind : {"RSA PRIVATE KEY", "PRIVATE KEY", "OPENSSH PRIVATE KEY", "EC PRIVATE KEY"}) {
      INFO("kind: ", kind);
      const std::string header = "-----BEGIN " + std::string(kind) + "-----\n";
      const std::string footer = "-----END " + std::string(kind) + "-----\n";
      CHECK(mask("before\n" + header + k_pem_body + footer + "after\n") ==
            "before\n" + header + mask_line + footer + "after\n");
    }
  }

  TEST_CASE("a PEM private key with CRLF lines or without a footer is masked too") {
    const std::string mask_line(k_private_key_mask);
    const std::string mask_crlf(k_private_key_mask_crlf);
    CHECK(mask("-----BEGIN PRIVATE KEY-----\r\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\r\n-----END PRIVATE KEY-----\r\n") ==
          "-----BEGIN PRIVATE KEY-----\r\n" + mask_crlf + "-----END PRIVATE KEY-----\r\n");
    CHECK(mask("-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0t\n") ==
          "-----BEGIN RSA PRIVATE KEY-----\n" + mask_line);
  }

  TEST_CASE("secrets after a private key are still masked") {
    const std::string text = "-----BEGIN PRIVATE KEY-----\n" + k_pem_body + "-----END PRIVATE KEY-----\npassword=x\n";
    CHECK(mask(text) == "-----BEGIN PRIVATE KEY-----\n" + std::string(k_private_key_mask) +
                            "-----END PRIVATE KEY-----\npassword=********\n");
  }

  TEST_CASE("a PEM certificate, request, CRL or PKCS7 keeps its header and footer and loses its body") {
    // the body of a certificate holds its subject's and issuer's names (CN = vc01.corp.example) in base64
    const std::string mask_line(k_certificate_mask);
    for (std::string_view kind : {"CERTIFICATE", "TRUSTED CERTIFICATE", "CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST",
                                  "X509 CRL", "PKCS7", "CMS", "ATTRIBUTE CERTIFICATE"}) {
      INFO("kind: ", kind);
      const std::string header = "-----BEGIN " + std::string(kind) + "-----\n";
      const std::string footer = "-----END " + std::string(kind) + "-----\n";
      CHECK(mask("subject=CN = x\n" + header + k_pem_body + footer + "after\n") ==
            "subject=CN = x\n" + header + mask_line + footer + "after\n");
    }
    // a chain: each certificate on its own; CRLF lines keep CRLF
    const std::string one = "-----BEGIN CERTIFICATE-----\n" + k_pem_body + "-----END CERTIFICATE-----\n";
    CHECK(mask(one + one) == "-----BEGIN CERTIFICATE-----\n" + mask_line + "-----END CERTIFICATE-----\n" +
                                 "-----BEGIN CERTIFICATE-----\n" + mask_line + "-----END CERTIFICATE-----\n");
    CHECK(mask("-----BEGIN CERTIFICATE-----\r\nMIIDdzCCAl+gAwIBAgIE\r\n-----END CERTIFICATE-----\r\n") ==
          "-----BEGIN CERTIFICATE-----\r\n" + std::string(k_certificate_mask_crlf) + "-----END CERTIFICATE-----\r\n");
    // masking the masked text again changes nothing (a bundle scrubbed twice)
    CHECK(mask(mask(one)) == mask(one));
    // a secret after a certificate is still masked
    CHECK(mask(one + "password=x\n") ==
          "-----BEGIN CERTIFICATE-----\n" + mask_line + "-----END CERTIFICATE-----\npassword=********\n");
  }

  TEST_CASE("a PGP private key block is masked as a private key") {
    CHECK(mask("-----BEGIN PGP PRIVATE KEY BLOCK-----\n" + k_pem_body + "-----END PGP PRIVATE KEY BLOCK-----\n") ==
          "-----BEGIN PGP PRIVATE KEY BLOCK-----\n" + std::string(k_private_key_mask) +
              "-----END PGP PRIVATE KEY BLOCK-----\n");
  }

  TEST_CASE("public keys and PEM-like text that is no block are not masked") {
    const std::string text =
        "-----BEGIN PUBLIC KEY-----\n"
        "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEYWnm\n"
        "-----END PUBLIC KEY-----\n"
        "-----BEGIN SSH2 PUBLIC KEY-----\n"
        "AAAAB3NzaC1yc2EAAAADAQABAAABAQ\n"
        "-----END SSH2 PUBLIC KEY-----\n"
        "grep -- '-----BEGIN ' cert.log\n";
    CHECK(mask(text) == text);
  }

  TEST_CASE("spans are in order and do not overlap") {
    const std::string text = "a=1 password=x\ntoken: y\n-----BEGIN PRIVATE KEY-----\n" + k_pem_body +
                             "-----END PRIVATE KEY-----\n{\"secret\": \"z\"}\n";
    const std::vector<SecretSpan> spans = find_secrets(text);
    REQUIRE(spans.size() == 4);
    for (std::size_t i = 1; i < spans.size(); ++i) CHECK(spans[i - 1].end <= spans[i].begin);
    CHECK(spans[0].replacement == k_secret_mask);
    CHECK(spans[2].replacement == k_private_key_mask);
  }
}

TEST_SUITE("unit") {
  TEST_CASE("a private key after a secret key on the same line is still masked whole") {
    const std::string mask_line(k_private_key_mask);
    CHECK(mask("private_key: -----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKC\n-----END RSA PRIVATE KEY-----\n") ==
          "private_key: ******** RSA PRIVATE KEY-----\n" + mask_line + "-----END RSA PRIVATE KEY-----\n");
  }

  TEST_CASE("secrets in XML elements, URLs and command-line options are masked; settings are not") {
    check_cases({
        {"<communities>public</communities>", "<communities>********</communities>"},
        {"<password>S3cret</password><user>x</user>", "<password>********</password><user>x</user>"},
        {"url https://admin:S3cret@vc01.corp.example/sdk", "url https://admin:********@vc01.corp.example/sdk"},
        {"run --password hunter2 --verbose", "run --password ******** --verbose"},
        {"PasswordAuthentication=no", "PasswordAuthentication=no"},
        {"password = false", "password = false"},
        {"guestinfo.hostname = \"a-long-host-name.with.many.labels.corp.example\"",
         "guestinfo.hostname = \"a-long-host-name.with.many.labels.corp.example\""},
    });
  }
}
