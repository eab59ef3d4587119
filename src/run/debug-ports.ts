// The port each language's usual debugger listens on, published by `airlock dev` when the host port is free.
const PORTS: Record<string, number> = {
  c: 1234,
  cpp: 1234,
  rust: 1234, // gdbserver :1234
  go: 2345, // dlv --listen=:2345
  java: 5005, // -agentlib:jdwp=…,address=*:5005
  node: 9229, // node --inspect=0.0.0.0:9229
  python: 5678, // python -m debugpy --listen 0.0.0.0:5678
};

/** The debugger port of a language, if it has a usual one. */
export function debugPort(language: string): number | undefined {
  return PORTS[language];
}
