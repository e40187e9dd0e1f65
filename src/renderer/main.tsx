import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createHostApi, type HostApiTransport } from '../shared/host-api/index.js';
import { App } from './App.js';
import { HostApiProvider } from './host-api-context.js';
import { httpTransport, takeTokenFromLocation } from './http-transport.js';
import './styles.css';

declare global {
  interface Window {
    /** Set by the Electron preload; absent in a browser, where the loopback HTTP carrier is used. */
    airlockTransport?: HostApiTransport;
  }
}

const root = document.getElementById('root');
if (!root) throw new Error('the page has no #root element');
const transport = window.airlockTransport ?? httpTransport(window.location.origin, takeTokenFromLocation(window.location, window.history, window.sessionStorage));
createRoot(root).render(
  <StrictMode>
    <HostApiProvider api={createHostApi(transport)}>
      <App />
    </HostApiProvider>
  </StrictMode>,
);
