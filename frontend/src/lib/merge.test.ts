import { describe, expect, it } from 'vitest';
import { emptyContactFields, type ContactFields } from '../api/types';
import { applyEdits, hasChanges, merge3, mergeGroups, resolveMerge } from './merge';

const c = (over: Partial<ContactFields>): ContactFields => ({ ...emptyContactFields(), full_name: 'Clément Laurent', ...over });

describe('merge3', () => {
  const base = c({ mobile: '+33 6 00 00 00 01', phone: '01 02', notes: 'old', address: { ...emptyContactFields().address, city: 'Lyon' } });

  it('takes their change on a field I did not touch and keeps mine on a field only I changed', () => {
    const mine = { ...base, phone: '01 99' };
    const theirs = { ...base, mobile: '+33 6 11 11 11 11' };
    const r = merge3(base, mine, theirs);
    expect(r.conflicts).toEqual([]);
    expect(r.merged.mobile).toBe('+33 6 11 11 11 11');
    expect(r.merged.phone).toBe('01 99');
    expect(r.fromTheirs).toEqual(['mobile']);
  });

  it('asks only about fields both changed to different values', () => {
    const mine = { ...base, notes: 'mine', phone: 'same', address: { ...base.address, city: 'Paris' } };
    const theirs = { ...base, notes: 'theirs', phone: 'same', address: { ...base.address, city: 'Lyon', country: 'France' } };
    const r = merge3(base, mine, theirs);
    expect(r.conflicts).toEqual(['notes']);
    expect(r.merged.notes).toBe('mine');
    expect(r.merged.phone).toBe('same');
    expect(r.merged.address).toEqual({ ...base.address, city: 'Paris', country: 'France' });
    expect(resolveMerge(r, theirs, { notes: 'theirs' }).notes).toBe('theirs');
    expect(resolveMerge(r, theirs, {}).notes).toBe('mine');
  });

  it('clearing a field is a change like any other', () => {
    const r = merge3(base, { ...base, notes: '' }, { ...base, mobile: '' });
    expect(r.merged.notes).toBe('');
    expect(r.merged.mobile).toBe('');
    expect(r.conflicts).toEqual([]);
  });

  it('nobody changed anything: theirs, no conflict', () => {
    const r = merge3(base, base, base);
    expect(r).toEqual({ merged: base, conflicts: [], fromTheirs: [] });
  });
});

describe('groups merge as a set', () => {
  it('keeps my addition and their removal', () => {
    expect(mergeGroups(['a', 'b'], ['a', 'b', 'c'], ['a']).sort()).toEqual(['a', 'c']);
  });
  it('ignores order', () => {
    const r = merge3(c({ groups: ['a', 'b'] }), c({ groups: ['b', 'a'] }), c({ groups: ['a', 'b', 'x'] }));
    expect(r.merged.groups.sort()).toEqual(['a', 'b', 'x']);
    expect(r.conflicts).toEqual([]);
  });
  it('both adding or both removing the same group agree', () => {
    expect(mergeGroups(['a'], ['a', 'b'], ['a', 'b'])).toEqual(['a', 'b']);
    expect(mergeGroups(['a', 'b'], ['b'], ['b'])).toEqual(['b']);
  });
  it('a group they deleted (gone from theirs) is not brought back by my untouched copy', () => {
    expect(mergeGroups(['a', 'gone'], ['a', 'gone'], ['a'])).toEqual(['a']);
  });
});

describe('hasChanges', () => {
  it('sees a changed field, not a re-ordered group list', () => {
    const b = c({ groups: ['a', 'b'] });
    expect(hasChanges(b, { ...b, groups: ['b', 'a'] })).toBe(false);
    expect(hasChanges(b, { ...b, email: 'x@example.com' })).toBe(true);
  });
});

describe('applyEdits', () => {
  it('sends the stored value of untouched fields and the normalised value of edited ones', () => {
    const base = c({ website: 'example.com ', phone: '01 02', groups: ['b', 'a'] });
    const form = { ...base, phone: ' 01 99 ', groups: ['a', 'b'] };
    const normalized = { ...form, website: 'https://example.com', phone: '01 99' };
    const out = applyEdits(base, form, normalized);
    expect(out.website).toBe('example.com ');
    expect(out.phone).toBe('01 99');
    expect(out.groups).toEqual(['b', 'a']);
  });
});
