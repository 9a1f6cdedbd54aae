// Types of tools/static-server.mjs, for the tests that import it.
export interface StaticServer { url: string; requests: string[]; close(): Promise<void> }
export function serveStatic(routes: Record<string, string>, isolate: boolean): Promise<StaticServer>;
