# The tests of a make-based C/C++ project (autotools, a hand-written configure, a plain Makefile): `make check`, else
# `make test`, when the Makefile has that target (a file or folder named `test` is not a target), naming on stderr the
# target it runs; without one, "no tests found" goes to stderr and the reason into @NO_TESTS@ at the top of the
# work tree, which the build reports (written only where the tree is writable).
# A step runs this as one line (comments dropped, lines trimmed and joined by spaces): each line ends a statement or
# with an operator that continues it.
T=;
for t in check test; do
  if [ -z "$T" ] && out=$(make -n "$t" 2>&1) &&
    ! printf '%s\n' "$out" | grep -q "^make: \(Nothing to be done for\|'$t' is up to date\)"; then T=$t; fi;
done;
if [ -n "$T" ]; then echo "airlock: running make $T" >&2; make "$T";
else
  echo "airlock: no tests found (the Makefile has no check or test target)" >&2;
  { echo "the Makefile has no check or test target" > @NO_TESTS@; } 2>/dev/null || true;
fi
