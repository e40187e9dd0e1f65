export { defaultHome, APP_NAME } from './home-dir.js';
export { acquireHomeLock, HomeLockedError, HOME_LOCK_FILE_NAME, type HomeLock, type HomeLockInfo } from './home-lock.js';
export { MIGRATIONS, LATEST_SCHEMA_VERSION, type Migration } from './migrations/index.js';
export { schemaVersion } from './migrate.js';
export { ensurePrivateDir, ensurePrivateFile, tightenPrivateFile } from './private-fs.js';
export { APPROVERS, ApprovedBySchema, type ApprovedBy, type BaselineRecord, type ServerRecord } from './server-records.js';
export { StoreError } from './store-error.js';
export { openStore, Store, DB_FILE_NAME, BUSY_TIMEOUT_MS, type OpenStoreOptions, type BaselineRecordInput, type ServerRecordInput } from './store.js';
export {
  deleteServerConfig,
  envKeyProblem,
  getServerConfig,
  listServerConfigs,
  parseServerConfig,
  putServerConfig,
  ServerConfigError,
  ServerConfigSchema,
  ServerNameSchema,
  ENV_KEY_PATTERN,
  SERVER_NAME_PATTERN,
  type ServerConfig,
  type ServerConfigInput,
} from './server-configs.js';
