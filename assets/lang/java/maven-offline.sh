# Runs Maven offline with its output kept; on failure names each artifact missing from Debian's repository, with the
# versions the repository has or where to find the Debian package (the last lines are what a failed step shows).
# A step runs this as one line (comments dropped, lines trimmed and joined by spaces): each line ends a statement or
# with an operator that continues it. @MVN@, @ARGS@ and @MAVEN_REPO@ are filled in by src/lang/java.ts.
T=${TMPDIR:-/tmp}/airlock-mvn;
mkdir -p "$T";
{ @MVN@ @ARGS@ && echo 0 > "$T/rc" || echo $? > "$T/rc"; } 2>&1 | tee "$T/log";
rc=$(cat "$T/rc");
if [ "$rc" != 0 ]; then
  echo;
  . /etc/os-release;
  sed -n 's/.*the artifact \([^: ]*\):\([^: ]*\):.*:\([^: ]*\) has not been downloaded.*/\1 \2 \3/p' "$T/log" | sort -u | while read -r g a v; do
    d=@MAVEN_REPO@/$(echo "$g" | tr . /)/$a;
    if [ -d "$d" ]; then
      echo "airlock: $g:$a:$v is not in Debian's Maven repository, which has $g:$a $(ls "$d" | tr '\n' ' ')";
    else
      echo "airlock: $g:$a is in no package of the builder: add the Debian package that ships $d to packages.dev_packages (https://packages.debian.org/search?searchon=contents&mode=path&suite=$VERSION_CODENAME&keywords=$d)";
    fi;
  done;
  echo "airlock: Maven runs offline against @MAVEN_REPO@ (the artifacts of the builder's Debian packages); Maven Central is not reachable";
  exit "$rc";
fi
