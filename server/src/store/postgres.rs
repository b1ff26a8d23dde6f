//! The PostgreSQL backend: tokio-postgres through a deadpool pool, prepared statements cached per
//! connection.

use std::str::FromStr;

use async_trait::async_trait;
use deadpool_postgres::{Manager, ManagerConfig, Object, Pool, RecyclingMethod};
use tokio_postgres::types::{IsNull, ToSql, Type, to_sql_checked};
use tokio_postgres::{NoTls, Statement};

use super::backend::{Backend, Dialect, Tx};
use super::{Row, StoreError, Value};

/// The advisory-lock key that serialises writers of the download feed (ASCII "tokhfeed").
const FEED_LOCK: i64 = 0x746f_6b68_6665_6564;

/// The PostgreSQL backend.
#[derive(Debug)]
pub struct Postgres {
    pool: Pool,
}

impl Postgres {
    /// Connects to `url` (`postgres://user@host:port/db`) with a pool of `max_connections`.
    pub fn connect(url: &str, max_connections: usize) -> Result<Self, StoreError> {
        let config = tokio_postgres::Config::from_str(url).map_err(|_| StoreError::Config)?;
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(max_connections.max(1))
            .build()
            .map_err(|_| StoreError::Config)?;
        Ok(Self { pool })
    }

    async fn client(&self) -> Result<Object, StoreError> {
        self.pool.get().await.map_err(|_| StoreError::Unavailable)
    }
}

fn map_err(e: &tokio_postgres::Error) -> StoreError {
    if let Some(code) = e.code() {
        if *code == tokio_postgres::error::SqlState::UNIQUE_VIOLATION
            || *code == tokio_postgres::error::SqlState::FOREIGN_KEY_VIOLATION
        {
            return StoreError::Conflict;
        }
        return StoreError::Backend("postgres error");
    }
    if e.is_closed() {
        StoreError::Unavailable
    } else {
        StoreError::Backend("postgres client error")
    }
}

impl ToSql for Value {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut tokio_postgres::types::private::BytesMut,
    ) -> Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match self {
            Value::Null => Ok(IsNull::Yes),
            Value::I64(v) if *ty == Type::INT4 => i32::try_from(*v)?.to_sql(ty, out),
            Value::I64(v) if *ty == Type::INT2 => i16::try_from(*v)?.to_sql(ty, out),
            Value::I64(v) => v.to_sql(ty, out),
            Value::F64(v) => v.to_sql(ty, out),
            Value::Text(s) => s.as_str().to_sql(ty, out),
            Value::Bytes(b) => b.as_slice().to_sql(ty, out),
            Value::Bool(b) => b.to_sql(ty, out),
        }
    }

    fn accepts(_ty: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

fn convert_row(row: &tokio_postgres::Row) -> Result<Row, StoreError> {
    let mut values = Vec::with_capacity(row.len());
    for (i, col) in row.columns().iter().enumerate() {
        let ty = col.type_();
        let bad = |_| StoreError::Decode("postgres column");
        let v = if *ty == Type::INT8 {
            row.try_get::<_, Option<i64>>(i).map_err(bad)?.map(Value::I64)
        } else if *ty == Type::INT4 {
            row.try_get::<_, Option<i32>>(i)
                .map_err(bad)?
                .map(|v| Value::I64(v.into()))
        } else if *ty == Type::INT2 {
            row.try_get::<_, Option<i16>>(i)
                .map_err(bad)?
                .map(|v| Value::I64(v.into()))
        } else if *ty == Type::BOOL {
            row.try_get::<_, Option<bool>>(i).map_err(bad)?.map(Value::Bool)
        } else if *ty == Type::FLOAT8 {
            row.try_get::<_, Option<f64>>(i).map_err(bad)?.map(Value::F64)
        } else if *ty == Type::BYTEA {
            row.try_get::<_, Option<Vec<u8>>>(i)
                .map_err(bad)?
                .map(Value::Bytes)
        } else if *ty == Type::TEXT || *ty == Type::VARCHAR || *ty == Type::NAME {
            row.try_get::<_, Option<String>>(i).map_err(bad)?.map(Value::Text)
        } else if *ty == Type::VOID {
            None
        } else {
            return Err(StoreError::Decode("postgres column type"));
        };
        values.push(v.unwrap_or(Value::Null));
    }
    Ok(Row(values))
}

async fn prepare(client: &Object, sql: &str) -> Result<Statement, StoreError> {
    client.prepare_cached(sql).await.map_err(|e| map_err(&e))
}

fn refs(params: &[Value]) -> Vec<&(dyn ToSql + Sync)> {
    params.iter().map(|p| p as &(dyn ToSql + Sync)).collect()
}

async fn run_query(client: &Object, sql: &str, params: &[Value]) -> Result<Vec<Row>, StoreError> {
    let stmt = prepare(client, sql).await?;
    let rows = client
        .query(&stmt, &refs(params))
        .await
        .map_err(|e| map_err(&e))?;
    rows.iter().map(convert_row).collect()
}

#[async_trait]
impl Backend for Postgres {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    async fn query(&self, sql: &str, params: Vec<Value>) -> Result<Vec<Row>, StoreError> {
        let client = self.client().await?;
        run_query(&client, sql, &params).await
    }

    async fn begin(&self) -> Result<Box<dyn Tx>, StoreError> {
        let client = self.client().await?;
        client.batch_execute("BEGIN").await.map_err(|e| map_err(&e))?;
        Ok(Box::new(PgTx { client: Some(client) }))
    }
}

/// An open transaction on a pooled connection. Dropped without `commit`, it is rolled back before the
/// connection goes back to the pool.
struct PgTx {
    client: Option<Object>,
}

impl PgTx {
    fn client(&self) -> Result<&Object, StoreError> {
        self.client.as_ref().ok_or(StoreError::Unavailable)
    }
}

impl Drop for PgTx {
    fn drop(&mut self) {
        if let Some(client) = self.client.take() {
            // Roll back on the runtime; if there is none, discard the connection instead of reusing it.
            if let Ok(handle) = tokio::runtime::Handle::try_current() {
                handle.spawn(async move {
                    if client.batch_execute("ROLLBACK").await.is_err() {
                        let _ = Object::take(client);
                    }
                });
            } else {
                let _ = Object::take(client);
            }
        }
    }
}

#[async_trait]
impl Tx for PgTx {
    async fn query(&mut self, sql: &str, params: Vec<Value>) -> Result<Vec<Row>, StoreError> {
        run_query(self.client()?, sql, &params).await
    }

    async fn execute(&mut self, sql: &str, params: Vec<Value>) -> Result<u64, StoreError> {
        let client = self.client()?;
        let stmt = prepare(client, sql).await?;
        client
            .execute(&stmt, &refs(&params))
            .await
            .map_err(|e| map_err(&e))
    }

    async fn batch(&mut self, sql: &str) -> Result<(), StoreError> {
        self.client()?.batch_execute(sql).await.map_err(|e| map_err(&e))
    }

    async fn lock_feed(&mut self) -> Result<(), StoreError> {
        let client = self.client()?;
        client
            .execute("SELECT pg_advisory_xact_lock($1)", &[&FEED_LOCK])
            .await
            .map_err(|e| map_err(&e))?;
        Ok(())
    }

    async fn commit(mut self: Box<Self>) -> Result<(), StoreError> {
        let client = self.client.take().ok_or(StoreError::Unavailable)?;
        let result = client.batch_execute("COMMIT").await.map_err(|e| map_err(&e));
        if result.is_err() {
            let _ = client.batch_execute("ROLLBACK").await;
        }
        result
    }
}
