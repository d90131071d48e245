#!/bin/bash
# Network setup for a quic-network-simulator endpoint (the job the runner's endpoint base image
# does in its /setup.sh; this is our own version of it). The endpoint sits on a docker network
# whose ".2" host is the ns-3 simulator; traffic to the other side (193.167.0.0/16, and
# fd00:cafe:cafe::/48 for IPv6) must go through it rather than straight over the docker bridge.
set -u
echo "setup: routing through the network simulator"

# Docker leaves UDP/TCP checksums to the NIC (offload). Packets that cross ns-3 reach the peer
# with the checksum still unset, and the peer's kernel drops them: compute them in software.
ethtool -K eth0 tx off || echo "setup: ethtool failed (not in the simulator?)"

# hostname -I lists the IPv4 address first, then the IPv6 one.
read -r ipv4 ipv6 _ <<<"$(hostname -I)"
if [ -n "${ipv4:-}" ]; then
  echo "setup: IPv4 address $ipv4"
  route add -net 193.167.0.0 netmask 255.255.0.0 gw "${ipv4%.*}.2"
  # the direct route to the local /24 would bypass the simulator for peers on it
  route del -net "${ipv4%.*}.0" netmask 255.255.255.0
fi
if [ -n "${ipv6:-}" ]; then
  echo "setup: IPv6 address $ipv6"
  ip -d route add fd00:cafe:cafe::/48 via "${ipv6%:*}:2"
  ip -d route del "${ipv6%:*}:/64"
fi
mkdir -p /logs/qlog
exit 0
