import { evaluateFee, formulaInputs } from './fee-formula';

describe('levy formulas', () => {
  it('computes the PBG and billboard levies from the form', () => {
    expect(
      evaluateFee('round(floorArea * 10000 * buildingIndex)', { floorArea: 120, buildingIndex: 1.25 }),
    ).toBe(1_500_000);
    expect(evaluateFee('round(max(1, boardArea) * 25000 * months)', { boardArea: 0.5, months: 6 })).toBe(
      150_000,
    );
    expect(evaluateFee('(a + b) * 2 - -c / 4', { a: 1, b: 2, c: 8 })).toBe(8);
  });

  it('refuses missing fields, non-numbers, code and malformed formulas', () => {
    expect(() => evaluateFee('floorArea * 2', {})).toThrow(/no number floorArea/);
    expect(() => evaluateFee('floorArea * 2', { floorArea: '100' })).toThrow(/no number/);
    expect(() => evaluateFee('process.exit(1)', {})).toThrow();
    expect(() => evaluateFee('constructor', {})).toThrow(/no number/);
    expect(() => evaluateFee('1 +', {})).toThrow();
    expect(() => evaluateFee('1 / 0', {})).toThrow(/division by zero/);
    expect(() => evaluateFee('1 - 5', {})).toThrow(/came out as -4/);
    expect(() => evaluateFee('2 3', {})).toThrow(/unexpected text/);
  });

  it('names the form fields a formula reads, not its functions', () => {
    expect(formulaInputs('round(max(1, boardArea) * 25000 * months)')).toEqual(['boardArea', 'months']);
    expect(formulaInputs('round(floorArea * 10000 * buildingIndex + floorArea)')).toEqual([
      'floorArea',
      'buildingIndex',
    ]);
    expect(formulaInputs('150000')).toEqual([]);
  });
});
