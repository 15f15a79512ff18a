import { describe, expect, it } from 'vitest';
import { applyLearningEvent, idleActivity, isLearningEvent, isModelRanking, readEmbedProgress } from './learning-events.ts';

const event = (type: string, data: Record<string, unknown> = {}) => ({ projectId: 1, type, data });

describe('learning events', () => {
  it('follows a training run from start to a new version', () => {
    let state = applyLearningEvent(idleActivity, event('train.started'));
    expect(state.training).toBe(true);
    state = applyLearningEvent(state, event('train.progress', { stage: 'evaluated', ms: 1200 }));
    expect(state.stage).toBe('evaluated after 1.2 s');
    state = applyLearningEvent(state, event('model.version', { versionId: 9, version: 4, promoted: false, reason: 'held-out accuracy 70% < live 75%' }));
    expect(state).toEqual({ training: false, stage: null, outcome: { tone: 'warning', text: 'v4 was trained but not put live: held-out accuracy 70% < live 75%.' } });
  });

  it('says why training was skipped', () => {
    const state = applyLearningEvent({ ...idleActivity, training: true }, event('train.skipped', { reason: 'needs two labels' }));
    expect(state.training).toBe(false);
    expect(state.outcome?.text).toBe('Training skipped: needs two labels.');
  });

  it('keeps a running job running when someone promotes by hand', () => {
    const state = applyLearningEvent({ ...idleActivity, training: true }, event('model.version', { versionId: 3, version: 2, promoted: true, manual: true }));
    expect(state.training).toBe(true);
  });

  it('reads embedding progress and ignores malformed payloads', () => {
    expect(readEmbedProgress(event('embed.progress', { total: 10, embedded: 4, encoder: 'x' }))).toEqual({ total: 10, embedded: 4, failed: 0 });
    expect(readEmbedProgress(event('embed.completed', { total: 10, embedded: 8, failed: 2, unreadable: [{ sampleId: 3, name: 'a.png' }] }))).toEqual({ total: 10, embedded: 8, failed: 2 });
    expect(readEmbedProgress(event('embed.progress', { total: 'many' }))).toBeNull();
    expect(isLearningEvent(event('embed.completed'))).toBe(true);
    expect(isLearningEvent(event('annotation.changed'))).toBe(false);
  });
});

describe('isModelRanking', () => {
  it('is true only for a queue ranked by a model version', () => {
    expect(isModelRanking(event('queue.updated', { strategy: 'margin', ranked: 10, modelVersionId: 4 }))).toBe(true);
    expect(isModelRanking(event('queue.updated', { strategy: 'diverse', ranked: 10, modelVersionId: null }))).toBe(false);
    expect(isModelRanking(event('model.version', { modelVersionId: 4 }))).toBe(false);
  });
});
