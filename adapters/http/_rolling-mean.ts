/** The mean of the last `size` samples, kept in a ring: O(1) per sample, no allocation after the first. */
export class RollingMean {
  readonly #samples: Float64Array;
  #next = 0;
  #count = 0;
  #sum = 0;

  constructor(size: number) {
    this.#samples = new Float64Array(size);
  }

  /** Adds a sample, dropping the oldest once the ring is full. */
  add(sample: number): void {
    const samples = this.#samples;
    if (this.#count === samples.length) this.#sum -= samples[this.#next] ?? 0;
    else this.#count++;
    samples[this.#next] = sample;
    this.#sum += sample;
    this.#next = (this.#next + 1) % samples.length;
  }

  /** The mean of the kept samples; 0 before the first. */
  get mean(): number {
    return this.#count === 0 ? 0 : this.#sum / this.#count;
  }
}
