#!/usr/bin/env bash
# `make dist`: a release tarball that needs no Swift toolchain —
#   dist/crank-<version>-linux-<arch>.tar.gz
#     bin/crank                                   release build, Swift runtime and Foundation linked in
#                                                 statically (--static-swift-stdlib), stripped; needs
#                                                 glibc, libstdc++ and libcurl4 on the machine
#     share/crank/…                               what crank ships (dependency hints, checklist and
#                                                 Containerfile templates, containers.conf); found
#                                                 by the binary from ../share/crank
#     share/man/man1/crank.1 (+ crank-<cmd>.1)    man pages made from the help (ArgumentParser's
#                                                 generate-manual plugin)
#     share/bash-completion/completions/crank, share/zsh/site-functions/_crank,
#     share/fish/vendor_completions.d/crank.fish  completions (crank --generate-completion-script)
#     README.md, LICENSE (when present)
# scripts/check-dist.sh checks the result in a clean environment.
set -euo pipefail
cd "$(dirname "$0")/.."
SWIFT=${SWIFT:-swift}

started=$(date +%s)
# The static FoundationNetworking (URLSession, for the Prefect API) links `-lcurl`, which stays a
# shared library (NEEDED libcurl.so.4: the machine needs the libcurl4 package). Without libcurl's
# -dev package there is no libcurl.so to link against, so point the linker at the runtime library.
curl_so=$(/sbin/ldconfig -p | sed -n 's/^[[:space:]]*libcurl\.so\.4 (.*) => //p' | head -1)
[ -n "$curl_so" ] || { echo "error: libcurl.so.4 not found (apt-get install libcurl4)" >&2; exit 1; }
link_dir=$(pwd)/.build-dist/link
mkdir -p "$link_dir"
ln -sf "$curl_so" "$link_dir/libcurl.so"
# Its own scratch path: SwiftPM reuses a cached build description of .build/release that another
# release build (e.g. a plugin's) wrote without --static-swift-stdlib, and silently links dynamically.
flags=(-c release --static-swift-stdlib -Xlinker -L"$link_dir" --scratch-path .build-dist)
"$SWIFT" build "${flags[@]}" --product crank
bin_dir=$("$SWIFT" build "${flags[@]}" --show-bin-path)
binary="$bin_dir/crank"

version=$("$binary" --version)
arch=$(uname -m)
name="crank-$version-linux-$arch"
stage="dist/$name"
rm -rf "$stage" "dist/$name.tar.gz"
mkdir -p "$stage/bin" "$stage/share/crank" "$stage/share/man/man1" \
  "$stage/share/bash-completion/completions" "$stage/share/zsh/site-functions" "$stage/share/fish/vendor_completions.d"

strip -o "$stage/bin/crank" "$binary"
chmod 755 "$stage/bin/crank"

# What ShippedFiles finds from bin/crank: ../share/crank/<path under deployment/>.
(cd deployment && find . -type f ! -name '*.local.*' -print0 | while IFS= read -r -d '' file; do
  mkdir -p "../$stage/share/crank/$(dirname "$file")"
  cp "$file" "../$stage/share/crank/$file"
done)

"$stage/bin/crank" --generate-completion-script bash > "$stage/share/bash-completion/completions/crank"
"$stage/bin/crank" --generate-completion-script zsh > "$stage/share/zsh/site-functions/_crank"
"$stage/bin/crank" --generate-completion-script fish > "$stage/share/fish/vendor_completions.d/crank.fish"

# Man pages from the help: swift-argument-parser's own generate-manual plugin (no new dependency,
# works offline). It builds the package's products (in debug: the help is the same, and a debug
# build is cheaper than its release build, which would not reuse the static one above) and reads
# `crank --experimental-dump-help`; its output goes to its work directory.
manual=.build/plugins/GenerateManual/outputs/crank
rm -rf "$manual"
"$SWIFT" package generate-manual --configuration debug --multi-page --authors "the crank authors" >/dev/null
test -s "$manual/crank.1" || { echo "error: generate-manual wrote no $manual/crank.1" >&2; exit 1; }
cp "$manual"/*.1 "$stage/share/man/man1/"

for doc in README.md LICENSE LICENSE.md LICENSE.txt; do
  [ -f "$doc" ] && cp "$doc" "$stage/"
done

tar -C dist -czf "dist/$name.tar.gz" "$name"
rm -rf "$stage"
size=$(du -h "dist/$name.tar.gz" | cut -f1)
echo "dist/$name.tar.gz ($size, $(( $(date +%s) - started )) s)"
