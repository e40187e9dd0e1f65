// The views (Live, Review, Servers, Clients, Receipts) arrive with the UI issue.
export function App() {
  return (
    <main>
      <h1>Airlock</h1>
      <p>The window is not built yet. Use the command line: airlock --help</p>
    </main>
  );
}
