// Child process for the upgrade spec: says "opening", then opens (and so upgrades) the embedded
// log in the given folder, and keeps it open until it is killed.
import { openEmbeddedEventLog } from '@cairn/eventlog';

const [dataDir] = process.argv.slice(2);
process.stdout.write('opening\n');
await openEmbeddedEventLog({ dataDir });
process.stdout.write('open\n');
setInterval(() => undefined, 1 << 30);
