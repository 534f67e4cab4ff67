#!/usr/bin/env bash
# Checks that imports between our packages point the way STYLE.md section 4
# allows. Each rule: a package pattern, then the project packages it may
# import (patterns; "-" for none). Rules are matched first to last; the first
# whose pattern matches a package applies. A project package no rule covers
# fails the check, so a new package needs a rule here.
set -euo pipefail
set -f # rule patterns such as "*" must not expand to file names
cd "$(dirname "$0")/.."
mod=github.com/kafka-connect-go/connect

rules=$(cat <<'RULES'
cmd/*                        *
examples/*                   *
rest                         worker/herder connector/configdef connector/plugin
worker/standalone            worker worker/metrics worker/herder worker/config storage connector connector/plugin connector/configdef connector/data
worker/distributed           worker worker/metrics worker/herder worker/config worker/group storage connector connector/plugin connector/configdef connector/data
worker/herder                connector/configdef connector/plugin storage
worker/metrics               connector
worker/sink                  worker/tolerance worker/metrics connector connector/data connector/configdef
worker/source                worker/tolerance worker/metrics storage connector connector/data connector/configdef
worker/tolerance             connector connector/data connector/configdef
worker/group                 -
worker/config                connector connector/configdef connector/provider
worker                       worker/metrics connector/tlsstore connector/provider worker/herder worker/config worker/sink worker/source worker/tolerance storage connector connector/plugin connector/data connector/configdef
storage                      -
storage/kafkalog             -
storage/kafkastore           storage storage/kafkalog connector/converter connector/data
storage/filestore            storage storage/memstore
storage/memstore             storage
storage/storagetest          storage storage/*
transforms/predicates        connector connector/data connector/configdef
transforms                   connector connector/data connector/configdef
connector/elasticsearch/humiotest  connector/elasticsearch
connector/elasticsearch      connector connector/data connector/configdef connector/tlsstore
connector/tlsstore           -
connector/file               connector connector/data connector/configdef
connector/converter          connector connector/data connector/configdef
connector/provider           connector connector/configdef
connector/plugin             connector connector/configdef
connector/connectortest/*    connector connector/data connector/configdef connector/connectortest/*
connector/data               -
connector/configdef          -
connector                    connector/data connector/configdef
RULES
)

# match PATTERN NAME: a pattern ending in /* matches that folder and below.
match() {
  local p=$1 n=$2
  if [[ $p == '*' ]]; then return 0; fi
  if [[ $p == */\* ]]; then
    local base=${p%/\*}
    [[ $n == "$base" || $n == "$base"/* ]]
    return
  fi
  [[ $n == "$p" ]]
}

fail=0
while read -r pkg imports; do
  rel=${pkg#"$mod"}
  rel=${rel#/}
  [[ -z $rel ]] && rel=.
  allowed=
  found=0
  while read -r pat rest; do
    [[ -z $pat ]] && continue
    if match "$pat" "$rel"; then allowed=$rest; found=1; break; fi
  done <<<"$rules"
  if [[ $found == 0 ]]; then
    echo "lint-imports: no rule for package $rel (add one to .ci/lint-imports.sh)"
    fail=1
    continue
  fi
  for imp in $imports; do
    [[ $imp == "$mod"/* ]] || continue
    irel=${imp#"$mod"/}
    ok=0
    for a in $allowed; do
      [[ $a == - ]] && continue
      if match "$a" "$irel"; then ok=1; break; fi
    done
    if [[ $ok == 0 ]]; then
      echo "lint-imports: $rel must not import $irel"
      fail=1
    fi
  done
done < <(go list -f '{{.ImportPath}} {{join .Imports " "}}' ./...)
exit $fail
