import { contextBridge } from 'electron';

// The typed HostApi is exposed here once the UI issue defines it; never ipcRenderer itself.
contextBridge.exposeInMainWorld('airlock', Object.freeze({ preload: 'airlock' }));
