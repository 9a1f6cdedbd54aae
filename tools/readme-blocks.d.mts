// Types of tools/readme-blocks.mjs, for test/readme-blocks.test.ts.
export interface Block { lang: string; start: number; end: number; body: string[]; marker?: { kind: 'run' | 'not-run' | 'output-of'; arg: string } }
export interface Claim { file: string; where: string; block: Block; kind: 'command' | 'js'; command?: string; code?: string; expected: string[]; line: number; range?: [number, number] }
export const DOCS: string[];
export function fencedBlocks(text: string): Block[];
export function shellWords(line: string): string[];
export function claims(file: string, text: string): Claim[];
export function runClaim(claim: Claim, ctx: { root: string; pkg: string }): { stdout: string; stderr: string; status: number | null };
export function lineMatches(expected: string, actual: string): boolean;
export function matchLines(expected: string[], actual: string[]): { ok: true; where: number[] } | { ok: false; at: number; reason: string };
export function checkClaim(claim: Claim, ctx: { root: string; pkg: string }): string | undefined;
export function refreshed(expected: string[], stdout: string): string[] | undefined;
export function updateFiles(root: string, pkg: string, log?: (s: string) => void): number;
