// Long jobs (import, replay, verify) draw a bar on a terminal and stay quiet when piped or
// when --json is asked, so scripts get clean output.
import cliProgress from 'cli-progress';

export interface Progress {
  start(total: number, label: string): void;
  update(done: number): void;
  stop(): void;
}

const silent: Progress = { start() {}, update() {}, stop() {} };

export function progressFor(options: { json: boolean; stream?: NodeJS.WriteStream }): Progress {
  const stream = options.stream ?? process.stderr;
  if (options.json || !stream.isTTY) return silent;
  const bar = new cliProgress.SingleBar(
    { stream, format: '{label} [{bar}] {value}/{total} {percentage}% | eta {eta_formatted}', hideCursor: true, clearOnComplete: false },
    cliProgress.Presets.shades_classic,
  );
  return {
    start: (total, label) => bar.start(total, 0, { label }),
    update: (done) => bar.update(done),
    stop: () => bar.stop(),
  };
}
