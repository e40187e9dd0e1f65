import { useEffect, useState } from 'react';
import { deniedInText } from './countdown.js';

/** "denied in 1 min 42 s", ticking every second until the hold's timeout. */
export function Countdown({ expiresAt }: { expiresAt: string }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return (
    <span className="countdown" title={`the call is denied at ${new Date(expiresAt).toLocaleTimeString()} if you do not answer`}>
      {deniedInText(expiresAt, now)}
    </span>
  );
}
