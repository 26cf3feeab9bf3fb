import { placeFile } from './document-set';

describe('placeFile', () => {
  const a = { id: 'a', version: 3 };
  const b = { id: 'b', version: 1 };

  it('makes a replacement the next version of the file it replaces', () => {
    expect(placeFile([a, b], 'b', 5)).toEqual({ version: 2, previousId: 'b' });
  });

  it('refuses to replace a file that is no longer current', () => {
    expect(placeFile([a], 'b', 5)).toEqual({ refused: 'replaced', maxFiles: 5 });
  });

  it('adds a file of its own while the kind takes more', () => {
    expect(placeFile([a, b], null, 3)).toEqual({ version: 1, previousId: null });
  });

  it("makes a new file the next version of a one-file kind's file", () => {
    expect(placeFile([a], null, 1)).toEqual({ version: 4, previousId: 'a' });
    expect(placeFile([], null, 1)).toEqual({ version: 1, previousId: null });
  });

  it('refuses one file too many', () => {
    expect(placeFile([a, b], null, 2)).toEqual({ refused: 'full', maxFiles: 2 });
  });
});
