import { Token } from 'aws-cdk-lib';

/**
 * A cache endpoint: host name and port.
 */
export class Endpoint {
  /** The host name, e.g. `master.mygroup.abc123.use1.cache.amazonaws.com`. */
  public readonly hostname: string;

  /** The port (a number token when it comes from a CloudFormation attribute). */
  public readonly port: number;

  /** `hostname:port`. */
  public readonly socketAddress: string;

  constructor(hostname: string, port: number) {
    this.hostname = hostname;
    this.port = port;
    const portText = Token.isUnresolved(port) ? Token.asString(port) : String(port);
    this.socketAddress = `${hostname}:${portText}`;
  }
}
