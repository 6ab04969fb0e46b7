/** Minimal typing for the parts of jstat the models use (the package ships no types). */
declare module 'jstat' {
  interface JStat {
    normal: {
      /** Quantile of N(mean, sd). */
      inv(p: number, mean: number, sd: number): number;
      cdf(x: number, mean: number, sd: number): number;
    };
  }
  const jStat: JStat;
  export default jStat;
}
