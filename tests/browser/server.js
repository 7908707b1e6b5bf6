'use strict';
/**
 * The browser test's local HTTP server (Node's http module, 127.0.0.1, a free port): serves
 * the test page (tests/browser/page.html, page.mjs) at /, the browser build
 * (dist/web: fstwave.mjs, fstwave-worker.js, fstwave-core.wasm) at /web/, and the README's
 * example page (given as text) at /readme.html.  Nothing else;
 * the FST files reach the page through its file input, as a user's would.
 */

const fs = require('fs');
const http = require('http');
const path = require('path');

const TYPES = { '.html': 'text/html', '.mjs': 'text/javascript', '.js': 'text/javascript', '.wasm': 'application/wasm' };

/**
 * Starts the server.
 * @param {{page: string, web: string, readme?: string}} dirs the page's folder, dist/web,
 *   the README example's HTML
 * @returns {Promise<{url: string, close: () => Promise<void>}>}
 */
function start(dirs) {
  const routes = [['/web/', dirs.web], ['/', dirs.page]];
  const server = http.createServer((req, res) => {
    const u = new URL(req.url, 'http://x');
    if (u.pathname === '/readme.html' && dirs.readme) { // the README's example page
      res.writeHead(200, { 'content-type': 'text/html', 'cache-control': 'no-store' });
      res.end(dirs.readme);
      return;
    }
    if (u.pathname === '/favicon.ico') {
      res.writeHead(204);
      res.end();
      return;
    }
    let file = null;
    for (const [prefix, dir] of routes) {
      if (u.pathname.startsWith(prefix)) {
        const rel = u.pathname.slice(prefix.length) || 'page.html';
        const p = path.resolve(dir, rel);
        if (p.startsWith(path.resolve(dir) + path.sep)) file = p;
        break;
      }
    }
    fs.readFile(file ?? '', (err, data) => {
      if (err || file === null) {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('not found\n');
        return;
      }
      res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
      res.end(data);
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      resolve({
        url: `http://127.0.0.1:${server.address().port}/`,
        close: () => new Promise((r) => server.close(() => r())),
      });
    });
  });
}

module.exports = { start };
