//! The cache on Amazon S3: one object per picture under `map/`, which the
//! bucket's lifecycle rule expires.

use async_trait::async_trait;
use aws_sdk_s3::Client;
use aws_sdk_s3::error::{DisplayErrorContext, SdkError};
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{BucketLocationConstraint, CreateBucketConfiguration};
use bytes::Bytes;

use super::{CacheError, PngCache, PngKey};

#[derive(Debug, Clone)]
pub struct S3Cache {
    client: Client,
    bucket: String,
}

impl S3Cache {
    pub fn new(client: Client, bucket: impl Into<String>) -> Self {
        Self {
            client,
            bucket: bucket.into(),
        }
    }

    /// A client for `config`, path-style when an endpoint is set (emulators
    /// such as moto serve buckets on one host).
    pub fn client(config: &platform::aws::SdkConfig) -> Client {
        let path_style = config.endpoint_url().is_some();
        Client::from_conf(
            aws_sdk_s3::config::Builder::from(config)
                .force_path_style(path_style)
                .build(),
        )
    }
}

fn failed(operation: &'static str, err: impl std::error::Error + 'static) -> CacheError {
    CacheError::new(operation, DisplayErrorContext(err))
}

#[async_trait]
impl PngCache for S3Cache {
    async fn get(&self, key: &PngKey) -> Result<Option<Bytes>, CacheError> {
        let answer = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(key.object())
            .send()
            .await;
        match answer {
            Ok(object) => {
                let body = object.body.collect().await.map_err(|e| failed("read", e))?;
                Ok(Some(body.into_bytes()))
            }
            Err(SdkError::ServiceError(err)) if err.err().is_no_such_key() => Ok(None),
            Err(err) => Err(failed("read", err)),
        }
    }

    async fn put(&self, key: &PngKey, png: &Bytes) -> Result<(), CacheError> {
        self.client
            .put_object()
            .bucket(&self.bucket)
            .key(key.object())
            .content_type("image/png")
            .body(ByteStream::from(png.clone()))
            .send()
            .await
            .map_err(|e| failed("write", e))?;
        Ok(())
    }
}

/// Creates the bucket (for the emulator and `setup`); an existing one is kept.
pub async fn create_bucket(client: &Client, bucket: &str) -> Result<(), CacheError> {
    let mut request = client.create_bucket().bucket(bucket);
    // us-east-1 is the one region that takes no location constraint.
    if let Some(region) = client.config().region().map(|r| r.as_ref().to_string())
        && region != "us-east-1"
    {
        request = request.create_bucket_configuration(
            CreateBucketConfiguration::builder()
                .location_constraint(BucketLocationConstraint::from(region.as_str()))
                .build(),
        );
    }
    match request.send().await {
        Ok(_) => Ok(()),
        Err(SdkError::ServiceError(err))
            if err.err().is_bucket_already_owned_by_you()
                || err.err().is_bucket_already_exists() =>
        {
            Ok(())
        }
        Err(err) => Err(failed("create bucket", err)),
    }
}
