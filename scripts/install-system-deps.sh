#!/usr/bin/env bash
# Debian packages the test suite needs for real services and second-opinion tools:
# Java (HermiT via owlready2, Jena RIOT/SHACL/rsparql), Virtuoso, Chromium + chromedriver,
# Graphviz (diagrams), wrk (load benchmark). Idempotent; installs only what is missing.
set -euo pipefail
need=()
command -v java >/dev/null || need+=(default-jre-headless)
command -v virtuoso-t >/dev/null || need+=(virtuoso-opensource)
command -v chromium >/dev/null || need+=(chromium)
command -v chromedriver >/dev/null || need+=(chromium-driver)
[ -e /usr/share/java/jena-cmds.jar ] || [ -e /usr/share/java/jena-arq.jar ] || need+=(libapache-jena-java)
command -v dot >/dev/null || need+=(graphviz)
command -v wrk >/dev/null || need+=(wrk)
command -v npm >/dev/null || need+=(npm)
if [ ${#need[@]} -eq 0 ]; then
  echo "system packages: all present"
  exit 0
fi
echo "system packages: installing ${need[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
