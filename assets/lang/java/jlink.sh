# prod's Java runtime, made by jlink from the builder JDK's jmods at $AIRLOCK_OUT@RUNTIME@: the modules jdeps finds in
# /app/app.jar and the dependency jars in /app/lib, plus the ones only a service loader reaches (@EXTRA@: jdeps cannot
# see them). Then two links: lib/security/cacerts to the trust store the next step writes (as Debian's JRE links it),
# and lib/libjvm.so to server/libjvm.so. The launcher loads server/libjvm.so first and the libraries in lib/ name it
# by its soname with RPATH $ORIGIN: the loader never opens that link, airlock's library closure needs it to find libjvm.
# The same jmods give the same bytes (checked by src/lang/java.test.ts). No CDS archive (--generate-cds-archive): JDK
# 17 writes a different one on every run, and it adds 22 MB; the JRE declared in packages has Debian's.
# A step runs this as one line (comments dropped, lines trimmed and joined by spaces): each line ends a statement or
# with an operator that continues it. @RUNTIME@ and @EXTRA@ are filled in by src/lang/java.ts.
JDK=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")");
V=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$JDK/release");
R="$AIRLOCK_OUT@RUNTIME@";
W="declare openjdk-$V-jre-headless in packages to run on the whole JRE";
M=$(cd "$AIRLOCK_OUT/app" && set -- app.jar &&
  for j in lib/*.jar; do if [ -f "$j" ]; then set -- "$@" "$j"; fi; done &&
  "$JDK/bin/jdeps" --ignore-missing-deps --multi-release "$V" --print-module-deps "$@") ||
  { echo "airlock: jdeps could not list the modules app.jar needs; $W" >&2; exit 1; };
echo "jlink: $M,@EXTRA@ into @RUNTIME@";
rm -rf "$R" && mkdir -p "$(dirname "$R")" &&
  "$JDK/bin/jlink" --add-modules "$M,@EXTRA@" --strip-debug --no-man-pages --no-header-files --compress=2 --output "$R" &&
  ln -s server/libjvm.so "$R/lib/libjvm.so" &&
  ln -sfn /etc/ssl/certs/java/cacerts "$R/lib/security/cacerts"
