import { RemoteHostControl, type HostControl } from '../host/control.js';
import { Host } from '../host/host.js';

/**
 * Runs `fn` against the Host of `home`: the running one over its socket (it holds the calls
 * waiting for an answer), or, when none runs, a Host opened in this process for the command.
 */
export async function withHostControl<T>(home: string, fn: (control: HostControl, remote: boolean) => Promise<T>): Promise<T> {
  const remote = await RemoteHostControl.connect(home);
  if (remote) {
    try {
      return await fn(remote, true);
    } finally {
      remote.close();
    }
  }
  const local = await Host.start({ home, listen: false, kind: 'airlock CLI' });
  try {
    return await fn(local, false);
  } finally {
    await local.stop();
  }
}
