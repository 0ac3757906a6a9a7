#!/usr/bin/env bash
# Every test: unit (pure logic), integration (the real stack: dockerd, registry, Postgres,
# Redis, Caddy, web, worker, runtime-host), security (a hostile tenant attacking that stack:
# files under */test/security/), and Playwright journeys in Debian's Chromium.
#   npm test                 all four
#   npm test -- unit|integration|security|e2e
# Brings the stack up first if it is not running. Ends with one line: "tests: N passed, N failed".
set -uo pipefail
. "$(dirname "$0")/lib/common.sh"
what=${1:-all}
OUT="$BERTH_HOME/test-results"; rm -rf "$OUT"; mkdir -p "$OUT"
passed=0; failed=0; status=0

tally_tap() { # file
  local p f
  p=$(grep -E '^# pass ' "$1" | tail -1 | awk '{print $3}'); f=$(grep -E '^# fail ' "$1" | tail -1 | awk '{print $3}')
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
}

node_tests() { # label find-args...
  local label=$1; shift
  mapfile -t files < <(find core control prisma web worker runtime-host infra cli -path '*/node_modules' -prune -o -path '*/.next' -prune -o -type f "$@" -print 2>/dev/null | sort)
  if [ ${#files[@]} -eq 0 ]; then die "no $label test files found"; fi
  say "$label tests (${#files[@]} files)"
  node --import tsx --test --test-reporter=spec --test-reporter-destination=stdout \
    --test-reporter=tap --test-reporter-destination="$OUT/$label.tap" "${files[@]}" || status=1
  tally_tap "$OUT/$label.tap"
}


if [ "$what" = all ]; then
  say "typecheck and lint"
  npm run -s typecheck || { echo "typecheck failed"; failed=$((failed + 1)); }
  npm run -s lint >"$OUT/lint.log" 2>&1 || { tail -40 "$OUT/lint.log"; echo "lint failed"; failed=$((failed + 1)); }
fi
case "$what" in unit|all) node_tests unit -name '*.test.ts' ! -name '*.int.test.ts' ;; esac
case "$what" in integration|security|e2e|all) ensure_stack || { echo "tests: 0 passed, 1 failed"; exit 1; } ;; esac
case "$what" in integration|all) node_tests integration -name '*.int.test.ts' ! -path '*/test/security/*' ;; esac
case "$what" in security|all) node_tests security -name '*.int.test.ts' -path '*/test/security/*' ;; esac
case "$what" in
  e2e|all)
    say "Playwright journeys (Chromium)"
    (cd playwright && PLAYWRIGHT_JSON_OUTPUT_NAME="$OUT/e2e.json" npx playwright test --reporter=list,json) || status=1
    if [ -f "$OUT/e2e.json" ]; then
      read -r p f < <(node -e 'const s=require(process.argv[1]).stats; console.log(s.expected, s.unexpected + (s.flaky||0))' "$OUT/e2e.json")
      passed=$((passed + p)); failed=$((failed + f))
    else
      failed=$((failed + 1))
    fi
    ;;
esac
case "$what" in unit|integration|security|e2e|all) ;; *) die "usage: npm test [-- unit|integration|security|e2e]" ;; esac

echo
echo "tests: $passed passed, $failed failed"
[ "$failed" -gt 0 ] && status=1
[ "$passed" -eq 0 ] && status=1
exit $status
