/** Minimal types for the parts of jstat used by the A/B split statistics (jstat ships none). */
declare module 'jstat' {
  interface JStatDistribution {
    pdf(x: number, a: number, b: number): number;
    cdf(x: number, a: number, b: number): number;
    inv(p: number, a: number, b: number): number;
    sample(a: number, b: number): number;
  }
  const pkg: {
    jStat: {
      normal: JStatDistribution;
      beta: JStatDistribution;
      betaln(a: number, b: number): number;
    };
  };
  export default pkg;
}
