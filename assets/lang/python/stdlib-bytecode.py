# Byte-compiles the standard library, as Debian's py3compile does at install time (no maintainer scripts run for prod):
# every .py of libpythonX.Y-minimal/-stdlib compiled hash-based into $AIRLOCK_OUT, handed off beside the sources.
# A build step runs the lines below this header, as they are, with `python3 -` (see src/lang/python.ts).
import glob, importlib.util, os, py_compile, sys
out, v = os.environ["AIRLOCK_OUT"], "%d.%d" % sys.version_info[:2]
n = 0
for lst in sorted(glob.glob("/var/lib/dpkg/info/libpython%s-minimal*.list" % v) + glob.glob("/var/lib/dpkg/info/libpython%s-stdlib*.list" % v)):
    for path in sorted(open(lst).read().split()):
        if path.endswith(".py") and os.path.isfile(path):
            cfile = out + importlib.util.cache_from_source(path)
            py_compile.compile(path, cfile=cfile, dfile=path, doraise=True, invalidation_mode=py_compile.PycInvalidationMode.CHECKED_HASH)
            n += 1
print("stdlib bytecode: %d modules" % n)
