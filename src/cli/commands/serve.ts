// bert-ts serve: the attention viewer (web/) and the models' files, on 127.0.0.1.
// The server only hands out files: the model runs in the page's Web Worker.
import { createServer, type Server } from 'node:http';
import { existsSync, readdirSync, statSync, createReadStream } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BertTsError } from '../../errors.ts';
import { int, str } from '../command.ts';
import { resultCommand } from '../result-command.ts';
import { MODEL } from '../common.ts';

export interface OfferedModel {
  /** the name in the page's menu and in the URL /models/NAME/ */
  name: string;
  /** the model folder on disk */
  dir: string;
}

export interface ViewerServerOptions {
  /** the built viewer: index.html, style.css, main.js, worker.js */
  webRoot: string;
  models: OfferedModel[];
  /** default 8000; 0 picks a free port */
  port?: number;
}

export interface ViewerServer {
  url: string;
  models: OfferedModel[];
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** Model folders under `dir` (each with a config.json), by folder name. */
export function modelsIn(dir: string): OfferedModel[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((d) => existsSync(join(dir, d, 'config.json')))
    .sort()
    .map((d) => ({ name: d, dir: join(dir, d) }));
}

export function startViewerServer(o: ViewerServerOptions): Promise<ViewerServer> {
  if (!existsSync(join(o.webRoot, 'index.html')) || !existsSync(join(o.webRoot, 'worker.js'))) {
    throw new BertTsError(`serve: the viewer is not built (no ${join(o.webRoot, 'index.html')})`, 'run npm run build');
  }
  const byName = new Map(o.models.map((m) => [m.name, m]));
  // sentence: a sentence-transformers folder (modules.json), which the viewer's similarity view compares sentences with
  const list = JSON.stringify(
    o.models.map((m, i) => ({ name: m.name, url: `./models/${encodeURIComponent(m.name)}/`, ...(i === 0 ? { default: true } : {}), ...(existsSync(join(m.dir, 'modules.json')) ? { sentence: true } : {}) })),
  );
  const server: Server = createServer((req, res) => {
    // cross-origin isolated: SharedArrayBuffer (shared wasm memory) works in the page
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    const send = (status: number, body: string, type = 'text/plain; charset=utf-8') => {
      res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
      res.end(body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'only GET');
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    } catch {
      return send(400, 'bad path');
    }
    if (path === '/models.json') return send(200, list, TYPES['.json']);
    let file: string | undefined;
    const m = /^\/models\/([^/]+)\/(.+)$/.exec(path);
    if (m) {
      const model = byName.get(m[1]);
      // a model's own files only: a plain file name, or one in a plain sub-folder (a sentence-transformers
      // folder's 1_Pooling/config.json); each part starts with a word character, so nothing hidden and no '..'
      if (model && /^([\w][\w.-]*\/)?[\w][\w.-]*$/.test(m[2])) file = join(model.dir, m[2]);
    } else {
      const name = path === '/' ? 'index.html' : path.slice(1);
      if (/^[\w][\w.-]*$/.test(name)) file = join(o.webRoot, name);
    }
    if (!file || !existsSync(file) || !statSync(file).isFile()) return send(404, `not found: ${path}`);
    const size = statSync(file).size;
    res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Content-Length': size, 'Cache-Control': 'no-cache' });
    if (req.method === 'HEAD') return res.end();
    createReadStream(file).pipe(res);
  });
  return new Promise((ok, fail) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      fail(e.code === 'EADDRINUSE' ? new BertTsError(`serve: port ${o.port} is in use`, 'choose another with --port, or --port 0 for any free one') : e),
    );
    server.listen(o.port ?? 8000, '127.0.0.1', () => {
      const addr = server.address();
      const port = typeof addr === 'object' && addr ? addr.port : o.port;
      ok({
        url: `http://127.0.0.1:${port}/`,
        models: o.models,
        close: () => new Promise<void>((done) => {
          server.closeAllConnections();
          server.close(() => done());
        }),
      });
    });
  });
}

/** The package's folder (the one with package.json): above dist/cli.js, or above src/cli/commands/. */
function findPackageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}
const packageRoot = findPackageRoot();

export const serveCommand = resultCommand<{ url: string; models: string[] }>({
  name: 'serve',
  summary: 'the attention viewer: BERT in your browser, served on 127.0.0.1',
  args: '',
  argsHelp: `Serves the bert-ts viewer and the model files on http://127.0.0.1:P/. The page
runs BERT itself, in a Web Worker: the server computes nothing. It offers DIR
first (when given), then the models shipped in weights/; the page can also open
a model folder from disk or from a URL. Ctrl-C stops it.`,
  options: {
    model: { ...MODEL.model, help: 'a model folder to offer first (the shipped ones follow)' },
    port: { type: 'string', value: 'P', help: 'the port (default 8000; 0: any free port)' },
  },
  examples: ['bert-ts serve', 'bert-ts serve -m path/to/bert-base-uncased --port 8080'],
  async compute(p) {
    const port = int('serve', p, 'port', 0, 8000);
    const models = modelsIn(join(packageRoot, 'weights'));
    const dirArg = str(p, 'model');
    if (dirArg !== undefined) {
      const dir = resolve(dirArg);
      if (!existsSync(join(dir, 'config.json'))) throw new BertTsError(`serve: ${dirArg} has no config.json`, 'give a model folder: config.json, model.safetensors, vocab.txt');
      const name = basename(dir);
      models.splice(0, models.length, { name, dir }, ...models.filter((m) => m.name !== name));
    }
    const s = await startViewerServer({ webRoot: join(packageRoot, 'dist', 'web'), models, port });
    const stop = () => void s.close().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    return { url: s.url, models: models.map((m) => m.name) };
  },
  format: (r) => `bert-ts viewer: ${r.url}\nmodels: ${r.models.join(', ') || '(none: open a folder in the page)'}\nCtrl-C stops it.`,
});
