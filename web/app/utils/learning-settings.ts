import { readText } from './form.ts';
import { headKindOptions, strategyOptions, type HeadKind, type LearningSettings, type Strategy } from './models.ts';

/**
 * Limits of the number fields. They mirror the server's settings schema so a mistake is named next
 * to its field; the server checks again and stays the authority.
 */
export const settingsLimits = {
  trainEveryLabels: { min: 1, max: 100_000 },
  trainAfterSeconds: { min: 1, max: 86_400 },
  overlap: { min: 1, max: 5 },
  leaseSeconds: { min: 30, max: 86_400 },
  rareClassThreshold: { min: 1, max: 100_000 },
} as const;

export type SettingsFieldErrors = Partial<Record<keyof LearningSettings, string[]>>;

export type SettingsFormResult = { ok: true; settings: LearningSettings } | { ok: false; fieldErrors: SettingsFieldErrors };

function isStrategy(value: string): value is Strategy {
  return Object.hasOwn(strategyOptions, value);
}

function isHeadKind(value: string): value is HeadKind {
  return Object.hasOwn(headKindOptions, value);
}

function readWholeNumber(form: FormData, name: keyof typeof settingsLimits, errors: SettingsFieldErrors): number {
  const raw = readText(form, name).trim();
  const { min, max } = settingsLimits[name];
  const value = Number(raw);
  if (raw === '' || !Number.isInteger(value) || value < min || value > max) {
    errors[name] = [`enter a whole number from ${min.toLocaleString('en')} to ${max.toLocaleString('en')}`];
  }
  return value;
}

/** The production-feedback threshold, entered as a percentage; empty turns feedback off. */
function readFeedbackPercent(form: FormData, errors: SettingsFieldErrors): number | null {
  const raw = readText(form, 'feedbackBelowConfidence').trim().replace(/%$/, '');
  if (raw === '') return null;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || value > 100) {
    errors.feedbackBelowConfidence = ['enter a percentage from 0 to 100, or leave it empty to turn feedback off'];
    return null;
  }
  return value / 100;
}

/** Every how-many-th queued sample is a random check sample; empty turns them off. */
function readCheckEvery(form: FormData, errors: SettingsFieldErrors): number | null {
  const raw = readText(form, 'checkEvery').trim();
  if (raw === '') return null;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 2 || value > 100) {
    errors.checkEvery = ['enter a whole number from 2 to 100, or leave it empty to turn random check samples off'];
    return null;
  }
  return value;
}

/** The submitted settings form as settings, or what is wrong with each field. */
export function readSettingsForm(form: FormData): SettingsFormResult {
  const fieldErrors: SettingsFieldErrors = {};
  const strategy = readText(form, 'strategy');
  const headKind = readText(form, 'headKind');
  if (!isStrategy(strategy)) fieldErrors.strategy = ['choose how to pick the next samples'];
  if (!isHeadKind(headKind)) fieldErrors.headKind = ['choose a kind of model'];
  const trainEveryLabels = readWholeNumber(form, 'trainEveryLabels', fieldErrors);
  const trainAfterSeconds = readWholeNumber(form, 'trainAfterSeconds', fieldErrors);
  const overlap = readWholeNumber(form, 'overlap', fieldErrors);
  const leaseSeconds = readWholeNumber(form, 'leaseSeconds', fieldErrors);
  const rareClassThreshold = readWholeNumber(form, 'rareClassThreshold', fieldErrors);
  const feedbackBelowConfidence = readFeedbackPercent(form, fieldErrors);
  const checkEvery = readCheckEvery(form, fieldErrors);
  // An unchecked checkbox is simply absent from the form.
  const showModelGuess = form.get('showModelGuess') === 'on';
  const feedbackWhenDrifted = form.get('feedbackWhenDrifted') === 'on';
  if (Object.keys(fieldErrors).length > 0 || !isStrategy(strategy) || !isHeadKind(headKind)) return { ok: false, fieldErrors };
  return { ok: true, settings: { strategy, headKind, trainEveryLabels, trainAfterSeconds, showModelGuess, overlap, leaseSeconds, rareClassThreshold, checkEvery, feedbackBelowConfidence, feedbackWhenDrifted } };
}
