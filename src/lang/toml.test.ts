import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tomlBool, tomlString, tomlStringEntries, tomlStrings, tomlTable, tomlTables } from './toml.js';

const TEXT = `# a manifest
top = "level"
[package]
name = "app" # trailing comment
'default-run' = 'server'
autobins = false

[[bin]]
name = "one"
[[bin]]
name = "two"

[ workspace ]
members = [
  "crates/*",  # with a comment, ] inside it
  'apps/a[1]',
]
[project.scripts]
app = "app.cli:main"
"app-admin" = 'app.admin:main'
`;

test('tables, arrays of tables and the top-level keys, in order', () => {
  const tables = tomlTables(TEXT);
  assert.deepEqual(tables.map((t) => `${t.array ? '[[' : '['}${t.name}`), ['[', '[package', '[[bin', '[[bin', '[workspace', '[project.scripts']);
  assert.equal(tomlString(tables[0]!.body, 'top'), 'level');
  assert.equal(tomlTable(TEXT, 'bin'), undefined, 'an array of tables is not a table');
  assert.equal(tomlTable(undefined, 'package'), undefined);
});

test('strings, booleans, string arrays and string entries; what is absent or of another type reads as undefined', () => {
  const pkg = tomlTable(TEXT, 'package')!.body;
  assert.equal(tomlString(pkg, 'name'), 'app');
  assert.equal(tomlString(pkg, 'default-run'), 'server');
  assert.equal(tomlBool(pkg, 'autobins'), false);
  assert.equal(tomlString(pkg, 'autobins'), undefined);
  assert.equal(tomlString(pkg, 'version'), undefined);
  assert.deepEqual(tomlStrings(tomlTable(TEXT, 'workspace')!.body, 'members'), ['crates/*', 'apps/a[1]']);
  assert.equal(tomlStrings(pkg, 'members'), undefined);
  assert.deepEqual(tomlStringEntries(tomlTable(TEXT, 'project.scripts')!.body), [['app', 'app.cli:main'], ['app-admin', 'app.admin:main']]);
});
