/** Protocol of a connection, decided by its first byte (0x80: binary). */
export enum Protocol { UNKNOWN, TEXT, BINARY }

/** What completes an upload (the value bytes that follow a store command). */
export enum UploadKind { TEXT, META, BINARY, SASL }
