'use strict';
// node-web: `node server.js` prints the answer for "/"; `--port N` serves HTTP; `--self-check` asks itself on loopback.
const http = require('node:http');
const { answer } = require('./answer.js');

const server = http.createServer((req, res) => {
  const body = JSON.stringify(answer(req.url)) + '\n';
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
});

const [flag, value] = process.argv.slice(2);
if (flag === '--port') {
  server.listen(Number(value), () => console.log(`node-web listening on ${value}`));
} else if (flag === '--self-check') {
  server.listen(0, '127.0.0.1', () => {
    http.get({ host: '127.0.0.1', port: server.address().port, path: '/health' }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => { process.stdout.write(`${res.statusCode} ${body}`); server.close(); });
    });
  });
} else {
  console.log(JSON.stringify(answer('/')));
}
