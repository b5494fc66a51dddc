# Sourced by gpu_train.sh and gpu_recipe.sh, which train runs side by side on a lent GPU (the `device` tool).
# send_back_runs RUNS NAME...: for each run NAME in the folder RUNS, prints its log's last progress line and its last
# two metrics, and puts its model.pt, run.json and metrics.jsonl into $OUT/NAME.tar, which the tool brings back; a run
# stopped before its end (no model.pt) is named and left on the machine, where rerunning its command resumes it.
send_back_runs() {
  local runs=$1 name
  shift
  for name in "$@"; do
    echo "$name: $(tail -c 300 "$runs/$name.log" | tr '\r' '\n' | grep -v '^$' | tail -1)"
    tail -n 2 "$runs/$name/metrics.jsonl"
    if [ -f "$runs/$name/model.pt" ]; then
      tar cf "$OUT/$name.tar" -C "$runs" "$name/model.pt" "$name/run.json" "$name/metrics.jsonl"
    else
      echo "$name: not finished; its checkpoint stays on the machine"
    fi
  done
}
