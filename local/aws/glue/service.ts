/**
 * Local AWS Glue Data Catalog (`AWSGlue`, JSON 1.1): the databases and tables (external tables and Athena views)
 * lakeshift's catalog step keeps. Names are stored in lower case as Glue stores them; a table needs its database,
 * a name is taken once; tables come back with the timestamps and owner fields Glue adds.
 */

import { LOCAL_ACCOUNT_ID } from '#local/aws/shared/account';
import { type JsonStore, memoryStore } from '#local/aws/shared/json-store';
import {
  epochSeconds,
  isRecord,
  optionalString,
  requiredString,
  validationError,
} from '#local/aws/shared/validation';
import type { Clock } from '../../clock.ts';
import { type AwsJsonService, AwsServiceError } from '../../http/service.ts';

type TableInput = Record<string, unknown>;

interface StoredTable {
  readonly input: TableInput;
  readonly name: string;
  readonly createdAt: number;
  updatedAt: number;
  versionId: number;
}

interface StoredDatabase {
  readonly name: string;
  readonly input: Record<string, unknown>;
  readonly createdAt: number;
  readonly tables: Record<string, StoredTable>;
}

/** Glue's rule for database and table names: 1 to 255 characters, no line breaks. */
const NAME = /^[\u0020-\uD7FF\uE000-\uFFFD\t]{1,255}$/;
const TABLE_TYPES = new Set(['EXTERNAL_TABLE', 'VIRTUAL_VIEW', 'MANAGED_TABLE', 'GOVERNED']);

export interface GlueOptions {
  readonly clock: Clock;
  readonly store?: JsonStore<StoredDatabase[]>;
}

const notFound = (what: string): AwsServiceError =>
  new AwsServiceError('EntityNotFoundException', `${what} not found.`);

const nameOf = (input: Record<string, unknown>, field: string): string => {
  const name = requiredString(input, field);
  if (!NAME.test(name)) throw validationError(field, name, 'must be 1 to 255 characters without line breaks');
  return name.toLowerCase();
};

const recordField = (input: Record<string, unknown>, field: string): Record<string, unknown> => {
  const value = input[field];
  if (!isRecord(value)) throw validationError(field, value, 'is required and must be an object');
  return value;
};

export class LocalGlue implements AwsJsonService {
  readonly name = 'glue';
  readonly targetPrefix = 'AWSGlue';
  readonly protocol = 'json1.1' as const;
  private readonly databases = new Map<string, StoredDatabase>();
  private readonly clock: Clock;
  private readonly store: JsonStore<StoredDatabase[]>;

  constructor(options: GlueOptions) {
    this.clock = options.clock;
    this.store = options.store ?? memoryStore();
    for (const database of this.store.load() ?? []) this.databases.set(database.name, database);
  }

  async handle(operation: string, input: Record<string, unknown>): Promise<unknown> {
    switch (operation) {
      case 'CreateDatabase':
        return this.createDatabase(input);
      case 'GetDatabase':
        return { Database: this.describeDatabase(this.database(nameOf(input, 'Name'))) };
      case 'GetDatabases':
        return {
          DatabaseList: [...this.databases.values()].map((database) => this.describeDatabase(database)),
        };
      case 'DeleteDatabase':
        this.databases.delete(this.database(nameOf(input, 'Name')).name);
        this.save();
        return {};
      case 'CreateTable':
        return this.putTable(input, 'create');
      case 'UpdateTable':
        return this.putTable(input, 'update');
      case 'GetTable':
        return { Table: this.describeTable(this.database(nameOf(input, 'DatabaseName')), this.table(input)) };
      case 'GetTables':
        return this.getTables(input);
      case 'DeleteTable': {
        const database = this.database(nameOf(input, 'DatabaseName'));
        const table = this.table(input);
        delete database.tables[table.name];
        this.save();
        return {};
      }
      default:
        throw new AwsServiceError('UnknownOperationException', `Operation ${operation} is not supported`);
    }
  }

  private createDatabase(input: Record<string, unknown>): unknown {
    const databaseInput = recordField(input, 'DatabaseInput');
    const name = nameOf(databaseInput, 'Name');
    if (this.databases.has(name))
      throw new AwsServiceError('AlreadyExistsException', `Database already exists.`);
    this.databases.set(name, { name, input: databaseInput, createdAt: this.clock.now(), tables: {} });
    this.save();
    return {};
  }

  private database(name: string): StoredDatabase {
    const database = this.databases.get(name);
    if (!database) throw notFound(`Database ${name}`);
    return database;
  }

  private table(input: Record<string, unknown>): StoredTable {
    const databaseName = nameOf(input, 'DatabaseName');
    const name = nameOf(input, 'Name');
    const table = this.database(databaseName).tables[name];
    if (!table) throw notFound(`Table ${name} in database ${databaseName}`);
    return table;
  }

  private putTable(input: Record<string, unknown>, mode: 'create' | 'update'): unknown {
    const database = this.database(nameOf(input, 'DatabaseName'));
    const tableInput = recordField(input, 'TableInput');
    const name = nameOf(tableInput, 'Name');
    const type = optionalString(tableInput, 'TableType');
    if (type !== undefined && !TABLE_TYPES.has(type)) {
      throw validationError('TableInput.TableType', type, `must be one of ${[...TABLE_TYPES].join(', ')}`);
    }
    const existing = database.tables[name];
    if (mode === 'create' && existing)
      throw new AwsServiceError('AlreadyExistsException', 'Table already exists.');
    if (mode === 'update' && !existing) throw notFound(`Table ${name} in database ${database.name}`);
    const now = this.clock.now();
    database.tables[name] = {
      name,
      input: tableInput,
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
      versionId: (existing?.versionId ?? 0) + 1,
    };
    this.save();
    return {};
  }

  private getTables(input: Record<string, unknown>): unknown {
    const database = this.database(nameOf(input, 'DatabaseName'));
    const expression = optionalString(input, 'Expression');
    // Glue's Expression is a regular expression over table names.
    const pattern = expression === undefined ? undefined : new RegExp(`^(?:${expression})$`);
    const tables = Object.values(database.tables)
      .filter((table) => pattern === undefined || pattern.test(table.name))
      .sort((a, b) => a.name.localeCompare(b.name));
    return { TableList: tables.map((table) => this.describeTable(database, table)) };
  }

  private describeDatabase(database: StoredDatabase): Record<string, unknown> {
    return {
      ...database.input,
      Name: database.name,
      CreateTime: epochSeconds(database.createdAt),
      CatalogId: LOCAL_ACCOUNT_ID,
    };
  }

  private describeTable(database: StoredDatabase, table: StoredTable): Record<string, unknown> {
    const storage = isRecord(table.input['StorageDescriptor']) ? table.input['StorageDescriptor'] : undefined;
    const lowerNames = (columns: unknown): unknown =>
      Array.isArray(columns)
        ? columns.map((column) =>
            isRecord(column) && typeof column['Name'] === 'string'
              ? { ...column, Name: column['Name'].toLowerCase() }
              : column,
          )
        : columns;
    return {
      ...table.input,
      Name: table.name,
      DatabaseName: database.name,
      ...(storage ? { StorageDescriptor: { ...storage, Columns: lowerNames(storage['Columns']) } } : {}),
      ...(table.input['PartitionKeys'] ? { PartitionKeys: lowerNames(table.input['PartitionKeys']) } : {}),
      CreateTime: epochSeconds(table.createdAt),
      UpdateTime: epochSeconds(table.updatedAt),
      VersionId: String(table.versionId),
      CatalogId: LOCAL_ACCOUNT_ID,
      IsRegisteredWithLakeFormation: false,
    };
  }

  private save(): void {
    this.store.save([...this.databases.values()]);
  }
}
