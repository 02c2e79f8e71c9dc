import type { ChildProcess } from 'node:child_process';

export interface StartOptions {
  /** The hnemu executable; default $HNEMU_BINARY, else `hnemu` on the PATH. */
  binary?: string;
  clock?: 'manual' | 'auto' | 'realtime';
  seed?: number;
  /** A scenario file's path (loaded at start) or a scenario object (loaded once it listens). */
  scenario?: string | Record<string, unknown>;
  /** More `hnemu serve` flags. */
  args?: string[];
  env?: NodeJS.ProcessEnv;
  adminToken?: string;
  startTimeoutMs?: number;
}

export interface SdkConfig {
  twilio: { accountSid: string; authToken: string; baseUrl: string };
  telnyx: { apiKey: string; baseURL: string; publicKey: string };
  bandwidth: { accountId: string; username: string; password: string; apiEndPoint: string };
}

export interface ExpectationResult {
  what: string;
  where: string;
  passed: boolean;
  expected: string;
  actual: string;
}

export declare class HnemuError extends Error {
  status: number;
  body: unknown;
}

export declare class Hnemu {
  readonly url: string;
  readonly controlUrl: string;
  readonly child?: ChildProcess;
  control(method: string, path: string, body?: unknown, contentType?: string): Promise<any>;
  reset(seed?: number): Promise<any>;
  advance(duration: string): Promise<any>;
  setClock(mode: 'manual' | 'auto' | 'realtime'): Promise<any>;
  clock(): Promise<{ now: string; mode: string; next_timer: string | null; pending_timers: { due: string; label: string }[] }>;
  runUntilIdle(options?: { maxTimers?: number }): Promise<number>;
  webhooksSettled(timeoutMs?: number): Promise<any[]>;
  loadScenario(scenario: string | Record<string, unknown>): Promise<any>;
  expectations(): Promise<{ scenario: string; provider: string; passed: boolean; expectations: ExpectationResult[] }>;
  inbox(number?: string): Promise<any[]>;
  calls(number?: string): Promise<any[]>;
  webhooks(): Promise<any[]>;
  journal(): Promise<any[]>;
  state(provider?: string): Promise<any>;
  sdkConfig(): Promise<SdkConfig>;
  twilioClient(twilio: (sid: string, token: string) => any): Promise<any>;
  telnyxClient(Telnyx: new (options: any) => any): Promise<any>;
  bandwidthClient(numbers: { Client: new (...args: any[]) => any }): Promise<any>;
  stop(): Promise<number | null>;
}

export declare function start(options?: StartOptions): Promise<Hnemu>;
export declare function connect(url: string, options?: { adminToken?: string }): Hnemu;
