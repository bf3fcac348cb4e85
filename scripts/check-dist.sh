#!/usr/bin/env bash
# Checks `make dist`'s tarball where no Swift toolchain can help it: extracts it to a temporary
# folder and runs the binary under `env -i PATH=/usr/bin:/bin` (the toolchain is not on that PATH),
# after checking that the ELF file needs no Swift runtime library (libswift*, Foundation, dispatch).
#   bash scripts/check-dist.sh [dist/crank-<version>-linux-<arch>.tar.gz]   (default: the newest)
set -euo pipefail
cd "$(dirname "$0")/.."
tarball=${1:-$(ls -t dist/crank-*-linux-*.tar.gz 2>/dev/null | head -1)}
[ -n "$tarball" ] && [ -f "$tarball" ] || { echo "error: no tarball; run make dist first" >&2; exit 1; }
root=$(pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tar -xzf "$tarball" -C "$work"
dir=$(find "$work" -mindepth 1 -maxdepth 1 -type d | head -1)
crank="$dir/bin/crank"
fail() { echo "error: $*" >&2; exit 1; }

for file in bin/crank share/man/man1/crank.1 share/bash-completion/completions/crank share/zsh/site-functions/_crank \
            share/fish/vendor_completions.d/crank.fish share/crank/dependency-hints.yml share/crank/templates/Containerfile.template README.md; do
  [ -s "$dir/$file" ] || fail "$file is missing from $tarball"
done
if readelf -S "$crank" | grep -q '\.debug_info'; then fail "bin/crank is not stripped"; fi
needed=$(readelf -d "$crank" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')
echo "bin/crank needs: $needed"
if echo "$needed" | grep -Eq 'swift|Foundation|dispatch|BlocksRuntime|icu'; then fail "bin/crank needs a Swift runtime library: $needed"; fi
# SwiftPM's own RUNPATH `$ORIGIN` (bin/, which holds no library) is harmless; a toolchain path is not.
runpath=$(readelf -d "$crank" | sed -n 's/.*R\(UN\)\{0,1\}PATH.*\[\(.*\)\]/\2/p')
if [ -n "$runpath" ] && [ "$runpath" != '$ORIGIN' ]; then fail "bin/crank searches libraries in $runpath"; fi

clean() { env -i PATH=/usr/bin:/bin HOME="$work" "$@"; }
clean sh -c 'command -v swift' >/dev/null && fail "swift is on the clean PATH; the check would prove nothing"
version=$(clean "$crank" --version)
case "$(basename "$dir")" in "crank-$version-linux-"*) ;; *) fail "--version says $version, the tarball is $(basename "$dir")";; esac
cp -R examples/rpa-platform "$work/example"
rm -rf "$work/example/.crank"
flows=$(cd "$work" && clean "$crank" discover -C "$work/example")
echo "$flows" | grep -q 'rpa1-invoice-intake' || fail "discover did not list the example's flows: $flows"
# The shipped files are found from bin/crank (../share/crank): the checklist template.
(cd "$work" && clean "$crank" checklist new check-worker -C "$work/example" > "$work/checklist.out" 2>&1) \
  || fail "checklist new failed: $(cat "$work/checklist.out")"
ls "$work/example/deployment/migrations/"check-worker-*.yml > /dev/null 2>&1 || fail "checklist new wrote no checklist: $(cat "$work/checklist.out")"
grep -Eq '^\.(TH|Dt)' "$dir/share/man/man1/crank.1" || fail "share/man/man1/crank.1 is not a man page"
echo "ok: $tarball ($(du -h "$tarball" | cut -f1); bin/crank $(du -h "$crank" | cut -f1)) runs without a Swift toolchain"
