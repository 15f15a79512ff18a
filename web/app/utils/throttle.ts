export interface Throttled {
  call(): void;
  cancel(): void;
}

/**
 * Runs `fn` at most once per `ms`. The first call runs at once; calls inside the window collapse
 * into one trailing run, so the last change is never dropped (a burst of events → ≤ 1000/ms runs/s).
 */
export function throttle(fn: () => void, ms: number): Throttled {
  let last = -Infinity;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const run = () => {
    timer = undefined;
    last = Date.now();
    fn();
  };
  return {
    call() {
      if (timer) return;
      const wait = last + ms - Date.now();
      if (wait <= 0) run();
      else timer = setTimeout(run, wait);
    },
    cancel() {
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
  };
}
