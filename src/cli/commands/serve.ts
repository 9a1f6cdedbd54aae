// bert-ts serve: the attention viewer (web/) and the models' files, on 127.0.0.1.
// The server only hands out files: the model runs in the page's Web Worker.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { constants, existsSync, readdirSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BertTsError } from '../../errors.ts';
import { int, str } from '../command.ts';
import { resultCommand } from '../result-command.ts';
import { MODEL } from '../common.ts';
import { strs } from '../result-command.ts';
import { hostAllowed } from '../serve/host-check.ts';
import { resolveModelFolder } from '../../hub/resolve.ts';
import { progressReporter } from '../progress-bar.ts';
import { realPathWithin, servableModelFile } from '../serve/model-file-list.ts';

export interface OfferedModel {
  /** the name in the page's menu and in the URL /models/NAME/ */
  name: string;
  /** the model folder on disk */
  dir: string;
  /** what the page's menu shows, when not the name */
  label?: string;
}

export interface ViewerServerOptions {
  /** the built viewer: index.html, style.css, main.js, worker.js */
  webRoot: string;
  models: OfferedModel[];
  /** default 8000; 0 picks a free port */
  port?: number;
  /** host names answered besides localhost, 127.0.0.1 and [::1] (the Host header check) */
  allowHosts?: string[];
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

/** weights/demo has random weights (the tests' model): offered last, and labelled so. */
const RANDOM_MODELS: Record<string, string> = { demo: 'demo: random weights (tests)' };

/**
 * Model folders under `dir` (each with a config.json): the trained English model
 * `en` first (the page opens on the first), then by folder name, random-weight
 * models last.
 */
export function modelsIn(dir: string): OfferedModel[] {
  if (!existsSync(dir)) return [];
  const rank = (d: string) => (d === 'en' ? 0 : Object.hasOwn(RANDOM_MODELS, d) ? 2 : 1);
  return readdirSync(dir)
    .filter((d) => existsSync(join(dir, d, 'config.json')))
    .sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0))
    .map((d) => ({ name: d, dir: join(dir, d), ...(Object.hasOwn(RANDOM_MODELS, d) ? { label: RANDOM_MODELS[d] } : {}) }));
}

export function startViewerServer(o: ViewerServerOptions): Promise<ViewerServer> {
  if (!existsSync(join(o.webRoot, 'index.html')) || !existsSync(join(o.webRoot, 'worker.js'))) {
    throw new BertTsError(`serve: the viewer is not built (no ${join(o.webRoot, 'index.html')})`, 'run npm run build');
  }
  checkPort(o.port ?? 8000);
  const byName = new Map(o.models.map((m) => [m.name, m]));
  const list = JSON.stringify(o.models.map((m, i) => ({ name: m.name, ...(m.label ? { label: m.label } : {}), url: `./models/${encodeURIComponent(m.name)}/`, ...(i === 0 ? { default: true } : {}), ...(existsSync(join(m.dir, 'modules.json')) ? { sentence: true } : {}) })));
  let port = o.port ?? 8000;

  /** The file on disk a path names, if it may be sent. */
  const fileFor = async (path: string): Promise<string | undefined> => {
    const m = /^\/models\/([^/]+)\/(.+)$/.exec(path);
    if (m) {
      const model = byName.get(m[1]);
      return model && (await servableModelFile(model.dir, m[2]));
    }
    const name = path === '/' ? 'index.html' : path.slice(1);
    return /^\w[\w.-]*$/.test(name) ? realPathWithin(o.webRoot, name) : undefined;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    // cross-origin isolated: SharedArrayBuffer (shared wasm memory) works in the page
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    const send = (status: number, body: string, type = 'text/plain; charset=utf-8') => {
      res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
      res.end(body);
    };
    if (!hostAllowed(req.headers.host, port, o.allowHosts)) return send(403, 'this server answers only to localhost, 127.0.0.1 and [::1] (see bert-ts serve --allow-host)');
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'only GET');
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    } catch {
      return send(400, 'bad path');
    }
    if (path === '/models.json') return send(200, list, TYPES['.json']);
    const file = await fileFor(path);
    if (file === undefined) return send(404, `not found: ${path}`);
    let fh: FileHandle;
    try {
      fh = await open(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0)); // a FIFO cannot hang us
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      return code === 'ENOENT' || code === 'ENOTDIR' ? send(404, `not found: ${path}`) : send(500, `cannot read ${path} (${code ?? 'error'})`);
    }
    let size: number;
    try {
      const st = await fh.stat();
      if (!st.isFile()) {
        await fh.close();
        return send(404, `not found: ${path}`);
      }
      size = st.size;
    } catch (e) {
      await fh.close().catch(() => {});
      throw e;
    }
    res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Content-Length': size, 'Cache-Control': 'no-cache' });
    if (req.method === 'HEAD' || size === 0) {
      await fh.close();
      return void res.end();
    }
    // a read error once the headers are out (a file deleted or cut short meanwhile)
    // can only end this response: the promised length will not arrive
    const stream = fh.createReadStream({ start: 0, end: size - 1 });
    stream.on('error', () => res.destroy());
    stream.on('end', () => {
      if (stream.bytesRead < size) res.destroy();
    });
    res.on('close', () => stream.destroy());
    stream.pipe(res);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      // one bad request never stops the server
      if (res.headersSent) return void res.destroy();
      res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end(`server error (${(e as NodeJS.ErrnoException)?.code ?? 'error'})`);
    });
  });
  return new Promise((ok, fail) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      fail(e.code === 'EADDRINUSE' ? new BertTsError(`serve: port ${o.port} is in use`, 'choose another with --port, or --port 0 for any free one') : e),
    );
    server.listen(o.port ?? 8000, '127.0.0.1', () => {
      const addr = server.address();
      port = typeof addr === 'object' && addr ? addr.port : port;
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

async function modelFolderForServe(source: string): Promise<string> {
  const bar = await progressReporter();
  try {
    return await resolveModelFolder(source, { parts: 'all', onProgress: bar.onProgress, onWarning: (m) => process.stderr.write(`bert-ts: warning: ${m}\n`) });
  } finally {
    bar.stop();
  }
}

/** A TCP port: 0 (any free one) to 65535. */
function checkPort(port: number): void {
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new BertTsError(`serve: --port must be 0 to 65535, got ${port}`, 'give a free port such as 8000, or 0 for any free one');
  }
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
  modelOptional: true,
  summary: 'the attention viewer: BERT in your browser, served on 127.0.0.1',
  args: '',
  argsHelp: `Serves the bert-ts viewer and the model files on http://127.0.0.1:P/. The page
runs BERT itself, in a Web Worker: the server computes nothing. It offers DIR
first (when given), then the models shipped in weights/; the page can also open
a model folder from disk or from a URL. Only a model's own files are served
(config, tokenizer, weights and the shards their index names, sentence-
transformers module files), and only to Host localhost, 127.0.0.1 or [::1]
with this port: a page elsewhere cannot read them (--allow-host opts a name in).
Ctrl-C stops it.`,
  options: {
    model: { ...MODEL.model, help: 'a model folder, or a Hub model id (its snapshot in the Hugging Face cache), to offer first (the shipped ones follow)' },
    port: { type: 'string', value: 'P', help: 'the port (default 8000; 0: any free port)' },
    'allow-host': { type: 'string', multiple: true, value: 'NAME', help: 'also answer requests for this host name (a proxy\'s); by default only localhost, 127.0.0.1 and [::1]' },
  },
  examples: ['bert-ts serve', 'bert-ts serve -m path/to/bert-base-uncased --port 8080'],
  async compute(p) {
    const port = int('serve', p, 'port', 0, 8000);
    checkPort(port);
    const allowHosts = strs(p, 'allow-host');
    for (const h of allowHosts) if (!/^[\w.-]+$|^\[[0-9a-f:.]+\]$/i.test(h)) throw new BertTsError(`serve: --allow-host ${JSON.stringify(h)} is not a host name`, 'give a name such as my-proxy.local, without port or scheme');
    const models = modelsIn(join(packageRoot, 'weights'));
    const dirArg = str(p, 'model');
    if (dirArg !== undefined) {
      // a folder, or a model id: its snapshot in the Hugging Face cache (downloaded if missing), served from there
      const dir = resolve(await modelFolderForServe(dirArg));
      if (!existsSync(join(dir, 'config.json'))) throw new BertTsError(`serve: ${dirArg} has no config.json`, 'give a model folder: config.json, model.safetensors, vocab.txt');
      const name = existsSync(dirArg) ? basename(dir) : dirArg.split('/').at(-1)!;
      models.splice(0, models.length, { name, dir }, ...models.filter((m) => m.name !== name));
    }
    const s = await startViewerServer({ webRoot: join(packageRoot, 'dist', 'web'), models, port, allowHosts });
    const stop = () => void s.close().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    return { url: s.url, models: models.map((m) => m.name) };
  },
  format: (r) => `bert-ts viewer: ${r.url}\nmodels: ${r.models.join(', ') || '(none: open a folder in the page)'}\nCtrl-C stops it.`,
});
