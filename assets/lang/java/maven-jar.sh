# After `mvn package`: target/'s one main jar as $AIRLOCK_OUT/app/app.jar; the runtime dependencies beside it in lib/
# on its Class-Path, and a Main-Class (the first class with a main method) when the pom's jar plugin sets none; the
# manifest update is dated at the epoch.
# A step runs this as one line (comments dropped, lines trimmed and joined by spaces): each line ends a statement or
# with an operator that continues it. @FIND_MAIN@ and @JAR_DATE@ are filled in by src/lang/java.ts.
J=$(ls target/*.jar 2>/dev/null | grep -Ev -- '-(sources|javadoc|tests|test-sources)\.jar$|/original-[^/]*$' || true);
[ "$(echo "$J" | grep -c .)" = 1 ] || { echo "expected one jar in target/, found: ${J:-none}" >&2; exit 1; };
M=${TMPDIR:-/tmp}/airlock-mf;
rm -rf "$M" && mkdir -p "$AIRLOCK_OUT/app" "$M" && cp "$J" "$AIRLOCK_OUT/app/app.jar" &&
  (cd "$M" && jar xf "$AIRLOCK_OUT/app/app.jar" META-INF/MANIFEST.MF) && : > "$M/add";
if ! grep -q '^Main-Class:' "$M/META-INF/MANIFEST.MF"; then
  SRC=src/main/java;
  MAIN=$(@FIND_MAIN@);
  [ -n "$MAIN" ] || { echo "$J has no Main-Class and no class under src/main/java has a main method: set <mainClass> in the maven-jar-plugin archive configuration, or runtime.entrypoint" >&2; exit 1; };
  echo "Main-Class: $MAIN" >> "$M/add";
fi;
if [ -n "$(ls target/airlock-lib 2>/dev/null)" ]; then
  cp -R target/airlock-lib "$AIRLOCK_OUT/app/lib" &&
    echo "Class-Path: $(cd "$AIRLOCK_OUT/app" && ls lib/*.jar | tr '\n' ' ' | sed 's/ $//')" | fold -b -w 71 | sed '1!s/^/ /' >> "$M/add";
fi;
if [ -s "$M/add" ]; then
  jar --update --file "$AIRLOCK_OUT/app/app.jar" --manifest "$M/add" --date=@JAR_DATE@;
fi
