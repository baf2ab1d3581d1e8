/** The config file a process was told to read: `--config <file>`, else the variable `envName`, else none. */
export function configPath(argv: readonly string[], env: NodeJS.ProcessEnv, envName: string): string | undefined {
  const i = argv.indexOf('--config');
  if (i >= 0 && argv[i + 1] !== undefined) return argv[i + 1];
  return env[envName] || undefined;
}
