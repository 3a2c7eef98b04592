import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { Hono } from 'hono';
import type { AppEnv } from './app-env.js';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

const NOT_BUILT_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Backbeat</title></head>
<body><h1>Backbeat</h1>
<p>The web UI is not built. Build it with <code>npm run build -w @backbeat/web</code>, or use the API under <a href="/api/openapi.json">/api</a>.</p>
</body></html>`;

/**
 * Serves the built single-page app: real files from `webDistDir`, and index.html
 * for every other non-/api GET so client-side routes survive a reload. Call it
 * after every feature's routes, since it answers every remaining GET. Without a
 * build, `/` explains that the UI is not built.
 *
 * @example
 * mountWebApp(app, { webDistDir: config.webDistDir });
 */
export function mountWebApp(app: Hono<AppEnv>, options: { webDistDir: string | undefined }): void {
  const root = options.webDistDir ? resolve(options.webDistDir) : undefined;
  app.on(['GET', 'HEAD'], '*', async (c, next) => {
    const path = c.req.path;
    if (path === '/api' || path.startsWith('/api/')) return next();
    if (!root) {
      if (path === '/' || path === '/index.html') return c.html(NOT_BUILT_HTML, 200);
      return next();
    }
    const file = await findFile(root, path);
    if (file) {
      const body = await readFile(file);
      // Vite puts content hashes in asset names, so those may be cached forever.
      const cache = path.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
      return c.body(body, 200, {
        'content-type': CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
        'cache-control': cache,
      });
    }
    // A missing asset is a real 404; anything else is a client-side route.
    if (extname(path) && !path.endsWith('.html')) return next();
    const index = await readFile(join(root, 'index.html'), 'utf8').catch(() => undefined);
    if (index === undefined) return c.html(NOT_BUILT_HTML, 200);
    return c.html(index, 200, { 'cache-control': 'no-cache' });
  });
}

async function findFile(root: string, urlPath: string): Promise<string | undefined> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const candidate = normalize(join(root, decoded));
  // Never leave the build directory, whatever `..` the path carries.
  if (candidate !== root && !candidate.startsWith(root + sep)) return undefined;
  const target = candidate === root ? join(root, 'index.html') : candidate;
  try {
    const info = await stat(target);
    return info.isFile() ? target : undefined;
  } catch {
    return undefined;
  }
}
