// Test-only: `AIRLOCK_TEST_KILL_POINT=<name>` makes the process SIGKILL itself when it reaches that point, so crash
// tests can hit windows too narrow for a timed kill (test/integration/faults-kill.test.ts). Unset, it does nothing.

/** Kills this process at once when the environment names this point (a crash test); otherwise returns. */
export function testKillPoint(name: string): void {
  if (process.env.AIRLOCK_TEST_KILL_POINT === name) process.kill(process.pid, 'SIGKILL');
}
