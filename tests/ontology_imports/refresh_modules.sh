#!/bin/bash
# Rebuild every ontology/imports module from the files its header cites, read with
# `git show COMMIT:PATH` from bare clones at $MIRROR/OWNER+NAME/repo (default /work/.mirror).
# Usage: MIRROR=... PYTHON=... tests/ontology_imports/refresh_modules.sh
set -euo pipefail
MIRROR=${MIRROR:-/work/.mirror}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SRC=$(mktemp -d)
trap 'rm -rf "$SRC"' EXIT
serkg() { PYTHONPATH=$ROOT/src ${PYTHON:-python} -m serkg "$@"; }
# get OWNER/NAME COMMIT PATH -> prints "--from LOCAL --source-iri URL"
get() {
  local repo=$1 commit=$2 path=$3 local=$SRC/${1/\//+}/$3
  mkdir -p "$(dirname "$local")"
  git --git-dir "$MIRROR/${repo/\//+}/repo" show "$commit:$path" > "$local"
  echo "--from $local --source-iri https://github.com/$repo/blob/$commit/$path"
}
cd "$ROOT"
for o in mondo go hp chebi uberon ncbitaxon; do serkg imports terms --ontology $o --ids-only > $SRC/$o.txt; done
MONDO_REL=2d171de47568ccf44e21632995f7c91bef97c5a4
serkg imports extract --terms $SRC/mondo.txt --out ontology/imports/mondo_import.ttl \
  $(get monarch-initiative/mondo $MONDO_REL subsets/mondo-rare_edges.tsv) \
  --source-release "mondo August 2026 release (commit 'August 2026 release (#10523)', 2026-08-04): subset mondo-rare, edges" \
  $(get monarch-initiative/mondo $MONDO_REL reports/class-stats.tsv) \
  --source-release "mondo August 2026 release (commit 'August 2026 release (#10523)', 2026-08-04): report class-stats"
# GO terms no file we could read holds (README: Not yet sourced)
grep -v -x -E 'GO:0006545|GO:0006730|GO:0017146|GO:0070179' $SRC/go.txt > $SRC/go_avail.txt
serkg imports extract --terms $SRC/go_avail.txt --out ontology/imports/go_import.ttl \
  $(get monarch-initiative/mondo fad2512b4845f483fc1268cdf0bf7a8ef43697cb imports/go_import.obo) --source-release - \
  $(get obophenotype/human-phenotype-ontology af70204caaaac7023f6606ead6a3970d5c303575 imports/go_import.obo) --source-release - \
  $(get pombase/fypo a717e01ea05d5569fbeb2c2503a45e7e5137655e imports/go_import.obo) --source-release - \
  $(get obophenotype/bio-attribute-ontology 3d2a5e7f7f9ec03f37b87ef9a7b38d21fb268871 src/ontology/imports/go_import.obo) --source-release - \
  $(get obophenotype/cell-ontology 47575f9b54bec656996631792c73efefc5871f34 imports/go_import.obo) --source-release - \
  $(get geneontology/go-ontology 60d9d989c41ab8de2951f6902209587bc4ee345a src/ontology/ec.obo) \
  --source-release "GO repository file src/ontology/ec.obo as last changed 2022-11-01 (commit d4ebb79d11c1becba7770e37e2f6a3dbe6432286); it names no data-version"
serkg imports extract --terms $SRC/hp.txt --out ontology/imports/hp_import.ttl \
  $(get monarch-initiative/mondo fad2512b4845f483fc1268cdf0bf7a8ef43697cb imports/hp_import.obo) --source-release - \
  $(get GenEpiO/genepio f85bb4b18eec4cb7c8d957f69a2a5896ee0409e1 imports/hp_import.owl) \
  --source-release "GenEpiO's HP import as of its commit of 2019-12-02 ('new term mapping file'); the file names no HP release"
grep -v -x -E 'CHEBI:73169' $SRC/chebi.txt > $SRC/chebi_avail.txt
serkg imports extract --terms $SRC/chebi_avail.txt --out ontology/imports/chebi_import.ttl \
  $(get obophenotype/human-phenotype-ontology af70204caaaac7023f6606ead6a3970d5c303575 imports/chebi_import.obo) --source-release - \
  $(get geneontology/go-ontology 6e3006b6849a8afd3f04e3e80b01dbf3f755ff4f src/ontology/imports/chebi_import.obo) \
  --source-release "go/releases/2024-08-14/extensions/bio-chebi.owl (the file's dc:source; GO commit 'Refresh ChEBI import.', 2024-08-14)"
serkg imports extract --terms $SRC/uberon.txt --out ontology/imports/uberon_import.ttl \
  $(get monarch-initiative/mondo fad2512b4845f483fc1268cdf0bf7a8ef43697cb imports/uberon_import.obo)
serkg imports extract --terms $SRC/ncbitaxon.txt --out ontology/imports/ncbitaxon_import.ttl \
  $(get geneontology/go-ontology 60d9d989c41ab8de2951f6902209587bc4ee345a src/ontology/imports/ncbitaxon_import.obo) --source-release - \
  $(get obophenotype/ncbitaxon f0da96fd417e333420093219e752423c0bd0137b subsets/taxslim.obo) \
  --source-release "obophenotype/ncbitaxon taxslim, commit 'release 5 oct 2022' (2022-10-06); the file names no data-version"
