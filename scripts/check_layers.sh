#!/usr/bin/env bash
# Fails when an #include points against the module dependency order written
# in docs/architecture.md: {cli, python} -> crawler -> pipeline -> {sites,
# policy, filters, blocklists, io} -> core; sites -> {policy, io}; cli -> rights -> {audit, io} -> core;
# cli -> report -> {audit, filters, blocklists} -> core. A module may include itself and what
# lies below it; nothing includes cli/ or python/.
set -euo pipefail
root="${1:-$(dirname "$0")/..}"
cd "$root"
declare -A allowed=(
  [core]="core"
  [policy]="policy core"
  [filters]="filters core"
  [blocklists]="blocklists core"
  [audit]="audit core"
  [io]="io core"
  [sites]="sites policy io core"
  [pipeline]="pipeline sites policy filters blocklists audit io core"
  [crawler]="crawler pipeline sites policy filters blocklists audit io core"
  [rights]="rights audit io core"
  [report]="report audit filters blocklists core"
  [cli]="cli crawler rights report pipeline sites policy filters blocklists audit io core"
  [python]="pipeline sites policy filters blocklists audit io core"
)
status=0
for module in "${!allowed[@]}"; do
  [[ -d "$module" ]] || continue
  while IFS= read -r hit; do
    file=${hit%%:*}
    rest=${hit#*:}
    line=${rest%%:*}
    target=$(sed -E 's/.*#include "([a-z_]+)\/.*/\1/' <<<"$rest")
    if [[ " ${allowed[$module]} " != *" $target "* ]]; then
      echo "$file:$line: $module/ must not include $target/ (see docs/architecture.md)"
      status=1
    fi
  done < <(grep -rnE '#include "[a-z_]+/' "$module" --include='*.h' --include='*.cc' || true)
done
[[ $status -eq 0 ]] && echo "layering: ok"
exit $status
