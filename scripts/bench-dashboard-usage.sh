#!/bin/bash
# The dashboard's usage endpoints (#27) against a reference binary, in one run: a users module of
# 180 operations, a combined access log of 300,000 lines over 29 days (20 clients) ingested by the
# reference, then each binary serves its own copy of that store, registers v1 and v2 (20 lookups
# removed, 10 of them never called) and is timed with hyperfine -N (curl), interleaved:
# GET /entries/{id} of the v2 entry, GET /deploys, GET /usage?module=users (new only), and
# `usage show --module users --json` in the CLI. Prints medians and the load average.
#
# usage: scripts/bench-dashboard-usage.sh NEW_BIN REFERENCE_BIN [WORKDIR]
set -euo pipefail
NEW=$1; REF=$2; W=${3:-$(mktemp -d)}
export APIDIFF_JWT_SECRET=bench-secret-0123456789abcdef-0123456789
rm -rf "$W/base" && mkdir -p "$W/base" && cd "$W/base" && git init -q
python3 - <<'PY'
import random, datetime, os
random.seed(7)
op = lambda i: (f"  /r{i}:\n    get:\n      responses: {{'200': {{description: ok}}}}\n  /r{i}/{{id}}:\n    get:\n"
    f"      parameters: [{{name: id, in: path, required: true, schema: {{type: integer}}}}]\n      responses: {{'200': {{description: ok}}}}\n"
    f"    delete:\n      parameters: [{{name: id, in: path, required: true, schema: {{type: integer}}}}]\n      responses: {{'204': {{description: gone}}}}\n")
head = "openapi: 3.0.3\ninfo: {title: users, version: '%s'}\npaths:\n"
v1 = head % 1 + "".join(op(i) for i in range(60))
v2 = head % 2 + "".join(op(i) if i >= 20 else op(i).replace(op(i)[op(i).index("    get:\n      parameters"):op(i).index("    delete:")], "") for i in range(60))
os.makedirs("users"); open("users/openapi.yaml", "w").write(v1); open("v1.yaml", "w").write(v1); open("v2.yaml", "w").write(v2)
open("apidiff.yaml", "w").write("modules:\n  - name: users\n    specs: ['users/**']\n")
today = datetime.date.today(); mon = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
used = [x for x in range(60) if not 10 <= x < 20]
with open("access.log", "w") as f:
    for n in range(300000):
        d = today - datetime.timedelta(days=random.randrange(1, 30)); i = random.choice(used); k = random.random()
        path = f"/r{i}" if k < 0.5 else f"/r{i}/{random.randrange(1000)}"
        f.write(f"10.0.{n%250}.{n%200} - - [{d.day:02d}/{mon[d.month-1]}/{d.year}:{n%24:02d}:{n%60:02d}:{(n//60)%60:02d} +0000] "
                f"\"{'GET' if k < 0.9 else 'DELETE'} {path} HTTP/1.1\" 200 12 \"-\" \"client{random.randrange(20)}/1.0\"\n")
PY
git add -A && git -c user.email=b@example.com -c user.name=bench commit -qm init
"$REF" usage ingest access.log
cd "$W"
declare -A BIN=([ref]=$REF [new]=$NEW) PORT=([ref]=18771 [new]=18772) ID=()
for v in ref new; do
  rm -rf "$W/$v" && cp -r "$W/base" "$W/$v"
  (cd "$W/$v" && exec "${BIN[$v]}" serve --listen 127.0.0.1:${PORT[$v]} > serve.log 2>&1) & echo $! > "$W/$v.pid"
done
trap 'kill $(cat "$W/ref.pid") $(cat "$W/new.pid") 2>/dev/null || true' EXIT
sleep 2
T=$("$NEW" token --role developer --subject bench)
for v in ref new; do
  for s in v1 v2; do
    python3 -c "import json; print(json.dumps({'module':'users','spec':open('$W/$v/$s.yaml').read(),'path':'users/openapi.yaml','deploy':'$s'}))" > "$W/$v-$s.json"
    curl -sf -o "$W/$v-$s.out" -H "Authorization: Bearer $T" -H 'content-type: application/json' --data @"$W/$v-$s.json" http://127.0.0.1:${PORT[$v]}/api/api-diff/register
  done
  ID[$v]=$(python3 -c "import json; print(json.load(open('$W/$v-v2.out'))['entry']['id'])")
done
url() { echo "curl -s -o /dev/null -H 'Authorization: Bearer $T' http://127.0.0.1:${PORT[$1]}/api/api-diff/$2"; }
uptime
hyperfine -N -w 3 -r 60 --export-json "$W/http.json" \
  -n "ref GET /entries/{id}" "$(url ref entries/${ID[ref]})" -n "new GET /entries/{id}" "$(url new entries/${ID[new]})" \
  -n "new GET /usage?module=users" "$(url new 'usage?module=users')" \
  -n "ref GET /deploys" "$(url ref 'deploys?limit=25')" -n "new GET /deploys" "$(url new 'deploys?limit=25')" > /dev/null
(cd "$W/ref" && hyperfine -N -w 1 -r 15 --export-json "$W/show.json" -n "ref usage show" "$REF usage show --module users --json" \
  -n "new usage show" "$NEW usage show --module users --json" > /dev/null)
uptime
python3 - "$W" <<'PY'
import json, sys
for f in ["http", "show"]:
    for r in json.load(open(f"{sys.argv[1]}/{f}.json"))["results"]:
        print(f"{r['command']:30s} median {r['median']*1000:7.1f} ms  min {r['min']*1000:6.1f} ms  user {r['user']*1000:5.1f} ms")
PY
