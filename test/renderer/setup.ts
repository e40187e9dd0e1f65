import { cleanup, configure } from '@testing-library/react';
import { afterEach } from 'vitest';

// Testing Library unmounts after each test only when test globals are on; they are not here.
afterEach(cleanup);

// findBy* and waitFor default to 1 s, too short on a loaded 2-core CI machine.
configure({ asyncUtilTimeout: 5_000 });
