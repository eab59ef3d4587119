import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { withSlicing } from './example-config.js';
import { mb, ratioCell, SIZE_COLUMNS, sizeCell, sizeRows, targetMet, targetText, TARGETS, type Target } from './sizes-table.js';

const MB = 1e6;

test('sizes print as MB, two decimals under 10 MB and one above, "tar / gz"', () => {
  assert.equal(mb(3_456_789), '3.46');
  assert.equal(mb(27_049_999), '27.0');
  assert.equal(sizeCell({ tar: 3.2 * MB, gz: 1.25 * MB }), '3.20 / 1.25');
  assert.equal(sizeCell({ error: 'dockerd unavailable: no docker.io' }), 'dockerd unavailable: no docker.io');
});

test('the ratio is auto over docker for each measure, and "-" without both sizes', () => {
  assert.equal(ratioCell({ tar: 2 * MB, gz: 1 * MB }, { tar: 80 * MB, gz: 30 * MB }), '0.025 / 0.033');
  assert.equal(ratioCell({ tar: 2 * MB, gz: 1 * MB }, { error: 'failed: x' }), '-');
  assert.equal(ratioCell({ error: 'failed: x' }, { tar: 1, gz: 1 }), '-');
  assert.equal(ratioCell({ tar: 1, gz: 1 }, { tar: 0, gz: 0 }), '-');
});

test('a size target compares one measure of slicing auto, inclusive', () => {
  const t: Target = { measure: 'tar', max: 3.5 * MB };
  assert.equal(targetMet(t, { error: 'x' }, { tar: 3.5 * MB, gz: 9 * MB }), true);
  assert.equal(targetMet(t, { tar: 1, gz: 1 }, { tar: 3.5 * MB + 1, gz: 1 }), false);
  const gz: Target = { measure: 'gz', max: 15 * MB };
  assert.equal(targetMet(gz, { error: 'x' }, { tar: 90 * MB, gz: 14 * MB }), true);
  assert.equal(targetMet(gz, { error: 'x' }, { error: 'failed: y' }), undefined);
  assert.equal(targetMet(undefined, { tar: 1, gz: 1 }, { tar: 1, gz: 1 }), undefined);
  assert.equal(targetText(t), '<= 3.5 MB tar');
  assert.equal(targetText(gz), '<= 15 MB gz');
});

test('"no larger than slicing off" needs both sizes and holds for tar and gz', () => {
  const t: Target = { notLargerThanOff: true };
  assert.equal(targetMet(t, { tar: 10, gz: 5 }, { tar: 10, gz: 5 }), true);
  assert.equal(targetMet(t, { tar: 10, gz: 5 }, { tar: 9, gz: 6 }), false);
  assert.equal(targetMet(t, { error: 'failed: x' }, { tar: 9, gz: 4 }), undefined);
  assert.equal(targetText(t), '<= slicing off (tar and gz)');
});

test('issue #15 targets: C and C++ uncompressed, interpreters gzipped, Go against slicing off', () => {
  assert.deepEqual(TARGETS['hello-c'], { measure: 'tar', max: 3.5 * MB });
  assert.deepEqual(TARGETS['cpp-service'], { measure: 'tar', max: 6 * MB });
  assert.deepEqual(TARGETS['python-web'], { measure: 'gz', max: 15 * MB });
  assert.deepEqual(TARGETS['node-web'], { measure: 'gz', max: 27 * MB });
  assert.deepEqual(TARGETS['java-app'], { measure: 'gz', max: 45 * MB });
  assert.deepEqual(TARGETS['go-api'], { notLargerThanOff: true });
});

test('rows follow the columns; a missing Docker column leaves the target judged on airlock alone', () => {
  const rows = sizeRows([
    { example: 'hello-c', off: { tar: 20 * MB, gz: 8 * MB }, auto: { tar: 3 * MB, gz: 1.2 * MB }, docker: { error: 'dockerd unavailable: x' } },
    { example: 'python-web', off: { tar: 60 * MB, gz: 20 * MB }, auto: { tar: 50 * MB, gz: 16 * MB }, docker: { tar: 100 * MB, gz: 40 * MB } },
    { example: 'other', off: { tar: 1, gz: 1 }, auto: { error: 'failed: boom' }, docker: { error: 'no Dockerfile' } },
  ]);
  assert.equal(rows[0]!.length, SIZE_COLUMNS.length);
  assert.deepEqual(rows[0], ['hello-c', '20.0 / 8.00', '3.00 / 1.20', 'dockerd unavailable: x', '-', '<= 3.5 MB tar', 'yes']);
  assert.deepEqual(rows[1], ['python-web', '60.0 / 20.0', '50.0 / 16.0', '100.0 / 40.0', '0.500 / 0.400', '<= 15 MB gz', 'NO']);
  assert.deepEqual(rows[2], ['other', '0.00 / 0.00', 'failed: boom', 'no Dockerfile', '-', '-', '-']);
});

test('withSlicing sets variants.prod.slicing and keeps the other fields and the comments', () => {
  const text = '# A comment.\nname: hello-c\nbase_language: c\nvariants:\n  prod:\n    keep: ["/usr/lib/x"]\n';
  const off = withSlicing(text, 'off');
  assert.deepEqual(parse(off), { name: 'hello-c', base_language: 'c', variants: { prod: { keep: ['/usr/lib/x'], slicing: 'off' } } });
  assert.match(off, /^# A comment\.\n/);
  assert.deepEqual(parse(withSlicing('name: x\n', 'off')), { name: 'x', variants: { prod: { slicing: 'off' } } });
  assert.equal(parse(withSlicing(off, 'auto')).variants.prod.slicing, 'auto');
  assert.throws(() => withSlicing('name: [x\n', 'off'), /does not parse/);
});
