#!/usr/bin/env bash
# Downloads the sample data set (car-prices.csv and seed-split-test-rows.txt) from a folder URL
# (e.g. the team's Blob container, with a read SAS) into ../shared/data, for machines that do not
# have it, such as hosted CI runners. Usage: scripts/sample-data.sh URL   (URL may carry ?SAS)
set -euo pipefail
cd "$(dirname "$0")/.."
url=${1:?usage: scripts/sample-data.sh FOLDER_URL}
base=${url%%\?*}
query=""
[ "$base" != "$url" ] && query="?${url#*\?}"
mkdir -p ../shared/data
for file in car-prices.csv seed-split-test-rows.txt; do
  # -f: fail on HTTP errors; the URL (and any SAS in it) is never printed.
  curl -fsS --retry 3 -o "../shared/data/$file.tmp" "$base/$file$query"
  mv "../shared/data/$file.tmp" "../shared/data/$file"
done
echo "sample data set in ../shared/data"
