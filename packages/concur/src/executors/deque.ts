/** A FIFO with O(1) push, shift and unshift: the pool's task queue (Array#shift is O(n)). */
export class Deque<T> {
  #items: Array<T | undefined> = new Array(16);
  #head = 0;
  #size = 0;

  get size(): number {
    return this.#size;
  }

  push(item: T): void {
    if (this.#size === this.#items.length) this.#grow();
    this.#items[(this.#head + this.#size) & (this.#items.length - 1)] = item;
    this.#size++;
  }

  unshift(item: T): void {
    if (this.#size === this.#items.length) this.#grow();
    this.#head = (this.#head - 1) & (this.#items.length - 1);
    this.#items[this.#head] = item;
    this.#size++;
  }

  peek(): T | undefined {
    return this.#size === 0 ? undefined : this.#items[this.#head];
  }

  shift(): T | undefined {
    if (this.#size === 0) return undefined;
    const item = this.#items[this.#head];
    this.#items[this.#head] = undefined;
    this.#head = (this.#head + 1) & (this.#items.length - 1);
    this.#size--;
    return item;
  }

  /** Removes every item and returns them in order. */
  drain(): T[] {
    const out: T[] = [];
    for (let item = this.shift(); item !== undefined; item = this.shift()) out.push(item);
    return out;
  }

  #grow(): void {
    // Capacity stays a power of two so that `& (length - 1)` wraps indexes.
    const items: Array<T | undefined> = new Array(this.#items.length * 2);
    for (let i = 0; i < this.#size; i++) items[i] = this.#items[(this.#head + i) & (this.#items.length - 1)];
    this.#items = items;
    this.#head = 0;
  }
}
