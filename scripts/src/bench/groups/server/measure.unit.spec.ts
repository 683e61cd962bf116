import { describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as E from 'fp-ts/lib/Either.js';
import { answersFor, cannon, inProcess, type Sizing } from './measure.js';

const sizing: Sizing = { seconds: 10, rounds: 10, minRounds: 5, maxSeconds: 120 };

describe('the server bench sizes each run to its question', () => {
  it('given a question answered 16 times a second at 64 connections (4 s each), then a run counts 10 answers per connection', () => {
    expect(answersFor(sizing, 64, 16)).toBe(640);
  });

  it('given a quick question, then a run counts about `seconds` of answers, more than 10 rounds', () => {
    expect(answersFor(sizing, 16, 1000)).toBe(10_000);
  });

  it('given a question so slow that 10 rounds pass the longest run, then the run is capped but keeps 5 rounds', () => {
    // 640 answers at 2/s would take 320 s: the cap (120 s) allows 240, fewer than 5 rounds (320)
    expect(answersFor(sizing, 64, 2)).toBe(320);
    // at 4/s the cap allows 480 answers, more than 5 rounds
    expect(answersFor(sizing, 64, 4)).toBe(480);
  });
});

/** A server answering every request after `delayMs`, counting what it took and what it answered. */
async function slowServer(delayMs: number): Promise<{ server: Server; url: string; taken: () => number; answered: () => number }> {
  let taken = 0;
  let answered = 0;
  const server = createServer((_req, res) => {
    taken += 1;
    setTimeout(() => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}', () => {
        answered += 1;
      });
    }, delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, taken: () => taken, answered: () => answered };
}

describe('a measured run counts every answer it asked for', () => {
  it('given a slow server and 16 connections, when a run of 96 answers ends, then the server took 96 requests and none is left in flight', async () => {
    const s = await slowServer(40);
    try {
      const load = await cannon(s.url, ['/a', '/b'], 16, { amount: 96 });
      // the rate is over every request the server took, none dropped at the run's end
      expect(load.rps * load.seconds).toBeCloseTo(s.taken(), 6);
      expect(s.answered()).toBe(s.taken());
      expect(s.taken()).toBe(96);
    } finally {
      s.server.close();
    }
  });

  it('given callers in-process, when a run of 50 answers at 8 callers ends, then exactly 50 were asked and all answered', async () => {
    let asked = 0;
    let running = 0;
    const call = async () => {
      asked += 1;
      running += 1;
      await new Promise((r) => setTimeout(r, 1 + (asked % 3)));
      running -= 1;
      return E.right(asked);
    };
    const load = await inProcess([call, call], 8, 50);
    expect(asked).toBe(50);
    expect(running).toBe(0);
    expect(load.rps * load.seconds).toBeCloseTo(50, 6);
  });

  it('given a question that fails in-process, then the run fails naming it', async () => {
    await expect(inProcess([async () => E.left({ tag: 'CfNotFound' })], 2, 4)).rejects.toThrow('in-process question: {"tag":"CfNotFound"}');
  });
});
