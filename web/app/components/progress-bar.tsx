import { percentOf } from '../utils/format.ts';

interface Props {
  value: number;
  max: number;
  /** Accessible name, e.g. "Labeling progress". */
  label: string;
  size?: 'small' | 'large';
}

/** A calm horizontal bar; the native progressbar role carries the numbers for screen readers. */
export function ProgressBar({ value, max, label, size = 'small' }: Props) {
  const percent = percentOf(Math.min(value, max), max);
  return (
    <div
      className={`progress progress--${size}`}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={max}
      aria-valuenow={value}
      aria-valuetext={`${percent}%`}
    >
      <div className="progress__fill" style={{ width: `${percent}%` }} />
    </div>
  );
}
