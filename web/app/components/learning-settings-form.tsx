import { useFetcher } from '@remix-run/react';
import { useId } from 'react';
import { sentence } from '../utils/format.ts';
import { settingsLimits, type SettingsFieldErrors } from '../utils/learning-settings.ts';
import { headKindOptions, strategyOptions, type LearningSettings } from '../utils/models.ts';
import { FormError, FormField } from './form-field.tsx';

/** What the settings route's action answers. */
export type SettingsResult = { ok: true; settings: LearningSettings } | { ok: false; formError: string | null; fieldErrors: SettingsFieldErrors };

function FieldError({ id, messages }: { id: string; messages: string[] | undefined }) {
  if (!messages?.length) return null;
  return (
    <p id={id} className="field__error">
      {messages.map(sentence).join(' ')}
    </p>
  );
}

/** Radio buttons, one per option, each with its name and a one-line explanation. */
function ChoiceGroup({ name, options, checked }: { name: string; options: Record<string, { name: string; explanation: string }>; checked: string }) {
  return (
    <div className="choice-group">
      {Object.entries(options).map(([value, option]) => (
        <label key={value} className="choice">
          <input type="radio" name={name} value={value} defaultChecked={checked === value} />
          <span className="choice__text">
            <span className="choice__name">{option.name}</span>
            <span className="choice__hint">{option.explanation}</span>
          </span>
        </label>
      ))}
    </div>
  );
}

/** How the queue picks samples, when the model retrains, what kind of model, and whether annotators see its guess. */
export function LearningSettingsForm({ settings }: { settings: LearningSettings }) {
  const id = useId();
  const fetcher = useFetcher<SettingsResult>();
  const result = fetcher.data;
  const busy = fetcher.state !== 'idle';
  const errors: SettingsFieldErrors = result?.ok === false ? result.fieldErrors : {};
  const limits = settingsLimits;
  return (
    <fetcher.Form method="post" className="stack settings-form" noValidate>
      <fieldset aria-describedby={`${id}-strategy-hint ${id}-strategy-error`}>
        <legend>Which samples to ask about next</legend>
        <ChoiceGroup name="strategy" options={strategyOptions} checked={settings.strategy} />
        <p id={`${id}-strategy-hint`} className="field__hint">
          Until the first model exists, the queue spreads across the data instead.
        </p>
        <FieldError id={`${id}-strategy-error`} messages={errors.strategy} />
      </fieldset>

      <fieldset>
        <legend>When to retrain</legend>
        <div className="settings-form__pair">
          <FormField
            label="After this many new labels"
            name="trainEveryLabels"
            type="number"
            inputMode="numeric"
            min={limits.trainEveryLabels.min}
            max={limits.trainEveryLabels.max}
            step={1}
            required
            defaultValue={settings.trainEveryLabels}
            errors={errors.trainEveryLabels}
          />
          <FormField
            label="Or after this many seconds"
            name="trainAfterSeconds"
            type="number"
            inputMode="numeric"
            min={limits.trainAfterSeconds.min}
            max={limits.trainAfterSeconds.max}
            step={1}
            required
            defaultValue={settings.trainAfterSeconds}
            errors={errors.trainAfterSeconds}
          />
        </div>
        <p className="field__hint">Whichever comes first, counting from the first label since the last version.</p>
      </fieldset>

      <fieldset>
        <legend>Team review</legend>
        <div className="settings-form__pair">
          <FormField
            label="Annotators per sample"
            name="overlap"
            type="number"
            inputMode="numeric"
            min={limits.overlap.min}
            max={limits.overlap.max}
            step={1}
            required
            defaultValue={settings.overlap}
            errors={errors.overlap}
          />
          <FormField
            label="Release an idle annotator's sample after (seconds)"
            name="leaseSeconds"
            type="number"
            inputMode="numeric"
            min={limits.leaseSeconds.min}
            max={limits.leaseSeconds.max}
            step={1}
            required
            defaultValue={settings.leaseSeconds}
            errors={errors.leaseSeconds}
          />
        </div>
        <p className="field__hint">
          With more than one annotator per sample, a sample is resolved when they all agree; otherwise it waits for a reviewer.
        </p>
        <FormField
          label="A class is rare below this many labels"
          name="rareClassThreshold"
          type="number"
          inputMode="numeric"
          min={limits.rareClassThreshold.min}
          max={limits.rareClassThreshold.max}
          step={1}
          required
          defaultValue={settings.rareClassThreshold}
          errors={errors.rareClassThreshold}
        />
        <FormField
          label="Random check sample every … samples in the queue"
          name="checkEvery"
          type="number"
          inputMode="numeric"
          min={2}
          max={100}
          step={1}
          defaultValue={settings.checkEvery ?? ''}
          errors={errors.checkEvery}
        />
        <p className="field__hint">
          Check samples are drawn at random from your data and shown without the model's guess. The accuracy on the Models page is measured on them, by a model that did not train on
          them, so it is what you can expect on your data; the live model then learns from them too. Leave empty to turn them off (only cross-validation on the queue's picks, which
          are the hard cases, is shown then).
        </p>
      </fieldset>

      <fieldset>
        <legend>Production feedback</legend>
        <FormField
          label="Send prediction API inputs to the labeling pool when the model is less sure than (%)"
          name="feedbackBelowConfidence"
          type="number"
          inputMode="decimal"
          min={0}
          max={100}
          step="any"
          defaultValue={settings.feedbackBelowConfidence === null ? '' : Math.round(settings.feedbackBelowConfidence * 1000) / 10}
          errors={errors.feedbackBelowConfidence}
        />
        <p className="field__hint">Leave empty to keep production inputs out of the pool. Each input is added once, marked as coming from production.</p>
        <label className="choice">
          <input type="checkbox" name="feedbackWhenDrifted" defaultChecked={settings.feedbackWhenDrifted} />
          <span className="choice__text">
            <span className="choice__name">Also send every input while production has drifted</span>
            <span className="choice__hint">When the latest drift check says production inputs no longer look like the training data, all of them join the pool until a check says otherwise.</span>
          </span>
        </label>
      </fieldset>

      <fieldset aria-describedby={`${id}-head-error`}>
        <legend>Kind of model</legend>
        <ChoiceGroup name="headKind" options={headKindOptions} checked={settings.headKind} />
        <FieldError id={`${id}-head-error`} messages={errors.headKind} />
      </fieldset>

      <label className="choice">
        <input type="checkbox" name="showModelGuess" defaultChecked={settings.showModelGuess} />
        <span className="choice__text">
          <span className="choice__name">Show the model’s guess while labeling</span>
          <span className="choice__hint">Turn it off so annotators aren’t nudged toward the model’s answer.</span>
        </span>
      </label>

      <FormError message={result?.ok === false ? result.formError : null} />
      <div className="actions">
        <button type="submit" className="button button--primary" disabled={busy}>
          {busy ? 'Saving…' : 'Save settings'}
        </button>
        <span role="status" className="muted">
          {result?.ok && !busy ? 'Saved.' : ''}
        </span>
      </div>
    </fetcher.Form>
  );
}
