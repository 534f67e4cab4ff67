#!/usr/bin/env bash
# Regenerates the test stores with the JDK's keytool (openssl only turns
# PKCS12 into PEM). The tests never run this: the outputs are committed.
# Certificates are valid for 100 years so the files do not expire.
#
#   ca           self-signed test CA (EC P-256)
#   server       127.0.0.1 / localhost, signed by ca (EC P-256)
#   client       client certificate, signed by ca (RSA 2048)
#   client2      a second client key, signed by ca (EC P-256)
#
# Passwords: trust stores "trustpass", key stores "storepass"; the private
# key of keystore-keypass.jks has its own password "keypass", and so do the
# encrypted PEM keys.
#
# "gen.sh encrypted" makes only the encrypted PEM keys, from the client-key.pem
# and client-chain.pem already there, leaving the other files as they are.
set -euo pipefail
cd "$(dirname "$0")"

# encrypted: PKCS#8 EncryptedPrivateKeyInfo variants of the client key, as
# Kafka's PEM key stores take them with ssl.key.password.
#   client-key-aes256.pem   PBES2, PBKDF2 with HMAC-SHA256, AES-256-CBC
#   client-key-aes128.pem   PBES2, PBKDF2 with HMAC-SHA1, AES-128-CBC; SHA-1
#                           is the PRF's default, so the file leaves it out
#                           (OpenSSL 3's own default would be SHA-256)
#   client-key-des3.pem     PBES2, PBKDF2 (OpenSSL's default PRF), DES-EDE3-CBC
#   client-key-aes192.pem   PBES2, PBKDF2 with HMAC-SHA512, AES-192-CBC
#   client-key-pbes1.pem    PKCS#12 PBE with SHA-1 and 3DES (openssl -v1), which
#                           the reader refuses
#   client-encrypted.pem    client-key-aes256.pem and the chain in one file
encrypted() {
  local p8=(openssl pkcs8 -topk8 -in client-key.pem -passout pass:keypass)
  "${p8[@]}" -v2 aes-256-cbc -v2prf hmacWithSHA256 -out client-key-aes256.pem
  "${p8[@]}" -v2 aes-128-cbc -v2prf hmacWithSHA1 -out client-key-aes128.pem
  "${p8[@]}" -v2 des3 -out client-key-des3.pem
  "${p8[@]}" -v2 aes-192-cbc -v2prf hmacWithSHA512 -out client-key-aes192.pem
  "${p8[@]}" -v1 PBE-SHA1-3DES -out client-key-pbes1.pem
  cat client-key-aes256.pem client-chain.pem >client-encrypted.pem
}
if [[ ${1:-} == encrypted ]]; then
  encrypted
  exit
fi

rm -f ./*.jks ./*.p12 ./*.pem ./*.csr ./*.crt
days=36500
kt() { keytool -noprompt "$@"; }

# ca.p12 holds the CA key; it is kept as the signing key store.
kt -genkeypair -alias ca -keyalg EC -groupname secp256r1 -dname "CN=tlsstore test CA" \
  -ext bc:c -validity $days -keystore ca.p12 -storetype PKCS12 -storepass capass
kt -exportcert -rfc -alias ca -keystore ca.p12 -storepass capass -file ca.pem

# issue NAME ALG EXT...: a key pair in NAME.p12, signed by the CA, with the
# chain (NAME, ca) imported back.
issue() {
  local name=$1 alg=$2; shift 2
  local size=(-groupname secp256r1)
  [[ $alg == RSA ]] && size=(-keysize 2048)
  kt -genkeypair -alias "$name" -keyalg "$alg" "${size[@]}" -dname "CN=tlsstore test $name" \
    -validity $days -keystore "$name.p12" -storetype PKCS12 -storepass storepass
  kt -certreq -alias "$name" -keystore "$name.p12" -storepass storepass -file "$name.csr"
  kt -gencert -alias ca -keystore ca.p12 -storepass capass -infile "$name.csr" -outfile "$name.crt" \
    -rfc -validity $days "$@"
  kt -importcert -alias ca -file ca.pem -keystore "$name.p12" -storepass storepass
  kt -importcert -alias "$name" -file "$name.crt" -keystore "$name.p12" -storepass storepass
  kt -delete -alias ca -keystore "$name.p12" -storepass storepass
  # PEM: the unencrypted private key and its chain in one file.
  openssl pkcs12 -in "$name.p12" -passin pass:storepass -nocerts -nodes | openssl pkcs8 -topk8 -nocrypt >"$name-key.pem"
  openssl pkcs12 -in "$name.p12" -passin pass:storepass -nokeys | sed -n '/BEGIN/,/END/p' >"$name-chain.pem"
  cat "$name-key.pem" "$name-chain.pem" >"$name.pem"
  rm -f "$name.csr" "$name.crt"
}
issue server EC -ext san=ip:127.0.0.1,dns:localhost -ext eku=serverAuth
issue client RSA -ext eku=clientAuth
issue client2 EC -ext eku=clientAuth

# Trust stores: the CA as a trusted certificate entry.
kt -importcert -alias ca -file ca.pem -keystore truststore.jks -storetype JKS -storepass trustpass
kt -importcert -alias ca -file ca.pem -keystore truststore.p12 -storetype PKCS12 -storepass trustpass

# Key stores of the client.
cp client.p12 keystore.p12
kt -importkeystore -srckeystore client.p12 -srcstoretype PKCS12 -srcstorepass storepass \
  -destkeystore keystore.jks -deststoretype JKS -deststorepass storepass
kt -importkeystore -srckeystore client.p12 -srcstoretype PKCS12 -srcstorepass storepass -srcalias client \
  -destkeystore keystore-keypass.jks -deststoretype JKS -deststorepass storepass -destkeypass keypass
# Two key entries, as Java's key manager may hold: it picks per handshake.
cp keystore.jks keystore-two.jks
kt -importkeystore -srckeystore client2.p12 -srcstoretype PKCS12 -srcstorepass storepass \
  -destkeystore keystore-two.jks -deststoretype JKS -deststorepass storepass

encrypted
