#!/usr/bin/env bash
# End-to-end for `vmsupport upload` and `--encrypt-to`, against real servers on
# 127.0.0.1: nginx (WebDAV PUT, plain and TLS with a CA made here by openssl,
# a location answering 500 and one answering 403) and a small Python receiver
# (503 twice then OK; multipart POST). Exits 77 (skipped) without nginx,
# openssl or python3. Usage: upload.sh VMSUPPORT_BINARY SOURCE_DIR
set -uo pipefail
bin=$1
src=$2
for tool in nginx openssl python3 sha256sum split cmp; do
  if ! command -v "$tool" >/dev/null && ! [ -x "/usr/sbin/$tool" ]; then
    echo "SKIP: $tool is not installed (scripts/install-deps.sh installs it)"
    exit 77
  fi
done
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
python=python3
[ -x /usr/bin/python3 ] && python=/usr/bin/python3  # Debian's: starts faster than a pyenv shim
work=$(mktemp -d /tmp/vmsupport-upload-XXXXXX)
pids=()
cleanup() {
  [ -d "$work/vendor-gnupg" ] && gpgconf --homedir "$work/vendor-gnupg" --kill all 2>/dev/null
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  wait 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
failures=0
check() {  # check DESCRIPTION COMMAND...
  if "${@:2}"; then echo "ok: $1"; else echo "FAILED: $1"; failures=$((failures + 1)); fi
}
free_port() { "$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_for_port() {  # wait_for_port PORT: until something listens there (10 s at most)
  for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}
json_field() {  # json_field FILE EXPRESSION: python expression on `j`, the parsed JSON
  "$python" -c "import json, sys; j = json.load(open(sys.argv[1])); print($2)" "$1"
}
token="s3cr3t-token-$$"

# --- A bundle to send (the ESXi fixture), and a build without upload support.
mkdir -p "$work/out" "$work/www" "$work/recv" "$work/raw" "$work/enc" "$work/enc2" "$work/enc3" "$work/enc4" "$work/enc5"
bundle=$("$bin" collect --state-dir "$work/state" --root "$src/tests/fixtures/esxi" -o "$work/out/" -q 2>"$work/collect.err")
code=$?
check "collect made a bundle (exit $code)" test -f "$bundle"
name=$(basename "$bundle")
"$bin" upload "$bundle" --url "http://127.0.0.1:9/{file}" --retries 0 >/dev/null 2>"$work/probe.err"
if grep -q "no upload support" "$work/probe.err"; then
  check "a build without libcurl says so, suggests curl, exits 2" grep -q "curl -T" "$work/probe.err"
  ((failures == 0)) && echo "SKIP: this build has no upload support" && exit 77
  exit 1
fi

# --- nginx: WebDAV PUT under /dav/, 500 under /fail/, 403 under /forbidden/, TLS on a second port.
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=vmsupport test CA" \
  -keyout "$work/ca.key" -out "$work/ca.crt" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout "$work/server.key" -out "$work/server.csr" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\n' >"$work/san.ext"
openssl x509 -req -in "$work/server.csr" -CA "$work/ca.crt" -CAkey "$work/ca.key" -CAcreateserial -days 2 \
  -extfile "$work/san.ext" -out "$work/server.crt" 2>/dev/null
check "openssl made a CA and a server certificate" test -s "$work/server.crt"
port=$(free_port)
tls_port=$(free_port)
user_line=""
[ "$(id -u)" -eq 0 ] && user_line="user root;"
dav="root $work/www; dav_methods PUT; create_full_put_path on; client_max_body_size 0;"
cat >"$work/nginx.conf" <<CONF
$user_line
daemon off;
master_process off;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 64; }
http {
  access_log $work/access.log;
  client_body_temp_path $work/body;
  proxy_temp_path $work/proxy;
  fastcgi_temp_path $work/fastcgi;
  uwsgi_temp_path $work/uwsgi;
  scgi_temp_path $work/scgi;
  server {
    listen 127.0.0.1:$port;
    location /dav/ { $dav }
    location /fail/ { return 500 "disk full on the receiving side\n"; }
    location /forbidden/ { return 403 "token refused\n"; }
    location /moved/ { return 302 http://127.0.0.1:$port/dav/elsewhere/; }
  }
  server {
    listen 127.0.0.1:$tls_port ssl;
    ssl_certificate $work/server.crt;
    ssl_certificate_key $work/server.key;
    location /dav/ { $dav }
  }
}
CONF
"$nginx_bin" -p "$work" -c "$work/nginx.conf" -e "$work/nginx-error.log" &
pids+=($!)
check "nginx listens on 127.0.0.1:$port" wait_for_port "$port"
"$python" "$src/tests/e2e/upload_receiver.py" "$work/receiver.port" "$work/recv" &
pids+=($!)
for _ in $(seq 100); do [ -s "$work/receiver.port" ] && break; sleep 0.1; done
py_port=$(cat "$work/receiver.port" 2>/dev/null)
check "the Python receiver listens" wait_for_port "$py_port"

# 1. PUT with {case} and {file} and a token header: the bytes arrive as they are, .sha256 too.
"$bin" upload "$bundle" --case 24012345 --url "http://127.0.0.1:$port/dav/cases/{case}/{file}" \
  --header "Authorization: Bearer $token" --json >"$work/put.json" 2>"$work/put.err"
code=$?
check "PUT: exit 0 (got $code)" test "$code" -eq 0
check "PUT: the received bundle equals the bundle" cmp "$bundle" "$work/www/dav/cases/24012345/$name"
check "PUT: the .sha256 arrived and checks the received bundle" \
  bash -c "cd '$work/www/dav/cases/24012345' && sha256sum --quiet -c '$name.sha256'"
check "PUT --json: HTTP 201, 2 files, 1 attempt each" \
  test "$(json_field "$work/put.json" 'j["http_status"], len(j["files"]), j["attempts"], j["exit_code"]')" = "201 2 2 0"
check "PUT --json: bytes are the bundle's and its .sha256's" \
  test "$(json_field "$work/put.json" 'j["bytes"]')" -eq "$(($(stat -c %s "$bundle") + $(stat -c %s "$bundle.sha256")))"
check "PUT --json: says verify ran" grep -q '"verify: [0-9]* members' "$work/put.json"
check "PUT: the token is printed nowhere" bash -c "! grep -q '$token' '$work/put.json' '$work/put.err'"

# 2. A bundle written in parts by collect --split 1M (a root with a log of random base64, about
#    4 MiB compressed): sent part by part, arrives whole.
mkdir -p "$work/split" "$work/big"
cp -a "$src/tests/fixtures/esxi/." "$work/big/"
head -c 3500000 /dev/urandom | base64 >"$work/big/var/run/log/noise.log"
split_bundle=$("$bin" collect --state-dir "$work/state" --root "$work/big" -o "$work/split/" --split 1M --json 2>"$work/split-collect.err" |
  "$python" -c 'import json, sys; print(json.load(sys.stdin)["path"])')
name=$(basename "$split_bundle")
bundle_whole=$bundle
bundle=$split_bundle
nparts=$(ls "$work/split/$name".part-* | wc -l)
check "collect --split 1M made several parts ($nparts)" test "$nparts" -ge 3
check "collect --split: no whole file beside the parts" test ! -e "$split_bundle"
cat "$work/split/$name".part-* >"$work/split-joined.tgz"
bundle=$work/split-joined.tgz
"$bin" upload "$work/split/$name.part-001" --url "http://127.0.0.1:$port/dav/split/{file}" --json \
  >"$work/split.json" 2>"$work/split.err"
code=$?
check "split: exit 0 (got $code)" test "$code" -eq 0
check "split: every part and the .sha256 were sent, in order" \
  test "$(json_field "$work/split.json" '" ".join(f["file"] for f in j["files"])')" = \
  "$(cd "$work/split" && echo $(ls "$name".part-* | sort) "$name.sha256")"
check "split: the parts joined equal the bundle" bash -c "cat '$work/www/dav/split/$name'.part-* | cmp - '$bundle'"
check "split: the received .sha256 checks the received parts and, joined, the whole" \
  bash -c "cd '$work/www/dav/split' && sha256sum --quiet -c --ignore-missing '$name.sha256' && cat '$name'.part-* >'$name' && sha256sum --quiet -c '$name.sha256'"
check "split: verify read the archive through its parts" grep -q '"verify: [0-9]* members, [0-9]* checksums compared, .sha256 compared' "$work/split.json"
cp "$work/split/$name.part-002" "$work/part2.keep"
printf 'X' | dd of="$work/split/$name.part-002" bs=1 seek=100 conv=notrunc 2>/dev/null
"$bin" upload "$work/split/$name" --url "http://127.0.0.1:$port/dav/split2/{file}" 2>"$work/split-bad.err"
code=$?
check "split: a damaged part is refused with exit 1 (got $code)" test "$code" -eq 1
check "split: the refusal names the part" grep -q "part-002: does not match" "$work/split-bad.err"
check "split: nothing was sent" test ! -e "$work/www/dav/split2"
cp "$work/part2.keep" "$work/split/$name.part-002"
bundle=$bundle_whole
name=$(basename "$bundle")

# 3. Server errors: 500 is retried then fails with exit 4; 403 fails at once.
"$bin" upload "$bundle" --url "http://127.0.0.1:$port/fail/{file}" --header "Authorization: Bearer $token" \
  --retries 2 --retry-delay 10ms --json >"$work/500.json" 2>"$work/500.err"
code=$?
check "500: exit 4 (got $code)" test "$code" -eq 4
check "500: the message names the file, the URL and the status" \
  grep -q "upload of $name to http://127.0.0.1:$port/fail/$name failed after 3 attempts: HTTP 500" "$work/500.err"
check "500: the server's answer is quoted" grep -q "disk full on the receiving side" "$work/500.err"
check "500: the header is named, its value hidden" grep -q "Authorization: \*\*\*" "$work/500.err"
check "500: the token is printed nowhere" bash -c "! grep -q '$token' '$work/500.json' '$work/500.err'"
check "500: three attempts (--retries 2), JSON says so" \
  test "$(json_field "$work/500.json" 'j["attempts"], j["http_status"], j["exit_code"]')" = "3 500 4"
"$bin" upload "$bundle" --url "http://127.0.0.1:$port/forbidden/{file}" --retry-delay 10ms --json \
  >"$work/403.json" 2>"$work/403.err"
code=$?
check "403: exit 4 at once, one attempt (got $code)" \
  test "$code $(json_field "$work/403.json" 'j["attempts"]')" = "4 1"
check "403: the answer body is in --json" grep -q '"response": "token refused' "$work/403.json"
check "--json: format_version, command and status as collect's; a hint that is not there is null" \
  test "$(json_field "$work/500.json" 'j["format_version"], j["command"], j["status"], j["hint"]')" = "1 upload failed None"
check "--json: status uploaded" test "$(json_field "$work/put.json" 'j["status"]')" = "uploaded"
"$bin" upload "$bundle" --url "http://127.0.0.1:$port/moved/{file}" --retry-delay 10ms 2>"$work/302.err"
code=$?
check "302: exit 4 at once (got $code)" test "$code" -eq 4
check "302: not followed, and where it points is said" \
  grep -q "after 1 attempt: HTTP 302: a redirect, not followed (Location: http://127.0.0.1:$port/dav/elsewhere/)" "$work/302.err"
check "302: nothing arrived where it points" test ! -e "$work/www/dav/elsewhere"
closed=$(free_port)
"$bin" upload "$bundle" --url "http://127.0.0.1:$closed/{file}" --retries 1 --retry-delay 10ms 2>"$work/closed.err"
code=$?
check "no server: exit 4 (got $code)" test "$code" -eq 4
check "no server: curl's reason and both attempts" \
  bash -c "grep -q 'after 2 attempts: .*onnect' '$work/closed.err'"

# 4. 503 twice, then OK: retried with back-off, arrives whole.
"$bin" upload "$bundle" --url "http://127.0.0.1:$py_port/flaky/{file}" --retry-delay 10ms --json \
  >"$work/503.json" 2>"$work/503.err"
code=$?
check "503: exit 0 after retries (got $code)" test "$code" -eq 0
check "503: three attempts for the bundle" test "$(grep -c "PUT /flaky/$name " "$work/recv/requests.log")" -eq 3
check "503: the retries are said on stderr" grep -q "HTTP 503; retrying in" "$work/503.err"
check "503: the received bundle equals the bundle" cmp "$bundle" "$work/recv/$name"
check "503: --json counts the attempts" test "$(json_field "$work/503.json" 'j["files"][0]["attempts"]')" -eq 3

# 5. TLS with a self-signed CA: works with --ca-cert, fails clearly without, works with --insecure.
"$bin" upload "$bundle" --url "https://127.0.0.1:$tls_port/dav/tls/{file}" --ca-cert "$work/ca.crt" 2>"$work/tls.err"
code=$?
check "TLS --ca-cert: exit 0 (got $code)" test "$code" -eq 0
check "TLS --ca-cert: the received bundle equals the bundle" cmp "$bundle" "$work/www/dav/tls/$name"
check "stderr not a terminal: no progress" bash -c "! grep -q '%' '$work/tls.err'"
if command -v script >/dev/null; then
  script -qec "'$bin' upload '$bundle' --url 'http://127.0.0.1:$port/dav/tty/{file}'" /dev/null >"$work/tty.out" 2>&1
  check "on a terminal: progress with a percentage" grep -q "$name  .* 100%" "$work/tty.out"
fi
"$bin" upload "$bundle" --url "https://127.0.0.1:$tls_port/dav/tls2/{file}" --retry-delay 10ms 2>"$work/tls-no.err"
code=$?
check "TLS without the CA: exit 4 (got $code)" test "$code" -eq 4
check "TLS without the CA: the message says certificate and suggests --ca-cert" \
  bash -c "grep -qi 'certificate' '$work/tls-no.err' && grep -q -- '--ca-cert' '$work/tls-no.err'"
check "TLS without the CA: not retried" grep -q "after 1 attempt:" "$work/tls-no.err"
"$bin" upload "$bundle" --url "https://127.0.0.1:$tls_port/dav/tls3/{file}" --insecure 2>"$work/tls-insecure.err"
code=$?
check "TLS --insecure: exit 0 (got $code)" test "$code" -eq 0
check "TLS --insecure: the received bundle equals the bundle" cmp "$bundle" "$work/www/dav/tls3/$name"

# 6. Multipart POST: field 'file' with the bundle, field 'case'; the server's JSON answer in --json.
"$bin" upload "$bundle" --method post --case 24012345 --url "http://127.0.0.1:$py_port/form" --json \
  >"$work/post.json" 2>"$work/post.err"
code=$?
check "POST: exit 0 (got $code)" test "$code" -eq 0
check "POST: field 'file' holds the bundle" cmp "$bundle" "$work/recv/$name"
check "POST: field 'case' holds the case id" test "$(cat "$work/recv/$name.case")" = 24012345
check "POST: the .sha256 was posted too" test -s "$work/recv/$name.sha256"
check "POST: the server's answer is in --json" \
  test "$(json_field "$work/post.json" 'json.loads(j["response"])["attachment"]')" = "$name"

# 7. Refused: a bundle verify rejects (made with --no-scrub) is not sent unless --force.
raw=$("$bin" collect --state-dir "$work/state" --root "$src/tests/fixtures/esxi" -o "$work/raw/" --no-scrub -q 2>/dev/null)
"$bin" upload "$raw" --url "http://127.0.0.1:$port/dav/raw/{file}" 2>"$work/raw.err"
code=$?
check "unscrubbed: refused with exit 1 (got $code)" test "$code" -eq 1
check "unscrubbed: the reason and --force are said" \
  bash -c "grep -q 'refused: verification found' '$work/raw.err' && grep -q -- '--force' '$work/raw.err'"
check "unscrubbed: nothing was sent" test ! -e "$work/www/dav/raw"
"$bin" upload "$raw" --url "http://127.0.0.1:$port/dav/raw/{file}" --force 2>"$work/raw-force.err"
code=$?
check "unscrubbed --force: exit 0 (got $code)" test "$code" -eq 0
check "unscrubbed --force: it arrived" cmp "$raw" "$work/www/dav/raw/$(basename "$raw")"

# 8. Usage errors: exit 2 before anything is sent.
"$bin" upload "$bundle" --url "http://127.0.0.1:$port/dav/one-place" 2>"$work/u1.err"
check "a PUT URL naming one place for two files: exit 2" test $? -eq 2
check "... with the hint {file}" grep -q "put {file} in the URL" "$work/u1.err"
"$bin" upload "$bundle" --url "http://127.0.0.1:$port/dav/{case}/{file}" 2>"$work/u2.err"
check "{case} without --case: exit 2" test $? -eq 2
"$bin" upload "$work/none.tgz" --url "http://127.0.0.1:$port/dav/{file}" 2>"$work/u3.err"
code=$?
check "no such bundle: exit 2 (got $code), no such file" bash -c "test $code -eq 2 && grep -q 'none.tgz: no such file' '$work/u3.err'"
"$bin" upload "$bundle" --url "http://127.0.0.1:$port/dav/{file}" --header "Authorization Bearer $token" 2>"$work/u4.err"
code=$?
check "a header without ':': exit 2 (got $code), value not printed" \
  bash -c "test $code -eq 2 && ! grep -q '$token' '$work/u4.err'"
"$bin" upload "$bundle" --url "ftp://127.0.0.1/{file}" 2>"$work/u5.err"
check "an ftp URL: exit 2" test $? -eq 2

# 9. --encrypt-to: a key made here; the bundle decrypts and still verifies.
if ! command -v gpg >/dev/null; then
  echo "SKIP: gpg is not installed: --encrypt-to not tested"
else
  export GNUPGHOME="$work/vendor-gnupg"
  mkdir -m 700 "$GNUPGHOME"
  gpg --batch --quiet --passphrase '' --quick-gen-key 'Vendor Support <support@vendor.example>' future-default default never 2>/dev/null
  gpg --batch --armor --export support@vendor.example >"$work/vendor.asc"
  fpr=$(gpg --batch --with-colons --list-keys support@vendor.example 2>/dev/null | awk -F: '$1 == "fpr" { print $10; exit }')
  check "gpg made the vendor's key" test -s "$work/vendor.asc"
  # A key file: imported into a temporary home, the user's keyring (an empty GNUPGHOME) untouched.
  mkdir -m 700 "$work/user-gnupg" "$work/tmp"
  enc=$(GNUPGHOME="$work/user-gnupg" TMPDIR="$work/tmp" "$bin" collect --state-dir "$work/state" --root "$src/tests/fixtures/esxi" \
    -o "$work/enc/" --encrypt-to "$work/vendor.asc" -q 2>"$work/enc.err")
  code=$?
  check "encrypt (key file): exit 0 (got $code)" test "$code" -eq 0
  check "encrypt: the bundle is NAME.tgz.gpg" bash -c "[[ '$enc' == *.tgz.gpg ]] && test -s '$enc'"
  check "encrypt: no unencrypted bundle, .partial or old .sha256 left" \
    test "$(ls "$work/enc" | sort | tr '\n' ' ')" = "$(basename "$enc") $(basename "$enc").sha256 "
  check "encrypt: NAME.tgz.gpg.sha256 checks the .gpg" bash -c "cd '$work/enc' && sha256sum --quiet -c '$(basename "$enc").sha256'"
  check "encrypt: the user's keyring was not touched" test -z "$(ls -A "$work/user-gnupg")"
  check "encrypt: no temporary GnuPG home left" test -z "$(ls -A "$work/tmp")"
  gpg --batch --quiet --decrypt --output "$work/decrypted.tgz" "$enc" 2>/dev/null
  check "encrypt: the vendor decrypts it" test -s "$work/decrypted.tgz"
  "$bin" verify "$work/decrypted.tgz" >"$work/dec-verify.out" 2>&1
  check "encrypt: the decrypted bundle passes verify" test $? -eq 0
  # A fingerprint in the keyring.
  enc2=$("$bin" collect --state-dir "$work/state" --root "$src/tests/fixtures/esxi" -o "$work/enc2/" \
    --encrypt-to "$fpr" -q 2>"$work/enc2.err")
  check "encrypt (fingerprint in the keyring): a .gpg" bash -c "[[ '$enc2' == *.tgz.gpg ]] && test -s '$enc2'"
  # Bad keys: exit 2 before anything is collected.
  echo "not a key" >"$work/garbage.asc"
  "$bin" collect --state-dir "$work/state" --root "$src/tests/fixtures/esxi" -o "$work/enc3/" \
    --encrypt-to "$work/garbage.asc" 2>"$work/enc3.err"
  code=$?
  check "a file that is no key: exit 2 (got $code), said" \
    bash -c "test $code -eq 2 && grep -q 'not an OpenPGP public key' '$work/enc3.err'"
  check "a file that is no key: nothing collected" test -z "$(ls -A "$work/enc3")"
  "$bin" collect --state-dir "$work/state" --root "$src/tests/fixtures/esxi" -o "$work/enc4/" \
    --encrypt-to nobody@nowhere.example 2>"$work/enc4.err"
  code=$?
  check "an unknown key: exit 2 (got $code), said" bash -c "test $code -eq 2 && grep -q 'no such key in the keyring' '$work/enc4.err'"
  # scrub --encrypt-to.
  scrubbed=$("$bin" scrub "$raw" --state-dir "$work/state" --encrypt-to "$work/vendor.asc" -o "$work/enc5/" -q 2>"$work/enc5.err")
  code=$?
  check "scrub --encrypt-to: exit 0 (got $code), a .gpg" bash -c "test $code -eq 0 && [[ '$scrubbed' == *-scrubbed.tgz.gpg ]] && test -s '$scrubbed'"
  # --encrypt-to with --split: NAME.tgz.gpg.part-NNN and one .sha256; upload sends them; joined, they decrypt.
  mkdir -p "$work/enc-split"
  "$bin" collect --state-dir "$work/state" --root "$work/big" -o "$work/enc-split/" --encrypt-to "$work/vendor.asc" \
    --split 1M -q >"$work/enc-split.out" 2>"$work/enc-split.err"
  code=$?
  gname=$(basename "$(head -1 "$work/enc-split.out")" .part-001)
  check "encrypt + split: exit 0 (got $code), parts of the .gpg" bash -c "test $code -eq 0 && [[ '$gname' == *.tgz.gpg ]]"
  check "encrypt + split: only the parts and the .sha256 are left" \
    test "$(ls "$work/enc-split" | grep -cv "^$gname.part-[0-9][0-9][0-9]$")" -eq 1
  check "encrypt + split: the .sha256 checks each part" \
    bash -c "cd '$work/enc-split' && sha256sum --quiet -c --ignore-missing '$gname.sha256'"
  "$bin" upload "$work/enc-split/$gname.part-001" --url "http://127.0.0.1:$port/dav/enc-split/{file}" --json \
    >"$work/up-enc-split.json" 2>"$work/up-enc-split.err"
  code=$?
  check "encrypt + split: upload exit 0 (got $code)" test "$code" -eq 0
  check "encrypt + split: every part and the .sha256 arrived" \
    test "$(ls "$work/www/dav/enc-split" | wc -l)" -eq "$(ls "$work/enc-split" | wc -l)"
  cat "$work/www/dav/enc-split/$gname".part-* | gpg --batch --quiet --decrypt --output "$work/enc-split.tgz" 2>/dev/null
  "$bin" verify "$work/enc-split.tgz" >/dev/null 2>&1
  check "encrypt + split: the received parts, joined and decrypted, pass verify" test $? -eq 0
  "$bin" verify "$work/enc-split/$gname.part-001" 2>"$work/verify-gpg.err"
  code=$?
  check "verify of a .gpg part: exit 2 (got $code), says to decrypt it" \
    bash -c "test $code -eq 2 && grep -q 'encrypted bundle: verify needs the decrypted' '$work/verify-gpg.err'"
  # upload of a .gpg: verify is skipped, the .sha256 checked.
  "$bin" upload "$enc" --url "http://127.0.0.1:$port/dav/enc/{file}" --json >"$work/up-enc.json" 2>"$work/up-enc.err"
  code=$?
  check "upload .gpg: exit 0 (got $code)" test "$code" -eq 0
  check "upload .gpg: it arrived" cmp "$enc" "$work/www/dav/enc/$(basename "$enc")"
  check "upload .gpg: only the .sha256 was checked" grep -q "encrypted bundle (not readable here)" "$work/up-enc.json"
  # Change the first hex digit to a different one (a digest may start with 0).
  sed -i 's/^0/1/;t;s/^./0/' "$enc.sha256"
  "$bin" upload "$enc" --url "http://127.0.0.1:$port/dav/enc2/{file}" 2>"$work/up-enc-bad.err"
  code=$?
  check "upload .gpg with a wrong .sha256: refused, exit 1 (got $code)" test "$code" -eq 1
fi

echo "$failures failures"
exit $((failures > 0))
