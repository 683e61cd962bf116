// --as-of POSITION|ISO-TIME: parsed and checked against the head by @cairn/client.
export { parseAsOf, asOfBeyondHead } from '@cairn/client';
