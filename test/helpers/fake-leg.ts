import type { Leg, LegRequest, LegResult } from '../../src/actors/executor/legs.ts';

type Script = (r: LegRequest, n: number) => Partial<LegResult> & { status: LegResult['status'] };

/** A scripted leg: each submit returns the next scripted result; calls are recorded. */
export class FakeLeg implements Leg {
  submits: LegRequest[] = [];
  reconciles = 0;
  verifies = 0;
  constructor(
    readonly venue: string,
    private readonly script: Script,
    private readonly reconcileTo: Script | undefined = undefined,
    private readonly price = 100,
    readonly bal = { base: 10, quote: 10_000 },
  ) {}
  async prepare(r: LegRequest): Promise<string> {
    return `${this.venue}:${r.clientOrderId}`;
  }
  private fill(r: LegRequest, s: Partial<LegResult> & { status: LegResult['status'] }): LegResult {
    const filledBase = s.filledBase ?? (s.status === 'filled' ? r.sizeBase : 0);
    return { avgPrice: this.price, feeQuote: filledBase * this.price * 0.001, ref: `ref-${this.submits.length}`, reason: null, doneUs: 1_000_000 + this.submits.length, ...s, filledBase };
  }
  async submit(r: LegRequest): Promise<LegResult> {
    this.submits.push(r);
    return this.fill(r, this.script(r, this.submits.length));
  }
  async reconcile(r: LegRequest): Promise<LegResult> {
    this.reconciles++;
    return this.fill(r, this.reconcileTo ? this.reconcileTo(r, this.reconciles) : { status: 'unknown' });
  }
  async verify(_r: LegRequest, res: LegResult): Promise<LegResult> {
    this.verifies++;
    return res;
  }
  async balances(): Promise<{ base: number; quote: number }> {
    return this.bal;
  }
}
