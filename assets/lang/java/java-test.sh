# Tests of a plain javac project: classes named *Test under src/test/java (or test/) compiled against the app's
# classes and run with assertions on, each its own JVM; no test folder passes with a note.
# A step runs this as one line (comments dropped, lines trimmed and joined by spaces): each line ends a statement or
# with an operator that continues it.
T=$(if [ -d src/test/java ]; then echo src/test/java; elif [ -d test ]; then echo test; fi);
if [ -z "$T" ]; then echo "no tests (no src/test/java)"; exit 0; fi;
mkdir -p build/test-classes &&
  javac -d build/test-classes -cp build/classes -encoding UTF-8 $(find "$T" -name "*.java" | sort) &&
  for c in $(cd "$T" && find . -name "*Test.java" | sort | sed "s|^\./||; s|\.java$||; s|/|.|g"); do
    echo "== $c";
    java -ea -cp build/classes:build/test-classes "$c" || exit 1;
  done
