#!/usr/bin/env bash
# Regenerates the test certificates in this directory (committed; valid for 100 years, so this is
# rarely needed): a CA, and signed by it a server certificate for 127.0.0.1/localhost, a client
# certificate (CN tether-test-client) and a server certificate for another host (wrong.example) to
# prove hostname verification. EC P-256 keys in PKCS#8 PEM, which both node and the JDK read.
# The CA's key is thrown away: rerun the whole script to change anything.
set -euo pipefail
cd "$(dirname "$0")"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
days=36500

key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

key "$work/ca-key.pem"
openssl req -x509 -new -key "$work/ca-key.pem" -subj "/CN=Tether Test CA" -days "$days" -sha256 \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" -out ca.pem

# leaf <name> <CN> <extendedKeyUsage> [subjectAltName]
leaf() {
  key "$1-key.pem"
  openssl req -new -key "$1-key.pem" -subj "/CN=$2" -out "$work/$1.csr"
  {
    echo "basicConstraints=critical,CA:FALSE"
    echo "keyUsage=critical,digitalSignature"
    echo "extendedKeyUsage=$3"
    if [ -n "${4:-}" ]; then echo "subjectAltName=$4"; fi
  } >"$work/$1.ext"
  openssl x509 -req -in "$work/$1.csr" -CA ca.pem -CAkey "$work/ca-key.pem" -CAcreateserial \
    -CAserial "$work/ca.srl" -days "$days" -sha256 -extfile "$work/$1.ext" -out "$1.pem" 2>/dev/null
}

leaf server 127.0.0.1 serverAuth "IP:127.0.0.1,DNS:localhost"
leaf client tether-test-client clientAuth
leaf wrong-host wrong.example serverAuth "DNS:wrong.example"
