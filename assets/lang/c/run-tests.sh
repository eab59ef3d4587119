# The tests of a CMake or Meson project, run when the build defines some: @HAS_TESTS@ succeeds when it does, and
# @RUN_TESTS@ runs them. Without tests, "no tests found" goes to stderr and @WHY@ into @NO_TESTS@ at the top of the
# work tree, which the build reports (written only where the tree is writable).
# A step runs this as one line (comments dropped, lines trimmed and joined by spaces): each line ends a statement or
# with an operator that continues it.
if @HAS_TESTS@; then @RUN_TESTS@;
else
  echo "airlock: no tests found (@WHY@)" >&2;
  { echo "@WHY@" > @NO_TESTS@; } 2>/dev/null || true;
fi
