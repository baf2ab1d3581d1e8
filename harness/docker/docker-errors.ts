/** Named errors of the Docker client; each keeps the engine's error as `cause`. */
export class DockerClientError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DockerClientError';
  }
}

export class DockerUnavailableError extends DockerClientError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DockerUnavailableError';
  }
}

export class DockerBuildError extends DockerClientError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DockerBuildError';
  }
}

export class DockerPullError extends DockerClientError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DockerPullError';
  }
}

