/**
 * What the engine knows about third-party and standard-library APIs, so that different spellings
 * of the same object get one qualified name: `requests.session()` and `requests.Session()`, a
 * `sessionmaker()` product and `sqlalchemy.orm.Session()`, `boto3.Session().client` and
 * `boto3.client`. Keys and values are qualified names (see facts.ts); a key matches a prefix of
 * a name at a token boundary and is replaced by its value.
 *
 * This table says what things *are*, never whether they are a problem: that is the rules' job.
 */

export const LIBRARY_ALIASES: Readonly<Record<string, string>> = {
  // requests
  'requests.session()': 'requests.Session()',
  'requests.sessions.Session': 'requests.Session',
  'requests.sessions.session()': 'requests.Session()',
  'requests.api': 'requests',
  // urllib
  'urllib.request.build_opener()': 'urllib.request.OpenerDirector()',
  // urllib3
  'urllib3.poolmanager.PoolManager': 'urllib3.PoolManager',
  'urllib3.poolmanager.ProxyManager': 'urllib3.ProxyManager',
  'urllib3.connectionpool.HTTPConnectionPool': 'urllib3.HTTPConnectionPool',
  'urllib3.connectionpool.HTTPSConnectionPool': 'urllib3.HTTPSConnectionPool',
  'urllib3.connectionpool.connection_from_url()': 'urllib3.HTTPConnectionPool()',
  'urllib3.connection_from_url()': 'urllib3.HTTPConnectionPool()',
  'urllib3.proxy_from_url()': 'urllib3.ProxyManager()',
  // http.client
  'http.client.HTTPSConnection': 'http.client.HTTPConnection',
  // files
  'io.open()': 'builtins.open()',
  'io.open_code()': 'builtins.open()',
  'codecs.open()': 'builtins.open()',
  'os.fdopen()': 'builtins.open()',
  'pathlib.Path().open()': 'builtins.open()',
  // file object types, as annotations give them (`out: io.TextIOWrapper`). Not `typing.IO`,
  // `TextIO` or `BinaryIO`: those describe any file-like object, and the in-memory `StringIO` /
  // `BytesIO` that parsers and storage layers pass around are what they annotate most often.
  'io.TextIOWrapper()': 'builtins.open()',
  'io.BufferedReader()': 'builtins.open()',
  'io.BufferedWriter()': 'builtins.open()',
  'io.BufferedRandom()': 'builtins.open()',
  'pathlib.PosixPath': 'pathlib.Path',
  'pathlib.WindowsPath': 'pathlib.Path',
  'pathlib.Path.home()': 'pathlib.Path()',
  'pathlib.Path.cwd()': 'pathlib.Path()',
  'pathlib.Path().parent': 'pathlib.Path()',
  'pathlib.Path().joinpath()': 'pathlib.Path()',
  'pathlib.Path().with_suffix()': 'pathlib.Path()',
  'pathlib.Path().with_name()': 'pathlib.Path()',
  'pathlib.Path().with_stem()': 'pathlib.Path()',
  'pathlib.Path().resolve()': 'pathlib.Path()',
  'pathlib.Path().absolute()': 'pathlib.Path()',
  'pathlib.Path().expanduser()': 'pathlib.Path()',
  'tarfile.TarFile()': 'tarfile.open()',
  'tarfile.TarFile.open()': 'tarfile.open()',
  'zipfile.PyZipFile()': 'zipfile.ZipFile()',
  // a temporary file is a file object (one finding per file operation, on its creation)
  'tempfile.NamedTemporaryFile()': 'builtins.open()',
  'tempfile.TemporaryFile()': 'builtins.open()',
  // (a SpooledTemporaryFile stays in memory up to its max_size: not a file on disk)
  // SDKs: one name per client
  'openai.Client': 'openai.OpenAI',
  'openai.AzureOpenAI()': 'openai.OpenAI()',
  'anthropic.Client': 'anthropic.Anthropic',
  'sendgrid.sendgrid.SendGridAPIClient': 'sendgrid.SendGridAPIClient',
  'slack_sdk.web.WebClient': 'slack_sdk.WebClient',
  'slack_sdk.web.client.WebClient': 'slack_sdk.WebClient',
  'slack_bolt.App().client': 'slack_sdk.WebClient()',
  'docker.client.DockerClient': 'docker.DockerClient',
  'docker.client.from_env': 'docker.from_env',
  'opensearchpy.client.OpenSearch': 'opensearchpy.OpenSearch',
  'qdrant_client.qdrant_client.QdrantClient': 'qdrant_client.QdrantClient',
  'pinecone.grpc.PineconeGRPC': 'pinecone.Pinecone',
  'clickhouse_driver.client.Client': 'clickhouse_driver.Client',
  'langchain.document_loaders': 'langchain_community.document_loaders',
  // fastapi-sqlalchemy's `db.session`: a sync SQLAlchemy session bound to the request
  'fastapi_sqlalchemy.db.session': 'sqlalchemy.orm.Session()',
  'fastapi_sqlalchemy.middleware.db.session': 'sqlalchemy.orm.Session()',
  // databases
  'sqlalchemy.orm.session.Session': 'sqlalchemy.orm.Session',
  'sqlalchemy.orm.session.sessionmaker': 'sqlalchemy.orm.sessionmaker',
  'sqlalchemy.orm.sessionmaker()()': 'sqlalchemy.orm.Session()',
  'sqlalchemy.orm.sessionmaker().begin()': 'sqlalchemy.orm.Session()',
  'sqlalchemy.orm.scoped_session()': 'sqlalchemy.orm.Session()',
  'sqlalchemy.orm.scoped_session()()': 'sqlalchemy.orm.Session()',
  'sqlalchemy.orm.Session().begin()': 'sqlalchemy.orm.Session()',
  'sqlmodel.Session': 'sqlalchemy.orm.Session',
  'sqlmodel.create_engine': 'sqlalchemy.create_engine',
  'sqlalchemy.engine.create_engine': 'sqlalchemy.create_engine',
  'sqlalchemy.engine.Engine()': 'sqlalchemy.create_engine()',
  'sqlalchemy.Engine()': 'sqlalchemy.create_engine()',
  'sqlalchemy.create_engine().begin()': 'sqlalchemy.create_engine().connect()',
  'sqlalchemy.engine.Connection()': 'sqlalchemy.create_engine().connect()',
  'sqlalchemy.Connection()': 'sqlalchemy.create_engine().connect()',
  'psycopg2.extensions.connection()': 'psycopg2.connect()',
  'psycopg.Connection.connect()': 'psycopg.connect()',
  'psycopg.Connection()': 'psycopg.connect()',
  'MySQLdb.Connect()': 'MySQLdb.connect()',
  'pymysql.Connect()': 'pymysql.connect()',
  'pymysql.connections.Connection()': 'pymysql.connect()',
  'mysql.connector.MySQLConnection()': 'mysql.connector.connect()',
  'sqlite3.Connection()': 'sqlite3.connect()',
  'pymongo.mongo_client.MongoClient': 'pymongo.MongoClient',
  'pymongo.MongoClient().get_database()': 'pymongo.MongoClient().database',
  'pymongo.MongoClient().get_default_database()': 'pymongo.MongoClient().database',
  'pymongo.MongoClient().database.get_collection()': 'pymongo.MongoClient().database.collection',
  'pymongo.database.Database()': 'pymongo.MongoClient().database',
  'pymongo.collection.Collection()': 'pymongo.MongoClient().database.collection',
  // redis
  'redis.StrictRedis': 'redis.Redis',
  'redis.client.Redis': 'redis.Redis',
  'redis.client.StrictRedis': 'redis.Redis',
  'redis.from_url()': 'redis.Redis()',
  'redis.Redis.from_url()': 'redis.Redis()',
  'redis.asyncio.StrictRedis': 'redis.asyncio.Redis',
  'redis.asyncio.client.Redis': 'redis.asyncio.Redis',
  'redis.asyncio.from_url()': 'redis.asyncio.Redis()',
  'redis.asyncio.Redis.from_url()': 'redis.asyncio.Redis()',
  // AWS
  'boto3.session.Session': 'boto3.Session',
  'boto3.Session().client': 'boto3.client',
  'boto3.Session().resource': 'boto3.resource',
  'botocore.session.get_session()': 'botocore.session.Session()',
  'botocore.session.Session().create_client': 'boto3.client',
  'elasticsearch.client.Elasticsearch': 'elasticsearch.Elasticsearch',
  // password hashing
  'passlib.context.CryptContext': 'passlib.CryptContext',
};
