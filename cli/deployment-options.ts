// Where the CLI finds the deployment: the options every command takes (--function, --region).

/** Where the CLI finds the deployment; shared by every command. */
export interface DeploymentOptions {
  /** The exporter function to read settings from; undefined: the local configuration's. */
  readonly functionName?: string;
  /** The region; undefined: the SDK's default. */
  readonly region?: string;
}
