#!/usr/bin/env node
// ConvLens static file server (Node built-ins only, no dependencies).
//
// Serves the built web app (index.html, convlens.js, convlens.wasm, data files) from one
// folder so a browser can open it. Every response carries the cross-origin
// isolation headers (COOP same-origin + COEP require-corp + CORP same-origin)
// that a threaded WASM build needs for SharedArrayBuffer, plus
// Cache-Control: no-cache so a rebuilt convlens.wasm is always picked up.
// Content-Length is always sent: the page shows download progress from it.
//
// Usage: node web/serve.js --root <dir> [--port 8080] [--host 127.0.0.1] [--isolation on|off]
//   --isolation off: no COOP/COEP/CORP headers, as most sites that host lessons send (an embedded ConvLens from
//   another origin then runs its single-threaded build).
//   PORT in the environment is used when --port is absent.
//   --port 0 picks a free port; the printed line shows the real one.
// On start it prints exactly one line on stdout:
//   ConvLens: serving <root> at http://127.0.0.1:<port>/
// Exit code 1 (with a message on stderr) if the root is missing or the port is in use.
// Binds 127.0.0.1 only unless --host says otherwise. GET and HEAD only.
'use strict';

const fs = require('fs');
const http = require('http');
const path = require('path');

const MIME_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.gz': 'application/gzip',
  '.ttf': 'font/ttf',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
};
const DEFAULT_MIME = 'application/octet-stream';

const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};
let commonHeaders = { ...ISOLATION_HEADERS, 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff' };

function usage() {
  return 'usage: node web/serve.js --root <dir> [--port 8080] [--host 127.0.0.1] [--isolation on|off]';
}

function fail(message) {
  process.stderr.write(`serve.js: ${message}\n`);
  process.exit(1);
}

function parseArgs(argv) {
  const options = { root: null, port: process.env.PORT || '8080', host: '127.0.0.1', isolation: 'on' };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      process.stdout.write(usage() + '\n');
      process.exit(0);
    }
    const key = { '--root': 'root', '--port': 'port', '--host': 'host', '--isolation': 'isolation' }[arg];
    if (!key) fail(`unknown argument '${arg}'\n${usage()}`);
    if (i + 1 >= argv.length) fail(`${arg} needs a value\n${usage()}`);
    options[key] = argv[++i];
  }
  if (!options.root) fail(`--root is required\n${usage()}`);
  if (options.isolation !== 'on' && options.isolation !== 'off') fail(`--isolation must be on or off\n${usage()}`);
  if (options.isolation === 'off') {
    commonHeaders = Object.fromEntries(Object.entries(commonHeaders).filter(([k]) => !(k in ISOLATION_HEADERS)));
  }
  const port = Number(options.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`invalid port '${options.port}'`);
  options.port = port;
  return options;
}

function checkRoot(root) {
  const resolved = path.resolve(root);
  let stat;
  try {
    stat = fs.statSync(resolved);
  } catch (err) {
    fail(`root folder '${resolved}' does not exist`);
  }
  if (!stat.isDirectory()) fail(`root '${resolved}' is not a folder`);
  return fs.realpathSync(resolved);
}

function sendText(req, res, status, text, extraHeaders = {}) {
  const body = Buffer.from(text + '\n', 'utf8');
  res.writeHead(status, {
    ...commonHeaders,
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': body.length,
    ...extraHeaders,
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}

// Maps a URL path to a file path inside root, or null for a traversal attempt
// ('..' segments, also percent-encoded, NUL bytes, or anything resolving outside root).
function resolveInsideRoot(root, urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch (err) {
    return null;
  }
  if (decoded.includes('\0')) return null;
  if (decoded.split(/[\\/]/).includes('..')) return null;
  const target = path.join(root, decoded);
  const relative = path.relative(root, target);
  if (relative.startsWith('..') || path.isAbsolute(relative)) return null;
  return target;
}

// Returns {file, stat} for a target path, {redirect: true} for a folder asked
// for without its trailing slash, or null if there is no such file.
// A folder gives its index.html. Symlinks inside root are followed on purpose:
// the site folder may link to data fetched elsewhere.
function findFile(target, urlPath) {
  let stat;
  try {
    stat = fs.statSync(target);
    if (stat.isDirectory()) {
      if (!urlPath.endsWith('/')) return { redirect: true };
      target = path.join(target, 'index.html');
      stat = fs.statSync(target);
    }
  } catch (err) {
    return null;
  }
  return stat.isFile() ? { file: target, stat } : null;
}

function sendFile(req, res, file, stat) {
  const type = MIME_TYPES[path.extname(file).toLowerCase()] || DEFAULT_MIME;
  res.writeHead(200, {
    ...commonHeaders,
    'Content-Type': type,
    'Content-Length': stat.size,
    'Last-Modified': stat.mtime.toUTCString(),
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  const stream = fs.createReadStream(file);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}

function query(url) {
  const i = url.indexOf('?');
  return i < 0 ? '' : url.slice(i);
}

function handleRequest(root, req, res) {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendText(req, res, 405, 'Method not allowed', { Allow: 'GET, HEAD' });
    return;
  }
  const urlPath = (req.url || '/').split('?')[0].split('#')[0];
  const target = resolveInsideRoot(root, urlPath);
  if (!target) {
    sendText(req, res, 403, 'Forbidden');
    return;
  }
  const found = findFile(target, urlPath);
  if (!found) sendText(req, res, 404, `Not found: ${urlPath}`);
  else if (found.redirect) sendText(req, res, 301, 'Moved', { Location: urlPath.replace(/^\/+/, '/') + '/' + query(req.url) });
  else sendFile(req, res, found.file, found.stat);
}

function start(options) {
  const root = checkRoot(options.root);
  const server = http.createServer((req, res) => {
    try {
      handleRequest(root, req, res);
    } catch (err) {
      if (!res.headersSent) sendText(req, res, 500, 'Internal server error');
      else res.destroy();
    }
  });
  server.on('error', (err) => {
    if (err.code === 'EADDRINUSE') fail(`port ${options.port} is in use; pass --port`);
    if (err.code === 'EACCES') fail(`no permission to use port ${options.port}; pass --port`);
    fail(`cannot listen on ${options.host}:${options.port}: ${err.message}`);
  });
  server.listen(options.port, options.host, () => {
    const port = server.address().port;
    const host = options.host.includes(':') ? `[${options.host}]` : options.host;
    process.stdout.write(`ConvLens: serving ${root} at http://${host}:${port}/\n`);
  });
  return server;
}

function stopOnSignals(server) {
  const stop = () => {
    server.close(() => process.exit(0));
    server.closeAllConnections(); // keep-alive sockets would otherwise delay close()
    setTimeout(() => process.exit(0), 2000); // never hang on a stuck socket
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

stopOnSignals(start(parseArgs(process.argv.slice(2))));
