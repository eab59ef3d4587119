'use strict';
// The JSON answer of node-web (`ms` is a production dependency).
const ms = require('ms');

function answer(path) {
  return { service: 'node-web', path, node: process.versions.node.split('.')[0], uid: process.getuid(), cacheFor: ms(90_000) };
}

module.exports = { answer };
