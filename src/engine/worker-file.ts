import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * The URL of a worker script that sits beside `moduleUrl` once compiled. A worker must be
 * JavaScript: when the module runs from TypeScript sources (the tests), the compiled copy in
 * dist/ is used instead.
 */
export function compiledWorkerUrl(moduleUrl: string, fileName: string): URL {
  const beside = new URL(`./${fileName}`, moduleUrl);
  if (existsSync(fileURLToPath(beside))) return beside;
  // The LAST src folder on the path is the project's (a parent folder may be called src too).
  const compiled = fileURLToPath(beside).replace(/([\\/])src([\\/])(?!.*[\\/]src[\\/])/, '$1dist$2');
  if (!existsSync(compiled)) throw new Error(`the worker script ${compiled} is not built: run npm run build:node`);
  return pathToFileURL(compiled);
}
