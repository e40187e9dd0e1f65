export * from './host-api-values.js';
export * from './host-api-methods.js';
export * from './host-api-client.js';
export * from './ipc-channels.js';
export * from './ways-back.js';
export * from './review-entries.js';
export * from './server-edits.js';
export * from './client-access.js';
