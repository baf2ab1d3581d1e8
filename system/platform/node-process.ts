/**
 * What only a real process can tell about itself, for the server's shutdown line: its peak
 * resident memory (the kernel's maxrss, KiB → MiB). A simulated process has none to give.
 */
export const nodeProcessInfo = {
  peakRssMib: (): number => Math.round(process.resourceUsage().maxRSS / 1024),
};
