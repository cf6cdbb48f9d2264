#!/usr/bin/env bash
# Prints a `terraform show -no-color` plan as Markdown for $GITHUB_STEP_SUMMARY (1 MiB limit: the plan
# is cut at 200,000 characters; the full text is in the job's artifact).
set -euo pipefail
plan_text="${1:?usage: plan-summary.sh PLAN_TEXT_FILE}"
limit=200000

echo "## Terraform plan for ${GITHUB_SHA:-local}"
echo
if [ ! -s "$plan_text" ]; then
  echo "No plan was produced: see the job log."
  exit 0
fi
grep -E '^(Plan:|No changes\.)' "$plan_text" | sed 's/^/**/; s/$/**/' || true
echo
echo '<details open><summary>terraform show</summary>'
echo
echo '```'
head -c "$limit" "$plan_text"
echo
echo '```'
if [ "$(wc -c < "$plan_text")" -gt "$limit" ]; then
  echo
  echo "_Cut at $limit characters: download the artifact for the full plan._"
fi
echo '</details>'
