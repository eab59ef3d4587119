// Runs in the container's network namespace (airlock run enters it with nsenter): copies one TCP connection to
// 127.0.0.1:PORT there from and to this process's standard input and output.
import { connect } from 'node:net';

const port = Number(process.argv[2]);
const socket = connect({ host: '127.0.0.1', port });
socket.on('error', (e) => {
  process.stderr.write(`airlock port bridge: ${e.message}\n`);
  process.exit(1);
});
process.stdin.pipe(socket);
socket.pipe(process.stdout);
socket.on('close', () => process.exit(0));
