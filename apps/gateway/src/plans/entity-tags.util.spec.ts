import { noneMatch, parseEntityTags, strongTags } from './entity-tags.util';

describe('parseEntityTags', () => {
  const sut = parseEntityTags;

  it('should give null when the header is absent', () => {
    expect(sut(undefined)).toBeNull();
  });

  it('should match any version when the header is *', () => {
    expect(sut(' * ')).toEqual({ any: true, tags: [] });
  });

  it('should keep one strong tag with its quotes when the header has a single strong tag', () => {
    expect(sut('"abc"')).toEqual({ any: false, tags: [{ weak: false, opaque: '"abc"' }] });
  });

  it('should mark the tag weak when it has the W/ prefix', () => {
    expect(sut('W/"abc"')).toEqual({ any: false, tags: [{ weak: true, opaque: '"abc"' }] });
  });

  it('should keep every member in order when the header is a list with spaces', () => {
    expect(sut(' "a" ,W/"b",  "c"  ')).toEqual({
      any: false,
      tags: [
        { weak: false, opaque: '"a"' },
        { weak: true, opaque: '"b"' },
        { weak: false, opaque: '"c"' },
      ],
    });
  });

  it('should drop the malformed members and keep the valid ones when a list mixes them', () => {
    expect(sut('abc, "ok", w/"lower", "unterminated, "has space", W/"weak"')).toEqual({
      any: false,
      tags: [
        { weak: false, opaque: '"ok"' },
        { weak: true, opaque: '"weak"' },
      ],
    });
  });

  it('should give a condition no tag can satisfy when every member is malformed', () => {
    expect(sut('abc')).toEqual({ any: false, tags: [] });
  });

  it('should read every header line when the header is given as an array', () => {
    expect(sut(['"a"', 'W/"b", "c"'])).toEqual({
      any: false,
      tags: [
        { weak: false, opaque: '"a"' },
        { weak: true, opaque: '"b"' },
        { weak: false, opaque: '"c"' },
      ],
    });
  });
});

describe('strongTags', () => {
  const sut = strongTags;

  it('should keep only the strong opaque tags when the list mixes weak and strong', () => {
    expect(
      sut({
        any: false,
        tags: [
          { weak: true, opaque: '"a"' },
          { weak: false, opaque: '"b"' },
        ],
      }),
    ).toEqual({ any: false, tags: ['"b"'] });
  });

  it('should keep any when the condition is *', () => {
    expect(sut({ any: true, tags: [] })).toEqual({ any: true, tags: [] });
  });
});

describe('noneMatch', () => {
  const sut = noneMatch;

  it('should pass when there is no If-None-Match condition', () => {
    expect(sut(null, '"x"')).toBe(true);
  });

  it('should fail when the condition is *', () => {
    expect(sut({ any: true, tags: [] }, '"x"')).toBe(false);
  });

  it('should fail when a strong tag equals the current ETag', () => {
    expect(sut({ any: false, tags: [{ weak: false, opaque: '"x"' }] }, '"x"')).toBe(false);
  });

  it('should fail when a weak tag has the current ETag as its opaque tag', () => {
    expect(sut({ any: false, tags: [{ weak: true, opaque: '"x"' }] }, '"x"')).toBe(false);
  });

  it('should fail when any member of a list matches the current ETag', () => {
    expect(sut(parseEntityTags('"a", W/"b", "x"'), '"x"')).toBe(false);
  });

  it('should pass when no member of the list matches the current ETag', () => {
    expect(sut(parseEntityTags('"a", W/"b"'), '"x"')).toBe(true);
  });
});
