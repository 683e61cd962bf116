// copyRows' statements are the only queries the store's pools send as COPY: the specification.
import { describe, expect, it } from '@jest/globals';
import { copyField, copyFromBlob, copyFromStdin } from './copy.js';

describe('COPY FROM STDIN through the store', () => {
  it('given a copy ... from stdin with its rows as the one parameter, when the pool looks at it, then it sends the rows as COPY data', () => {
    expect(copyFromStdin('copy "lineage_edges" ("edge_type", "from_id") from stdin', ['a\tb\n'])).toBe('a\tb\n');
    expect(copyFromBlob('copy "t" ("a") from stdin')).toBe(`copy "t" ("a") from '/dev/blob'`);
  });

  it('given any other query, when the pool looks at it, then it goes as it is', () => {
    expect(copyFromStdin('select $1::text', ['copy x from stdin'])).toBeUndefined();
    expect(copyFromStdin('copy "t" ("a") from stdin', [])).toBeUndefined();
    expect(copyFromStdin('copy "t" ("a") from stdin', ['a', 'b'])).toBeUndefined();
    expect(copyFromStdin('copy "t" ("a") from stdin', [42])).toBeUndefined();
    expect(copyFromStdin(`copy "t" ("a") from stdin; select 1`, ['a'])).toBeUndefined();
    expect(copyFromStdin('copy "t" ("a") to stdout', ['a'])).toBeUndefined();
  });

  it('given text with tabs, line breaks and backslashes, when made a COPY field, then each is escaped and nothing else is touched', () => {
    expect(copyField('plain text, "quoted" and ümlaut')).toBe('plain text, "quoted" and ümlaut');
    expect(copyField('a\tb\nc\rd\\N')).toBe('a\\tb\\nc\\rd\\\\N');
  });
});
