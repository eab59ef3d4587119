// The libc functions that have a FORTIFY_SOURCE `__<name>_chk` variant (the list Debian's hardening-check uses).

/** Base names of glibc functions with a fortified `__<name>_chk` twin. */
export const FORTIFIABLE: ReadonlySet<string> = new Set([
  'asprintf', 'confstr', 'dprintf', 'fdelt', 'fgets', 'fgets_unlocked', 'fgetws', 'fgetws_unlocked', 'fprintf',
  'fread', 'fread_unlocked', 'fwprintf', 'getcwd', 'getdomainname', 'getgroups', 'gethostname', 'getlogin_r',
  'gets', 'getwd', 'longjmp', 'mbsnrtowcs', 'mbsrtowcs', 'mbstowcs', 'memcpy', 'memmove', 'mempcpy', 'memset',
  'obstack_printf', 'obstack_vprintf', 'poll', 'ppoll', 'pread64', 'pread', 'printf', 'ptsname_r', 'read',
  'readlink', 'readlinkat', 'realpath', 'recv', 'recvfrom', 'snprintf', 'sprintf', 'stpcpy', 'stpncpy', 'strcat',
  'strcpy', 'strncat', 'strncpy', 'swprintf', 'syslog', 'ttyname_r', 'vasprintf', 'vdprintf', 'vfprintf',
  'vfwprintf', 'vprintf', 'vsnprintf', 'vsprintf', 'vswprintf', 'vsyslog', 'vwprintf', 'wcpcpy', 'wcpncpy',
  'wcrtomb', 'wcscat', 'wcscpy', 'wcsncat', 'wcsncpy', 'wcsnrtombs', 'wcsrtombs', 'wcstombs', 'wctomb', 'wmemcpy',
  'wmemmove', 'wmempcpy', 'wmemset', 'wprintf',
]);

/** Splits imported names into fortified (__x_chk imported) and unfortified (plain x imported) base names. */
export function classifyFortify(imports: ReadonlySet<string>): { fortified: string[]; unfortified: string[] } {
  const fortified: string[] = [];
  const unfortified: string[] = [];
  for (const name of FORTIFIABLE) {
    if (imports.has(name)) unfortified.push(name);
    if (imports.has(`__${name}_chk`)) fortified.push(name);
  }
  return { fortified: fortified.sort(), unfortified: unfortified.sort() };
}
