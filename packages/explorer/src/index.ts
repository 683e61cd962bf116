// @cairn/explorer, for the server: where the built page is. The page itself (src/app) is built
// by Vite into dist/app and talks to the server only through its HTTP API.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The folder of the built page (index.html and its hashed assets). */
export const explorerRoot: string = fileURLToPath(new URL('./app/', import.meta.url));

/** Whether the page has been built (`npm run build`); a server without it still answers the API. */
export function explorerBuilt(): boolean {
  return existsSync(`${explorerRoot}index.html`);
}
