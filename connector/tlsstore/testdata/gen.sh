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
# key of keystore-keypass.jks has its own password "keypass".
set -euo pipefail
cd "$(dirname "$0")"
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
