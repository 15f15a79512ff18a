import { describe, expect, it } from 'vitest';
import { describeMatch, describeRareClass, filterFromValue, filterToValue, idsBetween, labelColours, nearestPoint, readRareLabelId, similarityOf, type ExploreFilter } from './explore.ts';

describe('explore filters', () => {
  it('round-trips every filter through a select value', () => {
    const filters: ExploreFilter[] = [{ kind: 'any' }, { kind: 'unlabeled' }, { kind: 'label', labelId: 3 }, { kind: 'annotator', userId: 7 }];
    for (const filter of filters) expect(filterFromValue(filterToValue(filter))).toEqual(filter);
  });

  it('falls back to any for values it does not know', () => {
    expect(filterFromValue('label:abc')).toEqual({ kind: 'any' });
    expect(filterFromValue('label:-1')).toEqual({ kind: 'any' });
    expect(filterFromValue('colour:2')).toEqual({ kind: 'any' });
  });
});

describe('explore figures', () => {
  it('turns cosine distance into a similarity between 0 and 1', () => {
    expect(similarityOf(0)).toBe(1);
    expect(similarityOf(0.25)).toBe(0.75);
    expect(similarityOf(1.5)).toBe(0);
    expect(similarityOf(undefined)).toBeNull();
  });

  it('gives each label its own colour, in label-set order', () => {
    const colours = labelColours([{ id: 5 }, { id: 2 }]);
    expect(colours.get(5)).not.toBe(colours.get(2));
    expect([...colours.keys()]).toEqual([5, 2]);
  });

  it('explains rare classes with and without labels', () => {
    expect(describeRareClass(3, 10)).toMatch(/fewer than 10 labels/i);
    expect(describeRareClass(0, 10)).toMatch(/no labels yet/i);
  });
});

describe('explore interaction', () => {
  it('selects a range in list order, either direction', () => {
    expect(idsBetween([4, 8, 15, 16, 23], 8, 16)).toEqual([8, 15, 16]);
    expect(idsBetween([4, 8, 15, 16, 23], 23, 15)).toEqual([15, 16, 23]);
    expect(idsBetween([4, 8, 15], null, 15)).toEqual([15]);
    expect(idsBetween([4, 8, 15], 99, 8)).toEqual([8]);
  });

  it('picks the nearest point within the radius only', () => {
    const points = [
      { id: 1, x: 0, y: 0 },
      { id: 2, x: 10, y: 0 },
    ];
    expect(nearestPoint(points, 7, 1, 5)?.id).toBe(2);
    expect(nearestPoint(points, 5, 20, 5)).toBeUndefined();
  });
});

describe('explore matches', () => {
  it('prefers the distance to the query, then the model, then similarity to labeled examples', () => {
    expect(describeMatch({ distance: 0.18 })).toBe('82% similar');
    expect(describeMatch({ probability: 0.734, similarity: 0.5 })).toBe('73% likely');
    expect(describeMatch({ probability: null, similarity: 0.61 })).toBe('61% similar');
    expect(describeMatch({})).toBeNull();
  });
});

describe('rare queue link', () => {
  it('reads a positive label id from ?rare= and ignores anything else', () => {
    expect(readRareLabelId(new URLSearchParams('rare=12'))).toBe(12);
    expect(readRareLabelId(new URLSearchParams(''))).toBeUndefined();
    expect(readRareLabelId(new URLSearchParams('rare=0'))).toBeUndefined();
    expect(readRareLabelId(new URLSearchParams('rare=cards'))).toBeUndefined();
  });
});
