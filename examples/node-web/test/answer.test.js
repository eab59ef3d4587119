'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const isNumber = require('is-number'); // a devDependency: present here, absent from prod
const { answer } = require('../answer.js');

test('answer names the service, the path and a cache time from ms', () => {
  const a = answer('/x');
  assert.equal(a.service, 'node-web');
  assert.equal(a.path, '/x');
  assert.equal(a.cacheFor, '2m');
  assert.ok(isNumber(a.node));
});
