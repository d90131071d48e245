#!/bin/bash
# wait-for-it.sh HOST:PORT [-s] [-t SECONDS] [-- COMMAND...]
# Waits until a TCP connection to HOST:PORT succeeds (the network simulator opens port 57832 once
# it is ready), at most SECONDS (default 15; 0 = no limit). -s (strict): fail, and do not run
# COMMAND, if the port never opened. Same interface as the script the runner's endpoint image
# ships under this name; written for qtls with bash's /dev/tcp.
target='' strict=0 limit=15 cmd=()
while [ $# -gt 0 ]; do
  case $1 in
    -s|--strict) strict=1; shift ;;
    -t) limit=$2; shift 2 ;;
    --timeout=*) limit=${1#*=}; shift ;;
    -q|--quiet) shift ;;
    --) shift; cmd=("$@"); break ;;
    *:*) target=$1; shift ;;
    *) echo "wait-for-it: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
[ -n "$target" ] || { echo "usage: wait-for-it.sh HOST:PORT [-s] [-t SECONDS] [-- COMMAND...]" >&2; exit 2; }
host=${target%:*} port=${target##*:}
start=$SECONDS ok=0
while :; do
  if timeout 2 bash -c "exec 3<>/dev/tcp/$host/$port" 2>/dev/null; then ok=1; break; fi
  if [ "$limit" -gt 0 ] && [ $((SECONDS - start)) -ge "$limit" ]; then break; fi
  sleep 0.5   # polling a remote port: nothing to wait on locally
done
if [ $ok = 1 ]; then echo "wait-for-it: $target is up after $((SECONDS - start))s"
else echo "wait-for-it: $target did not open within ${limit}s" >&2; fi
[ $ok = 1 ] || [ $strict = 0 ] || exit 1
[ ${#cmd[@]} -eq 0 ] || exec "${cmd[@]}"
[ $ok = 1 ]
