#!/usr/bin/env bash
# The steps of the GitHub Action (action.yml), one subcommand each, run in the repository under
# test (any repository: it needs no pom.xml). Inputs come in environment variables, results go to
# $GITHUB_OUTPUT (exit-code=N, sarif=yes) and $GITHUB_STEP_SUMMARY (Markdown); both default to
# /dev/null outside GitHub. The text and Markdown reports go to $RUNNER_TEMP (else the working
# folder), SARIF where TP_SARIF and TP_LINT_SARIF say. ActionTest (src/test/java/dev/tierproof/cli)
# runs these steps.
#
#   key      key=tierproof-$RUNNER_OS-<sha256 of pom.xml, grammar/ and src/main/>: the cache key of
#            the built jar (what the launcher's staleness check looks at)
#   build    TP_CACHE_HIT=true and the jar present: marks it fresh for the launcher (a restored
#            file keeps its old time, older than the action's checkout); otherwise builds it
#   check    TP_FILES, TP_SPECS, TP_FAIL_ON, TP_TIMEOUT, TP_SARIF
#   lint     TP_FILES, TP_LINT_FAIL_ON, TP_TIMEOUT, TP_LINT_SARIF
#   diff     TP_FILES, TP_BASE, TP_TIMEOUT
#   verdict  TP_CHECK_EXIT, TP_LINT_EXIT, TP_LINT_FAIL_ON, TP_DIFF_EXIT: the job's exit code
#
# check, lint and diff always exit 0 and record tierproof's exit code as exit-code; verdict fails
# the job with check's code when not 0 (3 when check did not run), else with lint's when it is 2
# (bad input) or when it is not 0 and TP_LINT_FAIL_ON is not `never`, else with diff's when 2 or 3
# (1 lists changes, not a failure).
#
# TP_FILES and TP_SPECS hold one path per line (blanks around a path and empty lines are ignored),
# so a path may contain spaces. TP_CMD, when set, is the executable that runs tierproof (default:
# the launcher of the repository this script is in, which GITHUB_ACTION_PATH names in the action).
set -o pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
jar="$root/target/tierproof.jar"
output="${GITHUB_OUTPUT:-/dev/null}"
summary="${GITHUB_STEP_SUMMARY:-/dev/null}"
out="${RUNNER_TEMP:-.}"
tierproof="${TP_CMD:-$root/tierproof}"

# lines TEXT: sets `lines` to the lines of TEXT, blanks around each trimmed, empty ones dropped
lines() {
  local line
  lines=()
  while IFS= read -r line || [[ -n "$line" ]]; do
    line="${line#"${line%%[![:space:]]*}"}"
    line="${line%"${line##*[![:space:]]}"}"
    if [[ -n "$line" ]]; then lines+=("$line"); fi
  done <<<"$1"
}

# inputs: sets `files` to `-f PATH` per line of TP_FILES (failing when there is none) and `specs`
# to the lines of TP_SPECS
inputs() {
  local path
  lines "${TP_FILES:-}"
  files=()
  for path in "${lines[@]}"; do files+=(-f "$path"); done
  lines "${TP_SPECS:-}"
  specs=("${lines[@]}")
  if [[ ${#files[@]} -eq 0 ]]; then
    echo "tierproof: the input \`files\` names no path (one per line)" >&2
    return 2
  fi
}

# record CODE: the exit code of the step's tierproof run, as the step's output
record() { echo "exit-code=$1" >>"$output"; }

case "${1:-}" in
  key)
    hash=$(cd "$root" && find pom.xml grammar src/main -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum)
    echo "key=tierproof-${RUNNER_OS:-local}-${hash%% *}" >>"$output"
    ;;

  build)
    if [[ "${TP_CACHE_HIT:-}" == true && -f "$jar" ]]; then
      touch "$jar"
    else
      (cd "$root" && mvn -B -q -Dmaven.test.skip=true package) || exit
    fi
    ;;

  check)
    inputs || { record 2; exit 0; }
    # the command of the README's GitHub section
    "$tierproof" "${files[@]}" --timeout "$TP_TIMEOUT" check "${specs[@]}" --fail-on "$TP_FAIL_ON" \
      -o github -o "text=$out/tierproof-check.txt" -o "sarif=$TP_SARIF" -o "markdown=$out/tierproof-check.md"
    code=$?
    [[ -f "$out/tierproof-check.txt" ]] && cat "$out/tierproof-check.txt"
    [[ -f "$out/tierproof-check.md" ]] && cat "$out/tierproof-check.md" >>"$summary"
    record "$code"
    if [[ -f "$TP_SARIF" ]]; then echo "sarif=yes" >>"$output"; fi
    ;;

  lint)
    inputs || { record 2; exit 0; }
    "$tierproof" "${files[@]}" --timeout "$TP_TIMEOUT" lint --fail-on "$TP_LINT_FAIL_ON" \
      -o github -o "text=$out/tierproof-lint.txt" -o "sarif=$TP_LINT_SARIF" -o "markdown=$out/tierproof-lint.md"
    code=$?
    [[ -f "$out/tierproof-lint.txt" ]] && cat "$out/tierproof-lint.txt"
    [[ -f "$out/tierproof-lint.md" ]] && cat "$out/tierproof-lint.md" >>"$summary"
    record "$code"
    if [[ -f "$TP_LINT_SARIF" ]]; then echo "sarif=yes" >>"$output"; fi
    ;;

  diff)
    inputs || { record 2; exit 0; }
    "$tierproof" "${files[@]}" --timeout "$TP_TIMEOUT" diff --base "$TP_BASE" \
      -o text -o "markdown=$out/tierproof-diff.md"
    code=$?
    [[ -f "$out/tierproof-diff.md" ]] && cat "$out/tierproof-diff.md" >>"$summary"
    record "$code"
    ;;

  verdict)
    check=${TP_CHECK_EXIT:-}
    if [[ "$check" != 0 ]]; then
      echo "tierproof: check exited ${check:-without a code (did not run)}" >&2
      exit "${check:-3}"
    fi
    lint=${TP_LINT_EXIT:-0}
    if [[ "$lint" == 2 || ( "$lint" != 0 && "${TP_LINT_FAIL_ON:-never}" != never ) ]]; then
      echo "tierproof: lint exited $lint (lint-fail-on: ${TP_LINT_FAIL_ON:-never})" >&2
      exit "$lint"
    fi
    diff=${TP_DIFF_EXIT:-0}
    if [[ "$diff" != 0 && "$diff" != 1 ]]; then
      echo "tierproof: diff exited $diff" >&2
      exit "$diff"
    fi
    ;;

  *)
    echo "usage: run.sh key|build|check|lint|diff|verdict (inputs in TP_* variables)" >&2
    exit 2
    ;;
esac
