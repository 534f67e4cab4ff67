#!/usr/bin/env bash
# Makes server.jks, the HTTPS listeners' key store of the tests, from the
# server key of connector/tlsstore/testdata (127.0.0.1/localhost, signed by
# its ca.pem) with the JDK's keytool. Store password "storepass". The tests
# never run this: the output is committed.
set -euo pipefail
cd "$(dirname "$0")"
rm -f server.jks
keytool -noprompt -importkeystore -srckeystore ../../../../connector/tlsstore/testdata/server.p12 \
  -srcstoretype PKCS12 -srcstorepass storepass -srcalias server \
  -destkeystore server.jks -deststoretype JKS -deststorepass storepass
