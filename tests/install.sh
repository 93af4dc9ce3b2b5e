#!/bin/sh
# `cmake --install` puts the tool, the libraries, the headers, a working
# pkg-config file, the man page and the bash completion under a prefix; a
# program builds against them.
# Usage: install.sh BUILD_DIR
set -eu
build=$1
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM
cmake --install "$build" --prefix "$T/prefix" >/dev/null
for f in bin/gpuplan lib/libgpuplan.a lib/libgpuplan.so include/gpuplan/gpuplan.h \
         lib/pkgconfig/gpuplan.pc share/doc/gpuplan/NOTICE share/man/man1/gpuplan.1 \
         share/bash-completion/completions/gpuplan; do
    [ -e "$T/prefix/$f" ] || { echo "missing after install: $f"; exit 1; }
done
cat >"$T/use.c" <<'C'
#include <gpuplan/gpuplan.h>
#include <stdio.h>
int main(void)
{
    gp_catalog *cat = NULL;
    gp_error err;
    if (gp_catalog_new(&cat, &err) != GP_OK || gp_catalog_add_embedded(cat, &err) != GP_OK)
        return 1;
    printf("%zu\n", gp_catalog_offer_count(cat));
    gp_catalog_free(cat);
    return 0;
}
C
export PKG_CONFIG_PATH="$T/prefix/lib/pkgconfig"
${CC:-cc} "$T/use.c" $(pkg-config --cflags gpuplan) -o "$T/use" \
    "$T/prefix/lib/libgpuplan.a" $(pkg-config --static --libs-only-other --libs-only-l gpuplan | sed 's/-lgpuplan//')
n=$("$T/use")
[ "$n" -gt 1000 ] || { echo "installed library loaded $n offers"; exit 1; }
"$T/prefix/bin/gpuplan" --version >/dev/null
# The installed files are the ones generated in the build folder, and the
# completion registers itself for gpuplan.
cmp -s "$build/gpuplan.1" "$T/prefix/share/man/man1/gpuplan.1" ||
    { echo "installed man page differs from $build/gpuplan.1"; exit 1; }
bash -c '. "$1" && complete -p gpuplan' sh "$T/prefix/share/bash-completion/completions/gpuplan" \
    >/dev/null || { echo "installed completion does not register for gpuplan"; exit 1; }
echo "installed and used: $n offers"
